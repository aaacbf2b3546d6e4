#!/usr/bin/env bash
# P3 (PRODUCT §9): a user's upload of a 100,000-row manifest, through HTTP, against the physical anchors.
#
#   bench/p3-import.sh                 # ROWS=100000, both databases; builds target/tallytrack/ when missing
#   DATABASES=postgres ROWS=20000 bench/p3-import.sh
#
# Per database, in one run: the packaged service started the README's way (target/tallytrack/bin/tallytrack,
# default JVM options) in a fresh folder; sign in; then, each timed from the start of the upload until the job
# reports COMPLETED (save mode; the end seen on the job's event stream, see upload()):
#   cold CSV    the first upload after start (100,000 new rows)
#   warm CSV    another 100,000 new rows, while wrk runs the public query (its p99 beside the p99 without import)
#   XLSX        100,000 new rows as .xlsx (ratio to the warm CSV)
#   unchanged   the warm CSV again (every row unchanged)
# and the anchor on the same database server in the same run:
#   PostgreSQL  COPY of the cold CSV file into bench_copy (cargo_manifest's columns, defaults and indexes, no
#               triggers), median of 3 (table truncated in between), psql \timing; measured twice: before the
#               service starts (database `anchor` on the fresh server) and after the uploads (database tallytrack,
#               beside the 400,000 rows). The fresh server is the faster one (2026-12-05: ~740 ms against ~950 ms
#               after), so the ratio is reported against the smaller of the two medians, the stricter figure.
#               A CHECKPOINT before the upload and before the second anchor: neither writes out the other's buffers.
#   H2          INSERT INTO bench_copy … SELECT … FROM CSVREAD(file) in the service's own H2 database file
#               (opened with the service's H2 jar after the service stopped), bench_copy with the same indexes
# PostgreSQL is a scratch server started by this script (pg_scratch_start in bench/lib.sh: $PGBIN, user postgres).
# Heap: largest jvm.memory.used{area=heap} seen during an import minus the value before it (garbage included,
# so an upper bound of the growth); and once, after the last upload, the live heap: a full collection (`jcmd PID
# GC.run`, the service's own JDK), then jvm.memory.used{area=heap} — what the four imports left behind, a bound of
# what any of them keeps. (jvm.gc.live.data.size is no measure here: the serial collector updates it only at a full
# collection, and none happens during an import.) No collection is forced between the timed uploads: a full
# collection also resizes the serial collector's young generation, which stays at its start-up size until the
# first one, so it would make the later uploads faster than a user sees them.
# Service CPU: the service process's CPU time during the upload (on PostgreSQL the server's own work is in its
# processes, not included), steadier than wall time on a loaded machine. The per-IP query rate limit is raised for
# the wrk part only (one IP).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"

ROWS=${ROWS:-100000}
DATABASES=${DATABASES:-postgres h2}
PORT=${PORT:-18493}
PGPORT=${PGPORT:-18494}
BASE="http://127.0.0.1:$PORT"
PASSWORD=bench-p3-Password-1
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

ensure_built
[[ -f "$ROOT/target/test-classes/com/tallytrack/importer/bench/ManifestFileGenerator.class" ]] \
    || (cd "$ROOT" && mvn -B -q -o test-compile)
CP="$ROOT/target/test-classes:$ROOT/target/tallytrack/app/lib/*"
H2JAR=$(ls "$ROOT"/target/tallytrack/app/lib/h2-*.jar)

WORK=$(mktemp -d -t tallytrack-p3-XXXXXX)
chmod 755 "$WORK"
PGDATA="$WORK/pg"
cleanup() {
    stop_service
    pg_scratch_stop "$PGDATA"
    rm -rf "$WORK"
}
trap cleanup EXIT

# FILES=dir keeps the generated files there for the next run (they depend only on ROWS)
FILES=${FILES:-$WORK}
mkdir -p "$FILES" && chmod 755 "$FILES"
for f in cold:csv:BC warm:csv:BW sheet:xlsx:BX; do
    IFS=: read -r name fmt prefix <<<"$f"
    if [[ ! -f "$FILES/$name-$ROWS.$fmt" ]]; then
        echo "generating $FILES/$name-$ROWS.$fmt"
        java -cp "$CP" com.tallytrack.importer.bench.ManifestFileGenerator "$ROWS" "$fmt" "$FILES/$name-$ROWS.$fmt" \
            "$prefix"
    fi
done
chmod 644 "$FILES"/*.csv "$FILES"/*.xlsx

login() {
    curl -sf -H 'Content-Type: application/json' -d "{\"username\":\"admin\",\"password\":\"$PASSWORD\"}" \
        "$BASE/api/v1/admin/login" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}

metric_mb() { # metric name [query]
    curl -s -H "Authorization: Bearer $TOKEN" "$BASE/actuator/metrics/$1$2" \
        | sed -n 's/.*"value":\([0-9.E+]*\).*/\1/p' | awk '{printf "%d", $1 / 1048576}'
}
heap_used() { metric_mb jvm.memory.used '?tag=area:heap'; }
# heap in use right after a full collection, forced with the service's own JDK's jcmd
heap_live() {
    "$(dirname "$(readlink -f "/proc/$PID/exe")")/jcmd" "$PID" GC.run >/dev/null
    heap_used
}

# upload FILE → prints "ms heap_growth_mb service_cpu_ms statistics"
# The end is seen on the job's event stream (its "done" event), not by polling: a poll every 20 ms meant a curl and
# two greps 50 times a second on the same two cores and about 0.3-0.4 s of the service's CPU per upload (a JWT check
# and a database read per poll); the admin page polls every 400 ms. If the stream ends without "done", it polls.
upload() {
    local file=$1 start job state="" body heap0 heapmax h sampler
    heap0=$(heap_used)
    local cpu0
    cpu0=$(cpu_ms "$PID")
    start=$(now_ms)
    job=$(curl -sf -H "Authorization: Bearer $TOKEN" -F "file=@$file" "$BASE/api/v1/admin/manifest/upload?async=true" \
        | sed -n 's/.*"job_id":"\([^"]*\)".*/\1/p')
    [[ -n "$job" ]] || { echo "upload of $file was not accepted" >&2; return 1; }
    # the heap, every 200 ms (as often as the poll loop used to look)
    # (it ends by itself when this script does: $$ is the script's own process in the subshell too)
    ( while kill -0 $$ 2>/dev/null; do echo "$(heap_used)"; sleep 0.2; done ) > "$WORK/heap-$job" 2>/dev/null &
    sampler=$!
    local end=""
    if { curl -sN --max-time 900 -H "Authorization: Bearer $TOKEN" \
            "$BASE/api/v1/admin/manifest/upload/jobs/$job/events" || true; } | grep -m1 -q '^event:done'; then
        end=$(now_ms)
    else
        echo "job $job: its event stream ended without a done event; timed by polling instead" >&2
    fi
    while :; do
        body=$(curl -s -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/admin/manifest/upload/jobs/$job")
        if grep -q '"state":"COMPLETED"' <<<"$body"; then state=COMPLETED; break; fi
        if grep -q '"state":"FAILED"' <<<"$body"; then state=FAILED; break; fi
        sleep 0.02
    done
    local ms=$(( ${end:-$(now_ms)} - start ))
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    heapmax=$heap0
    for h in $(<"$WORK/heap-$job") $(heap_used); do
        if [[ $h =~ ^[0-9]+$ ]] && (( h > heapmax )); then heapmax=$h; fi
    done
    [[ $state == COMPLETED ]] || { echo "job $job $state: $body" >&2; return 1; }
    local stats
    stats=$(sed -n 's/.*"statistics":{\([^}]*\)}.*/\1/p' <<<"$body" | tr -d '"' | sed 's/_rows//g')
    echo "$ms $(( heapmax - heap0 )) $(( $(cpu_ms "$PID") - cpu0 )) $stats"
}

query_p99() { # seconds → "rps p99"
    local out
    out=$(P1_TRACKING_NUMBER=SF1234567890 wrk -t1 -c8 -d"$1"s --latency -s "$ROOT/bench/p1-query.lua" \
        "$BASE/api/v1/tracking/query")
    echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $(awk '$1 == "99%" {print $2}' <<<"$out")"
}

report() { printf 'P3 | %-10s | %-32s | %s | load %s\n' "$1" "$2" "$3" "$(load_avg)"; }

run_case_set() { # database
    local db=$1 r cold warm xlsx
    TOKEN=$(login)
    [[ -n "$TOKEN" ]] || { echo "login failed" >&2; exit 1; }
    r=$(upload "$FILES/cold-$ROWS.csv"); cold=${r%% *}
    report "$db" "cold CSV (first upload), new rows" "$(awk '{printf "%d ms (service CPU %d ms), heap used +%d MB, %s", $1, $3, $2, $4}' <<<"$r")"
    local before during wrkpid
    before=$(query_p99 5)
    P1_TRACKING_NUMBER=SF1234567890 wrk -t1 -c8 -d60s --latency -s "$ROOT/bench/p1-query.lua" \
        "$BASE/api/v1/tracking/query" >"$WORK/wrk-during.txt" &
    wrkpid=$!
    r=$(upload "$FILES/warm-$ROWS.csv"); warm=${r%% *}
    kill -INT "$wrkpid" 2>/dev/null || true; wait "$wrkpid" 2>/dev/null || true
    during="$(awk '/^Requests\/sec:/ {print $2}' "$WORK/wrk-during.txt") $(awk '$1 == "99%" {print $2}' "$WORK/wrk-during.txt")"
    report "$db" "warm CSV, new rows, under queries" "$(awk '{printf "%d ms (service CPU %d ms), heap used +%d MB, %s", $1, $3, $2, $4}' <<<"$r")"
    report "$db" "public query p99 (8 conns, 1 thread)" "before the import: $before req/s p99; during it: $during"
    r=$(upload "$FILES/sheet-$ROWS.xlsx"); xlsx=${r%% *}
    report "$db" "XLSX, new rows" "$(awk '{printf "%d ms (service CPU %d ms), heap used +%d MB, %s", $1, $3, $2, $4}' <<<"$r")"
    r=$(upload "$FILES/warm-$ROWS.csv")
    report "$db" "warm CSV again, all unchanged" "$(awk '{printf "%d ms (service CPU %d ms), heap used +%d MB, %s", $1, $3, $2, $4}' <<<"$r")"
    report "$db" "live heap after the four uploads" "$(heap_live) MB (after a full collection)"
    report "$db" "ratio XLSX / warm CSV" "$(awk -v x="$xlsx" -v c="$warm" 'BEGIN {printf "%.2f", x / c}')"
    COLD_MS=$cold
}

BENCH_DDL="CREATE TABLE bench_copy (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, tracking_number VARCHAR(50) NOT NULL,
    manifest_date DATE NOT NULL, transport_code VARCHAR(20) NOT NULL, customer_code VARCHAR(20) NOT NULL,
    goods_code VARCHAR(20) NOT NULL, package_number VARCHAR(50), weight DECIMAL(10, 3), length DECIMAL(8, 2),
    width DECIMAL(8, 2), height DECIMAL(8, 2), special_fee DECIMAL(10, 2), version INT NOT NULL DEFAULT 0,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT uk_bench_copy_tracking_number UNIQUE (tracking_number));
CREATE INDEX idx_bench_copy_package_number ON bench_copy (package_number);
CREATE INDEX idx_bench_copy_manifest_date ON bench_copy (manifest_date);
CREATE INDEX idx_bench_copy_customer_code ON bench_copy (customer_code);
CREATE INDEX idx_bench_copy_updated_at ON bench_copy (updated_at);"
# the CSV's columns in file order (the Chinese template header)
FILE_COLUMNS="manifest_date, tracking_number, package_number, length, width, height, weight, goods_code, customer_code, transport_code"

# copy_anchor DATABASE → the three COPY times in ms, space-separated
copy_anchor() {
    local database=$1 i ms out=()
    "${PSQL[@]}" -d "$database" -c "DROP TABLE IF EXISTS bench_copy" -c "$BENCH_DDL" >/dev/null
    for i in 1 2 3; do
        ms=$("${PSQL[@]}" -d "$database" <<SQL | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1
TRUNCATE bench_copy;
\timing on
COPY bench_copy ($FILE_COLUMNS) FROM '$FILES/cold-$ROWS.csv' (FORMAT csv, HEADER true);
SQL
)
        out+=("${ms%.*}")
    done
    "${PSQL[@]}" -d "$database" -c "DROP TABLE bench_copy" >/dev/null
    echo "${out[*]}"
}

for db in $DATABASES; do
    dir="$WORK/service-$db"
    mkdir -p "$dir"
    if [[ $db == postgres ]]; then
        pg_scratch_start "$PGDATA" "$PGPORT"
        PSQL=(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
        "${PSQL[@]}" -d postgres -c "CREATE DATABASE tallytrack" -c "CREATE DATABASE anchor" >/dev/null
        # shellcheck disable=SC2207
        copies_before=($(copy_anchor anchor))
        copy_before=$(median "${copies_before[@]}")
        report "$db" "anchor: COPY, fresh server" "${copies_before[*]} ms, median $copy_before ms"
        # the anchor's 300,000 rows leave dirty buffers (and its table's pages) that the upload would otherwise
        # write out or evict: each measurement starts on a server with nothing of the other's to write
        "${PSQL[@]}" -d postgres -c "DROP DATABASE anchor" -c "CHECKPOINT" >/dev/null
        export SPRING_DATASOURCE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/tallytrack" \
            SPRING_DATASOURCE_USERNAME=postgres SPRING_DATASOURCE_PASSWORD=postgres \
            TALLYTRACK_SECURITY_JWTSECRET=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    else
        unset SPRING_DATASOURCE_URL SPRING_DATASOURCE_USERNAME SPRING_DATASOURCE_PASSWORD TALLYTRACK_SECURITY_JWTSECRET
    fi
    export TALLYTRACK_ADMIN_PASSWORD=$PASSWORD
    start_service "$dir" "$PORT" --tallytrack.query.rate-limit-per-minute=1000000000 \
        $([[ $db == postgres ]] && echo --tallytrack.demo-data=true)
    report "$db" "service ready" "$READY_MS ms"
    run_case_set "$db"
    if [[ $db == postgres ]]; then
        "${PSQL[@]}" -d postgres -c "CHECKPOINT" >/dev/null
        # shellcheck disable=SC2207
        copies=($(copy_anchor tallytrack))
        copy_after=$(median "${copies[@]}")
        report "$db" "anchor: COPY, after the uploads" "${copies[*]} ms, median $copy_after ms"
        copy=$(( copy_before < copy_after ? copy_before : copy_after ))
        report "$db" "ratio cold CSV upload / COPY" "$(awk -v u="$COLD_MS" -v c="$copy" -v a="$copy_after" \
            'BEGIN {printf "%.2f (against the smaller median, %d ms; %.2f against the one after)", u / c, c, u / a}')"
        stop_service
        pg_scratch_stop "$PGDATA"
        rm -rf "$PGDATA"
    else
        stop_service
        url="jdbc:h2:file:$dir/data/tallytrack"
        cat >"$WORK/anchor.sql" <<SQL
$BENCH_DDL
SET @T0 = CURRENT_TIMESTAMP(9);
INSERT INTO bench_copy ($FILE_COLUMNS) SELECT * FROM CSVREAD('$FILES/cold-$ROWS.csv', NULL, 'charset=UTF-8');
SELECT DATEDIFF('MILLISECOND', @T0, CURRENT_TIMESTAMP(9)) AS ms;
SQL
        out=$(java -cp "$H2JAR" org.h2.tools.RunScript -url "$url" -user sa -password "" -script "$WORK/anchor.sql" \
            -showResults 2>&1)
        copy=$(awk '/^--> [0-9]+ *$/ {v=$2} END {print v}' <<<"$out")
        [[ -n "$copy" ]] || { echo "H2 anchor failed: $out" >&2; exit 1; }
        report "$db" "anchor: INSERT … SELECT FROM CSVREAD" "$copy ms"
        report "$db" "ratio cold CSV upload / CSVREAD" "$(awk -v u="$COLD_MS" -v c="$copy" 'BEGIN {printf "%.2f", u / c}')"
    fi
done
