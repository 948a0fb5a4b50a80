"""Cross-format parity: for every golden output, the IAM documents the CloudFormation templates
and the Terraform roots would create are the same.

CloudFormation is read with PyYAML and evaluated the way CloudFormation does it (Fn::Sub with the
pseudo parameters and the template's parameter defaults, Ref, `${!x}` literals). A member role
deployed by a StackSet (cloudformation/stackset.yaml) is the member template evaluated with the
stack set's Parameters, in the accounts its StackInstancesGroup targets.

Terraform is read with python-hcl2 and its expressions are evaluated by real Terraform: references
(variables, the data sources, resource names, module inputs) are replaced by the expressions they
stand for, then one provider-less `terraform apply` per golden prints every policy as JSON. Each
Terraform layout covers the accounts it would deploy to:
- providers: every module instance of members.tf, in the account of the aliased provider it uses;
- per-account: the member root (terraform/member) once per account of accounts.txt (what
  members.sh applies), var.account_id set, its module call evaluated like the module instances;
- stackset: the template the aws_cloudformation_stack_set reads (terraform/member-role.yaml)
  evaluated with its parameters, in the accounts its instances target; for stack sets over
  organizational units without an account list, one sample account stands for the units.
The stack sets themselves (parameters, targets, settings) are compared too, and the StackSet
templates must be the member template byte for byte.

Both sides are compared per (account, entity, policy) as canonical JSON; a difference names the
account, the entity, the policy and the statements that differ.

usage: check_parity.py REPO_DIR"""
import json
import os
import re
import sys

import hcl2
import yaml

import tflib
from cfnlib import canon, cfn_eval
from goldens import (PER_ACCOUNT, PROVIDERS, STACKSET, accounts_txt, config_for, external_id_params, hub_template,
                     is_single_account, is_stackset, is_vendor, member_accounts, tf_hub_root, tf_layout, vendor_ids,
                     vendor_role_template)

PARTITION = "aws"
# An account under a stack set's organizational units (none is listed); any id would do.
SAMPLE_MEMBER = "123456789012"


def read(path):
    """The file's text exactly (no newline translation)."""
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def hub_templates(golden):
    """The hub's templates: hub.yaml (account.yaml) and, when the role ARNs are spread over further
    hub users, their own stacks cloudformation/hub-user-*.yaml."""
    d = os.path.join(golden, "cloudformation")
    extra = sorted(f for f in os.listdir(d) if f.startswith("hub-user-") and f.endswith(".yaml"))
    return [hub_template(golden)] + [os.path.join(d, f) for f in extra]


# Two resources creating the same (account, entity, policy): a deploy would fail or overwrite one.
DUPLICATES = []


def add_once(out, key, value, where):
    if key in out:
        DUPLICATES.append(f"{where}: account {key[0]}, {key[1]}, {key[2]}: created twice")
    out[key] = value


def cfn_side(golden, hub_account, members, params=None):
    """The hub templates in `hub_account` and the member template in each of `members`, with
    `params` (default: the member template's parameter defaults)."""
    single = is_single_account(golden)
    # A single-account setup has no member template (and no members to loop over).
    member = {"Parameters": {}, "Resources": {}} if single else yaml.safe_load(
        read(os.path.join(golden, "cloudformation", "member.yaml")))
    out, attached, membership = {}, {}, {}
    for path in hub_templates(golden):
        where = os.path.relpath(path, golden)
        res = yaml.safe_load(read(path))["Resources"]
        env = {"AWS::Partition": PARTITION, "AWS::AccountId": hub_account}
        env.update({k: v["Properties"].get("GroupName") or v["Properties"].get("UserName") for k, v in res.items()
                    if v["Type"] in ("AWS::IAM::Group", "AWS::IAM::User")})
        for r in res.values():
            p = r["Properties"]
            if r["Type"] == "AWS::IAM::Group":
                g = p["GroupName"]
                add_once(out, (hub_account, f"group {g}", "settings"), {"path": p.get("Path", "/")}, where)
                attached.setdefault(g, []).extend(cfn_eval(p.get("ManagedPolicyArns", []), env))
            elif r["Type"] == "AWS::IAM::User":
                u = p["UserName"]
                add_once(out, (hub_account, f"user {u}", "settings"), {
                    "path": p.get("Path", "/"), "tags": {t["Key"]: t["Value"] for t in p.get("Tags", [])}}, where)
                membership.setdefault(u, set()).update(cfn_eval(p.get("Groups", []), env))
            elif r["Type"] == "AWS::IAM::UserToGroupAddition":
                for u in cfn_eval(p["Users"], env):
                    membership.setdefault(u, set()).add(cfn_eval(p["GroupName"], env))
            elif r["Type"] == "AWS::IAM::Policy":
                doc = cfn_eval(p["PolicyDocument"], env)
                for kind, key in (("group", "Groups"), ("user", "Users"), ("role", "Roles")):
                    for n in cfn_eval(p.get(key, []), env):
                        add_once(out, (hub_account, f"{kind} {n}", f"inline {p['PolicyName']}"), doc, where)
            elif r["Type"] == "AWS::IAM::ManagedPolicy":
                name = p["ManagedPolicyName"]
                add_once(out, (hub_account, f"managed policy {name}", "document"), cfn_eval(p["PolicyDocument"], env), where)
                arn = f"arn:{PARTITION}:iam::{hub_account}:policy{p.get('Path', '/')}{name}"
                for g in cfn_eval(p.get("Groups", []), env):
                    attached.setdefault(g, []).append(arn)
    for g, arns in attached.items():
        out[(hub_account, f"group {g}", "attached policies")] = sorted(arns)
    for u, groups in membership.items():
        out[(hub_account, f"user {u}", "groups")] = sorted(groups)

    out.update(cfn_role(member, "MemberRole", members, params or {}))
    return out


def cfn_role(template, logical, accounts, params):
    """The role of a member or vendor template, deployed in each of `accounts` with `params`
    (a parameter not given takes its default, as in CloudFormation)."""
    out = {}
    mres = template["Resources"]
    defaults = {k: v["Default"] for k, v in (template.get("Parameters") or {}).items() if "Default" in v}
    for acct in accounts:
        env = {"AWS::Partition": PARTITION, "AWS::AccountId": acct, **defaults, **params}
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


# ---------------------------------------------------------------- StackSets (both formats)


def snake(v):
    """CloudFormation's property names as the AWS provider's (AutoDeployment -> auto_deployment)."""
    if isinstance(v, dict):
        return {re.sub(r"(?<!^)(?=[A-Z])", "_", k).lower(): snake(x) for k, x in v.items()}
    return v


def stackset_settings(s):
    """The settings both formats give a stack set, with the defaults both apply filled in."""
    return {
        "name": s["name"],
        "description": s.get("description"),
        "permission_model": s.get("permission_model") or "SELF_MANAGED",
        "call_as": s.get("call_as") or "SELF",
        "capabilities": sorted(s.get("capabilities") or []),
        "auto_deployment": s.get("auto_deployment"),
        "managed_execution": s.get("managed_execution"),
    }


def normal_targets(groups):
    """Deployment targets as a sorted list of one entry per unit, or per account where no unit is
    targeted (self-managed: one instance group of N accounts is N instances of one account);
    `groups` are (units or None, account filter or None, accounts or None)."""
    out = []
    for ous, flt, accts in groups:
        accts = sorted(accts or [])
        if ous:
            out += [{"unit": ou, "account_filter": flt, "accounts": accts} for ou in ous]
        else:
            out += [{"unit": None, "account_filter": flt, "accounts": [a]} for a in accts]
    return sorted(out, key=canon)


def unit_preferences(info):
    """Operation preferences matter where one instance rolls out to the accounts of units; a
    self-managed stack set in Terraform has one instance (one operation) per account, so its
    preferences are not compared."""
    if not any(t["unit"] for t in info["targets"]):
        info.pop("instance operation preferences")
    return info


def role_accounts(targets):
    """The accounts a stack set's roles land in, as far as the files tell: the listed accounts,
    plus SAMPLE_MEMBER standing for the accounts of units not narrowed to a list."""
    accts, sample = set(), False
    for t in targets:
        if t["unit"] is None or t["account_filter"] == "INTERSECTION":
            accts.update(t["accounts"])
        else:
            sample = True
            if t["account_filter"] == "UNION":
                accts.update(t["accounts"])
    return sorted(accts) + ([SAMPLE_MEMBER] if sample and SAMPLE_MEMBER not in accts else [])


def template_params(template):
    return sorted((template.get("Parameters") or {}).keys())


def cfn_stackset(name, golden, config, problems):
    """Reads cloudformation/stackset.yaml and checks it against the member template; returns what
    the stack set deploys: {settings, parameters, targets, admin account, instance preferences}."""
    member_path = os.path.join(golden, "cloudformation", "member.yaml")
    member_text = read(member_path)
    path = os.path.join(golden, "cloudformation", "stackset.yaml")
    text = read(path)
    doc = yaml.safe_load(text)
    sets = [(k, r["Properties"]) for k, r in doc["Resources"].items() if r["Type"] == "AWS::CloudFormation::StackSet"]
    if len(sets) != 1:
        raise SystemExit(f"{name}: stackset.yaml has {len(sets)} AWS::CloudFormation::StackSet resources, expected 1")
    _, props = sets[0]
    # (b) The body is the member template, as a literal block (a folded or quoted scalar would
    # have to be escaped, and could differ from member.yaml in a way PyYAML forgives).
    if "TemplateBody" not in props:
        problems.append(f"{name}: stackset.yaml has no TemplateBody (TemplateURL: {props.get('TemplateURL')!r}); cannot compare it with member.yaml")
    else:
        if props["TemplateBody"] != member_text:
            problems.append(f"{name}: stackset.yaml TemplateBody is not cloudformation/member.yaml byte for byte")
        if not re.search(r"^ +TemplateBody: \|[-+]?$", text, re.M):
            problems.append(f"{name}: stackset.yaml TemplateBody is not a YAML literal block (`TemplateBody: |`)")
    member = yaml.safe_load(member_text)
    env = {"AWS::Partition": PARTITION}
    params = {p["ParameterKey"]: cfn_eval(p["ParameterValue"], env) for p in props.get("Parameters") or []}
    # (c) Every parameter of the member template is given, and no other.
    if sorted(params) != template_params(member):
        problems.append(f"{name}: stackset.yaml Parameters {sorted(params)} are not the member template's {template_params(member)}")
    groups = []
    for g in props.get("StackInstancesGroup") or []:
        t = g.get("DeploymentTargets") or {}
        groups.append((t.get("OrganizationalUnitIds"), t.get("AccountFilterType"), t.get("Accounts")))
    targets = normal_targets(groups)
    listed = sorted({a for t in targets for a in t["accounts"]})
    if listed != member_accounts(config):
        problems.append(f"{name}: stackset.yaml targets the accounts {listed}, the config lists {member_accounts(config)}")
    # The account to deploy stackset.yaml in is named in its header comment.
    header = text.split("AWSTemplateFormatVersion", 1)[0]
    admin = re.search(r"\b(\d{12})\b", header)
    return {
        "settings": stackset_settings(dict(snake(props), name=props["StackSetName"])),
        "parameters": params,
        "targets": targets,
        "administrator account": admin.group(1) if admin else None,
        "instance operation preferences": snake(props.get("OperationPreferences")),
    }


def stackset_keys(info):
    name = info["settings"]["name"]
    return {("stack set", f"stack set {name}", k): v for k, v in info.items()}


# ---------------------------------------------------------------- Terraform


def resources(doc):
    for block in doc.get("resource", []):
        for rtype, named in block.items():
            for rname, body in named.items():
                yield rtype.strip('"'), rname.strip('"'), body


LOADED = {}


def load_root(d):
    """Every .tf file of a Terraform root (or module) directory, merged as python-hcl2 reads them."""
    d = os.path.normpath(d)
    if d not in LOADED:
        LOADED[d] = load_dir(d)
    return LOADED[d]


def load_dir(d):
    doc = {}
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".tf"):
            for k, v in hcl2.load(open(os.path.join(d, fn), encoding="utf-8")).items():
                if not k.startswith("__"):
                    doc.setdefault(k, []).extend(v)
    return doc


def expr(src):
    """python-hcl2 gives `${expr}` for expressions and the quoted source for literals."""
    if isinstance(src, str) and src.startswith("${") and src.endswith("}"):
        return src[2:-1]
    if isinstance(src, (int, float)):
        return json.dumps(src)
    return src


def to_hcl(v):
    """HCL source of a value as python-hcl2 reads it (attributes, lists, maps, blocks)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float, str)):
        return expr(v)
    if isinstance(v, list):
        return "[" + ", ".join(to_hcl(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k.strip(chr(34)))} = {to_hcl(x)}" for k, x in v.items() if not k.startswith("__")) + "}"
    raise SystemExit(f"cannot write {v!r} as HCL")


def block(body, key):
    """The one nested block `key` of a python-hcl2 body as HCL source, or null."""
    blocks = body.get(key) or []
    if len(blocks) > 1:
        raise SystemExit(f"more than one {key} block")
    return to_hcl(blocks[0]) if blocks else "null"


REF = re.compile(r"\b(?:var|local|each|module|data\.[a-z0-9_]+|aws(?:_[a-z0-9]+)*)\.[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*")


def resolve(e, refs, where):
    """Replaces every reference in HCL source `e` (var.x, local.x, each.key, data.a.b.c, a.b.name,
    aws.alias) by the HCL source `refs` gives for it; an unknown reference is an error."""
    def repl(m):
        ref = m.group(0)
        if ref in refs:
            return "(" + refs[ref] + ")"
        raise SystemExit(f"parity: {where}: no value for the reference {ref} in {e[:200]!r}")

    return REF.sub(repl, e)


def root_refs(doc, where, given=None):
    """The references of a root or module: its variables (`given` values, else their defaults),
    its locals, the partition, and the `name` of every resource that has a literal one."""
    given = given or {}
    refs = {"data.aws_partition.current.partition": "local.p_partition"}
    for v in doc.get("variable", []):
        for n, body in v.items():
            n = n.strip('"')
            if n in given:
                refs[f"var.{n}"] = given[n]
            elif "default" in body:
                refs[f"var.{n}"] = to_hcl(body["default"])
    missing = sorted(set(given) - {r[4:] for r in refs if r.startswith("var.")})
    if missing:
        raise SystemExit(f"parity: {where}: values given for undeclared variables {missing}")
    for block_ in doc.get("locals", []):
        for n, v in block_.items():
            if not n.startswith("__"):
                refs[f"local.{n}"] = to_hcl(v)
    for t, n, b in resources({"resource": doc.get("resource", [])}):
        if "name" in b:
            refs[f"{t}.{n}.name"] = to_hcl(b["name"])
    # Locals and names may refer to variables and to each other (one level is all crossrole uses).
    for k in [k for k in refs if k.startswith(("local.", "aws_"))]:
        refs[k] = REF.sub(lambda m: "(" + refs[m.group(0)] + ")" if m.group(0) in refs and m.group(0) != k else m.group(0), refs[k])
    return refs


def provider_accounts(doc, refs, where):
    """{alias or None: HCL source of the one account in its allowed_account_ids}."""
    out = {}
    for p in doc.get("provider", []):
        body = p['"aws"']
        alias = json.loads(body["alias"]) if "alias" in body else None
        ids = body.get("allowed_account_ids") or []
        if len(ids) != 1:
            raise SystemExit(f"parity: {where}: provider {alias or 'aws'} must name exactly one account in allowed_account_ids")
        out[alias] = resolve(to_hcl(ids[0]), refs, where)
    return out


class Batch:
    """HCL expressions evaluated together, in one Terraform run."""

    def __init__(self):
        self.srcs = []
        self.values = None

    def add(self, src):
        self.srcs.append(src)
        return len(self.srcs) - 1

    def run(self):
        prelude = "\n".join(["locals {", f'  p_partition = "{PARTITION}"', "}"])
        self.values = tflib.evaluate(self.srcs, prelude)

    def __getitem__(self, i):
        return self.values[i]


def hub_items(batch, doc, refs, where):
    """Items (account, entity, label, value[, merge]) of the hub's users, groups and policies, as
    batch indexes; items with merge "union" are collected into one sorted list per key."""
    items = []
    acct = refs["data.aws_caller_identity.current.account_id"]
    account = batch.add(acct)

    def r(v):
        return resolve(to_hcl(v), refs, where)

    def ent(kind, name_src):
        return batch.add("{kind = %s, name = %s}" % (json.dumps(kind), name_src))

    for t, n, b in resources(doc):
        if t == "aws_iam_policy":
            refs[f"aws_iam_policy.{n}.arn"] = '"arn:${local.p_partition}:iam::${%s}:policy${%s}${%s}"' % (
                acct, r(b.get("path", '"/"')), r(b["name"]))
    for t, _, b in resources(doc):
        if t == "aws_iam_group":
            items.append((account, ent("group", r(b["name"])), batch.add('"settings"'),
                          batch.add("{path = %s}" % r(b.get("path", '"/"')))))
            # A group with no attachments has an empty list, as in CloudFormation.
            items.append((account, ent("group", r(b["name"])), batch.add('"attached policies"'), batch.add("[]"), "union"))
        elif t == "aws_iam_user":
            items.append((account, ent("user", r(b["name"])), batch.add('"settings"'),
                          batch.add("{path = %s, tags = %s}" % (r(b.get("path", '"/"')), r(b.get("tags", {}))))))
        elif t == "aws_iam_user_group_membership":
            items.append((account, ent("user", r(b["user"])), batch.add('"groups"'), batch.add(r(b["groups"])), "union"))
        elif t == "aws_iam_group_policy":
            items.append((account, ent("group", r(b["group"])), batch.add(f'"inline ${{{r(b["name"])}}}"'),
                          batch.add(f"jsondecode({r(b['policy'])})")))
        elif t == "aws_iam_policy":
            items.append((account, ent("managed policy", r(b["name"])), batch.add('"document"'),
                          batch.add(f"jsondecode({r(b['policy'])})")))
        elif t == "aws_iam_group_policy_attachment":
            items.append((account, ent("group", r(b["group"])), batch.add('"attached policies"'),
                          batch.add(f"[{r(b['policy_arn'])}]"), "union"))
    return items


def module_items(batch, module, refs, where):
    """Items for the role of a member or vendor module instance: `refs` are the module's
    references (its inputs as given by the caller, the caller's account for aws_caller_identity)."""
    items = []
    mres = list(resources(module))
    role = next(b for t, _, b in mres if t == "aws_iam_role")

    def r(v):
        return resolve(to_hcl(v), refs, where)

    account = batch.add(refs["data.aws_caller_identity.current.account_id"])
    ent = batch.add("{kind = \"role\", name = %s}" % r(role["name"]))
    items.append((account, ent, batch.add('"trust"'), batch.add(f"jsondecode({r(role['assume_role_policy'])})")))
    items.append((account, ent, batch.add('"settings"'), batch.add(
        "{path = %s, max_session_duration = %s, description = %s, permissions_boundary = %s}" % (
            r(role["path"]), r(role["max_session_duration"]), r(role["description"]), r(role.get("permissions_boundary"))))))
    attached = [r(b["policy_arn"]) for t, _, b in mres if t == "aws_iam_role_policy_attachment"]
    items.append((account, ent, batch.add('"attached policies"'), batch.add("sort([" + ", ".join(attached) + "])")))
    for t, _, b in mres:
        if t == "aws_iam_role_policy":
            items.append((account, ent, batch.add(f'"inline ${{{r(b["name"])}}}"'), batch.add(f"jsondecode({r(b['policy'])})")))
    return items


MODULE_META = {"source", "providers", "for_each", "count", "depends_on", "version"}


def module_instance(batch, root_dir, call, caller_refs, account_src, where):
    """Items of one module call (python-hcl2 body) of the root in `root_dir`: its inputs are the
    call's arguments evaluated in the caller, its account the caller's provider for it."""
    source = json.loads(call["source"])
    if "count" in call or "for_each" in call:
        raise SystemExit(f"parity: {where}: module {source} with count or for_each: not supported by this check")
    mdir = os.path.normpath(os.path.join(root_dir, source))
    module = load_root(mdir)
    given = {k: resolve(to_hcl(v), caller_refs, where) for k, v in call.items() if k not in MODULE_META and not k.startswith("__")}
    refs = root_refs(module, f"{where} ({source})", given)
    for v in module.get("variable", []):
        for n in v:
            if f"var.{n.strip(chr(34))}" not in refs:
                raise SystemExit(f"parity: {where}: module {source} needs {n} and gets no value")
    refs["data.aws_caller_identity.current.account_id"] = account_src
    return module_items(batch, module, refs, f"{where} ({source})")


def providers_members(batch, tfdir, doc, refs, name):
    """providers layout: each module instance in the account of the aliased provider it uses."""
    accounts = provider_accounts(doc, refs, name)
    items = []
    for m in doc.get("module", []):
        for mname, call in m.items():
            where = f"{name}: module {mname.strip(chr(34))}"
            providers = call.get("providers") or {}
            ref = expr(providers.get("aws", "${aws}"))
            alias = ref.split(".", 1)[1] if "." in ref else None
            if alias not in accounts:
                raise SystemExit(f"parity: {where}: no provider {ref}")
            items += module_instance(batch, tfdir, call, refs, accounts[alias], where)
    return items


def per_account_members(batch, golden, name, problems):
    """per-account layout: the member root once per account of accounts.txt, as members.sh runs it."""
    member_dir = os.path.join(golden, "terraform", "member")
    script = read(os.path.join(golden, "terraform", "members.sh"))
    if "../accounts.txt" not in script or "account_id=" not in script:
        problems.append(f"{name}: terraform/members.sh does not run the member root over ../accounts.txt with -var account_id=...")
    accounts = accounts_txt(golden)
    if accounts is None:
        problems.append(f"{name}: the per-account layout has no accounts.txt")
        return []
    doc = load_root(member_dir)
    items = []
    for acct in accounts:
        where = f"{name}: terraform/member with account_id={acct}"
        refs = root_refs(doc, where, {"account_id": json.dumps(acct)})
        provider = provider_accounts(doc, refs, where)
        if list(provider) != [None]:
            problems.append(f"{name}: terraform/member must have exactly one provider, the default one; has {list(provider)}")
            return items
        refs["data.aws_caller_identity.current.account_id"] = provider[None]
        for m in doc.get("module", []):
            for call in m.values():
                items += module_instance(batch, member_dir, call, refs, provider[None], where)
    return items


def tf_stackset(batch, tfdir, doc, refs, name, problems):
    """stackset layout: the one aws_cloudformation_stack_set and its instances, as batch indexes
    to finish after the run (see stackset_done)."""
    sets = [(n, b) for t, n, b in resources(doc) if t == "aws_cloudformation_stack_set"]
    if len(sets) != 1:
        raise SystemExit(f"parity: {name}: {len(sets)} aws_cloudformation_stack_set resources, expected 1")
    sname, s = sets[0]
    where = f"{name}: aws_cloudformation_stack_set.{sname}"

    def r(v):
        return resolve(to_hcl(v), refs, where)

    m = re.fullmatch(r'file\("\$\{path\.module\}/([^"$]+)"\)', expr(s.get("template_body", "")))
    template = None
    if not m:
        problems.append(f"{where}: template_body is not file(\"${{path.module}}/...\"): {s.get('template_body')!r}")
    else:
        if m.group(1) != "member-role.yaml":
            problems.append(f"{where}: template_body reads {m.group(1)}, not member-role.yaml")
        path = os.path.join(tfdir, m.group(1))
        template = yaml.safe_load(read(path))
    admin = provider_accounts(doc, refs, name)
    ref = expr(s.get("provider", "${aws}"))
    alias = ref.split(".", 1)[1] if "." in ref else None
    fields = [f"{k} = {r(s[k]) if k in s else 'null'}" for k in ("name", "description", "permission_model", "call_as", "capabilities")]
    fields += [f"{k} = {resolve(block(s, k), refs, where)}" for k in ("auto_deployment", "managed_execution")]
    settings = "{" + ", ".join(fields) + "}"
    targets = []
    for t, n, b in resources(doc):
        if t != "aws_cloudformation_stack_set_instance":
            continue
        iwhere = f"{name}: aws_cloudformation_stack_set_instance.{n}"
        irefs = dict(refs, **{"each.key": "k", "each.value": "k"})
        dt = (b.get("deployment_targets") or [{}])[0]

        def ri(v):
            return resolve(to_hcl(v), irefs, iwhere)

        one = "{stack_set = %s, units = %s, account_filter = %s, accounts = %s, preferences = %s, provider = %s}" % (
            ri(b["stack_set_name"]),
            ri(dt["organizational_unit_ids"]) if "organizational_unit_ids" in dt else "null",
            ri(dt["account_filter_type"]) if "account_filter_type" in dt else "null",
            ri(dt["accounts"]) if "accounts" in dt else (f"[{ri(b['account_id'])}]" if "account_id" in b else "null"),
            resolve(block(b, "operation_preferences"), irefs, iwhere),
            json.dumps(expr(b.get("provider", "${aws}"))))
        targets.append(batch.add(f"[for k in {ri(b['for_each'])} : {one}]" if "for_each" in b else f"[{one}]"))
    if alias not in admin:
        raise SystemExit(f"parity: {where}: no provider {ref}")
    return {
        "template": template,
        "ref": ref,
        "settings": batch.add(settings),
        "parameters": batch.add(r(s.get("parameters") or {})),
        "admin": batch.add(admin[alias]),
        "targets": targets,
    }


def stackset_done(batch, st, name, problems):
    """The Terraform stack set's values after the run, in cfn_stackset's form."""
    settings = batch[st["settings"]]
    groups, prefs = [], []
    for i in st["targets"]:
        for inst in batch[i]:
            if inst["stack_set"] != settings["name"]:
                problems.append(f"{name}: a stack set instance names the stack set {inst['stack_set']!r}, not {settings['name']!r}")
            if inst["provider"] != st["ref"]:
                problems.append(f"{name}: a stack set instance uses the provider {inst['provider']}, the stack set {st['ref']}")
            groups.append((inst["units"], inst["account_filter"], inst["accounts"]))
            if inst["preferences"] not in prefs:
                prefs.append(inst["preferences"])
    params = batch[st["parameters"]]
    if st["template"] is not None and sorted(params) != template_params(st["template"]):
        problems.append(f"{name}: the Terraform stack set's parameters {sorted(params)} are not its template's {template_params(st['template'])}")
    return {
        "settings": stackset_settings(settings),
        "parameters": params,
        "targets": normal_targets(groups),
        "administrator account": batch[st["admin"]],
        "instance operation preferences": prefs[0] if len(prefs) == 1 else prefs,
    }


def tf_side(name, golden, problems):
    """(documents, hub account, stack set or None) of the golden's Terraform roots."""
    layout = tf_layout(golden)
    hub_dir = tf_hub_root(golden)
    doc = load_root(hub_dir)
    refs = root_refs(doc, f"{name}: {os.path.relpath(hub_dir, golden)}")
    hub_provider = provider_accounts(doc, refs, name)
    refs["data.aws_caller_identity.current.account_id"] = hub_provider[None]
    batch = Batch()
    hub_account = batch.add(hub_provider[None])
    items = hub_items(batch, doc, refs, name)
    st = None
    if layout == PROVIDERS:
        items += providers_members(batch, hub_dir, doc, refs, name)
    elif layout == PER_ACCOUNT:
        items += per_account_members(batch, golden, name, problems)
    elif layout == STACKSET:
        st = tf_stackset(batch, hub_dir, doc, refs, name, problems)
    batch.run()

    out = collect(batch, items, name)
    stackset = None
    if st is not None:
        stackset = stackset_done(batch, st, name, problems)
        if st["template"] is not None:
            out.update(cfn_role(st["template"], "MemberRole", role_accounts(stackset["targets"]), stackset["parameters"]))
    return out, batch[hub_account], stackset


def collect(batch, items, where):
    """The evaluated items as {(account, entity, label): value}."""
    out, unions = {}, {}
    for account, ent, label, value, *merge in items:
        e = batch[ent]
        key = (batch[account], f"{e['kind']} {e['name']}", batch[label])
        if merge:
            unions.setdefault(key, set()).update(batch[value])
        else:
            add_once(out, key, batch[value], where)
    for key, values in unions.items():
        add_once(out, key, sorted(values), where)
    return out


def compare(name, cfn, tf, problems):
    """Adds a problem per differing (account, entity, policy); returns how many were compared."""
    keys = sorted(set(cfn) | set(tf))
    for key in keys:
        a, b = cfn.get(key), tf.get(key)
        where = f"account {key[0]}" if re.fullmatch(r"\d{12}", key[0]) else key[0]
        if key not in cfn or key not in tf:
            problems.append(f"{name}: {where}, {key[1]}, {key[2]}: only in {'Terraform' if key not in cfn else 'CloudFormation'}")
        elif canon(a) != canon(b):
            sids = statement_diff(a, b)
            head = f"{name}: {where}, {key[1]}, {key[2]}"
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


def vendor_sides(golden, name):
    ids, _ = vendor_ids(golden)
    cfn = cfn_role(vendor_role_template(golden), "VendorRole", [VENDOR_CUSTOMER], external_id_params(ids))
    module = load_root(os.path.join(golden, "terraform", "modules", "vendor-role"))
    batch = Batch()
    where = f"{name}: modules/vendor-role"
    refs = root_refs(module, where, {"external_ids": json.dumps(ids)})
    refs["data.aws_caller_identity.current.account_id"] = json.dumps(VENDOR_CUSTOMER)
    items = module_items(batch, module, refs, where)
    batch.run()
    return cfn, collect(batch, items, where)


def main():
    repo = sys.argv[1]
    root = os.path.join(repo, "tests", "golden")
    problems = []
    compared = 0
    for name in sorted(os.listdir(root)):
        golden = os.path.join(root, name)
        config = config_for(repo, name)
        if is_vendor(golden):
            cfn, tf = vendor_sides(golden, name)
            compared += compare(name, cfn, tf, problems)
            continue
        # Each side covers the accounts it would deploy to: CloudFormation the accounts of the
        # config (or those its StackSet targets), Terraform those of its layout (see the module
        # docstring). An account missing on one side shows up as a difference.
        hub = config["hub"]["account"]
        # Terraform's copy of the member template (the stack set's body) is the member template.
        tf_copy = os.path.join(golden, "terraform", "member-role.yaml")
        if os.path.exists(tf_copy) and read_bytes(tf_copy) != read_bytes(os.path.join(golden, "cloudformation", "member.yaml")):
            problems.append(f"{name}: terraform/member-role.yaml is not cloudformation/member.yaml byte for byte")
        cfn_set = cfn_stackset(name, golden, config, problems) if is_stackset(golden) else None
        if cfn_set is None:
            cfn = cfn_side(golden, hub, [] if is_single_account(golden) else member_accounts(config))
        else:
            cfn = cfn_side(golden, hub, role_accounts(cfn_set["targets"]), cfn_set["parameters"])
        tf, hub_account, tf_set = tf_side(name, golden, problems)
        if hub_account != hub:
            problems.append(f"{name}: Terraform's hub account {hub_account} is not the config's {hub}")
        if tf_set is not None:
            if cfn_set is None:
                problems.append(f"{name}: Terraform creates a stack set, CloudFormation has no stackset.yaml")
            else:
                cfn.update(stackset_keys(unit_preferences(cfn_set)))
                tf.update(stackset_keys(unit_preferences(tf_set)))
        compared += compare(name, cfn, tf, problems)
    problems += DUPLICATES
    for p in problems:
        print("parity:", p)
    print(f"parity: {compared} documents compared across {len(os.listdir(root))} goldens, {len(problems)} differences")
    sys.exit(1 if problems else 0)


main()
