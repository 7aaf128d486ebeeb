#!/usr/bin/env bash
# Installs what Berth and its tests need on a fresh Debian 12 machine. Idempotent; quiet when all is present.
set -euo pipefail
cd "$(dirname "$0")"
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet on PATH)"; exit 1; }
command -v kubectl >/dev/null || { echo "kubectl is missing (it comes with the machine image)"; exit 1; }
# Image building and the local registry (images/), metric checks (promtool).
./apt-install.sh busybox-static umoci skopeo docker-registry prometheus wrk

# The node agent's container runtime: Berth runs its own containerd (with runc and the CNI bridge,
# portmap and firewall plugins in /usr/lib/cni); the distribution's containerd service is never used.
containerd_was_installed=0
dpkg-query -W -f='${Status}' containerd 2>/dev/null | grep -q "install ok installed" && containerd_was_installed=1
./apt-install.sh containerd runc containernetworking-plugins iptables iproute2
# Where systemd runs, installing enables the package's unit; keep it disabled (apt-install denied its start).
if [ "$containerd_was_installed" = 0 ] && [ -d /run/systemd/system ]; then
  systemctl disable --quiet containerd.service 2>/dev/null || true
fi
