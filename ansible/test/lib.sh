# Shared settings and helpers of the fleet harness (sourced, not run).
# GRACE_FLEET_CACHE: where the base root file system and its ssh key are kept between runs.
# GRACE_FLEET_MIRROR: Debian mirror for debootstrap; default: the first Debian mirror this machine's apt uses.
GRACE_FLEET_CACHE="${GRACE_FLEET_CACHE:-/var/cache/grace-fleet}"
GRACE_FLEET_SUITE="${GRACE_FLEET_SUITE:-bookworm}"
FLEET_TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FLEET_REPO="$(cd "$FLEET_TEST_DIR/../.." && pwd)"

fleet_log() { printf '%s fleet: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
fleet_die() { printf 'fleet: %s\n' "$*" >&2; exit 1; }

# The mirror this machine's apt already uses for Debian (deb822 or one-line sources), so a machine behind a
# proxy or a local mirror builds the base from the same place.
fleet_default_mirror() {
  local m
  m="$(grep -rhoE '(URIs:|^deb)\s+[^ ]*https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null \
        | grep -oE 'https?://[^ ]+' | head -1)"
  echo "${m:-http://deb.debian.org/debian}"
}
GRACE_FLEET_MIRROR="${GRACE_FLEET_MIRROR:-$(fleet_default_mirror)}"

fleet_packages() { grep -vE '^\s*(#|$)' "$FLEET_TEST_DIR/base-packages.txt" | sort -u; }

# The base's name changes whenever its package list, suite or build script changes, so a stale base is never used.
fleet_base_id() {
  { fleet_packages; echo "$GRACE_FLEET_SUITE"; cat "$FLEET_TEST_DIR/build-base.sh"; } | sha256sum | cut -c1-12
}
fleet_base_dir() { echo "$GRACE_FLEET_CACHE/base-$(fleet_base_id)"; }

fleet_need() { # command package
  "$FLEET_REPO/scripts/ensure-package.sh" "$1" "$2"
}
# A Debian package that brings no command of its own (a Python module): installed when dpkg does not know it.
fleet_need_package() {
  dpkg -s "$1" >/dev/null 2>&1 || "$FLEET_REPO/scripts/ensure-package.sh" "$1" "$1"
}
