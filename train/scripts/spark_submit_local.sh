#!/usr/bin/env bash
# Runs the jar's Spark job the way spark-submit runs it, on a machine without a Spark installation: Spark's jars are the
# ones the project builds against (from Maven), the JVM gets the options Spark's launcher gives every driver and executor
# on Java 17 (org.apache.spark.launcher.JavaModuleOptions: --add-opens..., --add-modules=jdk.incubator.vector), and the
# class spark-submit itself runs, org.apache.spark.deploy.SparkSubmit, starts the job. In local mode the executors are
# threads of this one JVM. For trying the job and for benchmarks/compare_translate.sh; on a cluster use its spark-submit.
#
#   bash train/scripts/spark_submit_local.sh [--master 'local[2]'] [--conf k=v ...] -- --weights G --input DIR --output DIR [...]
#
# Needs the jar (mvn -B -q package -DskipTests). JAVA_OPTS adds JVM options (a heap: JAVA_OPTS=-Xmx4g).
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=train/target/cyclegan-engine.jar
[ -f "$jar" ] || { echo "build the jar first: mvn -B -q package -DskipTests" >&2; exit 2; }
submit=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do submit+=("$1"); shift; done
[ $# -gt 0 ] && shift
[[ " ${submit[*]:-} " == *" --master "* ]] || submit=(--master 'local[2]' "${submit[@]}")

classpath_file=train/target/spark-classpath.txt
if [ ! -s "$classpath_file" ] || [ train/pom.xml -nt "$classpath_file" ] || [ pom.xml -nt "$classpath_file" ]; then
  # Spark and what it needs: train's provided dependencies (the project's own modules and libraries are in the jar).
  # With compile in the same run the reactor resolves the project's own modules to their target/classes (dropped below
  # with the rest of the project's own): on a machine where they were never installed into the local repository,
  # dependency:build-classpath alone cannot resolve them.
  mvn -B -q compile dependency:build-classpath -pl train -am -Dmdep.outputFile="$PWD/$classpath_file.all" -Dmdep.includeScope=provided >/dev/null
  tr ':' '\n' < "$classpath_file.all" | grep -v -e /org/cyclegan/ -e /org/jocl/ -e /org/ejml/ -e '/target/classes$' | paste -sd: > "$classpath_file"
  rm -f "$classpath_file.all"
fi
classpath=$(cat "$classpath_file")
java_home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
# What Spark's launcher adds, asked of the launcher itself so that it stays the Spark version's own list.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
cat > "$probe/ModuleOptions.java" <<'JAVA'
public class ModuleOptions {
    public static void main(String[] args) {
        System.out.print(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptions());
    }
}
JAVA
module_options=$(java -cp "$classpath" "$probe/ModuleOptions.java")
[ -n "$module_options" ] || { echo "could not read Spark's JVM options from org.apache.spark.launcher.JavaModuleOptions" >&2; exit 1; }
# Signal chaining, as the jar's launcher sets it for its child: a native OpenCL platform (--device opencl or auto) must
# not displace the JVM's signal handlers.
if [ -e "$java_home/lib/libjsig.so" ]; then export LD_PRELOAD="$java_home/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"; fi
# shellcheck disable=SC2086
java $module_options ${JAVA_OPTS:-} -cp "$classpath" org.apache.spark.deploy.SparkSubmit "${submit[@]}" \
  --conf spark.ui.enabled=false --class org.cyclegan.train.spark.SparkTranslate "$jar" "$@"
