#!/usr/bin/env bash
# HTTP benchmark: Suyang on SQLite and on PostgreSQL, side by side with Kolibri 0.19.5, all on
# loopback under the same wrk load. Prints a Markdown report (also saved under bench/results/).
#   bench/web.sh                 # full run (about 6 minutes)
#   DURATION=5s bench/web.sh     # shorter runs
#   SKIP_KOLIBRI=1 bench/web.sh  # Suyang only
# Needs: wrk (Debian), curl, python3; PostgreSQL at $BENCH_PG (default postgres://postgres@127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
BENCH_PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
CONNS=${CONNS:-"50 200"}
mkdir -p bench/results
report=bench/results/web-$(date -u +%Y%m%dT%H%M%SZ).md
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -n ${SKIP_KOLIBRI:-} ]] || bench/kolibri.sh stop >/dev/null 2>&1 || true
  [[ -n ${pgdb:-} ]] && psql "$BENCH_PG/postgres" -qc "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q
BIN=target/release/suyang
say() { echo "$*" | tee -a "$report"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
rss_now() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
rss_peak() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

# One wrk run: prints a table row. GZIP=1 sends Accept-Encoding: gzip as browsers do (the
# server then compresses every response); without it, plain responses as wrk sends by default.
load() { # label url connections [header]
  local args=(-t2 "-c$3" "-d$DURATION" --timeout 30s --latency)
  [[ -n ${GZIP:-} ]] && args+=(-H 'Accept-Encoding: gzip')
  [[ -n ${4:-} ]] && args+=(-H "$4")
  wrk "${args[@]}" "$2" > "$work/wrk.out"
  local rps p50 p99 errs
  rps=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
  errs=$(awk '/Non-2xx/ {print $5}' "$work/wrk.out")
  say "| $1${GZIP:+ (gzip)} | $3 | $rps | $p50 | $p99 | ${errs:-0} |"
  sleep 2
}

wait_ready() { # url
  for _ in $(seq 1 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "not ready: $1" >&2; return 1
}

# Starts Suyang on a database, signs a learner in and gives them a profile. Sets: spid, cookie.
start_suyang() { # label database-url port
  local env=(env "SUYANG_DATABASE_URL=$2" SUYANG_LOG=warn)
  "${env[@]}" "$BIN" migrate >/dev/null
  "${env[@]}" "$BIN" serve --listen "127.0.0.1:$3" >"$work/$1.log" 2>&1 &
  spid=$!; pids+=("$spid")
  wait_ready "http://127.0.0.1:$3/readyz"
  sleep 1
  idle[$1]=$(rss_now "$spid")
  local base="http://127.0.0.1:$3"
  curl -sf -o /dev/null -H 'content-type: application/json' -d '{"login":"bench.learner","display_name":"Bench","password":"bench password"}' "$base/api/v1/users"
  local token
  token=$(curl -sf -H 'content-type: application/json' -d '{"login":"bench.learner","password":"bench password"}' "$base/api/v1/sessions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  local ratings
  ratings=$(curl -sf "$base/api/v1/self-assessment" | python3 -c 'import json,sys; q=json.load(sys.stdin)["questions"]; print(json.dumps({"ratings": {x["code"]: (1 if i == 17 else 3) for i, x in enumerate(q)}}))')
  curl -sf -o /dev/null -H "authorization: Bearer $token" -H 'content-type: application/json' -d "$ratings" "$base/api/v1/self-assessment"
  cookie="Cookie: suyang_session=$token"
  sleep 1
}

say "# Suyang web benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
say ""
say "commit $(git rev-parse --short HEAD), $(nproc) cores, wrk -t2 -d$DURATION --timeout 30s on loopback; rows marked (gzip) send Accept-Encoding: gzip"
say ""
say "| target | connections | requests/s | p50 | p99 | non-2xx |"
say "|---|---|---|---|---|---|"

declare -A idle peak
bench_suyang() { # label database-url port
  start_suyang "$1" "$2" "$3"
  local base="http://127.0.0.1:$3"
  for c in $CONNS; do
    load "suyang-$1 home /" "$base/" "$c"
    load "suyang-$1 framework /framework" "$base/framework" "$c"
    load "suyang-$1 profile /me (signed in)" "$base/me" "$c" "$cookie"
    GZIP=1 load "suyang-$1 framework /framework" "$base/framework" "$c"
  done
  peak[$1]=$(rss_peak "$spid")
  if [[ $1 == sqlite ]]; then
    weights=()
    for page in / /framework /me /assessment; do
      weights+=("$page $(PAGE_WEIGHT_HEADER="$cookie" bench/page-weight.sh "$base$page")")
    done
  fi
  kill "$spid"; wait "$spid" 2>/dev/null || true
}

bench_suyang sqlite "sqlite:$work/bench.db" 18080
pgdb="suyang_bench_$(date +%s)"
psql "$BENCH_PG/postgres" -qc "CREATE DATABASE $pgdb" >/dev/null
bench_suyang postgres "$BENCH_PG/$pgdb" 18081

if [[ -z ${SKIP_KOLIBRI:-} ]]; then
  bench/kolibri.sh setup >/dev/null
  bench/kolibri.sh start 18090 >/dev/null
  kpid=$(bench/kolibri.sh pid | head -n1)
  idle[kolibri]=$(rss_now "$kpid")
  for c in $CONNS; do
    load "kolibri /en/auth/" "http://127.0.0.1:18090/en/auth/" "$c"
    GZIP=1 load "kolibri /en/auth/" "http://127.0.0.1:18090/en/auth/" "$c"
  done
  peak[kolibri]=$(rss_peak "$kpid")
  kweight=$(bench/page-weight.sh http://127.0.0.1:18090/en/auth/ 2>/dev/null)
  bench/kolibri.sh stop >/dev/null
fi

say ""
say "| server | idle RSS after start (MiB) | peak RSS under load (MiB) |"
say "|---|---|---|"
for k in sqlite postgres kolibri; do
  [[ -n ${idle[$k]:-} ]] && say "| $k | $(mib "${idle[$k]}") | $(mib "${peak[$k]}") |"
done
say ""
say "| page | HTML gzip (bytes) | CSS gzip | JS gzip |"
say "|---|---|---|---|"
for w in "${weights[@]}"; do
  read -r page h c j <<<"$w"
  say "| suyang $page | $h | $c | $j |"
done
if [[ -n ${kweight:-} ]]; then
  read -r h c j <<<"$kweight"
  say "| kolibri /en/auth/ | $h | $c | $j |"
fi
echo "saved to $report" >&2
