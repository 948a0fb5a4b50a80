//! Hub and spoke (seed 002): the hub's user and group, allowed to assume a role in every member
//! account; the member role trusts the hub and carries the chosen permission sets.

use super::deploy::{self, Organization};
use super::hub::{self, OwnAccount};
use super::hub_policy::{self, AssumePlan, Inputs, Previous};
use super::policy::{self, Condition, Expr, PolicyDocument, Seg, Statement, Var, iam_arn};
use super::shared::{self, RoleBasics, managed_alternatives, resolve_sets, role_basics, sizing_env};
use super::state::State;
use super::transition;
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
    let policies = hub::group_policies(b, (&user, &group), &hub_sets, own.as_ref());
    let mode_tier = (b.req.mode.value, b.req.tier.value);
    let identity_size = |u: &Entity, groups: &[Entity]| {
        hub::identity_policy(mode_tier, u, groups, &hub_sets).map_or(0, |p| p.doc.iam_size(&size_env))
    };
    let own_sets: Option<Vec<String>> = manage_own.then(|| member_sets.iter().map(|s| s.name.clone()).collect());
    let parts = HubParts { account: hub_account, user, group, tags, sets: &hub_sets, policies, own_sets };
    let previous = previous_placement(b);
    let plan_with = |b: &mut Build<'_>, choice: AssumeShape, previous: &Previous| {
        let ctx = (&members[..], org.as_ref());
        let entities = (&role, &parts.user, &parts.group);
        assume_plan(b, ctx, entities, &parts.policies, (&size_env, &identity_size), (choice, previous))
    };
    let target = plan_with(b, b.req.assume_policy.value, &previous)?;
    let hub_of = |b: &mut Build<'_>, assume: &AssumePlan| parts.hub(b, assume);
    let bridge = |b: &mut Build<'_>| plan_with(b, AssumeShape::Managed, &Previous::default());
    let (assume, hub, mut state) = safe_change(b, target, &members, &size_env, &hub_of, &bridge)?;
    state.tf_layout = Some(tf.layout.name().to_string());
    if assume.shards.len() > 1 {
        role.trust = trust_policy(b.req.trust.value, &hub.user, assume.shards.len());
        check_trust_size(b, &role.trust, &size_env);
    }
    if state.pending.is_none() {
        // Step 1 of a two-step change says itself that the integration lists nothing until step 2.
        discovery_warning(b, &assume, members.len());
    }
    Some(HubAndSpoke { hub, assume, members, role, trust: b.req.trust.value, org, deploy, tf, state })
}

/// What the hub is made of besides its `sts:AssumeRole` policies.
struct HubParts<'s, 'c> {
    account: crate::aws::ids::AccountId,
    user: Entity,
    group: Entity,
    tags: super::Tags,
    sets: &'s [&'c PermissionSet],
    policies: hub::GroupPolicies,
    own_sets: Option<Vec<String>>,
}

impl HubParts<'_, '_> {
    fn hub(&self, b: &mut Build<'_>, assume: &AssumePlan) -> super::Hub {
        let mut policies = self.policies.clone();
        policies.inline.extend(assume.inline.iter().cloned());
        policies.managed.extend(assume.managed.iter().cloned());
        let entities = (self.user.clone(), self.group.clone(), self.tags.clone());
        let mut hub = hub::assemble(b, self.account.clone(), entities, self.sets, policies, self.own_sets.clone());
        hub::spread(b, &mut hub, &assume.shards, self.sets);
        hub
    }
}

/// The previous run's placement; while a two-step change is half done, only its target shape
/// (the accounts are in the bridge's managed policies, which the target does not keep).
fn previous_placement(b: &Build<'_>) -> Previous {
    let Some(state) = &b.req.previous else { return Previous::default() };
    match &state.pending {
        Some(target) => Previous { shape: hub_policy::Shape::from_name(target), docs: Vec::new() },
        None => Previous { shape: hub_policy::Shape::from_name(&state.shape), docs: state.placement() },
    }
}

type HubOf<'a> = dyn Fn(&mut Build<'_>, &AssumePlan) -> super::Hub + 'a;
type Bridge<'a> = dyn Fn(&mut Build<'_>) -> Option<AssumePlan> + 'a;

/// The target plan when going there from what was deployed keeps every group within IAM's
/// quotas at every moment; otherwise two steps through customer managed policies (the group
/// keeps its access throughout): this run emits the first, `--applied` the second. Returns the
/// plan, its hub and the state to record.
fn safe_change(
    b: &mut Build<'_>,
    target: AssumePlan,
    members: &[Member],
    env: &(dyn Fn(Var) -> String + Sync),
    hub_of: &HubOf<'_>,
    bridge: &Bridge<'_>,
) -> Option<(AssumePlan, super::Hub, State)> {
    let hub = hub_of(b, &target);
    let new_docs = transition::documents(&hub, &target, env);
    // Borrowed from the request, not from `b`: a re-emit's previous state is thousands of
    // documents and accounts.
    let req = b.req;
    let previous = req.previous.as_ref();
    let half_done = previous.is_some_and(|s| s.pending.is_some()) && !req.applied;
    let unsafe_now = previous.map(|s| transition::problems(&s.documents, &new_docs)).unwrap_or_default();
    if unsafe_now.is_empty() && !half_done {
        let state = next_state(b, &target, new_docs, members, None);
        return Some((target, hub, state));
    }
    let old_docs: &[super::state::DocState] = previous.map_or(&[], |s| &s.documents);
    let step1 = bridge(b)?;
    let step1_hub = hub_of(b, &step1);
    let step1_docs = transition::documents(&step1_hub, &step1, env);
    let mut stuck = transition::problems(old_docs, &step1_docs);
    stuck.extend(transition::problems(&step1_docs, &new_docs));
    let field = b.req.assume_policy.field.clone();
    if !stuck.is_empty() {
        b.p.push(&field, format!(
            "going from what is deployed to {} cannot be done safely: {}; nor in two steps through customer managed policies: {}",
            target.shape.name(),
            unsafe_now.join("; "),
            stuck.join("; ")
        ));
        return None;
    }
    b.warnings.push(format!(
        "{field}: this change takes two deploys ({}): step 1 of 2 is emitted now and moves the group's sts:AssumeRole permissions into customer managed policies (access is kept; an integration that reads inline policies sees none until step 2); deploy it, then run the same emit with --applied for step 2 ({})",
        if unsafe_now.is_empty() { "a two-step change is under way".to_string() } else { unsafe_now.join("; ") },
        target.shape.name()
    ));
    let state = next_state(b, &step1, step1_docs, members, Some(target.shape.name().to_string()));
    Some((step1, step1_hub, state))
}

/// The state this run leaves: its documents, the members, and the accounts removed whose
/// Terraform providers stay until `--applied`.
fn next_state(
    b: &Build<'_>,
    assume: &AssumePlan,
    documents: Vec<super::state::DocState>,
    members: &[Member],
    pending: Option<String>,
) -> State {
    let accounts: Vec<String> = members.iter().map(|m| m.account.as_str().to_string()).collect();
    // Removed by this run: kept even with --applied, which only clears what earlier runs retired.
    let mut retired: Vec<String> = match &b.req.previous {
        Some(prev) => {
            // A set, not `accounts.contains`: at 10,000 accounts that scan made a re-emit quadratic.
            let current: std::collections::HashSet<&str> = accounts.iter().map(String::as_str).collect();
            let earlier = prev.retired.iter().filter(|_| !b.req.applied);
            prev.accounts.iter().chain(earlier).filter(|a| !current.contains(a.as_str())).cloned().collect()
        }
        None => Vec::new(),
    };
    retired.sort();
    retired.dedup();
    let users: Vec<String> = match assume.shards.len() {
        0 | 1 => Vec::new(),
        _ => assume.shards.iter().map(|s| s.user.name.clone()).collect(),
    };
    let retired_users = retired_users(b, &users);
    State {
        shape: assume.shape.name().to_string(),
        accounts,
        documents,
        retired,
        pending,
        users,
        retired_users,
        ..State::new()
    }
}

/// The hub users the previous run had beyond this one's (`users`, empty for one user), with
/// those earlier runs retired unless `--applied` says their removal is deployed.
fn retired_users(b: &Build<'_>, users: &[String]) -> Vec<super::state::RetiredUser> {
    let Some(prev) = &b.req.previous else { return Vec::new() };
    let kept = users.len().max(1);
    let dropped = prev.users.iter().enumerate().skip(kept);
    let now = dropped.map(|(i, name)| super::state::RetiredUser { number: i + 1, name: name.clone() });
    let earlier = prev.retired_users.iter().filter(|_| !b.req.applied).cloned();
    let mut out: Vec<_> = now.chain(earlier).filter(|u| u.number > kept).collect();
    out.sort_by_key(|u| u.number);
    out.dedup();
    out
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
    (choice, previous): (AssumeShape, &Previous),
) -> Option<AssumePlan> {
    let role_arn_rest = format!("role{}{}", policy::policy_literal(&role.path), policy::policy_literal(&role.name));
    let plan = hub_policy::plan(&Inputs {
        choice,
        previous,
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
                // The numbered users have one or two digits (IAM's 300 groups, ten per user): `?`
                // and `??` match them, where `-*` matched any hub user named `<user>-` anything.
                values: vec![
                    user_in_condition.clone(),
                    user_in_condition.clone().lit_then("-?"),
                    user_in_condition.lit_then("-??"),
                ],
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
