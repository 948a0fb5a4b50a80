//! A single account (seed 000): the user and group alone, every permission set on the group.

use super::hub::{self, OwnAccount};
use super::shared::{self, managed_alternatives, resolve_sets};
use super::{Build, Hub, accounts};
use crate::catalog::Scope;
use crate::keyword::Mode;

pub(crate) fn build(b: &mut Build<'_>) -> Option<Hub> {
    if b.req.raw.hub.manage_own_account == Some(false) {
        b.p.push("hub.manage_own_account", "a single-account setup always grants the permission sets in its account");
    }
    let account = accounts::hub_account(b);
    let (entities, tags) = hub::identity(b);
    // One list for the one account: sets that read the user's own identity go to the group's
    // inline policy, the others to the group's permission policy.
    let explicit = b.req.raw.hub.permission_sets.clone();
    let mut names = explicit.clone().or_else(|| b.preset.map(|p| p.single_account_sets.clone())).unwrap_or_default();
    shared::with_config_statements(&mut names, &b.req.raw.hub.statements, crate::catalog::custom::HUB_SET);
    let all = resolve_sets(b, "hub.permission_sets", &names, explicit.is_some(), true);
    let (hub_sets, account_sets): (Vec<_>, Vec<_>) = all.into_iter().partition(|s| s.scope == Scope::HubIdentity);
    let (Some(account), Some((user, group))) = (account, entities) else { return None };
    if !b.p.is_empty() {
        return None;
    }
    let aws_managed = match b.req.mode.value {
        Mode::Managed => managed_alternatives(&mut b.p, "hub.permission_sets", &account_sets),
        Mode::Inline => Vec::new(),
    };
    let own = OwnAccount { sets: &account_sets, aws_managed: &aws_managed, single: true };
    let policies = hub::group_policies(b, (&user, &group), &hub_sets, Some(&own));
    let own_sets = Some(account_sets.iter().map(|s| s.name.clone()).collect());
    Some(hub::assemble(b, account, (user, group, tags), &hub_sets, policies, own_sets))
}
