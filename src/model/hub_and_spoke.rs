//! Hub and spoke (seed 002): the hub's user and group, allowed to assume a role in every member
//! account; the member role trusts the hub and carries the chosen permission sets.

use super::deploy::{self, Organization};
use super::hub::{self, OwnAccount};
use super::hub_policy::{self, AssumePlan, Inputs};
use super::policy::{self, Condition, Expr, PolicyDocument, Seg, Statement, Var, iam_arn};
use super::shared::{self, RoleBasics, managed_alternatives, resolve_sets, role_basics, sizing_env};
use super::{Build, Entity, HubAndSpoke, Member, Role, accounts};
use crate::aws::quotas;
use crate::catalog::custom;
use crate::catalog::{Discovery, PermissionSet};
use crate::keyword::{AssumeShape, Mode, Trust};

pub(crate) fn build(b: &mut Build<'_>) -> Option<HubAndSpoke> {
    let hub_account = accounts::hub_account(b);
    let units_target = deploy::targets_units(b);
    let members = accounts::members(b, hub_account.as_ref(), units_target);
    let org = deploy::organization(b);
    let (entities, tags) = hub::identity(b);
    let preset = b.preset_name().to_string();
    let basics = role_basics(
        b,
        &format!("{preset}-integration"),
        &format!("Assumed by the {preset} integration from the hub account. Managed by crossrole."),
        &tags,
    );
    let (hub_sets, member_sets) = sets(b);
    let (Some(hub_account), Some((user, group)), Some(basics)) = (hub_account, entities, basics) else {
        return None;
    };
    let deploy = deploy::deploy(b, &hub_account, &members);
    let tf = deploy::tf_layout(b, &deploy, members.len());
    if !b.p.is_empty() {
        return None;
    }
    let size_env = sizing_env(user.name.clone());
    let role_sets_field = b.req.role_field("permission_sets");
    // The managed alternatives serve the role and, with manage_own_account, the hub: reported once.
    let member_aws_managed = match b.req.mode.value {
        Mode::Managed => managed_alternatives(&mut b.p, &role_sets_field, &member_sets),
        Mode::Inline => Vec::new(),
    };
    let mut role = member_role(b, basics, &user, &member_sets, &member_aws_managed, &size_env);
    let manage_own = b.req.raw.hub.manage_own_account.unwrap_or(false);
    let own = manage_own.then_some(OwnAccount { sets: &member_sets, aws_managed: &member_aws_managed, single: false });
    let mut policies = hub::group_policies(b, (&user, &group), &hub_sets, own.as_ref());
    let mode_tier = (b.req.mode.value, b.req.tier.value);
    let identity_size = |u: &Entity, groups: &[Entity]| {
        hub::identity_policy(mode_tier, u, groups, &hub_sets).map_or(0, |p| p.doc.iam_size(&size_env))
    };
    let assume =
        assume_plan(b, (&members, org.as_ref()), (&role, &user, &group), &policies, (&size_env, &identity_size))?;
    policies.inline.extend(assume.inline.iter().cloned());
    policies.managed.extend(assume.managed.iter().cloned());
    let own_sets = manage_own.then(|| member_sets.iter().map(|s| s.name.clone()).collect());
    let mut hub = hub::assemble(b, hub_account, (user, group, tags), &hub_sets, policies, own_sets);
    hub::spread(b, &mut hub, &assume.shards, &hub_sets);
    if assume.shards.len() > 1 {
        role.trust = trust_policy(b.req.trust.value, &hub.user, assume.shards.len());
        check_trust_size(b, &role.trust, &size_env);
    }
    discovery_warning(b, &assume, members.len());
    Some(HubAndSpoke { hub, assume, members, role, trust: b.req.trust.value, org, deploy, tf })
}

/// Inline characters a hub user's identity read policy takes, scoped to its groups.
type IdentitySize<'a> = dyn Fn(&Entity, &[Entity]) -> usize + 'a;

/// The hub's own sets and the member role's, each from the config or the preset.
fn sets<'c>(b: &mut Build<'c>) -> (Vec<&'c PermissionSet>, Vec<&'c PermissionSet>) {
    let raw = &b.req.raw;
    let mut hub_names =
        raw.hub.permission_sets.clone().or_else(|| b.preset.map(|p| p.hub_sets.clone())).unwrap_or_default();
    let mut member_names =
        raw.member_role.permission_sets.clone().or_else(|| b.preset.map(|p| p.member_sets.clone())).unwrap_or_default();
    shared::with_config_statements(&mut hub_names, &raw.hub.statements, custom::HUB_SET);
    shared::with_config_statements(&mut member_names, &raw.member_role.statements, custom::MEMBER_SET);
    let hub_sets = resolve_sets(b, "hub.permission_sets", &hub_names, raw.hub.permission_sets.is_some(), true);
    let field = b.req.role_field("permission_sets");
    let member_sets = resolve_sets(b, &field, &member_names, raw.member_role.permission_sets.is_some(), false);
    (hub_sets, member_sets)
}

/// The role in every member account: its trust of the hub and its permissions, checked against
/// the trust and inline quotas.
fn member_role(
    b: &mut Build<'_>,
    basics: RoleBasics,
    user: &Entity,
    sets: &[&PermissionSet],
    aws_managed: &[String],
    size_env: &dyn Fn(Var) -> String,
) -> Role {
    let trust_mode = b.req.trust.value;
    let trust = trust_policy(trust_mode, user, 1);
    check_trust_size(b, &trust, size_env);
    if trust_mode == Trust::Account {
        b.warnings.push(format!(
            "{}: account trusts the whole hub account: any identity there that is allowed sts:AssumeRole on the role can assume it (principal-arn limits it to the hub user)",
            b.req.trust.field
        ));
    }
    shared::role(b, basics, trust, sets, aws_managed, size_env)
}

/// The group's `sts:AssumeRole` policies, packed into the first shape that fits next to what the
/// group already holds.
fn assume_plan(
    b: &mut Build<'_>,
    (members, org): (&[Member], Option<&Organization>),
    (role, user, group): (&Role, &Entity, &Entity),
    policies: &hub::GroupPolicies,
    (size_env, identity_size): (&dyn Fn(Var) -> String, &IdentitySize<'_>),
) -> Option<AssumePlan> {
    let role_arn_rest = format!("role{}{}", policy::policy_literal(&role.path), policy::policy_literal(&role.name));
    let plan = hub_policy::plan(&Inputs {
        choice: b.req.assume_policy.value,
        accounts: &members.iter().map(|m| m.account.clone()).collect::<Vec<_>>(),
        role_arn_rest: &role_arn_rest,
        role_path: &role.path,
        role_name: &role.name,
        group_name: &group.name,
        used_inline: hub::inline_size(policies, size_env),
        used_managed: policies.aws_managed.len() + policies.managed.len(),
        env: size_env,
        org,
        user,
        group,
        identity_size,
        discovery: b.preset.is_some_and(|p| p.discovery.is_some()),
    });
    match plan {
        Ok(plan) => Some(plan),
        Err(msg) => {
            b.p.push(&b.req.assume_policy.field, msg);
            None
        }
    }
}

/// A shape the integration cannot read, forced or the only one left: say which accounts it will
/// not find.
fn discovery_warning(b: &mut Build<'_>, assume: &AssumePlan, members: usize) {
    let Some(preset) = b.preset.filter(|p| p.discovery == Some(Discovery::InlineGroupPolicies)) else { return };
    if assume.shape.discoverable() {
        return;
    }
    let which = if members == 0 {
        "any of the member accounts".to_string()
    } else {
        format!("any of the {members} member accounts")
    };
    let way_out = if b.req.assume_policy.value == AssumeShape::Auto {
        "list the accounts (accounts:) to keep them discoverable"
    } else {
        "or use auto"
    };
    b.warnings.push(format!(
        "{}: {}: the {} integration finds its accounts by reading the role ARNs in its user's groups' inline policies, and this shape lists none there, so it will not find {which}; add them to it by hand, {way_out}",
        b.req.assume_policy.field,
        assume.shape.name(),
        preset.name
    ));
}

fn check_trust_size(b: &mut Build<'_>, trust: &PolicyDocument, size_env: &dyn Fn(Var) -> String) {
    let trust_size = trust.iam_size(size_env);
    if trust_size > quotas::TRUST_POLICY {
        b.p.push(
            &b.req.trust.field,
            format!("the trust policy is {trust_size} characters; IAM's default limit is {}", quotas::TRUST_POLICY),
        );
    }
}

/// The member role's trust of the hub user, or of all `users` hub users of the `groups` shape
/// (numbered `<user>-2`, ...): one template for every account, of a size that does not depend on
/// the accounts.
fn trust_policy(mode: Trust, user: &Entity, users: usize) -> PolicyDocument {
    let hub = Expr(vec![Seg::Var(Var::HubAccount)]);
    let root = iam_arn(hub.clone(), "root");
    // A condition value may hold wildcards and policy variables, so user text is escaped there; a
    // Principal may hold neither, and takes the ARN as it is.
    let user_in_condition =
        iam_arn(hub.clone(), &format!("user{}", policy::policy_literal(&user.path))).var_then(Var::HubUserName);
    let user_principal = iam_arn(hub, &format!("user{}", user.path)).var_then(Var::HubUserName);
    let numbered = |n: usize| user_principal.clone().lit_then(&format!("-{n}"));
    let mut st = Statement {
        sid: "TrustHubUser".into(),
        principals: vec![],
        actions: vec!["sts:AssumeRole".into()],
        resources: vec![],
        conditions: vec![],
    };
    match mode {
        Trust::PrincipalArn if users > 1 => {
            st.sid = "TrustHubUsers".into();
            st.principals = vec![root];
            st.conditions = vec![Condition {
                operator: "ArnLike".into(),
                key: "aws:PrincipalArn".into(),
                values: vec![user_in_condition.clone(), user_in_condition.lit_then("-*")],
            }];
        }
        Trust::PrincipalArn => {
            st.principals = vec![root];
            st.conditions = vec![Condition {
                operator: "ArnEquals".into(),
                key: "aws:PrincipalArn".into(),
                values: vec![user_in_condition],
            }];
        }
        Trust::User => {
            st.principals = std::iter::once(user_principal.clone()).chain((2..=users).map(numbered)).collect();
        }
        Trust::Account => {
            st.sid = "TrustHubAccount".into();
            st.principals = vec![root];
        }
    }
    st.normalise();
    PolicyDocument { statements: vec![st] }
}
