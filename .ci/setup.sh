#!/usr/bin/env bash
# Creates .ci/.venv with the pinned Python checkers (idempotent: reinstalls only when
# requirements.txt changed) and checks the tools that cannot come from PyPI.
set -euo pipefail
cd "$(dirname "$0")"

# checkov gets its own venv: it replaces python-hcl2's files with its own fork of hcl2.
make_venv() {
  local venv=$1 requirements=$2
  local stamp="$venv/.requirements"
  if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
    echo "setup: creating $PWD/$venv from $requirements with $(python3 --version)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    # --no-compile: byte-compiling every installed module (botocore alone is thousands) was a
    # good part of setup's CPU; Python compiles what a check imports when it imports it.
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-compile -r "$requirements"
    cp "$requirements" "$stamp"
  fi
}
# The four are independent and mostly wait on downloads: they install side by side.
venvs=(
  ".venv requirements.txt"
  ".venv-checkov requirements-checkov.txt"
  # moto and the aws CLI pin their own botocore; keep them apart from the checkers too.
  ".venv-moto requirements-moto.txt"
  # hadolint, actionlint and pre-commit for the CI recipes (.ci/check_recipes.py).
  ".venv-recipes requirements-recipes.txt"
)
pids=()
for v in "${venvs[@]}"; do
  # shellcheck disable=SC2086 # two words: the venv and its requirements
  make_venv $v &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do
  wait "$p" || failed=1
done
if [ "$failed" -ne 0 ]; then
  echo "setup: a Python venv could not be created (see above)" >&2
  exit 1
fi

# terraform is part of the machine image (no provider plugins are needed: we use `fmt` and a
# provider-less `apply` of literal outputs). It is not on Debian's or PyPI's registries.
if ! command -v terraform >/dev/null 2>&1; then
  echo "setup: terraform not found on PATH; the terraform checks cannot run" >&2
  if [ -n "${CI:-}" ]; then exit 1; fi
fi

# The emitted CLI scripts are checked with shellcheck, a Debian package.
if ! command -v shellcheck >/dev/null 2>&1; then
  echo "setup: installing shellcheck with apt-get"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get install -y --no-install-recommends shellcheck >/dev/null 2>&1 ||
    { $sudo apt-get update >/dev/null && $sudo apt-get install -y --no-install-recommends shellcheck >/dev/null; }
fi

# .ci/check_diagrams.py reads explain's drawings with Graphviz and the man page with groff (Debian
# packages), and the Mermaid drawings with node. Installed when missing; under CI a tool that is
# still missing fails setup, elsewhere the check skips it loudly.
apt_tool() {
  local cmd=$1 package=$2 sudo=""
  if command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "setup: installing $package with apt-get (for $cmd)"
  $sudo apt-get install -y --no-install-recommends "$package" >/dev/null 2>&1 ||
    { $sudo apt-get update >/dev/null 2>&1 && $sudo apt-get install -y --no-install-recommends "$package" >/dev/null 2>&1; } ||
    true
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "*** setup: could not install $package; the checks needing $cmd will be SKIPPED ***" >&2
    if [ -n "${CI:-}" ]; then exit 1; fi
  fi
}
apt_tool dot graphviz
apt_tool groff groff-base
apt_tool node nodejs
apt_tool npm npm

# Mermaid's own parser, pinned by mermaid/package-lock.json; `npm ci` again only when it changed.
if command -v npm >/dev/null 2>&1; then
  stamp=mermaid/node_modules/.crossrole-lock
  if ! cmp -s mermaid/package-lock.json "$stamp"; then
    echo "setup: installing $PWD/mermaid from package-lock.json with npm ci (node $(node --version))"
    if (cd mermaid && npm ci --no-audit --no-fund --loglevel=error); then
      cp mermaid/package-lock.json "$stamp"
    else
      echo "*** setup: npm ci failed in $PWD/mermaid; the Mermaid check will be SKIPPED ***" >&2
      if [ -n "${CI:-}" ]; then exit 1; fi
    fi
  fi
fi
