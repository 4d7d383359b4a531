# Rollback scenarios of the fleet suite (sourced by fleet-suite.sh after the deploys; uses its helpers). Two broken
# releases go out with each strategy under load, and each strategy must refuse them on its own: the play fails and
# every node serves the release it served before.
# - One never passes its health check (its WAR is cut short, so Payara Micro cannot deploy it): no request may fail,
#   since the broken instance is never in traffic (rolling and canary drain the node before installing it and put
#   the old release back; blue-green never switches).
# - One is healthy but answers 500 on GET /api/users (broken-route/): only the watch of its 5xx share under traffic
#   catches it, so some requests fail. The bound: only that route's requests (a quarter of the load), at twice the
#   share the release is given (rolling: one node of three; canary: its first stage, 5 %; blue-green: its trial,
#   5 %; twice, since least_conn honours weights only roughly and a node answering 500 at once holds fewer
#   connections: a 5 % canary answered 9 % in the first run), for one watch check (6 s) plus 30 s of Ansible's steps
#   around it (starting the watch, counting, re-rendering and reloading nginx): rate / 4 x min(1, 2 x share) x 36 s,
#   with the run's mean rate.

broken_artefacts() { # prints a folder laid out like the repository, with a WAR that cannot deploy
  local dir="$LOGS/broken-release"
  mkdir -p "$dir/grace-webapp/target"
  head -c 100000 "$FLEET_REPO/grace-webapp/target/grace.war" >"$dir/grace-webapp/target/grace.war"
  ln -sfn "$FLEET_REPO/payara-config" "$dir/payara-config"
  echo "$dir"
}

rollback_under_load() { # scenario broken-version playbook [extra args]
  local name="$1" version="$2" book="$3" start=$SECONDS status=ok detail before
  shift 3
  before="$(versions_are none | sed 's/^versions //' || true)"
  load_start "$name"
  if playbook "$name" "$book" -e grace_version="$version" -e @"$FLEET_TEST_DIR/fast-deploys.yml" \
       -e grace_new_release_health_timeout_seconds=40 -e grace_artifacts_dir="$(broken_artefacts)" "$@"; then
    status=FAILED  # the broken release must stop the deploy
  fi
  load_stop
  [ "$LOAD_ERRORS" = 0 ] || status=FAILED
  # The same release as before on every node, none of them the broken one.
  detail="$(versions_are none | sed 's/^versions //' || true)"
  [ "$detail" = "$before" ] || status=FAILED
  [[ "$detail" != *"$version"* ]] || status=FAILED
  report "$name" "$status" $((SECONDS - start)) "$LOAD_LINE" "versions before:$before after:$detail"
}

broken_route_artefacts() { # prints a folder laid out like the repository, with a WAR that answers 500 on one route
  local dir="$LOGS/broken-route-release" api
  if [ ! -e "$dir/grace-webapp/target/grace.war" ]; then
    api="$(find "${GRACE_FLEET_M2_REPO:-$HOME/.m2/repository}/jakarta/ws/rs/jakarta.ws.rs-api" -name 'jakarta.ws.rs-api-*.jar' \
      ! -name '*-sources.jar' 2>/dev/null | sort -V | tail -1)"
    [ -n "$api" ] || fleet_die "no jakarta.ws.rs-api jar under ~/.m2 to compile the broken release with (build first)"
    mkdir -p "$dir/grace-webapp/target" "$dir/classes/WEB-INF/classes"
    javac -d "$dir/classes/WEB-INF/classes" -cp "$api" "$FLEET_TEST_DIR/broken-route/UsersListAnswers500.java" >&2
    cp "$FLEET_REPO/grace-webapp/target/grace.war" "$dir/grace-webapp/target/grace.war"
    (cd "$dir/classes" && jar uf "$dir/grace-webapp/target/grace.war" WEB-INF/classes/org/grace/fleettest/UsersListAnswers500.class)
    ln -sfn "$FLEET_REPO/payara-config" "$dir/payara-config"
  fi
  echo "$dir"
}

# 5xx answers of the load balancer since a time (its clock), by request: "GET_/api/users=12 ..." ("" if none).
lb_5xx_since() { # since
  fleet_ssh 10.77.0.10 "awk -F'\t' -v since=$1 '\$1 >= since && \$2 ~ /^5/ { r = \$6; gsub(/ /, \"_\", r); n[r]++ }
    END { for (r in n) printf \"%s=%d \", r, n[r] }' /var/log/nginx/grace-upstream.log"
}

route_rollback_under_load() { # scenario broken-version playbook share [extra args]
  local name="$1" version="$2" book="$3" share="$4" start=$SECONDS status=ok detail before since failed seconds bound
  shift 4
  before="$(versions_are none | sed 's/^versions //' || true)"
  since="$(fleet_ssh 10.77.0.10 date +%s.%N)"
  load_start "$name"
  if playbook "$name" "$book" -e grace_version="$version" -e @"$FLEET_TEST_DIR/fast-deploys.yml" \
       -e grace_artifacts_dir="$(broken_route_artefacts)" "$@"; then
    status=FAILED  # the broken release must stop the deploy
  fi
  load_stop
  failed="$(lb_5xx_since "$since")"
  # Only the broken route failed, only with 500, and no more often than the bound.
  seconds="$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$LOAD_LINE")"
  bound="$(awk -v r="${LOAD_REQUESTS:-0}" -v s="${seconds:-1}" -v share="$share" 'BEGIN { f = 2 * share; if (f > 1) f = 1; printf "%d", r / s / 4 * f * 36 }')"
  [[ "$LOAD_LINE" == *"socket=0/0/0/0"* ]] || status=FAILED
  [[ "$(sed -n 's/.*statuses=\[\(.*\)\].*/\1/p' <<<"$LOAD_LINE")" =~ ^(\ 500x[0-9]+)?$ ]] || status=FAILED
  [[ "$failed" =~ ^(GET_/api/users=[0-9]+\ )?$ ]] || status=FAILED
  [ "$LOAD_ERRORS" != unknown ] && [ "$LOAD_ERRORS" -le "$bound" ] || status=FAILED
  detail="$(versions_are none | sed 's/^versions //' || true)"
  [ "$detail" = "$before" ] || status=FAILED
  [[ "$detail" != *"$version"* ]] || status=FAILED
  report "$name" "$status" $((SECONDS - start)) "$LOAD_LINE" "bound=$bound 5xx at lb1: ${failed:-none} versions before:$before after:$detail"
}
