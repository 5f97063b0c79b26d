#!/usr/bin/env bash
# polyak on YARN, cluster mode: the driver runs in the YARN ApplicationMaster container; this script
# returns when the application ends (spark.yarn.submit.waitAppCompletion, default true). Use for
# scheduled/unattended runs: the job survives the submitting machine going away once it is accepted.
#
# Needs: as submit-client.sh (Spark 4.0.x distribution, HADOOP_CONF_DIR, the app jar, data on HDFS). The
# app jar is uploaded to the application's staging directory on HDFS by spark-submit. The config file
# must travel with the application: it is shipped with --files and read by its file name in the driver's
# working directory. The driver's console output ends up in the YARN logs:
#   yarn logs -applicationId <id> -log_files stdout
#
#   deploy/yarn/submit-cluster.sh conf/fashion-mnist.conf data.train.images=... output.dir=hdfs:///...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the directory holding the cluster *-site.xml files}"
CONF="${1:?usage: $0 CONFIG_FILE [key=value ...]}"
shift

# One application attempt: a second one would start training again from scratch (resume explicitly with
# `train --resume hdfs:///.../checkpoints`). Relative paths in the config (output.dir = "runs/x") would land in the container's working directory
# and be deleted with it: give output.dir (and data paths) as hdfs:// URIs.
exec "$HERE/../submit" \
  --master yarn --deploy-mode cluster \
  --name "polyak train" \
  --files "$CONF" \
  --num-executors "${POLYAK_EXECUTORS:-4}" \
  --executor-cores "${POLYAK_EXECUTOR_CORES:-2}" \
  --executor-memory "${POLYAK_EXECUTOR_MEMORY:-4g}" \
  --driver-memory "${POLYAK_DRIVER_MEMORY:-4g}" \
  --conf spark.yarn.maxAppAttempts=1 \
  --conf spark.dynamicAllocation.enabled=false \
  -- train --conf "$(basename "$CONF")" \
  output.dir="\"${POLYAK_OUTPUT:-hdfs:///user/$USER/polyak/runs/$(date +%Y%m%d-%H%M%S)}\"" \
  "$@"
