"""`crossrole explain`'s drawings and `crossrole man`'s page, read by the programs that will read them:
- the Mermaid form of every example and test fixture parsed by Mermaid's own parser
  (`mermaid.parse` of the npm package pinned in .ci/mermaid, run in node; see parse.mjs),
- the DOT form rendered by Graphviz (`dot -Tsvg`; a warning counts as a failure),
- the man page rendered by groff as `man` does (`groff -k -man -Tutf8 -ww`; any warning fails).
Each tool must also reject a deliberately broken copy, so a tool that accepts anything cannot pass.
A config explain refuses is skipped, and said so. A missing tool is a loud skip, a failure under CI.

usage: check_diagrams.py REPO_DIR CROSSROLE_BINARY"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

problems = []
skipped_tools = []


def missing(tool, why):
    if os.environ.get("CI"):
        problems.append(f"{tool} is required under CI: {why}")
    else:
        skipped_tools.append(tool)
        print(f"*** SKIPPED: {tool}: {why}; run bash .ci/setup.sh ***", file=sys.stderr)


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def first_line(s):
    return s.strip().splitlines()[0] if s.strip() else "(no message)"


def explain(binary, configs, tmp):
    """Writes each config's Mermaid and DOT forms to tmp; returns [(name, mmd path, dot path)]."""
    drawn = []
    for config in configs:
        name = os.path.splitext(os.path.basename(config))[0]
        paths = []
        for fmt, ext in (("mermaid", "mmd"), ("dot", "dot")):
            p = run([binary, "explain", "--config", config, "--format", fmt])
            if p.returncode != 0:
                print(f"diagrams: skipped {name}: explain refuses it (exit {p.returncode}): {first_line(p.stderr)}")
                break
            path = os.path.join(tmp, f"{name}.{ext}")
            with open(path, "w", encoding="utf-8") as f:
                f.write(p.stdout)
            paths.append(path)
        else:
            drawn.append((name, *paths))
    return drawn


def broken(tmp, path, ext, corrupt):
    """A corrupted copy of `path` that its parser must reject."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    bad = corrupt(text)
    assert bad != text, f"the corruption did not change {path}"
    out = os.path.join(tmp, f"broken.{ext}")
    with open(out, "w", encoding="utf-8") as f:
        f.write(bad)
    return out


def check_mermaid(repo, drawn, tmp):
    here = os.path.join(repo, ".ci", "mermaid")
    if not shutil.which("node"):
        return missing("node", "not found on PATH")
    if not os.path.isdir(os.path.join(here, "node_modules", "mermaid")):
        return missing("mermaid", f"{os.path.relpath(here, repo)}/node_modules is not installed (npm ci)")
    with open(os.path.join(here, "node_modules", "mermaid", "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    # The first node line without its closing `"]`: an unterminated label.
    bad = broken(tmp, drawn[0][1], "mmd", lambda t: t.replace('"]\n', '"\n', 1))
    files = [mmd for _, mmd, _ in drawn]
    p = run(["node", os.path.join(here, "parse.mjs"), *files, bad], cwd=here)
    # parse.mjs prints `mermaid ok: PATH (TYPE)` for each file that parsed.
    ok = {line[12:].rsplit(" (", 1)[0] for line in p.stdout.splitlines() if line.startswith("mermaid ok: ")}
    failed = [f for f in files if f not in ok]
    if failed or bad in ok or p.returncode != 1:
        print(p.stdout + p.stderr, end="")  # node's own words, for the problems below
    for f in failed:
        problems.append(f"mermaid {version} does not parse explain's drawing of {os.path.basename(f)}")
    if bad in ok:
        problems.append(f"mermaid {version} accepted a broken diagram; this check proves nothing")
    node = run(["node", "--version"]).stdout.strip()
    print(
        f"diagrams: {len(files) - len(failed)} of {len(files)} Mermaid drawings parsed by mermaid {version} "
        f"(node {node}); the broken copy {'ACCEPTED' if bad in ok else 'refused'}"
    )


def check_dot(drawn, tmp):
    if not shutil.which("dot"):
        return missing("dot", "Graphviz (Debian package graphviz) not found on PATH")
    version = first_line(run(["dot", "-V"]).stderr)

    def render(path):
        p = run(["dot", "-Tsvg", "-o", os.devnull, path])
        return p.returncode == 0 and not p.stderr.strip(), first_line(p.stderr)

    failed = 0
    for name, _, dot in drawn:
        good, why = render(dot)
        if not good:
            failed += 1
            problems.append(f"{version}: explain's drawing of {name}: {why}")
    bad = broken(tmp, drawn[0][2], "dot", lambda t: t[: t.rindex("}")])  # no closing brace
    accepted = render(bad)[0]
    if accepted:
        problems.append(f"{version} accepted a broken graph; this check proves nothing")
    print(
        f"diagrams: {len(drawn) - failed} of {len(drawn)} DOT graphs rendered to SVG by {version} without a "
        f"warning; the broken copy {'ACCEPTED' if accepted else 'refused'}"
    )


def check_man(binary):
    if not shutil.which("groff"):
        return missing("groff", "groff (Debian package groff-base) not found on PATH")
    version = first_line(run(["groff", "--version"]).stdout)
    page = run([binary, "man"])
    if page.returncode != 0:
        problems.append(f"crossrole man: exit {page.returncode}: {first_line(page.stderr)}")
        return

    def render(text):
        # -k: preconv, as man runs it; -ww: every warning; -P-cbou: plain text, no overstriking.
        return run(["groff", "-k", "-man", "-Tutf8", "-ww", "-P-cbou"], input=text)

    p = render(page.stdout)
    clean = p.returncode == 0 and not p.stderr.strip()
    if not clean:
        problems.append(f"{version} on `crossrole man`: {p.stderr.strip() or f'exit {p.returncode}'}")
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION"):
        if f"\n{section}\n" not in p.stdout:
            problems.append(f"{version}: the rendered man page has no {section} section")
    warned = bool(render(page.stdout + ".BOGUS\n").stderr.strip())
    if not warned:
        problems.append(f"{version} gave no warning for an undefined macro; this check proves nothing")
    lines = len(p.stdout.splitlines())
    print(
        f"diagrams: `crossrole man` rendered by {version} ({lines} lines) "
        f"{'without a warning' if clean else 'WITH WARNINGS'}; a broken page {'warned' if warned else 'DID NOT WARN'}"
    )


def main():
    repo, binary = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    configs = sorted(glob.glob(os.path.join(repo, "examples", "*.yaml"))) + sorted(
        glob.glob(os.path.join(repo, "tests", "fixtures", "*.yaml"))
    )
    with tempfile.TemporaryDirectory(prefix="crossrole-diagrams-") as tmp:
        drawn = explain(binary, configs, tmp)
        names = " ".join(name for name, _, _ in drawn)
        print(f"diagrams: explain drew {len(drawn)} of {len(configs)} configs (examples and test fixtures): {names}")
        if not drawn:
            problems.append("explain drew nothing")
        else:
            check_mermaid(repo, drawn, tmp)
            check_dot(drawn, tmp)
    check_man(binary)
    for p in problems:
        print("diagrams:", p)
    skipped = f", SKIPPED: {', '.join(skipped_tools)}" if skipped_tools else ""
    print(f"diagrams: {len(problems)} problems{skipped}")
    sys.exit(1 if problems else 0)


main()
