#!/usr/bin/env bash
# LRS ingestion side by side with peers that run on this machine, under the same load in one run:
# Suyang (SQLite, PostgreSQL), Learning Locker's xapi-statements 5.0.1 (npm; in-memory models,
# xAPI 1.0.3 only) and Ralph 5.1.0 (PyPI ralph-malph; file-system backend), plus the bare-SQLite
# ceiling (the same rows inserted by SQLite alone: crates/suyang-store/benches/sqlite_ceiling.rs).
# Every LRS gets the same statements (bench/lrs-post.lua) as xAPI 1.0.3, the version all serve.
#   bench/lrs-peers.sh     DURATION=10s, BATCHES="1 10 100", CLIENTS="1 16"
# Peers are installed from their registries into $PEERS (default /var/tmp/suyang-peers) and run
# on loopback; nothing of theirs is kept in this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${DURATION:-10s}
PEERS=${PEERS:-/var/tmp/suyang-peers}
BENCH_PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; [[ -n ${pgdb:-} ]] && psql "$BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT

setup_peers() {
  mkdir -p "$PEERS/ll"
  if [[ ! -d $PEERS/ll/node_modules/xapi-statements ]]; then
    (cd "$PEERS/ll" && npm init -y >/dev/null && npm install -q --no-audit --no-fund xapi-statements@5.0.1 >/dev/null 2>&1)
  fi
  if [[ ! -x $PEERS/ralph/bin/ralph ]]; then
    python3 -m venv "$PEERS/ralph"
    "$PEERS/ralph/bin/pip" install -q "ralph-malph[cli,lrs]==5.1.0" requests
  fi
}

load() { # name url auth-base64
  local batch clients rps p50 p99 errors
  for batch in ${BATCHES:-1 10 100}; do
    for clients in ${CLIENTS:-1 16}; do
      AUTH=$3 BATCH=$batch XAPI_VERSION=1.0.3 wrk -t"$(( clients < 2 ? 1 : 2 ))" -c"$clients" -d"$DURATION" --timeout 30s --latency \
        -s bench/lrs-post.lua "$2" >"$work/wrk.out"
      wrk_result "$work/wrk.out" 2>/dev/null
      echo "| $1 | $batch | $clients | $(awk -v r="$rps" -v b="$batch" 'BEGIN { printf "%.0f", r * b }') | $p50 | $p99 | $(rss) | $errors |"
    done
  done
}

# Peak resident memory of the server process and its children, MiB.
rss() { local total=0 p; for p in $pid $(pgrep -P "$pid" || true); do total=$(( total + $(awk '/^VmHWM/ {print $2}' /proc/"$p"/status 2>/dev/null || echo 0) )); done; awk -v k="$total" 'BEGIN { printf "%.1f", k / 1024 }'; }

suyang() { # label database-url port
  local auth; auth=$(suyang_auth "$2")
  suyang_serve "$2" "$3" "$work/suyang.log"
  load "$1" "http://127.0.0.1:$3/xapi/statements" "$auth"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

learning_locker() {
  mkdir -p "$work/ll"
  (cd "$work/ll" && exec env AUTH_REPO=test EVENTS_REPO=test MODELS_REPO=memory STORAGE_REPO=local \
    FS_LOCAL_STORAGE_DIR="$work/ll/storage" EXPRESS_PORT=18330 WINSTON_CONSOLE_LEVEL=error \
    node "$PEERS/ll/node_modules/xapi-statements/dist/index.js" >"$work/ll.log" 2>&1) &
  pid=$!
  wait_for "http://127.0.0.1:18330/xAPI/about"
  load "xapi-statements 5.0.1 (memory)" "http://127.0.0.1:18330/xAPI/statements" "$(printf 'bench:bench' | base64 -w0)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

ralph() {
  mkdir -p "$work/ralph"
  export RALPH_APP_DIR="$work/ralph/app" RALPH_RUNSERVER_BACKEND=fs
  "$PEERS/ralph/bin/ralph" auth -u bench -p bench-secret -s all -M mailto:bench@example.cn -w >/dev/null 2>&1
  "$PEERS/ralph/bin/ralph" runserver -b fs --fs-default-directory-path "$work/ralph/data" -p 18320 >"$work/ralph.log" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:18320/__heartbeat__"
  load "Ralph 5.1.0 (fs)" "http://127.0.0.1:18320/xAPI/statements" "$(printf 'bench:bench-secret' | base64 -w0)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}

# ADL's LRS (Django + PostgreSQL + RabbitMQ) has no package: it is installed by hand from its
# repository (github adlnet/ADL_LRS, commit efa045e, unmodified code, gunicorn with 2 workers)
# under $ADL_LRS_HOME with a start.sh and reset-db.sh; it is measured when present.
ADL_LRS_HOME=${ADL_LRS_HOME:-/var/tmp/adl-lrs}
adl() {
  "$ADL_LRS_HOME/reset-db.sh" >/dev/null 2>&1
  pid=$(PORT=18340 "$ADL_LRS_HOME/start.sh")
  wait_for "http://127.0.0.1:18340/xapi/about"
  load "ADL LRS efa045e (PostgreSQL)" "http://127.0.0.1:18340/xapi/statements" "$(printf 'bench:bench-lrs-pass-2026' | base64 -w0)"
  kill -TERM "$pid"; sleep 1; pid=""
}

setup_peers
cargo build --release -q
BIN=target/release/suyang
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, wrk -d$DURATION, xAPI 1.0.3, statements with context and result"
echo
echo "| LRS | batch | clients | statements/s | p50 | p99 | peak RSS (MiB) | non-2xx |"
echo "|---|---|---|---|---|---|---|---|"
suyang "Suyang (SQLite)" "sqlite:$work/lrs.db" 18300
pgdb="suyang_lrs_peers_$(date +%s)"
psql "$BENCH_PG/postgres" -qc "CREATE DATABASE $pgdb" >/dev/null
suyang "Suyang (PostgreSQL)" "$BENCH_PG/$pgdb" 18301
learning_locker
[[ -x $ADL_LRS_HOME/start.sh ]] && adl
ralph
echo
echo "Bare-SQLite ceiling (same rows, one transaction per batch, no HTTP/JSON/validation):"
echo
STATEMENTS=${CEILING_STATEMENTS:-100000} cargo bench -q -p suyang-store --bench sqlite_ceiling 2>/dev/null | grep '^|'
