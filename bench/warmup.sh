#!/usr/bin/env bash
# P1w (PRODUCT §9): warm-up of the public query from the moment the service is ready.
#
# Starts target/tallytrack/bin/tallytrack (default options) in a fresh folder; as soon as /api/v1/health/ready
# answers, wrk runs POST /api/v1/tracking/query for the demo number SF1234567890 (manifest-linked, carrier result
# cached after the first query) in back-to-back 1-second slices for SECONDS seconds, 32 connections, and prints
# the requests/s of each second. Plateau: the median of the last 10 seconds. Warm-up: the first second from
# which every later second is within 10 % of the plateau. COMPARE=1 repeats it with `java -jar` (default JDK).
# The per-IP rate limit is raised for the run (all load comes from one IP).
#
#   bench/warmup.sh                      # SECONDS_TOTAL=40 COMPARE=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TOTAL=${SECONDS_TOTAL:-40}
COMPARE=${COMPARE:-1}
PORT=${PORT:-18482}
CONNECTIONS=${CONNECTIONS:-32}
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
ensure_built
unset JAVA_OPTS

measure() { # kind
    local kind=$1 dir
    dir=$(mktemp -d -t tallytrack-p1w-XXXXXX)
    if [[ $kind == launcher ]]; then
        start_service "$dir" "$PORT" --tallytrack.query.rate-limit-per-minute=1000000000
    else
        (cd "$dir" && exec java -jar "$ROOT/target/tallytrack.jar" --server.port="$PORT" \
            --tallytrack.query.rate-limit-per-minute=1000000000 >"$dir/service.log" 2>&1) &
        PID=$!
        until [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/health/ready")" == 200 ]]; do
            kill -0 "$PID" 2>/dev/null || { tail "$dir/service.log" >&2; exit 1; }
            sleep 0.05
        done
    fi
    local series=()
    for _ in $(seq 1 "$TOTAL"); do
        series+=("$(P1_TRACKING_NUMBER=SF1234567890 wrk -t2 -c"$CONNECTIONS" -d1s -s "$ROOT/bench/p1-query.lua" \
            "http://127.0.0.1:$PORT/api/v1/tracking/query" | awk '/^Requests\/sec:/ {printf "%d", $2}')")
    done
    stop_service
    rm -rf "$dir"
    local plateau
    plateau=$(printf '%s\n' "${series[@]: -10}" | sort -n | awk '{a[NR]=$1} END {printf "%d", (a[5] + a[6]) / 2}')
    printf '%s\n' "${series[@]}" | awk -v kind="$kind" -v load="$(load_avg)" -v plateau="$plateau" '
        { v[NR] = $1 }
        END {
            n = NR; warm = n + 1
            for (i = n; i >= 1; i--) { if (v[i] < 0.9 * plateau || v[i] > 1.1 * plateau) break; warm = i }
            line = ""; for (i = 1; i <= n; i++) line = line v[i] " "
            printf "P1w %-8s req/s per second from ready: %s\n", kind, line
            printf "P1w %-8s plateau %d req/s; within 10 %% of it from second %d on (target: 10); load %s\n", kind, plateau, warm - 1, load
        }'
}

measure launcher
[[ $COMPARE == 1 ]] && measure jar
exit 0
