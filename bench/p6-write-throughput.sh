#!/usr/bin/env bash
# P6 (PRODUCT §9): cluster write throughput on PostgreSQL with 1, 2, 4 and 8 concurrent writers, each transaction
# a single-row update as the API does it (read the row, update it, commit; the change-log trigger fires), as a ratio
# to one writer in the same run. Runs the same pgbench driver against two schemas in a scratch cluster:
#   old — migrations up to V11 (the cluster-wide append lock, pg_advisory_xact_lock in a statement trigger)
#   new — plus V20/V21 (no lock; entries stamped with pg_current_xact_id())
# Uses the system PostgreSQL binaries (initdb/pg_ctl on PATH or /usr/local/bin) and pgbench. Figures go to
# docs/BENCHMARKS.md, section P6.
#   DURATION=10 CLIENTS="1 2 4 8" ROWS=10000 bench/p6-write-throughput.sh
# Second part (IMPORT_ROWS=0 skips it): 4 writers' latency p50/p99 alone and while a 100,000-row import runs beside
# them, as the service's PostgreSQL import does it (batches of 1,000 rows, each one transaction with one set-based
# INSERT … SELECT … ON CONFLICT DO UPDATE, so the change-log triggers fire per statement), on both schemas.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-"1 2 4 8"}
ROWS=${ROWS:-10000}
IMPORT_ROWS=${IMPORT_ROWS:-100000}
export PATH="/usr/local/bin:$PATH"
MIG=src/main/resources/db/migration
WORK=$(mktemp -d /tmp/p6-XXXXXX)
PORT=$((20000 + RANDOM % 20000))
# PostgreSQL refuses to run as root: then the server runs as the postgres (or nobody) user
AS=()
if [ "$(id -u)" = 0 ]; then
  AS=(runuser -u "$(id -u postgres >/dev/null 2>&1 && echo postgres || echo nobody)" --)
  chmod 755 "$WORK"; chown "${AS[2]}" "$WORK"
fi
trap '"${AS[@]}" pg_ctl -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

"${AS[@]}" initdb -D "$WORK/data" -U postgres -A trust >/dev/null
# Unix socket only (no TCP port bound); default durability (fsync and synchronous_commit on), as in production.
"${AS[@]}" pg_ctl -D "$WORK/data" -l "$WORK/log" -w -o "-c listen_addresses='' -c unix_socket_directories='$WORK' -p $PORT \
  -c max_connections=50 -c shared_buffers=64MB" start >/dev/null
PSQL=(psql -q -X -v ON_ERROR_STOP=1 -h "$WORK" -p "$PORT" -U postgres)

setup() { # database, migration files...
  local db=$1; shift
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $db" >/dev/null
  for f in "$@"; do "${PSQL[@]}" -d "$db" -f "$f" >/dev/null; done
  "${PSQL[@]}" -d "$db" -c "INSERT INTO cargo_manifest (tracking_number, manifest_date, transport_code, customer_code,
      goods_code, package_number) SELECT 'P6' || g, DATE '2024-05-01', 'T1', 'C1', 'G1', 'PKG-' || (g % 100)
      FROM generate_series(1, $ROWS) g" >/dev/null
  "${PSQL[@]}" -d "$db" -c "VACUUM ANALYZE" >/dev/null
}
setup old "$MIG/common/V1__foundation.sql" "$MIG/common/V10__sync_change_log.sql" "$MIG/postgresql/V11__sync_triggers.sql"
setup new "$MIG/common/V1__foundation.sql" "$MIG/common/V10__sync_change_log.sql" "$MIG/postgresql/V11__sync_triggers.sql" \
  "$MIG/common/V20__sync_log_horizon.sql" "$MIG/postgresql/V21__sync_xid_order.sql"

cat > "$WORK/update.sql" <<SQL
\set id random(1, $ROWS)
BEGIN;
SELECT id, version FROM cargo_manifest WHERE id = :id;
UPDATE cargo_manifest SET package_number = 'P6-' || :client_id || '-' || :id, version = version + 1,
    updated_at = now() WHERE id = :id;
END;
SQL

declare -A TPS
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for db in old new; do
  for c in $CLIENTS; do
    out=$(pgbench -n -h "$WORK" -p "$PORT" -U postgres -c "$c" -j "$c" -T "$DURATION" -f "$WORK/update.sql" "$db" 2>&1)
    TPS[$db,$c]=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' <<<"$out")
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo "P6 write throughput, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${DURATION}s per point, $ROWS rows,"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER; $(postgres --version)"
echo
echo "| writers | old (V11 lock) tx/s | ratio to 1 | new (xid order) tx/s | ratio to 1 |"
echo "| --- | --- | --- | --- | --- |"
first=${CLIENTS%% *}
for c in $CLIENTS; do
  printf '| %s | %.0f | %.2f | %.0f | %.2f |\n' "$c" "${TPS[old,$c]}" \
    "$(awk "BEGIN{print ${TPS[old,$c]}/${TPS[old,$first]}}")" "${TPS[new,$c]}" \
    "$(awk "BEGIN{print ${TPS[new,$c]}/${TPS[new,$first]}}")"
done

[ "$IMPORT_ROWS" -gt 0 ] || exit 0

import_batches() { # database: IMPORT_ROWS new rows in batches of 1,000, one transaction each
  local db=$1 b
  for ((b = 0; b < IMPORT_ROWS / 1000; b++)); do
    "${PSQL[@]}" -d "$db" -c "INSERT INTO cargo_manifest AS m (tracking_number, manifest_date, transport_code,
        customer_code, goods_code, package_number) SELECT 'IM' || g, DATE '2024-05-02', 'T1', 'C1', 'G1',
        'PKG-IM-' || (g % 500) FROM generate_series($((b * 1000 + 1)), $((b * 1000 + 1000))) g
        ON CONFLICT (tracking_number) DO UPDATE SET package_number = EXCLUDED.package_number,
        version = m.version + 1, updated_at = now()
        WHERE m.package_number IS DISTINCT FROM EXCLUDED.package_number" >/dev/null
  done
}
latencies() { # database, seconds (0: as long as the import runs) -> "p50 p99 max" in ms of 4 writers' transactions
  local db=$1 secs=$2 dir
  dir=$(mktemp -d "$WORK/lat-XXXX"); chmod 777 "$dir"
  if [ "$secs" = 0 ]; then
    # short pgbench runs back to back while the import runs (each run writes its whole log when it ends)
    local t0 run=0; t0=$(date +%s.%N)
    import_batches "$db" & local imp=$!
    while kill -0 "$imp" 2>/dev/null; do
      run=$((run + 1))
      pgbench -n -h "$WORK" -p "$PORT" -U postgres -c 4 -j 4 -T 2 -l --log-prefix="$dir/pgbench_log.r$run" \
          -f "$WORK/update.sql" "$db" >/dev/null 2>&1
    done
    wait "$imp"
    local took; took=$(awk "BEGIN{printf \"%.1f\", $(date +%s.%N) - $t0}")
  else
    pgbench -n -h "$WORK" -p "$PORT" -U postgres -c 4 -j 4 -T "$secs" -l --log-prefix="$dir/pgbench_log" \
        -f "$WORK/update.sql" "$db" >/dev/null 2>&1
  fi
  cat "$dir"/pgbench_log.* | awk '{print $3 / 1000}' | sort -n | awk -v took="${took:--}" '{v[NR] = $1} END {
      printf "%.1f %.1f %.1f %s", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR], took}'
}
echo
echo "Writers' latency (4 writers, single-row updates) alone and during a ${IMPORT_ROWS}-row import"
echo "(batches of 1,000 rows, one set-based upsert each), load average $(cut -d' ' -f1-3 /proc/loadavg):"
echo
echo "| schema | writers alone p50 / p99 / max ms | during the import p50 / p99 / max ms | import s |"
echo "| --- | --- | --- | --- |"
for db in old new; do
  read -r a50 a99 amax _ <<<"$(latencies "$db" "$DURATION")"
  read -r i50 i99 imax took <<<"$(latencies "$db" 0)"
  echo "| $db | $a50 / $a99 / $amax | $i50 / $i99 / $imax | $took |"
done
