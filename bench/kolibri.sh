#!/usr/bin/env bash
# Peer benchmark target: Kolibri 0.19.5 (from PyPI), served on loopback only.
#   bench/kolibri.sh setup        # venv + pip install + provision device (idempotent)
#   bench/kolibri.sh start PORT   # run in background, wait until /en/auth/ answers 200
#   bench/kolibri.sh pid          # PIDs whose RSS to measure (main process + any children)
#   bench/kolibri.sh stop
# Writes only to $KOLIBRI_VENV and $KOLIBRI_HOME.
set -euo pipefail

VENV=${KOLIBRI_VENV:-/var/tmp/kolibri-venv}
export KOLIBRI_HOME=${KOLIBRI_HOME:-/var/tmp/kolibri-home}
PIDFILE=$KOLIBRI_HOME/bench.pid
KOLIBRI=$VENV/bin/kolibri

# Kolibri reads every option from KOLIBRI_<OPTION> env vars (they override options.ini).
export KOLIBRI_LISTEN_ADDRESS=127.0.0.1   # [Deployment] LISTEN_ADDRESS, default 0.0.0.0
export KOLIBRI_ZEROCONF_ENABLED=False     # no mDNS broadcasts on the LAN
export KOLIBRI_DISABLE_PING=True          # no statistics pingback to the internet
export KOLIBRI_ZIP_CONTENT_PORT=${KOLIBRI_ZIP_CONTENT_PORT:-0}  # 0 = any free port (also 127.0.0.1)

setup() {
  if ! "$KOLIBRI" --version 2>/dev/null | grep -q '0\.19\.5'; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q kolibri==0.19.5
  fi
  mkdir -p "$KOLIBRI_HOME"
  if [[ ! -e $KOLIBRI_HOME/.bench-provisioned ]]; then
    "$KOLIBRI" manage provisiondevice --facility Bench --superusername admin \
      --superuserpassword bench-admin --preset nonformal --language_id en --noinput
    touch "$KOLIBRI_HOME/.bench-provisioned"
  fi
}

start() {
  local port=${1:?usage: kolibri.sh start PORT}
  [[ -e $KOLIBRI_HOME/.bench-provisioned ]] || { echo "run setup first" >&2; exit 1; }
  # setsid: own process group, so stop can take down everything Kolibri spawns.
  setsid "$KOLIBRI" start --foreground --skip-update --port "$port" \
    >"$KOLIBRI_HOME/bench.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  local url=http://127.0.0.1:$port/en/auth/ code
  for _ in $(seq 180); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
    [[ $code == 200 ]] && { echo "kolibri up on 127.0.0.1:$port (pid $(cat "$PIDFILE"))"; return; }
    kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
    sleep 1
  done
  echo "kolibri did not answer 200 on $url; see $KOLIBRI_HOME/bench.log" >&2
  stop; exit 1
}

pids() {  # main process, then the rest of its process group (none: workers are threads)
  local main; main=$(cat "$PIDFILE" 2>/dev/null || true)
  [[ -n $main ]] && kill -0 "$main" 2>/dev/null || { echo "not running" >&2; exit 1; }
  echo "$main"
  pgrep -g "$main" | grep -vx "$main" || true
}

stop() {
  [[ -e $PIDFILE ]] || return 0
  local pgid; pgid=$(cat "$PIDFILE")
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 1; done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  rm -f "$PIDFILE" "$KOLIBRI_HOME/server.pid"
}

case ${1:-} in
  setup) setup ;;
  start) start "${2:-}" ;;
  pid)   pids ;;
  stop)  stop ;;
  *) echo "usage: $0 setup | start PORT | pid | stop" >&2; exit 2 ;;
esac
