#!/usr/bin/env bash
# P1 (PRODUCT §9): requests/s and p99 of POST /api/v1/tracking/query for a manifest-linked number with a warm
# carrier cache, next to a trivial GET endpoint of the same server in the same run, 32 connections.
#
#   bench/p1-query.sh                 # builds target/tallytrack.jar if missing; needs wrk (apt-get install -y wrk)
#   DURATION=30s ROUNDS=3 bench/p1-query.sh
#
# The server runs the embedded default (H2 file database in a temporary folder, simulator carrier) with the
# per-IP rate limit raised to 1e9/min so that it does not distort the run (all load comes from one IP).
# The baseline is GET /api/v1/health/live when the server has it, else GET /actuator/health/liveness.
# Figures go to docs/BENCHMARKS.md (P1 section).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/target/tallytrack.jar}
PORT=${PORT:-18081}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-2}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
TN=BENCHP1000001
PKG=BENCHPKG0001
BASE="http://127.0.0.1:$PORT"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
[ -f "$JAR" ] || (cd "$ROOT" && mvn -B -q -DskipTests package)

WORK=$(mktemp -d)
DB="jdbc:h2:file:$WORK/data/bench;AUTO_SERVER=TRUE"
(cd "$WORK" && unzip -q -j "$JAR" 'BOOT-INF/lib/h2-*.jar' -d "$WORK")
H2=$(ls "$WORK"/h2-*.jar)

(cd "$WORK" && exec java ${JAVA_OPTS:--Xmx512m} -jar "$JAR" --server.port="$PORT" --spring.datasource.url="$DB" \
    --tallytrack.query.rate-limit-per-minute=1000000000 --tallytrack.demo-data=false \
    --logging.level.root=WARN >"$WORK/app.log" 2>&1) &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT

for _ in $(seq 1 240); do
    curl -sf "$BASE/actuator/health/liveness" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -sf "$BASE/actuator/health/liveness" >/dev/null || { cat "$WORK/app.log"; exit 1; }

# the manifest goes straight into the database, so the run needs no admin credentials
java -cp "$H2" org.h2.tools.Shell -url "$DB" -user sa -password "" -sql \
    "INSERT INTO cargo_manifest (tracking_number, manifest_date, transport_code, customer_code, goods_code, package_number) VALUES ('$TN', DATE '2026-01-01', 'T1', 'C1', 'G1', '$PKG')" >/dev/null

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

echo "baseline: $BASELINE; query: POST /api/v1/tracking/query ($TN -> $PKG); ${CONNECTIONS} connections, ${THREADS} wrk threads, $(nproc) cores"
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
