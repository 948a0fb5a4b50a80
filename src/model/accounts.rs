//! The hub account and the member accounts, checked: 12 digits as a string, each member listed
//! once and not the hub, member names unique ignoring case.

use std::collections::HashMap;

use super::{Build, Member};
use crate::aws::ids::{self, AccountId};
use crate::request::AccountEntry;

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
            "no member accounts given: list them with --accounts, --accounts-file or accounts:"
        };
        b.p.push("accounts", msg);
    }
    // Problems carry the entry they are about and are reported in the order of the list.
    let mut problems: Vec<(usize, String, String)> = Vec::new();
    let mut found: Vec<(&AccountId, usize)> = Vec::with_capacity(entries.len());
    for (n, entry) in entries.iter().enumerate() {
        match &entry.id {
            Err(m) => problems.push((n, entry.id_field(), m.clone())),
            Ok(id) if hub == Some(id) => {
                let msg = format!("{:?} is the hub account; the hub cannot also be a member", id.as_str());
                problems.push((n, entry.id_field(), msg));
            }
            Ok(id) => found.push((id, n)),
        }
    }
    // Sorted by id, a repeated id lands right after its first listing: one sort of 10,000 ids
    // costs less than a map of them, and the members come out in the order they are kept in.
    found.sort_unstable();
    let mut kept: Vec<(&AccountId, usize)> = Vec::with_capacity(found.len());
    for (id, n) in found {
        match kept.last() {
            Some(&(prev, first)) if prev == id => {
                let msg = format!(
                    "{:?} is listed twice (first at {}); each member account once",
                    id.as_str(),
                    entries[first].id_field()
                );
                problems.push((n, entries[n].id_field(), msg));
            }
            _ => kept.push((id, n)),
        }
    }
    names(entries, &kept, &mut problems);
    problems.sort_by_key(|p| p.0);
    for (_, field, msg) in problems {
        b.p.push(field, msg);
    }
    kept.into_iter().map(|(id, n)| Member { account: id.clone(), name: entries[n].name.clone() }).collect()
}

/// The names of the members kept, each a valid IAM name and unique ignoring case, checked in
/// the order of the list.
fn names(entries: &[AccountEntry], kept: &[(&AccountId, usize)], problems: &mut Vec<(usize, String, String)>) {
    let mut named: Vec<(usize, &String)> =
        kept.iter().filter_map(|&(_, n)| Some((n, entries[n].name.as_ref()?))).collect();
    named.sort_unstable();
    let mut names_seen: HashMap<String, usize> = HashMap::new();
    for (n, name) in named {
        match ids::iam_name(name, 64) {
            Err(m) => problems.push((n, entries[n].name_field(), m)),
            Ok(_) => {
                if let Some(prev) = names_seen.insert(name.to_lowercase(), n) {
                    let msg = format!(
                        "{name:?} is already used by {} (names compare case-insensitively)",
                        entries[prev].name_field()
                    );
                    problems.push((n, entries[n].name_field(), msg));
                }
            }
        }
    }
}
