#!/usr/bin/env bash
# Builds the test hosts' shared base root file system once: debootstrap --variant=minbase, then the service packages
# of base-packages.txt, with their automatic start removed (each role starts what it configures) and an ssh key for
# root. Kept in $GRACE_FLEET_CACHE/base-<id>; <id> hashes the package list and this script, so a change rebuilds it.
# Prints the base's directory. Needs root and a reachable Debian mirror (only here: the hosts never reach one).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || fleet_die "building the base needs root"
fleet_need debootstrap debootstrap

base="$(fleet_base_dir)"
mkdir -p "$GRACE_FLEET_CACHE"
exec 9>"$GRACE_FLEET_CACHE/.lock"
flock 9
if [ -e "$base/.complete" ]; then echo "$base"; exit 0; fi

work="$base.partial"
rm -rf "$work"
started=$SECONDS
fleet_log "building base $(basename "$base") from $GRACE_FLEET_MIRROR (once; cached under $GRACE_FLEET_CACHE)"
# debootstrap mounts /proc and /sys in the target itself; a private mount namespace keeps them from outliving it.
unshare --mount --propagation private \
  debootstrap --variant=minbase "$GRACE_FLEET_SUITE" "$work" "$GRACE_FLEET_MIRROR" >"$GRACE_FLEET_CACHE/debootstrap.log" 2>&1 \
  || fleet_die "debootstrap failed: see $GRACE_FLEET_CACHE/debootstrap.log"
fleet_log "debootstrap done in $((SECONDS - started)) s"

# No service may start during package installation: there is no init in the target, and a start would use
# the packages' defaults (and, outside a network namespace, could meet the machine's own 5432 or 6379).
printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"
chmod +x "$work/usr/sbin/policy-rc.d"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >"$work/etc/apt/apt.conf.d/90grace-fleet"

mapfile -t packages < <(fleet_packages)
# Downloads with the machine's network; installs in a fresh network namespace, where Debian's postgresql packaging
# finds 5432 free and creates the cluster 15/main on it, as on a real host.
unshare --mount --pid --fork --propagation private bash -euo pipefail -c '
  root="$1"; shift
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
  chroot "$root" apt-get update -q
  chroot "$root" apt-get install -y -q --download-only "$@"
  unshare --net chroot "$root" apt-get install -y -q "$@"
' fleet-base "$work" "${packages[@]}" >"$GRACE_FLEET_CACHE/packages.log" 2>&1 \
  || fleet_die "installing the base packages failed: see $GRACE_FLEET_CACHE/packages.log"
fleet_log "packages installed at $((SECONDS - started)) s"

# Only sshd starts with a host; remove every other enabled unit and SysV link the packages made.
find "$work/etc/systemd/system" -path '*.wants/*' ! -name 'ssh.service' -delete
for rc in "$work"/etc/init.d/*; do
  [ -e "$rc" ] && chroot "$work" update-rc.d -f "$(basename "$rc")" remove >/dev/null 2>&1 || true
done
rm -f "$work/usr/sbin/policy-rc.d"
mkdir -p "$work/etc/systemd/system/multi-user.target.wants"
ln -sf /lib/systemd/system/ssh.service "$work/etc/systemd/system/multi-user.target.wants/ssh.service"

# Debian's systemctl (docker-systemctl-replacement) reads a template unit for "status" but cannot start or enable
# an instance of it: give each PostgreSQL cluster's instance (postgresql@15-main) a unit file of its own, the
# template with the instance filled in, which is what systemd itself would run.
for conf in "$work"/etc/postgresql/*/*/postgresql.conf; do
  instance="$(basename "$(dirname "$(dirname "$conf")")")-$(basename "$(dirname "$conf")")"
  sed -e "s/%i/$instance/g; s/%I/$instance/g" "$work/lib/systemd/system/postgresql@.service" \
    >"$work/etc/systemd/system/postgresql@$instance.service"
done

# The key the controller uses to reach every host as root.
rm -f "$base.key" "$base.key.pub"
ssh-keygen -q -t ed25519 -N '' -C grace-fleet -f "$base.key"
install -d -m 700 "$work/root/.ssh"
install -m 600 "$base.key.pub" "$work/root/.ssh/authorized_keys"
chroot "$work" apt-get clean
# An apt cache younger than any cache_valid_time, as on a freshly updated VM: the hosts reach no mirror.
touch "$work/var/lib/apt/periodic/update-success-stamp" 2>/dev/null \
  || { mkdir -p "$work/var/lib/apt/periodic"; touch "$work/var/lib/apt/periodic/update-success-stamp"; }
touch "$work/.complete"
mv "$work" "$base"
# Older bases (another package list) are this script's own leftovers: only the newest is kept.
for old in "$GRACE_FLEET_CACHE"/base-*; do
  case "$old" in "$base"|"$base".key|"$base".key.pub) ;; *) rm -rf --one-file-system "$old" ;; esac
done
fleet_log "base ready in $((SECONDS - started)) s: $base ($(du -sh "$base" | cut -f1))"
echo "$base"
