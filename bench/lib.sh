# Shared by the LRS benchmarks (sourced).

# Waits until URL answers (any status), up to 30 s.
wait_for() { for _ in $(seq 1 150); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "$1 did not answer" >&2; return 1; }

# Creates an LRS credential with `$BIN` for the database DATABASE-URL and prints it as the
# base64 of key:secret, ready for an Authorization: Basic header.
#   suyang_auth DATABASE-URL
suyang_auth() {
  local cred key secret
  cred=$(SUYANG_DATABASE_URL=$1 SUYANG_LOG=warn "$BIN" lrs credentials add --name bench)
  key=$(awk '/^key:/ {print $2}' <<<"$cred"); secret=$(awk '/^secret:/ {print $2}' <<<"$cred")
  printf '%s:%s' "$key" "$secret" | base64 -w0
}

# Starts `$BIN serve` on 127.0.0.1:PORT for DATABASE-URL (rate limit lifted), sets `pid`, and
# waits until it is ready. Its log goes to LOG.
#   suyang_serve DATABASE-URL PORT LOG
suyang_serve() {
  SUYANG_DATABASE_URL=$1 SUYANG_LOG=warn SUYANG_LRS_RATE_LIMIT=100000000 "$BIN" serve --listen "127.0.0.1:$2" >"$3" 2>&1 &
  pid=$!
  wait_for "http://127.0.0.1:$2/readyz"
}

# Reads a `wrk --latency` report into rps, p50, p99 and errors (non-2xx answers, 0 when none),
# warning on stderr when there were errors.
#   wrk_result FILE
wrk_result() {
  rps=$(awk '/^Requests\/sec/ {print $2}' "$1")
  p50=$(awk '$1 == "50%" {print $2}' "$1"); p99=$(awk '$1 == "99%" {print $2}' "$1")
  errors=$(awk '/Non-2xx/ {print $5}' "$1"); errors=${errors:-0}
  if [[ $errors != 0 ]]; then echo "warning: $errors non-2xx answers" >&2; fi
}

# Calls FN BACKEND DATABASE-URL PORT for each of $BACKENDS (default "sqlite postgres"): SQLite in
# $work, PostgreSQL in a fresh database at $BENCH_PG (named in `pgdb`, for the caller's cleanup).
#   for_each_backend FN SQLITE-PORT POSTGRES-PORT
for_each_backend() {
  local backend
  for backend in ${BACKENDS:-sqlite postgres}; do
    case $backend in
      sqlite) "$1" sqlite "sqlite:$work/lrs.db" "$2" ;;
      postgres)
        pgdb="suyang_bench_$(date +%s)"
        psql "$BENCH_PG/postgres" -qc "CREATE DATABASE $pgdb" >/dev/null
        "$1" postgres "$BENCH_PG/$pgdb" "$3" ;;
    esac
  done
}
