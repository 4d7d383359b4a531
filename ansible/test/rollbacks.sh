# Rollback scenarios of the fleet suite (sourced by fleet-suite.sh after the deploys; uses its helpers). A broken
# release that never passes its health check (its WAR is cut short, so Payara Micro cannot deploy it) goes out with
# each strategy under load. Each strategy must refuse it on its own: the play fails, every node serves the release
# it served before, and no request fails, since the broken instance is never in traffic (rolling and canary drain
# the node before installing it and put the old release back; blue-green never switches).

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
