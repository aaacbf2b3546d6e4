#!/usr/bin/env bash
# P4 (PRODUCT §9): propagation delay of a manifest change from node A to node B, two application nodes on the
# embedded PostgreSQL, with the LISTEN/NOTIFY wake-up and with polling only. Figures go to docs/BENCHMARKS.md.
#   CHANGES=500 POLLING_CHANGES=60 bench/p4-propagation.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q test -Dtest=PropagationBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbench.changes="${CHANGES:-500}" -Dbench.changes.polling="${POLLING_CHANGES:-60}" \
    -DargLine="-Xmx2g -Duser.timezone=UTC -Dbench.changes=${CHANGES:-500} -Dbench.changes.polling=${POLLING_CHANGES:-60}" \
    >/dev/null
cat target/bench/p4-propagation.md
