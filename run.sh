#!/usr/bin/env bash
# Builds what is needed and starts one Grace instance on http://localhost:8080 (GRACE_PORT to change it).
# With GRACE_DB_URL unset it starts an embedded PostgreSQL whose data lives in .grace/postgres; with GRACE_REDIS_URL
# unset the cache, rate limits and events run on their in-memory fallback. Ctrl-C stops everything.
# Extra arguments go to the launcher, e.g. ./run.sh --profile staging (see payara-config/README.md).
set -euo pipefail
cd "$(dirname "$0")"
echo "grace: building (mvn package, tests skipped)..."
mvn -B -q -Dmaven.test.skip=true -pl payara-config,grace-webapp -am package
exec java -cp "payara-config/target/grace-launcher.jar:payara-config/target/lib/*" org.grace.launcher.GraceLauncher \
  --war grace-webapp/target/grace.war "$@"
