#!/usr/bin/env bash
# P5 (PRODUCT §9): start-up of the embedded default to ready, and idle RSS.
#
# Starts target/tallytrack.jar in a fresh empty folder (first start: creates ./data, the H2 file, the JWT secret,
# the first admin and the demo data), measures the wall time from launch until GET /api/v1/health/ready
# answers 200, lets the idle process settle, then reads its resident set size from /proc. Repeats RUNS times.
#
#   bench/startup.sh                       # uses target/tallytrack.jar, builds it if missing
#   BUILD=1 bench/startup.sh               # rebuild first (mvn -B -q package -DskipTests)
#   JAVA_OPTS="-XX:TieredStopAtLevel=1" RUNS=5 SETTLE=20 bench/startup.sh
#
# Targets: ready ≤ 10 s, idle RSS ≤ 400 MB. Record the figures in docs/BENCHMARKS.md (P5).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${RUNS:-3}"
SETTLE="${SETTLE:-15}"        # seconds of idleness after ready before reading RSS
PORT="${PORT:-18480}"
JAVA_OPTS="${JAVA_OPTS:-}"
JAR="target/tallytrack.jar"

if [[ "${BUILD:-0}" == "1" || ! -f "$JAR" ]]; then
    mvn -B -q package -DskipTests
fi
JAR="$(pwd)/$JAR"

now_ms() { date +%s%3N; }

ready_ms=()
cpu_ms_all=()
rss_mb=()
for run in $(seq 1 "$RUNS"); do
    dir="$(mktemp -d -t tallytrack-p5-XXXXXX)"
    start=$(now_ms)
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
    (cd "$dir" && exec env -u TALLYTRACK_ADMIN_PASSWORD java $JAVA_OPTS -jar "$JAR" --server.port="$PORT" \
        >"$dir/out.log" 2>&1) &
    pid=$!
    ready=""
    while kill -0 "$pid" 2>/dev/null; do
        if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$PORT/api/v1/health/ready")" == "200" ]]; then
            ready=$(( $(now_ms) - start ))
            break
        fi
        if (( $(now_ms) - start > 120000 )); then
            break
        fi
        sleep 0.05
    done
    # CPU seconds the JVM used to get there: unlike wall time, barely affected by other load on the machine.
    cpu_ms=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$pid/stat" 2>/dev/null || echo 0)
    if [[ -z "$ready" ]]; then
        echo "run $run: not ready within 120 s; log: $dir/out.log" >&2
        kill "$pid" 2>/dev/null || true
        exit 1
    fi
    sleep "$SETTLE"
    rss_kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$dir"
    ready_ms+=("$ready")
    cpu_ms_all+=("$cpu_ms")
    rss_mb+=("$(( rss_kb / 1024 ))")
    load=$(cut -d' ' -f1 /proc/loadavg)
    printf 'run %d: ready after %d ms (JVM CPU %d ms), idle RSS %d MB, load average %s\n' \
        "$run" "$ready" "$cpu_ms" "$(( rss_kb / 1024 ))" "$load"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf 'P5 median of %d runs (JAVA_OPTS="%s"): ready %s ms (JVM CPU %s ms), idle RSS %s MB (targets: 10000 ms, 400 MB)\n' \
    "$RUNS" "$JAVA_OPTS" "$(median "${ready_ms[@]}")" "$(median "${cpu_ms_all[@]}")" "$(median "${rss_mb[@]}")"
