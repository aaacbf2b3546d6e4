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
# The same rule is also applied to a control: CONTROL=1 (default) keeps the launcher's service running, loads it
# for WARM_EXTRA more seconds (default 30), then records another SECONDS_TOTAL one-second slices of the now warm
# service. A fully warm service meets the rule only as far as the per-second figures of wrk on the same cores
# stay within ±10 %, so the control says how much of a miss is noise. Both series also get a rule that is less
# sensitive to single seconds: the first second from which every median of three consecutive seconds is within
# 10 % of the plateau.
#
#   bench/warmup.sh                      # SECONDS_TOTAL=40 COMPARE=1 CONTROL=1
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

TOTAL=${SECONDS_TOTAL:-40}
COMPARE=${COMPARE:-1}
CONTROL=${CONTROL:-1}
WARM_EXTRA=${WARM_EXTRA:-30}
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
    local series control=()
    mapfile -t series < <(slices "$TOTAL")
    if [[ $kind == launcher && $CONTROL == 1 ]]; then
        slices "$WARM_EXTRA" >/dev/null
        mapfile -t control < <(slices "$TOTAL")
    fi
    stop_service
    rm -rf "$dir"
    verdict "$kind" "${series[@]}"
    if (( ${#control[@]} > 0 )); then
        verdict control "${control[@]}"
    fi
}

slices() { # seconds → the requests/s of each one-second slice, one per line
    for _ in $(seq 1 "$1"); do
        P1_TRACKING_NUMBER=SF1234567890 wrk -t2 -c"$CONNECTIONS" -d1s -s "$ROOT/bench/p1-query.lua" \
            "http://127.0.0.1:$PORT/api/v1/tracking/query" | awk '/^Requests\/sec:/ {printf "%d\n", $2}'
    done
}

verdict() { # label, requests/s per second
    local label=$1 plateau
    shift
    plateau=$(printf '%s\n' "${@: -10}" | sort -n | awk '{a[NR]=$1} END {printf "%d", (a[5] + a[6]) / 2}')
    printf '%s\n' "$@" | awk -v kind="$label" -v load="$(load_avg)" -v plateau="$plateau" '
        function within(x) { return x >= 0.9 * plateau && x <= 1.1 * plateau }
        function med3(a, b, c) { return a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b)) }
        { v[NR] = $1 }
        END {
            n = NR; warm = n + 1; outside = 0
            for (i = n; i >= 1; i--) { if (!within(v[i])) break; warm = i }
            for (i = 1; i <= n; i++) if (!within(v[i])) outside++
            # median of seconds i-1, i, i+1 (the last second: of i-1, i and i again)
            warm3 = n + 1
            for (i = n; i >= 2; i--) { if (!within(med3(v[i - 1], v[i], i < n ? v[i + 1] : v[i]))) break; warm3 = i }
            line = ""; for (i = 1; i <= n; i++) line = line v[i] " "
            printf "P1w %-8s req/s per second: %s\n", kind, line
            printf "P1w %-8s plateau %d req/s; within 10 %% of it from second %d on (target: 10); %d of %d seconds outside ±10 %%; medians of three within 10 %% from second %d on; load %s\n", kind, plateau, warm - 1, outside, n, warm3 - 1, load
        }'
}

measure launcher
[[ $COMPARE == 1 ]] && measure jar
exit 0
