//! DEPLOY.md's summary of what each identity may do: the actions of its policies as emitted,
//! counted by IAM access level (List, Read, Write, Permissions management, Tagging), with the
//! actions that change things named, since those are what a review reads.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::iam::{self, AccessLevel};
use crate::model::{NamedPolicy, Plan};

#[derive(Serialize)]
pub(crate) struct IdentityAccess {
    /// `member role`, `vendor role`, `hub group`, `group`.
    kind: &'static str,
    name: String,
    /// Actions per level, in `AccessLevel::ALL` order.
    counts: Vec<usize>,
    /// The Write and Permissions management actions, sorted.
    changes: Vec<String>,
    /// AWS managed policies attached (their actions are AWS's to list).
    aws_managed: Vec<String>,
}

/// The access level names, in the order of `IdentityAccess::counts`.
pub(crate) fn level_names() -> Vec<&'static str> {
    AccessLevel::ALL.iter().map(|l| l.name()).collect()
}

/// One entry per identity that holds permissions: the hub's groups and the role.
pub(crate) fn summary(plan: &Plan) -> Vec<IdentityAccess> {
    let mut out = Vec::new();
    if let Some(hub) = plan.hub() {
        let docs = hub.inline.iter().chain(&hub.managed).chain(hub.extra_groups.iter().flat_map(|g| &g.inline));
        let kind = if plan.role().is_some() { "hub group" } else { "group" };
        out.push(identity(kind, &hub.group.name, docs, &hub.aws_managed));
    }
    if let Some(role) = plan.role() {
        let kind = if plan.vendor().is_some() { "vendor role" } else { "member role" };
        out.push(identity(kind, &role.name, role.inline.iter(), &role.aws_managed));
    }
    out
}

fn identity<'a>(
    kind: &'static str,
    name: &str,
    docs: impl Iterator<Item = &'a NamedPolicy>,
    aws_managed: &[String],
) -> IdentityAccess {
    // Each action (or pattern) once, then expanded: a hub of hundreds of groups repeats the
    // same few actions in every group's documents.
    let named: BTreeSet<&str> =
        docs.flat_map(|p| &p.doc.statements).flat_map(|st| &st.actions).map(String::as_str).collect();
    let actions: BTreeSet<String> = named.into_iter().flat_map(iam::granted).map(|a| a.full_name()).collect();
    let level_of = |a: &str| iam::find(a).map(|x| x.access_level());
    let counts = AccessLevel::ALL.iter().map(|l| actions.iter().filter(|a| level_of(a) == Some(*l)).count()).collect();
    let changes = actions
        .iter()
        .filter(|a| matches!(level_of(a), Some(AccessLevel::Write | AccessLevel::PermissionsManagement)))
        .cloned()
        .collect();
    IdentityAccess { kind, name: name.to_string(), counts, changes, aws_managed: aws_managed.to_vec() }
}
