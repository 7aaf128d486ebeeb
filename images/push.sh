#!/usr/bin/env bash
# Pushes the images that images/build.sh built to Berth's local registry with skopeo, under the
# repository names that containerd looks up through its mirrors (table in images/README.md):
#   mycompany/myapp:v1.2.3 → 127.0.0.1:PORT/mycompany/myapp:v1.2.3   (docker.io mirror)
#   busybox:1.36           → 127.0.0.1:PORT/library/busybox:1.36     (docker.io mirror)
#   pause                  → 127.0.0.1:PORT/berth/pause:3.9 and /pause:3.9 (registry.k8s.io mirror)
#
# Usage: images/push.sh [--port PORT | --registry 127.0.0.1:PORT] [--out DIR]
#   --port PORT        registry port on 127.0.0.1 (default 5000)
#   --registry H:P     registry address; must be a loopback address
#   --out DIR          build output of images/build.sh (default: $BERTH_IMAGES_OUT or images/out)
# Prints one line per pushed reference. Pushing again is cheap: skopeo skips blobs the registry has.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${BERTH_IMAGES_OUT:-$HERE/out}
REGISTRY=127.0.0.1:5000
while [ $# -gt 0 ]; do
  case "$1" in
    --port) REGISTRY=127.0.0.1:$2; shift 2 ;;
    --registry) REGISTRY=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "push.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
case "$REGISTRY" in
  127.*:*|localhost:*|\[::1\]:*) ;;
  *) echo "push.sh: $REGISTRY is not a loopback registry; Berth pushes only to its own local registry" >&2; exit 2 ;;
esac
[ -d "$OUT/oci" ] || { echo "push.sh: no images in $OUT/oci (run images/build.sh first)" >&2; exit 1; }

grep -v '^#' "$HERE/images.tsv" | while read -r layout tag dest; do
  [ -n "$layout" ] || continue
  # --insecure-policy: these are our own images, so no signature policy file is needed.
  skopeo --insecure-policy copy --quiet --dest-tls-verify=false "oci:$OUT/oci/$layout:$tag" "docker://$REGISTRY/$dest"
  echo "$REGISTRY/$dest"
done
