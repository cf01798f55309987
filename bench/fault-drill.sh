#!/usr/bin/env bash
# Fault drill: a throw-away PostgreSQL cluster on its own port is restarted (fast shutdown:
# every backend is terminated "due to administrator command") while 16 clients upload and 4
# read through the release server. Prints answers by status, dropped connections and lost
# acknowledged uploads. Figures only; never a CI gate.
#
#   bash bench/fault-drill.sh            # 30 s, restart 10 s in
#   DRILL_SECONDS=60 DRILL_PORT=5499 bash bench/fault-drill.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${DRILL_PORT:-5433}"
SECONDS_TOTAL="${DRILL_SECONDS:-30}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
DIR="$(mktemp -d /tmp/eosc-perf-drill.XXXXXX)"
RUN_AS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$DIR"; RUN_AS=(runuser -u postgres --); fi
pg() { "${RUN_AS[@]}" "$PGBIN/$1" "${@:2}"; }
cleanup() { pg pg_ctl -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

pg initdb -D "$DIR/data" -U postgres -A trust >/dev/null
pg pg_ctl -D "$DIR/data" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" -l "$DIR/log" -w start >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres drill

cargo build --release -q -p eosc-perf -p eosc-perf-bench
TARGET="${CARGO_TARGET_DIR:-target}"
RESTART="${RUN_AS[*]} $PGBIN/pg_ctl -D $DIR/data -o '-p $PORT -k $DIR -c listen_addresses=127.0.0.1' -l $DIR/log -m fast -w restart"
"$TARGET/release/loadgen" --server "$TARGET/release/eosc-perf" \
  --database-url "postgres://postgres@127.0.0.1:$PORT/drill" --results 0 --concurrency 16 \
  --seconds "$SECONDS_TOTAL" --fault-command "$RESTART"
