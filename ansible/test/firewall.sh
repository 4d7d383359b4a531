# Host firewall scenario of the fleet suite (sourced by fleet-suite.sh after site.yml; uses its report, playbook,
# fleet_ssh, fleet_ctl and LOGS). Needs a fleet provisioned with the grace_firewall role.
#   firewall_matrix     runs the role once more (it must change nothing), then tries a TCP connection from every host
#                       of the inventory and from the controller to every other host on each port of interest, and
#                       compares each outcome with what the inventory's groups allow.
#   firewall_listeners  for a fleet without the real services: one listener per host on every port of interest that
#                       nothing listens on yet (python3 from the base), so that every refusal can be told from a
#                       missing listener.
# Outcomes of one attempt (bash's /dev/tcp under `timeout 2`): open (connected), rst ("Connection refused": the
# host's TCP stack answered, nothing listens), icmp ("No route to host": the firewall's reject) and timeout (no
# answer: a firewall that drops). An allowed pair counts as allowed when it connects and as closed when it meets a
# RST (nothing listens there); any other outcome is a mismatch. A refused pair counts as refused when it did not
# connect and the refusal is the firewall's: an icmp or timeout answer, or a RST where the same port connected from
# an allowed source (the service listens, so the RST cannot mean "nothing listens"). A RST where no allowed source
# connected proves nothing and counts as unverified; a connection that should have been refused is a mismatch.
FIREWALL_PORTS="22 80 443 5432 6379 26379 8080 8081"
FIREWALL_CONTROLLER=10.77.0.1

# A script that tries every port of interest on each target and prints "target-address port outcome" per attempt.
firewall_probe_script() { # targets...
  cat <<SCRIPT
for t in $*; do
  for p in $FIREWALL_PORTS; do
    out="\$(timeout 2 bash -c "exec 3<>/dev/tcp/\$t/\$p" 2>&1)"; rc=\$?
    if [ \$rc = 0 ]; then o=open; elif [ \$rc = 124 ]; then o=timeout
    elif [[ "\$out" == *"refused"* ]]; then o=rst; elif [[ "\$out" == *"No route"* ]]; then o=icmp; else o=other; fi
    echo "\$t \$p \$o"
  done
done
SCRIPT
}

# name<TAB>address of every inventory host with an address (hosts.sh's list).
firewall_hosts() { fleet_inventory_hosts; }

# What the inventory allows: "target-address port source-address allow|refuse" for every pair and port of interest,
# with the controller as one more source. The rules of roles/grace_firewall, restated independently from the groups.
firewall_expected() { # sources (addresses)...
  ansible-inventory -i "$FLEET_INVENTORY" --list 2>/dev/null | python3 -c '
import ipaddress, json, sys
inv = json.load(sys.stdin)
hv = inv["_meta"]["hostvars"]
def members(group, seen=None):
    g = inv.get(group, {})
    out = set(g.get("hosts", []))
    for child in g.get("children", []):
        out |= members(child)
    return out
def addr(h):
    v = hv.get(h, {})
    return str(v.get("grace_firewall_address", v.get("ansible_host", h)))
def addrs(group):
    return [addr(h) for h in members(group)]
def port_of(value, vars):
    s = str(value)
    if "grace_http_port" in s:
        return int(vars.get("grace_http_port", 8080))
    return int(s.split(":")[-1])
sources = sys.argv[1:]
for h in sorted(hv):
    v = hv[h]
    if not v.get("ansible_host"):
        continue
    rules = [(22, v.get("grace_firewall_admin_sources", []))]
    groups = {g for g in inv if h in members(g)}
    if "grace_lb" in groups:
        public = v.get("grace_firewall_public_sources", ["0.0.0.0/0", "::/0"])
        for p in (v.get("grace_lb_listen", 80), v.get("grace_lb_tls_listen", 443)):
            rules.append((port_of(p, v), public))
    if "grace_app" in groups:
        colours = v.get("grace_colour_ports", {"blue": 8080, "green": 8081})
        app_sources = addrs("grace_lb") + v.get("grace_firewall_app_sources", []) \
            + addrs(v.get("grace_firewall_metrics_group", "grace_monitoring")) \
            + v.get("grace_firewall_metrics_sources", [])
        for p in colours.values():
            rules.append((port_of(p, v), app_sources))
    if "grace_redis" in groups:
        redis = addrs("grace_redis") + addrs("grace_app")
        if v.get("redis_role", "replica") != "sentinel_only":
            rules.append((int(v.get("redis_port", 6379)), redis))
        rules.append((int(v.get("redis_sentinel_port", 26379)), redis))
    if "grace_postgresql" in groups:
        rules.append((5432, addrs("grace_app")))
        rules.append((22, addrs("grace_backup")))
    if "grace_backup" in groups:
        rules.append((22, addrs("grace_postgresql") + addrs("grace_restore")))
    for x in v.get("grace_firewall_extra_rules", []):
        if x.get("proto", "tcp") == "tcp":
            for p in x.get("ports", [x.get("port")]):
                rules.append((int(p), x.get("sources", [])))
    target = addr(h)
    for port in [22, 80, 443, 5432, 6379, 26379, 8080, 8081]:
        for s in sources:
            if s == target:
                continue
            ip = ipaddress.ip_address(s)
            ok = any(p == port and any(ip in ipaddress.ip_network(n, strict=False) for n in nets
                                       if ipaddress.ip_network(n, strict=False).version == ip.version)
                     for p, nets in rules)
            print(target, port, s, "allow" if ok else "refuse")
' "$@"
}

# Starts one listener per host for every port of interest that has none (it accepts and closes each connection).
FIREWALL_LISTENER='
import selectors, socket, subprocess, sys
busy = subprocess.run(["ss", "-Hltn"], capture_output=True, text=True).stdout.split()
sel = selectors.DefaultSelector()
for p in sys.argv[1:]:
    if any(w.endswith(":" + p) for w in busy):
        continue
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(p)))
    s.listen(64)
    sel.register(s, selectors.EVENT_READ)
while True:
    for key, _ in sel.select():
        c, _ = key.fileobj.accept()
        c.close()
'
firewall_listeners() {
  local name addr
  while IFS=$'\t' read -r name addr; do
    fleet_ssh "$addr" "cat >/tmp/firewall-listener.py && setsid -f python3 /tmp/firewall-listener.py $FIREWALL_PORTS \
      >/dev/null 2>&1 </dev/null" <<<"$FIREWALL_LISTENER"
  done < <(firewall_hosts)
  sleep 1
}

firewall_matrix() {
  local start=$SECONDS status=ok changed targets sources addr out="$LOGS/firewall-matrix.txt"
  local play="$LOGS/firewall-play.yml"
  printf '%s\n' '- name: Host firewalls' '  hosts: all' '  become: true' '  roles: [grace_firewall]' >"$play"
  # GRACE_FIREWALL_RERUN=no: probe only (e.g. a fleet without firewalls, to see the matrix catch the leaks).
  if [ "${GRACE_FIREWALL_RERUN:-yes}" = no ]; then
    changed="skipped"
  elif ANSIBLE_ROLES_PATH="$FLEET_REPO/ansible/roles" playbook firewall-again "$play"; then
    changed="$(changed_total "$LOGS/firewall-again.log")"
  else
    changed="failed"
  fi
  targets="$(firewall_hosts | cut -f2 | tr '\n' ' ')"
  sources="$FIREWALL_CONTROLLER $targets"
  # Every source probes every target at once (one ssh each); the controller from its own namespace.
  : >"$LOGS/firewall-probes.txt"
  for addr in $sources; do
    if [ "$addr" = "$FIREWALL_CONTROLLER" ]; then
      fleet_ctl bash -s <<<"$(firewall_probe_script "$targets")" | sed "s/^/$addr /" >"$LOGS/firewall-probe-$addr.txt" &
    else
      # shellcheck disable=SC2046 # each target a word
      fleet_ssh "$addr" bash -s <<<"$(firewall_probe_script $(tr ' ' '\n' <<<"$targets" | grep -vx "$addr"))" \
        | sed "s/^/$addr /" >"$LOGS/firewall-probe-$addr.txt" &
    fi
  done
  wait
  cat "$LOGS"/firewall-probe-*.txt >"$LOGS/firewall-probes.txt"
  # shellcheck disable=SC2086 # each source a word
  firewall_expected $sources >"$LOGS/firewall-expected.txt"
  # Join expected (target port source verdict) with probes (source target port outcome) and classify.
  python3 - "$LOGS/firewall-expected.txt" "$LOGS/firewall-probes.txt" >"$out" <<'PY'
import collections, sys
expected = {}
for line in open(sys.argv[1]):
    t, p, s, v = line.split()
    expected[(s, t, p)] = v
outcome = {}
for line in open(sys.argv[2]):
    s, t, p, o = line.split()
    outcome[(s, t, p)] = o
listening = {(t, p) for (s, t, p), o in outcome.items() if o == "open" and expected.get((s, t, p)) == "allow"}
counts = collections.Counter()
for key in sorted(expected):
    s, t, p = key
    v, o = expected[key], outcome.get(key, "missing")
    if v == "allow":
        kind = "allowed" if o == "open" else "closed" if o == "rst" and (t, p) not in listening else "mismatch"
    else:
        if o == "open" or o in ("missing", "other"):
            kind = "mismatch"
        elif o in ("icmp", "timeout") or (t, p) in listening:
            kind = "refused"
        else:
            kind = "unverified"
    counts[kind] += 1
    print(f"{kind:10} {s:>11} -> {t}:{p} expected={v} got={o}")
print("TOTALS " + " ".join(f"{k}={counts[k]}" for k in ("allowed", "refused", "mismatch", "closed", "unverified")))
PY
  local totals allowed refused mismatches closed unverified
  totals="$(grep '^TOTALS ' "$out")"
  allowed="$(sed -n 's/.* allowed=\([0-9]*\).*/\1/p' <<<"$totals")"
  refused="$(sed -n 's/.* refused=\([0-9]*\).*/\1/p' <<<"$totals")"
  mismatches="$(sed -n 's/.* mismatch=\([0-9]*\).*/\1/p' <<<"$totals")"
  closed="$(sed -n 's/.* closed=\([0-9]*\).*/\1/p' <<<"$totals")"
  unverified="$(sed -n 's/.* unverified=\([0-9]*\).*/\1/p' <<<"$totals")"
  [ "${mismatches:-1}" = 0 ] && [ "${allowed:-0}" -gt 0 ] && [ "${refused:-0}" -gt 0 ] && [ "$changed" = 0 ] \
    || status=FAILED
  report "firewall matrix" "$status" $((SECONDS - start)) "allowed=${allowed:-?} refused=${refused:-?}" \
    "mismatches=${mismatches:-?} closed=${closed:-?} unverified=${unverified:-?} second_run_changed=$changed"
}
