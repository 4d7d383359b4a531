#!/usr/bin/env bash
# The library benchmarks in one command (issue #18): the rate limiter, the cache and the jobs engine against their
# peers, each run several times (3 by default), from the repository root:
#
#   grace-benchmarks/library/run.sh [--only limiter,cache,jobs] [--runs N] [--no-build]
#
# Builds grace-benchmarks and what it needs (offline Maven, tests compiled, not run), then runs the limiter and cache
# programs N times each, one after the other, and the four jobs programs once each with --runs N (they repeat each
# cell themselves).
# Each run's output goes to grace-benchmarks/results/runs/NAME-I.txt with run.sh's own lines about it: start time,
# commit, /proc/loadavg just before and just after the run, the highest 1-minute load sampled every 5 s during it,
# the seconds it took and the time spent waiting for the bench lock. Then org.grace.benchmarks.ResultsTable writes
# the medians and spreads of every figure the program printed as a `grace-result` line into the generated section of
# the results page: results/ratelimit.md, results/cache.md and results/jobs-runs.md (results/jobs.md, with its
# analysis, is written by hand from it and from results/runs/jobs-*.txt).
#
# When GRACE_BENCH_LOCK names a file, each limiter and cache run (and only the run: not the build) holds flock(1) on
# it, so that benchmarks sharing a machine measure one at a time; those programs are started without the variable.
# The jobs programs take the lock themselves (BenchLock) around their measured parts, so they get the variable.
set -euo pipefail
cd "$(dirname "$0")/../.."

# ---------------------------------------------------------------------------------------------------- what runs
# One function per benchmark: its page, and the program with its arguments. Change the arguments here.

# JVM options (system properties, words without spaces) can be added for one invocation through LIMITER_OPTS
# (e.g. "-DmeasureSeconds=3 -Dthreads=1,8") and CACHE_OPTS (e.g. "-Drounds=20 -Dsamples=10000"), and the jobs
# throughput program's arguments (all but --runs) replaced through JOBS_ARGS; the results page shows them in its command.

# The jobs benchmark is four programs, each repeating its cells --runs times itself: throughput (1 instance and 3),
# pickup latency, enqueue throughput, and the database's floor for Grace's statements.
jobs_program() {
    case $1 in
        1) echo org.grace.benchmarks.jobs.JobsThroughputBenchmark \
            ${JOBS_ARGS:---jobs 20000 --threads 1,2,4,8,16,32 --cluster-threads 1,4,16 --instances 3} --runs "$runs" ;;
        2) echo org.grace.benchmarks.jobs.JobsPickupLatencyBenchmark --samples 300 --db-polls 10,100 --runs "$runs" ;;
        3) echo org.grace.benchmarks.jobs.JobsEnqueueBenchmark --jobs 5000 --batched-jobs 50000 --batch 1000 \
            --producers 1,4 --runs "$runs" ;;
        4) echo org.grace.benchmarks.jobs.JobsFloorBenchmark --jobs 20000 --batch 10 --connections 1,2,4 \
            --runs "$runs" ;;
    esac
}
limiter_program() { echo ${LIMITER_OPTS:-} org.grace.benchmarks.ratelimit.RateLimitBenchmark; }
cache_program() { echo ${CACHE_OPTS:-} org.grace.benchmarks.cache.CacheBenchmark --jmh; }
# How many times run.sh starts the program: the limiter and cache programs once per run; the jobs benchmark's four
# programs once each (they repeat their cells themselves).
invocations_of() {
    case $1 in
        jobs) echo 4 ;;
        *) echo "$runs" ;;
    esac
}
# Whether run.sh holds the bench lock around the whole program (no: the jobs programs take it around their
# measurement).
locked_by_script() { [[ $1 != jobs ]]; }

page_of() {
    case $1 in
        limiter) echo ratelimit.md ;;
        cache) echo cache.md ;;
        jobs) echo jobs-runs.md ;;
    esac
}
title_of() {
    case $1 in
        limiter) echo "Rate limiter" ;;
        cache) echo "Cache" ;;
        jobs) echo "Jobs" ;;
    esac
}

# ---------------------------------------------------------------------------------------------------- options
only=limiter,cache,jobs
runs=3
build=yes
while [[ $# -gt 0 ]]; do
    case $1 in
        --only) only=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --no-build) build=no; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown option $1 (known: --only limiter,cache,jobs --runs N --no-build)" >&2; exit 2 ;;
    esac
done
for b in ${only//,/ }; do
    [[ -n $(page_of "$b") ]] || { echo "unknown benchmark $b (known: limiter, cache, jobs)" >&2; exit 2; }
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || { echo "--runs needs a positive number" >&2; exit 2; }
command="grace-benchmarks/library/run.sh --only $only --runs $runs"
for var in LIMITER_OPTS CACHE_OPTS JOBS_ARGS; do
    if [[ -n ${!var:-} ]]; then
        command="$var='${!var}' $command"
    fi
done

results=grace-benchmarks/results
mkdir -p "$results/runs"

if [[ $build == yes ]]; then
    mvn -B -o -q -pl grace-benchmarks -am package -DskipTests dependency:build-classpath \
        -Dmdep.outputFile=target/classpath.txt
fi
classpath=grace-benchmarks/target/classes:$(cat grace-benchmarks/target/classpath.txt)

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),\
 $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM,\
 $(. /etc/os-release && echo "$PRETTY_NAME"), $(java -version 2>&1 | head -1),\
 $(redis-server --version 2>/dev/null | cut -d' ' -f1-3 || echo 'no redis-server')"
commit=$(git rev-parse --short HEAD)
if [[ -n $(git status --porcelain -- grace-core-lib grace-test-support grace-benchmarks/src) ]]; then
    commit="$commit plus uncommitted changes to the measured code"
fi

# ---------------------------------------------------------------------------------------------------- one run
# measure NAME I: runs the program once, inside the bench lock, into results/runs/NAME-I.txt.
measure() {
    local name=$1 i=$2 out lockfd="" waited="not used (no GRACE_BENCH_LOCK)" started t0 samples sampler
    out=$results/runs/$name-$i.txt
    read -r -a program <<< "$("${name}_program" "$i")"
    t0=$SECONDS
    local -a environment=(env -u GRACE_BENCH_LOCK)
    if ! locked_by_script "$name"; then
        environment=(env)
        waited="taken by the program"
    elif [[ -n ${GRACE_BENCH_LOCK:-} ]]; then
        exec {lockfd}>>"$GRACE_BENCH_LOCK"
        flock "$lockfd"
        waited="$((SECONDS - t0)) s wait"
    fi
    started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
    samples=$(mktemp)
    {
        printf 'grace-run\tbenchmark\t%s\n' "$name"
        printf 'grace-run\trun\t%s of %s\n' "$i" "$(invocations_of "$name")"
        printf 'grace-run\tstarted\t%s\n' "$started"
        printf 'grace-run\tcommit\t%s\n' "$commit"
        printf 'grace-run\tmachine\t%s\n' "$machine"
        printf 'grace-run\tjava-command\tjava -cp grace-benchmarks/target/classes:$(cat grace-benchmarks/target/classpath.txt) %s\n' "${program[*]}"
        printf 'grace-run\tlock-wait-seconds\t%s\n' "$waited"
        printf 'grace-run\tload-start\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
    } > "$out"
    ( while :; do cut -d' ' -f1 /proc/loadavg >> "$samples"; sleep 5; done ) &
    sampler=$!
    t0=$SECONDS
    echo "== $name run $i of $(invocations_of "$name"), started $started (bench lock: ${waited}), output in $out"
    local status=0
    "${environment[@]}" java -cp "$classpath" "${program[@]}" >> "$out" 2>&1 || status=$?
    {
        printf 'grace-run\tload-end\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
        printf 'grace-run\tseconds\t%s\n' "$((SECONDS - t0))"
    } >> "$out"
    kill "$sampler"
    wait "$sampler" 2>/dev/null || true
    printf 'grace-run\tload-max\t%s\n' "$(sort -n "$samples" | tail -1)" >> "$out"
    rm -f "$samples"
    if [[ -n $lockfd ]]; then
        flock -u "$lockfd"
        exec {lockfd}>&-
    fi
    if [[ $status -ne 0 ]]; then
        echo "$name run $i failed (exit $status); its output: $out" >&2
        exit "$status"
    fi
}

# ---------------------------------------------------------------------------------------------------- all runs
for name in ${only//,/ }; do
    rm -f "$results/runs/$name"-*.txt
    files=()
    for ((i = 1; i <= $(invocations_of "$name"); i++)); do
        measure "$name" "$i"
        files+=("$results/runs/$name-$i.txt")
    done
    java -cp "$classpath" org.grace.benchmarks.ResultsTable --page "$results/$(page_of "$name")" \
        --title "$(title_of "$name")" --command "$command" "${files[@]}"
done
