"""Day 2 with the AWS CLI script: emits a setup, runs its cli/deploy.sh against moto, changes the
setup, emits and runs the script again, and reads the hub back after each run. The script must
leave the hub as the output describes it: a customer managed policy whose document changed gets
it as its default version (once: a re-run makes no new version), and the sts:AssumeRole policies
an earlier emit placed that this one does not are gone (as a CloudFormation update removes them),
including across a two-step change.

The member roles come from a StackSet in these setups (`--deploy stackset`), so the script works
in the hub account only: every aws call is a process of its own, and the member accounts' calls
are those the golden scenarios of deploy_moto.py run.

usage: cli_day2_moto.py REPO_DIR CROSSROLE_BINARY   (run with the venv holding moto[server] and awscli)"""
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

from deploy_moto import BASE_ENV, BIN, PARTITION, Failure, Moto, admin_of

HUB = "999999999999"
GROUP = "micetro-integration"


def ids(n):
    return [f"{100000000000 + 7 * i:012d}" for i in range(1, n + 1)]


class Setup:
    """One output directory, emitted again and again, and its script run against one moto."""

    def __init__(self, crossrole, moto, tmp, name):
        self.crossrole, self.moto = crossrole, moto
        self.out = os.path.join(tmp, name)
        self.admin = admin_of(moto, HUB)
        creds, conf = os.path.join(tmp, f"{name}.credentials"), os.path.join(tmp, f"{name}.config")
        with open(creds, "w") as c, open(conf, "w") as f:
            e = self.admin.env
            c.write(f"[hub]\naws_access_key_id = {e['AWS_ACCESS_KEY_ID']}\n"
                    f"aws_secret_access_key = {e['AWS_SECRET_ACCESS_KEY']}\naws_session_token = {e['AWS_SESSION_TOKEN']}\n")
            f.write("[profile hub]\nregion = us-east-1\n")
        self.env = {k: v for k, v in BASE_ENV.items() if not k.startswith("AWS_")}
        self.env.update(PATH=BIN + os.pathsep + BASE_ENV["PATH"], AWS_ENDPOINT_URL=moto.endpoint,
                        AWS_SHARED_CREDENTIALS_FILE=creds, AWS_CONFIG_FILE=conf,
                        **{f"CROSSROLE_PROFILE_{HUB}": "hub"})

    def emit(self, accounts, *flags):
        args = [self.crossrole, "emit", "--hub-account", HUB, "--accounts", ",".join(accounts), "--format", "cli",
                "--deploy", "stackset", "--out", self.out, *flags]
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure(f"emit {' '.join(flags)} failed: {r.stderr[-1000:]}")
        return r.stderr

    def deploy(self):
        script = os.path.join(self.out, "cli", "deploy.sh")
        r = subprocess.run(["bash", script], env=self.env, capture_output=True, text=True, cwd=self.out)
        if r.returncode != 0:
            raise Failure(f"cli/deploy.sh failed (exit {r.returncode}):\n{r.stdout[-1500:]}{r.stderr[-1500:]}")
        return r.stdout.splitlines()

    def inline(self):
        return sorted(self.admin.run("iam", "list-group-policies", "--group-name", GROUP)["PolicyNames"])

    def attached(self):
        got = self.admin.run("iam", "list-attached-group-policies", "--group-name", GROUP)["AttachedPolicies"]
        return sorted(p["PolicyName"] for p in got)

    def default_document(self, name):
        arn = f"arn:{PARTITION}:iam::{HUB}:policy/{name}"
        version = self.admin.run("iam", "get-policy", "--policy-arn", arn)["Policy"]["DefaultVersionId"]
        doc = self.admin.run("iam", "get-policy-version", "--policy-arn", arn, "--version-id", version)
        doc = doc["PolicyVersion"]["Document"]
        return json.loads(urllib.parse.unquote(doc)) if isinstance(doc, str) else doc

    def versions(self, name):
        arn = f"arn:{PARTITION}:iam::{HUB}:policy/{name}"
        return len(self.admin.run("iam", "list-policy-versions", "--policy-arn", arn)["Versions"])


def role_arns(doc):
    arns = []
    for st in doc["Statement"]:
        res = st.get("Resource", [])
        arns += [res] if isinstance(res, str) else res
    return arns


def role_of(account):
    return f"arn:{PARTITION}:iam::{account}:role/micetro-integration"


def expect(problems, what, ok, detail):
    print(f"cli-day2: {'ok' if ok else 'PROBLEM'}: {what}" + ("" if ok else f": {detail}"))
    if not ok:
        problems.append(f"{what}: {detail}")


def managed_documents_follow_the_setup(crossrole, tmp, problems):
    """The managed shape: an account added, the same output run again, an account removed."""
    moto = Moto(load_managed_policies=False)
    try:
        s = Setup(crossrole, moto, tmp, "managed")
        policy = f"{GROUP}-assume-member-roles-1"
        s.emit(ids(2), "--assume-policy", "managed")
        s.deploy()
        expect(problems, "managed: the first run creates the policy with the two role ARNs",
               sorted(role_arns(s.default_document(policy))) == sorted(map(role_of, ids(2))),
               role_arns(s.default_document(policy)))
        s.emit(ids(3), "--assume-policy", "managed")
        out = s.deploy()
        arns = role_arns(s.default_document(policy))
        expect(problems, "managed: an added account reaches the policy's default version",
               role_of(ids(3)[2]) in arns and f"updated: managed policy {policy}" in out, (arns, out[-5:]))
        before = s.versions(policy)
        out = s.deploy()
        expect(problems, "managed: a re-run of the same output makes no new version",
               s.versions(policy) == before and not any(l.startswith("updated: ") for l in out), (before, out))
        less = [ids(3)[0], ids(3)[2]]
        s.emit(less, "--assume-policy", "managed")
        s.deploy()
        arns = role_arns(s.default_document(policy))
        expect(problems, "managed: a removed account leaves the policy's default version",
               sorted(arns) == sorted(map(role_of, less)), arns)
        # IAM keeps five versions: further changes replace the oldest one that is not in use.
        for n in range(4, 7):
            s.emit(ids(n), "--assume-policy", "managed")
            s.deploy()
        arns = role_arns(s.default_document(policy))
        expect(problems, "managed: a sixth version stays within IAM's five",
               s.versions(policy) <= 5 and sorted(arns) == sorted(map(role_of, ids(6))), (s.versions(policy), arns))
    finally:
        moto.stop()


def two_step_change_leaves_nothing_stale(crossrole, tmp, problems):
    """per-account (20 inline policies) to groups: step 1 moves the grants into a managed policy and
    removes the per-account ones, step 2 (--applied) puts the group's list and detaches the bridge."""
    moto = Moto(load_managed_policies=False)
    try:
        s = Setup(crossrole, moto, tmp, "two-step")
        s.emit(ids(20), "--assume-policy", "per-account")
        s.deploy()
        per_account = [n for n in s.inline() if n.startswith("assume-member-role-")]
        expect(problems, "two-step: per-account places one inline policy per account", len(per_account) == 20,
               s.inline())
        err = s.emit(ids(21), "--assume-policy", "groups")
        step1 = open(os.path.join(s.out, "DEPLOY.md"), encoding="utf-8").read()
        expect(problems, "two-step: 21 accounts in groups is emitted as step 1 of two",
               "Step 1 of a two-step change" in step1, err[-500:])
        out = s.deploy()
        stale = [n for n in s.inline() if n.startswith("assume-member-role-")]
        expect(problems, "two-step: step 1 removes the per-account inline policies",
               not stale and any(l.startswith("removed: group policy") for l in out), (s.inline(), out[-5:]))
        expect(problems, "two-step: step 1 attaches the bridge", any("assume-member-roles-" in p for p in s.attached()),
               s.attached())
        s.emit(ids(21), "--assume-policy", "groups", "--applied")
        s.deploy()
        expect(problems, "two-step: step 2 puts the group's list and detaches the bridge",
               "assume-member-roles" in s.inline() and not any("assume-member-roles-" in p for p in s.attached()),
               (s.inline(), s.attached()))
        bridge = f"arn:{PARTITION}:iam::{HUB}:policy/{GROUP}-assume-member-roles-1"
        ok, _ = s.admin.call("iam", "get-policy", "--policy-arn", bridge)
        expect(problems, "two-step: step 2 deletes the bridge policy", not ok, "it still exists")
        doc = s.admin.run("iam", "get-group-policy", "--group-name", GROUP, "--policy-name", "assume-member-roles")
        doc = doc["PolicyDocument"]
        doc = json.loads(urllib.parse.unquote(doc)) if isinstance(doc, str) else doc
        expect(problems, "two-step: the group's list names all 21 roles",
               sorted(role_arns(doc)) == sorted(map(role_of, ids(21))), role_arns(doc))
    finally:
        moto.stop()


def main():
    crossrole = os.path.abspath(sys.argv[2])
    if not os.path.exists(crossrole):
        print(f"cli-day2: FAIL: no crossrole binary at {crossrole} (cargo build first)", file=sys.stderr)
        sys.exit(1)
    problems = []
    with tempfile.TemporaryDirectory(prefix="crossrole-day2-") as tmp:
        for check in (managed_documents_follow_the_setup, two_step_change_leaves_nothing_stale):
            try:
                check(crossrole, tmp, problems)
            except Failure as e:
                problems.append(f"{check.__name__}: {e}")
    print(f"cli-day2: {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
