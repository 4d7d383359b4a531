#!/usr/bin/env bash
# The documents benchmark (results/documents.md, issue #17 must-show 5): builds the launcher, the WAR and this module,
# then runs org.grace.benchmarks.documents.DocumentsBenchmark, which starts its own PostgreSQL, Redis, s3proxy, Payara
# Micro instances and nginx on loopback, measures BlobStore put/get on both back ends and uploads/downloads through
# three instances behind nginx (wrk with grace-benchmarks/documents/download.lua), stops everything and prints the
# tables. Run from anywhere; arguments go to the program (defaults: --phases library,service --backends postgres,s3
# --library-sizes 1,10,100 --library-reps 10,5,3 --photos 10 --large 5 --large-mb 9 --connections 4,16 --warmup 15
# --duration 30 --threads 2 --profile staging). Set GRACE_BENCH_LOCK=<file> to take that flock(1) lock around each
# phase's measurements on a shared machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o -Dmaven.test.skip=true -pl payara-config,grace-webapp,grace-benchmarks -am package \
  dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
cd grace-benchmarks
exec java -Dgrace.s3proxy.jar="$PWD/target/s3proxy.jar" -cp "target/classes:$(cat target/classpath.txt)" \
  org.grace.benchmarks.documents.DocumentsBenchmark "$@"
