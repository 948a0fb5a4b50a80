"""End-to-end deploys of the golden CloudFormation output with the real `aws` CLI against a local
moto server (127.0.0.1 only), then read-backs and permission checks.

For each scenario (a golden directory):
1. Reach each account the way an organization admin does: assume OrganizationAccountAccessRole in
   it (moto returns keys that act in that account).
2. `aws cloudformation deploy --capabilities CAPABILITY_NAMED_IAM` the hub template in the hub
   account and the member template in every member account.
   moto's CloudFormation silently skips AWS::IAM::Group and AWS::IAM::UserToGroupAddition, and a
   policy that names the skipped group then fails the stack. The deployed template is therefore
   the golden one with those resources taken out and their Refs replaced by the names they stand
   for; the script creates them through moto's IAM API instead and prints each one it fills.
   Properties moto ignores (AWS::IAM::User Tags, AWS::IAM::Role ManagedPolicyArns, a group's
   ManagedPolicyArns) are filled the same way and printed. Every resource left in the deployed
   template must get a physical id.
3. Reads everything back with `aws iam get-*`/`list-*` and compares it with the golden template,
   evaluated as CloudFormation would (canonical JSON for every policy document).
4. Creates an access key for the hub user, switches moto's IAM enforcement on, and with that key
   assumes every member role and calls `ec2 describe-vpcs` (allowed), `s3api list-buckets` and the
   hub user's `iam create-user` (denied), and assumes a role in an account outside the setup
   (denied). moto does not enforce trust policies across accounts, so those are asserted by reading.

usage: deploy_moto.py REPO_DIR SCENARIO...   (run with the venv holding moto[server] and awscli)"""
import contextlib
import copy
import io
import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from awscli.clidriver import create_clidriver

from cfnlib import canon, cfn_eval, load
from goldens import (DEPLOY_TIME_ID, config_for, external_id_params, hub_template, is_single_account, is_vendor,
                     member_accounts, vendor_account, vendor_ids, vendor_role_template)

BIN = os.path.dirname(sys.executable)
PARTITION = "aws"
ADMIN_ROLE = "OrganizationAccountAccessRole"
UNSUPPORTED = {"AWS::IAM::Group", "AWS::IAM::UserToGroupAddition", "AWS::SecretsManager::Secret"}
OUTSIDER = "333333333333"
WORKERS = 4


# The environment the script started with: each `Aws` builds its own from it, never from
# `os.environ` while a command runs with another one (`aws_cli`).
BASE_ENV = dict(os.environ)


class Failure(Exception):
    pass


class Moto:
    """One moto server per scenario: a reset of a server holding sixty accounts takes longer than
    starting a new one."""

    def __init__(self, load_managed_policies):
        # Lanes of the suite start servers at the same time: a port another server took between
        # our probe and our bind makes ours exit, and then the other one would answer for it.
        for _ in range(5):
            if self._start(load_managed_policies):
                return
        raise Failure("moto_server did not start (five ports tried)")

    def _start(self, load_managed_policies):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [os.path.join(BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT,
            # AWS managed policies are loaded per account on first use, which is slow: only when a
            # template attaches them.
            env=dict(BASE_ENV, MOTO_IAM_LOAD_MANAGED_POLICIES="true" if load_managed_policies else "false"),
        )
        # Up to a minute: with every lane of the suite busy, moto's imports alone took over ten
        # seconds on 2 cores.
        for _ in range(600):
            if self.proc.poll() is not None:
                return False  # exited: most likely the port was taken
            try:
                urllib.request.urlopen(self.endpoint + "/moto-api/", timeout=1)
                # Answered, and still ours: it did not exit meanwhile.
                return self.proc.poll() is None
            except Exception:
                time.sleep(0.1)
        self.proc.kill()
        raise Failure("moto_server did not start")

    def post(self, path, body=b""):
        # A form content type would make the server parse the body away; moto reads it raw.
        req = urllib.request.Request(self.endpoint + path, data=body, method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req, timeout=10).read()

    def enforce_iam(self):
        # INITIAL_NO_AUTH_ACTION_COUNT=0: every following request is authenticated and authorised.
        self.post("/moto-api/reset-auth", b"0")

    def stop(self):
        # Every check has run by now: a server slow to exit on a loaded machine (it did not
        # within 10 s once, in a fresh-clone run beside two other lanes) is killed, not a failure.
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


class _Cli:
    """The aws CLI's own entry point, in this process: the `aws` script is
    `awscli.clidriver.create_clidriver().main(argv)`, and starting a Python process for each
    command took about a second, most of these scripts' run (hundreds of commands per scenario).
    One command at a time: the command reads its settings from the process environment and writes
    to `sys.stdout` / `sys.stderr`, which are swapped in for it."""

    lock = threading.Lock()
    driver = None


def aws_cli(args, env):
    """`aws *args` with the environment `env`: (exit code, standard output, standard error)."""
    awscli_log = logging.getLogger("awscli")
    with _Cli.lock:
        # Only the keys this command sets differently change, and only while it runs.
        saved = {k: os.environ.get(k) for k in set(os.environ) | set(env) if os.environ.get(k) != env.get(k)}
        for k in saved:
            if k in env:
                os.environ[k] = env[k]
            else:
                del os.environ[k]
        out, err = io.StringIO(), io.StringIO()
        # Each command adds a log handler bound to its own stderr: dropped again after it.
        handlers, level = list(awscli_log.handlers), awscli_log.level
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                if _Cli.driver is None:
                    _Cli.driver = create_clidriver()
                # The session resolves credentials once and keeps them: give it this command's.
                _Cli.driver.session.set_credentials(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"],
                                                    env.get("AWS_SESSION_TOKEN"))
                try:
                    rc = _Cli.driver.main(list(args)) or 0
                except SystemExit as e:
                    rc = 0 if e.code is None else (e.code if isinstance(e.code, int) else 1)
        finally:
            awscli_log.handlers[:] = handlers
            awscli_log.setLevel(level)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return rc, out.getvalue(), err.getvalue()


class Aws:
    """The real aws CLI against moto, with one set of credentials."""

    def __init__(self, moto, key, secret, token=None, label=""):
        self.moto, self.label = moto, label
        self.env = dict(BASE_ENV, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret, AWS_DEFAULT_REGION="us-east-1",
                        AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        self.env.pop("AWS_PROFILE", None)
        if token:
            self.env["AWS_SESSION_TOKEN"] = token
        else:
            self.env.pop("AWS_SESSION_TOKEN", None)

    def call(self, *args):
        """(ok, parsed stdout or stderr text)"""
        # The driver is shared: these would stay set for every later command.
        assert not {"--region", "--profile", "--debug"} & set(args), args
        rc, stdout, stderr = aws_cli(["--endpoint-url", self.moto.endpoint, "--output", "json", *args], self.env)
        if rc != 0:
            return False, (stderr or stdout).strip()
        try:
            return True, (json.loads(stdout) if stdout.strip() else None)
        except json.JSONDecodeError:
            if "deploy" in args:
                return True, stdout  # `cloudformation deploy` reports in text
            return False, f"not JSON: {stdout[:300]!r}"

    def run(self, *args):
        ok, out = self.call(*args)
        if not ok:
            raise Failure(f"{self.label}: aws {' '.join(args[:2])} failed: {out}")
        return out

    def assume(self, role_arn, label):
        c = self.run("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "crossrole-test")["Credentials"]
        return Aws(self.moto, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], label)


def admin_of(moto, account):
    root = Aws(moto, "AKIAIOSFODNN7EXAMPLE", "secret", label="admin")
    return root.assume(f"arn:{PARTITION}:iam::{account}:role/{ADMIN_ROLE}", f"admin@{account}")


def for_moto(template):
    """The template minus what moto's CloudFormation cannot create, and what it stood for."""
    t = copy.deepcopy(template)
    removed = {k: v for k, v in t["Resources"].items() if v["Type"] in UNSUPPORTED}
    names = {k: v["Properties"]["GroupName"] for k, v in removed.items() if v["Type"] == "AWS::IAM::Group"}

    def subst(node):
        if isinstance(node, dict):
            if set(node) == {"Ref"} and node["Ref"] in names:
                return names[node["Ref"]]
            return {k: subst(v) for k, v in node.items()}
        if isinstance(node, list):
            return [subst(v) for v in node]
        return node

    t["Resources"] = {k: subst(v) for k, v in t["Resources"].items() if k not in removed}
    # An output naming a skipped resource other than a group has nothing to stand for.
    gone = [k for k in removed if k not in names]
    t["Outputs"] = {k: subst(v) for k, v in (t.get("Outputs") or {}).items() if not any(g in json.dumps(v) for g in gone)}
    return t, removed


def deploy(aws, template, stack, params, filled, command=None, filler=None):
    """Deploys `template` with the real CLI; returns the names the template's Refs stand for.
    Every AWS::IAM::Group of the template is created before the stack and every
    AWS::IAM::UserToGroupAddition filled after it (any number of them, with or without a HubGroup).
    `command`, if given, maps the path of the template moto can deploy to the CLI arguments
    (without `aws`) to run instead of the default `cloudformation deploy` (a DEPLOY.md line);
    `filler`, if given, makes the fills instead of `aws` (an object with the same `run`)."""
    deployed, removed = for_moto(template)
    env = {"AWS::Partition": PARTITION, "AWS::AccountId": aws.account, **params}
    filler = filler or aws

    def side_by_side(fn, items):
        # Several groups or memberships (the aws CLI runs one command at a time; a `filler` of boto3
        # calls overlaps them).
        if len(items) > 1:
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                return list(pool.map(fn, items))
        return [fn(i) for i in items]

    def create_group(item):
        logical, res = item
        p = res["Properties"]
        filler.run("iam", "create-group", "--group-name", p["GroupName"], "--path", p.get("Path", "/"))
        filled.append(f"{filler.label}: {logical} ({res['Type']}): iam create-group {p['GroupName']}")

    groups = [(k, r) for k, r in removed.items() if r["Type"] == "AWS::IAM::Group"]
    side_by_side(create_group, groups)
    for logical, res in groups:
        env[logical] = res["Properties"]["GroupName"]
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        json.dump(deployed, f)  # JSON is YAML; the CLI takes either
        path = f.name
    if command:
        args = command(path)
    else:
        args = ["cloudformation", "deploy", "--template-file", path, "--stack-name", stack,
                "--capabilities", "CAPABILITY_NAMED_IAM", "--no-fail-on-empty-changeset"]
        if params:
            args += ["--parameter-overrides", *[f"{k}={v}" for k, v in params.items()]]
    try:
        aws.run(*args)
    finally:
        os.unlink(path)
    status = aws.run("cloudformation", "describe-stacks", "--stack-name", stack)["Stacks"][0]["StackStatus"]
    if status not in ("CREATE_COMPLETE", "UPDATE_COMPLETE"):
        raise Failure(f"{aws.label}: stack {stack} is {status}")
    resources = aws.run("cloudformation", "describe-stack-resources", "--stack-name", stack)["StackResources"]
    got = {r["LogicalResourceId"]: r.get("PhysicalResourceId") for r in resources}
    for logical, res in deployed["Resources"].items():
        if not got.get(logical):
            raise Failure(f"{aws.label}: {stack}: {logical} ({res['Type']}) got no physical id: moto skipped it")
        env[logical] = got[logical]
    additions = []
    for logical, res in removed.items():
        if res["Type"] == "AWS::IAM::UserToGroupAddition":
            group = cfn_eval(res["Properties"]["GroupName"], env)
            additions += [(logical, res["Type"], group, user) for user in cfn_eval(res["Properties"]["Users"], env)]

    def add(item):
        logical, kind, group, user = item
        filler.run("iam", "add-user-to-group", "--group-name", group, "--user-name", user)
        filled.append(f"{filler.label}: {logical} ({kind}): iam add-user-to-group {user} -> {group}")

    side_by_side(add, additions)
    return env


def expect(problems, where, got, want):
    if canon(got) != canon(want):
        problems.append(f"{where}:\n    deployed {canon(got)}\n    template {canon(want)}")


def policy_doc(doc):
    return json.loads(doc) if isinstance(doc, str) else doc


def fill_and_check_tags(aws, kind, name, want_tags, filled, problems):
    got = {t["Key"]: t["Value"] for t in aws.run("iam", f"list-{kind}-tags", f"--{kind}-name", name)["Tags"]}
    if want_tags and not got:
        tags = [f"Key={k},Value={v}" for k, v in want_tags.items()]
        aws.run("iam", f"tag-{kind}", f"--{kind}-name", name, "--tags", *tags)
        filled.append(f"{aws.label}: {kind} {name} Tags (moto ignores them in CloudFormation): iam tag-{kind}")
        got = {t["Key"]: t["Value"] for t in aws.run("iam", f"list-{kind}-tags", f"--{kind}-name", name)["Tags"]}
    expect(problems, f"{aws.label}: {kind} {name} tags", got, want_tags)


def check_hub(aws, template, env, filled, problems):
    res = template["Resources"]
    user_p = cfn_eval(res["HubUser"]["Properties"], env)
    group_p = cfn_eval(res["HubGroup"]["Properties"], env)
    user, group = user_p["UserName"], group_p["GroupName"]
    u = aws.run("iam", "get-user", "--user-name", user)["User"]
    expect(problems, f"{aws.label}: user {user} path", u["Path"], user_p.get("Path", "/"))
    fill_and_check_tags(aws, "user", user, {t["Key"]: t["Value"] for t in user_p.get("Tags", [])}, filled, problems)
    g = aws.run("iam", "get-group", "--group-name", group)
    expect(problems, f"{aws.label}: group {group} path", g["Group"]["Path"], group_p.get("Path", "/"))
    expect(problems, f"{aws.label}: group {group} members", sorted(x["UserName"] for x in g["Users"]), [user])
    groups = [x["GroupName"] for x in aws.run("iam", "list-groups-for-user", "--user-name", user)["Groups"]]
    expect(problems, f"{aws.label}: user {user} groups", groups, [group])

    want_inline, want_attached = {}, sorted(group_p.get("ManagedPolicyArns", []))
    for logical, r in res.items():
        if r["Type"] not in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            continue
        p = cfn_eval(r.get("Properties", {}), env)
        if r["Type"] == "AWS::IAM::Policy":
            want_inline[p["PolicyName"]] = p["PolicyDocument"]
        elif r["Type"] == "AWS::IAM::ManagedPolicy":
            arn = f"arn:{PARTITION}:iam::{aws.account}:policy/{p['ManagedPolicyName']}"
            want_attached.append(arn)
            pol = aws.run("iam", "get-policy", "--policy-arn", arn)["Policy"]
            ver = aws.run("iam", "get-policy-version", "--policy-arn", arn, "--version-id", pol["DefaultVersionId"])
            expect(problems, f"{aws.label}: managed policy {p['ManagedPolicyName']}", policy_doc(ver["PolicyVersion"]["Document"]), p["PolicyDocument"])
    names = aws.run("iam", "list-group-policies", "--group-name", group)["PolicyNames"]
    expect(problems, f"{aws.label}: group {group} inline policy names", sorted(names), sorted(want_inline))
    for name, doc in want_inline.items():
        got = aws.run("iam", "get-group-policy", "--group-name", group, "--policy-name", name)["PolicyDocument"]
        expect(problems, f"{aws.label}: group {group} inline policy {name}", policy_doc(got), doc)
    attached = sorted(a["PolicyArn"] for a in aws.run("iam", "list-attached-group-policies", "--group-name", group)["AttachedPolicies"])
    missing = [a for a in want_attached if a not in attached and ":iam::aws:policy/" in a]
    for arn in missing:
        aws.run("iam", "attach-group-policy", "--group-name", group, "--policy-arn", arn)
        filled.append(f"{aws.label}: group {group} ManagedPolicyArns {arn.rsplit('/', 1)[1]} (the group was filled): iam attach-group-policy")
    attached = sorted(a["PolicyArn"] for a in aws.run("iam", "list-attached-group-policies", "--group-name", group)["AttachedPolicies"])
    expect(problems, f"{aws.label}: group {group} attached policies", attached, sorted(want_attached))
    return user, group


def permission_checks(aws, who, problems):
    """What every integration identity may and may not do in its account; returns the count."""
    ok, out = aws.call("ec2", "describe-vpcs")
    if not ok:
        problems.append(f"{who}: ec2 describe-vpcs denied: {out}")
    for call in (["s3api", "list-buckets"], ["iam", "create-user", "--user-name", "crossrole-intruder"]):
        ok, out = aws.call(*call)
        if ok or "AccessDenied" not in out:
            problems.append(f"{who}: {' '.join(call[:2])} was not denied: {out}")
    return 3


def member_trust(hub_account, user_arn, trust_mode):
    """Checks a member role's trust (as read back) against the trust mode the config asked for."""
    root = f"arn:{PARTITION}:iam::{hub_account}:root"
    escaped = "".join({"*": "${*}", "?": "${?}", "$": "${$}"}.get(c, c) for c in user_arn.split(":user", 1)[1])
    want = {
        "principal-arn": ([root], [user_arn.split(":user", 1)[0] + ":user" + escaped]),
        "user": ([user_arn], None),
        "account": ([root], None),
    }[trust_mode]

    def check(principals, st):
        cond = (st.get("Condition") or {}).get("ArnEquals", {}).get("aws:PrincipalArn")
        if (principals, cond) != want:
            return f"trust {trust_mode} wants principal {want[0]} with aws:PrincipalArn {want[1]}"
        return None
    return check


def vendor_trust(account, ids):
    """A vendor role's trust: the vendor's root, StringEquals sts:ExternalId on exactly `ids`."""
    root = f"arn:{PARTITION}:iam::{account}:root"

    def check(principals, st):
        cond = st.get("Condition") or {}
        got = (cond.get("StringEquals") or {}).get("sts:ExternalId")
        got = [got] if isinstance(got, str) else got
        if principals != [root] or sorted(got or []) != sorted(ids):
            return f"a vendor role wants principal [{root}] with sts:ExternalId {ids}"
        return None
    return check


def check_member(aws, template, env, filled, problems, trust_check, logical="MemberRole"):
    res = template["Resources"]
    role_p = cfn_eval(res[logical]["Properties"], env)
    name = role_p["RoleName"]
    r = aws.run("iam", "get-role", "--role-name", name)["Role"]
    expect(problems, f"{aws.label}: role {name} path", r["Path"], role_p.get("Path", "/"))
    expect(problems, f"{aws.label}: role {name} max session", r.get("MaxSessionDuration"), role_p.get("MaxSessionDuration", 3600))
    expect(problems, f"{aws.label}: role {name} description", r.get("Description"), role_p.get("Description"))
    expect(problems, f"{aws.label}: role {name} boundary",
           (r.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"), role_p.get("PermissionsBoundary"))
    trust = policy_doc(r["AssumeRolePolicyDocument"])
    expect(problems, f"{aws.label}: role {name} trust policy", trust, role_p["AssumeRolePolicyDocument"])
    # moto does not enforce trust across accounts: assert what it says, by reading it, against
    # the trust the config asked for.
    st = trust["Statement"][0]
    principals = st["Principal"]["AWS"]
    principals = principals if isinstance(principals, list) else [principals]
    wrong = trust_check(principals, st)
    if wrong or len(trust["Statement"]) != 1 or st.get("Action") not in (["sts:AssumeRole"], "sts:AssumeRole"):
        problems.append(f"{aws.label}: role {name} trust is {canon(trust)}; {wrong or 'one statement allowing sts:AssumeRole'}")
    fill_and_check_tags(aws, "role", name, {t["Key"]: t["Value"] for t in role_p.get("Tags", [])}, filled, problems)
    want_inline = {}
    for r2 in res.values():
        if r2["Type"] == "AWS::IAM::Policy":
            p = cfn_eval(r2["Properties"], env)
            want_inline[p["PolicyName"]] = p["PolicyDocument"]
    names = aws.run("iam", "list-role-policies", "--role-name", name)["PolicyNames"]
    expect(problems, f"{aws.label}: role {name} inline policy names", sorted(names), sorted(want_inline))
    for pname, doc in want_inline.items():
        got = aws.run("iam", "get-role-policy", "--role-name", name, "--policy-name", pname)["PolicyDocument"]
        expect(problems, f"{aws.label}: role {name} inline policy {pname}", policy_doc(got), doc)
    want_attached = sorted(role_p.get("ManagedPolicyArns", []))
    attached = sorted(a["PolicyArn"] for a in aws.run("iam", "list-attached-role-policies", "--role-name", name)["AttachedPolicies"])
    if want_attached and not attached:
        for arn in want_attached:
            aws.run("iam", "attach-role-policy", "--role-name", name, "--policy-arn", arn)
        filled.append(f"{aws.label}: role {name} ManagedPolicyArns (moto ignores them in CloudFormation): iam attach-role-policy x{len(want_attached)}")
        attached = sorted(a["PolicyArn"] for a in aws.run("iam", "list-attached-role-policies", "--role-name", name)["AttachedPolicies"])
    expect(problems, f"{aws.label}: role {name} attached policies", attached, want_attached)
    return f"arn:{PARTITION}:iam::{aws.account}:role{role_p.get('Path', '/')}{name}"


# The customer account a vendor role is deployed to, and an ExternalId for roles whose ID is given
# at deploy time.
CUSTOMER = "444455556666"
CLI_MAX_MEMBERS = 5


def vendor_scenario(moto, golden, name):
    """Deploys the vendor role in a customer account with the ExternalIds DEPLOY.md passes, reads
    it back, and assumes it from a user in the vendor's account."""
    template = vendor_role_template(golden)
    ids, _ = vendor_ids(golden)
    params = external_id_params(ids)
    vendor_acct = vendor_account(template)
    filled, problems = [], []

    customer = admin_of(moto, CUSTOMER)
    customer.account = CUSTOMER
    env = deploy(customer, template, "crossrole-vendor", params, filled)
    role_arn = check_member(customer, template, env, filled, problems, vendor_trust(vendor_acct, ids), "VendorRole")
    print(f"deploy: {name}: deployed the vendor role in {CUSTOMER} with {len(ids)} ExternalId parameter(s)")

    # A principal of the vendor: a user in the vendor's account allowed to assume roles.
    vendor = admin_of(moto, vendor_acct)
    vendor.run("iam", "create-user", "--user-name", "vendor-service")
    vendor.run("iam", "put-user-policy", "--user-name", "vendor-service", "--policy-name", "assume",
               "--policy-document", json.dumps({"Version": "2012-10-17", "Statement": [
                   {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = vendor.run("iam", "create-access-key", "--user-name", "vendor-service")["AccessKey"]
    moto.enforce_iam()
    me = Aws(moto, key["AccessKeyId"], key["SecretAccessKey"], label=f"vendor {vendor_acct}")
    checks = 0
    for ext in ids:
        ok, out = me.call("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "crossrole-test",
                          "--external-id", ext)
        checks += 1
        if not ok:
            problems.append(f"vendor {vendor_acct}: assume {role_arn} with an accepted ExternalId denied: {out}")
            continue
        c = out["Credentials"]
        role = Aws(moto, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], f"vendor role in {CUSTOMER}")
        checks += permission_checks(role, f"vendor role in {CUSTOMER}", problems)
    ok, _ = me.call("sts", "assume-role", "--role-arn", role_arn, "--role-session-name", "crossrole-test",
                    "--external-id", "not-the-external-id")
    print(f"deploy: {name}: {checks} permission checks with IAM enforcement on; not asserted: assume with a wrong ExternalId "
          f"(moto does not enforce trust across accounts; allowed={ok}): the trust was read back and checked instead")
    return report(name, filled, problems)


def scenario(moto, golden, name, config):
    print(f"deploy: === {name} ===")
    if is_vendor(golden):
        return vendor_scenario(moto, golden, name)
    single = is_single_account(golden)
    hub_t = load(hub_template(golden))
    member_t = {} if single else load(os.path.join(golden, "cloudformation", "member.yaml"))
    params = {k: v["Default"] for k, v in (member_t.get("Parameters") or {}).items()}
    hub_account = config["hub"]["account"]
    members = member_accounts(config)
    filled, problems = [], []
    trust_mode = ((config.get("member_role") or {}).get("trust")) or "principal-arn"

    hub = admin_of(moto, hub_account)
    hub.account = hub_account
    env = deploy(hub, hub_t, "crossrole-hub", {}, filled)
    user, group = check_hub(hub, hub_t, env, filled, problems)
    user_path = cfn_eval(hub_t["Resources"]["HubUser"]["Properties"], env).get("Path", "/")
    user_arn = f"arn:{PARTITION}:iam::{hub_account}:user{user_path}{user}"

    def one_member(acct):
        m = admin_of(moto, acct)
        m.account = acct
        env = deploy(m, member_t, "crossrole-member", params, filled)
        return acct, check_member(m, member_t, env, filled, problems, member_trust(hub_account, user_arn, trust_mode))

    # Each CLI call is a Python process: run members side by side (moto serves them concurrently).
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        role_arns = dict(pool.map(one_member, members))
    print(f"deploy: {name}: deployed hub {hub_account} and {len(members)} member stacks with `aws cloudformation deploy`")

    if "HubUserAccessKey" in hub_t["Resources"]:
        # The stack made the key (a physical id was checked above): the user has exactly that one.
        # moto's CloudFormation skips the Secrets Manager secret and cannot hand out the secret
        # half of the key, so the secret's contents are checked by reading the template.
        key_id = env["HubUserAccessKey"]
        keys = [k["AccessKeyId"] for k in hub.run("iam", "list-access-keys", "--user-name", user)["AccessKeyMetadata"]]
        if keys != [key_id]:
            problems.append(f"user {user}: the stack created key {key_id}, the user has {keys}")
        secret = hub_t["Resources"]["HubUserAccessKeySecret"]["Properties"]["SecretString"]
        want = {"Fn::Sub": '{"AccessKeyId":"${HubUserAccessKey}","SecretAccessKey":"${HubUserAccessKey.SecretAccessKey}"}'}
        if secret != want:
            problems.append(f"secret string is {secret}, want {want}")
        if "SecretAccessKey" in json.dumps(hub_t.get("Outputs", {})):
            problems.append("the stack's outputs name the secret access key")
        print(f"deploy: {name}: the stack created the user's access key {key_id}; not deployed: its Secrets Manager secret (moto's CloudFormation skips it), whose SecretString was checked by reading")
        # A second key (IAM allows two) for the permission checks: moto cannot give out the first.
    key = hub.run("iam", "create-access-key", "--user-name", user)["AccessKey"]
    moto.enforce_iam()
    me = Aws(moto, key["AccessKeyId"], key["SecretAccessKey"], label=f"user {user}")
    if single:
        # The user itself holds the account's permissions, through its group.
        checks = permission_checks(me, f"user {user}", problems)
        print(f"deploy: {name}: {checks} permission checks with IAM enforcement on")
        return report(name, filled, problems)
    regex_chars = set("$^()[]{}+?|\\")
    if any(c in regex_chars for arn in role_arns.values() for c in arn):
        print(f"deploy: {name}: permission checks not asserted: moto matches policy ARNs as regular expressions, and these role ARNs contain regex characters")
        return report(name, filled, problems)

    def use_role(item):
        acct, arn = item
        ok, out = me.call("sts", "assume-role", "--role-arn", arn, "--role-session-name", "crossrole-test")
        if not ok:
            problems.append(f"user {user}: assume {arn} denied: {out}")
            return 1
        c = out["Credentials"]
        role = Aws(moto, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], f"role in {acct}")
        ok, out = role.call("ec2", "describe-vpcs")
        if not ok:
            problems.append(f"role in {acct}: ec2 describe-vpcs denied: {out}")
        ok, out = role.call("s3api", "list-buckets")
        if ok or "AccessDenied" not in out:
            problems.append(f"role in {acct}: s3api list-buckets was not denied: {out}")
        return 3

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        checks = sum(pool.map(use_role, role_arns.items()))
    ok, out = me.call("iam", "create-user", "--user-name", "crossrole-intruder")
    if ok or "AccessDenied" not in out:
        problems.append(f"user {user}: iam create-user was not denied: {out}")
    role_tail = next(iter(role_arns.values())).split(":role", 1)[1]
    outsider = f"arn:{PARTITION}:iam::{OUTSIDER}:role{role_tail}"
    uses_resource_account = "aws:ResourceAccount" in json.dumps(hub_t)
    ok, out = me.call("sts", "assume-role", "--role-arn", outsider, "--role-session-name", "crossrole-test")
    if uses_resource_account:
        print(f"deploy: {name}: not asserted: assume into {OUTSIDER} (moto ignores the aws:ResourceAccount condition; allowed={ok})")
    elif ok or "AccessDenied" not in out:
        problems.append(f"user {user}: assume-role into {OUTSIDER}, outside the setup, was not denied: {out}")
    checks += 2
    print(f"deploy: {name}: {checks} permission checks with IAM enforcement on (route53 calls are not made: moto 5.2.5 rejects their signatures under enforcement)")
    return report(name, filled, problems)


def names_env(template, account, params):
    """What the template's Refs stand for once the IAM entities exist under their names."""
    env = {"AWS::Partition": PARTITION, "AWS::AccountId": account, **params}
    for logical, res in template["Resources"].items():
        props = res.get("Properties", {})
        for key in ("UserName", "GroupName", "RoleName"):
            if key in props:
                env[logical] = cfn_eval(props[key], env)
    return env


def cli_scenario(moto, golden, name, config):
    """Runs the emitted cli/deploy.sh with one profile per account, twice (the second run must
    create nothing), then reads everything back like the CloudFormation deploy."""
    print(f"deploy: === {name} (cli/deploy.sh) ===")
    if len(member_accounts(config)) > CLI_MAX_MEMBERS:
        # Each CLI call starts a Python process: sixty accounts would take a quarter of an hour,
        # and every member gets the same calls that the smaller scenarios run.
        print(f"deploy: {name}: cli/deploy.sh not run: more than {CLI_MAX_MEMBERS} member accounts (the calls per member are those of the smaller scenarios)")
        return []
    vendor = is_vendor(golden)
    single = is_single_account(golden)
    script = os.path.join(golden, "cli", "deploy.sh")
    accounts = [CUSTOMER] if vendor else [config["hub"]["account"], *member_accounts(config)]
    filled, problems = [], []
    tmp = tempfile.mkdtemp(prefix="crossrole-cli-")
    creds, conf = os.path.join(tmp, "credentials"), os.path.join(tmp, "config")
    env = {k: v for k, v in BASE_ENV.items() if not k.startswith("AWS_")}
    env.update(PATH=BIN + os.pathsep + BASE_ENV["PATH"], AWS_ENDPOINT_URL=moto.endpoint,
               AWS_SHARED_CREDENTIALS_FILE=creds, AWS_CONFIG_FILE=conf)
    admins = {}
    with open(creds, "w") as c, open(conf, "w") as f:
        for acct in accounts:
            a = admin_of(moto, acct)
            a.account = acct
            admins[acct] = a
            c.write(f"[p{acct}]\naws_access_key_id = {a.env['AWS_ACCESS_KEY_ID']}\n"
                    f"aws_secret_access_key = {a.env['AWS_SECRET_ACCESS_KEY']}\naws_session_token = {a.env['AWS_SESSION_TOKEN']}\n")
            f.write(f"[profile p{acct}]\nregion = us-east-1\n")
            env["CROSSROLE_PROFILE" if vendor else f"CROSSROLE_PROFILE_{acct}"] = f"p{acct}"
    ids = None
    if vendor:
        ids, written = vendor_ids(golden)
        if not written:
            env["CROSSROLE_EXTERNAL_ID_1"] = DEPLOY_TIME_ID
    runs = []
    for attempt in (1, 2):
        r = subprocess.run(["bash", os.path.abspath(script)], env=env, capture_output=True, text=True, cwd=tmp)
        if r.returncode != 0:
            raise Failure(f"cli/deploy.sh run {attempt} failed (exit {r.returncode}):\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
        runs.append(r.stdout.splitlines())
    created = [l.split(": ", 1)[1] for l in runs[0] if l.startswith("created: ")]
    existing = [l.split(": ", 1)[1].removesuffix(" (skipped)") for l in runs[1] if l.startswith("exists: ")]
    if not created:
        problems.append("cli/deploy.sh created nothing on its first run")
    if any(l.startswith("created: ") for l in runs[1]):
        problems.append(f"cli/deploy.sh created again on its second run: {[l for l in runs[1] if l.startswith('created: ')]}")
    if sorted(created) != sorted(existing):
        problems.append(f"cli/deploy.sh second run reported {sorted(existing)} as existing, the first created {sorted(created)}")
    print(f"deploy: {name}: cli/deploy.sh created {len(created)} entities, and on a second run reported each as existing")
    if len(accounts) > 1:
        # A profile that acts in the wrong account stops the script before it changes anything there.
        wrong = dict(env, **{f"CROSSROLE_PROFILE_{accounts[1]}": f"p{accounts[0]}"})
        r = subprocess.run(["bash", os.path.abspath(script)], env=wrong, capture_output=True, text=True, cwd=tmp)
        if r.returncode == 0 or f"acts in account {accounts[0]}, not {accounts[1]}" not in r.stderr:
            problems.append(f"cli/deploy.sh with a profile of the wrong account did not stop: exit {r.returncode}: {r.stderr[-500:]}")

    if vendor:
        template = vendor_role_template(golden)
        params = external_id_params(ids)
        check_member(admins[CUSTOMER], template, names_env(template, CUSTOMER, params), filled, problems,
                     vendor_trust(vendor_account(template), ids), "VendorRole")
    else:
        hub_account = accounts[0]
        hub_t = load(hub_template(golden))
        user, _ = check_hub(admins[hub_account], hub_t, names_env(hub_t, hub_account, {}), filled, problems)
        if not single:
            member_t = load(os.path.join(golden, "cloudformation", "member.yaml"))
            params = {k: v["Default"] for k, v in (member_t.get("Parameters") or {}).items()}
            user_path = cfn_eval(hub_t["Resources"]["HubUser"]["Properties"], names_env(hub_t, hub_account, {})).get("Path", "/")
            user_arn = f"arn:{PARTITION}:iam::{hub_account}:user{user_path}{user}"
            trust_mode = ((config.get("member_role") or {}).get("trust")) or "principal-arn"
            for acct in accounts[1:]:
                check_member(admins[acct], member_t, names_env(member_t, acct, params), filled, problems,
                             member_trust(hub_account, user_arn, trust_mode))
    # Nothing may need filling in: the script makes every call itself.
    problems += [f"cli/deploy.sh left out {f}" for f in filled]
    print(f"deploy: {name}: read back every entity the script created against the CloudFormation template")
    return problems


def report(name, filled, problems):
    for f in sorted(filled):
        print(f"deploy: {name}: filled {f}")
    return problems


def main():
    repo, scenarios = sys.argv[1], sys.argv[2:]
    problems = []
    for name in scenarios:
        golden = os.path.join(repo, "tests", "golden", name)
        config = config_for(repo, name)
        cfn_dir = os.path.join(golden, "cloudformation")
        templates = "".join(open(os.path.join(cfn_dir, f), encoding="utf-8").read() for f in sorted(os.listdir(cfn_dir)))
        for run in (scenario, cli_scenario):
            moto = Moto(load_managed_policies=":iam::aws:policy/" in templates)
            try:
                problems += run(moto, golden, name, config)
            except Failure as e:
                problems.append(f"{name}: {e}")
            except (KeyError, IndexError, TypeError, ValueError) as e:
                problems.append(f"{name}: the output does not have the expected shape: {type(e).__name__}: {e}")
            finally:
                moto.stop()
    for p in problems:
        print("deploy: PROBLEM", p)
    print(f"deploy: {len(scenarios)} scenarios, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
