//! The member or vendor role as the role templates take it.

use serde::Serialize;

use super::policy::{
    DocView, ManagedArnView, PolicyView, TagView, Target, ValueView, doc, external_id_param, managed_views,
    policy_views, tag_views, value,
};
use super::vendor::VENDOR_STACK;
use crate::aws::ids;
use crate::keyword::Trust;
use crate::model::vendor::ExternalIds;
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

/// A checkov check suppressed on a resource, with the reason written next to it.
#[derive(Serialize)]
pub(crate) struct SkipView {
    id: &'static str,
    comment: &'static str,
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

pub(crate) fn role_view(model: &Plan, role: &Role, member: Target) -> RoleView {
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
