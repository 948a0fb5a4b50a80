//! The hub account and the member accounts, checked: 12 digits as a string, each member listed
//! once and not the hub, member names unique ignoring case.

use std::collections::HashMap;

use super::{Build, Member};
use crate::aws::ids::{self, AccountId};

/// The hub account (the single account in a single-account setup), which must be given.
pub(crate) fn hub_account(b: &mut Build<'_>) -> Option<AccountId> {
    if let Some(g) = &b.req.hub_account {
        b.p.check(&g.field, g.value.clone())
    } else {
        b.p.push("hub.account", "missing: give the hub account id with --hub-account or hub.account");
        None
    }
}

/// The member accounts, sorted by id. `optional`: a StackSet over organizational units finds
/// its accounts itself.
pub(crate) fn members(b: &mut Build<'_>, hub: Option<&AccountId>, optional: bool) -> Vec<Member> {
    let entries = &b.req.accounts;
    if entries.is_empty() && !optional {
        let msg = if b.req.deploy.value == crate::keyword::Deploy::Stackset {
            "a StackSet without any target: list organization.units (service-managed, with the accounts that join them later) or the accounts (self-managed)"
        } else {
            "no member accounts given: list them with --accounts or accounts:"
        };
        b.p.push("accounts", msg);
    }
    let mut members: Vec<Member> = Vec::new();
    // Hashed, not ordered: at 10,000 accounts an ordered map of the ids was a third of the plan.
    let mut first_seen: HashMap<&str, usize> = HashMap::with_capacity(entries.len());
    let mut names_seen: HashMap<String, usize> = HashMap::new();
    for (n, entry) in entries.iter().enumerate() {
        let id = match &entry.id {
            Ok(id) => id,
            Err(m) => {
                b.p.push(entry.id_field(), m.clone());
                continue;
            }
        };
        if let Some(&prev) = first_seen.get(id.as_str()) {
            let prev = entries[prev].id_field();
            let msg = format!("{:?} is listed twice (first at {prev}); each member account once", id.as_str());
            b.p.push(entry.id_field(), msg);
            continue;
        }
        if hub == Some(id) {
            let msg = format!("{:?} is the hub account; the hub cannot also be a member", id.as_str());
            b.p.push(entry.id_field(), msg);
            continue;
        }
        first_seen.insert(id.as_str(), n);
        if let Some(name) = &entry.name {
            if b.p.check(&entry.name_field(), ids::iam_name(name, 64)).is_some() {
                if let Some(prev) = names_seen.insert(name.to_lowercase(), n) {
                    let msg = format!(
                        "{name:?} is already used by {} (names compare case-insensitively)",
                        entries[prev].name_field()
                    );
                    b.p.push(entry.name_field(), msg);
                }
            }
        }
        members.push(Member { account: id.clone(), name: entry.name.clone() });
    }
    members.sort_by(|a, b| a.account.cmp(&b.account));
    members
}
