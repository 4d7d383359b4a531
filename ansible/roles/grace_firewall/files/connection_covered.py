# Prints the address this Ansible connection comes from (from the ssh session's SSH_CONNECTION) and whether one of
# the networks given as a JSON list in argv[1] covers it: "covered ADDRESS", "outside ADDRESS", or "unknown" when the
# connection is not an ssh session (a local connection, or an environment without the variable).
import ipaddress
import json
import os
import sys

connection = os.environ.get("SSH_CONNECTION", "").split()
if not connection:
    print("unknown")
    sys.exit(0)
client = ipaddress.ip_address(connection[0].split("%")[0])
if client.version == 6 and client.ipv4_mapped:
    client = client.ipv4_mapped
networks = [ipaddress.ip_network(n, strict=False) for n in json.loads(sys.argv[1])]
covered = any(client.version == n.version and client in n for n in networks)
print(("covered " if covered else "outside ") + str(client))
