//! The integration user and group, and the member accounts, as templates take them.

use serde::Serialize;

use super::policy::{
    ManagedArnView, PolicyView, TagView, Target, ValueView, managed_views, policy_views, reference, tag_views,
};
use crate::keyword::AccessKey;
use crate::model::policy::Var;
use crate::model::{Hub, Plan};

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

/// The hub's user and group (or the single account's); all empty for a vendor role.
#[derive(Serialize, Default)]
pub(crate) struct HubView {
    hub_account: String,
    hub_profile_var: String,
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

pub(crate) fn hub_view(model: &Plan, hub: &Hub, target: Target) -> HubView {
    HubView {
        hub_account: hub.account.to_string(),
        hub_profile_var: crate::render::aws_cli::profile_env_var(hub.account.as_str()),
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

/// Each member account: its label, provider alias and the role Terraform assumes there.
pub(crate) fn member_views(model: &Plan, hub: Target) -> Vec<MemberView> {
    model
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
            profile_var: crate::render::aws_cli::profile_env_var(m.account.as_str()),
            example_profile: format!("admin-{}", m.account),
        })
        .collect()
}
