#!/usr/bin/env bash
# Installs what Berth and its tests need on a fresh Debian 12 machine. Idempotent; quiet when all is present.
set -euo pipefail
need=()
command -v dotnet >/dev/null || { echo "the .NET 10 SDK is required (dotnet on PATH)"; exit 1; }
for bin in kubectl; do
  command -v "$bin" >/dev/null || need+=("$bin")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "missing: ${need[*]} (kubectl comes with the machine image)"; exit 1
fi
