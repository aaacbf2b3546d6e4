#!/usr/bin/env sh
# P3 (PRODUCT §9): import of a 100,000-row CSV and XLSX in save mode, on H2 (file) and embedded PostgreSQL.
# Usage: bench/p3-import.sh [rows]   (default 100000). Figures: stdout lines starting with "P3 |" and
# bench/out/p3-results.md; copy them into docs/BENCHMARKS.md.
set -e
cd "$(dirname "$0")/.."
ROWS="${1:-100000}"
mvn -B -q test -Dbench=true -Dbench.rows="$ROWS" -Dtest='ImportBenchmark*' -Dsurefire.failIfNoSpecifiedTests=false \
  | grep '^P3 ' || true
