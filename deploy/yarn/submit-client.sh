#!/usr/bin/env bash
# polyak on YARN, client mode: the driver (and its console progress) runs on this machine, executors in
# YARN containers. Use for interactive runs from an edge node.
#
# Needs: a Spark 4.0.x distribution built for Hadoop 3 (SPARK_HOME, or spark-submit on PATH) — deploy/submit
# picks it up; HADOOP_CONF_DIR (or YARN_CONF_DIR) pointing at the cluster's core-site.xml/yarn-site.xml/
# hdfs-site.xml; the app jar (./mvnw -pl spark-driver -am package -DskipTests); data and output on HDFS
# (or any file system every node can reach: executors read the data, the driver writes metrics/checkpoints).
# On a Kerberized cluster add --principal/--keytab (or kinit first).
#
#   deploy/yarn/submit-client.sh conf/fashion-mnist.conf data.train.images=hdfs:///... [key=value ...]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${HADOOP_CONF_DIR:?set HADOOP_CONF_DIR to the directory holding the cluster *-site.xml files}"
CONF="${1:?usage: $0 CONFIG_FILE [key=value ...]   (a local file, read by the driver)}"
shift

# The driver runs here and reads the config file (a local path) itself. One application attempt: a
# second attempt would start training again from scratch; rerun with `train --resume <checkpoints>`.
exec "$HERE/../submit" \
  --master yarn --deploy-mode client \
  --name "polyak train" \
  --num-executors "${POLYAK_EXECUTORS:-4}" \
  --executor-cores "${POLYAK_EXECUTOR_CORES:-2}" \
  --executor-memory "${POLYAK_EXECUTOR_MEMORY:-4g}" \
  --driver-memory "${POLYAK_DRIVER_MEMORY:-4g}" \
  --conf spark.yarn.maxAppAttempts=1 \
  --conf spark.dynamicAllocation.enabled=false \
  -- train --conf "$CONF" \
  output.dir="\"${POLYAK_OUTPUT:-hdfs:///user/$USER/polyak/runs/$(date +%Y%m%d-%H%M%S)}\"" \
  "$@"
