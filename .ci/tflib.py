"""Terraform for the checks in this directory: as an evaluator (a provider-less root module of
outputs, applied in a temporary directory; nothing is downloaded or deployed), and the AWS
provider's offline plugin directory with the skip-or-fail rule of the checks that need it."""
import json
import os
import subprocess
import sys
import tempfile

PROVIDER = os.path.join("registry.terraform.io", "hashicorp", "aws")


def skip_or_fail(check, why):
    """A missing tool: a loud skip on a laptop, a failure under CI (any non-empty CI, as
    scripts/test.sh reads it)."""
    if os.environ.get("CI"):
        print(f"{check}: FAIL: {why} (required under CI)", file=sys.stderr)
        sys.exit(1)
    print(f"*** SKIPPED: {check}: {why} ***", file=sys.stderr)
    sys.exit(0)


def plugin_dir():
    """The directory holding registry.terraform.io/hashicorp/aws: $CROSSROLE_TF_PLUGIN_DIR,
    /opt/tf-plugins, or wherever the machine image put it (moto-notes.md: find it)."""
    for d in (os.environ.get("CROSSROLE_TF_PLUGIN_DIR"), "/opt/tf-plugins"):
        if d and os.path.isdir(os.path.join(d, PROVIDER)):
            return d
    r = subprocess.run(["find", "/", "-xdev", "-maxdepth", "5", "-type", "d", "-path", "*/" + PROVIDER],
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        return os.path.dirname(os.path.dirname(os.path.dirname(line)))
    return None


def evaluate(expressions, prelude=""):
    """The values of HCL `expressions` (source text), in order, as Terraform computes them."""
    with tempfile.TemporaryDirectory() as tmp:
        src = [prelude] + [f'output "v{i}" {{\n  value = {e}\n}}\n' for i, e in enumerate(expressions)]
        with open(os.path.join(tmp, "main.tf"), "w", encoding="utf-8") as f:
            f.write("\n".join(src))
        env = dict(os.environ, TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
        for cmd in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
            r = subprocess.run(["terraform", *cmd], cwd=tmp, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                raise SystemExit(f"terraform {cmd[0]} failed:\n{r.stdout}{r.stderr}")
        r = subprocess.run(["terraform", "output", "-json"], cwd=tmp, env=env, capture_output=True, text=True, check=True)
        values = json.loads(r.stdout)
        # Terraform leaves an output whose value is null out of the state: it is None here.
        return [values[f"v{i}"]["value"] if f"v{i}" in values else None for i in range(len(expressions))]


def parses(path):
    """Whether Terraform's own parser accepts the file (and finds it canonical)."""
    r = subprocess.run(["terraform", "fmt", "-check", "-list=false", path], capture_output=True, text=True)
    return r.returncode == 0
