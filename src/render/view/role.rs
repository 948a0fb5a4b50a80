//! The member or vendor role as the role templates take it.

use serde::Serialize;

use super::policy::{
    DocView, ManagedArnView, PolicyView, TagView, Target, ValueView, doc, external_id_param, managed_views,
    policy_views, tag_views, value,
};
use super::vendor::VENDOR_STACK;
use crate::aws::ids;
use crate::keyword::{self, Trust};
use crate::model::{Plan, Role};

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

/// The member or vendor role; all empty in a single-account setup.
#[derive(Serialize, Default)]
pub(crate) struct RoleView {
    template_file: &'static str,
    stack_name: &'static str,
    /// CloudFormation logical id of the role.
    logical: &'static str,
    has_params: bool,
    params: Vec<ParamView>,
    /// The vendor role trusts an account root (checkov CKV_AWS_61; the templates say why).
    trusts_vendor_root: bool,
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
    /// The member trust mode (`principal-arn`, `user`, `account`); empty for a vendor role.
    trust_mode: String,
    trust_needs_user_first: bool,
    inline: Vec<PolicyView>,
    has_aws_managed: bool,
    aws_managed: Vec<ManagedArnView>,
    sets: Vec<String>,
}

pub(crate) fn role_view(model: &Plan, role: &Role, member: Target) -> RoleView {
    let trust = model.member_trust();
    let is_vendor = model.vendor().is_some();
    let params = params(model);
    RoleView {
        template_file: if is_vendor { "vendor-role.yaml" } else { "member.yaml" },
        stack_name: if is_vendor { VENDOR_STACK } else { "crossrole-member" },
        logical: if is_vendor { "VendorRole" } else { "MemberRole" },
        has_params: !params.is_empty(),
        params,
        trusts_vendor_root: is_vendor,
        name: role.name.clone(),
        path: role.path.clone(),
        description: role.description.clone(),
        max_session: role.max_session_duration,
        has_boundary: role.boundary.is_some(),
        boundary: role.boundary.as_ref().map(|b| value(member, b)).unwrap_or_default(),
        has_tags: !role.tags.is_empty(),
        tags: tag_views(&role.tags),
        trust_uses_user_name: uses_user_name(trust),
        trust: doc(member, &role.trust),
        trust_mode: trust.map(|t| keyword::name(&t)).unwrap_or_default(),
        trust_needs_user_first: trust == Some(Trust::User),
        inline: policy_views(member, role.inline.as_slice()),
        has_aws_managed: !role.aws_managed.is_empty(),
        aws_managed: managed_views(member, &role.aws_managed),
        sets: role.sets.clone(),
    }
}

fn uses_user_name(trust: Option<Trust>) -> bool {
    matches!(trust, Some(Trust::PrincipalArn | Trust::User))
}

/// The role template's parameters: a vendor role's ExternalIds, or the hub a member role trusts.
fn params(model: &Plan) -> Vec<ParamView> {
    if let Some(v) = model.vendor() {
        return (0..v.external_ids.count()).map(|i| external_id(i, &v.title, v.external_id_max)).collect();
    }
    let Some(hub) = model.hub() else { return Vec::new() };
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
    if uses_user_name(model.member_trust()) {
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

/// The `i`-th ExternalId parameter: no echo, and the STS rule as lengths and pattern.
fn external_id(i: usize, vendor: &str, max: usize) -> ParamView {
    let x = ids::Charset { max, ..ids::EXTERNAL_ID };
    ParamView {
        name: external_id_param(i),
        description: if i == 0 {
            format!("The ExternalId {vendor} gave you for this account (sts:ExternalId)")
        } else {
            "Another ExternalId accepted while IDs are rotated".into()
        },
        no_echo: true,
        has_lengths: true,
        min_length: i64::try_from(ids::EXTERNAL_ID.min).unwrap_or(i64::MAX),
        max_length: i64::try_from(x.max).unwrap_or(i64::MAX),
        pattern: format!("^[{}]+$", x.word_class()),
        constraint: x.describe(false),
        has_default: false,
        default: String::new(),
    }
}
