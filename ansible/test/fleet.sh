#!/usr/bin/env bash
# Brings up the test fleet of ansible/inventories/fleet-test (1 load balancer, 3 app nodes, Redis primary and replica
# with three Sentinels, PostgreSQL, and a spare app node), runs a command in the controller namespace where the hosts
# are reachable (default: a shell), and tears everything down when it ends, however it ends.
#   ansible/test/fleet.sh                                    # a shell next to the fleet; exit to tear it down
#   ansible/test/fleet.sh ansible-playbook site.yml          # run from ansible/, with the fleet's inventory
# Needs root. Installs ansible, debootstrap and wrk from Debian's packages when missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$FLEET_TEST_DIR/hosts.sh"
[ "$(id -u)" = 0 ] || fleet_die "the fleet needs root (network namespaces, mounts)"
fleet_need ansible-playbook ansible
trap fleet_down EXIT
trap 'exit 130' INT TERM HUP
fleet_up
export ANSIBLE_INVENTORY="$FLEET_INVENTORY"
cd "$FLEET_REPO/ansible"
if [ $# -eq 0 ]; then set -- bash -i; fi
status=0
fleet_ctl "$@" || status=$?
exit "$status"
