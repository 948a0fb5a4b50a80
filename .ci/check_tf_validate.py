"""`terraform validate` of every golden Terraform root against the real AWS provider schema:
the hub-and-spoke roots of every layout (providers, per-account hub and member, stackset), the
single-account root and the vendor roots.

Each root is copied to a temporary directory with the local modules it calls (keeping the relative
paths, so `../modules/member-role` resolves) and the files beside it (member-role.yaml, tfvars),
initialised once with `terraform init -backend=false -plugin-dir=DIR` from the AWS provider plugin
directory of the machine image (offline: nothing is downloaded), then validated.

Every provider block is its own provider process (about 80 MB) during validate, so only roots with
at most MAX_PROVIDERS provider blocks are validated, plus providers-layout roots with at most
MAX_PROVIDERS_MEMBERS member accounts; a root with more is listed as skipped, never run.

Without terraform or the plugin directory this skips loudly (exit 0), and fails under CI.

usage: check_tf_validate.py REPO_DIR"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import tflib

MAX_PROVIDERS = 3
MAX_PROVIDERS_MEMBERS = 3
# validate is CPU-bound (it loads the provider and its schema): one job per CPU.
WORKERS = int(os.environ.get("CROSSROLE_TF_VALIDATE_JOBS", 0)) or os.cpu_count() or 1
PROVIDER = tflib.PROVIDER
ENV = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1", TF_INPUT="0")


def skip_or_fail(why):
    tflib.skip_or_fail("tf-validate", why)


def tf_files(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".tf") and os.path.isfile(os.path.join(d, f)))


def roots(golden):
    """The Terraform roots of a golden: directories under terraform/ with .tf files, except modules."""
    tf = os.path.join(golden, "terraform")
    out = []
    for d, dirs, _ in os.walk(tf):
        dirs[:] = sorted(x for x in dirs if x != "modules" and not x.startswith("."))
        if tf_files(d):
            out.append(d)
    return out


def text_of(d):
    return "\n".join(open(os.path.join(d, f), encoding="utf-8").read() for f in tf_files(d))


def provider_blocks(d):
    return len(re.findall(r'^provider "aws" \{', text_of(d), re.M))


def local_modules(d, seen=None):
    """The local module directories `d` calls, directly or through other modules."""
    seen = set() if seen is None else seen
    for src in re.findall(r'^\s*source\s*=\s*"(\.{1,2}/[^"]*)"', text_of(d), re.M):
        m = os.path.normpath(os.path.join(d, src))
        if m not in seen:
            seen.add(m)
            local_modules(m, seen)
    return seen


def root_files(golden, root):
    """(path relative to the golden's terraform/, absolute path) of every file the root needs."""
    base = os.path.join(golden, "terraform")
    out = []
    for d in [root, *sorted(local_modules(root))]:
        rel = os.path.relpath(d, base)
        if rel.startswith(".."):
            raise SystemExit(f"{root}: module {d} is outside {base}")
        out += [(os.path.normpath(os.path.join(rel, f)), os.path.join(d, f)) for f in sorted(os.listdir(d))
                if os.path.isfile(os.path.join(d, f))]
    return out


def fingerprint(golden, root):
    """Identical roots (same files, modules included) are validated once."""
    h = hashlib.sha256()
    for rel, path in root_files(golden, root):
        h.update(rel.encode() + b"\0")
        with open(path, "rb") as f:
            h.update(f.read() + b"\0")
    return h.hexdigest()


def copy_root(golden, root, tmp):
    """Copies the root's files and its local modules under tmp, keeping their paths relative to the
    golden's terraform/ directory; returns the copied root."""
    for rel, path in root_files(golden, root):
        dest = os.path.join(tmp, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copy2(path, dest)
    return os.path.normpath(os.path.join(tmp, os.path.relpath(root, os.path.join(golden, "terraform"))))


def run(cmd, cwd):
    return subprocess.run(["terraform", *cmd], cwd=cwd, env=ENV, capture_output=True, text=True)


def validate(golden, root, plugins):
    """(ok, detail) for one root."""
    with tempfile.TemporaryDirectory(prefix="crossrole-validate-") as tmp:
        work = copy_root(golden, root, tmp)
        r = run(["init", "-backend=false", "-input=false", "-no-color", f"-plugin-dir={plugins}"], work)
        if r.returncode != 0:
            return False, f"terraform init failed:\n{r.stdout}{r.stderr}"
        r = run(["validate", "-json", "-no-color"], work)
        try:
            result = json.loads(r.stdout)
        except ValueError:
            return False, f"terraform validate gave no JSON (exit {r.returncode}):\n{r.stdout}{r.stderr}"
        diags = [f"  {d['severity']}: {d['summary']}: {d.get('detail', '')}".rstrip(": ")
                 + (f" ({d['range']['filename']}:{d['range']['start']['line']})" if d.get("range") else "")
                 for d in result.get("diagnostics", [])]
        if not result.get("valid") or r.returncode != 0:
            return False, "terraform validate: invalid\n" + "\n".join(diags)
        warnings = result.get("warning_count", 0)
        if warnings:
            # A warning (a deprecated argument, say) is a finding too: the roots are generated.
            return False, f"terraform validate: {warnings} warning(s)\n" + "\n".join(diags)
        return True, ""


def timed(f, *args):
    t0 = time.monotonic()
    out = f(*args)
    return time.monotonic() - t0, out


def main():
    repo = sys.argv[1]
    golden_root = os.path.join(repo, "tests", "golden")
    if shutil.which("terraform") is None:
        skip_or_fail("terraform is not on PATH")
    plugins = tflib.plugin_dir()
    if plugins is None:
        skip_or_fail(f"no Terraform provider plugin directory with {PROVIDER} "
                     "(looked in $CROSSROLE_TF_PLUGIN_DIR, /opt/tf-plugins, and with find / -xdev -maxdepth 5)")
    jobs, skipped = [], []
    for name in sorted(os.listdir(golden_root)):
        golden = os.path.join(golden_root, name)
        for root in roots(golden):
            label = f"{name}/{os.path.relpath(root, golden)}"
            n = provider_blocks(root)
            providers_layout = os.path.exists(os.path.join(root, "members.tf"))
            # The providers layout has one provider for the hub and one alias per member account.
            if n <= MAX_PROVIDERS or (providers_layout and n - 1 <= MAX_PROVIDERS_MEMBERS):
                jobs.append((label, golden, root, n))
            else:
                skipped.append((label, n))
    start = time.monotonic()
    failed = 0
    first = {}  # fingerprint -> label of the root validated for it
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = {}
        keys = [fingerprint(g, r) for _, g, r, _ in jobs]
        for (label, g, r, n), key in zip(jobs, keys):
            if key not in futures:
                first[key] = label
                futures[key] = pool.submit(timed, validate, g, r, plugins)
        for (label, g, r, n), key in zip(jobs, keys):
            took, (ok, detail) = futures[key].result()
            how = f"{took:.1f}s" if first[key] == label else f"the same files as {first[key]}"
            print(f"tf-validate: {'ok  ' if ok else 'FAIL'} {label} ({n} provider block{'s' if n != 1 else ''}, {how})")
            if not ok:
                failed += 1
                if first[key] == label:
                    print("\n".join("    " + line for line in detail.rstrip().split("\n")))
    for label, n in skipped:
        print(f"tf-validate: skip {label} ({n} provider blocks: more than {MAX_PROVIDERS}, or than {MAX_PROVIDERS_MEMBERS} "
              "members in the providers layout; each is an 80 MB provider process)")
    print(f"tf-validate: {len(jobs)} roots validated ({len(futures)} distinct) with {plugins}, {failed} failed, "
          f"{len(skipped)} skipped (too many providers), {time.monotonic() - start:.1f}s")
    sys.exit(1 if failed else 0)


main()
