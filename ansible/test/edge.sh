# The fleet's edge over TLS, seen from the controller as a client would (sourced by fleet-suite.sh, which defines
# report, lb_curl, fleet_ctl and the LB_* names). Every HTTPS request verifies the certificate against the run's CA.

# One TLS handshake with openssl s_client at the load balancer. The client is allowed every version down to TLS 1.0
# (security level 0), so a refusal is the server's.
edge_handshake() { # -tls1|-tls1_1|-tls1_2|-tls1_3
  fleet_ctl timeout 20 openssl s_client -connect "$LB_ADDR:443" -servername "$LB_NAME" "$1" \
    -cipher 'DEFAULT:@SECLEVEL=0' -CAfile "$GRACE_FLEET_CA" -verify_return_error </dev/null 2>&1 || true
}

# HTTP only redirects (301, path and query kept), HTTPS verifies and carries HSTS (on an instance's answer and on
# nginx's own JSON error), TLS 1.2 (forward-secret AEAD) and 1.3 are accepted and verified, TLS 1.0 and 1.1 refused.
edge_https_only() {
  local start=$SECONDS status=ok redirect hsts hsts_error t12 t13 t11 t10 f12 f13 f11 f10
  redirect="$(lb_curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://$LB_NAME/api/health?probe=edge")"
  [ "$redirect" = "301 https://$LB_NAME/api/health?probe=edge" ] || status=FAILED
  hsts="$(lb_curl -s -D - -o /dev/null -w '%{http_code}' "$LB/api/health" | tr -d '\r' \
    | awk 'tolower($1) == "strict-transport-security:" {h = $2} /^[0-9]+$/ {c = $1} END {print c ":" h}')"
  [ "$hsts" = "200:max-age=63072000" ] || status=FAILED
  # A body over client_max_body_size: nginx answers its own JSON 413, which must carry HSTS as well.
  hsts_error="$(head -c 3000000 /dev/zero | lb_curl -s -D - -o /dev/null -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' --data-binary @- "$LB/api/auth/login" | tr -d '\r' \
    | awk 'tolower($1) == "strict-transport-security:" {h = $2} /^[0-9]+$/ {c = $1} END {print c ":" h}')"
  [ "$hsts_error" = "413:max-age=63072000" ] || status=FAILED
  t12="$(edge_handshake -tls1_2)"; t13="$(edge_handshake -tls1_3)"
  t11="$(edge_handshake -tls1_1)"; t10="$(edge_handshake -tls1)"
  f12="$(grep -oE 'Cipher is ECDHE-[A-Z0-9-]+' <<<"$t12" | head -1)"
  f13="$(grep -oE 'TLSv1.3, Cipher is TLS_[A-Z0-9_]+' <<<"$t13" | head -1)"
  grep -q 'Verify return code: 0 (ok)' <<<"$t12" && [ -n "$f12" ] || status=FAILED
  grep -q 'Verify return code: 0 (ok)' <<<"$t13" && [ -n "$f13" ] || status=FAILED
  f11=accepted; grep -q 'alert protocol version' <<<"$t11" && grep -q 'Cipher is (NONE)' <<<"$t11" && f11=refused
  f10=accepted; grep -q 'alert protocol version' <<<"$t10" && grep -q 'Cipher is (NONE)' <<<"$t10" && f10=refused
  [ "$f11" = refused ] && [ "$f10" = refused ] || status=FAILED
  report "edge https only" "$status" $((SECONDS - start)) "http=${redirect// / -> }" "hsts=${hsts#*:}" \
    "413-json-hsts=${hsts_error#*:}" "tls1.2=verified(${f12#Cipher is })" "tls1.3=verified(${f13#*Cipher is })" \
    "tls1.1=$f11 tls1.0=$f10"
}

# A staff member in headless Chromium: given the plain-HTTP address, sent to HTTPS (the CA trusted in the browser's
# own store, no certificate error ignored), signs in, reloads, and is still signed in (Secure, HttpOnly cookie kept).
edge_browser_signin() { # email password
  local start=$SECONDS status=ok line
  line="$(fleet_ctl /usr/bin/python3 "$FLEET_TEST_DIR/browser-signin.py" "http://$LB_NAME/" "$GRACE_FLEET_CA" \
    "$1" "$2" "$LB_ADDR" 2>"$LOGS/browser-signin.log")" || status=FAILED
  report "browser signed in" "$status" $((SECONDS - start)) "${line:-no result: see $LOGS/browser-signin.log}"
}
