"""The config's JSON Schema (schema/crossrole.schema.json, printed by `crossrole schema`) checked by a
third-party validator (python-jsonschema, draft 2020-12): the schema is itself valid, every example
and test fixture validates against it, and known-bad configs do not.

usage: check_schema.py REPO_DIR"""
import glob
import json
import os
import sys

import yaml
from jsonschema import Draft202012Validator

# Each must be refused, for the reason named.
BAD = [
    ({"hub": {"acount": "999999999999"}}, "an unknown key"),
    ({"tier": "all"}, "a keyword outside its values"),
    ({"accounts": [111111111111]}, "an account id as a number"),
    ({"accounts": ["1111"]}, "a short account id"),
    ({"organization": {"id": "o-ABC"}}, "a malformed organization id"),
    ({"organization": {"units": ["ou-x"]}}, "a malformed unit"),
    ({"terraform": {"layout": "per-acount"}}, "a misspelled layout"),
    ({"member_role": {"statements": [{"sid": "A", "actions": ["s3:GetObject"]}]}}, "a statement without resources"),
    ({"hub": {"statements": [{"sid": "A", "actions": [], "resources": ["*"], "effect": "Deny"}]}}, "a statement key crossrole does not take"),
]


def main():
    repo = sys.argv[1]
    with open(os.path.join(repo, "schema", "crossrole.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    problems = []
    files = sorted(glob.glob(os.path.join(repo, "examples", "*.yaml")) + glob.glob(os.path.join(repo, "tests", "fixtures", "*.yaml")))
    for path in files:
        with open(path, encoding="utf-8") as f:
            config = yaml.safe_load(f)
        for e in validator.iter_errors(config):
            problems.append(f"{os.path.relpath(path, repo)}: {'/'.join(map(str, e.path))}: {e.message}")
    for config, why in BAD:
        if validator.is_valid(config):
            problems.append(f"the schema accepts {why}: {config}")
    for p in problems:
        print("schema:", p)
    print(f"schema: {len(files)} configs validated, {len(BAD)} bad ones refused, {len(problems)} problems")
    sys.exit(1 if problems else 0)


main()
