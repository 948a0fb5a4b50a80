"""Cross-format parity: for every golden output, the IAM documents the CloudFormation templates
and the Terraform module would create are the same.

CloudFormation is read with PyYAML and evaluated the way CloudFormation does it (Fn::Sub with the
pseudo parameters and the template's parameter defaults, Ref, `${!x}` literals). Terraform is read
with python-hcl2 and its expressions are evaluated by real Terraform: data sources and variables are
replaced by locals holding the same values, then one provider-less `terraform apply` prints every
policy as JSON. Both sides are compared per (account, entity, policy) as canonical JSON; a
difference names the account, the entity, the policy and the statements that differ.

usage: check_parity.py REPO_DIR"""
import json
import os
import re
import sys

import hcl2
import yaml

import tflib
from cfnlib import canon, cfn_eval
from goldens import (config_for, external_id_params, hub_template, hub_tf, is_single_account, is_vendor,
                     member_accounts, vendor_ids, vendor_role_template)

PARTITION = "aws"


def cfn_side(golden, hub_account, members):
    single = is_single_account(golden)
    hub = yaml.safe_load(open(hub_template(golden), encoding="utf-8"))
    # A single-account setup has no member template (and no members to loop over).
    member = {"Parameters": {}, "Resources": {}} if single else yaml.safe_load(
        open(os.path.join(golden, "cloudformation", "member.yaml"), encoding="utf-8"))
    out = {}
    res = hub["Resources"]
    env = {"AWS::Partition": PARTITION, "AWS::AccountId": hub_account}
    env.update({k: v["Properties"].get("GroupName") or v["Properties"].get("UserName") for k, v in res.items()
                if v["Type"] in ("AWS::IAM::Group", "AWS::IAM::User")})
    group = res["HubGroup"]["Properties"]["GroupName"]
    attached = [cfn_eval(a, env) for a in res["HubGroup"]["Properties"].get("ManagedPolicyArns", [])]
    for r in res.values():
        p = r["Properties"]
        if r["Type"] == "AWS::IAM::Policy":
            out[(hub_account, f"group {group}", f"inline {p['PolicyName']}")] = cfn_eval(p["PolicyDocument"], env)
        elif r["Type"] == "AWS::IAM::ManagedPolicy":
            out[(hub_account, f"group {group}", f"managed {p['ManagedPolicyName']}")] = cfn_eval(p["PolicyDocument"], env)
            attached.append(f"arn:{PARTITION}:iam::{hub_account}:policy/{p['ManagedPolicyName']}")
    out[(hub_account, f"group {group}", "attached policies")] = sorted(attached)

    params = {k: v.get("Default") for k, v in (member.get("Parameters") or {}).items()}
    out.update(cfn_role(member, "MemberRole", members, params))
    return out


def cfn_role(template, logical, accounts, params):
    """The role of a member or vendor template, deployed in each of `accounts` with `params`."""
    out = {}
    mres = template["Resources"]
    for acct in accounts:
        env = {"AWS::Partition": PARTITION, "AWS::AccountId": acct, **params}
        role = mres[logical]["Properties"]
        env[logical] = role["RoleName"]
        ent = f"role {role['RoleName']}"
        out[(acct, ent, "trust")] = cfn_eval(role["AssumeRolePolicyDocument"], env)
        out[(acct, ent, "attached policies")] = sorted(cfn_eval(role.get("ManagedPolicyArns", []), env))
        out[(acct, ent, "settings")] = {
            "path": role["Path"],
            "max_session_duration": role["MaxSessionDuration"],
            "description": role["Description"],
            "permissions_boundary": cfn_eval(role.get("PermissionsBoundary"), env),
        }
        for r in mres.values():
            if r["Type"] == "AWS::IAM::Policy":
                p = r["Properties"]
                out[(acct, ent, f"inline {p['PolicyName']}")] = cfn_eval(p["PolicyDocument"], env)
    return out


# ---------------------------------------------------------------- Terraform


def resources(doc):
    for block in doc.get("resource", []):
        for rtype, named in block.items():
            for rname, body in named.items():
                yield rtype.strip('"'), rname.strip('"'), body


def expr(src):
    """python-hcl2 gives `${expr}` for expressions and the quoted source for literals."""
    if isinstance(src, str) and src.startswith("${") and src.endswith("}"):
        return src[2:-1]
    if isinstance(src, (int, float)):
        return json.dumps(src)
    return src


SUBST = {
    "data.aws_partition.current.partition": "local.partition",
    "data.aws_caller_identity.current.account_id": "local.account_id",
    "var.hub_account_id": "local.hub_account_id",
    "var.hub_user_name": "local.hub_user_name",
    "var.external_ids": "local.external_ids",
}


def localise(e, account):
    for k, v in SUBST.items():
        e = e.replace(k, v)
    return e.replace("local.account_id", json.dumps(account))


def tf_side(golden, hub_account, members):
    tfdir = os.path.join(golden, "terraform")
    module = os.path.join(tfdir, "modules", "member-role", "main.tf")
    single = is_single_account(golden)
    hub = hcl2.load(open(hub_tf(golden), encoding="utf-8"))
    main = {} if single else hcl2.load(open(module, encoding="utf-8"))
    items = []  # (key, expression source, account context, kind)
    hres = list(resources(hub))
    user = next(b for t, _, b in hres if t == "aws_iam_user")
    group = next(b for t, _, b in hres if t == "aws_iam_group")
    hub_user_default = user["name"]
    managed_names = {n: b["name"] for t, n, b in hres if t == "aws_iam_policy"}
    attached = []
    for t, n, b in hres:
        if t == "aws_iam_group_policy":
            items.append(((hub_account, "group", b["name"], "inline"), expr(b["policy"]), hub_account))
        elif t == "aws_iam_policy":
            items.append(((hub_account, "group", b["name"], "managed"), expr(b["policy"]), hub_account))
        elif t == "aws_iam_group_policy_attachment":
            arn = expr(b["policy_arn"])
            m = re.fullmatch(r"aws_iam_policy\.(\w+)\.arn", arn)
            if m:
                arn = f'"arn:${{local.partition}}:iam::{hub_account}:policy/${{{expr(managed_names[m.group(1)])}}}"'
            attached.append(arn)
    items.append(((hub_account, "group", None, "attached"), "sort([" + ", ".join(attached) + "])", hub_account))

    role, role_items = tf_role(main, members)
    items += role_items

    hub_user_name = hub_user_default
    prelude = "\n".join([
        "locals {",
        f'  partition      = "{PARTITION}"',
        f'  hub_account_id = "{hub_account}"',
        f"  hub_user_name  = {hub_user_name}",
        "}",
    ])
    return tf_evaluate(items, prelude, group["name"], role["name"])


def tf_role(module, accounts):
    """Items for the role of a member or vendor module (`module` as python-hcl2 reads it)."""
    items = []
    mres = list(resources(module))
    role = next((b for t, _, b in mres if t == "aws_iam_role"), {"name": '""'})
    for acct in accounts:
        items.append(((acct, "role", None, "trust"), expr(role["assume_role_policy"]), acct))
        items.append(((acct, "role", None, "settings"), "{path = %s, max_session_duration = %s, description = %s, permissions_boundary = %s}" % (
            expr(role["path"]), expr(role["max_session_duration"]), expr(role["description"]),
            expr(role.get("permissions_boundary", "null"))), acct))
        role_attached = [expr(b["policy_arn"]) for t, _, b in mres if t == "aws_iam_role_policy_attachment"]
        items.append(((acct, "role", None, "attached"), "sort([" + ", ".join(role_attached) + "])", acct))
        for t, _, b in mres:
            if t == "aws_iam_role_policy":
                items.append(((acct, "role", b["name"], "inline"), expr(b["policy"]), acct))
    return role, items


def tf_evaluate(items, prelude, group_src, role_src):
    exprs = []
    for _, e, acct in items:
        e = localise(e, acct)
        exprs.append(e.replace("aws_iam_group.hub.name", group_src).replace("aws_iam_role.this.name", role_src))
    values = tflib.evaluate(exprs, prelude)

    out = {}
    group_name = json.loads(group_src)
    role_name = json.loads(role_src)
    for i, ((acct, kind, name, what), _, _) in enumerate(items):
        v = values[i]
        ent = f"group {group_name}" if kind == "group" else f"role {role_name}"
        if what in ("inline", "managed"):
            out[(acct, ent, f"{what} {json.loads(name)}")] = json.loads(v)
        elif what == "trust":
            out[(acct, ent, "trust")] = json.loads(v)
        elif what == "attached":
            out[(acct, ent, "attached policies")] = v
        else:
            out[(acct, ent, "settings")] = v
    return out


def compare(name, cfn, tf, problems):
    """Adds a problem per differing (account, entity, policy); returns how many were compared."""
    keys = sorted(set(cfn) | set(tf))
    for key in keys:
        a, b = cfn.get(key), tf.get(key)
        if key not in cfn or key not in tf:
            problems.append(f"{name}: account {key[0]}, {key[1]}, {key[2]}: only in {'Terraform' if key not in cfn else 'CloudFormation'}")
        elif canon(a) != canon(b):
            sids = statement_diff(a, b)
            head = f"{name}: account {key[0]}, {key[1]}, {key[2]}"
            if sids:
                pick = lambda d, sid: next((s for s in d.get("Statement", []) if s.get("Sid") == sid), None)
                detail = "".join(f"\n  statement {sid!r}:\n    cfn {canon(pick(a, sid))}\n    tf  {canon(pick(b, sid))}" for sid in sids)
                problems.append(f"{head}: statements differ{detail}")
            else:
                problems.append(f"{head}: differs\n    cfn {canon(a)}\n    tf  {canon(b)}")
    return len(keys)


def statement_diff(a, b):
    sa = {s.get("Sid"): s for s in a.get("Statement", [])} if isinstance(a, dict) else {}
    sb = {s.get("Sid"): s for s in b.get("Statement", [])} if isinstance(b, dict) else {}
    diffs = [sid for sid in sorted(set(sa) | set(sb), key=str) if canon(sa.get(sid)) != canon(sb.get(sid))]
    return diffs


# A customer account the vendor role is deployed to; any account would do.
VENDOR_CUSTOMER = "123456789012"


def vendor_sides(golden):
    ids, _ = vendor_ids(golden)
    cfn = cfn_role(vendor_role_template(golden), "VendorRole", [VENDOR_CUSTOMER], external_id_params(ids))
    module = hcl2.load(open(os.path.join(golden, "terraform", "modules", "vendor-role", "main.tf"), encoding="utf-8"))
    role, items = tf_role(module, [VENDOR_CUSTOMER])
    prelude = "\n".join([
        "locals {",
        f'  partition    = "{PARTITION}"',
        f"  external_ids = {json.dumps(ids)}",
        "}",
    ])
    return cfn, tf_evaluate(items, prelude, '""', role["name"])


def main():
    repo = sys.argv[1]
    root = os.path.join(repo, "tests", "golden")
    problems = []
    compared = 0
    for name in sorted(os.listdir(root)):
        golden = os.path.join(root, name)
        config = config_for(repo, name)
        if is_vendor(golden):
            cfn, tf = vendor_sides(golden)
            compared += compare(name, cfn, tf, problems)
            continue
        # Each side covers the accounts it would deploy to: CloudFormation is deployed to the
        # accounts of the config, Terraform to the accounts of its aliased providers. An account
        # missing on one side shows up as a difference.
        tf_members = []
        for p in hcl2.load(open(os.path.join(golden, "terraform", "providers.tf"), encoding="utf-8"))["provider"]:
            body = p['"aws"']
            if "alias" in body:
                tf_members.append(json.loads(body["allowed_account_ids"][0]))
        hub_account = None
        variables = hcl2.load(open(os.path.join(golden, "terraform", "variables.tf"), encoding="utf-8"))
        for v in variables["variable"]:
            if '"hub_account_id"' in v:
                hub_account = json.loads(v['"hub_account_id"']["default"])
        if hub_account != config["hub"]["account"]:
            problems.append(f"{name}: Terraform's hub account {hub_account} is not the config's {config['hub']['account']}")
        cfn = cfn_side(golden, config["hub"]["account"], member_accounts(config))
        tf = tf_side(golden, hub_account, tf_members)
        compared += compare(name, cfn, tf, problems)
    for p in problems:
        print("parity:", p)
    print(f"parity: {compared} documents compared across {len(os.listdir(root))} goldens, {len(problems)} differences")
    sys.exit(1 if problems else 0)


main()
