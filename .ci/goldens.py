"""What the checks in this directory need to know about a golden tree: the config it was emitted
from, its layout (hub and spoke, a single account, or a vendor role), and the accounts the config names."""
import os
import re

import yaml


def config_for(repo, name):
    """The example or test fixture whose output `tests/golden/<name>/` is."""
    for d in ("examples", os.path.join("tests", "fixtures")):
        p = os.path.join(repo, d, name + ".yaml")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                return yaml.safe_load(f)
    raise SystemExit(f"no config for golden {name}")


def is_vendor(golden):
    """A vendor-role setup: one role template, no hub."""
    return os.path.exists(os.path.join(golden, "cloudformation", "vendor-role.yaml"))


def is_single_account(golden):
    return os.path.exists(os.path.join(golden, "cloudformation", "account.yaml"))


def hub_template(golden):
    """The CloudFormation template of the hub (the account itself in a single-account setup)."""
    return os.path.join(golden, "cloudformation", "account.yaml" if is_single_account(golden) else "hub.yaml")


# Terraform layouts of a hub-and-spoke golden (terraform.layout):
# - "providers": one root, terraform/{providers,members,hub,...}.tf, an aliased provider and a
#   modules/member-role instance per member account;
# - "per-account": a hub root terraform/hub/ and a member root terraform/member/ (one provider,
#   ../modules/member-role) that terraform/members.sh applies once per account of accounts.txt;
# - "stackset": one root with the hub and an aws_cloudformation_stack_set whose body is
#   terraform/member-role.yaml.
PROVIDERS, PER_ACCOUNT, STACKSET = "providers", "per-account", "stackset"


def tf_layout(golden):
    """The Terraform layout of a hub-and-spoke golden (None for a single account or a vendor role)."""
    if is_vendor(golden) or is_single_account(golden):
        return None
    tf = os.path.join(golden, "terraform")
    if os.path.exists(os.path.join(tf, "member", "main.tf")):
        return PER_ACCOUNT
    if os.path.exists(os.path.join(tf, "stackset.tf")):
        return STACKSET
    if os.path.exists(os.path.join(tf, "members.tf")):
        return PROVIDERS
    raise SystemExit(f"{golden}: unknown Terraform layout (no member/main.tf, stackset.tf or members.tf)")


def tf_hub_root(golden):
    """The Terraform root directory that holds the hub (the account itself in a single account)."""
    tf = os.path.join(golden, "terraform")
    return os.path.join(tf, "hub") if tf_layout(golden) == PER_ACCOUNT else tf


def hub_tf(golden):
    return os.path.join(tf_hub_root(golden), "main.tf" if is_single_account(golden) else "hub.tf")


def is_stackset(golden):
    """CloudFormation deploys the member role through a StackSet (cloudformation/stackset.yaml)."""
    return os.path.exists(os.path.join(golden, "cloudformation", "stackset.yaml"))


def accounts_txt(golden):
    """The account ids of accounts.txt (None without the file), in file order."""
    path = os.path.join(golden, "accounts.txt")
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def member_accounts(config):
    """The member account ids the config lists, sorted (strings, as crossrole requires)."""
    return sorted(a["id"] if isinstance(a, dict) else a for a in config.get("accounts") or [])


# The ExternalId a check deploys with when the vendor gives it at deploy time.
DEPLOY_TIME_ID = "given-at-deploy-time"


def vendor_ids(golden):
    """(ExternalIds to deploy with, whether crossrole wrote them): those in external-ids.txt, or
    one given at deploy time."""
    path = os.path.join(golden, "external-ids.txt")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return f.read().split(), True
    return [DEPLOY_TIME_ID], False


def external_id_params(ids):
    """The CloudFormation parameters that carry `ids`: ExternalId, ExternalId2, ..."""
    return {("ExternalId" if i == 0 else f"ExternalId{i + 1}"): v for i, v in enumerate(ids)}


def vendor_role_template(golden):
    with open(os.path.join(golden, "cloudformation", "vendor-role.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def vendor_account(template):
    """The 12-digit account in the vendor role's trust principal (`arn:${AWS::Partition}:iam::<id>:root`)."""
    principal = template["Resources"]["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"][0]
    arn = principal["Fn::Sub"] if isinstance(principal, dict) else principal
    return re.fullmatch(r"arn:[^:]+(?:::Partition\})?:iam::(\d{12}):root", arn).group(1)
