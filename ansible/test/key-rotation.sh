# The token signing key rotated with rotate-signing-key.yml under load (sourced by fleet-suite.sh: report, playbook,
# load_start/load_stop, lb_curl, fleet_ssh, node_health, changed_total, api_token and TOKEN come from there).

# The kid in a JWT's header.
jwt_kid() { /usr/bin/python3 -c 'import base64, json, sys
h = sys.argv[1].split(".")[0]
print(json.loads(base64.urlsafe_b64decode(h + "=" * (-len(h) % 4))).get("kid", ""))' "$1"; }

# How many of the app nodes accept a token at GET /api/auth/me (asked from the load balancer, which alone may reach
# them): prints "accepted/asked".
token_accepted_by() { # token
  local addr code n=0 of=0 port
  port="$(live_port)"
  for addr in 10.77.0.11 10.77.0.12 10.77.0.13; do
    code="$(fleet_ssh "$LB_ADDR" curl -s -o /dev/null -w '%{http_code}' -m 5 -H "'Authorization: Bearer $1'" \
      "http://$addr:$port/api/auth/me" || true)"
    of=$((of + 1))
    [ "$code" = 200 ] && n=$((n + 1))
  done
  echo "$n/$of"
}

key_rotation_under_load() {
  local start=$SECONDS status=ok old_key new_key old_token new_token old_kid new_kid both again final old_after new_after
  local env_file
  old_key="$GRACE_FLEET_SIGNING_KEY_FILE"
  new_key="$FLEET_RUN/secrets/signing-2.pem"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$new_key" 2>/dev/null
  old_token="$TOKEN"
  old_kid="$(jwt_kid "$old_token")"
  # The operator's step in the vault: the key in use becomes the previous one, the new key the signing one.
  export GRACE_FLEET_PREVIOUS_SIGNING_KEY_FILE="$old_key" GRACE_FLEET_SIGNING_KEY_FILE="$new_key"
  load_start key-rotation # with the old key's token throughout: it must never be refused
  playbook key-rotation rotate-signing-key.yml -e @"$FLEET_TEST_DIR/fast-deploys.yml" || status=FAILED
  load_stop
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  new_token="$(api_token)"
  new_kid="$(jwt_kid "$new_token")"
  [ -n "$new_kid" ] && [ "$new_kid" != "$old_kid" ] || status=FAILED
  both="old:$(token_accepted_by "$old_token") new:$(token_accepted_by "$new_token")"
  [ "$both" = "old:3/3 new:3/3" ] || status=FAILED
  playbook key-rotation-again rotate-signing-key.yml -e @"$FLEET_TEST_DIR/fast-deploys.yml" || status=FAILED
  again="$(changed_total "$LOGS/key-rotation-again.log")"
  [ "$again" = 0 ] || status=FAILED
  report "key rotation" "$status" $((SECONDS - start)) "$LOAD_LINE" \
    "kid ${old_kid:0:8}->${new_kid:0:8}; during the overlap accepted $both; second run changed=$again"

  # One access-token lifetime later (not waited for here: the old token is simply dropped by the operator), the
  # previous key leaves the vault and one more run makes every instance refuse it. The load moves to the new token.
  start=$SECONDS
  status=ok
  TOKEN="$new_token"
  export GRACE_FLEET_PREVIOUS_SIGNING_KEY_FILE=""
  load_start key-rotation-finish
  playbook key-rotation-finish rotate-signing-key.yml -e @"$FLEET_TEST_DIR/fast-deploys.yml" || status=FAILED
  load_stop
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  old_after="$(token_accepted_by "$old_token")"
  new_after="$(token_accepted_by "$new_token")"
  [ "$old_after" = 0/3 ] && [ "$new_after" = 3/3 ] || status=FAILED
  env_file=/etc/grace/grace.env
  [ "$(live_port)" = 8081 ] && env_file=/etc/grace/grace-green.env
  final="$(fleet_ssh 10.77.0.11 grep -c '^GRACE_AUTH_PREVIOUS_PUBLIC_KEY=' "$env_file" || true)"
  report "key rotation finished" "$status" $((SECONDS - start)) "$LOAD_LINE" \
    "old key's token accepted by $old_after, new key's by $new_after; previous key in app1's settings: ${final:-0}"
}
