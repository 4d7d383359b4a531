# Scale scenarios of the fleet suite (sourced by fleet-suite.sh after the rollbacks; uses its helpers). app4 is
# started with the fleet but is in no group; an operator adds it to grace_app in the inventory and runs scale-out.yml,
# later scale-in.yml and takes it out of the inventory again. Both under the mixed load, with 0 failed requests.

# The test inventory as the operator edits it for the new node: app4 moved from grace_spare into grace_app. Beside
# a copy of group_vars, which Ansible looks for next to the inventory file.
scaled_inventory() {
  local dir="$LOGS/inventory-scaled"
  mkdir -p "$dir"
  cp -r "$FLEET_REPO/ansible/inventories/fleet-test/group_vars" "$dir/"
  sed -e '/app3: { ansible_host: 10.77.0.13 }/a\        app4: { ansible_host: 10.77.0.14 }' -e '/grace_spare:/,$d' \
    "$FLEET_INVENTORY" >"$dir/hosts.yml"
  grep -q 'app4: { ansible_host: 10.77.0.14 }' "$dir/hosts.yml" || fleet_die "could not add app4 to a copy of the inventory"
  echo "$dir/hosts.yml"
}

# GRACE_INSTANCES in the settings of each node's live colour, as "11:4 12:4 ...".
instances_of() { # addresses
  local port file addr seen=""
  port="$(live_port)"
  file=/etc/grace/grace.env; [ "$port" = 8081 ] && file=/etc/grace/grace-green.env
  for addr in "$@"; do
    seen="$seen ${addr##*.}:$(fleet_ssh "$addr" sed -n 's/^GRACE_INSTANCES=//p' "$file" 2>/dev/null || true)"
  done
  echo "${seen# }"
}

# Requests nginx sent to an address since a time (lb1's clock), from its upstream log.
requests_to() { # address since
  fleet_ssh 10.77.0.10 "awk -F'\t' -v since=$2 '\$1 >= since && index(\$3, \"$1:\") { n++ } END { print n + 0 }' /var/log/nginx/grace-upstream.log"
}

scale_out_under_load() {
  local start=$SECONDS status=ok inv since version detail to_new instances
  inv="$(scaled_inventory)"
  version="$(node_version 10.77.0.11)"
  since="$(fleet_ssh 10.77.0.10 date +%s.%N)"
  load_start scale-out
  FLEET_INVENTORY="$inv" playbook scale-out scale-out.yml -e grace_scale_host=app4 -e @"$FLEET_TEST_DIR/fast-deploys.yml" \
    || status=FAILED
  sleep 5 # the grown fleet under load for a moment
  load_stop
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  detail="$(versions_are "$version" "10.77.0.11 10.77.0.12 10.77.0.13 10.77.0.14")" || status=FAILED
  to_new="$(requests_to 10.77.0.14 "$since")"
  [ "${to_new:-0}" -gt 0 ] || status=FAILED
  instances="$(instances_of 10.77.0.11 10.77.0.12 10.77.0.13 10.77.0.14)"
  [ "$instances" = "11:4 12:4 13:4 14:4" ] || status=FAILED
  report scale-out "$status" $((SECONDS - start)) "$LOAD_LINE" "$detail; app4 answered $to_new; GRACE_INSTANCES $instances"
}

scale_in_under_load() {
  local start=$SECONDS status=ok inv version detail after to_gone instances listed answers
  inv="$LOGS/inventory-scaled/hosts.yml"
  [ -e "$inv" ] || inv="$(scaled_inventory)"
  version="$(node_version 10.77.0.11)"
  load_start scale-in
  FLEET_INVENTORY="$inv" playbook scale-in scale-in.yml -e grace_scale_host=app4 -e @"$FLEET_TEST_DIR/fast-deploys.yml" \
    || status=FAILED
  after="$(fleet_ssh 10.77.0.10 date +%s.%N)"
  sleep 5 # the smaller fleet under load for a moment
  load_stop
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  detail="$(versions_are "$version")" || status=FAILED
  # Gone from the upstream, sent nothing once the play ended, and its instance stopped.
  listed="$(fleet_ssh 10.77.0.10 grep -c 10.77.0.14 /etc/nginx/conf.d/grace.conf || true)"
  to_gone="$(requests_to 10.77.0.14 "$after")"
  answers="$(fleet_ssh "$LB_ADDR" curl -s -o /dev/null -w '%{http_code}' -m 5 "http://10.77.0.14:$(live_port)/api/health" || true)"
  [ "${listed:-1}" = 0 ] && [ "${to_gone:-1}" = 0 ] && [ "$answers" = 000 ] || status=FAILED
  instances="$(instances_of 10.77.0.11 10.77.0.12 10.77.0.13)"
  [ "$instances" = "11:3 12:3 13:3" ] || status=FAILED
  report scale-in "$status" $((SECONDS - start)) "$LOAD_LINE" \
    "$detail; app4 in upstream=$listed, sent after=$to_gone, health=$answers; GRACE_INSTANCES $instances"
}
