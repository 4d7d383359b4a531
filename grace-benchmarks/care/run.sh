#!/usr/bin/env bash
# The care ingestion benchmark (results/care-ingestion.md): builds the launcher, the WAR and this module, then runs
# org.grace.benchmarks.care.CareIngestionBenchmark, which starts its own PostgreSQL, Redis, Payara Micro instances
# (and nginx for more than one) on loopback, posts transcripts, checks the outcome, stops everything and prints the
# tables. Run from anywhere; arguments go to the program (defaults: --instances 1,3 --rate 100 --warmup 90
# --duration 60 --concurrency 32 --ceiling-duration 30 --residents 50 --profile staging). Set GRACE_BENCH_LOCK=<file>
# to take that flock(1) lock around each configuration's measurements on a shared machine.
set -euo pipefail
exec "$(dirname "$0")/../run-benchmark.sh" org.grace.benchmarks.care.CareIngestionBenchmark "$@"
