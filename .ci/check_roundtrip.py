"""Reads every golden output back with third-party parsers and checks that the values crossrole
was given come back unchanged:

- CloudFormation with PyYAML (YAML 1.1, what cfn-lint builds on): names, paths, descriptions, tags
  and account ids are strings equal to the config's, the format/policy versions are not dates.
- Terraform with python-hcl2 (every .tf must parse), then the literal string expressions of names,
  paths, descriptions and tags are evaluated by real Terraform (`terraform apply` of a root module
  with outputs only, no providers needed) and compared with the config's values.

usage: check_roundtrip.py REPO_DIR"""
import json
import os
import subprocess
import sys
import tempfile

import hcl2
import yaml

repo = sys.argv[1]
golden_root = os.path.join(repo, "tests", "golden")
problems = []
checked = 0


def expect(where, got, want):
    global checked
    checked += 1
    if got != want:
        problems.append(f"{where}: got {got!r}, want {want!r}")


def config_for(name):
    for d in ("examples", os.path.join("tests", "fixtures")):
        p = os.path.join(repo, d, name + ".yaml")
        if os.path.exists(p):
            return yaml.safe_load(open(p, encoding="utf-8"))
    raise SystemExit(f"no config for golden {name}")


def expected(cfg):
    hub = cfg.get("hub") or {}
    role = cfg.get("member_role") or {}
    preset = cfg.get("preset", "micetro")
    default = f"{preset}-integration"
    tags = dict(cfg.get("tags") or {})
    role_tags = dict(tags)
    role_tags.update(role.get("tags") or {})
    return {
        "user_name": (hub.get("user") or {}).get("name", default),
        "user_path": (hub.get("user") or {}).get("path", "/"),
        "group_name": (hub.get("group") or {}).get("name", default),
        "group_path": (hub.get("group") or {}).get("path", "/"),
        "role_name": role.get("name", default),
        "role_path": role.get("path", "/"),
        "role_description": role.get(
            "description", f"Assumed by the {preset} integration from the hub account. Managed by crossrole."
        ),
        "user_tags": tags,
        "role_tags": role_tags,
        "hub_account": hub.get("account"),
    }


def check_cfn(name, d, want):
    hub = yaml.safe_load(open(os.path.join(d, "cloudformation", "hub.yaml"), encoding="utf-8"))
    member = yaml.safe_load(open(os.path.join(d, "cloudformation", "member.yaml"), encoding="utf-8"))
    for doc in (hub, member):
        expect(f"{name}: AWSTemplateFormatVersion", doc["AWSTemplateFormatVersion"], "2010-09-09")
    user = hub["Resources"]["HubUser"]["Properties"]
    group = hub["Resources"]["HubGroup"]["Properties"]
    role = member["Resources"]["MemberRole"]["Properties"]
    expect(f"{name}: hub.yaml UserName", user["UserName"], want["user_name"])
    expect(f"{name}: hub.yaml user Path", user["Path"], want["user_path"])
    expect(f"{name}: hub.yaml GroupName", group["GroupName"], want["group_name"])
    expect(f"{name}: hub.yaml group Path", group["Path"], want["group_path"])
    expect(f"{name}: member.yaml RoleName", role["RoleName"], want["role_name"])
    expect(f"{name}: member.yaml Path", role["Path"], want["role_path"])
    expect(f"{name}: member.yaml Description", role["Description"], want["role_description"])
    expect(f"{name}: member.yaml HubAccountId default", member["Parameters"]["HubAccountId"]["Default"], want["hub_account"])
    expect(f"{name}: hub.yaml Tags", {t["Key"]: t["Value"] for t in user.get("Tags", [])}, want["user_tags"])
    expect(f"{name}: member.yaml Tags", {t["Key"]: t["Value"] for t in role.get("Tags", [])}, want["role_tags"])
    for res in list(hub["Resources"].values()) + list(member["Resources"].values()):
        props = res["Properties"]
        for key in ("PolicyDocument", "AssumeRolePolicyDocument"):
            if key in props:
                expect(f"{name}: {key} Version", props[key]["Version"], "2012-10-17")


def literal_outputs(name, d):
    """(output name, HCL literal source) pairs for the string values under test."""
    hub = hcl2.load(open(os.path.join(d, "terraform", "hub.tf"), encoding="utf-8"))
    main = hcl2.load(open(os.path.join(d, "terraform", "modules", "member-role", "main.tf"), encoding="utf-8"))

    def resource(doc, rtype, rname):
        for block in doc.get("resource", []):
            for t, named in block.items():
                if t.strip('"') == rtype:
                    for n, body in named.items():
                        if n.strip('"') == rname:
                            return body
        raise SystemExit(f"{name}: {rtype}.{rname} not found")

    user = resource(hub, "aws_iam_user", "hub")
    group = resource(hub, "aws_iam_group", "hub")
    role = resource(main, "aws_iam_role", "this")
    out = [
        ("user_name", user["name"]),
        ("user_path", user["path"]),
        ("group_name", group["name"]),
        ("group_path", group["path"]),
        ("role_name", role["name"]),
        ("role_path", role["path"]),
        ("role_description", role["description"]),
    ]
    for key, tags in (("user_tags", user.get("tags")), ("role_tags", role.get("tags"))):
        body = ", ".join(f"{k} = {v}" for k, v in (tags or {}).items())
        out.append((key, "{" + body + "}"))
    return out


def terraform_eval(pairs):
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "main.tf"), "w", encoding="utf-8") as f:
            for i, (_, src) in enumerate(pairs):
                f.write(f"output \"v{i}\" {{\n  value = {src}\n}}\n\n")
        env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
        for cmd in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
            r = subprocess.run(["terraform", *cmd], cwd=tmp, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"terraform {cmd[0]} failed:\n{r.stdout}{r.stderr}")
        r = subprocess.run(["terraform", "output", "-json"], cwd=tmp, env=env, capture_output=True, text=True, check=True)
        values = json.loads(r.stdout)
        return [values[f"v{i}"]["value"] for i in range(len(pairs))]


tf_files = 0
for name in sorted(os.listdir(golden_root)):
    d = os.path.join(golden_root, name)
    want = expected(config_for(name))
    check_cfn(name, d, want)
    for root, _, files in os.walk(os.path.join(d, "terraform")):
        for fn in files:
            if fn.endswith(".tf"):
                hcl2.load(open(os.path.join(root, fn), encoding="utf-8"))
                tf_files += 1
    pairs = literal_outputs(name, d)
    for (key, _), got in zip(pairs, terraform_eval(pairs)):
        expect(f"{name}: terraform {key}", got, want[key])

for p in problems:
    print("roundtrip:", p)
print(f"roundtrip: {checked} values checked, {tf_files} .tf files parsed by python-hcl2, {len(problems)} problems")
sys.exit(1 if problems else 0)
