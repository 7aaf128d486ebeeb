#!/usr/bin/env bash
# Builds Berth and starts it on this machine: `scripts/up.sh [DATA_DIR] [PORT]`.
# Prints the KUBECONFIG to use; stop it with `kill $(cat DATA_DIR/berth.pid)`.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR=${1:-$([ "$(id -u)" = 0 ] && echo /var/lib/berth || echo "$HOME/.berth")}
PORT=${2:-6443}
scripts/install-deps.sh
dotnet publish src/Berth -c Release -o artifacts/berth -nologo -clp:ErrorsOnly >/dev/null
mkdir -p "$DATA_DIR"
if [ -f "$DATA_DIR/berth.pid" ] && kill -0 "$(cat "$DATA_DIR/berth.pid")" 2>/dev/null; then
  echo "berth is already running (pid $(cat "$DATA_DIR/berth.pid"))"
else
  nohup artifacts/berth/berth server --data-dir "$DATA_DIR" --secure-port "$PORT" > "$DATA_DIR/berth.log" 2>&1 &
  echo $! > "$DATA_DIR/berth.pid"
  for _ in $(seq 1 100); do
    curl -sk "https://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
fi
echo "Berth is ready. Use it with:"
echo "  export KUBECONFIG=$DATA_DIR/admin.kubeconfig"
echo "  kubectl get namespaces"
