# Starts and stops the test hosts (sourced by fleet.sh and fleet-suite.sh, which call fleet_down from their trap).
# Layout of one run, all of it created here and removed by fleet_down:
#   $FLEET_RUN (mktemp under /var/tmp)    hosts/<name>/{upper,work,root} (overlay layers), pids, ssh control sockets
#   network namespace gf<id>-ctl          the controller: bridge br0 at 10.77.0.1/24, Ansible and wrk run here
#   network namespace gf<id>-<name>       one per host: eth0 (a veth whose peer is on br0) with the inventory's address
# No namespace has a default route, so nothing a host sends can leave its namespaces.
FLEET_INVENTORY="${FLEET_INVENTORY:-$FLEET_REPO/ansible/inventories/fleet-test/hosts.yml}"
FLEET_BRIDGE_ADDR=10.77.0.1/24
FLEET_RUN=""
FLEET_CTL=""

# name<TAB>address for every host of the inventory that has an address.
fleet_inventory_hosts() {
  ansible-inventory -i "$FLEET_INVENTORY" --list 2>/dev/null | python3 -c '
import json, sys
inv = json.load(sys.stdin)
for name, vars in sorted(inv.get("_meta", {}).get("hostvars", {}).items()):
    if vars.get("ansible_host"):
        print(name + "\t" + vars["ansible_host"])'
}

# Runs a command in the controller namespace (where the hosts' addresses are reachable).
fleet_ctl() { ip netns exec "$FLEET_CTL" "$@"; }

fleet_host_ns() { echo "${FLEET_CTL%-ctl}-$1"; }

# fleet_start_host NAME ADDRESS: network namespace, veth into the bridge, then a fresh init in its own namespaces.
fleet_start_host() {
  local name="$1" addr="$2" ns dir
  ns="$(fleet_host_ns "$name")"
  dir="$FLEET_RUN/hosts/$name"
  mkdir -p "$dir/upper/etc" "$dir/work" "$dir/root"
  echo "$name" >"$dir/upper/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n' "$name" >"$dir/upper/etc/hosts"
  if [ ! -e "/run/netns/$ns" ]; then
    ip netns add "$ns"
    echo "$ns" >>"$FLEET_RUN/namespaces"
    ip -n "$FLEET_CTL" link add "v-$name" type veth peer name eth0 netns "$ns"
    ip -n "$FLEET_CTL" link set "v-$name" master br0 up
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
  fi
  ip netns exec "$ns" unshare --mount --pid --uts --ipc --fork --kill-child \
    "$FLEET_TEST_DIR/host-init.sh" "$FLEET_BASE" "$dir" "$name" >"$dir/init.log" 2>&1 &
  echo $! >"$dir/pid"
  disown $!
}

# The PID (as the machine sees it) of a host's init: the child of its unshare.
fleet_host_init_pid() { pgrep -P "$(cat "$FLEET_RUN/hosts/$1/pid")" | head -1; }

# Kills a host's init and so every process of the host (its PID namespace ends); its network namespace stays.
fleet_kill_host() {
  local pid
  pid="$(cat "$FLEET_RUN/hosts/$1/pid" 2>/dev/null)" || return 0
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}

fleet_wait_ssh() { # name address
  local i
  for i in $(seq 1 120); do
    if fleet_ctl ssh -q -i "$FLEET_KEY" -o BatchMode=yes -o ConnectTimeout=2 -o StrictHostKeyChecking=no \
         -o UserKnownHostsFile=/dev/null "root@$2" true 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  fleet_die "host $1 ($2) does not answer ssh: see $FLEET_RUN/hosts/$1/init.log"
}

# This run's secrets, never committed: the inventory reads them from these variables (a real inventory reads them
# from its vault). A throwaway CA and the load balancer's certificate (grace.fleet.test and 10.77.0.10) signed by it:
# every HTTPS request of the suite verifies against $GRACE_FLEET_CA.
fleet_make_secrets() {
  local dir="$FLEET_RUN/secrets" name
  mkdir -m 700 "$dir"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/signing.pem" 2>/dev/null
  export GRACE_FLEET_SIGNING_KEY_FILE="$dir/signing.pem" GRACE_FLEET_PREVIOUS_SIGNING_KEY_FILE=""
  for name in DB_PASSWORD REDIS_PASSWORD REDIS_REPLICATION_PASSWORD REDIS_SENTINEL_PASSWORD BACKUP_CIPHER_PASS; do
    export "GRACE_FLEET_$name=$(openssl rand -hex 24)"
  done
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Grace fleet test CA" -keyout "$dir/ca.key" \
    -out "$dir/ca.pem" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=grace.fleet.test" -keyout "$dir/lb.key" -out "$dir/lb.csr" 2>/dev/null
  printf '%s\n' "subjectAltName=DNS:grace.fleet.test,IP:10.77.0.10" "extendedKeyUsage=serverAuth" \
    "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" >"$dir/lb.ext"
  openssl x509 -req -in "$dir/lb.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
    -extfile "$dir/lb.ext" -out "$dir/lb.pem" 2>/dev/null
  export GRACE_FLEET_CA="$dir/ca.pem"
}

# The certificate and key where the inventory's grace_lb_tls_certificate(_key) say, as an operator's certificate
# tooling would put them (the nginx_lb role only points nginx at them).
fleet_install_lb_certificate() {
  local dir="$FLEET_RUN/secrets" addr
  addr="$(fleet_inventory_hosts | awk -F'\t' '$1 == "lb1" {print $2}')"
  [ -n "$addr" ] || return 0
  fleet_ctl ssh -q -i "$FLEET_KEY" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "root@$addr" \
    'install -d -m 755 /etc/ssl/grace && install -d -m 710 /etc/ssl/private && cat >/etc/ssl/grace/fullchain.pem &&
     touch /etc/ssl/private/grace.key && chmod 600 /etc/ssl/private/grace.key' <"$dir/lb.pem"
  fleet_ctl ssh -q -i "$FLEET_KEY" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "root@$addr" \
    'cat >/etc/ssl/private/grace.key' <"$dir/lb.key"
}

# Brings up every host of the inventory and exports what Ansible needs to reach them from the controller.
fleet_up() {
  FLEET_BASE="$("$FLEET_TEST_DIR/build-base.sh")"
  FLEET_KEY="$FLEET_BASE.key"
  FLEET_RUN="$(mktemp -d /var/tmp/grace-fleet.XXXXXX)"
  FLEET_CTL="gf${FLEET_RUN##*.}-ctl"
  : >"$FLEET_RUN/namespaces"
  ip netns add "$FLEET_CTL"
  echo "$FLEET_CTL" >>"$FLEET_RUN/namespaces"
  ip -n "$FLEET_CTL" link set lo up
  ip -n "$FLEET_CTL" link add br0 type bridge
  ip -n "$FLEET_CTL" addr add "$FLEET_BRIDGE_ADDR" dev br0
  ip -n "$FLEET_CTL" link set br0 up
  local started=$SECONDS hosts name addr
  hosts="$(fleet_inventory_hosts)"
  [ -n "$hosts" ] || fleet_die "no hosts with an address in $FLEET_INVENTORY"
  while IFS=$'\t' read -r name addr; do fleet_start_host "$name" "$addr"; done <<<"$hosts"
  while IFS=$'\t' read -r name addr; do fleet_wait_ssh "$name" "$addr"; done <<<"$hosts"
  fleet_make_secrets
  fleet_install_lb_certificate
  export FLEET_RUN FLEET_CTL FLEET_KEY FLEET_BASE
  export ANSIBLE_PRIVATE_KEY_FILE="$FLEET_KEY"
  export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s -o ControlPath=$FLEET_RUN/cp-%C -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null"
  export ANSIBLE_CONFIG="$FLEET_REPO/ansible/ansible.cfg"
  export ANSIBLE_HOST_KEY_CHECKING=False
  fleet_log "$(wc -l <<<"$hosts") hosts answer ssh after $((SECONDS - started)) s (run folder $FLEET_RUN)"
}

# Removes everything fleet_up made, and nothing else: the hosts' inits (their PID namespaces take every process of
# the host along), whatever still runs in the controller namespace (ssh masters, wrk), the namespaces listed in the
# run folder, and the run folder.
fleet_down() {
  [ -n "$FLEET_RUN" ] && [ -d "$FLEET_RUN" ] || return 0
  local dir pid ns
  for dir in "$FLEET_RUN"/hosts/*/; do
    pid="$(cat "$dir/pid" 2>/dev/null)" || continue
    kill -KILL "$pid" 2>/dev/null || true
  done
  for dir in "$FLEET_RUN"/hosts/*/; do
    pid="$(cat "$dir/pid" 2>/dev/null)" || continue
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
  if [ -n "$FLEET_CTL" ] && [ -e "/run/netns/$FLEET_CTL" ]; then
    for pid in $(ip netns pids "$FLEET_CTL" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  while read -r ns; do
    [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null || true
  done <"$FLEET_RUN/namespaces"
  rm -rf --one-file-system "$FLEET_RUN"
  FLEET_RUN=""
}
