#!/usr/bin/env bash
# polyak on Kubernetes with plain spark-submit (no operator), cluster mode: spark-submit creates the
# driver pod, the driver creates the executor pods.
#
# Needs: a Spark 4.0.x distribution (SPARK_HOME or spark-submit on PATH; the Maven jars deploy/submit
# falls back to have no Kubernetes support), kubectl access (~/.kube/config) to the cluster, the image of
# deploy/k8s/Dockerfile pushed, a service account allowed to create pods (default "spark"), and a
# ReadWriteMany PVC (default "polyak-data") with the data under fashion-mnist/.
#
#   K8S_API=https://my-cluster:6443 POLYAK_IMAGE=registry.example.com/polyak:0.1.0 \
#     deploy/k8s/submit-k8s.sh [key=value ...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${K8S_API:?set K8S_API to the Kubernetes API server URL, e.g. https://my-cluster:6443 (kubectl cluster-info)}"
: "${POLYAK_IMAGE:?set POLYAK_IMAGE to the pushed image of deploy/k8s/Dockerfile}"
NS="${POLYAK_NAMESPACE:-default}"
PVC="${POLYAK_PVC:-polyak-data}"
RUN="polyak-$(date +%Y%m%d-%H%M%S)"
vol=spark.kubernetes
# The app jar is the copy inside the image (local://), not the one on this machine.
POLYAK_APP_JAR=local:///opt/polyak/polyak-app.jar POLYAK_NO_BUILD=1 exec "$HERE/../submit" \
  --master "k8s://$K8S_API" --deploy-mode cluster \
  --name "$RUN" \
  --conf spark.kubernetes.namespace="$NS" \
  --conf spark.kubernetes.container.image="$POLYAK_IMAGE" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${POLYAK_SERVICE_ACCOUNT:-spark}" \
  --conf spark.executor.instances="${POLYAK_EXECUTORS:-4}" \
  --conf spark.executor.cores="${POLYAK_EXECUTOR_CORES:-2}" \
  --conf spark.executor.memory="${POLYAK_EXECUTOR_MEMORY:-4g}" \
  --conf spark.driver.memory="${POLYAK_DRIVER_MEMORY:-4g}" \
  --conf spark.scheduler.minRegisteredResourcesRatio=1.0 \
  --conf spark.io.encryption.enabled=true \
  --conf $vol.driver.volumes.persistentVolumeClaim.data.options.claimName="$PVC" \
  --conf $vol.driver.volumes.persistentVolumeClaim.data.mount.path=/data \
  --conf $vol.executor.volumes.persistentVolumeClaim.data.options.claimName="$PVC" \
  --conf $vol.executor.volumes.persistentVolumeClaim.data.mount.path=/data \
  -- train --conf /opt/polyak/conf/fashion-mnist.conf \
  fashion_mnist=/data/fashion-mnist output.dir="/data/runs/$RUN" \
  data.partitions=$(( ${POLYAK_EXECUTORS:-4} * ${POLYAK_EXECUTOR_CORES:-2} )) \
  "$@"
