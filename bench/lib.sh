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
