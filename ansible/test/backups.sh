# Backup scenarios of the fleet suite (sourced by fleet-suite.sh after site.yml; uses its helpers report, playbook,
# fleet_ssh). Hosts: db1 (grace_postgresql), backup1 (grace_backup, the pgBackRest repository), db2 (grace_restore, an
# empty host restore.yml brings the database back on), and an app node for the application user's connections.
# The application's password comes from GRACE_FLEET_DB_PASSWORD (the harness's). Only the table fleet_pitr is
# written; the application's own tables are never touched.
BACKUPS_DB="${BACKUPS_DB:-10.77.0.31}"
BACKUPS_DB2="${BACKUPS_DB2:-10.77.0.32}"
BACKUPS_REPO="${BACKUPS_REPO:-10.77.0.41}"
BACKUPS_APP="${BACKUPS_APP:-10.77.0.11}"
BACKUPS_DB2_NAME="${BACKUPS_DB2_NAME:-db2}"

# SQL (on stdin) as the superuser, through the local socket of a database host: psql's unaligned, tuples-only output.
pg_super() { # address [database]
  fleet_ssh "$1" "cd /tmp && runuser -u postgres -- psql -X -q -At -v ON_ERROR_STOP=1 -d ${2:-grace}"
}

# SQL as the application user from the app node (or another host) to a database host over TCP. The password travels
# on stdin, never on a command line. Prints psql's output and errors; fails as psql does.
pg_app() { # from-address to-address database sql [password]
  printf '%s\n%s\n' "${5-$GRACE_FLEET_DB_PASSWORD}" "$4" | fleet_ssh "$1" \
    "read -r PGPASSWORD; export PGPASSWORD; psql -X -q -At -v ON_ERROR_STOP=1 -h $2 -U grace -d $3 2>&1"
}

# Point-in-time restore: N rows, a full backup, M rows, the time T, K rows, a WAL switch; restore.yml to T on db2.
# db2 must hold exactly the N+M rows of this run, db1 all N+M+K.
backup_restore_pitr() {
  local start=$SECONDS status=ok n=40 m=25 k=15 run target="" seg="" archived="" i restored=none on_db1=none detail=""
  run="pitr-$(date -u +%Y%m%d%H%M%S)-$$"
  insert_rows() { # phase count
    pg_app "$BACKUPS_APP" "$BACKUPS_DB" grace \
      "INSERT INTO fleet_pitr (run, phase) SELECT '$run', '$1' FROM generate_series(1, $2);" >/dev/null
  }
  if ! pg_app "$BACKUPS_APP" "$BACKUPS_DB" grace "CREATE TABLE IF NOT EXISTS fleet_pitr (id bigserial PRIMARY KEY,
       run text NOT NULL, phase text NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());" >/dev/null \
     || ! insert_rows before-backup "$n"; then
    report "backup pitr restore" FAILED $((SECONDS - start)) "the app user could not create or fill fleet_pitr"
    return
  fi
  playbook backup-pitr backup.yml || status=FAILED
  insert_rows before-target "$m" || status=FAILED
  # T: a whole second at least one second after the M rows committed, and at least a second before the K rows.
  sleep 1.2
  target="$(pg_app "$BACKUPS_APP" "$BACKUPS_DB" grace \
    "SELECT to_char(date_trunc('second', now()) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || '+00';")"
  sleep 1.5
  insert_rows after-target "$k" || status=FAILED
  # The segment holding the K rows' commit goes to the archive now (else archive_timeout would): recovery needs a
  # commit later than T in the archive to know it has reached T.
  seg="$(pg_super "$BACKUPS_DB" <<<"SELECT pg_walfile_name(pg_switch_wal());")"
  for i in $(seq 1 60); do
    archived="$(pg_super "$BACKUPS_DB" <<<"SELECT last_archived_wal >= '$seg' FROM pg_stat_archiver;")"
    [ "$archived" = t ] && break
    sleep 1
  done
  [ "$archived" = t ] || { status=FAILED; detail="segment $seg not archived after 60s;"; }
  if playbook restore-pitr restore.yml -e "grace_restore_target_time='$target'" -e "grace_restore_host=$BACKUPS_DB2_NAME"; then
    restored="$(pg_super "$BACKUPS_DB2" <<<"SELECT count(*) FROM fleet_pitr WHERE run = '$run';" 2>&1 | tail -1)"
  else
    status=FAILED; detail="$detail restore.yml failed (see $LOGS/restore-pitr.log);"
  fi
  on_db1="$(pg_super "$BACKUPS_DB" <<<"SELECT count(*) FROM fleet_pitr WHERE run = '$run';" 2>&1 | tail -1)"
  [ "$restored" = $((n + m)) ] || status=FAILED
  [ "$on_db1" = $((n + m + k)) ] || status=FAILED
  # The repository: nothing in it (symbolic links aside, always 0777) open to other users, encrypted (pgBackRest's info, and no plain manifest).
  local other cipher plain keys
  other="$(fleet_ssh "$BACKUPS_REPO" "find /var/lib/pgbackrest ! -type l -perm /o=rwx | wc -l")"
  cipher="$(fleet_ssh "$BACKUPS_REPO" "runuser -u pgbackrest -- pgbackrest --stanza=grace --output=json info" \
    | grep -o '"cipher":"[^"]*"' | head -1 | cut -d'"' -f4)"
  plain="$(fleet_ssh "$BACKUPS_REPO" "grep -rl --include='backup.manifest*' 'backup-label' /var/lib/pgbackrest | wc -l")"
  keys="$(fleet_ssh "$BACKUPS_DB" stat -c %a /var/lib/postgresql/.ssh/id_ed25519),$(fleet_ssh "$BACKUPS_DB2" \
    stat -c %a /var/lib/postgresql/.ssh/id_ed25519),$(fleet_ssh "$BACKUPS_REPO" stat -c %a /home/pgbackrest/.ssh/id_ed25519)"
  [ "$other" = 0 ] && [ "$cipher" = aes-256-cbc ] && [ "$plain" = 0 ] && [ "$keys" = 600,600,600 ] || status=FAILED
  report "backup pitr restore" "$status" $((SECONDS - start)) "rows_before_T=$((n + m)) restored=$restored" \
    "after_T_on_db1=$on_db1 target=${target/ /T} repo_other_access=$other cipher=${cipher:-none}" \
    "plain_manifests=$plain key_modes=$keys $detail"
}

# The database's doors: the application user gets in from an app node to its database only, with its password, and
# nothing else; the password is stored as SCRAM and the server never asks for md5; the server listens on its private
# address and loopback only.
postgres_auth() {
  local start=$SECONDS status=ok refused=0 accepted=0 expected_refused=0 failures="" out listen scram probe
  expect_refused() { # name pattern output
    expected_refused=$((expected_refused + 1))
    if grep -qiE "$2" <<<"$3"; then refused=$((refused + 1)); else failures="$failures $1"; fi
  }
  # Accepted: the app node, its database, its password.
  out="$(pg_app "$BACKUPS_APP" "$BACKUPS_DB" grace "SELECT 'in';" || true)"
  if [ "$out" = in ]; then accepted=1; else failures="$failures app-login"; fi
  # Refused: a wrong password; another database; another address (db2's, and db1's own private one: pg_hba, whatever
  # a firewall does); creating a database or a role.
  expect_refused wrong-password "password authentication failed" \
    "$(pg_app "$BACKUPS_APP" "$BACKUPS_DB" grace "SELECT 1;" not-the-password || true)"
  expect_refused other-database "no pg_hba.conf entry.*database \"postgres\"" \
    "$(pg_app "$BACKUPS_APP" "$BACKUPS_DB" postgres "SELECT 1;" || true)"
  # From db2 the host firewall answers first ("No route to host": its ICMP reject), or pg_hba without one.
  expect_refused from-db2 "no pg_hba.conf entry|timeout|could not connect|Connection refused|No route to host" \
    "$(PGCONNECT_TIMEOUT=5 pg_app "$BACKUPS_DB2" "$BACKUPS_DB" grace "SELECT 1;" || true)"
  expect_refused from-db1-own-address "no pg_hba.conf entry for host \"$BACKUPS_DB\"" \
    "$(pg_app "$BACKUPS_DB" "$BACKUPS_DB" grace "SELECT 1;" || true)"
  expect_refused create-database "permission denied to create database" \
    "$(pg_app "$BACKUPS_APP" "$BACKUPS_DB" grace "CREATE DATABASE fleet_probe;" || true)"
  expect_refused create-role "permission denied to create role" \
    "$(pg_app "$BACKUPS_APP" "$BACKUPS_DB" grace "CREATE ROLE fleet_probe;" || true)"
  # md5 impossible: the stored password is a SCRAM secret, every host rule says scram-sha-256, and the server answers
  # the app user's startup message with a SASL (SCRAM-SHA-256) request, not an MD5 one (read with a bare socket).
  scram="$(pg_super "$BACKUPS_DB" <<<"SELECT (SELECT left(rolpassword, 14) = 'SCRAM-SHA-256\$' FROM pg_authid
    WHERE rolname = 'grace') AND (SELECT count(*) = 0 FROM pg_hba_file_rules WHERE type = 'host'
    AND auth_method <> 'scram-sha-256');")"
  probe="$(fleet_ssh "$BACKUPS_APP" python3 - "$BACKUPS_DB" <<'PY' 2>&1
import socket, struct, sys
s = socket.create_connection((sys.argv[1], 5432), timeout=5)
params = b"user\0grace\0database\0grace\0\0"
s.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
kind, length = struct.unpack("!ci", s.recv(5))
body = s.recv(length - 4)
code = struct.unpack("!i", body[:4])[0] if kind == b"R" else -1
print({10: "sasl:" + body[4:].split(b"\0")[0].decode(), 5: "md5", 3: "cleartext"}.get(code, "other:%r" % kind))
PY
)"
  expected_refused=$((expected_refused + 1))
  if [ "$scram" = t ] && [ "$probe" = sasl:SCRAM-SHA-256 ]; then refused=$((refused + 1)); else failures="$failures md5"; fi
  # Listening: 5432 on loopback and the private address only.
  listen="$(fleet_ssh "$BACKUPS_DB" "ss -ltnH 'sport = :5432'" | awk '{print $4}' | sed 's/:5432$//' | sort | tr '\n' ' ')"
  grep -qE "(^| )$BACKUPS_DB( |$)" <<<"$listen" && grep -qE '(^| )127\.0\.0\.1( |$)' <<<"$listen" \
    && ! grep -qE '(^| )(0\.0\.0\.0|\*|\[::\])( |$)' <<<"$listen" \
    && [ -z "$(tr ' ' '\n' <<<"$listen" | grep -vE "^($BACKUPS_DB|127\.0\.0\.1|\[::1\])?$")" ] || failures="$failures listen"
  [ -z "$failures" ] || status=FAILED
  [ "$refused" = "$expected_refused" ] && [ "$accepted" = 1 ] || status=FAILED
  report "postgres auth" "$status" $((SECONDS - start)) "refused=$refused/$expected_refused accepted=$accepted/1" \
    "scram=$scram auth_request=$probe listen=${listen% }${failures:+ failed:$failures}"
}
