#!/usr/bin/env bash
# P5 (PRODUCT §9): start-up of the embedded default to ready, and idle RSS — the README's way.
#
# Each run is a true first start in a fresh empty folder (creates ./data, the H2 file, the JWT secret, the first
# admin and the demo data): the wall time from launching until GET /api/v1/health/ready answers 200, the
# process's CPU time to then (barely affected by other load on the machine), and its resident set size after
# SETTLE idle seconds. RUNS starts of target/tallytrack/bin/tallytrack (default options), and with COMPARE=1 each
# followed by a start of the plain `java -jar target/tallytrack.jar` (default JDK, no options) in the same run.
#
#   bench/startup.sh                     # RUNS=5 SETTLE=10 COMPARE=1; builds target/tallytrack/ when missing
#   BUILD=1 COMPARE=0 bench/startup.sh
#
# Targets: ready ≤ 3 s, idle RSS ≤ 250 MB. Record the figures in docs/BENCHMARKS.md (P5).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

RUNS=${RUNS:-5}
SETTLE=${SETTLE:-10}
COMPARE=${COMPARE:-1}
PORT=${PORT:-18480}
ensure_built
unset TALLYTRACK_ADMIN_PASSWORD JAVA_OPTS

declare -A ready cpu rss
one() { # kind run
    local kind=$1 run=$2 dir
    dir=$(mktemp -d -t tallytrack-p5-XXXXXX)
    if [[ $kind == launcher ]]; then
        start_service "$dir" "$PORT"
    else
        local start
        start=$(now_ms)
        (cd "$dir" && exec java -jar "$ROOT/target/tallytrack.jar" --server.port="$PORT" >"$dir/service.log" 2>&1) &
        PID=$!
        until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/health/ready")" == 200 ]]; do
            kill -0 "$PID" 2>/dev/null || { tail "$dir/service.log" >&2; exit 1; }
            sleep 0.05
        done
        READY_MS=$(( $(now_ms) - start ))
    fi
    local c r
    c=$(cpu_ms "$PID")
    sleep "$SETTLE"
    r=$(rss_mb "$PID")
    stop_service
    rm -rf "$dir"
    ready[$kind]+="$READY_MS "; cpu[$kind]+="$c "; rss[$kind]+="$r "
    printf 'run %d %-8s: ready %5d ms (CPU %5d ms), idle RSS %3d MB, load %s\n' "$run" "$kind" "$READY_MS" "$c" "$r" \
        "$(load_avg)"
}

kinds=(launcher)
[[ $COMPARE == 1 ]] && kinds+=(jar)
for run in $(seq 1 "$RUNS"); do
    for kind in "${kinds[@]}"; do one "$kind" "$run"; done
done
for kind in "${kinds[@]}"; do
    # shellcheck disable=SC2086 # lists of numbers
    printf 'P5 %-8s median of %d: ready %s ms (CPU %s ms), idle RSS %s MB   [ready: %s] (targets 3000 ms, 250 MB)\n' \
        "$kind" "$RUNS" "$(median ${ready[$kind]})" "$(median ${cpu[$kind]})" "$(median ${rss[$kind]})" "${ready[$kind]% }"
done
