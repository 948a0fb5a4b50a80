"""Runs checkov (offline) over every golden output and fails on any failed check. Suppressions are
allowed only where crossrole writes them into the output with a justification; they are listed,
and a suppression without a justification fails.

usage: check_checkov.py CHECKOV_BIN GOLDEN_DIR"""
import json
import os
import subprocess
import sys

checkov, golden = sys.argv[1], sys.argv[2]
env = dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true", BC_SKIP_MAPPING="TRUE")
r = subprocess.run(
    [checkov, "-d", golden, "--skip-download", "--framework", "cloudformation", "terraform", "-o", "json"],
    capture_output=True, text=True, env=env,
)
try:
    reports = json.loads(r.stdout)
except json.JSONDecodeError:
    sys.exit(f"checkov printed no JSON (exit {r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
if isinstance(reports, dict):
    reports = [reports]
problems = []
passed = failed = skipped = 0
frameworks = set()
for rep in reports:
    frameworks.add(rep.get("check_type"))
    res = rep.get("results", {})
    summary = rep.get("summary", {})
    passed += summary.get("passed", 0)
    if summary.get("parsing_errors"):
        problems.append(f"{rep.get('check_type')}: {summary['parsing_errors']} files could not be parsed")
    for c in res.get("failed_checks", []):
        failed += 1
        problems.append(f"FAILED {c['check_id']} {c['check_name']}: {c['resource']} in {c['file_path']}:{c['file_line_range']}")
    for c in res.get("skipped_checks", []):
        skipped += 1
        why = (c.get("check_result") or {}).get("suppress_comment", "")
        print(f"checkov: suppressed {c['check_id']} on {c['resource']} ({c['file_path']}): {why}")
        if not why.strip():
            problems.append(f"suppression of {c['check_id']} on {c['resource']} has no justification")
for p in problems:
    print("checkov:", p)
missing = {"cloudformation", "terraform"} - frameworks
if missing:
    problems.append(f"no {', '.join(sorted(missing))} results: checkov did not scan them")
    print("checkov:", problems[-1])
print(f"checkov: {passed} passed, {failed} failed, {skipped} suppressed ({', '.join(sorted(f for f in frameworks if f))})")
sys.exit(1 if problems or passed == 0 else 0)
