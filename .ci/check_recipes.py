"""The CI recipes checked with the tools their users run: hadolint on the Dockerfile, actionlint
(with shellcheck on the `run:` scripts) on examples/ci/github-actions.yml, and the pre-commit hook
run by pre-commit itself in a scratch git repository holding a config and its emitted output: a
clean commit passes, a hand-edited output file or an edited config fails with the diff, and a
commit touching neither skips the hook. Then `docker build` where a Docker engine answers; where
none does, the build context (.dockerignore) is checked to hold what the build reads.

The tools come from the venv this script runs in (.ci/.venv-recipes, made by .ci/setup.sh).
RECIPES_RUST_HOOK=1 also runs the `language: rust` hook, which makes pre-commit build crossrole
with `cargo install` (a release build: minutes).

usage: check_recipes.py REPO_DIR [CROSSROLE_BINARY]   (default: the debug build of `cargo test`)"""
import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

BIN = os.path.dirname(sys.executable)
EDIT = "# edited by hand\n"
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(f"recipes: {'ok  ' if ok else 'FAIL'} {name}")
    if detail and not ok:
        print("    " + detail.rstrip().replace("\n", "\n    "))


def run(cmd, cwd=None, env=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def pair(tool, good, tmp, bad, refusal):
    """The linter accepts our file and refuses a known-bad one for the reasons named, so a linter
    that accepts anything cannot pass."""
    code, out = run([os.path.join(BIN, tool), good])
    check(f"{tool} {os.path.basename(good)}", code == 0, out)
    name, text = bad
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    code, out = run([os.path.join(BIN, tool), path])
    why, marks = refusal
    check(f"{tool} refuses {why}", code != 0 and all(m in out for m in marks), out)


def lint(repo, tmp):
    code, out = run([os.path.join(BIN, "hadolint"), "--version"])
    print(f"recipes: {out.strip()}")
    pair("hadolint", os.path.join(repo, "Dockerfile"), tmp,
         ("Dockerfile.bad", "FROM debian:latest\nRUN apt-get install curl\n"),
         ("a known-bad Dockerfile (DL3007, DL3008)", ["DL3007", "DL3008"]))

    code, out = run([os.path.join(BIN, "actionlint"), "-version"])
    print(f"recipes: actionlint {out.splitlines()[0] if out else '?'}; shellcheck for run: scripts: {shutil.which('shellcheck') or 'NOT FOUND'}")
    pair("actionlint", os.path.join(repo, "examples", "ci", "github-actions.yml"), tmp,
         ("bad.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $1 ${{ github.event.pull_request.title }}\n"),
         ("a known-bad workflow (shellcheck SC2086, script injection)", ["SC2086", "untrusted"]))
    examples = [os.path.relpath(p, repo) for p in glob.glob(os.path.join(repo, "examples", "*.yaml"))]
    check("examples/ci/ is outside check_schema.py's examples/*.yaml", not any(p.startswith(os.path.join("examples", "ci")) for p in examples))


def git(cwd, *args):
    code, out = run(["git", *args], cwd=cwd)
    if code != 0:
        raise SystemExit(f"git {' '.join(args)} in {cwd} failed:\n{out}")
    return out.strip()


def new_repo(path):
    os.makedirs(path)
    git(path, "init", "-q", "-b", "main")


def commit_all(path, message):
    git(path, "add", "-A")
    git(path, "commit", "-q", "--no-verify", "-m", message)
    return git(path, "rev-parse", "HEAD")


def infra_repo(tmp, name, repo, crossrole, hooks_repo, rev, hook_id):
    """A repository as a user has it: crossrole.yaml, the output it emits, and the hook installed."""
    infra = os.path.join(tmp, name)
    new_repo(infra)
    shutil.copy(os.path.join(repo, "examples", "two-accounts.yaml"), os.path.join(infra, "crossrole.yaml"))
    with open(os.path.join(infra, "README.md"), "w", encoding="utf-8") as f:
        f.write("IAM for the integration.\n")
    with open(os.path.join(infra, ".pre-commit-config.yaml"), "w", encoding="utf-8") as f:
        f.write(f"repos:\n  - repo: {hooks_repo}\n    rev: {rev}\n    hooks:\n"
                f"      - id: {hook_id}\n        args: [--config, crossrole.yaml, --out, out]\n")
    code, out = run([crossrole, "emit", "--config", "crossrole.yaml", "--out", "out"], cwd=infra)
    if code != 0:
        raise SystemExit(f"crossrole emit failed:\n{out}")
    return infra


def append(path, text):
    with open(path, "a", encoding="utf-8") as f:
        f.write(text)


def hook_scenarios(label, infra, env):
    """Commit through the installed hook: clean, a hand-edited output, an edited config, neither."""
    pre_commit = [sys.executable, "-m", "pre_commit"]
    code, out = run([*pre_commit, "install"], cwd=infra, env=env)
    check(f"{label}: pre-commit install", code == 0, out)
    started = time.monotonic()
    code, out = run(["git", "add", "-A"], cwd=infra, env=env)
    code, out = run(["git", "commit", "-m", "clean"], cwd=infra, env=env)
    print(f"recipes: {label}: first commit (hook set up and run) took {time.monotonic() - started:.1f}s")
    check(f"{label}: commit of config + emitted output passes", code == 0 and re.search(r"crossrole emit --check\.+Passed", out), out)
    print("    | " + out.strip().replace("\n", "\n    | "))

    append(os.path.join(infra, "out", "terraform", "hub.tf"), EDIT)
    code, out = run(["git", "commit", "-am", "edit"], cwd=infra, env=env)
    shown = "Failed" in out and "drift: terraform/hub.tf differs" in out and "--- a/terraform/hub.tf" in out and "-" + EDIT in out
    check(f"{label}: commit of a hand-edited output file fails and shows the diff", code != 0 and shown, out)
    print("    | " + out.strip().replace("\n", "\n    | "))
    git(infra, "reset", "-q", "--hard")

    config = os.path.join(infra, "crossrole.yaml")
    with open(config, encoding="utf-8") as f:
        text = f.read()
    with open(config, "w", encoding="utf-8") as f:
        f.write(text.replace("max_session_duration: 3600", "max_session_duration: 7200"))
    code, out = run(["git", "commit", "-am", "config"], cwd=infra, env=env)
    check(f"{label}: commit of an edited config without re-emitting fails", code != 0 and "Failed" in out and re.search(r"^\+\s+MaxSessionDuration: 7200$", out, re.M), out)
    git(infra, "reset", "-q", "--hard")

    append(os.path.join(infra, "README.md"), "More.\n")
    code, out = run(["git", "commit", "-am", "readme"], cwd=infra, env=env)
    check(f"{label}: commit touching neither config nor output skips the hook (files:)", code == 0 and re.search(r"crossrole emit --check\.+\(no files to check\)Skipped", out), out)


def pre_commit_checks(repo, tmp, crossrole):
    # git without the user's global and system config (hooksPath, templates), with an identity.
    gitconfig = os.path.join(tmp, "gitconfig")
    with open(gitconfig, "w", encoding="utf-8") as f:
        f.write("[user]\n\tname = recipes check\n\temail = recipes@example.invalid\n")
    os.environ.update(GIT_CONFIG_GLOBAL=gitconfig, GIT_CONFIG_NOSYSTEM="1")
    env = dict(os.environ, PRE_COMMIT_HOME=os.path.join(tmp, "pre-commit-home"), PRE_COMMIT_COLOR="never")
    code, out = run([sys.executable, "-m", "pre_commit", "--version"])
    print(f"recipes: {out.strip()}")
    code, out = run([sys.executable, "-m", "pre_commit", "validate-manifest", os.path.join(repo, ".pre-commit-hooks.yaml")])
    check("pre-commit validate-manifest .pre-commit-hooks.yaml", code == 0, out)

    # language: system: a hooks repository holding only the manifest of this working tree.
    hooks = os.path.join(tmp, "hooks")
    new_repo(hooks)
    shutil.copy(os.path.join(repo, ".pre-commit-hooks.yaml"), hooks)
    rev = commit_all(hooks, "hooks")
    infra = infra_repo(tmp, "infra", repo, crossrole, hooks, rev, "crossrole-check-system")
    path_env = dict(env, PATH=os.path.dirname(os.path.abspath(crossrole)) + os.pathsep + env["PATH"])
    hook_scenarios("crossrole-check-system", infra, path_env)

    if os.environ.get("RECIPES_RUST_HOOK") == "1":
        # language: rust: pre-commit runs `cargo install --path .` in a clone of this working tree.
        src = os.path.join(tmp, "crossrole-src")
        new_repo(src)
        for rel in git(repo, "ls-files", "-co", "--exclude-standard", "-z").split("\0"):
            if rel and os.path.isfile(os.path.join(repo, rel)):
                os.makedirs(os.path.join(src, os.path.dirname(rel)), exist_ok=True)
                shutil.copy2(os.path.join(repo, rel), os.path.join(src, rel))
        rev = commit_all(src, "crossrole")
        infra = infra_repo(tmp, "infra-rust", repo, crossrole, src, rev, "crossrole-check")
        no_crossrole = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if not os.path.exists(os.path.join(p, "crossrole")))
        hook_scenarios("crossrole-check (language: rust)", infra, dict(env, PATH=no_crossrole))
    else:
        print("recipes: skipped the language: rust hook (a release build with cargo install); RECIPES_RUST_HOOK=1 runs it")
    return infra


def docker_context(repo):
    """The files `docker build` sends: the working tree less .dockerignore (only the pattern forms
    used there: no `!` and no `**`, which this does not model)."""
    with open(os.path.join(repo, ".dockerignore"), encoding="utf-8") as f:
        patterns = [line.strip().strip("/") for line in f if line.strip() and not line.startswith("#")]
    if any(p.startswith("!") or "**" in p for p in patterns):
        raise SystemExit(".dockerignore uses `!` or `**`: teach docker_context() to read them")

    def ignored(rel):
        parts = rel.split("/")
        for p in patterns:
            pp = p.split("/")
            if len(pp) <= len(parts) and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, pp)):
                return True
        return False

    files = []
    for root, dirs, names in os.walk(repo):
        rel_root = os.path.relpath(root, repo).replace(os.sep, "/")
        rel_root = "" if rel_root == "." else rel_root + "/"
        dirs[:] = [d for d in dirs if not ignored(rel_root + d)]
        files += [rel_root + n for n in names if not ignored(rel_root + n)]
    return sorted(files)


def cargo_targets(root):
    """The package's targets other than tests, as `kind:path` relative to root."""
    code, out = run(["cargo", "metadata", "--no-deps", "--offline", "--format-version", "1"], cwd=root)
    if code != 0:
        raise SystemExit(f"cargo metadata in {root} failed:\n{out}")
    targets = set()
    for t in json.loads(out)["packages"][0]["targets"]:
        if "test" not in t["kind"]:
            targets.add(f"{'/'.join(t['kind'])}:{os.path.relpath(t['src_path'], root)}")
    return targets


def docker_checks(repo, tmp, infra):
    files = docker_context(repo)
    ctx = os.path.join(tmp, "docker-context")
    for rel in files:
        os.makedirs(os.path.join(ctx, os.path.dirname(rel)), exist_ok=True)
        shutil.copy2(os.path.join(repo, rel), os.path.join(ctx, rel))
    leaked = [f for f in files if f.split("/")[0] in ("target", "out", ".git", ".ci")]
    check(f"docker context: {len(files)} files, no target/, out/, .git/, .ci/", not leaked, "\n".join(leaked[:20]))
    # The lock file fits the manifest and holds every crate the build needs (no network), and the
    # context declares the same lib, bin, build-script and bench targets as the repository (cargo
    # refuses a manifest whose [[bench]] file is missing; only the tests are left out on purpose).
    host = run(["rustc", "--print", "host-tuple"])[1].strip()
    code, out = run(["cargo", "tree", "--locked", "--offline", "--target", host, "-e", "normal,build"], cwd=ctx)
    check("docker context: cargo tree --locked --offline resolves the build from Cargo.lock", code == 0, out[-3000:])
    repo_targets, ctx_targets = cargo_targets(repo), cargo_targets(ctx)
    check(f"docker context: declares the repository's targets ({', '.join(sorted(ctx_targets))})", ctx_targets == repo_targets,
          f"repository: {sorted(repo_targets)}\ncontext: {sorted(ctx_targets)}")
    missing = []
    for rel in files:
        if rel.endswith(".rs"):
            with open(os.path.join(ctx, rel), encoding="utf-8") as f:
                for m in re.finditer(r'include_(?:str|bytes)!\(\s*"([^"]+)"', f.read()):
                    if not os.path.exists(os.path.join(ctx, os.path.dirname(rel), m.group(1))):
                        missing.append(f"{rel}: {m.group(1)}")
    check("docker context: every include_str!/include_bytes! file is in it", not missing, "\n".join(missing))

    if not shutil.which("docker"):
        print("recipes: *** SKIPPED docker build: no docker client on PATH (hadolint still ran) ***")
        return
    code, out = run(["docker", "info", "--format", "{{.ServerVersion}}"])
    if code != 0:
        reason = (out.strip().splitlines() or ["docker info failed"])[-1]
        print(f"recipes: *** SKIPPED docker build: no Docker engine answers ({reason}) (hadolint still ran) ***")
        return
    tag = "crossrole-recipes-check:latest"
    code, out = run(["docker", "build", "-t", tag, repo])
    check("docker build", code == 0, out[-3000:])
    if code != 0:
        return
    code, out = run(["docker", "run", "--rm", tag, "--version"])
    check("docker run crossrole --version", code == 0 and "crossrole" in out, out)
    code, out = run(["docker", "run", "--rm", "-v", f"{infra}:/work", tag, "emit", "--config", "crossrole.yaml", "--out", "out", "--check"])
    check("docker run ... emit --check on the committed output", code == 0, out)
    code, out = run(["docker", "run", "--rm", "--entrypoint", "/bin/sh", tag, "-c", "id"])
    check("the image has no shell (distroless)", code != 0, out)


def main():
    repo = os.path.abspath(sys.argv[1])
    target = os.path.abspath(os.environ.get("CARGO_TARGET_DIR", os.path.join(repo, "target")))
    crossrole = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(target, "debug", "crossrole"))
    if not os.access(crossrole, os.X_OK):
        raise SystemExit(f"{crossrole} not found: run `cargo build` (or `cargo test`) first")
    with tempfile.TemporaryDirectory(prefix="crossrole-recipes-") as tmp:
        lint(repo, tmp)
        infra = pre_commit_checks(repo, tmp, crossrole)
        docker_checks(repo, tmp, infra)
    failed = results.count(False)
    print(f"recipes: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


main()
