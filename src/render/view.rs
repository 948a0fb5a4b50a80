//! What the templates see: flat, sorted structs with every name, logical id and Terraform address
//! computed here, and every deploy-time value already mapped to the target's reference syntax.
//! Templates only loop and place text.

use serde::Serialize;

use crate::aws::ids;
use crate::keyword::{self, AccessKey, Setup, Trust};
use crate::model::policy::{Expr, PolicyDocument, Seg, Var, aws_managed_policy_arn};
use crate::model::shared::pascal;
use crate::model::vendor::{ExternalIds, Vendor};
use crate::model::{Hub, NamedPolicy, Plan, Role};

/// A string value as the filters take it: `[["lit", "arn:"], ["ref", "AWS::Partition"], ...]`.
pub(crate) type ValueView = Vec<[String; 2]>;

#[derive(Clone, Copy)]
pub(crate) enum Target {
    CfnHub,
    CfnMember,
    TfHub,
    TfMember,
}

/// The CloudFormation parameter holding the n-th ExternalId: `ExternalId`, `ExternalId2`, ...
pub(crate) fn external_id_param(i: usize) -> String {
    if i == 0 { "ExternalId".into() } else { format!("ExternalId{}", i + 1) }
}

fn reference(target: Target, v: Var) -> String {
    let r = match (target, v) {
        (Target::CfnHub | Target::CfnMember, Var::ExternalId(i)) => return external_id_param(usize::from(i)),
        (Target::TfHub | Target::TfMember, Var::ExternalId(i)) => return format!("var.external_ids[{i}]"),
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
    };
    r.to_string()
}

pub(crate) fn value(target: Target, e: &Expr) -> ValueView {
    e.0.iter()
        .map(|s| match s {
            Seg::Lit(l) => ["lit".to_string(), l.clone()],
            Seg::Var(v) => ["ref".to_string(), reference(target, *v)],
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
    /// The CLI script's profile variable for this account, and an example profile name.
    profile_var: String,
    example_profile: String,
}

/// Identifier rules as each target language checks them, all from `aws::ids`.
#[derive(Serialize)]
pub(crate) struct RulesView {
    account_id_pattern: &'static str,
    external_id_min: i64,
    external_id_max: i64,
    /// An RE2 regex (Terraform) of the allowed characters.
    external_id_pattern: String,
    /// The whole rule as a POSIX extended regex (bash).
    external_id_posix: String,
    external_id_rule: String,
}

pub(crate) fn rules() -> RulesView {
    let x = &ids::EXTERNAL_ID;
    RulesView {
        account_id_pattern: ids::ACCOUNT_ID_PATTERN,
        external_id_min: i64::try_from(x.min).unwrap_or(i64::MAX),
        external_id_max: i64::try_from(x.max).unwrap_or(i64::MAX),
        external_id_pattern: format!("^[{}]+$", x.word_class()),
        external_id_posix: x.posix_regex(),
        external_id_rule: x.describe(false),
    }
}

#[derive(Serialize)]
pub(crate) struct View {
    rules: RulesView,
    preset: String,
    tier: String,
    mode: String,
    #[serde(flatten)]
    hub: HubView,
    members: Vec<MemberView>,
    /// Hub and spoke: member accounts with a role each. False for a single account.
    has_members: bool,
    /// A vendor role: no hub, one role (`role`) that `vendor` may assume.
    is_vendor: bool,
    role: RoleView,
    vendor: VendorView,
    member_count: i64,
    has_cfn: bool,
    has_tf: bool,
    has_cli: bool,
    format_count: i64,
    hub_stack: &'static str,
    member_stack: &'static str,
    single_stack: &'static str,
    vendor_stack: &'static str,
    admin_role: &'static str,
}

/// The hub's user and group (or the single account's); all empty for a vendor role.
#[derive(Serialize, Default)]
pub(crate) struct HubView {
    hub_account: String,
    hub_profile_var: String,
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
    hub_sets: Vec<String>,
    manage_own_account: bool,
    own_sets: Vec<String>,
    has_access_key: bool,
    access_key_secret_name: String,
    /// CloudFormation: the secret's JSON, with the key's id and secret filled in by `Fn::Sub`.
    access_key_secret_string: ValueView,
}

/// A CloudFormation parameter of the role template.
#[derive(Serialize)]
pub(crate) struct ParamView {
    name: String,
    description: String,
    no_echo: bool,
    has_lengths: bool,
    min_length: i64,
    max_length: i64,
    pattern: String,
    constraint: String,
    has_default: bool,
    default: String,
}

/// A checkov check suppressed on a resource, with the reason written next to it.
#[derive(Serialize)]
pub(crate) struct SkipView {
    id: &'static str,
    comment: &'static str,
}

/// The vendor of a vendor role; empty otherwise.
#[derive(Serialize, Default)]
pub(crate) struct VendorView {
    title: String,
    account: String,
    /// How many ExternalIds the trust accepts (0 when opted out).
    id_count: i64,
    /// CloudFormation parameter names of the ExternalIds.
    id_params: Vec<String>,
    ids_known: bool,
    ids_generated: bool,
    ids_at_deploy: bool,
    opted_out: bool,
    require_mfa: bool,
    has_org: bool,
    org_id: String,
    has_template_url: bool,
    quick_create_link: String,
    /// DEPLOY.md's "Afterwards" list has a rotation step only when there are ExternalIds.
    revoke_step: i64,
    ids_description: String,
    ids_count_message: String,
}

/// The member or vendor role; all empty in a single-account setup.
#[derive(Serialize, Default)]
pub(crate) struct RoleView {
    /// What the role is for: the CloudFormation Description and the Terraform module's header.
    purpose: String,
    /// The same in the Terraform module's header.
    tf_purpose: String,
    /// Where the CloudFormation template is deployed, for its header comment.
    deploy_where: String,
    template_file: &'static str,
    stack_name: &'static str,
    /// CloudFormation logical id of the role.
    logical: &'static str,
    has_params: bool,
    params: Vec<ParamView>,
    arn_output_description: String,
    has_checkov_skips: bool,
    checkov_skips: Vec<SkipView>,
    name: String,
    path: String,
    description: String,
    max_session: u32,
    has_boundary: bool,
    boundary: ValueView,
    has_tags: bool,
    tags: Vec<TagView>,
    trust_uses_user_name: bool,
    trust: DocView,
    trust_explanation: &'static str,
    trust_needs_user_first: bool,
    inline: Vec<PolicyView>,
    has_aws_managed: bool,
    aws_managed: Vec<ManagedArnView>,
    sets: Vec<String>,
}

fn role_view(model: &Plan, role: &Role, member: Target) -> RoleView {
    let trust = model.member_trust();
    let trust_uses_user_name = matches!(trust, Some(Trust::PrincipalArn | Trust::User));
    let params = match (model.hub(), model.vendor()) {
        (_, Some(v)) => (0..v.external_ids.count())
            .map(|i| ParamView {
                name: external_id_param(i),
                description: if i == 0 {
                    format!("The ExternalId {} gave you for this account (sts:ExternalId)", v.title)
                } else {
                    "Another ExternalId accepted while IDs are rotated".into()
                },
                no_echo: true,
                has_lengths: true,
                min_length: i64::try_from(ids::EXTERNAL_ID.min).unwrap_or(i64::MAX),
                max_length: i64::try_from(ids::EXTERNAL_ID.max).unwrap_or(i64::MAX),
                pattern: format!("^[{}]+$", ids::EXTERNAL_ID.word_class()),
                constraint: ids::EXTERNAL_ID.describe(false),
                has_default: false,
                default: String::new(),
            })
            .collect(),
        (Some(hub), None) => {
            let mut params = vec![ParamView {
                name: "HubAccountId".into(),
                description: "Account id of the hub account that holds the integration user".into(),
                no_echo: false,
                has_lengths: false,
                min_length: 0,
                max_length: 0,
                pattern: ids::ACCOUNT_ID_PATTERN.into(),
                constraint: "a 12-digit AWS account id".into(),
                has_default: true,
                default: hub.account.to_string(),
            }];
            if trust_uses_user_name {
                params.push(ParamView {
                    name: "HubUserName".into(),
                    description: "Name of the integration user in the hub account".into(),
                    no_echo: false,
                    has_lengths: false,
                    min_length: 0,
                    max_length: 0,
                    pattern: ids::USER_NAME_PATTERN.into(),
                    constraint: "an IAM user name".into(),
                    has_default: true,
                    default: hub.user.name.clone(),
                });
            }
            params
        }
        (None, None) => Vec::new(),
    };
    let vendor_title = model.vendor().map(|v| v.title.clone()).unwrap_or_default();
    let is_vendor = model.vendor().is_some();
    let checkov_skips = match model.vendor() {
        Some(v) if v.external_ids == ExternalIds::OptedOut => vec![SkipView {
            id: "CKV_AWS_61",
            comment: "A vendor cross-account role trusts the vendor's account by design; the user opted out of the sts:ExternalId condition by name (external_id: none).",
        }],
        Some(_) => vec![SkipView {
            id: "CKV_AWS_61",
            comment: "A vendor cross-account role trusts the vendor's account by design; the sts:ExternalId condition is the guard.",
        }],
        None => Vec::new(),
    };
    RoleView {
        purpose: if is_vendor {
            format!("crossrole vendor role: the role {vendor_title} assumes in this account")
        } else {
            "crossrole member: the role the hub integration user assumes in this account".into()
        },
        tf_purpose: if is_vendor {
            format!("The role {vendor_title} assumes in the customer's account.")
        } else {
            "The role the hub integration user assumes in one member account.".into()
        },
        deploy_where: if is_vendor {
            format!("Deploy in the account {vendor_title} may act in:")
        } else {
            "Deploy in every member account (the same template for each):".into()
        },
        template_file: if is_vendor { "vendor-role.yaml" } else { "member.yaml" },
        stack_name: if is_vendor { VENDOR_STACK } else { "crossrole-member" },
        logical: if is_vendor { "VendorRole" } else { "MemberRole" },
        has_params: !params.is_empty(),
        params,
        arn_output_description: if is_vendor {
            format!("Give this role ARN to {vendor_title}")
        } else {
            "Add this role to the integration for this account".into()
        },
        has_checkov_skips: !checkov_skips.is_empty(),
        checkov_skips,
        name: role.name.clone(),
        path: role.path.clone(),
        description: role.description.clone(),
        max_session: role.max_session_duration,
        has_boundary: role.boundary.is_some(),
        boundary: role.boundary.as_ref().map(|b| value(member, b)).unwrap_or_default(),
        has_tags: !role.tags.is_empty(),
        tags: tag_views(&role.tags),
        trust_uses_user_name,
        trust: doc(member, &role.trust),
        trust_explanation: match trust {
            Some(Trust::PrincipalArn) => "the hub account, only for the hub user (aws:PrincipalArn condition)",
            Some(Trust::User) => "the hub user's ARN",
            Some(Trust::Account) => "the hub account: any identity there that may call sts:AssumeRole on the role",
            None => "the vendor's account, under the conditions listed above",
        },
        trust_needs_user_first: trust == Some(Trust::User),
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
    pub(crate) cli: bool,
}

impl Formats {
    pub(crate) fn of(format: keyword::Format) -> Formats {
        use keyword::Format::{All, Both, Cfn, Cli, Tf};
        Formats {
            cfn: matches!(format, Cfn | Both | All),
            tf: matches!(format, Tf | Both | All),
            cli: matches!(format, Cli | All),
        }
    }
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

fn hub_view(model: &Plan, hub: &Hub, target: Target) -> HubView {
    let setup = model.kind();
    HubView {
        hub_account: hub.account.to_string(),
        hub_profile_var: super::aws_cli::profile_env_var(hub.account.as_str()),
        hub_account_description: match setup {
            Setup::SingleAccount => "Account id of the account (the default provider must act in it)",
            _ => "Account id of the hub account (the default provider must act in it)",
        },
        user_name: hub.user.name.clone(),
        user_path: hub.user.path.clone(),
        group_name: hub.group.name.clone(),
        group_path: hub.group.path.clone(),
        has_user_tags: !hub.tags.is_empty(),
        user_tags: tag_views(&hub.tags),
        group_inline: policy_views(target, &hub.inline),
        group_managed: policy_views(target, &hub.managed),
        has_group_aws_managed: !hub.aws_managed.is_empty(),
        group_aws_managed: managed_views(target, &hub.aws_managed),
        assume_shape: model.assume().map_or("", |a| a.shape.name()),
        assume_summary: model.assume().map(|a| a.summary.clone()).unwrap_or_default(),
        hub_sets: hub.sets.clone(),
        manage_own_account: hub.manage_own_account,
        own_sets: hub.own_sets.clone(),
        has_access_key: hub.access_key == AccessKey::SecretsManager,
        access_key_secret_name: hub.access_key_secret.clone(),
        access_key_secret_string: vec![
            ["lit".into(), "{\"AccessKeyId\":\"".into()],
            ["ref".into(), "HubUserAccessKey".into()],
            ["lit".into(), "\",\"SecretAccessKey\":\"".into()],
            ["ref".into(), "HubUserAccessKey.SecretAccessKey".into()],
            ["lit".into(), "\"}".into()],
        ],
    }
}

/// The console's quick-create link for the published template.
fn quick_create_link(v: &Vendor, url: &str, stack: &str) -> String {
    let mut link = format!(
        "https://console.aws.amazon.com/cloudformation/home#/stacks/create/review?templateURL={}&stackName={}",
        percent_encode(url),
        percent_encode(stack)
    );
    if let ExternalIds::Known { ids, .. } = &v.external_ids {
        for (i, id) in ids.iter().enumerate() {
            link.push_str(&format!("&param_{}={}", external_id_param(i), percent_encode(id)));
        }
    }
    link
}

/// RFC 3986: everything but the unreserved characters is percent-encoded.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const VENDOR_STACK: &str = "crossrole-vendor";

fn vendor_view(v: &Vendor) -> VendorView {
    VendorView {
        title: v.title.clone(),
        account: v.account.to_string(),
        id_count: i64::try_from(v.external_ids.count()).unwrap_or(i64::MAX),
        id_params: (0..v.external_ids.count()).map(external_id_param).collect(),
        ids_known: matches!(v.external_ids, ExternalIds::Known { .. }),
        ids_generated: matches!(v.external_ids, ExternalIds::Known { generated: true, .. }),
        ids_at_deploy: v.external_ids == ExternalIds::AtDeploy,
        opted_out: v.external_ids == ExternalIds::OptedOut,
        require_mfa: v.require_mfa,
        has_org: v.org_id.is_some(),
        org_id: v.org_id.clone().unwrap_or_default(),
        has_template_url: v.template_url.is_some(),
        revoke_step: if v.external_ids.count() > 0 { 3 } else { 2 },
        quick_create_link: v.template_url.as_deref().map(|u| quick_create_link(v, u, VENDOR_STACK)).unwrap_or_default(),
        ids_description: format!(
            "The ExternalIds {} may pass (sts:ExternalId); more than one only while IDs are rotated",
            v.title
        ),
        ids_count_message: format!(
            "This module was generated for {} ExternalId(s); change the crossrole config and re-run for another number.",
            v.external_ids.count()
        ),
    }
}

/// The view for one template. Hub and member templates of one format share a view; `hub` and
/// `member` pick how deploy-time values are referenced in each.
pub(crate) fn build(model: &Plan, hub: Target, member: Target, formats: Formats) -> View {
    View {
        rules: rules(),
        preset: model.preset.clone(),
        tier: keyword::name(&model.tier),
        mode: keyword::name(&model.mode),
        hub: model.hub().map(|h| hub_view(model, h, hub)).unwrap_or_default(),
        members: model
            .members()
            .iter()
            .map(|m| MemberView {
                account: m.account.to_string(),
                has_name: m.name.is_some(),
                label: m.name.clone().unwrap_or_else(|| m.account.to_string()),
                tf_name: format!("member_{}", m.account),
                admin_role_arn: vec![
                    ["lit".into(), "arn:".into()],
                    ["ref".into(), reference(hub, Var::Partition)],
                    ["lit".into(), format!(":iam::{}:role/", m.account)],
                    ["ref".into(), "var.member_admin_role_name".into()],
                ],
                profile_var: super::aws_cli::profile_env_var(m.account.as_str()),
                example_profile: format!("admin-{}", m.account),
            })
            .collect(),
        has_members: model.kind() == Setup::HubAndSpoke,
        is_vendor: model.kind() == Setup::VendorRole,
        role: model.role().map(|r| role_view(model, r, member)).unwrap_or_default(),
        vendor: model.vendor().map(vendor_view).unwrap_or_default(),
        member_count: i64::try_from(model.members().len()).unwrap_or(i64::MAX),
        has_cfn: formats.cfn,
        has_tf: formats.tf,
        has_cli: formats.cli,
        format_count: [formats.cfn, formats.tf, formats.cli].into_iter().map(i64::from).sum(),
        hub_stack: "crossrole-hub",
        member_stack: "crossrole-member",
        single_stack: "crossrole",
        vendor_stack: VENDOR_STACK,
        admin_role: "OrganizationAccountAccessRole",
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
