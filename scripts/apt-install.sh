#!/usr/bin/env bash
# apt-install.sh PKG...: installs the Debian packages that are missing, without letting their
# maintainer scripts start services (a policy-rc.d that denies starts is put in place only if none exists).
set -euo pipefail
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" = 0 ] || { echo "root is needed to install: ${missing[*]}" >&2; exit 1; }
need_update=0
for p in "${missing[@]}"; do
  apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [0-9]' || need_update=1
done
[ "$need_update" = 1 ] && apt-get update -qq -o DPkg::Lock::Timeout=300
policy=/usr/sbin/policy-rc.d; created=0
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod 755 "$policy"; created=1; fi
rc=0
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}" > /tmp/berth-apt.log 2>&1 || rc=$?
[ "$created" = 1 ] && rm -f "$policy"
if [ "$rc" != 0 ]; then tail -20 /tmp/berth-apt.log >&2; echo "apt-get install ${missing[*]} failed" >&2; exit 1; fi
echo "installed: ${missing[*]}"
