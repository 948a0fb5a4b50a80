//! The `groups` shape: explicit role ARNs in one inline statement per hub group, over as many
//! groups as needed (a user is in at most ten), and over further hub users past that, so an
//! integration that reads its user's groups' inline policies still finds every account.
//!
//! Accounts fill the groups in sorted order, each group up to IAM's 5,120 inline characters (the
//! first group of each user also holds that user's identity read policy, scoped to its groups).

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
        assume_doc("AssumeMemberRoles", ids[..n].iter().map(|a| role_arn(inp, a)).collect(), vec![]).iam_size(inp.env)
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
    let mut users = Vec::new();
    let mut rest = inp.accounts;
    let mut next_group = 1;
    while !rest.is_empty() {
        let user = numbered(inp.user, users.len() + 1);
        let (groups, taken) = user_groups(inp, &user, next_group, rest, full)?;
        next_group += groups.len();
        if next_group - 1 > ACCOUNT_GROUPS {
            return Err(format!(
                "groups: {} accounts need more than the {ACCOUNT_GROUPS} groups IAM allows in one account ({full} role ARNs per group)",
                inp.accounts.len()
            ));
        }
        rest = &rest[taken..];
        users.push(UserShard { user, groups });
    }
    if users.iter().any(|u| u.user.name.len() > 64)
        || (next_group > 2 && numbered(inp.group, next_group - 1).name.len() > 128)
    {
        return Err(format!(
            "groups: numbering {} hub users and {} groups makes a name longer than IAM allows; shorten hub.user.name or hub.group.name",
            users.len(),
            next_group - 1
        ));
    }
    let inline = users.first().and_then(|u| u.groups.first()).map(|g| g.policy.clone()).into_iter().collect();
    let groups = next_group - 1;
    Ok(AssumePlan {
        shape: Shape::Groups,
        inline,
        managed: vec![],
        summary: format!(
            "groups (inline role ARN lists, up to {full} per group): {} accounts over {groups} groups of {} hub users",
            inp.accounts.len(),
            users.len()
        ),
        shards: users,
    })
}

/// The groups of one user, numbered from `first`, and how many accounts of `rest` they take:
/// as few groups as hold the rest, at most ten.
fn user_groups(
    inp: &Inputs<'_>,
    user: &Entity,
    first: usize,
    rest: &[AccountId],
    full: usize,
) -> Result<(Vec<GroupShard>, usize), String> {
    let layout = |count: usize| {
        let entities: Vec<Entity> = (first..first + count).map(|n| numbered(inp.group, n)).collect();
        let head = capacity(inp, GROUP_INLINE.saturating_sub((inp.identity_size)(user, &entities)));
        (entities, head)
    };
    let count = (1..=USER_GROUPS)
        .find(|&count| {
            let (_, head) = layout(count);
            head + (count - 1) * full >= rest.len()
        })
        .unwrap_or(USER_GROUPS);
    let (entities, head) = layout(count);
    if head == 0 {
        return Err(format!(
            "groups: {}'s identity policy leaves no room for a role ARN in its first group",
            user.name
        ));
    }
    let mut groups = Vec::new();
    let mut at = 0;
    for (i, group) in entities.into_iter().enumerate() {
        let number = first + i;
        let cap = if i == 0 { head } else { full };
        let accounts: Vec<AccountId> = rest[at..rest.len().min(at + cap)].to_vec();
        if accounts.is_empty() {
            break;
        }
        at += accounts.len();
        groups.push(shard(inp, number, group, accounts));
    }
    Ok((groups, at))
}

fn shard(inp: &Inputs<'_>, number: usize, group: Entity, accounts: Vec<AccountId>) -> GroupShard {
    let doc = assume_doc("AssumeMemberRoles", accounts.iter().map(|a| role_arn(inp, a)).collect(), vec![]);
    // The hub's own group keeps the single-statement shape's key; the others are numbered.
    let key = if number == 1 { "assume-member-roles".to_string() } else { format!("assume-member-roles-{number}") };
    let policy = NamedPolicy { key, name: "assume-member-roles".into(), description: String::new(), doc };
    GroupShard { number, group, policy, accounts }
}
