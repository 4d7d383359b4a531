#!/usr/bin/env bash
# The secrets refusal (check-secrets.yml, role grace_secrets), checked on the control machine only: no test host is
# needed, because the refusal must come before any host is contacted. One line per scenario:
#   secrets: <scenario> ok|FAILED refused=N (variables named) warned=N
# and a non-zero exit if any scenario did not behave. Run from anywhere: ansible/test/secrets.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v ansible-playbook >/dev/null || { echo "secrets: ansible-playbook is missing (apt-get install ansible)" >&2; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/key.pem" 2>/dev/null
FAILURES=0

# scenario expected-rc (2: ansible-playbook's "a host failed") expected-refused expected-warned inventory playbook [-e ...]
# (inventory: a folder of inventories/, or an absolute path)
scenario() {
  local name=$1 want_rc=$2 want_refused=$3 want_warned=$4 inventory=$5 playbook=$6 rc=0 refused warned named
  shift 6
  local path="inventories/$inventory/hosts.yml"
  [[ "$inventory" == /* ]] && path="$inventory/hosts.yml" # a folder made by this script
  ANSIBLE_NOCOLOR=1 ansible-playbook -i "$path" "$playbook" "$@" >"$WORK/out" 2>&1 || rc=$?
  refused=$(grep -cE "^  msg: '?(grace_[a-z_]+ (is not set|is a placeholder|and grace_[a-z_]+ must both be set)|the inventory has no host in grace_backup)" "$WORK/out" || true)
  warned=$(grep -cE "WARNING: grace_[a-z_]+ is not set or is a placeholder" "$WORK/out" || true)
  named=$(grep -oE "^  msg: '?(grace_[a-z_]+ (is not set|is a placeholder|and grace_[a-z_]+ must)|the inventory has no host in grace_backup)" "$WORK/out" | grep -oE "grace_[a-z_]+" | tr '\n' ' ' || true)
  local status=ok
  if [ "$rc" -ne "$want_rc" ] || [ "$refused" -ne "$want_refused" ] || [ "$warned" -ne "$want_warned" ]; then
    status=FAILED
  fi
  # A refused site.yml must not have reached for any host: the production inventory's addresses exist nowhere here.
  if grep -qE "UNREACHABLE|Gathering Facts" "$WORK/out"; then
    status=FAILED
  fi
  # No secret value may appear in the output.
  if grep -qF -e "not-a-placeholder-db" -e "r3dis-s3cret" -e "r3pl-s3cret" -e "s3ntinel-s3cret" -e "c1pher-s3cret" \
       -e "BEGIN PRIVATE KEY" "$WORK/out"; then
    status=FAILED
  fi
  printf 'secrets: %-56s %-6s rc=%d refused=%d (%s) warned=%d\n' "$name" "$status" "$rc" "$refused" "${named% }" "$warned"
  if [ "$status" != ok ]; then
    FAILURES=$((FAILURES + 1))
    sed 's/^/    /' "$WORK/out" | tail -30
  fi
}

KEY=(-e "vault_grace_auth_signing_key={{ lookup('ansible.builtin.file', '$WORK/key.pem') }}")
REST=(-e vault_grace_redis_replication_password=r3pl-s3cret -e vault_grace_redis_sentinel_password=s3ntinel-s3cret
      -e vault_grace_backup_cipher_pass=c1pher-s3cret)
ALL=(-e vault_grace_db_password=not-a-placeholder-db -e vault_grace_redis_password=r3dis-s3cret "${REST[@]}" "${KEY[@]}")
scenario "production, none set: site.yml refused" 2 6 0 production site.yml
scenario "production, placeholders: deploy refused" 2 3 0 production deploy-rolling.yml "${REST[@]}" \
  -e vault_grace_db_password=change-me -e "vault_grace_redis_password=' Password '" -e vault_grace_auth_signing_key=secret
scenario "staging, signing key missing: refused" 2 1 0 staging check-secrets.yml \
  -e vault_grace_db_password=not-a-placeholder-db -e vault_grace_redis_password=r3dis-s3cret "${REST[@]}"
scenario "production, all set: accepted" 0 0 0 production check-secrets.yml "${ALL[@]}"
scenario "production, no TLS at the load balancer: refused" 2 1 0 production check-secrets.yml "${ALL[@]}" \
  -e grace_lb_tls_certificate=""
# The production inventory without its backup host: refused, every secret being set.
mkdir -p "$WORK/no-backup"
cp -r inventories/production/group_vars "$WORK/no-backup/"
sed '/grace_backup:/,/^    [a-z_]*:$/{/grace_backup:/d;/^      /d}' inventories/production/hosts.yml >"$WORK/no-backup/hosts.yml"
scenario "production, no backup host: refused" 2 1 0 "$WORK/no-backup" check-secrets.yml "${ALL[@]}"
scenario "development, none set: warned, accepted" 0 0 6 development check-secrets.yml
GRACE_FLEET_SIGNING_KEY_FILE="$WORK/key.pem" GRACE_FLEET_DB_PASSWORD=not-a-placeholder-db \
  GRACE_FLEET_REDIS_PASSWORD=r3dis-s3cret GRACE_FLEET_REDIS_REPLICATION_PASSWORD=r3pl-s3cret \
  GRACE_FLEET_REDIS_SENTINEL_PASSWORD=s3ntinel-s3cret GRACE_FLEET_BACKUP_CIPHER_PASS=c1pher-s3cret \
  scenario "fleet-test (staging, the run's secrets): accepted" 0 0 0 fleet-test check-secrets.yml
exit $((FAILURES > 0))
