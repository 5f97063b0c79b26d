# Shared by deploy/submit and deploy/standalone-cluster (sourced, not run).
#
# POLYAK_ROOT      the repository
# polyak_app_jar   spark-driver/target/polyak-app-<version>.jar (or $POLYAK_APP_JAR), built when missing/stale
# maven_spark_home a SPARK_HOME made of the Maven runtime jars: target/spark-home/jars/ holds symlinks to
#                  the jars of spark-driver/target/spark-classpath.txt (Spark, Hadoop client, Scala, ...;
#                  not polyak and what its app jar shades in), so the cluster is a plain Spark install
# jvm_options      Spark's Java 17 module options (<spark.jvm.options> in the root pom)

POLYAK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
POLYAK_TARGET="$POLYAK_ROOT/spark-driver/target"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

say() { printf '%s: %s\n' "${PROG:-polyak}" "$*" >&2; }
die() { say "$*"; exit 2; }

jvm_options() {
  sed -n 's:.*<spark.jvm.options>\(.*\)</spark.jvm.options>.*:\1:p' "$POLYAK_ROOT/pom.xml"
}

# Sources newer than the app jar (or no jar / no classpath file): build with ./mvnw package (never install:
# ~/.m2 may be shared). POLYAK_NO_BUILD=1 turns this off (tests, CI images with a prebuilt jar).
ensure_built() {
  [ -n "${POLYAK_APP_JAR:-}" ] && return 0   # a jar of your choice: nothing to build
  local jar
  jar="$(ls -t "$POLYAK_TARGET"/polyak-app-*.jar 2>/dev/null | head -n 1 || true)"
  if [ -n "$jar" ] && [ -f "$POLYAK_TARGET/spark-classpath.txt" ]; then
    [ "${POLYAK_NO_BUILD:-0}" = 1 ] && return 0
    [ -z "$(find "$POLYAK_ROOT/pom.xml" "$POLYAK_ROOT/trainer-core" "$POLYAK_ROOT/spark-driver/pom.xml" \
        "$POLYAK_ROOT/spark-driver/src/main" -newer "$jar" -type f \
        \( -name '*.java' -o -name '*.xml' -o -name '*.conf' -o -name '*.properties' \) \
        -not -path '*/target/*' 2>/dev/null | head -n 1)" ] && return 0
  elif [ "${POLYAK_NO_BUILD:-0}" = 1 ]; then
    die "no app jar in $POLYAK_TARGET (POLYAK_NO_BUILD=1): build it with ./mvnw -pl spark-driver -am package -DskipTests"
  fi
  say "building the app jar (./mvnw -q -B -pl spark-driver -am package -DskipTests) ..."
  (cd "$POLYAK_ROOT" && ./mvnw -q -B -pl spark-driver -am package -DskipTests >&2) || die "build failed"
}

polyak_app_jar() {
  if [ -n "${POLYAK_APP_JAR:-}" ]; then
    # a URI (local:// inside an image, hdfs://, https://) is passed on as it is
    case "$POLYAK_APP_JAR" in *://*) ;; *) [ -f "$POLYAK_APP_JAR" ] || die "POLYAK_APP_JAR=$POLYAK_APP_JAR does not exist" ;; esac
    printf '%s\n' "$POLYAK_APP_JAR"
    return
  fi
  ls -t "$POLYAK_TARGET"/polyak-app-*.jar 2>/dev/null | head -n 1
}

# Echoes the directory; (re)links jars/ when the classpath file changed.
maven_spark_home() {
  local home="$POLYAK_TARGET/spark-home" cp="$POLYAK_TARGET/spark-classpath.txt"
  [ -f "$cp" ] || die "$cp is missing: build with ./mvnw -pl spark-driver -am package -DskipTests"
  if [ ! -f "$home/classpath.txt" ] || ! cmp -s "$cp" "$home/classpath.txt"; then
    local tmp="$home/jars.tmp.$$"
    mkdir -p "$home" && rm -rf "$tmp" && mkdir "$tmp"
    tr ":" "\n" < "$cp" | while IFS= read -r jar || [ -n "$jar" ]; do
      [ -n "$jar" ] && ln -s "$jar" "$tmp/$(basename "$jar")"
    done
    rm -rf "$home/jars" && mv "$tmp" "$home/jars" && cp "$cp" "$home/classpath.txt"
  fi
  printf '%s\n' "$home"
}
