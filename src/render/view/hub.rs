//! The integration user and group, and the member accounts, as templates take them.

use serde::Serialize;

use super::policy::{
    ManagedArnView, PolicyView, TagView, Target, ValueView, managed_views, policy_views, reference, tag_views,
};
use crate::aws::ids::AccountId;
use crate::keyword::AccessKey;
use crate::model::policy::Var;
use crate::model::{ExtraGroup, Hub, Plan};

#[derive(Serialize)]
pub(crate) struct MemberView {
    account: String,
    has_name: bool,
    label: String,
    /// Terraform provider alias and module name.
    tf_name: String,
    /// The administrative role Terraform assumes to reach this account (a Terraform value: only
    /// the providers Terraform configures assume it).
    admin_role_arn: ValueView,
    /// The CLI script's profile variable for this account, and an example profile name.
    profile_var: String,
    example_profile: String,
}

/// A further hub user of the `groups` shape.
#[derive(Serialize)]
pub(crate) struct ExtraUserView {
    logical: String,
    tf_name: String,
    name: String,
    /// Its groups' Terraform names, for its membership, and the groups.
    group_tf_names: Vec<String>,
    groups: Vec<ExtraGroupView>,
    /// Its own CloudFormation stack (the hub's template would pass 1 MB at thousands of accounts).
    stack_name: String,
    template_file: String,
    /// The member accounts its groups list: how many, the first and the last.
    account_count: i64,
    first_account: String,
    last_account: String,
}

/// A hub group after the first (`groups` shape).
#[derive(Serialize)]
pub(crate) struct ExtraGroupView {
    logical: String,
    tf_name: String,
    name: String,
    path: String,
    /// The user in it (`HubUser` / `hub` for the hub user).
    user_logical: String,
    user_tf_name: String,
    inline: Vec<PolicyView>,
    has_aws_managed: bool,
    aws_managed: Vec<ManagedArnView>,
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
    /// `groups` shape: the hub user's further groups (Terraform names) and the accounts its
    /// groups list; the further users and groups.
    user_extra_group_tf_names: Vec<String>,
    has_extra_users: bool,
    user_account_count: i64,
    user_first_account: String,
    user_last_account: String,
    extra_users: Vec<ExtraUserView>,
    /// The hub user's further groups.
    user_extra_groups: Vec<ExtraGroupView>,
    hub_user_count: i64,
    hub_group_count: i64,
}

/// The accounts the `u`-th hub user's groups list: how many, the lowest and the highest.
fn account_span(model: &Plan, u: usize) -> (i64, String, String) {
    let accounts: Vec<&str> =
        model.assume().map(|a| a.accounts_of_user(u)).unwrap_or_default().into_iter().map(AccountId::as_str).collect();
    (
        i64::try_from(accounts.len()).unwrap_or(i64::MAX),
        accounts.first().map(|a| (*a).to_string()).unwrap_or_default(),
        accounts.last().map(|a| (*a).to_string()).unwrap_or_default(),
    )
}

/// The `groups` shape's further users, each with its groups and its own stack.
fn extra_user_views(model: &Plan, hub: &Hub, target: Target) -> Vec<ExtraUserView> {
    hub.extra_users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let (account_count, first_account, last_account) = account_span(model, i + 1);
            let groups: Vec<&ExtraGroup> = hub.extra_groups.iter().filter(|g| g.user == i + 1).collect();
            ExtraUserView {
                logical: format!("HubUser{}", i + 2),
                tf_name: format!("hub_{}", i + 2),
                name: u.name.clone(),
                group_tf_names: groups.iter().map(|g| format!("hub_{}", g.number)).collect(),
                groups: groups.iter().map(|g| extra_group_view(g, target)).collect(),
                stack_name: hub_user_stack(i + 2),
                template_file: extra_user_template(i + 2),
                account_count,
                first_account,
                last_account,
            }
        })
        .collect()
}

pub(crate) fn hub_view(model: &Plan, hub: &Hub, target: Target) -> HubView {
    let span = |u: usize| account_span(model, u);
    let (user_account_count, user_first_account, user_last_account) = span(0);
    HubView {
        user_extra_group_tf_names: hub
            .extra_groups
            .iter()
            .filter(|g| g.user == 0)
            .map(|g| format!("hub_{}", g.number))
            .collect(),
        has_extra_users: !hub.extra_users.is_empty(),
        user_account_count,
        user_first_account,
        user_last_account,
        extra_users: extra_user_views(model, hub, target),
        user_extra_groups: hub
            .extra_groups
            .iter()
            .filter(|g| g.user == 0)
            .map(|g| extra_group_view(g, target))
            .collect(),
        hub_user_count: i64::try_from(1 + hub.extra_users.len()).unwrap_or(i64::MAX),
        hub_group_count: i64::try_from(1 + hub.extra_groups.len()).unwrap_or(i64::MAX),
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
        access_key_secret_string: ValueView::default()
            .lit("{\"AccessKeyId\":\"")
            .var("HubUserAccessKey")
            .lit("\",\"SecretAccessKey\":\"")
            .var("HubUserAccessKey.SecretAccessKey")
            .lit("\"}"),
    }
}

/// The stack of the n-th hub user (n ≥ 2) of the `groups` shape.
pub(crate) fn hub_user_stack(n: usize) -> String {
    format!("crossrole-hub-user-{n}")
}

/// The CloudFormation template of the n-th hub user (n ≥ 2).
pub(crate) fn extra_user_template(n: usize) -> String {
    format!("cloudformation/hub-user-{n}.yaml")
}

fn extra_group_view(g: &ExtraGroup, target: Target) -> ExtraGroupView {
    let tf_name = format!("hub_{}", g.number);
    let mut aws_managed = managed_views(target, &g.aws_managed);
    for m in &mut aws_managed {
        m.prefix_tf_name(&tf_name);
    }
    ExtraGroupView {
        logical: format!("HubGroup{}", g.number),
        name: g.group.name.clone(),
        path: g.group.path.clone(),
        user_logical: if g.user == 0 { "HubUser".into() } else { format!("HubUser{}", g.user + 1) },
        user_tf_name: if g.user == 0 { "hub".into() } else { format!("hub_{}", g.user + 1) },
        inline: policy_views(target, &g.inline),
        has_aws_managed: !g.aws_managed.is_empty(),
        aws_managed,
        tf_name,
    }
}

/// Each member account: its label, provider alias and the role Terraform assumes there. Alike in
/// every format's context, so converted once for all of them.
pub(crate) fn member_views(model: &Plan, at_most: usize) -> Vec<MemberView> {
    model.members().iter().take(at_most).map(|m| member_view(m.account.as_str(), m.name.as_deref())).collect()
}

/// Accounts removed from the setup whose providers stay until the removal is applied
/// (`providers` layout: Terraform needs the provider to destroy the account's role).
pub(crate) fn retired_views(model: &Plan) -> Vec<MemberView> {
    let retired = model.spokes().map(|h| h.state.retired.as_slice()).unwrap_or_default();
    retired.iter().map(|a| member_view(a, None)).collect()
}

fn member_view(account: &str, name: Option<&str>) -> MemberView {
    MemberView {
        account: account.to_string(),
        has_name: name.is_some(),
        label: name.unwrap_or(account).to_string(),
        tf_name: format!("member_{account}"),
        admin_role_arn: ValueView::default()
            .lit("arn:")
            .var(&reference(Target::TfHub, Var::Partition))
            .lit(&format!(":iam::{account}:role/"))
            .var("var.member_admin_role_name"),
        profile_var: crate::render::aws_cli::profile_env_var(account),
        example_profile: format!("admin-{account}"),
    }
}
