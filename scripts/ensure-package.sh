#!/usr/bin/env bash
# Makes sure a Debian package's command is on this machine, for the tests' throwaway servers.
# Usage: ensure-package.sh <command> <debian-package>
# As root it installs a missing package with apt-get, without letting the package's own service start
# (its maintainer scripts would start redis on 6379 or nginx on 80, which are not ours to take).
# Not root: one clear line naming the package, exit 3.
set -euo pipefail
cmd="$1"; pkg="$2"
if command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "grace: '$cmd' is missing: install the Debian package '$pkg' (sudo apt-get install -y $pkg) and run again" >&2
  exit 3
fi
policy=/usr/sbin/policy-rc.d
created=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created=1
fi
trap '[ -n "$created" ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q "$pkg" >/tmp/grace-apt-"$pkg".log 2>&1; then
  apt-get update -q >>/tmp/grace-apt-"$pkg".log 2>&1 || true
  apt-get install -y -q "$pkg" >>/tmp/grace-apt-"$pkg".log 2>&1 \
    || { echo "grace: could not install Debian package '$pkg' (see /tmp/grace-apt-$pkg.log)" >&2; exit 4; }
fi
