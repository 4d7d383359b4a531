#!/usr/bin/env bash
# The fleet's HTTP benchmark (results/http.md): builds the launcher, the WAR and this module, then runs
# org.grace.benchmarks.http.FleetHttpBenchmark, which starts its own PostgreSQL, Redis, Payara Micro instances and nginx
# on loopback, drives them with wrk and grace-benchmarks/http/mixed.lua, stops everything and prints a table.
# Run from anywhere; arguments go to the program (--warmup 180 --duration 20 --connections 32,128 --threads 2
# --profile staging --rounds 1 --fleets 1,3; --rounds N repeats the direct/nginx A B B A block N times, --fleets 1
# skips the three-instance phase). Set GRACE_BENCH_LOCK=<file> to take that flock(1) lock around each wrk run on a shared machine.
set -euo pipefail
exec "$(dirname "$0")/../run-benchmark.sh" org.grace.benchmarks.http.FleetHttpBenchmark "$@"
