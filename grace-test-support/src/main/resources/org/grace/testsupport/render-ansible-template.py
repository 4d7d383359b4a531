# Renders one template of an Ansible role with Jinja2, the engine Ansible itself uses, so that tests run nginx with
# the file the playbooks deploy rather than a copy of it. Called by NginxLoadBalancer.java.
#
# Input (JSON on stdin): template, defaults (the role's defaults/main.yml), vars (overrides, as -e would give),
# hosts (inventory host name -> variables, the group named by "group"), group, and port_placeholder: on real hosts
# every app node listens on the same port, here each one has its own, so the port lookup answers a placeholder and
# the n-th placeholder in the output is replaced by the n-th host's "port".
# Role defaults may refer to each other ("{{ grace_http_port }}"): they are resolved as Ansible does lazily.
import json
import sys

import jinja2
import yaml

request = json.load(sys.stdin)
# trim_blocks as in Ansible's template module, so the output has the lines a deployed file has.
env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True)

with open(request["defaults"]) as f:
    variables = yaml.safe_load(f) or {}
variables.update(request["vars"])


def resolve(value, depth=0):
    if depth > 10:
        raise SystemExit("role defaults refer to each other in a loop")
    if isinstance(value, str) and "{{" in value:
        return resolve(env.from_string(value).render(**variables), depth + 1)
    if isinstance(value, dict):
        return {k: resolve(v, depth) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, depth) for v in value]
    return value


for name in list(variables):
    variables[name] = resolve(variables[name])

hosts = request["hosts"]
placeholder = request["port_placeholder"]
variables["ansible_managed"] = "Rendered for a test by grace-test-support from " + request["template"]
variables["groups"] = {request["group"]: list(hosts)}
variables["hostvars"] = {name: {"ansible_host": h["ansible_host"]} for name, h in hosts.items()}
variables["grace_colour_ports"] = {colour: placeholder for colour in variables["grace_colour_ports"]}

with open(request["template"]) as f:
    text = env.from_string(f.read()).render(**variables)

ports = [str(h["port"]) for h in hosts.values()]
if text.count(placeholder) != len(ports):
    raise SystemExit("expected one port per app host in the rendered template, found %d for %d hosts"
                     % (text.count(placeholder), len(ports)))
for port in ports:
    text = text.replace(placeholder, port, 1)
sys.stdout.write(text)
