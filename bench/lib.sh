# Shared by the bench/ scripts: build the packaged service if needed, start it the README's way (the launcher
# in target/tallytrack/bin/, default JVM options) in a fresh folder, wait for ready, stop it.
# shellcheck shell=bash

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
LAUNCHER="$ROOT/target/tallytrack/bin/tallytrack"

now_ms() { date +%s%3N; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ensure_built() {
    if [[ "${BUILD:-0}" == "1" || ! -x "$LAUNCHER" ]]; then
        (cd "$ROOT" && mvn -B -q package -DskipTests)
    fi
}

# start_service DIR PORT [args...]: sets PID and READY_MS (launch → /api/v1/health/ready answers 200)
start_service() {
    local dir=$1 port=$2; shift 2
    local start
    start=$(now_ms)
    (cd "$dir" && exec "$LAUNCHER" --server.port="$port" "$@" >"$dir/service.log" 2>&1) &
    PID=$!
    READY_MS=""
    while kill -0 "$PID" 2>/dev/null; do
        if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/health/ready")" == "200" ]]; then
            READY_MS=$(( $(now_ms) - start ))
            return 0
        fi
        if (( $(now_ms) - start > 180000 )); then break; fi
        sleep 0.05
    done
    echo "the service did not become ready; log: $dir/service.log" >&2
    tail -20 "$dir/service.log" >&2
    return 1
}

stop_service() {
    if [[ -n "${PID:-}" ]] && kill -0 "$PID" 2>/dev/null; then
        kill "$PID"
        wait "$PID" 2>/dev/null || true
    fi
    PID=""
}

rss_mb() { awk '/^VmRSS:/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{printf "%d", ($14 + $15) * 1000 / hz}' "/proc/$1/stat"; }

# A scratch PostgreSQL server for a run (p3, p4): $PGBIN's initdb / pg_ctl run as user postgres, trust auth, on
# 127.0.0.1:PORT, its socket and log in DIR. pg_scratch_stop is safe to call from a trap when none was started.
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
pg_scratch_start() { # DIR PORT
    local data=$1 port=$2
    mkdir -p "$data" && chown postgres "$data"
    runuser -u postgres -- "$PGBIN/initdb" -D "$data" -U postgres --auth=trust >/dev/null
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$data" -l "$data/server.log" -w \
        -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
}
pg_scratch_stop() { # DIR
    if [[ -d "$1" ]]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$1" -m fast stop >/dev/null 2>&1 || true
    fi
}
