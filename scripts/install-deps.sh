#!/usr/bin/env bash
# Installs what Berth and its tests need on a fresh Debian 12 machine. Idempotent; quiet when all is present.
set -euo pipefail
cd "$(dirname "$0")"
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet on PATH)"; exit 1; }
command -v kubectl >/dev/null || { echo "kubectl is missing (it comes with the machine image)"; exit 1; }
# Image building and the local registry (images/), metric checks (promtool).
./apt-install.sh busybox-static umoci skopeo docker-registry prometheus wrk
