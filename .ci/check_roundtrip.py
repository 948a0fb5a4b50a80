"""Reads every golden output back with third-party parsers and checks that the values crossrole
was given come back unchanged:

- CloudFormation with PyYAML (YAML 1.1, what cfn-lint builds on): names, paths, descriptions, tags
  and account ids are strings equal to the config's, the format/policy versions are not dates.
  The same for every copy of the member template: terraform/member-role.yaml and the TemplateBody
  of cloudformation/stackset.yaml, whose Parameters and targets must be the config's too.
- Terraform with python-hcl2 (every .tf must parse, and be canonical for `terraform fmt`), then the
  literal string expressions of names, paths, descriptions, tags, account ids and organizational
  units are evaluated by real Terraform (`terraform apply` of a root module with outputs only, no
  providers needed) and compared with the config's values, in every layout: the providers root,
  the per-account hub and member roots (terraform/hub, terraform/member) and the stackset root.
  Every string literal without interpolation in every .tf file is evaluated as well and must
  decode to what HCL's escapes say (a check of the escaping, independent of the config).
- accounts.txt lists the config's member accounts, sorted.

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
from goldens import (PER_ACCOUNT, accounts_txt, config_for, hub_template, hub_tf, is_single_account, is_stackset,
                     is_vendor, member_accounts, tf_hub_root, tf_layout)

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
        "accounts": member_accounts(cfg),
        "units": sorted((cfg.get("organization") or {}).get("units") or []),
        # The stackset root's variable for the management account, when it is not the hub.
        "management_var": None if (cfg.get("organization") or {}).get("management_account") in (None, hub.get("account"))
        else cfg["organization"]["management_account"],
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
    # Further hub users (role ARNs spread over several users) have their own stacks; every user and
    # group takes the configured path and the users the configured tags.
    cfn_dir = os.path.join(d, "cloudformation")
    for fn in [hub_file] + sorted(f for f in os.listdir(cfn_dir) if f.startswith("hub-user-") and f.endswith(".yaml")):
        doc = hub if fn == hub_file else yaml.safe_load(open(os.path.join(cfn_dir, fn), encoding="utf-8"))
        if fn != hub_file:
            docs.append(doc)
        for logical, res in doc["Resources"].items():
            if res["Type"] == "AWS::IAM::User" and logical != "HubUser":
                expect(f"{name}: {fn} {logical} Path", res["Properties"]["Path"], want["user_path"])
                expect(f"{name}: {fn} {logical} Tags", {t["Key"]: t["Value"] for t in res["Properties"].get("Tags", [])}, want["user_tags"])
            elif res["Type"] == "AWS::IAM::Group" and logical != "HubGroup":
                expect(f"{name}: {fn} {logical} Path", res["Properties"]["Path"], want["group_path"])
    if not single:
        member = yaml.safe_load(open(os.path.join(d, "cloudformation", "member.yaml"), encoding="utf-8"))
        docs.append(member)
        check_member(f"{name}: member.yaml", member, want)
        # Terraform's copy of the member template (the stackset layout's stack set body).
        tf_copy = os.path.join(d, "terraform", "member-role.yaml")
        if os.path.exists(tf_copy):
            copy = yaml.safe_load(open(tf_copy, encoding="utf-8"))
            docs.append(copy)
            check_member(f"{name}: terraform/member-role.yaml", copy, want)
        if is_stackset(d):
            docs += check_stackset_cfn(name, d, want)
    for doc in docs:
        expect(f"{name}: AWSTemplateFormatVersion", doc["AWSTemplateFormatVersion"], "2010-09-09")
        for res in doc["Resources"].values():
            props = res["Properties"]
            for key in ("PolicyDocument", "AssumeRolePolicyDocument"):
                if key in props:
                    expect(f"{name}: {key} Version", props[key]["Version"], "2012-10-17")


def check_member(where, member, want):
    role = member["Resources"]["MemberRole"]["Properties"]
    expect(f"{where} RoleName", role["RoleName"], want["role_name"])
    expect(f"{where} Path", role["Path"], want["role_path"])
    expect(f"{where} Description", role["Description"], want["role_description"])
    expect(f"{where} HubAccountId default", member["Parameters"]["HubAccountId"]["Default"], want["hub_account"])
    if "HubUserName" in member["Parameters"]:
        expect(f"{where} HubUserName default", member["Parameters"]["HubUserName"]["Default"], want["user_name"])
    expect(f"{where} Tags", {t["Key"]: t["Value"] for t in role.get("Tags", [])}, want["role_tags"])


def check_stackset_cfn(name, d, want):
    """stackset.yaml: its body is a member template with the config's values, its Parameters and
    targets are the config's. Returns the documents read (for the version checks)."""
    doc = yaml.safe_load(open(os.path.join(d, "cloudformation", "stackset.yaml"), encoding="utf-8"))
    out = [doc]
    for logical, res in doc["Resources"].items():
        if res["Type"] != "AWS::CloudFormation::StackSet":
            continue
        props = res["Properties"]
        where = f"{name}: stackset.yaml {logical}"
        if "TemplateBody" in props:
            body = yaml.safe_load(props["TemplateBody"])
            out.append(body)
            check_member(f"{where} TemplateBody", body, want)
        params = {p["ParameterKey"]: p["ParameterValue"] for p in props.get("Parameters") or []}
        expect(f"{where} HubAccountId parameter", params.get("HubAccountId"), want["hub_account"])
        if "HubUserName" in params:
            expect(f"{where} HubUserName parameter", params["HubUserName"], want["user_name"])
        targets = [g.get("DeploymentTargets") or {} for g in props.get("StackInstancesGroup") or []]
        expect(f"{where} OrganizationalUnitIds", sorted(u for t in targets for u in t.get("OrganizationalUnitIds") or []), want["units"])
        expect(f"{where} Accounts", sorted(a for t in targets for a in t.get("Accounts") or []), want["accounts"])
    return out


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
    attrs, maps, _ = block_contents(path, header)
    return attrs, maps.get("tags", [])


def block_contents(path, header):
    """(top-level attributes, {map attribute: [(key source, value source)]}, {list attribute: [element
    sources]}) of the block opened by `header`; lists are `key = [` or `key = fn([` ... `]`/`])`."""
    lines = open(path, encoding="utf-8").read().split("\n")
    start = lines.index(header)
    attrs, maps, lists, in_map, in_list = {}, {}, {}, None, None
    for line in lines[start + 1:]:
        if line == "}":
            break
        if in_map is not None:
            if line == "  }":
                in_map = None
                continue
            body = line.strip()
            k_end = hcl_string_end(body, 0) if body.startswith('"') else len(body.split(" ", 1)[0])
            key, rest = body[:k_end], body[k_end:].lstrip()
            assert rest.startswith("= "), line
            maps[in_map].append((key if key.startswith('"') else json.dumps(key), rest[2:]))
        elif in_list is not None:
            if line.strip() in ("]", "])"):
                in_list = None
                continue
            lists[in_list].append(line.strip().rstrip(","))
        elif line.startswith("  ") and not line.startswith("   ") and line.endswith(" = {"):
            in_map = line.strip()[:-4]
            maps[in_map] = []
        elif line.startswith("  ") and not line.startswith("   ") and line.endswith("(["):
            in_list = line.strip().split(" = ", 1)[0]
            lists[in_list] = []
        elif line.startswith("  ") and not line.startswith("   ") and line.endswith(" = ["):
            in_list = line.strip()[:-4]
            lists[in_list] = []
        elif line.startswith("  ") and not line.startswith("   ") and " = " in line:
            k, v = line.strip().split(" = ", 1) if "=" in line.split('"', 1)[0] else (None, None)
            if k:
                attrs[k.strip()] = v.strip()
    return attrs, maps, lists


def hcl_map(entries):
    return "{" + ", ".join(f"{k} = {v}" for k, v in entries) + "}"


def literal_outputs(name, d):
    """(where, key of `expected`, HCL source) for the values under test, read from the text
    crossrole wrote; Terraform decodes them."""
    vendor = is_vendor(d)
    main = os.path.join(d, "terraform", "modules", "vendor-role" if vendor else "member-role", "main.tf")
    role_out = []
    # The stackset layout has no role module: its role is terraform/member-role.yaml (check_cfn).
    if not is_single_account(d) and os.path.exists(main):
        where = os.path.relpath(main, d)
        role, role_tags = block_attributes(main, 'resource "aws_iam_role" "this" {')
        role_out = [
            (where, "role_name", role["name"]),
            (where, "role_path", role["path"]),
            (where, "role_description", role["description"]),
            (where, "role_tags", hcl_map(role_tags)),
        ]
    if vendor:
        return role_out
    hub = hub_tf(d)
    where = os.path.relpath(hub, d)
    user, user_tags = block_attributes(hub, 'resource "aws_iam_user" "hub" {')
    group, _ = block_attributes(hub, 'resource "aws_iam_group" "hub" {')
    out = [
        (where, "user_name", user["name"]),
        (where, "user_path", user["path"]),
        (where, "group_name", group["name"]),
        (where, "group_path", group["path"]),
        (where, "user_tags", hcl_map(user_tags)),
    ]
    # Further users and groups of the hub (the groups shape): the configured paths and tags.
    for header in [line for line in open(hub, encoding="utf-8").read().split("\n") if line.startswith("resource ")]:
        if header.startswith('resource "aws_iam_user" ') and header != 'resource "aws_iam_user" "hub" {':
            attrs, tags = block_attributes(hub, header)
            out += [(f"{where} {header[9:-2]}", "user_path", attrs["path"]), (f"{where} {header[9:-2]}", "user_tags", hcl_map(tags))]
        elif header.startswith('resource "aws_iam_group" ') and header != 'resource "aws_iam_group" "hub" {':
            attrs, _ = block_attributes(hub, header)
            out.append((f"{where} {header[9:-2]}", "group_path", attrs["path"]))
    root = tf_hub_root(d)
    out += variable_defaults(d, os.path.join(root, "variables.tf"), {"hub_account_id": "hub_account"})
    if is_single_account(d):
        return out + role_out
    # The role the hub's outputs describe (per-account and stackset roots).
    outputs = os.path.join(root, "outputs.tf")
    if 'output "member_role" {' in open(outputs, encoding="utf-8").read().split("\n"):
        _, maps, _ = block_contents(outputs, 'output "member_role" {')
        entries = dict(maps["value"])
        out += [(os.path.relpath(outputs, d), "role_name", entries['"name"']),
                (os.path.relpath(outputs, d), "role_path", entries['"path"'])]
    member_root = os.path.join(d, "terraform", "member")
    if tf_layout(d) == PER_ACCOUNT:
        out += variable_defaults(d, os.path.join(member_root, "variables.tf"),
                                 {"hub_account_id": "hub_account", "hub_user_name": "user_name"})
    stackset = os.path.join(root, "stackset.tf")
    if os.path.exists(stackset):
        out += stackset_outputs(d, stackset)
        # Absent (null) unless the stack set is created in a management account other than the hub.
        out += variable_defaults(d, os.path.join(root, "variables.tf"), {"management_account_id": "management_var"},
                                 absent="null")
    return out + role_out


def variable_defaults(d, path, names, absent=None):
    """(where, key, source) of the defaults of the variables `names` maps to keys of `expected`;
    a variable that is not declared is skipped, or stands for the source `absent`."""
    out = []
    lines = open(path, encoding="utf-8").read().split("\n")
    for var, key in names.items():
        where = os.path.relpath(path, d) + f" var.{var} default"
        if var != "hub_account_id" and f'variable "{var}" {{' not in lines:
            # hub_user_name: only with a trust that names the hub user.
            if absent is not None:
                out.append((where + " (not declared)", key, absent))
            continue
        attrs, _ = block_attributes(path, f'variable "{var}" {{')
        out.append((where, key, attrs["default"]))
    return out


def stackset_outputs(d, path):
    """The units the stack set instances target and the accounts they are narrowed to."""
    where = os.path.relpath(path, d)
    out = []
    text = open(path, encoding="utf-8").read().split("\n")
    units, accounts = [], None
    for header in [line for line in text if line.startswith('resource "aws_cloudformation_stack_set_instance" ')]:
        _, _, lists = block_contents(path, header)
        units += lists.get("for_each", [])
    if "locals {" in text:
        _, _, lists = block_contents(path, "locals {")
        accounts = lists.get("member_accounts")
    out.append((where + " instance units", "units", "sort([" + ", ".join(units) + "])"))
    out.append((where + " local.member_accounts", "accounts", "sort([" + ", ".join(accounts or []) + "])"))
    return out


def string_literals(path):
    """The sources of the quoted strings without interpolation in an HCL file, outside comments."""
    text = open(path, encoding="utf-8").read()
    out, i = [], 0

    def string_end(i):
        """i after the opening quote; returns (index after the closing quote, has interpolation)."""
        interp = False
        while text[i] != '"':
            if text[i] == "\\":
                i += 2
            elif text.startswith(("$${", "%%{"), i):
                i += 3
            elif text.startswith(("${", "%{"), i):
                interp, i = True, template_end(i + 2)
            else:
                i += 1
        return i + 1, interp

    def template_end(i):
        depth = 1
        while depth:
            if text[i] == '"':
                i, _ = string_end(i + 1)
                continue
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        return i

    while i < len(text):
        if text[i] == "#" or text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        elif text[i] == '"':
            end, interp = string_end(i + 1)
            if not interp:
                out.append(text[i:end])
            i = end
        else:
            i += 1
    return out


HCL_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def hcl_decode(src):
    """A quoted HCL string without interpolation decoded by HCL's rules (native syntax spec:
    \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN, and $${ %%{ for literal ${ %{)."""
    body, out, i = src[1:-1], [], 0
    while i < len(body):
        if body[i] == "\\":
            n = body[i + 1]
            if n in HCL_ESCAPES:
                out.append(HCL_ESCAPES[n])
                i += 2
            elif n in "uU":
                width = 4 if n == "u" else 8
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
                i += 2 + width
            else:
                return None  # not an HCL escape: Terraform must refuse it
        elif body.startswith(("$${", "%%{"), i):
            out.append(body[i + 1:i + 3])
            i += 3
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def check_cases(cases, tolerate_hcl2=False):
    """cases: (name, config dict, output dir). All Terraform evaluation happens in one run."""
    tf_files = 0
    pending = []
    literals = {}
    for name, cfg, d in cases:
        want = expected(cfg)
        check_cfn(name, d, want)
        if not is_vendor(d) and not is_single_account(d):
            got = accounts_txt(d)
            expect(f"{name}: accounts.txt", got, want["accounts"] if want["accounts"] else None)
        for root, _, files in os.walk(os.path.join(d, "terraform")):
            for fn in sorted(files):
                if fn.endswith(".tf"):
                    f = os.path.join(root, fn)
                    for src in string_literals(f):
                        literals.setdefault(src, f"{name}: {os.path.relpath(f, d)}")
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
        pending += [(f"{name}: terraform {where} {key}", src, want[key]) for where, key, src in literal_outputs(name, d)]
    # The literals go into one list expression: an output each would cost Terraform seconds per
    # thousand (ten thousand account ids in one golden).
    lits = list(literals.items())
    values = tflib.evaluate([src for _, src, _ in pending] + ["[" + ", ".join(src for src, _ in lits) + "]"])
    for (where, _, want), got in zip(pending, values):
        expect(where, got, want)
    for (src, where), got in zip(lits, values[-1]):
        expect(f"{where}: string literal {src[:60]}", got, hcl_decode(src))
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


def lower_alnum(rnd, lo, hi):
    return "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rnd.randint(lo, hi)))


def random_deployment(cfg, rnd):
    """How a hub-and-spoke config deploys: member stacks through the providers layout (as before),
    the per-account layout, or a StackSet (self-managed over the accounts, or service-managed over
    organizational units, with or without an account list, created in the hub or the management
    account), with the Terraform layout auto picks or a forced one."""
    if "hub" not in cfg:
        return cfg
    if rnd.random() < 0.15:
        cfg = dict(cfg, hub=dict(cfg["hub"], assume_policy="groups"))
    pick = rnd.random()
    if pick < 0.35:
        return cfg
    if pick < 0.55:
        return dict(cfg, terraform={"layout": "per-account"})
    cfg = dict(cfg, deploy="stackset", stackset={"retain_stacks_on_account_removal": rnd.random() < 0.5})
    if pick < 0.7:
        if rnd.random() < 0.5:
            cfg["terraform"] = {"layout": "per-account"}
        return cfg
    root = lower_alnum(rnd, 4, 8)
    units = sorted({rnd.choice([f"r-{root}", f"ou-{root}-{lower_alnum(rnd, 8, 12)}"]) for _ in range(rnd.randint(1, 3))})
    org = {"id": "o-" + lower_alnum(rnd, 10, 12), "units": units}
    if rnd.random() < 0.4:
        # Another account, or the hub itself being the management account.
        org["management_account"] = rnd.choice(["888888888888", cfg["hub"]["account"]])
    cfg["organization"] = org
    hub = dict(cfg["hub"])
    if rnd.random() < 0.5:
        del cfg["accounts"]
        hub["assume_policy"] = rnd.choice(["auto", "organization"])
    elif rnd.random() < 0.3:
        hub["assume_policy"] = "organization"
    cfg["hub"] = hub
    return cfg


def fuzz_cases(count, binary, tmp):
    import random

    rnd = random.Random(20261122)
    cases = []
    for i in range(count):
        # The deployment is drawn from its own generator, so the rest of each config is what it
        # was before StackSets and layouts existed.
        cfg = random_deployment(random_config(rnd), random.Random(f"deployment {i}"))
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
    for n, _, d in cases:
        # Every .tf file of every root (providers, per-account hub and member, stackset, modules).
        r = subprocess.run(["terraform", "fmt", "-check", "-list=true", "-recursive", os.path.join(d, "terraform")],
                           capture_output=True, text=True)
        expect(f"{n}: terraform fmt -check: files it would change", r.stdout.split(), [])
        if r.returncode != 0 and not r.stdout.strip():
            problems.append(f"{n}: terraform fmt -check failed: {r.stderr.strip()}")
    tf_files = check_cases(cases)
    label = f"{len(cases)} goldens"

for p in hcl2_limits:
    print("roundtrip: note:", p)
for p in problems:
    print("roundtrip:", p)
print(f"roundtrip: {label}: {checked} values checked, {tf_files} .tf files parsed by python-hcl2, {len(problems)} problems")
sys.exit(1 if problems else 0)
