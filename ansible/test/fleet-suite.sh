#!/usr/bin/env bash
# The fleet suite: brings up the test fleet (ansible/test/fleet.sh's hosts), provisions it with site.yml twice
# (the second run must change nothing), checks the locked-down fleet (the HTTPS edge, a browser signed in through it,
# who Redis and PostgreSQL let in, files holding secrets, the host firewalls' matrix, a signing-key rotation under
# load, a backup restored to a point in time), then deploys under load through the load balancer (rolling,
# blue-green, canary), has each strategy refuse a broken release, scales out and in, and injects faults (the Redis
# primary's host killed, an app node's link cut). First of all, on the control machine, secrets.sh: the playbooks
# refuse missing secrets.
# Prints one line per scenario:
#   fleet: <scenario> ok|FAILED <seconds>s requests=N errors=N p95=Nms <detail>
# and exits non-zero if any failed. Needs root and the build's artefacts (mvn -B -DskipTests package).
#   ansible/test/fleet-suite.sh            # every scenario
#   ansible/test/fleet-suite.sh rolling canary   # only these (hosts and site.yml always come first)
# Logs of every playbook and load run: $GRACE_FLEET_LOGS (default /var/tmp/grace-fleet-logs/<time>).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$FLEET_TEST_DIR/hosts.sh"
[ "$(id -u)" = 0 ] || fleet_die "the fleet suite needs root (network namespaces, mounts)"
for artefact in grace-webapp/target/grace.war payara-config/target/grace-launcher.jar payara-config/target/payara-micro.jar; do
  [ -e "$FLEET_REPO/$artefact" ] || fleet_die "$artefact is missing: run 'mvn -B -DskipTests package' first"
done
fleet_need ansible-playbook ansible
fleet_need wrk wrk
fleet_need openssl openssl
fleet_need curl curl
fleet_need chromium chromium
fleet_need chromedriver chromium-driver
fleet_need certutil libnss3-tools
/usr/bin/python3 -c 'import selenium' 2>/dev/null || fleet_need_package python3-selenium

LOGS="${GRACE_FLEET_LOGS:-/var/tmp/grace-fleet-logs/$(date -u +%Y%m%dT%H%M%S)}"
mkdir -p "$LOGS"
# The load balancer by its name, HTTPS verified against the run's CA (fleet_make_secrets); wrk, which cannot verify,
# uses the same address after curl has.
LB_NAME=grace.fleet.test
LB=https://$LB_NAME
LB_ADDR=10.77.0.10
WANTED=" ${*:-all} "
FAILURES=0
SUMMARY="$LOGS/summary.txt"
: >"$SUMMARY"
trap fleet_down EXIT
trap 'exit 130' INT TERM HUP

wanted() { [[ "$WANTED" == *" all "* || "$WANTED" == *" $1 "* ]]; }

report() { # scenario ok|FAILED seconds figures...
  local line
  line="fleet: $(printf '%-22s %-6s %4ss' "$1" "$2" "$3") ${*:4}"
  echo "$line" | tee -a "$SUMMARY"
  [ "$2" = ok ] || FAILURES=$((FAILURES + 1))
}

playbook() { # log-name args... : ansible-playbook in the controller namespace, output to a log
  local log="$LOGS/$1.log"; shift
  (cd "$FLEET_REPO/ansible" && fleet_ctl ansible-playbook -i "$FLEET_INVENTORY" "$@") >"$log" 2>&1
}

changed_total() { awk '/PLAY RECAP/ {r=1} r && /changed=/ {sub(/.*changed=/, ""); s += $1} END {print s + 0}' "$1"; }

# Starts wrk in the controller namespace against the load balancer until load_stop.
load_start() { # name [mix] [timeout]
  LOAD_OUT="$LOGS/$1.wrk"
  ip netns exec "$FLEET_CTL" env GRACE_FLEET_TOKEN="$TOKEN" GRACE_FLEET_LOAD_MIX="${2:-mixed}" \
    GRACE_FLEET_LOAD_PAUSE_MS="${GRACE_FLEET_LOAD_PAUSE_MS:-20}" \
    wrk -t2 -c4 -d3600s --timeout "${3:-10s}" -s "$FLEET_TEST_DIR/load.lua" "https://$LB_ADDR/" >"$LOAD_OUT" 2>&1 &
  LOAD_PID=$!
  sleep 1
}
load_stop() { # prints requests=... errors=... p95=...; LOAD_ERRORS holds the error count
  kill -INT "$LOAD_PID" 2>/dev/null || true
  wait "$LOAD_PID" 2>/dev/null || true
  local line
  line="$(grep '^LOAD ' "$LOAD_OUT" | tail -1)"
  LOAD_ERRORS="$(sed -n 's/.*errors=\([0-9]*\).*/\1/p' <<<"$line")"
  LOAD_REQUESTS="$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$line")"
  [ -n "$LOAD_ERRORS" ] || { LOAD_ERRORS=unknown; line="LOAD (no summary: see $LOAD_OUT)"; }
  LOAD_LINE="${line#LOAD }"
}

fleet_ssh() { # address command...
  local addr="$1"; shift
  fleet_ctl ssh -q -i "$FLEET_KEY" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "root@$addr" "$@"
}

# The colour the load balancer serves, from its record, and the port of that colour.
live_port() {
  local colour
  colour="$(fleet_ssh "$LB_ADDR" cat /etc/ansible/facts.d/grace_lb.fact 2>/dev/null \
    | sed -n 's/.*"active_colour": "\(.*\)".*/\1/p')"
  [ "${colour:-blue}" = green ] && echo 8081 || echo 8080
}

# curl in the controller namespace, through the load balancer's name, verified against the run's CA.
lb_curl() { fleet_ctl curl --cacert "$GRACE_FLEET_CA" --resolve "$LB_NAME:443:$LB_ADDR" --resolve "$LB_NAME:80:$LB_ADDR" "$@"; }

# An app node's live instance's /api/health, asked from the load balancer: the host firewalls let only the load
# balancers reach the app ports.
node_health() { # address [port]
  fleet_ssh "$LB_ADDR" curl -s -m 5 "http://$1:${2:-$(live_port)}/api/health" || true
}
node_version() { node_health "$@" | sed -n 's/.*"version":"\([^"]*\)".*/\1/p'; }

# Every app node's live instance answers /api/health with the version; prints what each one said.
versions_are() { # version [addresses]
  local want="$1" port addr got ok=0 seen=""
  port="$(live_port)"
  for addr in ${2:-10.77.0.11 10.77.0.12 10.77.0.13}; do
    got="$(node_version "$addr" "$port")"
    seen="$seen ${addr##*.}:${got:-none}"
    [ "$got" = "$want" ] || ok=1
  done
  echo "versions${seen}"
  return $ok
}

deploy_under_load() { # scenario version playbook [extra args]
  local name="$1" version="$2" book="$3" start status=ok detail
  shift 3
  start=$SECONDS
  load_start "$name"
  playbook "$name" "$book" -e grace_version="$version" -e @"$FLEET_TEST_DIR/fast-deploys.yml" "$@" || status=FAILED
  load_stop
  detail="$(versions_are "$version")" || status=FAILED
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  report "$name" "$status" $((SECONDS - start)) "$LOAD_LINE" "$detail"
}

# --- secrets (control machine only: the refusal comes before any host is contacted) -------------------------------
if wanted secrets; then
  start=$SECONDS
  status=ok
  "$FLEET_TEST_DIR/secrets.sh" >"$LOGS/secrets.log" 2>&1 || status=FAILED
  report "secrets refused" "$status" $((SECONDS - start)) \
    "scenarios ok=$(grep -c '^secrets: .* ok ' "$LOGS/secrets.log" || true) of $(grep -c '^secrets: ' "$LOGS/secrets.log" || true)"
fi

# --- the fleet --------------------------------------------------------------------------------------------------
start=$SECONDS
base_existed=no; [ -e "$(fleet_base_dir)/.complete" ] && base_existed=yes
fleet_up
report "hosts up" ok $((SECONDS - start)) "base cached=$base_existed hosts=$(fleet_inventory_hosts | wc -l)"

# --- provisioning -----------------------------------------------------------------------------------------------
start=$SECONDS
if playbook site-1 site.yml; then
  report "site.yml first run" ok $((SECONDS - start)) "changed=$(changed_total "$LOGS/site-1.log")"
else
  report "site.yml first run" FAILED $((SECONDS - start)) "see $LOGS/site-1.log"
  exit 1
fi
start=$SECONDS
if playbook site-2 site.yml && [ "$(changed_total "$LOGS/site-2.log")" = 0 ]; then
  report "site.yml second run" ok $((SECONDS - start)) "changed=0"
else
  report "site.yml second run" FAILED $((SECONDS - start)) "changed=$(changed_total "$LOGS/site-2.log") (see $LOGS/site-2.log)"
fi

# An administrator, and a token for the load (the same key signs on every node, so any instance accepts it).
lb_curl -s -o /dev/null -X POST -H 'Content-Type: application/json' "$LB/api/setup" \
  -d '{"organizationName":"Fleet Care","email":"admin@fleet.test","displayName":"Fleet Admin","password":"fleet-suite-password"}'
# A fresh access token through the load balancer for the suite's administrator (the key rotation asks again).
api_token() {
  lb_curl -s -X POST -H 'Content-Type: application/json' "$LB/api/auth/login" \
    -d '{"email":"admin@fleet.test","password":"fleet-suite-password","client":"api"}' \
    | sed -n 's/.*"accessToken":"\([^"]*\)".*/\1/p'
}
TOKEN="$(api_token)"
[ -n "$TOKEN" ] || fleet_die "could not sign in through the load balancer"

# --- the fleet locked down: the edge, service authentication, firewalls, the signing key, backups -----------------
. "$FLEET_TEST_DIR/edge.sh"
if wanted edge; then edge_https_only; fi
if wanted browser; then edge_browser_signin admin@fleet.test fleet-suite-password; fi
. "$FLEET_TEST_DIR/service-auth-redis.sh"
. "$FLEET_TEST_DIR/backups.sh"
if wanted service-auth; then service_auth_redis; postgres_auth; fi
. "$FLEET_TEST_DIR/secret-files.sh"
if wanted secret-files; then secret_files_closed; fi
. "$FLEET_TEST_DIR/firewall.sh"
if wanted firewall; then firewall_matrix; fi
. "$FLEET_TEST_DIR/key-rotation.sh"
if wanted key-rotation; then key_rotation_under_load; fi
if wanted backup; then backup_restore_pitr; fi

# --- deploys under load -----------------------------------------------------------------------------------------
if wanted rolling; then deploy_under_load rolling 0.2.0 deploy-rolling.yml; fi
if wanted blue-green; then deploy_under_load blue-green 0.3.0 deploy-blue-green.yml; fi
if wanted canary; then deploy_under_load canary 0.4.0 deploy-canary.yml; fi

# --- rollbacks of a broken release -----------------------------------------------------------------------------
. "$FLEET_TEST_DIR/rollbacks.sh"
if wanted rollback-rolling; then rollback_under_load rollback-rolling 0.5.0-broken deploy-rolling.yml; fi
if wanted rollback-blue-green; then rollback_under_load rollback-blue-green 0.5.0-broken deploy-blue-green.yml; fi
if wanted rollback-canary; then rollback_under_load rollback-canary 0.5.0-broken deploy-canary.yml; fi
if wanted route-rollback-rolling; then route_rollback_under_load route-rollback-rolling 0.6.0-500 deploy-rolling.yml 0.3333; fi
if wanted route-rollback-blue-green; then
  route_rollback_under_load route-rollback-blue-green 0.6.0-500 deploy-blue-green.yml 0.05
fi
if wanted route-rollback-canary; then route_rollback_under_load route-rollback-canary 0.6.0-500 deploy-canary.yml 0.05; fi

# --- scale out and in ---------------------------------------------------------------------------------------------
. "$FLEET_TEST_DIR/scale.sh"
if wanted scale-out; then scale_out_under_load; fi
if wanted scale-in; then scale_in_under_load; fi

# --- provisioning again, after the deploys: nothing changes, no node leaves the release it serves -----------------
if wanted site-again; then
  start=$SECONDS
  status=ok
  before="$(versions_are none | sed 's/^versions //' || true)"
  playbook site-3 site.yml || status=FAILED
  after="$(versions_are none | sed 's/^versions //' || true)"
  [ "$(changed_total "$LOGS/site-3.log")" = 0 ] && [ "$after" = "$before" ] || status=FAILED
  report "site.yml after deploys" "$status" $((SECONDS - start)) \
    "changed=$(changed_total "$LOGS/site-3.log") versions before:$before after:$after"
fi

# --- faults (last: the Redis primary's host does not come back) --------------------------------------------------
. "$FLEET_TEST_DIR/faults.sh"
if wanted redis-failover; then fault_redis_primary_killed; fi
if wanted link-down; then fault_app_link_down; fi

echo "fleet: summary in $SUMMARY, logs in $LOGS"
[ "$FAILURES" = 0 ]
