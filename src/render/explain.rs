//! The access review of a plan (`crossrole explain`, and the diagram in DEPLOY.md): who (hub
//! users and their groups, or the vendor's account) may assume which role, in which accounts,
//! under which conditions, with which permission sets at which access levels, and which IAM limits
//! the setup uses. Built from the plan the templates render, so it cannot disagree with them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::aws::quotas;
use crate::catalog::Catalog;
use crate::iam;
use crate::keyword::{self, Tier};
use crate::model::Plan;
use crate::model::policy::{PolicyDocument, Var};
use crate::model::shared::sizing_env;

/// Past this many accounts the diagrams draw one node for all of them.
const DRAWN_ACCOUNTS: usize = 50;

#[derive(Serialize)]
pub(crate) struct Access {
    setup: String,
    preset: String,
    /// Who may assume the role: hub users (with their groups) or the vendor's account.
    principals: Vec<Principal>,
    role: RoleAccess,
    /// Where the role is: the listed accounts (all of them in JSON), or the organization's units.
    accounts: Vec<String>,
    units: Vec<String>,
    organization: Option<String>,
    limits: Vec<Limit>,
}

#[derive(Serialize)]
struct Principal {
    kind: &'static str,
    name: String,
    account: String,
    groups: Vec<String>,
    /// The member accounts whose role this principal may assume (all, for a vendor).
    reaches: String,
}

#[derive(Serialize)]
struct RoleAccess {
    name: String,
    path: String,
    max_session_seconds: u32,
    trusts: String,
    conditions: Vec<String>,
    sets: Vec<SetAccess>,
    aws_managed: Vec<String>,
}

#[derive(Serialize)]
struct SetAccess {
    name: String,
    title: String,
    /// Actions per access level (List, Read, Write, Permissions management, Tagging).
    access_levels: BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
struct Limit {
    what: String,
    used: String,
}

/// The review; without a catalog the sets carry no titles or access levels (DEPLOY.md's diagram
/// needs neither).
pub(crate) fn access(catalog: Option<&Catalog>, plan: &Plan) -> Access {
    let org = plan.spokes().and_then(|h| h.org.as_ref());
    Access {
        setup: keyword::name(&plan.kind()),
        preset: plan.preset.clone(),
        principals: principals(plan),
        role: role_access(catalog, plan),
        accounts: plan.members().iter().map(|m| m.account.to_string()).collect(),
        units: org.map(|o| o.units.clone()).unwrap_or_default(),
        organization: org.map(|o| o.id.clone()),
        limits: limits(plan),
    }
}

fn principals(plan: &Plan) -> Vec<Principal> {
    if let Some(v) = plan.vendor() {
        return vec![Principal {
            kind: "vendor account",
            name: v.title.clone(),
            account: v.account.to_string(),
            groups: vec![],
            reaches: "the account the role is deployed in".into(),
        }];
    }
    let Some(hub) = plan.hub() else { return vec![] };
    let all = if plan.members().is_empty() {
        "every account of the StackSet's targets".to_string()
    } else {
        format!("all {} member accounts", plan.members().len())
    };
    let reach = |u: usize| {
        let accounts = plan.assume().map(|a| a.accounts_of_user(u)).unwrap_or_default();
        match (accounts.first(), accounts.last()) {
            (Some(a), Some(b)) => format!("{} member accounts, {a} to {b}", accounts.len()),
            _ => all.clone(),
        }
    };
    let groups_of = |u: usize| hub.extra_groups.iter().filter(move |g| g.user == u).map(|g| g.group.name.clone());
    let mut out = vec![Principal {
        kind: "hub user",
        name: hub.user.name.clone(),
        account: hub.account.to_string(),
        groups: std::iter::once(hub.group.name.clone()).chain(groups_of(0)).collect(),
        reaches: if plan.kind() == keyword::Setup::SingleAccount { "its own account".into() } else { reach(0) },
    }];
    for (i, u) in hub.extra_users.iter().enumerate() {
        out.push(Principal {
            kind: "hub user",
            name: u.name.clone(),
            account: hub.account.to_string(),
            groups: groups_of(i + 1).collect(),
            reaches: reach(i + 1),
        });
    }
    out
}

fn role_access(catalog: Option<&Catalog>, plan: &Plan) -> RoleAccess {
    let Some(role) = plan.role() else {
        let hub = plan.hub();
        return RoleAccess {
            name: String::new(),
            path: String::new(),
            max_session_seconds: 0,
            trusts: "no role: the permissions are on the group".into(),
            conditions: vec![],
            sets: hub
                .map(|h| h.own_sets.iter().chain(&h.sets).map(|s| set_access(catalog, s, plan.tier)).collect())
                .unwrap_or_default(),
            aws_managed: hub.map(|h| h.aws_managed.clone()).unwrap_or_default(),
        };
    };
    let st = role.trust.statements.first();
    let env = |v: Var| match v {
        Var::Partition => "aws".to_string(),
        Var::HubAccount => plan.hub().map(|h| h.account.to_string()).unwrap_or_default(),
        Var::HubUserName => plan.hub().map(|h| h.user.name.clone()).unwrap_or_default(),
        Var::ExternalId(i) => format!("<ExternalId {}>", i + 1),
        Var::Account => "<account>".into(),
    };
    RoleAccess {
        name: role.name.clone(),
        path: role.path.clone(),
        max_session_seconds: role.max_session_duration,
        trusts: st
            .map(|s| s.principals.iter().map(|p| p.resolve(&env)).collect::<Vec<_>>().join(", "))
            .unwrap_or_default(),
        conditions: st
            .map(|s| {
                s.conditions
                    .iter()
                    .map(|c| {
                        format!(
                            "{} {} {}",
                            c.operator,
                            c.key,
                            c.values.iter().map(|v| v.resolve(&env)).collect::<Vec<_>>().join(", ")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        sets: role.sets.iter().map(|s| set_access(catalog, s, plan.tier)).collect(),
        aws_managed: role.aws_managed.clone(),
    }
}

fn set_access(catalog: Option<&Catalog>, name: &str, tier: Tier) -> SetAccess {
    let set = catalog.and_then(|c| c.set(name));
    let mut levels = BTreeMap::new();
    for st in set.iter().flat_map(|s| &s.statements) {
        let actions = st.required.iter().chain(st.recommended.iter().filter(|_| tier == Tier::Recommended));
        for a in actions {
            for x in iam::granted(a) {
                *levels.entry(x.access_level().name()).or_insert(0) += 1;
            }
        }
    }
    SetAccess { name: name.to_string(), title: set.map(|s| s.title.clone()).unwrap_or_default(), access_levels: levels }
}

fn limits(plan: &Plan) -> Vec<Limit> {
    let base = sizing_env(plan.hub().map(|h| h.user.name.clone()).unwrap_or_default());
    // Measured as the templates allow at most: each ExternalId at the length its parameter takes.
    let id_max = plan.vendor().map_or(0, |v| v.external_id_max);
    let env = move |v: Var| match v {
        Var::ExternalId(_) => "x".repeat(id_max),
        other => base(other),
    };
    let size = |d: &PolicyDocument| d.iam_size(&env);
    let mut out = Vec::new();
    if let Some(a) = plan.assume() {
        out.push(Limit { what: "hub group policies".into(), used: a.summary.clone() });
    }
    if let Some(r) = plan.role() {
        out.push(Limit {
            what: "role trust policy".into(),
            used: format!("{} of {} characters", size(&r.trust), quotas::TRUST_POLICY),
        });
        let inline: usize = r.inline.iter().map(|p| size(&p.doc)).sum();
        out.push(Limit {
            what: "role inline policies".into(),
            used: format!("{inline} of {} characters", quotas::ROLE_INLINE),
        });
        out.push(Limit {
            what: "role managed policies".into(),
            used: format!("{} of {}", r.aws_managed.len(), quotas::ROLE_MANAGED),
        });
    }
    out
}

/// Where the role is, in words.
fn where_(a: &Access) -> String {
    match (a.accounts.len(), &a.organization) {
        (0, Some(org)) if !a.units.is_empty() => {
            format!("every account under {} of {org}, and accounts that join later", a.units.join(", "))
        }
        (0, _) if a.setup == keyword::name(&keyword::Setup::VendorRole) => {
            "the customer account it is deployed in".into()
        }
        (0, _) => "the account itself".into(),
        (n, _) if n <= DRAWN_ACCOUNTS => format!("{n} accounts: {}", a.accounts.join(", ")),
        (n, _) => format!("{n} accounts, {} to {} (accounts.txt lists them)", a.accounts[0], a.accounts[n - 1]),
    }
}

pub(crate) fn text(a: &Access, markdown: bool) -> String {
    let (h, li) = if markdown { ("## ", "- ") } else { ("", "  ") };
    let mut o = format!("{h}Access review: {} setup, preset {}\n\n", a.setup, a.preset);
    o.push_str(&format!("{h}Who may assume the role\n"));
    for p in &a.principals {
        let groups = if p.groups.is_empty() { String::new() } else { format!(" (groups {})", p.groups.join(", ")) };
        o.push_str(&format!("{li}{} {} in account {}{groups}: {}\n", p.kind, p.name, p.account, p.reaches));
    }
    if !a.role.name.is_empty() {
        o.push_str(&format!(
            "\n{h}The role\n{li}{}{} in {}\n{li}trusts {}\n",
            a.role.path,
            a.role.name,
            where_(a),
            a.role.trusts
        ));
        for c in &a.role.conditions {
            o.push_str(&format!("{li}condition: {c}\n"));
        }
        o.push_str(&format!("{li}sessions of at most {} seconds\n", a.role.max_session_seconds));
    }
    o.push_str(&format!("\n{h}Permissions\n"));
    for s in &a.role.sets {
        let levels: Vec<String> = s.access_levels.iter().map(|(l, n)| format!("{l} {n}")).collect();
        o.push_str(&format!("{li}{}: {} ({})\n", s.name, s.title, levels.join(", ")));
    }
    for m in &a.role.aws_managed {
        o.push_str(&format!("{li}AWS managed policy {m}\n"));
    }
    o.push_str(&format!("\n{h}Limits used\n"));
    for l in &a.limits {
        o.push_str(&format!("{li}{}: {}\n", l.what, l.used));
    }
    o
}

/// A Mermaid node label: quotes and markup characters would end it.
fn label(s: &str) -> String {
    s.chars()
        .map(|c| if matches!(c, '"' | '<' | '>' | '[' | ']' | '{' | '}' | '|' | '#' | ';' | '`') { '\'' } else { c })
        .collect()
}

/// The accounts the diagrams draw: each one up to `DRAWN_ACCOUNTS`, else one node for all.
fn account_nodes(a: &Access) -> Vec<(String, String)> {
    if a.accounts.len() > DRAWN_ACCOUNTS || a.accounts.is_empty() {
        return vec![("accounts".into(), where_(a))];
    }
    a.accounts.iter().map(|id| (format!("a{id}"), format!("account {id}"))).collect()
}

pub(crate) fn mermaid(a: &Access) -> String {
    let mut o = String::from("flowchart LR\n");
    let role =
        if a.role.name.is_empty() { "the group's permissions".to_string() } else { format!("role {}", a.role.name) };
    o.push_str(&format!(
        "  role[\"{}\"]\n",
        label(&format!("{role}: {}", a.role.sets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")))
    ));
    for (i, p) in a.principals.iter().enumerate() {
        o.push_str(&format!("  p{i}[\"{}\"]\n", label(&format!("{} {} ({})", p.kind, p.name, p.account))));
        let via = if a.role.conditions.is_empty() {
            "sts:AssumeRole".to_string()
        } else {
            format!("sts:AssumeRole if {}", a.role.conditions.len()) + " condition(s)"
        };
        o.push_str(&format!("  p{i} -->|\"{}\"| role\n", label(&via)));
    }
    for (id, text) in account_nodes(a) {
        o.push_str(&format!("  {id}([\"{}\"])\n  role --- {id}\n", label(&text)));
    }
    o
}

pub(crate) fn dot(a: &Access) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"));
    let mut o = String::from("digraph crossrole {\n  rankdir=LR;\n  node [shape=box];\n");
    let role =
        if a.role.name.is_empty() { "the group's permissions".to_string() } else { format!("role {}", a.role.name) };
    o.push_str(&format!(
        "  role [label={}];\n",
        q(&format!("{role}: {}", a.role.sets.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")))
    ));
    for (i, p) in a.principals.iter().enumerate() {
        o.push_str(&format!(
            "  p{i} [label={}];\n  p{i} -> role [label=\"sts:AssumeRole\"];\n",
            q(&format!("{} {} ({})", p.kind, p.name, p.account))
        ));
    }
    for (id, text) in account_nodes(a) {
        o.push_str(&format!("  {id} [shape=ellipse, label={}];\n  role -> {id} [arrowhead=none];\n", q(&text)));
    }
    o.push_str("}\n");
    o
}
