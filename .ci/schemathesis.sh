#!/usr/bin/env bash
# Fuzzes the HTTP API against its own OpenAPI document with schemathesis: every operation of
# /api-spec.json gets generated requests (valid and invalid), and the run fails on any 5xx
# answer or any answer whose body does not match the documented response schema.
#
# The server is the tests' `fuzz_env` binary: the real application on a fresh PostgreSQL
# database from TEST_DATABASE_URL, with the mock OIDC provider, SMTP sink and registry, a
# seeded data set, a registered user and an admin. Runs, each with a fixed seed:
#   1. as the admin, every operation except POST /users:remove;
#   2. as a registered user who is not admin (403 bodies), fuzzing phase only;
#   3. without a token (401 bodies), fuzzing phase only;
#   4. as the admin, POST /users:remove alone, last, since it may remove the admin.
#
# schemathesis is installed with pip into a venv outside the clone (SCHEMATHESIS_VENV,
# default ~/.cache/eosc-perf-schemathesis-<version>), created once and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
SEED="${SCHEMATHESIS_SEED:-20240601}"
# Examples per operation. The admin runs reach every handler and run every phase (examples,
# coverage, fuzzing, stateful); the user and anonymous runs mostly meet the 401/403 checks
# and only fuzz.
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-25}"
MAX_EXAMPLES_UNPRIVILEGED="${SCHEMATHESIS_MAX_EXAMPLES_UNPRIVILEGED:-10}"
VENV="${SCHEMATHESIS_VENV:-$HOME/.cache/eosc-perf-schemathesis-$SCHEMATHESIS_VERSION}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/eosc-perf-target}"
REPORT_DIR="${SCHEMATHESIS_REPORT_DIR:-$CARGO_TARGET_DIR/schemathesis-report}"
# Wall-clock budget of the server start and all runs together.
BUDGET_SECONDS="${SCHEMATHESIS_BUDGET_SECONDS:-290}"

log() { printf '[schemathesis] %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

: "${TEST_DATABASE_URL:?TEST_DATABASE_URL must name a PostgreSQL server (as .ci/run sets it)}"
export TEST_DATABASE_URL REQUIRE_POSTGRES=1

if [ "$("$VENV/bin/schemathesis" --version 2>/dev/null || true)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  if ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    log "python3 cannot create venvs: installing python3-venv with apt-get"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >/dev/null
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

log "building fuzz_env"
cargo build --quiet -p eosc-perf-tests --bin fuzz_env
STARTED=$SECONDS

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
REPORT_DIR=$(cd "$REPORT_DIR" && pwd)
# $1: run name; $2: examples per operation; the rest: extra schemathesis arguments.
fuzz() {
  local name=$1 examples=$2
  shift 2
  local left=$((BUDGET_SECONDS - (SECONDS - STARTED)))
  log "run '$name': seed $SEED, at most $examples examples per operation (${left}s of the budget left)"
  if [ "$left" -le 0 ]; then
    log "over the time budget of ${BUDGET_SECONDS}s"; return 1
  fi
  local status=0
  # From the scratch directory: schemathesis and hypothesis keep caches in the working directory.
  (cd "$WORK" && timeout "$left" "$VENV/bin/schemathesis" run "$URL/api-spec.json" --url "$URL" \
    --checks not_a_server_error,response_schema_conformance \
    --seed "$SEED" --max-examples "$examples" --workers 1 \
    --generation-database none --no-color \
    --report junit --report-junit-path "$REPORT_DIR/$name.xml" \
    "$@") || status=$?
  if [ "$status" = 124 ]; then log "run '$name' went over the time budget of ${BUDGET_SECONDS}s"; fi
  if [ "$status" != 0 ]; then log "run '$name' failed (report: $REPORT_DIR/$name.xml)"; fi
  return "$status"
}

fuzz admin "$MAX_EXAMPLES" -H "Authorization: Bearer $ADMIN_TOKEN" --exclude-operation-id RemoveUsers
fuzz user "$MAX_EXAMPLES_UNPRIVILEGED" -H "Authorization: Bearer $USER_TOKEN" --exclude-operation-id RemoveUsers \
  --phases fuzzing
fuzz anonymous "$MAX_EXAMPLES_UNPRIVILEGED" --exclude-operation-id RemoveUsers --phases fuzzing
fuzz remove-users "$MAX_EXAMPLES" -H "Authorization: Bearer $ADMIN_TOKEN" --include-operation-id RemoveUsers
log "no server errors, every response matches the document"
