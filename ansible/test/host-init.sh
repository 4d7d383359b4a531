#!/usr/bin/env bash
# Becomes PID 1 of one test host. Run by hosts.sh as
#   ip netns exec <host's namespace> unshare --mount --pid --uts --ipc --fork --kill-child host-init.sh BASE HOSTDIR NAME
# so that it starts in the host's own network, mount, PID, UTS and IPC namespaces. It mounts an overlay root (the
# shared base below, HOSTDIR/upper above), the kernel file systems and tmpfs /run and /tmp inside it, then chroots
# and execs Debian's `systemctl init` (docker-systemctl-replacement), which starts the enabled units (sshd only in a
# fresh host) and reaps orphans. Every mount lives in the host's mount namespace and vanishes with it.
set -euo pipefail
base="$1"; dir="$2"; name="$3"
root="$dir/root"
mount --make-rprivate /
mount -t overlay overlay -o "lowerdir=$base,upperdir=$dir/upper,workdir=$dir/work" "$root"
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
# A private /dev with the usual nodes, not the machine's: nothing in a host can reach the machine's devices.
mount -t tmpfs -o mode=755,nosuid devtmp "$root/dev"
for node in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  IFS=: read -r n major minor <<<"$node"
  mknod -m 666 "$root/dev/$n" c "$major" "$minor"
done
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"; ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o mode=755,nosuid,nodev run "$root/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$root/tmp"
# /run/systemd/system is how tools (Ansible's service_mgr fact among them) recognise a systemd host.
mkdir -p "$root/run/systemd/system" "$root/run/sshd" "$root/run/lock"
# Debian's systemctl does not create the RuntimeDirectory= of a unit (systemd does, at each start): make them at
# boot, owned as systemd would (the unit's User= and Group=), so that redis and sentinel can write their pidfiles.
for unit in "$root"/lib/systemd/system/*.service "$root"/etc/systemd/system/*.service; do
  [ -f "$unit" ] || continue
  dirs="$(sed -n 's/^RuntimeDirectory=//p' "$unit" | tail -1)"
  [ -n "$dirs" ] || continue
  user="$(sed -n 's/^User=//p' "$unit" | tail -1)"; group="$(sed -n 's/^Group=//p' "$unit" | tail -1)"
  mode="$(sed -n 's/^RuntimeDirectoryMode=//p' "$unit" | tail -1)"
  for d in $dirs; do
    mkdir -p "$root/run/$d"
    chmod "${mode:-0755}" "$root/run/$d"
    [ -n "$user" ] && chroot "$root" chown "$user${group:+:$group}" "/run/$d"
  done
done
hostname "$name"
cd "$root"
exec chroot "$root" /usr/bin/systemctl init
