"""Reads every golden output back with third-party parsers and checks that the values crossrole
was given come back unchanged:

- CloudFormation with PyYAML (YAML 1.1, what cfn-lint builds on): names, paths, descriptions, tags
  and account ids are strings equal to the config's, the format/policy versions are not dates.
- Terraform with python-hcl2 (every .tf must parse), then the literal string expressions of names,
  paths, descriptions and tags are evaluated by real Terraform (`terraform apply` of a root module
  with outputs only, no providers needed) and compared with the config's values.

usage: check_roundtrip.py REPO_DIR               (the goldens)
       check_roundtrip.py REPO_DIR --fuzz N BINARY (N random valid configs emitted by BINARY)"""
import json
import os
import subprocess
import sys
import tempfile

import hcl2
import yaml

import tflib
from goldens import config_for, hub_template, hub_tf, is_single_account, is_vendor

repo = sys.argv[1]
golden_root = os.path.join(repo, "tests", "golden")
problems = []
hcl2_limits = []
checked = 0


def expect(where, got, want):
    global checked
    checked += 1
    if got != want:
        problems.append(f"{where}: got {got!r}, want {want!r}")


with open(os.path.join(repo, "src", "catalog", "permissions.yaml"), encoding="utf-8") as f:
    PRESETS = {p["name"]: p for p in yaml.safe_load(f)["presets"]}


def expected(cfg):
    hub = cfg.get("hub") or {}
    role = cfg.get("member_role") or cfg.get("role") or {}
    preset = cfg.get("preset", "micetro")
    default = f"{preset}-integration"
    tags = dict(cfg.get("tags") or {})
    role_tags = dict(tags)
    role_tags.update(role.get("tags") or {})
    vendor = PRESETS[preset].get("vendor")
    if vendor:
        ids = (cfg.get("vendor") or {}).get("external_id")
        ids = [ids] if isinstance(ids, str) else ids
        return {
            "role_name": role.get("name", default),
            "role_path": role.get("path", "/"),
            "role_description": role.get("description", f"Assumed by {vendor['title']} from its AWS account. Managed by crossrole."),
            "role_tags": role_tags,
            # None: given at deploy time; []: opted out.
            "external_ids": None if ids is None else [] if ids == ["none"] else ids,
        }
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


def check_vendor_cfn(name, d, want):
    doc = yaml.safe_load(open(os.path.join(d, "cloudformation", "vendor-role.yaml"), encoding="utf-8"))
    role = doc["Resources"]["VendorRole"]["Properties"]
    expect(f"{name}: vendor-role.yaml RoleName", role["RoleName"], want["role_name"])
    expect(f"{name}: vendor-role.yaml Path", role["Path"], want["role_path"])
    expect(f"{name}: vendor-role.yaml Description", role["Description"], want["role_description"])
    expect(f"{name}: vendor-role.yaml Tags", {t["Key"]: t["Value"] for t in role.get("Tags", [])}, want["role_tags"])
    expect(f"{name}: vendor-role.yaml AssumeRolePolicyDocument Version", role["AssumeRolePolicyDocument"]["Version"], "2012-10-17")
    ids = want["external_ids"]
    params = sorted(k for k in (doc.get("Parameters") or {}) if k.startswith("ExternalId"))
    expect(f"{name}: vendor-role.yaml ExternalId parameters", len(params), 1 if ids is None else len(ids))
    # Known IDs live beside the templates, never in them; both files must give them back exactly.
    txt = os.path.join(d, "external-ids.txt")
    tfvars = os.path.join(d, "terraform", "external-ids.auto.tfvars.json")
    if ids:
        expect(f"{name}: external-ids.txt", open(txt, encoding="utf-8").read().split("\n")[:-1], ids)
        expect(f"{name}: external-ids.auto.tfvars.json", json.load(open(tfvars, encoding="utf-8")), {"external_ids": ids})
        text = open(os.path.join(d, "cloudformation", "vendor-role.yaml"), encoding="utf-8").read()
        expect(f"{name}: ExternalIds kept out of vendor-role.yaml", [i for i in ids if i in text], [])
    else:
        expect(f"{name}: no external-ids.txt", os.path.exists(txt) or os.path.exists(tfvars), False)


def check_cfn(name, d, want):
    if is_vendor(d):
        return check_vendor_cfn(name, d, want)
    single = is_single_account(d)
    hub_file = os.path.basename(hub_template(d))
    hub = yaml.safe_load(open(hub_template(d), encoding="utf-8"))
    docs = [hub]
    user = hub["Resources"]["HubUser"]["Properties"]
    group = hub["Resources"]["HubGroup"]["Properties"]
    expect(f"{name}: {hub_file} UserName", user["UserName"], want["user_name"])
    expect(f"{name}: {hub_file} user Path", user["Path"], want["user_path"])
    expect(f"{name}: {hub_file} GroupName", group["GroupName"], want["group_name"])
    expect(f"{name}: {hub_file} group Path", group["Path"], want["group_path"])
    expect(f"{name}: {hub_file} Tags", {t["Key"]: t["Value"] for t in user.get("Tags", [])}, want["user_tags"])
    if not single:
        member = yaml.safe_load(open(os.path.join(d, "cloudformation", "member.yaml"), encoding="utf-8"))
        docs.append(member)
        role = member["Resources"]["MemberRole"]["Properties"]
        expect(f"{name}: member.yaml RoleName", role["RoleName"], want["role_name"])
        expect(f"{name}: member.yaml Path", role["Path"], want["role_path"])
        expect(f"{name}: member.yaml Description", role["Description"], want["role_description"])
        expect(f"{name}: member.yaml HubAccountId default", member["Parameters"]["HubAccountId"]["Default"], want["hub_account"])
        expect(f"{name}: member.yaml Tags", {t["Key"]: t["Value"] for t in role.get("Tags", [])}, want["role_tags"])
    for doc in docs:
        expect(f"{name}: AWSTemplateFormatVersion", doc["AWSTemplateFormatVersion"], "2010-09-09")
        for res in doc["Resources"].values():
            props = res["Properties"]
            for key in ("PolicyDocument", "AssumeRolePolicyDocument"):
                if key in props:
                    expect(f"{name}: {key} Version", props[key]["Version"], "2012-10-17")


def hcl_string_end(line, i):
    """Index after the quoted HCL string starting at line[i] (a quote); template markers inside
    are escaped in crossrole's output, so only backslash escapes need care."""
    i += 1
    while line[i] != '"':
        i += 2 if line[i] == "\\" else 1
    return i + 1


def block_attributes(path, header):
    """The top-level `key = value` sources of the block opened by `header` (crossrole's output is
    canonical: two-space indents, one attribute per line), and its `tags` map entries."""
    lines = open(path, encoding="utf-8").read().split("\n")
    start = lines.index(header)
    attrs, tags, in_tags = {}, [], False
    for line in lines[start + 1:]:
        if line == "}":
            break
        if in_tags:
            if line == "  }":
                in_tags = False
                continue
            body = line.strip()
            k_end = hcl_string_end(body, 0)
            key, rest = body[:k_end], body[k_end:].lstrip()
            assert rest.startswith("= "), line
            tags.append((key, rest[2:]))
        elif line == "  tags = {":
            in_tags = True
        elif line.startswith("  ") and not line.startswith("   ") and " = " in line:
            k, v = line.strip().split(" = ", 1) if "=" in line.split('"', 1)[0] else (None, None)
            if k:
                attrs[k.strip()] = v.strip()
    return attrs, tags


def literal_outputs(name, d):
    """(output name, HCL source) pairs for the string values under test, read from the text
    crossrole wrote; Terraform decodes them."""
    vendor = is_vendor(d)
    main = os.path.join(d, "terraform", "modules", "vendor-role" if vendor else "member-role", "main.tf")
    role, role_tags = (None, None) if is_single_account(d) else block_attributes(main, 'resource "aws_iam_role" "this" {')
    role_out = [] if role is None else [
        ("role_name", role["name"]),
        ("role_path", role["path"]),
        ("role_description", role["description"]),
        ("role_tags", "{" + ", ".join(f"{k} = {v}" for k, v in role_tags) + "}"),
    ]
    if vendor:
        return role_out
    hub = hub_tf(d)
    user, user_tags = block_attributes(hub, 'resource "aws_iam_user" "hub" {')
    group, _ = block_attributes(hub, 'resource "aws_iam_group" "hub" {')
    out = [
        ("user_name", user["name"]),
        ("user_path", user["path"]),
        ("group_name", group["name"]),
        ("group_path", group["path"]),
        ("user_tags", "{" + ", ".join(f"{k} = {v}" for k, v in user_tags) + "}"),
    ]
    return out + role_out


def check_cases(cases, tolerate_hcl2=False):
    """cases: (name, config dict, output dir). All Terraform evaluation happens in one run."""
    tf_files = 0
    pending = []
    for name, cfg, d in cases:
        want = expected(cfg)
        check_cfn(name, d, want)
        for root, _, files in os.walk(os.path.join(d, "terraform")):
            for fn in files:
                if fn.endswith(".tf"):
                    f = os.path.join(root, fn)
                    try:
                        hcl2.load(open(f, encoding="utf-8"))
                        tf_files += 1
                    except Exception as e:
                        if not tolerate_hcl2:
                            problems.append(f"{name}: python-hcl2 cannot parse {fn}: {str(e).splitlines()[0]}")
                        elif tflib.parses(f):
                            hcl2_limits.append(f"{name}: python-hcl2 rejects {fn}, Terraform parses it: {str(e).splitlines()[0]}")
                        else:
                            problems.append(f"{name}: neither python-hcl2 nor Terraform parses {fn}: {str(e).splitlines()[0]}")
        pending += [(f"{name}: terraform {key}", src, want[key]) for key, src in literal_outputs(name, d)]
    values = tflib.evaluate([src for _, src, _ in pending])
    for (where, _, want), got in zip(pending, values):
        expect(where, got, want)
    return tf_files


# ------------------------------------------------------------------ random valid configs (fuzz)

NAME_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-"
PATH_CHARS = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "/")
DESC_CHARS = "".join(chr(c) for c in list(range(0x20, 0x7F)) + list(range(0xA1, 0x100))) + "\t\n"
TAG_CHARS = "ABCabcxyz0189 _.:/=+-@éüßÅ日本ñ"
EXTERNAL_ID_CHARS = "ABCxyz0189_+=,.@:/-"
TRAPS = ["no", "yes", "on", "off", "1_000", "2012-10-17", "0777", "~", "null"]
NASTY = ["${", "%{", "$${", "%%{", "\"", "\\", "\n", "*", "&a", "#c", ": "]


def random_config(rnd):
    def name(maxlen):
        if rnd.random() < 0.2:
            return rnd.choice([t for t in TRAPS if all(c in NAME_CHARS for c in t)])
        return "".join(rnd.choice(NAME_CHARS) for _ in range(rnd.randint(1, maxlen)))

    def path():
        if rnd.random() < 0.3:
            return "/"
        segs = ["".join(rnd.choice(PATH_CHARS) for _ in range(rnd.randint(1, 6))) for _ in range(rnd.randint(1, 3))]
        p = "/" + "/".join(segs) + "/"
        return "/" if p.startswith(("/aws-service-role/", "/aws-reserved/")) else p

    def text(chars, lo, hi, nasty=()):
        parts = []
        for _ in range(rnd.randint(lo, hi)):
            parts.append(rnd.choice(nasty) if nasty and rnd.random() < 0.3 else rnd.choice(chars))
        return "".join(parts)

    tags = {}
    for _ in range(rnd.randint(0, 3)):
        k = text(TAG_CHARS, 1, 8).strip() or "k"
        if k.lower().startswith("aws:") or k.lower() in {t.lower() for t in tags}:
            continue
        tags[k] = text(TAG_CHARS, 0, 8)
    role = {
        "name": name(20),
        "path": path(),
        "description": text(DESC_CHARS, 0, 40, [n for n in NASTY if all(c in DESC_CHARS for c in n)]),
        "max_session_duration": rnd.randint(3600, 43200),
        "tags": tags,
    }
    if rnd.random() < 0.3:
        # A vendor role; ExternalIds of every allowed character, given or left to deploy time.
        ids = ["".join(rnd.choice(EXTERNAL_ID_CHARS) for _ in range(rnd.randint(2, 60))) for _ in range(rnd.randint(0, 3))]
        vendor = {"account": "".join(rnd.choice("0123456789") for _ in range(12))}
        if ids and len(set(ids)) == len(ids):
            vendor["external_id"] = ids
        return {
            "preset": "vendor",
            "vendor": vendor,
            "role": dict(role, permission_sets=rnd.sample(["zeet-logs", "zeet-metrics", "microtica-eks"], 2)),
            "tier": rnd.choice(["required", "recommended"]),
        }
    accounts = sorted({"".join(rnd.choice("0123456789") for _ in range(12)) for _ in range(rnd.randint(1, 4))} - {"999999999999"})
    return {
        "hub": {
            "account": "999999999999",
            "user": {"name": name(20), "path": path()},
            "group": {"name": name(20), "path": path()},
            "assume_policy": rnd.choice(["auto", "per-account", "single-statement", "managed", "resource-account"]),
            "manage_own_account": rnd.random() < 0.5,
        },
        "accounts": accounts,
        "member_role": dict(role, trust=rnd.choice(["principal-arn", "user", "account"])),
        "tier": rnd.choice(["required", "recommended"]),
        "mode": rnd.choice(["inline", "managed"]),
    }


def fuzz_cases(count, binary, tmp):
    import random

    rnd = random.Random(20261122)
    cases = []
    for i in range(count):
        cfg = random_config(rnd)
        d = os.path.join(tmp, f"case{i}")
        os.makedirs(d)
        path = os.path.join(d, "config.yaml")
        # JSON is YAML; written without ASCII escapes so every character reaches crossrole raw.
        with open(path, "w", encoding="utf-8") as f:
            json.dump(cfg, f, ensure_ascii=False)
        r = subprocess.run([binary, "emit", "--config", path, "--out", os.path.join(d, "out")], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"fuzz case {i}: a valid config was refused: {r.stderr.strip()}\n    {json.dumps(cfg, ensure_ascii=False)}")
            continue
        tfdir = os.path.join(d, "out", "terraform")
        r = subprocess.run(["terraform", "fmt", "-check", "-diff", "-recursive", tfdir], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"fuzz case {i}: terraform fmt would change the output:\n{r.stdout}{r.stderr}")
        cases.append((f"fuzz case {i}", cfg, os.path.join(d, "out")))
    return cases


if len(sys.argv) >= 4 and sys.argv[2] == "--fuzz":
    count, binary = int(sys.argv[3]), sys.argv[4]
    with tempfile.TemporaryDirectory() as tmp:
        cases = fuzz_cases(count, binary, tmp)
        # python-hcl2 8.1.4 rejects some valid escapes (`%%{` with no closing brace): for random
        # input a file it rejects must be accepted by Terraform instead, and is listed.
        tf_files = check_cases(cases, tolerate_hcl2=True)
    label = f"{count} random valid configs"
else:
    cases = [(n, config_for(repo, n), os.path.join(golden_root, n)) for n in sorted(os.listdir(golden_root))]
    tf_files = check_cases(cases)
    label = f"{len(cases)} goldens"

for p in hcl2_limits:
    print("roundtrip: note:", p)
for p in problems:
    print("roundtrip:", p)
print(f"roundtrip: {label}: {checked} values checked, {tf_files} .tf files parsed by python-hcl2, {len(problems)} problems")
sys.exit(1 if problems else 0)
