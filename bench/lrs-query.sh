#!/usr/bin/env bash
# LRS query benchmark: GET /xapi/statements latency (p50/p99) for agent+verb, activity+since and
# registration filters on a store of COUNT synthetic statements (loaded with
# `suyang lrs generate`), on SQLite and PostgreSQL; load time and resident memory while loading.
#   bench/lrs-query.sh      COUNT=1000000, DURATION=10s, CLIENTS=4, BACKENDS="sqlite postgres"
# Needs wrk (Debian), python3 and PostgreSQL at $BENCH_PG (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
COUNT=${COUNT:-1000000}
DURATION=${DURATION:-10s}
CLIENTS=${CLIENTS:-4}
BENCH_PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
work=$(mktemp -d)
pid=""
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; [[ -n ${pgdb:-} ]] && psql "$BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
cargo build --release -q
BIN=target/release/suyang
# The registrations the generator uses (UUID v5 of their URL), 1,000 of them picked at random.
python3 - "$COUNT" >"$work/registrations" <<'PY'
import random, sys, uuid
n = max(1, int(sys.argv[1]) // 50)
random.seed(7)
for k in random.sample(range(n), min(n, 1000)):
    print(uuid.uuid5(uuid.NAMESPACE_URL, f"http://bench.example.cn/registrations/{k}"))
PY
echo "commit $(git rev-parse --short HEAD), $(nproc) cores, $COUNT statements, wrk -c$CLIENTS -d$DURATION, default page (100 statements)"
echo
echo "| backend | load (statements/s) | peak RSS loading (MiB) | query | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
run() { # backend url port
  local env=(env "SUYANG_DATABASE_URL=$2" SUYANG_LOG=warn SUYANG_LRS_RATE_LIMIT=100000000)
  local started loaded rss
  started=$(date +%s.%N)
  "${env[@]}" /usr/bin/time -f "%M" -o "$work/rss" "$BIN" lrs generate --count "$COUNT" >/dev/null 2>&1
  loaded=$(awk -v s="$started" -v e="$(date +%s.%N)" -v n="$COUNT" 'BEGIN { printf "%.0f", n / (e - s) }')
  rss=$(awk '{ printf "%.1f", $1 / 1024 }' "$work/rss")
  local auth; auth=$(suyang_auth "$2")
  suyang_serve "$2" "$3" "$work/server.log"
  # Since: the middle of the load, so half the statements are newer.
  local since; since=$(date -u -d "@$(awk -v s="$started" -v n="$COUNT" -v r="$loaded" 'BEGIN { printf "%d", s + n / r / 2 }')" +%Y-%m-%dT%H:%M:%SZ)
  for query in agent_verb activity_since registration; do
    QUERY=$query AUTH=$auth SINCE=$since REGISTRATIONS="$work/registrations" \
      wrk -t"$(( CLIENTS < 2 ? 1 : 2 ))" -c"$CLIENTS" -d"$DURATION" --timeout 30s --latency -s bench/lrs-query.lua \
      "http://127.0.0.1:$3/xapi/statements" >"$work/wrk.out"
    local rps p50 p99 errors
    wrk_result "$work/wrk.out"
    echo "| $1 | $loaded | $rss | $query | $rps | $p50 | $p99 |"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
for_each_backend run 18310 18311
