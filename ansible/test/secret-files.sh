# Files holding a secret are readable by their service only (sourced by fleet-suite.sh: report, fleet_ssh). For each
# file on each host: the service's user reads it, and an ordinary user (nobody) and, where one exists on the host,
# another service's user are refused. What is tried is the read itself (runuser ... head -c1), not the mode bits.

# host file owner-user [other-users...]
SECRET_FILES="
10.77.0.11 /etc/grace/grace.env grace nobody redis
10.77.0.12 /etc/grace/grace.env grace nobody
10.77.0.13 /etc/grace/grace.env grace nobody
10.77.0.21 /etc/redis/redis.conf redis nobody
10.77.0.21 /etc/redis/sentinel.conf redis nobody
10.77.0.22 /etc/redis/redis.conf redis nobody
10.77.0.22 /etc/redis/sentinel.conf redis nobody
10.77.0.11 /etc/redis/sentinel.conf redis nobody grace
10.77.0.10 /etc/ssl/private/grace.key root nobody www-data
10.77.0.31 /var/lib/postgresql/.ssh/id_ed25519 postgres nobody
10.77.0.41 /etc/pgbackrest/pgbackrest.conf pgbackrest nobody
10.77.0.41 /home/pgbackrest/.ssh/id_ed25519 pgbackrest nobody
"

secret_files_closed() {
  local start=$SECONDS status=ok host file owner others user readable=0 refused=0 wrong="" checked=0
  while read -r host file owner others; do
    [ -n "$host" ] || continue
    checked=$((checked + 1))
    if fleet_ssh "$host" "runuser -u $owner -- head -c1 $file" </dev/null >/dev/null 2>&1; then
      readable=$((readable + 1))
    else
      wrong="$wrong ${host##*.}:$file:$owner-cannot-read"
    fi
    for user in $others; do
      if fleet_ssh "$host" "runuser -u $user -- head -c1 $file" </dev/null >/dev/null 2>&1; then
        wrong="$wrong ${host##*.}:$file:$user-reads"
      else
        refused=$((refused + 1))
      fi
    done
  done <<<"$SECRET_FILES"
  [ -z "$wrong" ] || status=FAILED
  report "secret files closed" "$status" $((SECONDS - start)) \
    "files=$checked read-by-their-service=$readable refused-to-others=$refused${wrong:+ wrong:$wrong}"
}
