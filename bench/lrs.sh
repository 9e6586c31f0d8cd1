#!/usr/bin/env bash
# LRS ingestion benchmark: statements/s for POST batches of 1, 10 and 100 realistic statements
# with 1 and 16 concurrent clients, on SQLite and PostgreSQL, plus resident memory.
#   bench/lrs.sh     DURATION=10s, BACKENDS="sqlite postgres", BATCHES="1 10 100", CLIENTS="1 16"
# Needs wrk (Debian) and PostgreSQL at $BENCH_PG (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
DURATION=${DURATION:-10s}
BENCH_PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; [[ -n ${pgdb:-} ]] && psql "$BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
cargo build --release -q
BIN=target/release/suyang
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, wrk -d$DURATION, statements with context and result"
echo
echo "| backend | batch | clients | requests/s | statements/s | p50 | p99 | peak RSS (MiB) |"
echo "|---|---|---|---|---|---|---|---|"
run() { # backend url port
  local auth; auth=$(suyang_auth "$2")
  suyang_serve "$2" "$3" "$work/server.log"
  for batch in ${BATCHES:-1 10 100}; do
    for clients in ${CLIENTS:-1 16}; do
      AUTH=$auth BATCH=$batch wrk -t"$(( clients < 2 ? 1 : 2 ))" -c"$clients" -d"$DURATION" --timeout 30s --latency -s bench/lrs-post.lua \
        "http://127.0.0.1:$3/xapi/statements" >"$work/wrk.out"
      local rps p50 p99 errors
      wrk_result "$work/wrk.out"
      echo "| $1 | $batch | $clients | $rps | $(awk -v r="$rps" -v b="$batch" 'BEGIN { printf "%.0f", r * b }') | $p50 | $p99 | $(awk '/^VmHWM/ {printf "%.1f", $2/1024}' /proc/$pid/status) |"
    done
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
for_each_backend run 18300 18301
