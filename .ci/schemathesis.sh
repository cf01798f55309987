#!/usr/bin/env bash
# Fuzzes the HTTP API against its own OpenAPI document with schemathesis: every operation of
# /api-spec.json gets generated requests (valid and invalid), and the run fails on any 5xx
# answer or any answer whose body does not match the documented response schema.
#
# The server is the tests' `fuzz_env` binary: the real application on a fresh PostgreSQL
# database from TEST_DATABASE_URL, with the mock OIDC provider, SMTP sink and registry, a
# seeded data set, a registered user and an admin. Runs, each with a fixed seed:
#   1. as the admin, every operation except POST /users:remove;
#   2. as a registered user who is not admin (403 bodies);
#   3. without a token (401 bodies);
#   4. as the admin, POST /users:remove alone, last, since it may remove the admin.
#
# schemathesis is installed with pip into a venv outside the clone (SCHEMATHESIS_VENV,
# default ~/.cache/eosc-perf-schemathesis-<version>), created once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
SEED="${SCHEMATHESIS_SEED:-20240601}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-40}"
VENV="${SCHEMATHESIS_VENV:-$HOME/.cache/eosc-perf-schemathesis-$SCHEMATHESIS_VERSION}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/eosc-perf-target}"
REPORT_DIR="${SCHEMATHESIS_REPORT_DIR:-$CARGO_TARGET_DIR/schemathesis-report}"

log() { printf '[schemathesis] %s\n' "$*"; }

: "${TEST_DATABASE_URL:?TEST_DATABASE_URL must name a PostgreSQL server (as .ci/run sets it)}"
export TEST_DATABASE_URL REQUIRE_POSTGRES=1

if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

log "building fuzz_env"
cargo build --quiet -p eosc-perf-tests --bin fuzz_env

WORK=$(mktemp -d)
"$CARGO_TARGET_DIR/debug/fuzz_env" >"$WORK/env" 2>"$WORK/server.log" &
SERVER_PID=$!
stop_server() {
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop_server EXIT

for _ in $(seq 1 120); do
  grep -q '^FUZZ_READY=1$' "$WORK/env" && break
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "fuzz_env exited early:"; cat "$WORK/server.log"; exit 1
  fi
  sleep 1
done
grep -q '^FUZZ_READY=1$' "$WORK/env" || { log "fuzz_env did not become ready"; cat "$WORK/server.log"; exit 1; }
value() { grep "^$1=" "$WORK/env" | cut -d= -f2-; }
URL=$(value FUZZ_URL)
ADMIN_TOKEN=$(value FUZZ_ADMIN_TOKEN)
USER_TOKEN=$(value FUZZ_USER_TOKEN)
log "server at $URL ($(value FUZZ_BACKEND))"

mkdir -p "$REPORT_DIR"
# $1: run name; the rest: extra schemathesis arguments.
fuzz() {
  local name=$1
  shift
  log "run '$name': seed $SEED, at most $MAX_EXAMPLES examples per operation"
  timeout 240 "$VENV/bin/schemathesis" run "$URL/api-spec.json" --url "$URL" \
    --checks not_a_server_error,response_schema_conformance \
    --seed "$SEED" --max-examples "$MAX_EXAMPLES" --workers 1 \
    --generation-database none --no-color \
    --report junit --report-junit-path "$REPORT_DIR/$name.xml" \
    "$@"
}

fuzz admin -H "Authorization: Bearer $ADMIN_TOKEN" --exclude-operation-id RemoveUsers
fuzz user -H "Authorization: Bearer $USER_TOKEN" --exclude-operation-id RemoveUsers
fuzz anonymous --exclude-operation-id RemoveUsers
fuzz remove-users -H "Authorization: Bearer $ADMIN_TOKEN" --include-operation-id RemoveUsers
log "no server errors, every response matches the document"
