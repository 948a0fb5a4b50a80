//! Actions that let a principal escalate its privileges or read data out, in one place. Taken from
//! cloudsplaining (salesforce/cloudsplaining, `cloudsplaining/shared/constants.py`):
//! `PRIVILEGE_ESCALATION_METHODS` (its methods of a single action, plus `iam:PassRole`, which every
//! "PassExistingRoleTo…" method needs), `READ_ONLY_DATA_EXFILTRATION_ACTIONS`, and `sts:AssumeRole`
//! (its `ACTIONS_THAT_RETURN_CREDENTIALS`; "CreatePolicyVersionThenAssumeRole") on `*`.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Risk {
    PrivilegeEscalation,
    DataExfiltration,
}

impl Risk {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Risk::PrivilegeEscalation => "privilege escalation",
            Risk::DataExfiltration => "data exfiltration",
        }
    }
}

#[derive(Debug)]
pub(crate) struct RiskyAction {
    /// Canonical `service:Action`.
    pub(crate) action: &'static str,
    pub(crate) risk: Risk,
    /// What it allows, for the warning.
    pub(crate) why: &'static str,
    /// Risky only when granted on `"*"` (any resource).
    pub(crate) only_on_any: bool,
}

const fn r(action: &'static str, risk: Risk, why: &'static str) -> RiskyAction {
    RiskyAction { action, risk, why, only_on_any: false }
}

const ESC: Risk = Risk::PrivilegeEscalation;
const EXF: Risk = Risk::DataExfiltration;

pub(crate) const RISKY_ACTIONS: &[RiskyAction] = &[
    r("glue:UpdateDevEndpoint", ESC, "runs code on a Glue endpoint with its role"),
    r("iam:AddUserToGroup", ESC, "joins any group, and so gets its permissions"),
    r("iam:AttachGroupPolicy", ESC, "attaches any policy to a group"),
    r("iam:AttachRolePolicy", ESC, "attaches any policy to a role"),
    r("iam:AttachUserPolicy", ESC, "attaches any policy to a user"),
    r("iam:CreateAccessKey", ESC, "creates access keys for other users"),
    r("iam:CreateLoginProfile", ESC, "sets a console password for other users"),
    r("iam:CreatePolicyVersion", ESC, "rewrites a managed policy"),
    r("iam:PassRole", ESC, "hands a role to a service that then acts with the role's permissions"),
    r("iam:PutGroupPolicy", ESC, "writes any inline policy into a group"),
    r("iam:PutRolePolicy", ESC, "writes any inline policy into a role"),
    r("iam:PutUserPolicy", ESC, "writes any inline policy into a user"),
    r("iam:SetDefaultPolicyVersion", ESC, "switches a managed policy to another version"),
    r("iam:UpdateAssumeRolePolicy", ESC, "lets itself assume a role by rewriting its trust"),
    r("iam:UpdateLoginProfile", ESC, "changes other users' console passwords"),
    r("lambda:UpdateFunctionCode", ESC, "runs its own code with a function's role"),
    r("sagemaker:CreatePresignedNotebookInstanceUrl", ESC, "opens a notebook that runs with its role"),
    RiskyAction {
        action: "sts:AssumeRole",
        risk: ESC,
        why: "assumes any role that trusts this account",
        only_on_any: true,
    },
    r("s3:GetObject", EXF, "reads objects"),
    r("secretsmanager:GetSecretValue", EXF, "reads secrets"),
    r("ssm:GetParameter", EXF, "reads parameters, secure strings included"),
    r("ssm:GetParameters", EXF, "reads parameters, secure strings included"),
    r("ssm:GetParametersByPath", EXF, "reads parameters, secure strings included"),
];

/// The risk of granting an action (canonical spelling) on these resources, if it has one.
pub(crate) fn risk_of(action: &str, resources: &[String]) -> Option<&'static RiskyAction> {
    RISKY_ACTIONS
        .iter()
        .find(|r| r.action == action)
        .filter(|r| !r.only_on_any || resources.iter().any(|res| res == "*"))
}
