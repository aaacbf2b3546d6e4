#!/usr/bin/env bash
# P1 (PRODUCT §9): requests/s and p99 of POST /api/v1/tracking/query for a manifest-linked number with a warm
# carrier cache, next to a trivial GET endpoint of the same server in the same run, 32 connections.
#
#   bench/p1-query.sh                 # builds target/tallytrack/ if missing; needs wrk (apt-get install -y wrk)
#   DURATION=30s ROUNDS=3 bench/p1-query.sh
#
# The server is target/tallytrack/bin/tallytrack (the README's way, default JVM options) on the embedded default
# (H2 file database in a temporary folder, simulator carrier, demo manifests) with the per-IP rate limit raised to
# 1e9/min so that it does not distort the run (all load comes from one IP). The query is for the demo number.
# The baseline is GET /api/v1/health/live when the server has it, else GET /actuator/health/liveness.
# Figures go to docs/BENCHMARKS.md (P1 section).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
PORT=${PORT:-18081}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
TN=SF1234567890      # a demo manifest of the embedded default (package PKG-DEMO-001)
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
ensure_built
unset JAVA_OPTS

WORK=$(mktemp -d)
trap 'stop_service; rm -rf "$WORK"' EXIT
start_service "$WORK" "$PORT" --tallytrack.query.rate-limit-per-minute=1000000000

query() { curl -sf -H 'Content-Type: application/json' -d "{\"tracking_number\":\"$TN\"}" "$BASE/api/v1/tracking/query"; }
query | grep -q '"query_type":"package"' || { echo "the bench number is not resolved through its package" >&2; exit 1; }
query | grep -q '"cached":true' || { echo "the carrier result is not cached" >&2; exit 1; }

if curl -sf "$BASE/api/v1/health/live" >/dev/null 2>&1; then
    BASELINE="$BASE/api/v1/health/live"
else
    BASELINE="$BASE/actuator/health/liveness"
fi

run() { # label, extra wrk args...
    local label=$1; shift
    local out
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@")
    local rps p99
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    echo "$label rps=$rps p99=$p99"
}

echo "baseline: $BASELINE; query: POST /api/v1/tracking/query ($TN); ${CONNECTIONS} connections, ${THREADS} wrk threads, $(nproc) cores"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$BASELINE" >/dev/null
P1_TRACKING_NUMBER=$TN wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$ROOT/bench/p1-query.lua" "$BASE/api/v1/tracking/query" >/dev/null

RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
    RESULTS+=("$(run "round $round baseline" "$BASELINE")")
    RESULTS+=("$(run "round $round query   " -s "$ROOT/bench/p1-query.lua" "$BASE/api/v1/tracking/query")")
done
printf '%s\n' "${RESULTS[@]}"
printf '%s\n' "${RESULTS[@]}" | awk '
    /baseline/ { split($4, a, "="); b += a[2]; nb++ }
    /query/    { split($4, a, "="); q += a[2]; nq++ }
    END { printf "mean baseline rps=%.0f  mean query rps=%.0f  ratio=%.1f%%\n", b/nb, q/nq, 100*(q/nq)/(b/nb) }'
