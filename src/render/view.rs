//! What the templates see: flat, sorted structs with every name, logical id and Terraform address
//! computed here, and every deploy-time value already mapped to the target's reference syntax.
//! Templates only loop and place text.

use serde::Serialize;

use crate::model::policy::{Expr, PolicyDocument, Seg, Var, aws_managed_policy_arn};
use crate::model::{MemberRole, Model, NamedPolicy, Setup, TrustMode, pascal};

/// A string value as the filters take it: `[["lit", "arn:"], ["ref", "AWS::Partition"], ...]`.
pub(crate) type ValueView = Vec<[String; 2]>;

#[derive(Clone, Copy)]
pub(crate) enum Target {
    CfnHub,
    CfnMember,
    TfHub,
    TfMember,
}

fn reference(target: Target, v: Var) -> &'static str {
    match (target, v) {
        (Target::CfnHub | Target::CfnMember, Var::Partition) => "AWS::Partition",
        (Target::CfnHub | Target::CfnMember, Var::Account) => "AWS::AccountId",
        (Target::CfnHub, Var::HubAccount) => "AWS::AccountId",
        (Target::CfnMember, Var::HubAccount) => "HubAccountId",
        (Target::CfnHub | Target::CfnMember, Var::HubUserName) => "HubUserName",
        (Target::TfHub | Target::TfMember, Var::Partition) => "data.aws_partition.current.partition",
        (Target::TfHub | Target::TfMember, Var::Account) => "data.aws_caller_identity.current.account_id",
        (Target::TfHub, Var::HubAccount) => "data.aws_caller_identity.current.account_id",
        (Target::TfMember, Var::HubAccount) => "var.hub_account_id",
        (Target::TfHub | Target::TfMember, Var::HubUserName) => "var.hub_user_name",
    }
}

pub(crate) fn value(target: Target, e: &Expr) -> ValueView {
    e.0.iter()
        .map(|s| match s {
            Seg::Lit(l) => ["lit".to_string(), l.clone()],
            Seg::Var(v) => ["ref".to_string(), reference(target, *v).to_string()],
        })
        .collect()
}

#[derive(Serialize)]
pub(crate) struct ConditionEntry {
    key: String,
    values: Vec<ValueView>,
}

#[derive(Serialize)]
pub(crate) struct ConditionOp {
    operator: String,
    entries: Vec<ConditionEntry>,
}

#[derive(Serialize)]
pub(crate) struct StatementView {
    sid: String,
    has_principals: bool,
    principals: Vec<ValueView>,
    actions: Vec<String>,
    has_resources: bool,
    resources: Vec<ValueView>,
    has_conditions: bool,
    conditions: Vec<ConditionOp>,
}

#[derive(Serialize, Default)]
pub(crate) struct DocView {
    statements: Vec<StatementView>,
}

pub(crate) fn doc(target: Target, d: &PolicyDocument) -> DocView {
    DocView {
        statements: d
            .statements
            .iter()
            .map(|st| {
                // Conditions arrive sorted by (operator, key); group them by operator.
                let mut conditions: Vec<ConditionOp> = Vec::new();
                for c in &st.conditions {
                    let entry = ConditionEntry {
                        key: c.key.clone(),
                        values: c.values.iter().map(|v| value(target, v)).collect(),
                    };
                    match conditions.last_mut() {
                        Some(op) if op.operator == c.operator => op.entries.push(entry),
                        _ => conditions.push(ConditionOp { operator: c.operator.clone(), entries: vec![entry] }),
                    }
                }
                StatementView {
                    sid: st.sid.clone(),
                    has_principals: !st.principals.is_empty(),
                    principals: st.principals.iter().map(|v| value(target, v)).collect(),
                    actions: st.actions.clone(),
                    has_resources: !st.resources.is_empty(),
                    resources: st.resources.iter().map(|v| value(target, v)).collect(),
                    has_conditions: !conditions.is_empty(),
                    conditions,
                }
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub(crate) struct PolicyView {
    /// CloudFormation logical id (alphanumeric).
    logical: String,
    /// Terraform resource name (identifier).
    tf_name: String,
    name: String,
    description: String,
    doc: DocView,
}

#[derive(Serialize)]
pub(crate) struct TagView {
    key: String,
    value: String,
}

#[derive(Serialize)]
pub(crate) struct ManagedArnView {
    tf_name: String,
    name: String,
    arn: ValueView,
}

#[derive(Serialize)]
pub(crate) struct MemberView {
    account: String,
    has_name: bool,
    label: String,
    /// Terraform provider alias and module name.
    tf_name: String,
    /// The administrative role Terraform assumes to reach this account.
    admin_role_arn: ValueView,
}

#[derive(Serialize)]
pub(crate) struct View {
    preset: String,
    tier: &'static str,
    mode: &'static str,
    hub_account: String,
    hub_account_description: &'static str,
    user_name: String,
    user_path: String,
    group_name: String,
    group_path: String,
    has_user_tags: bool,
    user_tags: Vec<TagView>,
    group_inline: Vec<PolicyView>,
    group_managed: Vec<PolicyView>,
    has_group_aws_managed: bool,
    group_aws_managed: Vec<ManagedArnView>,
    assume_shape: &'static str,
    assume_summary: String,
    members: Vec<MemberView>,
    /// Hub and spoke: member accounts with a role each. False for a single account.
    has_members: bool,
    role: RoleView,
    hub_sets: Vec<String>,
    member_count: i64,
    has_assume: bool,
    has_cfn: bool,
    has_tf: bool,
    hub_stack: &'static str,
    member_stack: &'static str,
    single_stack: &'static str,
    admin_role: &'static str,
    manage_own_account: bool,
    own_sets: Vec<String>,
}

/// The member role; all empty in a single-account setup (`has_members` is false).
#[derive(Serialize, Default)]
pub(crate) struct RoleView {
    name: String,
    path: String,
    description: String,
    max_session: u32,
    has_boundary: bool,
    boundary: ValueView,
    has_tags: bool,
    tags: Vec<TagView>,
    trust_mode: &'static str,
    trust_uses_user_name: bool,
    trust: DocView,
    trust_explanation: &'static str,
    trust_needs_user_first: bool,
    has_inline: bool,
    inline: Vec<PolicyView>,
    has_aws_managed: bool,
    aws_managed: Vec<ManagedArnView>,
    sets: Vec<String>,
}

fn role_view(role: &MemberRole, member: Target) -> RoleView {
    RoleView {
        name: role.name.clone(),
        path: role.path.clone(),
        description: role.description.clone(),
        max_session: role.max_session_duration,
        has_boundary: role.boundary.is_some(),
        boundary: role.boundary.as_ref().map(|b| value(member, b)).unwrap_or_default(),
        has_tags: !role.tags.is_empty(),
        tags: tag_views(&role.tags),
        trust_mode: match role.trust_mode {
            TrustMode::PrincipalArn => "principal-arn",
            TrustMode::User => "user",
            TrustMode::Account => "account",
        },
        trust_uses_user_name: role.trust_mode != TrustMode::Account,
        trust: doc(member, &role.trust),
        trust_explanation: match role.trust_mode {
            TrustMode::PrincipalArn => "the hub account, only for the hub user (aws:PrincipalArn condition)",
            TrustMode::User => "the hub user's ARN",
            TrustMode::Account => "the hub account: any identity there that may call sts:AssumeRole on the role",
        },
        trust_needs_user_first: role.trust_mode == TrustMode::User,
        has_inline: role.inline.is_some(),
        inline: policy_views(member, role.inline.as_slice()),
        has_aws_managed: !role.aws_managed.is_empty(),
        aws_managed: managed_views(member, &role.aws_managed),
        sets: role.sets.clone(),
    }
}

/// Which formats are emitted, for DEPLOY.md.
#[derive(Clone, Copy)]
pub(crate) struct Formats {
    pub(crate) cfn: bool,
    pub(crate) tf: bool,
}

/// `AmazonEC2FullAccess` → `amazon_ec2_full_access`; `assume-member-role-1` → `assume_member_role_1`.
pub(crate) fn snake(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase() && chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) { format!("p_{out}") } else { out }
}

fn policy_views(target: Target, policies: &[NamedPolicy]) -> Vec<PolicyView> {
    policies
        .iter()
        .map(|p| PolicyView {
            logical: pascal(&p.key),
            tf_name: snake(&p.key),
            name: p.name.clone(),
            description: p.description.clone(),
            doc: doc(target, &p.doc),
        })
        .collect()
}

fn managed_views(target: Target, names: &[String]) -> Vec<ManagedArnView> {
    names
        .iter()
        .map(|n| ManagedArnView {
            tf_name: format!("aws_{}", snake(n)),
            name: n.clone(),
            arn: value(target, &aws_managed_policy_arn(n)),
        })
        .collect()
}

fn tag_views(tags: &[(String, String)]) -> Vec<TagView> {
    tags.iter().map(|(k, v)| TagView { key: k.clone(), value: v.clone() }).collect()
}

/// The view for one template. Hub and member templates of one format share a view; `hub` and
/// `member` pick how deploy-time values are referenced in each.
pub(crate) fn build(model: &Model, hub: Target, member: Target, formats: Formats) -> View {
    View {
        preset: model.preset.clone(),
        tier: match model.tier {
            crate::model::Tier::Required => "required",
            crate::model::Tier::Recommended => "recommended",
        },
        mode: match model.mode {
            crate::model::Mode::Inline => "inline",
            crate::model::Mode::Managed => "managed",
        },
        hub_account: model.hub.account.to_string(),
        hub_account_description: match model.setup {
            Setup::HubAndSpoke => "Account id of the hub account (the default provider must act in it)",
            Setup::SingleAccount => "Account id of the account (the default provider must act in it)",
        },
        user_name: model.hub.user.name.clone(),
        user_path: model.hub.user.path.clone(),
        group_name: model.hub.group.name.clone(),
        group_path: model.hub.group.path.clone(),
        has_user_tags: !model.hub.tags.is_empty(),
        user_tags: tag_views(&model.hub.tags),
        group_inline: policy_views(hub, &model.hub.inline),
        group_managed: policy_views(hub, &model.hub.managed),
        has_group_aws_managed: !model.hub.aws_managed.is_empty(),
        group_aws_managed: managed_views(hub, &model.hub.aws_managed),
        has_assume: model.hub.assume.is_some(),
        assume_shape: model.hub.assume.as_ref().map_or("", |a| a.shape.name()),
        assume_summary: model.hub.assume.as_ref().map(|a| a.summary.clone()).unwrap_or_default(),
        members: model
            .members
            .iter()
            .map(|m| MemberView {
                account: m.account.to_string(),
                has_name: m.name.is_some(),
                label: m.name.clone().unwrap_or_else(|| m.account.to_string()),
                tf_name: format!("member_{}", m.account),
                admin_role_arn: vec![
                    ["lit".into(), "arn:".into()],
                    ["ref".into(), reference(hub, Var::Partition).into()],
                    ["lit".into(), format!(":iam::{}:role/", m.account)],
                    ["ref".into(), "var.member_admin_role_name".into()],
                ],
            })
            .collect(),
        has_members: model.role.is_some(),
        role: model.role.as_ref().map(|r| role_view(r, member)).unwrap_or_default(),
        hub_sets: model.hub.sets.clone(),
        member_count: i64::try_from(model.members.len()).unwrap_or(i64::MAX),
        has_cfn: formats.cfn,
        has_tf: formats.tf,
        hub_stack: "crossrole-hub",
        member_stack: "crossrole-member",
        single_stack: "crossrole",
        admin_role: "OrganizationAccountAccessRole",
        manage_own_account: model.hub.manage_own_account,
        own_sets: model.hub.own_sets.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("assume-member-role-111111111111"), "AssumeMemberRole111111111111");
        assert_eq!(snake("AmazonEC2FullAccess"), "amazon_ec2_full_access");
        assert_eq!(snake("IAMReadOnlyAccess"), "iam_read_only_access");
        assert_eq!(snake("read-own-identity"), "read_own_identity");
        assert_eq!(snake("AmazonRoute53FullAccess"), "amazon_route53_full_access");
    }
}
