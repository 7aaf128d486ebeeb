#!/usr/bin/env bash
# Builds the images (if needed), starts the local registry (if not running) and pushes the images to it:
# the one command a demo or an end-to-end test runs before pods can pull. Prints the registry address.
#
# Usage: images/up.sh [--port PORT] [--data DIR] [--out DIR]   (defaults as in build.sh and registry.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
reg_args=(); out_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port|--data) reg_args+=("$1" "$2"); shift 2 ;;
    --out) out_args+=("$1" "$2"); shift 2 ;;
    *) echo "up.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
"$HERE/build.sh" "${out_args[@]}" > /dev/null
addr=$("$HERE/registry.sh" start "${reg_args[@]}")
"$HERE/push.sh" --registry "$addr" "${out_args[@]}" > /dev/null
echo "$addr"
