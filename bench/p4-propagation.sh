#!/usr/bin/env bash
# P4 (PRODUCT §9): a manifest change on node A until node B shows it, the way a user meets the service: two
# packaged nodes, over HTTP, on one PostgreSQL. Targets: p99 ≤ 100 ms with the wake-up channel, ≤ poll interval
# + 100 ms without it; 0 stale reads, 0 lost changes.
#
#   bench/p4-propagation.sh                          # CHANGES=300 (with wake-up), POLLING_CHANGES=40 (without)
#   CHANGES=50 POLLING_CHANGES=8 bench/p4-propagation.sh
#
# Two modes in one run, each on a fresh database of a scratch PostgreSQL 15 server started by this script
# ($PGBIN initdb / pg_ctl, run as user postgres, trust auth, port $PGPORT), each with two fresh nodes:
#   wake-up     the default configuration: tallytrack.sync.wakeup=auto → PostgreSQL LISTEN/NOTIFY, poll 1 s
#   polling     --tallytrack.sync.wakeup=none on both nodes: polling only, poll interval default 1 s
# Both nodes are the packaged service started the README's way (target/tallytrack/bin/tallytrack, default JVM
# options: JAVA_OPTS is unset) in their own empty folder, with the same datasource, the same JWT secret (one
# admin token for both) and the per-IP query limit raised (all load comes from one address); A starts first
# (it runs the migrations), then B; each must answer /api/v1/health/ready 200.
# The client (src/test/java/com/tallytrack/sync/bench/PropagationHttpClient.java, plain JDK HTTP, on the test
# class path) signs in, creates one manifest on A and then changes its package number there CHANGES times
# through PUT /api/v1/admin/manifest/{id}: the clock starts when A's call has returned (committed) and stops at
# the first answer of B's public query (POST /api/v1/tracking/query, back-to-back on one keep-alive connection)
# that shows the new package number. Package numbers carry the change index, so every answer of B is checked:
# an older one after a newer was shown is a stale read; a change not shown within 5 s is lost. Spacing between
# changes: random 0–10 ms with the wake-up, 0–1000 ms without it (changes fall at every phase of B's poll cycle).
# Reported per mode: the first change after start (cold) and the rest (warm): count, p50, p99, max, stale, lost;
# one markdown row each (the table of docs/BENCHMARKS.md, P4) with the load average, to stdout and to
# target/bench/p4-propagation.md. The in-process measurement stays in PropagationBenchmark (JUnit, not run here).
#
# Knobs: CHANGES, POLLING_CHANGES (changes per mode, the cold one included), PGPORT (18594), PORT_A (18595),
# PORT_B (18596), PGBIN (/usr/lib/postgresql/15/bin), SEED (42, the spacing), KEEP=1 keeps the work folder
# (node logs) instead of deleting it. BUILD=1 rebuilds target/tallytrack/ first (lib.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

CHANGES=${CHANGES:-300}
POLLING_CHANGES=${POLLING_CHANGES:-40}
PGPORT=${PGPORT:-18594}
PORT_A=${PORT_A:-18595}
PORT_B=${PORT_B:-18596}
SEED=${SEED:-42}
PASSWORD=bench-p4-Password-1
OUT="$ROOT/target/bench/p4-propagation.md"

# the nodes run with the launcher's default JVM options and with nothing of the caller's sync or Redis settings
# (auto would add a Redis channel, a stray poll interval would change what is measured)
unset JAVA_OPTS
while read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(TALLYTRACK_SYNC_|SPRING_DATA_REDIS_)' || true)

ensure_built
CLIENT=com/tallytrack/sync/bench/PropagationHttpClient
if [[ ! -f "$ROOT/target/test-classes/$CLIENT.class" \
        || "$ROOT/src/test/java/$CLIENT.java" -nt "$ROOT/target/test-classes/$CLIENT.class" ]]; then
    (cd "$ROOT" && mvn -B -q -o test-compile)
fi
CP="$ROOT/target/test-classes:$ROOT/target/tallytrack/app/lib/*"

WORK=$(mktemp -d -t tallytrack-p4-XXXXXX)
chmod 755 "$WORK"
PGDATA="$WORK/pg"
PID_A=""
PID_B=""
stop_nodes() { # B first, then A; stop_service (lib.sh) stops $PID
    PID=$PID_B; stop_service; PID_B=""
    PID=$PID_A; stop_service; PID_A=""
}
cleanup() {
    stop_nodes
    pg_scratch_stop "$PGDATA"
    if [[ "${KEEP:-0}" == "1" ]]; then echo "work folder kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

pg_scratch_start "$PGDATA" "$PGPORT"
PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt)

export SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=postgres
TALLYTRACK_SECURITY_JWTSECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
export TALLYTRACK_SECURITY_JWTSECRET
export TALLYTRACK_ADMIN_PASSWORD=$PASSWORD

mkdir -p "$(dirname "$OUT")"
{
    echo "P4 propagation over HTTP, two packaged nodes, PostgreSQL 15 (scratch server), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "| run | mode | changes | p50 ms | p99 ms | max ms | stale reads | lost changes |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} | tee "$OUT"

# start_node NAME PORT args…: a fresh empty folder; exits the script (the trap stops everything) when not ready
start_node() {
    local name=$1 port=$2; shift 2
    local dir="$WORK/$MODE-node-$name"
    mkdir -p "$dir"
    local ready=0
    start_service "$dir" "$port" "$@" || ready=1
    if [[ $name == a ]]; then PID_A=$PID; else PID_B=$PID; fi # the trap stops it either way
    (( ready == 0 )) || { echo "node $name ($MODE) did not become ready" >&2; exit 1; }
    echo "p4: $MODE: node $name ready in $READY_MS ms (port $port)" >&2
}

run_mode() { # mode label changes max-spacing-ms [node args…]
    MODE=$1
    local label=$2 changes=$3 spacing=$4; shift 4
    local db="tallytrack_${MODE//-/_}"
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $db" >/dev/null
    export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/$db"
    local args=(--tallytrack.query.rate-limit-per-minute=1000000000 "$@")
    start_node a "$PORT_A" "${args[@]}"
    start_node b "$PORT_B" "${args[@]}"
    local results
    results=$(java -cp "$CP" com.tallytrack.sync.bench.PropagationHttpClient "http://127.0.0.1:$PORT_A" \
        "http://127.0.0.1:$PORT_B" "$PASSWORD" "$changes" "$spacing" "$SEED")
    local when load
    when=$(date -u '+%Y-%m-%d %H:%M')
    load=$(load_avg)
    while IFS=$'\t' read -r phase count p50 p99 max stale lost; do
        [[ -n $phase ]] || continue
        if [[ $phase == cold ]]; then phase="cold (first change after start)"; else phase="warm (the rest)"; fi
        printf '| %s, HTTP, packaged nodes, load %s, %s | %s | %s | %s | %s | %s | %s | %s |\n' \
            "$when" "$load" "$phase" "$label" "$count" "$p50" "$p99" "$max" "$stale" "$lost"
    done <<<"$results" | tee -a "$OUT"
    stop_nodes
}

run_mode wake-up "PostgreSQL LISTEN/NOTIFY, poll 1 s" "$CHANGES" 10
run_mode polling "no wake-up, poll 1 s" "$POLLING_CHANGES" 1000 --tallytrack.sync.wakeup=none
