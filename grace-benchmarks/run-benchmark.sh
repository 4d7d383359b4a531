#!/usr/bin/env bash
# What the benchmarks that boot the real WAR share: builds the launcher, the WAR and this module (offline, tests
# skipped), then runs the main class given first with the remaining arguments, from grace-benchmarks/.
# Called by http/run.sh, care/run.sh and efficiency/run.sh.
set -euo pipefail
main_class="$1"
shift
cd "$(dirname "$0")/.."
mvn -B -q -o -Dmaven.test.skip=true -pl payara-config,grace-webapp,grace-benchmarks -am package \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cd grace-benchmarks
exec java -cp "target/classes:$(cat target/classpath.txt)" "$main_class" "$@"
