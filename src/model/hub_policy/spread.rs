//! The `groups` shape: explicit role ARNs in one inline statement per hub group, over as many
//! groups as needed (a user is in at most ten), and over further hub users past that, so an
//! integration that reads its user's groups' inline policies still finds every account.
//!
//! Accounts are placed stably (`super::place`): each group up to IAM's 5,120 inline characters (the
//! first group of each user also holds that user's identity read policy, scoped to its groups and
//! budgeted for ten), groups handed to users ten at a time.

use std::collections::BTreeMap;

use super::{AssumePlan, GroupShard, Inputs, Shape, UserShard, assume_doc, role_arn};
use crate::aws::ids::AccountId;
use crate::aws::quotas::{ACCOUNT_GROUPS, GROUP_INLINE, USER_GROUPS};
use crate::model::{Entity, NamedPolicy};

/// The n-th (1-based) hub user or group: the configured name, then `-2`, `-3`, ...
pub(crate) fn numbered(base: &Entity, n: usize) -> Entity {
    let name = if n == 1 { base.name.clone() } else { format!("{}-{n}", base.name) };
    Entity { name, path: base.path.clone() }
}

/// How many role ARNs one group's statement can list within `budget` characters.
pub(super) fn capacity(inp: &Inputs<'_>, budget: usize) -> usize {
    // Every account id has 12 digits, so each ARN costs the same: measure with two distinct ones
    // (a statement lists each resource once).
    let ids: Vec<AccountId> =
        ["000000000001", "000000000002"].iter().filter_map(|s| AccountId::parse(s).ok()).collect();
    let size = |n: usize| {
        assume_doc("AssumeMemberRoles", ids[..n].iter().map(|a| role_arn(inp.role_arn_rest, a)).collect(), vec![])
            .iam_size(inp.env)
    };
    if ids.len() < 2 {
        return 0;
    }
    let (one, two) = (size(1), size(2));
    let per = two.saturating_sub(one).max(1);
    let base = one.saturating_sub(per);
    budget.saturating_sub(base) / per
}

pub(super) fn plan(inp: &Inputs<'_>) -> Result<AssumePlan, String> {
    let full = capacity(inp, GROUP_INLINE);
    if full == 0 {
        return Err("groups: one role ARN alone does not fit a group's inline budget".into());
    }
    let caps = group_capacities(inp, full);
    if caps.first() == Some(&0) {
        return Err(format!(
            "groups: {}'s identity policy leaves no room for a role ARN in its first group",
            inp.user.name
        ));
    }
    let number = |key: &str| match key.strip_prefix("assume-member-roles") {
        Some("") => Some(1),
        Some(rest) => rest.strip_prefix('-').and_then(|n| n.parse().ok()).filter(|n| *n > 0),
        None => None,
    };
    let previous = inp.previous.numbered(&[Shape::Groups, Shape::SingleStatement], &number);
    let mut slots: BTreeMap<usize, Vec<AccountId>> =
        super::place(inp.accounts, previous, (&|n| caps.get(n - 1).copied().unwrap_or(0), ACCOUNT_GROUPS))
            .into_iter()
            .collect();
    let placed: usize = slots.values().map(Vec::len).sum();
    if placed < inp.accounts.len() {
        return Err(format!(
            "groups: {} accounts need more than the {ACCOUNT_GROUPS} groups IAM allows in one account ({full} role ARNs per group)",
            inp.accounts.len()
        ));
    }
    // A group whose accounts all left goes (numbers are per group, so no other moves); the hub's
    // group stays, and so does every user's first group while a later one of that user is there,
    // since it holds the user's identity policy.
    slots.retain(|_, accounts| !accounts.is_empty());
    let last = slots.keys().next_back().copied().unwrap_or(1);
    for first in (1..=last).step_by(USER_GROUPS) {
        slots.entry(first).or_default();
    }
    let users = shards(inp, slots);
    if users.iter().any(|u| u.user.name.len() > 64) || (last > 1 && numbered(inp.group, last).name.len() > 128) {
        return Err(format!(
            "groups: numbering {} hub users and {last} groups makes a name longer than IAM allows; shorten hub.user.name or hub.group.name",
            users.len()
        ));
    }
    let inline = users.first().and_then(|u| u.groups.first()).and_then(|g| g.policy.clone()).into_iter().collect();
    let groups: usize = users.iter().map(|u| u.groups.len()).sum();
    Ok(AssumePlan {
        shape: Shape::Groups,
        inline,
        managed: vec![],
        placement: vec![],
        summary: format!(
            "groups (inline role ARN lists, up to {full} per group): {} accounts over {groups} groups of {} hub users",
            inp.accounts.len(),
            users.len()
        ),
        shards: users,
    })
}

/// How many role ARNs each group number takes: `full`, but a user's first group also holds the
/// user's identity policy, budgeted as if it named all ten groups a user can be in, so a user
/// that gains groups never pushes accounts out of its first one.
fn group_capacities(inp: &Inputs<'_>, full: usize) -> Vec<usize> {
    (1..=ACCOUNT_GROUPS)
        .map(|n| {
            if (n - 1) % USER_GROUPS != 0 {
                return full;
            }
            let user = numbered(inp.user, (n - 1) / USER_GROUPS + 1);
            let groups: Vec<Entity> = (n..n + USER_GROUPS).map(|g| numbered(inp.group, g)).collect();
            capacity(inp, GROUP_INLINE.saturating_sub((inp.identity_size)(&user, &groups)))
        })
        .collect()
}

/// The groups by number, handed to users ten at a time (user 1 has groups 1 to 10, ...).
fn shards(inp: &Inputs<'_>, slots: BTreeMap<usize, Vec<AccountId>>) -> Vec<UserShard> {
    let slots: Vec<(usize, Vec<AccountId>)> = slots.into_iter().collect();
    // A hundred groups of a hundred role ARNs each at 10,000 accounts: their documents are
    // built on two threads.
    let rest = inp.role_arn_rest;
    let policies = crate::parallel::map(&slots, |(number, accounts)| policy(rest, *number, accounts));
    let mut users: BTreeMap<usize, UserShard> = BTreeMap::new();
    for ((number, accounts), policy) in slots.into_iter().zip(policies) {
        let u = (number - 1) / USER_GROUPS + 1;
        let shard = users.entry(u).or_insert_with(|| UserShard { user: numbered(inp.user, u), groups: Vec::new() });
        shard.groups.push(GroupShard { number, group: numbered(inp.group, number), policy, accounts });
    }
    users.into_values().collect()
}

/// A group's `sts:AssumeRole` policy. The hub's own group keeps the single-statement shape's
/// key; the others are numbered. A group whose accounts all left keeps existing, without a
/// policy, so no other group changes.
/// `role_arn_rest`: the tail of every member role ARN (`Inputs::role_arn_rest`).
fn policy(role_arn_rest: &str, number: usize, accounts: &[AccountId]) -> Option<NamedPolicy> {
    let key = if number == 1 { "assume-member-roles".to_string() } else { format!("assume-member-roles-{number}") };
    (!accounts.is_empty()).then(|| {
        let arns = accounts.iter().map(|a| role_arn(role_arn_rest, a)).collect();
        let doc = assume_doc("AssumeMemberRoles", arns, vec![]);
        NamedPolicy { key, name: "assume-member-roles".into(), description: String::new(), doc: doc.into() }
    })
}
