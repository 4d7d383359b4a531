# Fault scenarios of the fleet suite (sourced by fleet-suite.sh after the deploys; uses its helpers).

# The Redis primary's host loses every process at once (its init is killed, as in a power cut without the network
# going away). Sentinel on the two other hosts must promote the replica, the app nodes must follow it through
# redis-sentinel://, and no HTTP request may fail meanwhile (Redis features fall back while it is away).
fault_redis_primary_killed() {
  local start=$SECONDS status=ok master="" i detail
  load_start redis-failover
  sleep 5
  fleet_kill_host redis1
  local killed=$SECONDS
  for i in $(seq 1 90); do
    # As the application asks: from an app node (the firewalls let only those in), as its ACL user, the password
    # through ssh's standard input rather than a command line.
    master="$(printf '%s\n' "$GRACE_FLEET_REDIS_PASSWORD" | fleet_ssh 10.77.0.12 'read -r p; export REDISCLI_AUTH="$p";
      redis-cli --no-auth-warning --user grace -h 10.77.0.22 -p 26379 sentinel get-master-addr-by-name grace' \
      2>/dev/null | head -1 || true)"
    [ "$master" = 10.77.0.22 ] && break
    sleep 1
  done
  local promoted=$((SECONDS - killed))
  [ "$master" = 10.77.0.22 ] || status=FAILED
  # Writes and reads keep going against the new primary for a while.
  sleep 15
  load_stop
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  # Every instance sees Redis again (through the new primary).
  detail="redis"
  for addr in 10.77.0.11 10.77.0.12 10.77.0.13; do
    local r
    r="$(node_health "$addr" | sed -n 's/.*"redis":"\([a-z]*\)".*/\1/p' || true)"
    detail="$detail ${addr##*.}:${r:-none}"
    [ "$r" = healthy ] || [ "$r" = degraded ] || status=FAILED
  done
  report redis-failover "$status" $((SECONDS - start)) "$LOAD_LINE" "primary=${master:-none} after ${promoted}s; $detail"
}

# An app node's link is cut (its veth on the bridge goes down) under read traffic: nginx must take it out (passive
# checks: max_fails/fail_timeout), no GET may fail, and the node must get requests again once the link is back.
# A GET caught on a kept-alive connection to the cut node waits for proxy_read_timeout (60 s) and is then retried on
# another node, so the load's timeout is above that: such a GET is slow, not failed (see its p95 and max).
fault_app_link_down() {
  local start=$SECONDS status=ok i back="" before after
  load_start link-down reads 90s
  sleep 5
  ip -n "$FLEET_CTL" link set v-app2 down
  sleep 25
  ip -n "$FLEET_CTL" link set v-app2 up
  local up_at=$SECONDS
  before="$(fleet_ssh 10.77.0.10 "grep -cP '10\\.77\\.0\\.12:\\d+\\t200' /var/log/nginx/grace-upstream.log" || true)"
  for i in $(seq 1 90); do
    after="$(fleet_ssh 10.77.0.10 "grep -cP '10\\.77\\.0\\.12:\\d+\\t200' /var/log/nginx/grace-upstream.log" || true)"
    if [ "${after:-0}" -gt "${before:-0}" ]; then back=$((SECONDS - up_at)); break; fi
    sleep 1
  done
  sleep 3
  load_stop
  [ -n "$back" ] || status=FAILED
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  report link-down "$status" $((SECONDS - start)) "$LOAD_LINE" "app2 serving again ${back:-never}s after the link came back"
}
