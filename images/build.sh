#!/usr/bin/env bash
# Builds Berth's demo and test images as OCI image layouts, from scratch and without docker:
#   berth/pause:3.9          the static pause program (images/pause/pause.c), user 65535
#   mycompany/myapp:v1.2.3   busybox-static + the demo app (images/myapp/myapp.c), user 1000
#   mycompany/myapp:v1.2.4   the same layers, APP_VERSION=v1.2.4 (for rolling updates)
#   busybox:1.36             plain busybox-static (Debian's build; the tag is what tests name)
# into OUT/oci/<layout> (layouts and tags: images/images.tsv), and the binaries into OUT/bin.
#
# Usage: images/build.sh [--out DIR] [--force] [--binaries-only]
#   --out DIR         output directory (default: $BERTH_IMAGES_OUT or images/out)
#   --force           rebuild even when the inputs have not changed
#   --binaries-only   compile myapp and pause into OUT/bin only (needs gcc, nothing else)
# Idempotent: installs what is missing (busybox-static, umoci, skopeo, docker-registry, gcc) with
# apt-get as root, and does nothing when OUT/stamp matches the inputs. Prints the layouts it built.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${BERTH_IMAGES_OUT:-$HERE/out}
FORCE=0
BINARIES_ONLY=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=$2; shift 2 ;;
    --force) FORCE=1; shift ;;
    --binaries-only) BINARIES_ONLY=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument: $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# Every timestamp in the images is this one, so that rebuilding the same inputs gives the same digests.
CREATED=2024-01-01T00:00:00Z
EPOCH=1704067200

log() { echo "build.sh: $*" >&2; }

# ---------------------------------------------------------------- tools

apt_install() {
  # Installs Debian packages; refreshes the package lists only when a package has no candidate.
  local missing_candidate=0 p
  for p in "$@"; do
    if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]'; then missing_candidate=1; fi
  done
  if [ "$missing_candidate" = 1 ]; then apt-get update -qq -o DPkg::Lock::Timeout=300; fi
  # docker-registry's package would start a system-wide registry on :5000; Berth runs its own on
  # 127.0.0.1 (images/registry.sh), so service starts are denied while installing.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"; created_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" > "$OUT/apt.log" 2>&1 || rc=$?
  if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
  if [ "$rc" != 0 ]; then tail -20 "$OUT/apt.log" >&2; log "apt-get install $* failed"; exit 1; fi
  if printf '%s\n' "$@" | grep -qx docker-registry && [ -d /run/systemd/system ]; then
    systemctl disable docker-registry >/dev/null 2>&1 || true
  fi
}

ensure_tools() {
  local need=()
  command -v gcc >/dev/null || need+=(gcc)
  [ -e /usr/lib/x86_64-linux-gnu/libc.a ] || [ -n "$(gcc -print-file-name=libc.a 2>/dev/null | grep /)" ] || need+=(libc6-dev)
  if [ "$BINARIES_ONLY" = 0 ]; then
    dpkg -s busybox-static >/dev/null 2>&1 || need+=(busybox-static)
    command -v umoci >/dev/null || need+=(umoci)
    command -v skopeo >/dev/null || need+=(skopeo)
    command -v docker-registry >/dev/null || need+=(docker-registry)
  fi
  if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then log "missing ${need[*]}: run as root to install them"; exit 1; fi
    log "installing ${need[*]}"
    apt_install "${need[@]}"
  fi
}

# ---------------------------------------------------------------- binaries

build_binaries() {
  mkdir -p "$OUT/bin"
  local cflags=(-static -pthread -Wall -Wextra -Werror -fno-plt -s)
  gcc -O2 "${cflags[@]}" -o "$OUT/bin/myapp.tmp" "$HERE/myapp/myapp.c"
  gcc -Os "${cflags[@]}" -o "$OUT/bin/pause.tmp" "$HERE/pause/pause.c"
  mv -f "$OUT/bin/myapp.tmp" "$OUT/bin/myapp"
  mv -f "$OUT/bin/pause.tmp" "$OUT/bin/pause"
}

# ---------------------------------------------------------------- images

BUSYBOX=/bin/busybox

inputs_hash() {
  {
    cat "$0" "$HERE/images.tsv" "$HERE/myapp/myapp.c" "$HERE/pause/pause.c"
    gcc -dumpfullversion
    if [ "$BINARIES_ONLY" = 0 ]; then sha256sum "$BUSYBOX"; umoci --version; fi
    echo "binaries-only=$BINARIES_ONLY"
  } | sha256sum | cut -d' ' -f1
}

# A staging root filesystem: busybox as /bin/sh and every applet, users root, app (1000) and nobody,
# /tmp and /app. Shared by busybox and myapp, so both images carry the same first layer.
make_base_rootfs() {
  local root=$1 applet
  mkdir -p "$root"/{bin,etc,tmp,root,home/app,app,proc,sys,dev,var/tmp}
  cp "$BUSYBOX" "$root/bin/busybox"
  chmod 755 "$root/bin/busybox"
  for applet in $("$BUSYBOX" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  cat > "$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
  cat > "$root/etc/group" <<'EOF'
root:x:0:
app:x:1000:
nogroup:x:65534:
EOF
  # Mount points the runtime fills in; present so a read-only root filesystem needs no new files.
  : > "$root/etc/hosts"; : > "$root/etc/hostname"; : > "$root/etc/resolv.conf"
  chmod 1777 "$root/tmp" "$root/var/tmp"
  chmod 700 "$root/root"
  chown 1000:1000 "$root/home/app"
}

# Fixed owners and times, so that the layer tar is the same byte for byte on every build.
normalize() {
  local root=$1
  find "$root" -exec touch -h -d "@$EPOCH" {} +
}

umoci_image() { # layout tag
  local layout=$1 tag=$2
  [ -d "$layout" ] || umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
}

insert_layer() { # layout tag dir comment
  local layout=$1 tag=$2 dir=$3 comment=$4
  normalize "$dir"
  local rootless=()
  [ "$(id -u)" = 0 ] || rootless=(--rootless)
  umoci insert "${rootless[@]}" --image "$layout:$tag" --history.created "$CREATED" \
    --history.created_by "images/build.sh" --history.comment "$comment" "$dir" /
}

PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

build_images() {
  local stage=$OUT/stage
  rm -rf "$stage"; mkdir -p "$stage/oci"
  local oci=$stage/oci
  local lbl=org.opencontainers.image

  # berth/pause:3.9 — a single static binary, the same shape as the upstream pause image.
  mkdir -p "$stage/pause-root"
  install -m 755 "$OUT/bin/pause" "$stage/pause-root/pause"
  umoci_image "$oci/berth-pause" 3.9
  insert_layer "$oci/berth-pause" 3.9 "$stage/pause-root" "pause"
  umoci config --image "$oci/berth-pause:3.9" --created "$CREATED" --history.created "$CREATED" \
    --history.created_by "images/build.sh" --author berth \
    --config.entrypoint /pause --config.user 65535:65535 --config.env "$PATH_ENV" \
    --config.label "$lbl.title=pause" --config.label "$lbl.version=3.9" \
    --config.label "$lbl.description=Berth pod sandbox: holds the namespaces, reaps zombies, exits 0 on SIGTERM"

  # busybox:1.36 — busybox-static as /bin/sh and its applets.
  make_base_rootfs "$stage/base-root"
  umoci_image "$oci/busybox" 1.36
  insert_layer "$oci/busybox" 1.36 "$stage/base-root" "busybox-static"
  local bbver
  bbver=$("$BUSYBOX" | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')
  umoci config --image "$oci/busybox:1.36" --created "$CREATED" --history.created "$CREATED" \
    --history.created_by "images/build.sh" --author berth \
    --config.cmd sh --config.env "$PATH_ENV" \
    --config.label "$lbl.title=busybox" --config.label "$lbl.version=$bbver" \
    --config.label "$lbl.description=busybox-static from Debian, for Berth's tests"

  # mycompany/myapp:v1.2.3 — the busybox layer plus /app/myapp.
  mkdir -p "$stage/app-root/app"
  install -m 755 "$OUT/bin/myapp" "$stage/app-root/app/myapp"
  umoci_image "$oci/mycompany-myapp" v1.2.3
  insert_layer "$oci/mycompany-myapp" v1.2.3 "$stage/base-root" "busybox-static"
  insert_layer "$oci/mycompany-myapp" v1.2.3 "$stage/app-root" "myapp"
  local app_config=(--created "$CREATED" --history.created "$CREATED" --history.created_by "images/build.sh"
    --author mycompany
    --config.entrypoint /app/myapp --config.user 1000 --config.workingdir /app
    --config.exposedports 3000/tcp --config.exposedports 9090/tcp --config.stopsignal SIGTERM
    --config.env "$PATH_ENV" --config.env PORT=3000 --config.env METRICS_PORT=9090
    --config.label "$lbl.title=myapp"
    --config.label "$lbl.description=Berth demo application: HTTP on 3000, Prometheus metrics on /metrics (also on 9090)")
  umoci config --image "$oci/mycompany-myapp:v1.2.3" "${app_config[@]}" \
    --config.env APP_VERSION=v1.2.3 --config.label "$lbl.version=v1.2.3"
  # v1.2.4: same layers, another version in the app's answers and metrics.
  umoci config --image "$oci/mycompany-myapp:v1.2.3" --tag v1.2.4 --clear=config.env --clear=config.labels \
    "${app_config[@]}" --config.env APP_VERSION=v1.2.4 --config.label "$lbl.version=v1.2.4"

  local l
  for l in berth-pause busybox mycompany-myapp; do umoci gc --layout "$oci/$l"; done
  rm -rf "$OUT/oci.old"
  [ -d "$OUT/oci" ] && mv "$OUT/oci" "$OUT/oci.old"
  mv "$oci" "$OUT/oci"
  rm -rf "$OUT/oci.old" "$stage"
}

# ---------------------------------------------------------------- main

ensure_tools
hash=$(inputs_hash)
stamp=$OUT/stamp
if [ "$BINARIES_ONLY" = 1 ]; then stamp=$OUT/stamp.binaries; fi
if [ "$FORCE" = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ] && [ -x "$OUT/bin/myapp" ] &&
   { [ "$BINARIES_ONLY" = 1 ] || [ -d "$OUT/oci" ]; }; then
  log "up to date ($OUT)"
  exit 0
fi
rm -f "$stamp"
build_binaries
if [ "$BINARIES_ONLY" = 0 ]; then
  build_images
  grep -v '^#' "$HERE/images.tsv" | while read -r layout tag _; do
    [ -n "$layout" ] && echo "oci:$OUT/oci/$layout:$tag"
  done | sort -u
fi
echo "$hash" > "$stamp"
log "built into $OUT"
