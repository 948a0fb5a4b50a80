"""Evaluating crossrole's CloudFormation output the way CloudFormation does, for the checks in
this directory: Fn::Sub (with `${!x}` literals), Fn::Split, Ref and Fn::GetAtt over a name
environment."""
import json
import re

import yaml


def canon(v):
    """Canonical JSON: the form two documents are compared in."""
    return json.dumps(v, sort_keys=True, separators=(",", ":"))


def load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def cfn_eval(node, env):
    """Resolves intrinsics in `node`; `env` maps pseudo parameters, parameters and logical ids
    (Ref) and `Logical.Attr` (Fn::GetAtt) to values."""
    if isinstance(node, dict):
        if set(node) == {"Fn::Sub"}:
            def repl(m):
                name = m.group(1)
                return "${" + name[1:] + "}" if name.startswith("!") else env[name]

            return re.sub(r"\$\{([^}]*)\}", repl, node["Fn::Sub"])
        if set(node) == {"Fn::Split"}:
            delimiter, source = node["Fn::Split"]
            return cfn_eval(source, env).split(delimiter)
        if set(node) == {"Ref"}:
            return env[node["Ref"]]
        if set(node) == {"Fn::GetAtt"}:
            logical, attr = node["Fn::GetAtt"]
            return env[f"{logical}.{attr}"]
        return {k: cfn_eval(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [cfn_eval(v, env) for v in node]
    return node
