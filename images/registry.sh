#!/usr/bin/env bash
# Runs Berth's local image registry: Debian's docker-registry (distribution 2.8) with its own config,
# listening on 127.0.0.1 only, storing under DIR, started in the background with its PID recorded in
# DIR/registry.pid and stopped by that PID (never by name).
#
# Usage: images/registry.sh start|stop|status [--port PORT] [--data DIR]
#   --port PORT  (start) TCP port on 127.0.0.1 (default 5000)
#   --data DIR   state directory (default: $BERTH_REGISTRY_DATA, else /var/lib/berth/registry as root,
#                else ~/.berth/registry). Holds config.yml, registry.pid, registry.port, registry.log
#                and storage/ (the blobs and manifests).
# start waits until GET /v2/ answers and prints the registry address (127.0.0.1:PORT); it is a no-op
# when this DIR's registry is already running. status prints "running PID 127.0.0.1:PORT" (exit 0) or
# "stopped" (exit 3). stop sends SIGTERM (SIGKILL after 10 s) to the recorded PID.
set -euo pipefail
cmd=${1:-}; [ $# -gt 0 ] && shift
PORT=5000
if [ -n "${BERTH_REGISTRY_DATA:-}" ]; then DATA=$BERTH_REGISTRY_DATA
elif [ "$(id -u)" = 0 ]; then DATA=/var/lib/berth/registry
else DATA=$HOME/.berth/registry; fi
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT=$2; shift 2 ;;
    --data) DATA=$2; shift 2 ;;
    *) echo "registry.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$PORT" in ''|*[!0-9]*) echo "registry.sh: --port must be a number" >&2; exit 2 ;; esac

if [ -d "$DATA" ]; then DATA=$(cd "$DATA" && pwd); fi
PIDFILE=$DATA/registry.pid

# Prints the recorded PID if that process is still our docker-registry (a reused PID is not ours).
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid=$(cat "$PIDFILE")
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  [ -r "/proc/$pid/cmdline" ] || return 1
  local cmdline; cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline")
  case "$cmdline" in *docker-registry*"$DATA/config.yml"*) echo "$pid" ;; *) return 1 ;; esac
}

answers() { curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$1/v2/" 2>/dev/null; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  command -v docker-registry >/dev/null || { echo "registry.sh: docker-registry is not installed (run images/build.sh as root)" >&2; exit 1; }
  mkdir -p "$DATA/storage"
  DATA=$(cd "$DATA" && pwd); PIDFILE=$DATA/registry.pid
  local pid
  if pid=$(running_pid); then
    echo "127.0.0.1:$(cat "$DATA/registry.port")"
    return 0
  fi
  if port_in_use "$PORT"; then echo "registry.sh: 127.0.0.1:$PORT is already in use" >&2; exit 1; fi
  cat > "$DATA/config.yml" <<YAML
# Written by images/registry.sh: Berth's local registry, loopback only, no auth.
version: 0.1
log:
  level: info
  fields:
    service: berth-registry
storage:
  filesystem:
    rootdirectory: $DATA/storage
  delete:
    enabled: true
  cache:
    blobdescriptor: inmemory
http:
  addr: 127.0.0.1:$PORT
  secret: berth-local-registry
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: false
YAML
  echo "$PORT" > "$DATA/registry.port"
  # setsid: the registry outlives this script and does not get the caller's terminal signals.
  setsid docker-registry serve "$DATA/config.yml" >> "$DATA/registry.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$PIDFILE"
  local i
  for i in $(seq 1 200); do
    if answers "$PORT"; then echo "127.0.0.1:$PORT"; return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  echo "registry.sh: the registry did not come up on 127.0.0.1:$PORT; log:" >&2
  tail -20 "$DATA/registry.log" >&2
  kill "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  exit 1
}

stop() {
  local pid
  if ! pid=$(running_pid); then rm -f "$PIDFILE"; echo "stopped"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; sleep 0.1; fi
  rm -f "$PIDFILE"
  echo "stopped"
}

status() {
  local pid
  if pid=$(running_pid); then echo "running $pid 127.0.0.1:$(cat "$DATA/registry.port")"; return 0; fi
  echo "stopped"
  return 3
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) sed -n '2,14p' "$0" >&2; exit 2 ;;
esac
