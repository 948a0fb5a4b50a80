"""Deploys the StackSet goldens through the StackSet API commands their DEPLOY.md gives, with the
real `aws` CLI against a local moto server (127.0.0.1, a free port), then reads back what the stack
instances created and uses it with IAM enforcement on.

What moto 5.2.5 does with StackSets (read in moto/cloudformation/models.py and responses.py and
moto/organizations/models.py of the pinned version, and observed through awscli 1.46.3):

- create-stack-set stores the stack set in the CloudFormation backend of the calling account and
  region: name, template body (verbatim), parameters, permission model, administration role ARN and
  execution role name (defaults AWSCloudFormationStackSetAdministrationRole /
  AWSCloudFormationStackSetExecutionRole). `--call-as`, `--auto-deployment` and
  `--managed-execution` are accepted and ignored: describe-stack-set returns no AutoDeployment and
  always `ManagedExecution: {Active: false}`.
- create-stack-instances runs synchronously: its operation is SUCCEEDED at once, every instance is
  `Status: CURRENT`, `DetailedStatus: SUCCEEDED`; an (account, region) the stack set already has is
  skipped. OrganizationalUnitIds are checked against AWS's pattern (root ids `r-...` allowed).
  DeploymentTargets.Accounts, AccountFilterType, AccountsUrl, OperationPreferences and CallAs are
  ignored. list-stack-instances and the operation calls accept `--call-as` and ignore it.
- SELF_MANAGED: OU targets are rejected ("can only have accounts as target"). Each instance is a real
  stack, named `StackSet:<stack set name>`, in the target account's CloudFormation backend
  (list-stacks and describe-stack-resources there show it, its resources get physical ids), made by
  the same CloudFormation engine as `cloudformation deploy` (same gaps). Nothing is checked about
  the target account: it needs no organization, and neither the administration role nor the
  execution role is looked up or assumed.
- SERVICE_MANAGED: DeploymentTargets.OrganizationalUnitIds is required. The target accounts are the
  accounts of the calling account's own Organizations backend whose parent is one of the given OUs
  or a direct child OU of one: one level only, accounts in deeper OUs get no instance. A root id
  counts as an OU, so targeting the root also deploys to the management account (AWS never does).
  Accounts given with `--accounts` are added as well. Each instance is a hidden stack: it is listed
  in no account's list-stacks, but its resources ARE created in the target account (observed: the
  role and its inline policy exist there and read back like a deployed stack's).
- DELEGATED_ADMIN does not work: moto keeps the organization in the management account's
  Organizations backend only (member accounts' describe-organization is forwarded to it, the
  StackSet code does not do that). A stack set created from the delegated administrator lives in
  that account and its create-stack-instances over OUs SUCCEEDS WITH ZERO INSTANCES. Also
  register-delegated-administrator rejects `member.org.stacksets.cloudformation.amazonaws.com`
  ("You specified an unrecognized service principal"; moto's list of delegated-admin services lacks
  it), while enable-aws-service-access accepts it; and create-account makes up a random 12-digit id,
  so an account with a chosen id (the golden's hub 999999999999, or listed member ids) cannot be an
  organization member, and there is no invite/handshake API to bring one in.
- AWS::CloudFormation::StackSet in a template is not implemented: `aws cloudformation deploy` of
  stackset.yaml succeeds, the stack is CREATE_COMPLETE, the resource has no physical id (server log:
  "No Moto CloudFormation support for AWS::CloudFormation::StackSet") and no stack set exists.

- `aws cloudformation deploy --s3-bucket B` (the CLI's only way for a template over 51,200 bytes)
  uploads the template with an S3 client that is NOT given `--endpoint-url` (awscli
  customizations/cloudformation/deploy.py): without AWS_ENDPOINT_URL_S3 it would go to the real S3.
  Its TemplateURL is `<that client's endpoint>/B/<key>`, and moto fetches a TemplateURL only from a
  host `s3*.amazonaws.com` or one named `localhost` (moto/cloudformation/utils.py); so the test
  points that client at http://localhost:PORT (still the 127.0.0.1 server) and creates B in moto.
- IAM quotas are not enforced: a group's 5,120 characters of inline policies, ten groups per user,
  the trust policy's 2,048 (get-account-summary only lists them), the 512 characters of a user's,
  group's or role's path (checked for virtual MFA devices only). They are computed here from the
  templates instead.

So this test:
1. Checks statically that cloudformation/stackset.yaml and the DEPLOY.md StackSet API commands
   deploy the same thing (template body = cloudformation/member.yaml, description, parameters,
   permission model, CallAs, auto-deployment, managed execution, capabilities, targets, operation
   preferences).
2. Service-managed goldens: creates the organization from the management account (the config's,
   or 777777777777 when it names none), one moto OU per golden OU (the root for `r-...`), three
   accounts per OU, the listed accounts (moto makes up their ids), accounts in the targets that
   are not listed, and accounts outside the targets. Every golden id that moto cannot have (OU,
   root and organization ids, listed account ids) is mapped to moto's and substituted in the
   commands run, in accounts.txt (a copy) and in the hub templates; the mapping is printed. The hub
   account keeps its id and stays outside the organization. Self-managed goldens use their own ids
   and no organization.
3. Runs DEPLOY.md's "Before the first StackSet deploy" organizations commands in the management
   account (`cloudformation activate-organizations-access`, which moto 5.2.5 lacks, is reported as
   not asserted and replaced by organizations enable-aws-service-access through boto3). Deploys the
   hub stacks with DEPLOY.md's own `cloudformation deploy` lines, in its order (hub.yaml, then each
   hub-user-N.yaml of a setup with several hub users), each with the template as moto can deploy
   it: its AWS::IAM::Group and AWS::IAM::UserToGroupAddition resources, which moto's CloudFormation
   skips, are filled through the IAM API for every group and membership of every template, as
   .ci/deploy_moto.py's deploy does, and listed; `YOUR-BUCKET` becomes a bucket made in moto. Then
   reads every hub user and group back (paths, tags, memberships, each group's and user's inline
   policies, attached policies) against the templates; computes which target accounts each hub user
   reaches (the sts:AssumeRole resources of its groups' policies against the role ARNs) and asserts
   that they cover the targets exactly once and agree with DEPLOY.md's list per user; and checks the
   AWS limits moto does not (group inline policy size, groups per user, names, paths, trust and role
   policy size, template sizes; a template header comment that the CLI would refuse is a warning).
   Then runs the StackSet API commands of DEPLOY.md verbatim but for the substitutions, with bash,
   from the golden directory, in the account DEPLOY.md names, and its "Progress" commands. Where
   moto cannot honour `--call-as DELEGATED_ADMIN` (zero instances), the same two commands run again
   from the management account without it, and the output says so.
4. Reads back: the stack set (model, body, parameters, description); one instance per target
   account (service-managed: every account of the target OUs, never the management account;
   INTERSECTION: exactly the listed ones, reported as not asserted where moto ignores the filter);
   self-managed: each account's stack and a physical id for each resource; every target account's
   role (trust, inline policy, path, description, session length) against member.yaml evaluated
   with the stack set's parameters, its ARN being the one the hub's policies name; no role in
   accounts outside the targets. With one hub user the trust is checked against the config's trust
   mode; with several it must be the hub root with `ArnLike aws:PrincipalArn [<first user's ARN>,
   <first user's ARN>-?, <first user's ARN>-??]`, and those patterns are evaluated here (moto evaluates no trust policy,
   reported as not asserted) against every hub user's ARN (all must match) and other principals
   (none may).
5. Creates each hub user's access key with DEPLOY.md's "Afterwards" commands; with IAM enforcement
   on, each key acts as its user (sts get-caller-identity), assumes the member role in exactly the
   target accounts that user's groups list and is denied it in every other target account (the
   other users' accounts); a session of one role per user may `ec2 describe-vpcs` and not `s3api
   list-buckets`; no user may `iam create-user`; and assuming the role in an account the hub does
   not list is denied (aws:ResourceOrgPaths is not evaluated by moto, so that is reported as not
   asserted where the hub relies on it).

With more than CLI_ALL (10) target accounts, or hub users and groups, the per-account and
per-entity calls of 4 and 5 go through the CLI in a sample (the first and last account each hub
user reaches and of those it does not; the hub users and each user's first group) and through
boto3, in-process, for the others: the same botocore, requests and responses as the CLI, without
a half-second Python start-up per call. Each check says how many went which way. Fills are
fixtures and go through boto3 too. Set CROSSROLE_TIMES=1 to print seconds since start on each line.

usage: deploy_stackset_moto.py REPO_DIR GOLDEN...   (run with .ci/.venv-moto/bin/python)"""
import importlib.metadata
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

BIN = os.path.dirname(sys.executable)
HERE = os.path.dirname(os.path.abspath(__file__))

if not all(os.access(os.path.join(BIN, tool), os.X_OK) for tool in ("moto_server", "aws")):
    print(f"*** SKIPPED: .ci/deploy_stackset_moto.py needs moto_server and aws beside {sys.executable} "
          "(run it with .ci/.venv-moto/bin/python, made by bash .ci/setup.sh) ***", file=sys.stderr)
    sys.exit(1 if os.environ.get("CI") else 0)

sys.path.insert(0, HERE)
import boto3  # noqa: E402  (moto's dependency, in the moto venv)
import yaml  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

from cfnlib import canon, cfn_eval, load  # noqa: E402
from goldens import config_for, hub_template  # noqa: E402
from deploy_moto import (ADMIN_ROLE, PARTITION, Aws, Failure, Moto, _Cli, check_member, deploy,  # noqa: E402
                         expect, fill_and_check_tags, member_trust, names_env, policy_doc)

T0 = time.monotonic()
REGION = "us-east-1"
DEFAULT_MANAGEMENT = "777777777777"  # when the config names no management account
OUTSIDER = "333333333333"            # an account the self-managed setup does not list
WORKERS = 4
API_HEADING = "Or, without a stack for it, the same through the StackSet API:"
SPN = "member.org.stacksets.cloudformation.amazonaws.com"
# register-delegated-administrator errors that are moto's, not the command's (see the docstring).
# Up to this many target accounts every read-back and permission check goes through the CLI;
# beyond it, through the CLI in a sample (the first and last account each hub user reaches, and
# of those it does not) and through boto3 in the others (a CLI call is a Python start-up, half a
# second of CPU: 90 accounts would need some 700).
CLI_ALL = 10
# AWS limits the goldens must stay within (moto checks none of them).
TEMPLATE_BODY_MAX = 51_200      # TemplateBody; larger templates go through S3 (`--s3-bucket`)
TEMPLATE_URL_MAX = 1_000_000    # a template in S3
GROUP_INLINE_MAX = 5_120        # all inline policies of one group, whitespace not counted
USER_INLINE_MAX = 2_048
ROLE_INLINE_MAX = 10_240
TRUST_MAX = 2_048               # the default quota (it can be raised to 4,096)
GROUPS_PER_USER_MAX = 10
PATH_MAX = 512
NAME_MAX = {"user": 64, "group": 128, "role": 64}
MOTO_DELEGATED_ADMIN_ERRORS = ("You specified an unrecognized service principal",
                               "You specified an account that doesn't exist")


class Run:
    """The checks of one golden, printed as they run."""

    def __init__(self, name):
        self.name, self.passed, self.problems, self.not_asserted, self.filled = name, 0, [], [], []
        self.warnings = []

    def say(self, text):
        print(f"stackset: {self.name}: {text}" + (f" [{time.monotonic() - T0:.1f}s]" if os.environ.get("CROSSROLE_TIMES") else ""), flush=True)

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            self.say(f"ok: {what}")
        else:
            self.problems.append(f"{what}: {detail}" if detail else what)
            self.say(f"PROBLEM: {what}{': ' + detail if detail else ''}")
        return ok

    def skip(self, what, why):
        self.not_asserted.append(f"{what} ({why})")
        self.say(f"NOT ASSERTED: {what}: {why}")

    def warn(self, text):
        """Something AWS or the CLI would reject outside what DEPLOY.md runs (a template's header
        comment): reported, not failed."""
        self.warnings.append(text)
        self.say(f"WARNING: {text}")

    def absorb(self, problems, what):
        """Counts a helper's list of problems (from deploy_moto's read-backs) as one check."""
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        self.check(not problems, what, "; ".join(problems[:3]) + more)


# --- DEPLOY.md --------------------------------------------------------------------------------

def sh_blocks(text):
    """The command lines of each ```sh block of `text` (continuations joined, comments dropped)."""
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", text, re.S):
        lines, cur = [], ""
        for raw in body.splitlines():
            line = raw.strip()
            if line.endswith("\\"):
                cur += line[:-1] + " "
                continue
            line, cur = cur + line, ""
            if line and not line.startswith("#"):
                lines.append(line)
        blocks.append(lines)
    return blocks


def section(md, heading):
    m = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", md, re.M | re.S)
    if not m:
        raise Failure(f"DEPLOY.md has no section `## {heading}`")
    return m.group(1)


def deploy_md(golden):
    with open(os.path.join(golden, "DEPLOY.md"), encoding="utf-8") as f:
        md = f.read()
    cfn = section(md, "With CloudFormation")
    i = cfn.find(API_HEADING)
    if i < 0:
        raise Failure(f"DEPLOY.md has no `{API_HEADING}`")
    api = sh_blocks(cfn[i:])[0]
    if [shlex.split(c)[:3] for c in api] != [["aws", "cloudformation", "create-stack-set"],
                                            ["aws", "cloudformation", "create-stack-instances"]]:
        raise Failure(f"the StackSet API block is not create-stack-set + create-stack-instances: {api}")
    m = re.search(r"The stack set, in the (hub|management) account `(\d{12})`", cfn)
    if not m:
        raise Failure("DEPLOY.md does not say in which account the stack set is created")
    progress = re.search(r"Progress:.*?```sh\n.*?```", cfn, re.S)
    before = [c for b in sh_blocks(section(md, "Before the first StackSet deploy")) for c in b]
    # The hub stacks: every `cloudformation deploy` of a template other than stackset.yaml, in order.
    hub = [c for b in sh_blocks(cfn) for c in b if shlex.split(c)[:3] == ["aws", "cloudformation", "deploy"]
           and options(c).get("template-file", [""])[0] != "cloudformation/stackset.yaml"]
    keys = [c for b in sh_blocks(section(md, "Afterwards")) for c in b
            if shlex.split(c)[:3] == ["aws", "iam", "create-access-key"]]
    # "- `user`: accounts `first` to `last` (n), groups `g`, `g-2`" under the hub line (several users only).
    reach = {}
    for u, first, last, n, groups in re.findall(r"^  - `([^`]+)`: accounts `(\d{12})`(?: to `(\d{12})`)? \((\d+)\), "
                                                r"groups (.*)$", md, re.M):
        reach[u] = {"first": first, "last": last or first, "count": int(n), "groups": re.findall(r"`([^`]+)`", groups)}
    return {"api": api, "account": m.group(2), "progress": sh_blocks(progress.group(0))[0] if progress else [],
            "before": before, "hub": hub, "keys": keys, "reach": reach}


def options(cmd):
    """`--name value...` of one command line, values as written (shell substitutions kept)."""
    words = shlex.split(cmd)
    opts, key = {}, None
    for w in words[3:]:
        if w.startswith("--"):
            key = w[2:]
            opts[key] = []
        elif key:
            opts[key].append(w)
    return opts


def shorthand(text, numbers=False):
    """The CLI's `Key=v,Key2=a,b,c` shorthand as a dict (lists where a key has several values);
    true/false are booleans, digits integers only with `numbers` (account ids stay strings)."""
    def scalar(v):
        return {"true": True, "false": False}.get(v, int(v) if numbers and v.isdigit() else v)

    out, key = {}, None
    for part in text.split(","):
        if "=" in part:
            key, v = part.split("=", 1)
            out[key] = scalar(v)
        else:
            prev = out[key]
            out[key] = (prev if isinstance(prev, list) else [prev]) + [scalar(part)]
    return out


def shell_eval(words, golden):
    """Values with `$(...)` in them, as bash gives them in the golden directory."""
    r = subprocess.run(["bash", "-c", "printf '%s\\n' " + " ".join(words)], cwd=golden, capture_output=True, text=True,
                       check=True)
    return r.stdout.split()


# --- 1: stackset.yaml against the API commands ------------------------------------------------

def check_stackset_yaml(run, golden, doc):
    """The AWS::CloudFormation::StackSet resource and the two API commands deploy the same thing."""
    t = load(os.path.join(golden, "cloudformation", "stackset.yaml"))
    (res,) = [r for r in t["Resources"].values() if r["Type"] == "AWS::CloudFormation::StackSet"]
    p = res["Properties"]
    ss, si = options(doc["api"][0]), options(doc["api"][1])
    body_path = ss["template-body"][0].removeprefix("file://")
    with open(os.path.join(golden, body_path), encoding="utf-8") as f:
        body = f.read()
    params = [dict(kv.split("=", 1) for kv in p.split(",")) for p in ss.get("parameters", [])]
    (group,) = p["StackInstancesGroup"]
    if "deployment-targets" in si:
        targets = shorthand(shell_eval(si["deployment-targets"], golden)[0])
        targets = {k: v if isinstance(v, list) or k == "AccountFilterType" else [v] for k, v in targets.items()}
    else:
        targets = {"Accounts": shell_eval(si["accounts"], golden)}
    pairs = [
        ("StackSetName", p["StackSetName"], ss["stack-set-name"][0]),
        ("Description", p.get("Description"), ss.get("description", [None])[0]),
        ("PermissionModel", p["PermissionModel"], ss["permission-model"][0]),
        ("CallAs", p.get("CallAs", "SELF"), ss.get("call-as", ["SELF"])[0]),
        ("CallAs of create-stack-instances", p.get("CallAs", "SELF"), si.get("call-as", ["SELF"])[0]),
        ("AutoDeployment", p.get("AutoDeployment"), shorthand(ss["auto-deployment"][0]) if "auto-deployment" in ss else None),
        ("ManagedExecution", p.get("ManagedExecution"), shorthand(ss["managed-execution"][0]) if "managed-execution" in ss else None),
        ("Capabilities", p.get("Capabilities"), ss.get("capabilities")),
        ("Parameters", p.get("Parameters"), params),
        ("TemplateBody", p["TemplateBody"], body),
        ("OperationPreferences", p.get("OperationPreferences"), shorthand(si["operation-preferences"][0], numbers=True)),
        ("DeploymentTargets", group["DeploymentTargets"], targets),
        ("Regions", group["Regions"], [{"Ref": "AWS::Region"}] if si["regions"] == [REGION] else si["regions"]),
    ]
    bad = [f"{k}: stackset.yaml {canon(a)}, DEPLOY.md {canon(b)}" for k, a, b in pairs if canon(a) != canon(b)]
    run.check(not bad, f"cloudformation/stackset.yaml and the DEPLOY.md StackSet API commands agree on {len(pairs)} settings "
              f"(the template body is {body_path} byte for byte)", "; ".join(bad))
    return {x["ParameterKey"]: x["ParameterValue"] for x in params}


# --- moto: organization, commands ---------------------------------------------------------------

def boto(moto, service, key="AKIAIOSFODNN7EXAMPLE", secret="secret", token=None):
    """A boto3 client for the fixtures (not for what is under test, which goes through the CLI).
    Made under the in-process CLI's lock: boto3's default session is not thread-safe, and making a
    client reads the whole process environment (its proxy settings), which a CLI command swaps
    while it runs (a key deleted mid-read was a KeyError: 'AWS_SECRET_ACCESS_KEY')."""
    with _Cli.lock:
        return boto3.client(service, endpoint_url=moto.endpoint, region_name=REGION, aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token)


def admin_creds(moto, account):
    """Aws (the CLI) acting in `account` through OrganizationAccountAccessRole, as an organization
    admin reaches it (moto-notes.md); the assume itself is a fixture, made with boto3."""
    c = boto(moto, "sts").assume_role(RoleArn=f"arn:{PARTITION}:iam::{account}:role/{ADMIN_ROLE}",
                                      RoleSessionName="crossrole-test")["Credentials"]
    a = Aws(moto, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], f"admin@{account}")
    a.account = account
    return a


class BotoAws:
    """The calls Aws makes with the CLI (`service operation --param value ...`), made with boto3
    in-process: the same botocore, requests and responses as the CLI, without a Python start-up per
    call. Only plain `--kebab-name value` parameters (anything else raises). Used for the read-backs
    and permission checks outside the CLI sample (CLI_ALL)."""

    def __init__(self, moto, key, secret, token=None, label=""):
        self.moto, self.label, self.creds, self._clients = moto, f"{label} (boto3)", (key, secret, token), {}

    @classmethod
    def of(cls, aws):
        e = aws.env
        b = cls(aws.moto, e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"], e.get("AWS_SESSION_TOKEN"), aws.label)
        b.account = getattr(aws, "account", None)
        return b

    def call(self, service, operation, *args):
        if len(args) % 2 or not all(a.startswith("--") for a in args[::2]):
            raise Failure(f"BotoAws takes `--name value` pairs only: {service} {operation} {args}")
        params = {"".join(w.capitalize() for w in k[2:].split("-")): v for k, v in zip(args[::2], args[1::2])}
        service = "s3" if service == "s3api" else service
        if service not in self._clients:
            self._clients[service] = boto(self.moto, service, *self.creds)
        try:
            out = getattr(self._clients[service], operation.replace("-", "_"))(**params)
        except ClientError as e:
            return False, str(e)  # "An error occurred (Code) when calling the X operation: ...", as the CLI says it
        out.pop("ResponseMetadata", None)
        return True, out

    def run(self, *args):
        ok, out = self.call(*args)
        if not ok:
            raise Failure(f"{self.label}: {' '.join(args[:2])} failed: {out}")
        return out


def arn_like(pattern, arn):
    """IAM's ArnLike (and Resource) matching: each of the six `:` components on its own, `*` any
    characters, `?` one, `${*}` `${?}` `${$}` the character itself."""
    pp, aa = pattern.split(":", 5), arn.split(":", 5)
    if len(pp) != 6 or len(aa) != 6:
        return False

    def rx(p):
        out = []
        for tok in re.split(r"(\$\{[*?$]\}|\*|\?)", p):
            out.append(".*" if tok == "*" else "." if tok == "?" else re.escape(tok[2]) if tok.startswith("${") else re.escape(tok))
        return "".join(out)
    return all(re.fullmatch(rx(p), a, re.S) for p, a in zip(pp, aa))


def users_trust(hub_account, user_arns):
    """A member role's trust for several hub users: the hub account's root with
    `ArnLike aws:PrincipalArn [<first user's ARN>, <first user's ARN>-?, <first user's ARN>-??]`;
    every hub user's ARN must match it, and no other principal we can think of, such as another
    user whose name starts with the first one's (moto evaluates no trust policy)."""
    root = f"arn:{PARTITION}:iam::{hub_account}:root"
    first = user_arns[0]
    head, tail = first.split(":user", 1)
    escaped = head + ":user" + "".join({"*": "${*}", "?": "${?}", "$": "${$}"}.get(c, c) for c in tail)
    want = [escaped, escaped + "-?", escaped + "-??"]
    strangers = [first + "x", first + "-admin", first + "-100", f"{head}:role{tail}", first.replace(f"::{hub_account}:", "::123456789012:"),
                 f"{head}:user/other{tail}", f"arn:{PARTITION}:sts::{hub_account}:assumed-role{tail}/session"]

    def check(principals, st):
        got = ((st.get("Condition") or {}).get("ArnLike") or {}).get("aws:PrincipalArn")
        got = [got] if isinstance(got, str) else got
        if principals != [root] or sorted(got or []) != sorted(want) or set(st.get("Condition") or {}) != {"ArnLike"}:
            return f"trust for {len(user_arns)} hub users wants principal [{root}] with only ArnLike aws:PrincipalArn {want}"
        missed = [a for a in user_arns if not any(arn_like(p, a) for p in got)]
        stray = [a for a in strangers if any(arn_like(p, a) for p in got)]
        if missed or stray:
            return f"ArnLike {got} misses hub users {missed} / lets in {stray}"
        return None
    check.strangers = strangers
    return check


def statements(doc):
    st = doc.get("Statement", [])
    return [st] if isinstance(st, dict) else st


def listed(v):
    return [v] if isinstance(v, str) else list(v or [])


def hub_model(templates):
    """What the hub templates (evaluated with the names moto gave) say exists: users, groups,
    memberships (every AWS::IAM::UserToGroupAddition of every template), inline policies per group
    and user, attached managed policies, customer managed policies."""
    m = {"users": {}, "groups": {}, "members": {}, "inline": {}, "attached": {}, "managed": {}, "unhandled": []}
    for rel, t, env in templates:
        for logical, r in t["Resources"].items():
            kind, p = r["Type"], cfn_eval(r.get("Properties", {}), env)
            if kind == "AWS::IAM::User":
                m["users"][p["UserName"]] = dict(p, template=rel)
                m["unhandled"] += [f"{rel}: {logical}.{k}" for k in ("Groups", "Policies", "ManagedPolicyArns") if p.get(k)]
            elif kind == "AWS::IAM::Group":
                m["groups"][p["GroupName"]] = dict(p, template=rel)
                m["attached"].setdefault(("group", p["GroupName"]), []).extend(p.get("ManagedPolicyArns", []))
                m["unhandled"] += [f"{rel}: {logical}.Policies"] if p.get("Policies") else []
            elif kind == "AWS::IAM::UserToGroupAddition":
                m["members"].setdefault(p["GroupName"], []).extend(p["Users"])
            elif kind == "AWS::IAM::Policy":
                for k in ("Groups", "Users"):
                    for who in p.get(k, []):
                        m["inline"].setdefault((k[:-1].lower(), who), {})[p["PolicyName"]] = p["PolicyDocument"]
            elif kind == "AWS::IAM::ManagedPolicy":
                arn = f"arn:{PARTITION}:iam::{env['AWS::AccountId']}:policy{p.get('Path', '/')}{p['ManagedPolicyName']}"
                m["managed"][arn] = p["PolicyDocument"]
                for k in ("Groups", "Users"):
                    for who in p.get(k, []):
                        m["attached"].setdefault((k[:-1].lower(), who), []).append(arn)
    return m


def groups_of(model, user):
    return [g for g in model["groups"] if user in model["members"].get(g, [])]


def assume_patterns(model, user):
    """The sts:AssumeRole resources the user's own and its groups' inline policies allow."""
    docs = list(model["inline"].get(("user", user), {}).values())
    for g in groups_of(model, user):
        docs += model["inline"].get(("group", g), {}).values()
    out = []
    for d in docs:
        for st in statements(d):
            if st.get("Effect") == "Allow" and any(a in ("sts:AssumeRole", "sts:*", "*") for a in listed(st.get("Action"))):
                out += listed(st.get("Resource"))
    return out


def check_hub_iam(cli, model, filled):
    """Reads every user and group of the hub templates back with aws iam, side by side: all through
    the CLI up to CLI_ALL entities, else the users and the first group of each user through the CLI
    and the other groups through boto3. Returns (problems, entities through the CLI, through boto3)."""
    entities = len(model["users"]) + len(model["groups"])
    by_cli = set(model["users"]) | {gs[0] for u in model["users"] for gs in [groups_of(model, u)] if gs}
    bulk = BotoAws.of(cli)

    def client(name):
        return cli if entities <= CLI_ALL or name in by_cli else bulk

    def user(name):
        problems, p, aws = [], model["users"][name], client(name)
        u = aws.run("iam", "get-user", "--user-name", name)["User"]
        expect(problems, f"{aws.label}: user {name} path", u["Path"], p.get("Path", "/"))
        fill_and_check_tags(aws, "user", name, {t["Key"]: t["Value"] for t in p.get("Tags", [])}, filled, problems)
        groups = [x["GroupName"] for x in aws.run("iam", "list-groups-for-user", "--user-name", name)["Groups"]]
        expect(problems, f"{aws.label}: user {name} groups", sorted(groups), sorted(groups_of(model, name)))
        inline = model["inline"].get(("user", name), {})
        names = aws.run("iam", "list-user-policies", "--user-name", name)["PolicyNames"]
        expect(problems, f"{aws.label}: user {name} inline policy names", sorted(names), sorted(inline))
        for pname, doc in inline.items():
            got = aws.run("iam", "get-user-policy", "--user-name", name, "--policy-name", pname)["PolicyDocument"]
            expect(problems, f"{aws.label}: user {name} inline policy {pname}", policy_doc(got), doc)
        if model["attached"].get(("user", name)):
            got = [a["PolicyArn"] for a in aws.run("iam", "list-attached-user-policies", "--user-name", name)["AttachedPolicies"]]
            expect(problems, f"{aws.label}: user {name} attached policies", sorted(got), sorted(model["attached"][("user", name)]))
        return problems

    def group(name):
        problems, p, aws = [], model["groups"][name], client(name)
        g = aws.run("iam", "get-group", "--group-name", name)
        expect(problems, f"{aws.label}: group {name} path", g["Group"]["Path"], p.get("Path", "/"))
        expect(problems, f"{aws.label}: group {name} members", sorted(x["UserName"] for x in g["Users"]),
               sorted(model["members"].get(name, [])))
        inline = model["inline"].get(("group", name), {})
        names = aws.run("iam", "list-group-policies", "--group-name", name)["PolicyNames"]
        expect(problems, f"{aws.label}: group {name} inline policy names", sorted(names), sorted(inline))
        for pname, doc in inline.items():
            got = aws.run("iam", "get-group-policy", "--group-name", name, "--policy-name", pname)["PolicyDocument"]
            expect(problems, f"{aws.label}: group {name} inline policy {pname}", policy_doc(got), doc)
        want = sorted(model["attached"].get(("group", name), []))
        attached = sorted(a["PolicyArn"] for a in aws.run("iam", "list-attached-group-policies", "--group-name", name)["AttachedPolicies"])
        # A group's ManagedPolicyArns went with the group moto skipped: filled as deploy_moto.check_hub does.
        missing = [a for a in want if a not in attached and ":iam::aws:policy/" in a]
        for arn in missing:
            aws.run("iam", "attach-group-policy", "--group-name", name, "--policy-arn", arn)
            filled.append(f"{aws.label}: group {name} ManagedPolicyArns {arn.rsplit('/', 1)[1]} (the group was filled): "
                          "iam attach-group-policy")
        if missing:
            attached = sorted(a["PolicyArn"] for a in aws.run("iam", "list-attached-group-policies", "--group-name", name)["AttachedPolicies"])
        expect(problems, f"{aws.label}: group {name} attached policies", attached, want)
        return problems

    def managed(arn):
        problems, aws = [], cli
        pol = aws.run("iam", "get-policy", "--policy-arn", arn)["Policy"]
        ver = aws.run("iam", "get-policy-version", "--policy-arn", arn, "--version-id", pol["DefaultVersionId"])
        expect(problems, f"{aws.label}: managed policy {arn}", policy_doc(ver["PolicyVersion"]["Document"]), model["managed"][arn])
        return problems

    jobs = [(user, u) for u in model["users"]] + [(group, g) for g in model["groups"]] + [(managed, a) for a in model["managed"]]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        found = list(pool.map(lambda j: j[0](j[1]), jobs))
    problems = [p for ps in found for p in ps]
    problems += [f"{u}: moto ignores it and this test does not fill it" for u in model["unhandled"]]
    n_cli = len([n for n in list(model["users"]) + list(model["groups"]) if client(n) is cli])
    return problems, n_cli, entities - n_cli


def policy_chars(doc):
    """A policy's size as IAM counts it against its quotas: the JSON without white space."""
    return len(re.sub(r"\s", "", json.dumps(doc, separators=(",", ":"))))


def aws_limits(model, member_t, member_env, template_sizes):
    """What real AWS would refuse in the templates and commands (moto checks none of it)."""
    bad = []
    for (kind, who), pols in model["inline"].items():
        cap = {"group": GROUP_INLINE_MAX, "user": USER_INLINE_MAX}[kind]
        size = sum(policy_chars(d) for d in pols.values())
        if size > cap:
            bad.append(f"{kind} {who}: inline policies {size} characters, IAM allows {cap}")
    for u, p in model["users"].items():
        n = len(groups_of(model, u))
        if n > GROUPS_PER_USER_MAX:
            bad.append(f"user {u} is in {n} groups, IAM allows {GROUPS_PER_USER_MAX}")
    for kind, items in (("user", model["users"]), ("group", model["groups"])):
        for name, p in items.items():
            if len(name) > NAME_MAX[kind] or len(p.get("Path", "/")) > PATH_MAX:
                bad.append(f"{kind} {name}: name {len(name)} / path {len(p.get('Path', '/'))} characters")
    role = cfn_eval(member_t["Resources"]["MemberRole"]["Properties"], member_env)
    if len(role["RoleName"]) > NAME_MAX["role"] or len(role.get("Path", "/")) > PATH_MAX:
        bad.append(f"role {role['RoleName']}: name {len(role['RoleName'])} / path {len(role.get('Path', '/'))} characters, "
                   f"IAM allows {NAME_MAX['role']} / {PATH_MAX}")
    if policy_chars(role["AssumeRolePolicyDocument"]) > TRUST_MAX:
        bad.append(f"role {role['RoleName']}: trust policy {policy_chars(role['AssumeRolePolicyDocument'])} characters, "
                   f"the default quota is {TRUST_MAX}")
    inline = sum(policy_chars(cfn_eval(r["Properties"], dict(member_env, MemberRole=role["RoleName"]))["PolicyDocument"])
                 for r in member_t["Resources"].values() if r["Type"] == "AWS::IAM::Policy")
    if inline > ROLE_INLINE_MAX:
        bad.append(f"role {role['RoleName']}: inline policies {inline} characters, IAM allows {ROLE_INLINE_MAX}")
    for what, size, via_s3 in template_sizes:
        if size > (TEMPLATE_URL_MAX if via_s3 else TEMPLATE_BODY_MAX):
            bad.append(f"{what}: {size:,} bytes {'in S3' if via_s3 else 'without --s3-bucket'}, CloudFormation allows "
                       f"{TEMPLATE_URL_MAX if via_s3 else TEMPLATE_BODY_MAX:,}")
    return bad


class Org:
    """An organization in moto, made from its management account (a fixture: boto3, same API as
    `aws organizations create-organization`, `create-organizational-unit`, `create-account`,
    `move-account`)."""

    def __init__(self, moto, management):
        self.mgmt = admin_creds(moto, management)
        self.management = management
        e = self.mgmt.env
        self.api = boto(moto, "organizations", e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"], e["AWS_SESSION_TOKEN"])
        self.id = self.api.create_organization(FeatureSet="ALL")["Organization"]["Id"]
        self.root = self.api.list_roots()["Roots"][0]["Id"]

    def ou(self, name, parent=None):
        return self.api.create_organizational_unit(ParentId=parent or self.root, Name=name)["OrganizationalUnit"]["Id"]

    def account(self, name, parent):
        acct = self.api.create_account(AccountName=name, Email=f"{name}@example.com")["CreateAccountStatus"]["AccountId"]
        if parent != self.root:
            self.api.move_account(AccountId=acct, SourceParentId=self.root, DestinationParentId=parent)
        return acct

    def accounts(self, specs):
        """[(name, parent)] -> [account id]."""
        return [self.account(*s) for s in specs]


def substitute(text, mapping):
    for k in sorted(mapping, key=len, reverse=True):
        text = text.replace(k, mapping[k])
    return text


def run_doc(run, moto, aws, cmd, golden, mapping, accounts_file=None, drop=()):
    """Runs one DEPLOY.md command line with bash, from the golden directory, as `aws`'s account."""
    line = substitute(cmd, mapping)
    if accounts_file:
        line = re.sub(r"(?<![\w./-])accounts\.txt\b", accounts_file, line)
    for d in drop:
        line = line.replace(d, "").replace("  ", " ")
    env = dict(aws.env, PATH=BIN + os.pathsep + os.environ["PATH"], AWS_ENDPOINT_URL=moto.endpoint)
    run.say(f"$ ({aws.label}) {line}")
    r = subprocess.run(["bash", "-c", "set -euo pipefail\n" + line], cwd=golden, env=env, capture_output=True, text=True)
    out = r.stdout.strip()
    try:
        parsed = json.loads(out) if out else None
    except json.JSONDecodeError:
        parsed = out
    return r.returncode == 0, parsed, (r.stderr or r.stdout).strip()


def instances(aws, name, call_as=None):
    args = ["cloudformation", "list-stack-instances", "--stack-set-name", name]
    if call_as:
        args += ["--call-as", call_as]
    return aws.run(*args)["Summaries"]


def read_role(aws, template, env, filled, problems, trust_check):
    """The member role as `aws iam get-role`, `list-role-policies` and `get-role-policy` give it,
    against the template: deploy_moto's check_member minus its tag and attached-policy reads
    (two CLI start-ups an account) when the role has neither Tags nor ManagedPolicyArns."""
    role_p = cfn_eval(template["Resources"]["MemberRole"]["Properties"], env)
    if role_p.get("Tags") or role_p.get("ManagedPolicyArns"):
        return check_member(aws, template, env, filled, problems, trust_check)
    name = role_p["RoleName"]
    r = aws.run("iam", "get-role", "--role-name", name)["Role"]
    where = f"{aws.label}: role {name}"
    expect(problems, f"{where} path", r["Path"], role_p.get("Path", "/"))
    expect(problems, f"{where} max session", r.get("MaxSessionDuration"), role_p.get("MaxSessionDuration", 3600))
    expect(problems, f"{where} description", r.get("Description"), role_p.get("Description"))
    expect(problems, f"{where} boundary", (r.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
           role_p.get("PermissionsBoundary"))
    trust = policy_doc(r["AssumeRolePolicyDocument"])
    expect(problems, f"{where} trust policy", trust, role_p["AssumeRolePolicyDocument"])
    st = trust["Statement"][0]
    principals = st["Principal"]["AWS"]
    wrong = trust_check(principals if isinstance(principals, list) else [principals], st)
    if wrong or len(trust["Statement"]) != 1 or st.get("Action") not in (["sts:AssumeRole"], "sts:AssumeRole"):
        problems.append(f"{where} trust is {canon(trust)}; {wrong or 'one statement allowing sts:AssumeRole'}")
    want = {}
    for res in template["Resources"].values():
        if res["Type"] == "AWS::IAM::Policy":
            p = cfn_eval(res["Properties"], env)
            want[p["PolicyName"]] = p["PolicyDocument"]
    names = aws.run("iam", "list-role-policies", "--role-name", name)["PolicyNames"]
    expect(problems, f"{where} inline policy names", sorted(names), sorted(want))
    for pname, doc in want.items():
        got = aws.run("iam", "get-role-policy", "--role-name", name, "--policy-name", pname)["PolicyDocument"]
        expect(problems, f"{where} inline policy {pname}", policy_doc(got), doc)
    return f"arn:{PARTITION}:iam::{aws.account}:role{role_p.get('Path', '/')}{name}"


# --- one golden -------------------------------------------------------------------------------

class Scenario:
    def __init__(self, repo, name):
        self.run = Run(name)
        self.golden = os.path.abspath(os.path.join(repo, "tests", "golden", name))
        if not os.path.exists(os.path.join(self.golden, "cloudformation", "stackset.yaml")):
            raise Failure(f"{name} has no cloudformation/stackset.yaml: not a StackSet golden")
        self.config = config_for(repo, name)
        self.doc = deploy_md(self.golden)
        ss = options(self.doc["api"][0])
        self.ss_opts = ss
        self.stack_set = ss["stack-set-name"][0]
        self.model = ss["permission-model"][0]
        self.call_as = ss.get("call-as", ["SELF"])[0]
        self.hub_account = str(self.config["hub"]["account"])
        self.listed = [str(a["id"] if isinstance(a, dict) else a) for a in self.config.get("accounts") or []]
        path = os.path.join(self.golden, "cloudformation", "member.yaml")
        with open(path, encoding="utf-8") as f:
            self.member_text = f.read()
        self.member_t = yaml.safe_load(self.member_text)
        self.role_name = self.member_t["Resources"]["MemberRole"]["Properties"]["RoleName"]
        self.trust_mode = ((self.config.get("member_role") or {}).get("trust")) or "principal-arn"
        self.mapping, self.accounts_file, self.org = {}, None, None
        self.targets, self.outside, self.may_add = [], [], {}
        self._admins = {}

    def admin(self, acct):
        """Credentials acting in `acct` (OrganizationAccountAccessRole), one set per account."""
        if acct not in self._admins:
            self._admins[acct] = admin_creds(self.moto, acct)
        return self._admins[acct]

    def doc_run(self, aws, cmd, what, drop=()):
        ok, out, err = run_doc(self.run, self.moto, aws, cmd, self.golden, self.mapping, self.accounts_file, drop)
        self.run.check(ok, what, err)
        return out if ok else None

    def go(self):
        run = self.run
        self.cmd_params = check_stackset_yaml(run, self.golden, self.doc)
        self.moto = Moto(load_managed_policies=False)
        try:
            self.organization()
            self.before()
            self.deploy_hub()
            self.sample = self.cli_sample()
            self.stack_set_api()
            self.read_back()
            self.stackset_template()
            self.enforcement()
        except Failure as e:
            run.check(False, "the scenario stopped", str(e))
        except (KeyError, IndexError, TypeError, ValueError) as e:
            run.check(False, "the output does not have the expected shape", f"{type(e).__name__}: {e}")
        finally:
            self.moto.stop()
        return run

    # 2: the organization, and which accounts the stack set must reach
    def organization(self):
        run = self.run
        if self.model != "SERVICE_MANAGED":
            with open(os.path.join(self.golden, "accounts.txt"), encoding="utf-8") as f:
                self.targets = f.read().split()
            self.outside = [OUTSIDER]
            run.say(f"no organization (self-managed); target accounts from accounts.txt: {self.targets}")
            return
        o = self.config["organization"]
        management = str(o.get("management_account") or DEFAULT_MANAGEMENT)
        org = self.org = Org(self.moto, management)
        self._admins[management] = org.mgmt
        m = self.mapping
        m[o["id"]] = org.id
        run.say(f"organization {org.id} made from the management account {management}"
                f"{'' if o.get('management_account') else ' (the config names none)'}; root {org.root}")
        units = [str(u) for u in o["units"]]
        for u in units:
            m[u] = org.root if u.startswith("r-") else org.ou(f"crossrole-{u}")
        root_targeted = org.root in (m[u] for u in units)
        specs = []
        if self.listed:
            # The listed accounts (moto makes up their ids) in the first target and in a child OU of
            # it, and two accounts there that are not listed.
            first = m[units[0]]
            team = org.ou("crossrole-team", first)
            specs += [(f"listed-{a}", first if i == 0 else team) for i, a in enumerate(self.listed)]
            specs += [("unlisted-1", first), ("unlisted-2", team)]
        else:
            specs += [(f"{u}-{i}", m[u]) for u in units for i in (1, 2, 3)]
        if not root_targeted:
            specs += [("outside-root", org.root), ("outside-ou", org.ou("crossrole-not-a-target"))]
        made = dict(zip([n for n, _ in specs], org.accounts(specs)))
        for a in self.listed:
            m[a] = made[f"listed-{a}"]
        if self.listed:
            self.targets = [m[a] for a in self.listed]
            for n in ("unlisted-1", "unlisted-2"):
                self.may_add[made[n]] = "in a target OU, not listed: moto ignores AccountFilterType INTERSECTION"
            self.accounts_file = os.path.join(tempfile.mkdtemp(prefix="crossrole-stackset-"), "accounts.txt")
            with open(self.accounts_file, "w", encoding="utf-8") as f:
                f.write("".join(m[a] + "\n" for a in self.listed))
        else:
            self.targets = [made[n] for n, _ in specs if not n.startswith("outside")]
        self.outside = [made[n] for n in ("outside-root", "outside-ou") if n in made]
        if root_targeted:
            self.may_add[management] = "the management account is in the targeted root: moto deploys to it, AWS never does"
        else:
            self.outside.append(management)
        run.say("golden ids mapped to moto's, substituted in the commands run, in hub.yaml"
                + (" and in a copy of accounts.txt" if self.accounts_file else "") + ": "
                + ", ".join(f"{k} -> {v}" for k, v in m.items()))
        run.say(f"accounts: targets {self.targets}; outside the targets {self.outside}; "
                f"in the target OUs but not listed {sorted(a for a in self.may_add if a != management)}")

    # 3: the "Before" commands
    def before(self):
        run = self.run
        for cmd in self.doc["before"]:
            words = shlex.split(cmd)
            if words[:3] == ["aws", "cloudformation", "activate-organizations-access"]:
                # moto 5.2.5 has no ActivateOrganizationsAccess; organizations
                # enable-aws-service-access is what it does to the organization.
                run.skip("activate-organizations-access", "moto 5.2.5 does not implement it: trusted access for "
                         f"{SPN} is turned on with organizations enable-aws-service-access instead")
                if self.org is not None:
                    self.org.api.enable_aws_service_access(ServicePrincipal=SPN)
                continue
            if words[:2] != ["aws", "organizations"]:
                run.skip(f"`{cmd[:80]}...`", "not run: AWS's sample role templates are not part of the output, "
                         "and moto's StackSets never look up or assume the administration or execution role")
                continue
            if self.org is None:
                raise Failure(f"DEPLOY.md runs `{' '.join(words[:3])}` for a stack set without an organization")
            ok, _, err = run_doc(run, self.moto, self.org.mgmt, cmd, self.golden, self.mapping)
            if not ok and words[2] == "register-delegated-administrator" and any(e in err for e in MOTO_DELEGATED_ADMIN_ERRORS):
                run.skip("register-delegated-administrator", f"moto 5.2.5 rejects it ({err.splitlines()[-1]}): it cannot hold "
                         f"{self.hub_account} as a member (it makes up account ids) and lacks {SPN} among its "
                         "delegated-admin services")
            else:
                run.check(ok, f"DEPLOY.md `{' '.join(words[:3])}` succeeds in the management account", err)

    # 3b: the hub stacks, as DEPLOY.md deploys them, then read back
    def deploy_hub(self):
        run = self.run
        hub = self.hub = self.admin(self.hub_account)
        if not self.doc["hub"] or options(self.doc["hub"][0])["template-file"][0] != os.path.relpath(hub_template(self.golden), self.golden):
            raise Failure(f"DEPLOY.md's first `cloudformation deploy` is not of cloudformation/hub.yaml: {self.doc['hub']}")
        templates, sizes, bucket = [], [], None
        for cmd in self.doc["hub"]:
            opts = options(cmd)
            rel, stack = opts["template-file"][0], opts["stack-name"][0]
            with open(os.path.join(self.golden, rel), encoding="utf-8") as f:
                text = f.read()
            size = len(text.encode())
            t = yaml.safe_load(substitute(text, self.mapping))
            words = shlex.split(substitute(cmd, self.mapping))
            aws, via = hub, ""
            if "s3-bucket" in opts:
                if bucket is None:
                    # A fixture (boto3): the bucket DEPLOY.md asks for.
                    bucket = f"crossrole-templates-{self.hub_account}"
                    boto(self.moto, "s3", *BotoAws.of(hub).creds).create_bucket(Bucket=bucket)
                words = [bucket if w == opts["s3-bucket"][0] else w for w in words]
                # `cloudformation deploy` gives its S3 client no --endpoint-url; and moto fetches a
                # TemplateURL only from s3*.amazonaws.com or a host named localhost.
                aws = Aws(self.moto, *BotoAws.of(hub).creds, label=hub.label)
                aws.account = hub.account
                aws.env["AWS_ENDPOINT_URL_S3"] = self.moto.endpoint.replace("127.0.0.1", "localhost")
                via = f", through s3://{bucket}"
            sizes.append((rel, size, "s3-bucket" in opts))
            at = words.index("--template-file") + 1
            run.say(f"$ ({hub.label}) {' '.join(words)}   (with {rel} as moto can deploy it: see `filled`)")
            env = deploy(aws, t, stack, {}, run.filled, lambda path, w=words, i=at: w[1:i] + [path] + w[i + 1:],
                         filler=BotoAws.of(hub))
            run.check(True, f"DEPLOY.md `cloudformation deploy` of {rel} ({size:,} bytes{via}) in {self.hub_account}: "
                      f"stack {stack} complete, a physical id for every resource moto implements")
            templates.append((rel, t, env))
        if bucket:
            objs = boto(self.moto, "s3", *BotoAws.of(hub).creds).list_objects_v2(Bucket=bucket).get("KeyCount", 0)
            run.check(objs > 0, f"the CLI uploaded the template to s3://{bucket} ({objs} object(s))")
        self.hub_t_all = [t for _, t, _ in templates]
        self.hub_model = model = hub_model(templates)
        problems, n_cli, n_bulk = check_hub_iam(hub, model, run.filled)
        run.absorb(problems, f"hub account {self.hub_account}: {len(model['users'])} user(s), {len(model['groups'])} group(s) "
                   f"read back as {', '.join(r for r, _, _ in templates)}"
                   + (f" ({n_cli} through the CLI, {n_bulk} through boto3)" if n_bulk else "")
                   + ": paths, tags, memberships, every group's and user's inline policies, attached policies")
        # The hub users in template order; the first is the one the member template's parameters name.
        self.users = []
        for name, p in model["users"].items():
            arn = f"arn:{PARTITION}:iam::{self.hub_account}:user{p.get('Path', '/')}{name}"
            pats = assume_patterns(model, name)
            reach = [a for a in self.targets if any(arn_like(pat, self.role_arn(a)) for pat in pats)]
            self.users.append({"name": name, "arn": arn, "groups": groups_of(model, name), "reach": reach})
        self.user, self.user_arn = self.users[0]["name"], self.users[0]["arn"]
        counts = ", ".join(f"{u['name']} {len(u['reach'])} (groups {len(u['groups'])})" for u in self.users)
        reached = [a for u in self.users for a in u["reach"]]
        run.check(sorted(reached) == sorted(self.targets), f"the hub users' sts:AssumeRole policies cover each of the "
                  f"{len(self.targets)} target accounts exactly once: {counts}",
                  f"unreached {sorted(set(self.targets) - set(reached))}, reached twice "
                  f"{sorted(a for a in set(reached) if reached.count(a) > 1)}")
        if len(self.users) > 1 or self.doc["reach"]:
            said = {u: (r["first"], r["last"], r["count"], sorted(r["groups"])) for u, r in self.doc["reach"].items()}
            got = {u["name"]: (u["reach"][0], u["reach"][-1], len(u["reach"]), sorted(u["groups"])) if u["reach"] else None
                   for u in self.users}
            run.check(said == got, "DEPLOY.md lists for each hub user the accounts it reaches and its groups as the "
                      "templates grant them", f"DEPLOY.md {said}, templates {got}")
        member_env = names_env(self.member_t, self.targets[0] if self.targets else OUTSIDER, self.cmd_params)
        with open(os.path.join(self.golden, "cloudformation", "stackset.yaml"), "rb") as f:
            stackset_size = len(f.read())
        bad = aws_limits(model, self.member_t, member_env, sizes + [
            ("the stack set's template body (cloudformation/member.yaml)", len(self.member_text.encode()), False),
            ("cloudformation/stackset.yaml", stackset_size, False)])
        biggest = max((sum(policy_chars(d) for d in pols.values()), who) for (kind, who), pols in model["inline"].items()
                      if kind == "group") if model["groups"] else (0, None)
        run.check(not bad, f"within AWS's limits (moto checks none): group inline policies (largest {biggest[0]:,} of "
                  f"{GROUP_INLINE_MAX:,} characters, {biggest[1]}), groups per user, names, paths, trust and role policy "
                  "sizes, template sizes", "; ".join(bad))
        for rel, size, via_s3 in sizes:
            with open(os.path.join(self.golden, rel), encoding="utf-8") as f:
                head = [ln for ln in f.read().splitlines()[:5] if "aws cloudformation deploy" in ln]
            if size > TEMPLATE_BODY_MAX and head and "--s3-bucket" not in head[0]:
                run.warn(f"{rel} ({size:,} bytes) says in its header `{head[0].lstrip('# ')}`: without --s3-bucket the "
                         f"CLI refuses a template over {TEMPLATE_BODY_MAX:,} bytes")

    def role_arn(self, acct):
        p = cfn_eval(self.member_t["Resources"]["MemberRole"]["Properties"], names_env(self.member_t, acct, self.cmd_params))
        return f"arn:{PARTITION}:iam::{acct}:role{p.get('Path', '/')}{p['RoleName']}"

    def cli_sample(self):
        """The target accounts whose read-backs and permission checks go through the CLI."""
        if len(self.targets) <= CLI_ALL:
            return set(self.targets)
        return {a for u in self.users if u["reach"] for a in (u["reach"][0], u["reach"][-1])} or {self.targets[0], self.targets[-1]}

    def reader(self, acct):
        return self.admin(acct) if acct in self.sample else BotoAws.of(self.admin(acct))

    # 3: the StackSet API commands of DEPLOY.md, in the account it names, and its progress commands
    def stack_set_api(self):
        run, doc = self.run, self.doc
        acct = doc["account"]
        if acct not in (self.hub_account, self.org.management if self.org else None):
            raise Failure(f"DEPLOY.md creates the stack set in {acct}, neither the hub nor the management account")
        admin = self.admin(acct)
        op = None
        for cmd in doc["api"]:
            out = self.doc_run(admin, cmd, f"DEPLOY.md `{' '.join(shlex.split(cmd)[:3])}` succeeds in {acct}")
            if isinstance(out, dict) and "OperationId" in out:
                op = out["OperationId"]
        for cmd in doc["progress"]:
            self.doc_run(admin, cmd.replace("OPERATION-ID", op or "OPERATION-ID"),
                         f"DEPLOY.md progress `{' '.join(shlex.split(cmd)[:3])}` succeeds")
        got = instances(admin, self.stack_set, None if self.call_as == "SELF" else self.call_as)
        if not got and self.call_as == "DELEGATED_ADMIN":
            run.skip(f"the stack instances of the delegated administrator {acct}",
                     "moto ignores --call-as and resolves the OUs in the hub account's own, empty, Organizations backend: "
                     "0 instances, operation SUCCEEDED")
            admin = self.org.mgmt
            run.say(f"so the same two commands run again in the management account {admin.account} without "
                    "`--call-as DELEGATED_ADMIN` (on AWS a delegated administrator's service-managed stack set is one of "
                    "the management account); what follows reads that stack set")
            for cmd in doc["api"]:
                self.doc_run(admin, cmd, f"DEPLOY.md `{' '.join(shlex.split(cmd)[:3])}` without --call-as succeeds in "
                             f"{admin.account}", drop=("--call-as DELEGATED_ADMIN",))
            got = instances(admin, self.stack_set)
        self.set_admin, self.instances = admin, got

    # 4: read back
    def read_back(self):
        run, admin = self.run, self.set_admin
        ss = admin.run("cloudformation", "describe-stack-set", "--stack-set-name", self.stack_set)["StackSet"]
        self.params = {p["ParameterKey"]: p["ParameterValue"] for p in ss.get("Parameters", [])}
        want_desc = self.ss_opts.get("description", [None])[0]
        run.check(ss["PermissionModel"] == self.model and ss["TemplateBody"] == self.member_text and self.params == self.cmd_params
                  and ss.get("Description") == want_desc,
                  f"describe-stack-set: {self.model}, template body = cloudformation/member.yaml, parameters {self.params}, "
                  "description as --description",
                  f"got {ss['PermissionModel']}, body equal: {ss['TemplateBody'] == self.member_text}, "
                  f"description {ss.get('Description')!r}")
        if "auto-deployment" in self.ss_opts or "managed-execution" in self.ss_opts:
            run.skip("the stack set's auto-deployment and managed execution", "moto ignores them (describe-stack-set: "
                     f"AutoDeployment {ss.get('AutoDeployment')}, ManagedExecution {ss.get('ManagedExecution')})")
        per_account = {}
        for i in self.instances:
            per_account.setdefault(i["Account"], []).append((i["Region"], i["Status"]))
        missing = [a for a in self.targets if a not in per_account]
        wrong = {a: v for a, v in per_account.items() if a in self.targets and v != [(REGION, "CURRENT")]}
        run.check(not missing and not wrong, f"list-stack-instances: one CURRENT instance in {REGION} in each of the "
                  f"{len(self.targets)} target accounts", f"missing {missing}, wrong {wrong}")
        extra = set(per_account) - set(self.targets)
        unexplained = sorted(extra - set(self.may_add))
        mgmt = self.org.management if self.org else None
        run.check(not unexplained, "no instance in any other account"
                  + (f", the management account {mgmt} included" if mgmt and mgmt not in self.may_add else ""),
                  f"instances in {unexplained}")
        for a, why in self.may_add.items():
            if a in extra:
                run.skip(f"no instance in {a}", why)
            else:
                run.check(True, f"no instance in {a} ({why.split(':')[0]})")

        if self.model == "SELF_MANAGED":
            def stack_of(acct):
                a = self.reader(acct)
                stacks = [x for x in a.run("cloudformation", "list-stacks")["StackSummaries"] if self.stack_set in x["StackName"]]
                if len(stacks) != 1 or stacks[0]["StackStatus"] != "CREATE_COMPLETE":
                    return f"{acct}: stacks {[(x['StackName'], x['StackStatus']) for x in stacks]}"
                res = a.run("cloudformation", "describe-stack-resources", "--stack-name", stacks[0]["StackName"])["StackResources"]
                ids = {r["LogicalResourceId"]: r.get("PhysicalResourceId") for r in res}
                bad = [k for k in self.member_t["Resources"] if not ids.get(k)]
                return f"{acct}: no physical id for {bad}" if bad else None
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                bad = [b for b in pool.map(stack_of, self.targets) if b]
            run.check(not bad, f"each target account{self.how()} holds the instance's stack, CREATE_COMPLETE, with a "
                      f"physical id for each of {sorted(self.member_t['Resources'])}", "; ".join(bad))
        else:
            run.say("moto keeps service-managed instances' stacks hidden (there is no stack in a target account to read): "
                    "what they created is read with aws iam in each account")

        if len(self.users) > 1:
            trust = users_trust(self.hub_account, [u["arn"] for u in self.users])
            trust_what = (f"ArnLike aws:PrincipalArn [{self.user_arn}, {self.user_arn}-?, {self.user_arn}-??] (it matches each of the "
                          f"{len(self.users)} hub users' ARNs, and none of {len(trust.strangers)} other principals)")
        else:
            trust = member_trust(self.hub_account, self.user_arn, self.trust_mode)
            trust_what = self.trust_mode

        def one(acct):
            problems = []
            try:
                arn = read_role(self.reader(acct), self.member_t, names_env(self.member_t, acct, self.params), run.filled,
                                problems, trust)
            except Failure as e:
                if "NoSuchEntity" in str(e):
                    return acct, None, []
                raise
            return acct, arn, problems

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            backs = list(pool.map(one, self.targets))
        # Accounts with an instance but without its role (an account without an instance failed above).
        lacking = [a for a, arn, _ in backs if arn is None and a in per_account]
        if lacking and self.model == "SERVICE_MANAGED":
            # Not so in moto 5.2.5 (its service-managed instances create their resources), kept for
            # a moto that stops doing it.
            run.skip(f"the resources of the service-managed instances in {lacking}", "moto created none")
            run.say("deploying the same member.yaml with the stack set's parameters to those accounts through a SELF_MANAGED "
                    "stack set, for the read-back only: that proves what the stack set's template and parameters create in "
                    "each account, not that the service-managed stack set creates it")
            name = f"{self.stack_set}-readback"
            plist = [f"ParameterKey={k},ParameterValue={v}" for k, v in self.params.items()]
            admin.run("cloudformation", "create-stack-set", "--stack-set-name", name, "--permission-model", "SELF_MANAGED",
                      "--capabilities", "CAPABILITY_NAMED_IAM", "--template-body", self.member_text, "--parameters", *plist)
            admin.run("cloudformation", "create-stack-instances", "--stack-set-name", name, "--regions", REGION,
                      "--accounts", *lacking)
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                backs = [b for b in backs if b[0] not in lacking] + list(pool.map(one, lacking))
        roleless = [a for a, arn, _ in backs if arn is None]
        self.role_arns = {a: arn for a, arn, _ in backs if arn}
        run.absorb([p for _, _, ps in backs for p in ps] + [f"{a}: no role {self.role_name}" for a in roleless],
                   f"role {self.role_name} in each of the {len(self.targets)} target accounts{self.how()}: trust "
                   f"({trust_what}), inline policy, path, description, session length as member.yaml with the stack "
                   "set's parameters")
        if len(self.users) > 1:
            run.skip("that the member trust lets in the hub users and only them", "moto does not evaluate trust policies "
                     "(any principal may assume any role): the trust was read back from every role and its ArnLike "
                     "patterns evaluated here against the hub users' ARNs and other principals")
        wrong = {a: arn for a, arn in self.role_arns.items() if arn != self.role_arn(a)}
        run.check(not wrong, "each role's ARN, as read back, is the one the hub's policies name", str(wrong))
        if self.outside:
            strays = [a for a in self.outside if self.admin(a).call("iam", "get-role", "--role-name", self.role_name)[0]]
            run.check(not strays, f"no role {self.role_name} in the accounts outside the targets {self.outside}", f"found in {strays}")

    # The AWS::CloudFormation::StackSet path: DEPLOY.md's `cloudformation deploy` of stackset.yaml
    def stackset_template(self):
        run = self.run
        cmds = [c for b in sh_blocks(section(self._md(), "With CloudFormation")) for c in b if "cloudformation/stackset.yaml" in c]
        if len(cmds) != 1:
            return run.check(False, "DEPLOY.md gives one `cloudformation deploy` of cloudformation/stackset.yaml", str(cmds))
        stack = options(cmds[0])["stack-name"][0]
        admin = self.admin(self.doc["account"])
        ok, _, err = run_doc(run, self.moto, admin, cmds[0], self.golden, self.mapping)
        if not ok:
            return run.check(False, "DEPLOY.md `cloudformation deploy` of stackset.yaml succeeds", err)
        res = admin.run("cloudformation", "describe-stack-resources", "--stack-name", stack)["StackResources"]
        if any(r.get("PhysicalResourceId") for r in res):
            run.check(False, "moto no longer skips AWS::CloudFormation::StackSet: read the stack set it made back too", str(res))
        else:
            run.skip("the stack set made by cloudformation/stackset.yaml", "moto's CloudFormation skips "
                     "AWS::CloudFormation::StackSet (the stack is created, the resource gets no physical id); "
                     "the StackSet API commands were deployed instead, and stackset.yaml was compared with them")

    def how(self):
        """How the per-account reads went, for the check's text."""
        if len(self.sample) >= len(self.targets):
            return ""
        return f" ({len(self.sample)} read through the CLI, {len(self.targets) - len(self.sample)} through boto3)"

    def _md(self):
        with open(os.path.join(self.golden, "DEPLOY.md"), encoding="utf-8") as f:
            return f.read()

    # 5: IAM enforcement
    def access_keys(self):
        """One access key per hub user, made by DEPLOY.md's "Afterwards" commands in the hub account."""
        run, keys = self.run, {}
        for cmd in self.doc["keys"]:
            ok, out, err = run_doc(run, self.moto, self.hub, cmd, self.golden, self.mapping)
            if run.check(ok and isinstance(out, dict) and "AccessKey" in out, f"DEPLOY.md `{cmd}` succeeds", err):
                keys[out["AccessKey"]["UserName"]] = out["AccessKey"]
        missing = [u["name"] for u in self.users if u["name"] not in keys]
        run.check(not missing, f"DEPLOY.md creates an access key for each of the {len(self.users)} hub users",
                  f"none for {missing}")
        for u in missing:
            keys[u] = self.hub.run("iam", "create-access-key", "--user-name", u)["AccessKey"]
        return keys

    def enforcement(self):
        run = self.run
        mgmt = self.org.management if self.org else None
        # An account the hub does not grant: an unlisted one where moto made the role anyway, else one outside.
        probe = next((a for a in self.may_add if a != mgmt and
                      self.admin(a).call("iam", "get-role", "--role-name", self.role_name)[0]), None) or self.outside[0]
        keys = self.access_keys()
        self.moto.enforce_iam()
        regex = set("$^()[]{}+?|\\")
        if any(c in regex for arn in self.role_arns.values() for c in arn):
            run.skip("assuming the member roles with IAM enforcement on", "moto matches policy ARNs as regular "
                     "expressions, and these role ARNs contain regex characters")
            return
        text = json.dumps(self.hub_t_all)
        org_condition = "aws:ResourceOrgPaths" in text or "aws:ResourceOrgID" in text
        for u in self.users:
            k = keys[u["name"]]
            cli = Aws(self.moto, k["AccessKeyId"], k["SecretAccessKey"], label=f"user {u['name']}")
            bulk = BotoAws(self.moto, k["AccessKeyId"], k["SecretAccessKey"], label=f"user {u['name']}")
            ok, out = cli.call("sts", "get-caller-identity")
            run.check(ok and out.get("Arn") == u["arn"], f"user {u['name']}'s access key acts as {u['arn']} (sts "
                      "get-caller-identity; the ARN the member trust was checked against)", str(out))
            reach = set(u["reach"])
            others = [a for a in self.targets if a not in reach]
            # Through the CLI: the first and last account the user reaches and of those it does not.
            sample = set(self.targets) if len(self.targets) <= CLI_ALL else \
                {a for group in (u["reach"], others) if group for a in (group[0], group[-1])}

            def assume(acct, who=None):
                me = who or (cli if acct in sample else bulk)
                arn = self.role_arns.get(acct) or self.role_arn(acct)
                return acct, me.call("sts", "assume-role", "--role-arn", arn, "--role-session-name", "crossrole-test")

            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                results = dict(pool.map(assume, self.targets))
            denied = [f"{a}: {out}" for a, (ok, out) in results.items() if a in reach and not ok]
            allowed = [a for a, (ok, out) in results.items() if a not in reach and (ok or "AccessDenied" not in out)]
            n_cli = len([a for a in self.targets if a in sample])
            via = "" if n_cli == len(self.targets) else f"; {n_cli} of the calls through the CLI, the others through boto3"
            run.check(not denied and not allowed and results,
                      f"IAM enforcement on: user {u['name']} (its own access key) assumes the role in each of the "
                      f"{len(reach)} accounts its groups list and is denied it in the other {len(others)} target "
                      f"accounts{via}", "; ".join(denied + [f"{a}: not denied" for a in allowed]))
            mine = next((a for a in u["reach"] if results[a][0]), None)
            if mine:
                c = results[mine][1]["Credentials"]
                role = Aws(self.moto, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], f"role in {mine}")
                ok1, out1 = role.call("ec2", "describe-vpcs")
                ok2, out2 = role.call("s3api", "list-buckets")
                run.check(ok1 and not ok2 and "AccessDenied" in out2, f"user {u['name']}'s session of the role in {mine} "
                          "may ec2 describe-vpcs and not s3api list-buckets (the other roles' documents were read back "
                          "equal)", f"{out1} / {out2}")
            ok, out = cli.call("iam", "create-user", "--user-name", "crossrole-intruder")
            run.check(not ok and "AccessDenied" in out, f"user {u['name']} may not iam create-user", str(out))
            arn = self.role_arn(probe)
            _, (ok, out) = assume(probe, cli)
            if org_condition:
                run.skip(f"user {u['name']} assuming {arn}, outside the target OUs, is denied",
                         f"moto treats the aws:ResourceOrgPaths condition as satisfied (allowed={ok})")
            else:
                run.check(not ok and "AccessDenied" in str(out), f"user {u['name']} assuming {arn}, in an account the hub "
                          "does not list, is denied", str(out))


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: " + __doc__.rsplit("usage: ", 1)[1])
    repo, names = sys.argv[1], sys.argv[2:]
    start = time.monotonic()
    with open(os.path.join(HERE, "requirements-moto.txt"), encoding="utf-8") as f:
        pinned = re.search(r"^moto\[server\]==(\S+)", f.read(), re.M).group(1)
    if importlib.metadata.version("moto") != pinned:
        print(f"stackset: WARNING: moto {importlib.metadata.version('moto')} runs this, the findings above are of the pinned "
              f"{pinned}: what moto does with StackSets may differ", flush=True)
    runs = []
    for name in names:
        print(f"stackset: === {name} ===", flush=True)
        t0 = time.monotonic()
        try:
            run = Scenario(repo, name).go()
        except (Failure, KeyError, IndexError, TypeError, ValueError) as e:
            run = Run(name)
            run.check(False, "the golden could not be read", f"{type(e).__name__}: {e}")
        for f in sorted(run.filled):
            run.say(f"filled {f}")
        run.say(f"{time.monotonic() - t0:.0f}s")
        runs.append(run)
    print("stackset: === summary ===")
    for r in runs:
        print(f"stackset: {r.name}: {r.passed} checks passed, {len(r.problems)} problems, {len(r.not_asserted)} not asserted, "
              f"{len(r.filled)} moto gaps filled, {len(r.warnings)} warnings")
        for n in r.not_asserted:
            print(f"stackset:   not asserted: {n}")
        for w in r.warnings:
            print(f"stackset:   WARNING: {w}")
        for p in r.problems:
            print(f"stackset:   PROBLEM: {p}")
    total = sum(len(r.problems) for r in runs)
    print(f"stackset: {len(runs)} goldens, {total} problems, {time.monotonic() - start:.0f}s")
    sys.exit(1 if total else 0)


main()
