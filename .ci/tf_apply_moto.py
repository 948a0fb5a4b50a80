"""Day 2 of a Terraform setup (the `providers` layout, the default up to ten member accounts) with
real `terraform init/plan/apply` against a local moto server (127.0.0.1, a free port), read back
with boto3 after every apply.

The sequence, each step one output line:
1. emit hub 999999999999 with members A, B, C; init, plan (creates only), apply, read back.
2. emit without B: providers.tf keeps B's provider ("left the setup"), members.tf drops its module;
   `emit --check` of the same run is clean; plan destroys B's role (and its policy) and updates
   the hub grant, nothing else; apply; B's role is gone, the grant lists A and C.
3. emit A, C with --applied: B's provider goes; plan shows no changes.
4. emit A, B, C again: plan creates B's role and updates the hub grant; apply; read back.
5. emit with --role-name Other: IAM role names are immutable, so the plan replaces every member role
   (and its inline policy: `role` forces a new one) and updates the grant, moving nothing; apply;
   `terraform state list` gives the same addresses before and after (no `moved` block needed); the
   old roles are gone and the grant lists the new names.
6. with .terraform/, .terraform.lock.hcl, terraform.tfstate* and the override beside the output
   (init ran before every plan), re-emit: exit 0, nothing written, those files untouched;
   `emit --check` exits 0; plan shows no changes.
Every plan must change exactly the expected addresses (so each apply is also shown to have converged
by the next step's plan), move none (no `previous_resource`), and exit 2, or 0 when nothing changes.

Terraform reaches moto through an `moto_override.tf` written beside the emitted files (rewritten
after every emit, with one block per `provider "aws"` there, retired aliases too): endpoints for
iam and sts, skip_credentials_validation, skip_metadata_api_check, test keys. The hub (default)
provider gets keys acting in 999999999999: moto puts the keys of an assumed role in the role's
account, and sts:AssumeRole of a role that does not exist succeeds (moto-notes.md), so this script
assumes OrganizationAccountAccessRole there once; the member aliases keep their emitted
`assume_role` of OrganizationAccountAccessRole in each member account, which moto answers the same
way. So nothing is created by hand: OrganizationAccountAccessRole need not exist anywhere.

Without terraform, the AWS provider plugin directory or moto_server this skips loudly (exit 0),
and fails under CI.

usage: tf_apply_moto.py REPO_DIR [CROSSROLE_BINARY]   (run with .ci/.venv-moto/bin/python;
the binary defaults to REPO_DIR/target/debug/crossrole)"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import tflib

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.dirname(sys.executable)
PROVIDER = tflib.PROVIDER
T0 = time.monotonic()


def skip_or_fail(why):
    tflib.skip_or_fail("tf-apply", why)


if not os.access(os.path.join(BIN, "moto_server"), os.X_OK):
    skip_or_fail(f"needs moto_server beside {sys.executable} (run it with .ci/.venv-moto/bin/python, "
                 "made by bash .ci/setup.sh)")
if shutil.which("terraform") is None:
    skip_or_fail("terraform is not on PATH")
PLUGINS = tflib.plugin_dir()
if PLUGINS is None:
    skip_or_fail(f"no Terraform provider plugin directory with {PROVIDER} "
                 "(looked in $CROSSROLE_TF_PLUGIN_DIR and /opt/tf-plugins)")

sys.path.insert(0, HERE)
import boto3  # noqa: E402  (moto's dependency, in the moto venv)
from botocore.exceptions import ClientError  # noqa: E402

from deploy_moto import ADMIN_ROLE, PARTITION, Failure, Moto, policy_doc  # noqa: E402

HUB = "999999999999"
A, B, C = "111111111111", "222222222222", "333333333333"
ROLE = "micetro-integration"      # the preset's member role name
GROUP = "micetro-integration"     # and hub group
USER = "micetro-integration"
RENAMED = "Other"
REGION = "us-east-1"
TEST_KEY, TEST_SECRET = "AKIAIOSFODNN7EXAMPLE", "test-secret"
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and not k.startswith("TF_")}
ENV.update(TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_INPUT="0", AWS_CONFIG_FILE="/dev/null",
           AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true")


def say(text):
    print(f"tf-apply: {text} [{time.monotonic() - T0:.0f}s]", flush=True)


class Run:
    def __init__(self, crossrole, moto, out):
        self.crossrole, self.moto, self.out = crossrole, moto, out
        self.tf = os.path.join(out, "terraform")
        self.plan_file = os.path.join(os.path.dirname(out), "tfplan")
        sts = self.client("sts", TEST_KEY, TEST_SECRET)
        self.creds = {}
        for acct in (HUB, A, B, C):
            c = sts.assume_role(RoleArn=f"arn:{PARTITION}:iam::{acct}:role/{ADMIN_ROLE}",
                                RoleSessionName="crossrole-tf-apply")["Credentials"]
            self.creds[acct] = c
            who = self.client("sts", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]).get_caller_identity()
            if who["Account"] != acct:
                raise Failure(f"moto put the keys of a role assumed in {acct} in account {who['Account']}")

    def client(self, service, key, secret, token=None):
        return boto3.client(service, endpoint_url=self.moto.endpoint, region_name=REGION, aws_access_key_id=key,
                            aws_secret_access_key=secret, aws_session_token=token)

    def iam(self, acct):
        c = self.creds[acct]
        return self.client("iam", c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    # crossrole

    def emit(self, accounts, *extra, check=False):
        args = [self.crossrole, "emit", "--hub-account", HUB, "--accounts", ",".join(accounts), "--out", self.out,
                "--format", "tf", *extra] + (["--check"] if check else [])
        r = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=120)
        if not check:
            if r.returncode != 0:
                raise Failure(f"{' '.join(args[1:])} exited {r.returncode}:\n{r.stdout}{r.stderr}")
            self.write_override()
        return r

    # Terraform

    def terraform(self, *args, ok=(0,)):
        t = time.monotonic()
        r = subprocess.run(["terraform", *args, "-no-color"], cwd=self.tf, env=ENV, capture_output=True, text=True,
                           timeout=300)
        if os.environ.get("CROSSROLE_TIMES"):
            print(f"tf-apply:   terraform {args[0]}: {time.monotonic() - t:.1f}s", flush=True)
        if r.returncode not in ok:
            out = r.stdout
            if "-json" in args:  # the diagnostics, not the stream of progress messages
                msgs = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
                out = "\n".join(f"{m['@message']}: {m.get('diagnostic', {}).get('detail', '')}"
                                for m in msgs if m.get("type") == "diagnostic") + "\n"
            raise Failure(f"terraform {' '.join(args)} exited {r.returncode}:\n{out[-4000:]}{r.stderr[-4000:]}")
        return r

    def aliases(self):
        with open(os.path.join(self.tf, "providers.tf"), encoding="utf-8") as f:
            text = f.read()
        blocks = re.findall(r'^provider "aws" \{\n(.*?)^\}', text, re.M | re.S)
        return [(re.findall(r'^\s*alias\s*=\s*"([^"]+)"', b, re.M) or [None])[0] for b in blocks]

    def write_override(self):
        blocks = []
        hub = self.creds[HUB]
        for alias in self.aliases():
            if alias is None:  # the hub: keys that act in the hub account
                keys = (f'  access_key = "{hub["AccessKeyId"]}"\n  secret_key = "{hub["SecretAccessKey"]}"\n'
                        f'  token      = "{hub["SessionToken"]}"\n')
            else:  # a member: the emitted assume_role takes it into its account
                keys = f'  alias      = "{alias}"\n  access_key = "{TEST_KEY}"\n  secret_key = "{TEST_SECRET}"\n'
            blocks.append(f'provider "aws" {{\n{keys}'
                          "  skip_credentials_validation = true\n  skip_metadata_api_check     = true\n"
                          f'  endpoints {{\n    iam = "{self.moto.endpoint}"\n    sts = "{self.moto.endpoint}"\n  }}\n}}\n')
        with open(os.path.join(self.tf, "moto_override.tf"), "w", encoding="utf-8") as f:
            f.write("# Written by .ci/tf_apply_moto.py: every provider of providers.tf talks to moto.\n\n"
                    + "\n".join(blocks))

    def init(self):
        self.terraform("init", "-input=false", f"-plugin-dir={PLUGINS}")

    def state(self):
        """The managed resources' addresses in Terraform's state."""
        lines = self.terraform("state", "list").stdout.split()
        return {a for a in lines if not (a.startswith("data.") or ".data." in a)}

    def plan_expect(self, step, want):
        """plan -detailed-exitcode must change exactly `want` ({address: action}), move nothing,
        and exit 2 (0 when `want` is empty). The plan is saved for apply()."""
        self.init()  # a module block that is new (an account added back) needs init
        r = self.terraform("plan", "-json", "-input=false", "-detailed-exitcode", f"-out={self.plan_file}", ok=(0, 2))
        msgs = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
        planned = [m["change"] for m in msgs if m.get("type") == "planned_change"]
        changes = {c["resource"]["addr"]: c["action"] for c in planned if c["action"] not in ("read", "noop")}
        moved = [c["resource"]["addr"] for c in planned if c.get("previous_resource") or c["action"] == "move"]
        if changes != want or moved or r.returncode != (2 if want else 0):
            raise Failure(f"{step}: plan -detailed-exitcode exited {r.returncode} with\n    {json.dumps(changes, sort_keys=True)}\n"
                          f"  expected\n    {json.dumps(want, sort_keys=True)}" + (f"\n  and moved {moved}" if moved else ""))

    def apply(self):
        self.terraform("apply", "-input=false", "-auto-approve", self.plan_file)

    # read-back

    def read_back(self, step, members, gone, role=ROLE):
        """`role` exists in every member account, not in the `gone` ones (name, account); the hub
        group's policies grant sts:AssumeRole on exactly the members' roles."""
        for acct in members:
            try:
                r = self.iam(acct).get_role(RoleName=role)["Role"]
            except ClientError as e:
                raise Failure(f"{step}: role {role} is not in member {acct}: {e}")
            want_arn = f"arn:{PARTITION}:iam::{acct}:role/{role}"
            if r["Arn"] != want_arn:
                raise Failure(f"{step}: role in {acct} is {r['Arn']}, expected {want_arn}")
            st = policy_doc(r["AssumeRolePolicyDocument"])["Statement"]
            cond = st[0].get("Condition", {}).get("ArnEquals", {}).get("aws:PrincipalArn")
            if len(st) != 1 or st[0]["Principal"]["AWS"] not in (f"arn:{PARTITION}:iam::{HUB}:root", [f"arn:{PARTITION}:iam::{HUB}:root"]) \
                    or cond not in (f"arn:{PARTITION}:iam::{HUB}:user/{USER}", [f"arn:{PARTITION}:iam::{HUB}:user/{USER}"]):
                raise Failure(f"{step}: role {role} in {acct} trusts {st}, expected the hub user {USER} of {HUB}")
            names = self.iam(acct).list_role_policies(RoleName=role)["PolicyNames"]
            if len(names) != 1:
                raise Failure(f"{step}: role {role} in {acct} has inline policies {names}, expected one")
        for name, acct in gone:
            try:
                self.iam(acct).get_role(RoleName=name)
                raise Failure(f"{step}: role {name} is still in account {acct}")
            except ClientError as e:
                if e.response["Error"]["Code"] != "NoSuchEntity":
                    raise
        hub = self.iam(HUB)
        granted = []
        for pname in hub.list_group_policies(GroupName=GROUP)["PolicyNames"]:
            granted += assumable(policy_doc(hub.get_group_policy(GroupName=GROUP, PolicyName=pname)["PolicyDocument"]))
        for att in hub.list_attached_group_policies(GroupName=GROUP)["AttachedPolicies"]:
            pol = hub.get_policy(PolicyArn=att["PolicyArn"])["Policy"]
            ver = hub.get_policy_version(PolicyArn=att["PolicyArn"], VersionId=pol["DefaultVersionId"])
            granted += assumable(policy_doc(ver["PolicyVersion"]["Document"]))
        want = sorted(f"arn:{PARTITION}:iam::{acct}:role/{role}" for acct in members)
        if sorted(granted) != want:
            raise Failure(f"{step}: the hub group {GROUP} grants sts:AssumeRole on {sorted(granted)}, expected {want}")
        users = [u["UserName"] for u in hub.get_group(GroupName=GROUP)["Users"]]
        if users != [USER]:
            raise Failure(f"{step}: hub group members are {users}, expected [{USER}]")
        return (f"role {role} in {', '.join(members)}"
                + (f", none in {', '.join(sorted({a for _, a in gone if a not in members}))}"
                   if any(a not in members for _, a in gone) else "")
                + f"; the hub grant lists exactly those {len(want)} ARNs")


def assumable(doc):
    out = []
    for st in doc["Statement"]:
        acts = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if st["Effect"] == "Allow" and "sts:AssumeRole" in acts:
            out += st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
    return out


def member(acct, *rest):
    return ".".join([f"module.member_{acct}", *rest])


def role_changes(accounts, kind):
    return {a: kind for acct in accounts
            for a in (member(acct, "aws_iam_role.this"), member(acct, "aws_iam_role_policy.permissions"))}


GRANT = "aws_iam_group_policy.assume_member_roles"


def hashes(d, names):
    out = {}
    for n in names:
        p = os.path.join(d, n)
        if os.path.isfile(p):
            with open(p, "rb") as f:
                out[n] = hashlib.sha256(f.read()).hexdigest()
        elif os.path.isdir(p):
            out[n] = sorted(os.path.relpath(os.path.join(r, f), p) for r, _, fs in os.walk(p) for f in fs)
    return out


def sequence(run):
    # 1. first emit and apply
    run.emit([A, B, C])
    run.plan_expect("first apply", {
        **{a: "create" for a in ("aws_iam_user.hub", "aws_iam_group.hub", "aws_iam_user_group_membership.hub",
                                 "aws_iam_group_policy.read_own_identity", GRANT)},
        **role_changes([A, B, C], "create")})
    run.apply()
    say(f"ok: emit {A},{B},{C}; init; plan creates 11 resources; apply; {run.read_back('first apply', [A, B, C], [])}")

    # 2. B leaves: its provider stays, its module goes
    run.emit([A, C])
    aliases = run.aliases()
    with open(os.path.join(run.tf, "providers.tf"), encoding="utf-8") as f:
        providers = f.read()
    with open(os.path.join(run.tf, "members.tf"), encoding="utf-8") as f:
        members = f.read()
    block = re.search(r'((?:^#.*\n)*)provider "aws" \{\n  alias\s*=\s*"member_%s"' % B, providers, re.M)
    if sorted(aliases, key=str) != sorted([None, f"member_{A}", f"member_{B}", f"member_{C}"], key=str) or not block or "left the setup" not in block.group(1):
        raise Failure(f"after removing {B}: providers.tf should keep member_{B}'s provider, commented "
                      f"'left the setup'; its providers are {aliases}:\n{providers}")
    if f'module "member_{B}"' in members or f'module "member_{A}"' not in members:
        raise Failure(f"after removing {B}: members.tf should have no module member_{B}:\n{members}")
    r = run.emit([A, C], check=True)
    if r.returncode != 0:
        raise Failure(f"after removing {B}: the same emit --check exited {r.returncode}:\n{r.stdout}{r.stderr}")
    run.plan_expect(f"removing {B}", {**role_changes([B], "delete"), GRANT: "update"})
    run.apply()
    say(f"ok: emit {A},{C}: providers.tf keeps member_{B} ('left the setup'), no module; --check 0; "
        f"plan destroys {B}'s role and policy, updates the grant; apply; "
        + run.read_back(f"removing {B}", [A, C], [(ROLE, B)]))

    # 3. --applied drops the retired provider
    run.emit([A, C], "--applied")
    if sorted(run.aliases(), key=str) != sorted([None, f"member_{A}", f"member_{C}"], key=str):
        raise Failure(f"after --applied: providers.tf still has {run.aliases()}")
    run.plan_expect("--applied", {})
    r = run.emit([A, C], check=True)
    if r.returncode != 0:
        raise Failure(f"after --applied: emit --check exited {r.returncode}:\n{r.stdout}{r.stderr}")
    say(f"ok: emit {A},{C} --applied: member_{B}'s provider is gone; plan -detailed-exitcode 0; --check 0")

    # 4. B comes back
    run.emit([A, B, C])
    run.plan_expect(f"adding {B} back", {**role_changes([B], "create"), GRANT: "update"})
    run.apply()
    say(f"ok: emit {A},{B},{C}: plan creates {B}'s role and policy, updates the grant; apply; "
        + run.read_back(f"adding {B} back", [A, B, C], []))

    # 5. renaming the role: replacements, no address changes
    run.emit([A, B, C], "--role-name", RENAMED)
    before = run.state()
    run.plan_expect("renaming the role", {**role_changes([A, B, C], "replace"), GRANT: "update"})
    run.apply()
    after = run.state()
    if before != after:
        raise Failure(f"renaming the role: addresses changed: only before {sorted(before - after)}, "
                      f"only after {sorted(after - before)}")
    say(f"ok: emit --role-name {RENAMED}: plan replaces the 3 roles and their 3 policies, updates the grant, "
        f"moves nothing; apply; the same {len(before)} addresses in the state before and after (no moved block needed); "
        + run.read_back("renaming the role", [A, B, C], [(ROLE, a) for a in (A, B, C)], role=RENAMED))

    # 6. Terraform's own files beside the output never block a re-emit
    mine = [".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup", "moto_override.tf"]
    seen = hashes(run.tf, mine)
    if sorted(seen) != sorted(mine):
        raise Failure(f"expected Terraform's files {mine} in {run.tf}, found {sorted(seen)}")
    args = [run.crossrole, "emit", "--hub-account", HUB, "--accounts", ",".join([A, B, C]), "--out", run.out,
            "--format", "tf", "--role-name", RENAMED]
    r = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=120)
    if r.returncode != 0 or " 0 written" not in r.stderr:
        raise Failure(f"re-emit beside .terraform/ etc.: exit {r.returncode}, expected 0 and nothing written:\n{r.stdout}{r.stderr}")
    if hashes(run.tf, mine) != seen:
        raise Failure(f"re-emit changed some of {mine}")
    r = subprocess.run(args + ["--check"], capture_output=True, text=True, env=ENV, timeout=120)
    if r.returncode != 0:
        raise Failure(f"emit --check beside .terraform/ etc. exited {r.returncode}:\n{r.stdout}{r.stderr}")
    run.plan_expect("after the re-emit", {})
    say(f"ok: re-emit beside {', '.join(mine)}: exit 0, nothing written, those files untouched; --check 0; "
        "plan -detailed-exitcode 0")


def main():
    repo = sys.argv[1]
    crossrole = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(repo, "target", "debug", "crossrole"))
    if not os.access(crossrole, os.X_OK):
        print(f"tf-apply: FAIL: no crossrole binary at {crossrole} (cargo build first)", file=sys.stderr)
        sys.exit(1)
    tmp = tempfile.mkdtemp(prefix="crossrole-tf-apply-")
    moto = Moto(load_managed_policies=False)
    say(f"moto on {moto.endpoint}, terraform with -plugin-dir={PLUGINS}, output in {tmp}/out")
    ok = False
    try:
        sequence(Run(crossrole, moto, os.path.join(tmp, "out")))
        ok = True
    except Failure as e:
        print(f"tf-apply: FAIL: {e}", file=sys.stderr)
    except (ClientError, KeyError, IndexError, TypeError, ValueError) as e:
        print(f"tf-apply: FAIL: {type(e).__name__}: {e}", file=sys.stderr)
    finally:
        moto.stop()
    if ok:
        shutil.rmtree(tmp)
        moto.log.close()
        os.unlink(moto.log.name)
        say("all steps passed")
        sys.exit(0)
    print(f"tf-apply: kept {tmp} and the moto log {moto.log.name} for a look", file=sys.stderr)
    sys.exit(1)


if __name__ == "__main__":
    main()
