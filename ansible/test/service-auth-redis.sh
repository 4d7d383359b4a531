# Fleet-suite scenario "redis auth" (sourced by fleet-suite.sh after site.yml; uses its report and fleet_ctl): with
# the Redis secrets set, the Redis servers and the Sentinels refuse whoever does not log in as one of the role's users
# (ansible/roles/redis), and the application's user can do what Grace does and no more. Every attempt runs redis-cli
# on an app node (SERVICE_AUTH_REDIS_FROM, default app2); passwords go through REDISCLI_AUTH, never on a command line.
#   accepted: the app user's SET/GET/EVAL/PUBLISH on the primary, CLIENT SETNAME there, GET of the same key on the
#             replica, and from every Sentinel the primary's address, its replicas and the other Sentinels; the
#             Sentinel user reads master_link_status:up from the replica (INFO is not the app user's)
#   refused:  no login and the default user on the servers and every Sentinel; the app user with a wrong password
#             there too; the app user's CONFIG, FLUSHALL and KEYS on the primary and SENTINEL MASTERS on a Sentinel;
#             the replication user's GET, the Sentinel user's SET
# Passwords: GRACE_FLEET_REDIS_PASSWORD, GRACE_FLEET_REDIS_REPLICATION_PASSWORD, GRACE_FLEET_REDIS_SENTINEL_PASSWORD.
# Addresses (defaults: the fleet-test inventory): SERVICE_AUTH_REDIS_SERVERS, SERVICE_AUTH_REDIS_SENTINELS.

# One attempt: rac_try accepted|refused what password redis-cli-args... ; counts it, and notes what went wrong.
rac_try() {
  local want="$1" what="$2" pass="$3" out got
  shift 3
  # From an app node, which the host firewalls let in: what refuses here is Redis, not a firewall. The password goes
  # through ssh's standard input into REDISCLI_AUTH.
  out="$(printf '%s\n' "$pass" | fleet_ssh "$RAC_FROM" "read -r p; [ -z \"\$p\" ] || export REDISCLI_AUTH=\"\$p\";
    timeout 10 redis-cli --no-auth-warning$(printf ' %q' "$@")" 2>&1 | tr '\n' ' ')"
  if [[ "$out" =~ (NOAUTH|WRONGPASS|NOPERM|AUTH\ failed|DENIED) ]]; then got=refused; else got=accepted; fi
  if [ "$got" = "$want" ] && { [ "$want" = refused ] || [[ ! "$out" =~ ^(ERR|Could\ not|$) ]]; }; then
    if [ "$want" = accepted ]; then RAC_ACCEPTED=$((RAC_ACCEPTED + 1)); else RAC_REFUSED=$((RAC_REFUSED + 1)); fi
  else
    RAC_WRONG="$RAC_WRONG; $what: ${out:0:80}"
  fi
  RAC_LAST="$out"
}

service_auth_redis() {
  local start=$SECONDS status=ok app="${GRACE_FLEET_REDIS_PASSWORD:-}" repl="${GRACE_FLEET_REDIS_REPLICATION_PASSWORD:-}"
  local sent="${GRACE_FLEET_REDIS_SENTINEL_PASSWORD:-}" user="${SERVICE_AUTH_REDIS_USER:-grace}"
  local servers="${SERVICE_AUTH_REDIS_SERVERS:-10.77.0.21 10.77.0.22}"
  local sentinels="${SERVICE_AUTH_REDIS_SENTINELS:-10.77.0.21 10.77.0.22 10.77.0.11}"
  local primary="" replica="" addr key value
  RAC_FROM="${SERVICE_AUTH_REDIS_FROM:-10.77.0.12}"
  RAC_ACCEPTED=0 RAC_REFUSED=0 RAC_WRONG="" RAC_LAST=""
  if [ -z "$app" ] || [ -z "$repl" ] || [ -z "$sent" ]; then
    report "redis auth" FAILED $((SECONDS - start)) "the GRACE_FLEET_REDIS_*PASSWORD variables are not all set"
    return
  fi
  key="service-auth:$$:$RANDOM"
  value="v$RANDOM"

  # Every Sentinel: refuses strangers, answers the app user where the primary is.
  for addr in $sentinels; do
    rac_try refused "sentinel $addr no login" "" -h "$addr" -p 26379 sentinel get-master-addr-by-name grace
    rac_try refused "sentinel $addr default user" "$app" -h "$addr" -p 26379 --user default \
      sentinel get-master-addr-by-name grace
    rac_try refused "sentinel $addr wrong password" "wrong-$app" -h "$addr" -p 26379 --user "$user" \
      sentinel get-master-addr-by-name grace
    rac_try refused "sentinel $addr SENTINEL MASTERS" "$app" -h "$addr" -p 26379 --user "$user" sentinel masters
    rac_try accepted "sentinel $addr primary" "$app" -h "$addr" -p 26379 --user "$user" \
      sentinel get-master-addr-by-name grace
    [ -n "$primary" ] || primary="$(grep -oE '^[0-9.]+ [0-9]+ $' <<<"$RAC_LAST" | cut -d' ' -f1 || true)"
    rac_try accepted "sentinel $addr replicas" "$app" -h "$addr" -p 26379 --user "$user" sentinel replicas grace
    rac_try accepted "sentinel $addr sentinels" "$app" -h "$addr" -p 26379 --user "$user" sentinel sentinels grace
  done
  for addr in $servers; do [ "$addr" = "$primary" ] || replica="${replica:-$addr}"; done

  # Every server: no login and the default user refused.
  for addr in $servers; do
    rac_try refused "$addr no login" "" -h "$addr" ping
    rac_try refused "$addr default user" "$app" -h "$addr" --user default ping
    rac_try refused "$addr wrong password" "wrong-$app" -h "$addr" --user "$user" ping
  done

  # The primary: what Grace does is accepted, administration is not.
  if [ -n "$primary" ]; then
    rac_try accepted "primary SET" "$app" -h "$primary" --user "$user" set "$key" "$value" px 60000
    rac_try accepted "primary GET" "$app" -h "$primary" --user "$user" get "$key"
    [ "$RAC_LAST" = "$value " ] || RAC_WRONG="$RAC_WRONG; primary GET gave ${RAC_LAST:0:40}"
    rac_try accepted "primary EVAL" "$app" -h "$primary" --user "$user" \
      eval "return redis.call('get', KEYS[1])" 1 "$key"
    rac_try accepted "primary PUBLISH" "$app" -h "$primary" --user "$user" publish service-auth "$value"
    rac_try accepted "primary CLIENT SETNAME" "$app" -h "$primary" --user "$user" client setname service-auth
    rac_try refused "primary CONFIG GET" "$app" -h "$primary" --user "$user" config get maxmemory
    rac_try refused "primary FLUSHALL" "$app" -h "$primary" --user "$user" flushall
    rac_try refused "primary KEYS" "$app" -h "$primary" --user "$user" keys '*'
    rac_try refused "primary replication user GET" "$repl" -h "$primary" --user replication get "$key"
    rac_try refused "primary sentinel user SET" "$sent" -h "$primary" --user sentinel set "$key" x
  else
    RAC_WRONG="$RAC_WRONG; no Sentinel named the primary"
  fi

  # The replica: in sync with its primary (which it logged in to as the replication user), and has the key.
  if [ -n "$replica" ]; then
    rac_try accepted "replica INFO as sentinel" "$sent" -h "$replica" --user sentinel info replication
    [[ "$RAC_LAST" == *"master_link_status:up"* ]] || RAC_WRONG="$RAC_WRONG; replica $replica not in sync"
    sleep 1
    rac_try accepted "replica GET" "$app" -h "$replica" --user "$user" get "$key"
    [ "$RAC_LAST" = "$value " ] || RAC_WRONG="$RAC_WRONG; replica GET gave ${RAC_LAST:0:40}"
  else
    RAC_WRONG="$RAC_WRONG; no replica"
  fi

  local wrong=0
  [ -z "$RAC_WRONG" ] || { status=FAILED; wrong="$(grep -o '; ' <<<"$RAC_WRONG" | wc -l)"; }
  # The first two surprises are enough to start from; the figures say how many there were.
  report "redis auth" "$status" $((SECONDS - start)) "accepted=$RAC_ACCEPTED refused=$RAC_REFUSED wrong=$wrong" \
    "primary=${primary:-none} replica=${replica:-none}$(cut -d';' -f1-3 <<<"$RAC_WRONG")"
}
