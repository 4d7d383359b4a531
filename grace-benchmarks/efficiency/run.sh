#!/usr/bin/env bash
# The efficiency benchmark of issue #15 (results/efficiency.md): builds the launcher, the WAR and this module, then
# runs org.grace.benchmarks.efficiency.EfficiencyBenchmark, which starts its own PostgreSQL, Redis, one Grace instance
# and a bare JAX-RS hello WAR on the same Payara Micro jar and JVM profile, drives both with wrk and
# grace-benchmarks/efficiency/efficiency.lua, and prints the cold start, every round and the medians. Run from
# anywhere; arguments go to the program (defaults: --rounds 3 --duration 20 --warmup 15 --connections 16 --threads 2
# --users 300 --cold 30 --profile production --warmups 20s; --warmups 0s,20s measures a cold start per GRACE_WARMUP
# value, the last one then running the rounds, none with --rounds 0; --jfr DIR also records a JFR profile of each
# Grace scenario).
# Set GRACE_BENCH_LOCK=<file> to hold that flock(1) lock from the measured instance's start to the end.
set -euo pipefail
exec "$(dirname "$0")/../run-benchmark.sh" org.grace.benchmarks.efficiency.EfficiencyBenchmark "$@"
