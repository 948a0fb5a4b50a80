//! Building blocks every setup shares: permission sets, their documents, tags and a role's own
//! fields, each checked against its rule.

use std::collections::{BTreeMap, BTreeSet};

use super::policy::{self, Expr, PolicyDocument, Seg, Statement, Var, iam_arn};
use super::problems::Problems;
use super::{Build, Entity, NamedPolicy, Role};
use crate::aws::ids::{self, Boundary};
use crate::aws::quotas;
use crate::catalog::custom::RawStatement;
use crate::catalog::placeholder::{Piece, Placeholder, parse_placeholders};
use crate::catalog::{PermissionSet, Scope};
use crate::keyword::{Mode, Tier};
use crate::suggest::did_you_mean;

/// Values used to measure policies the way IAM will see them. The longest partition name keeps
/// the estimate on the safe side in every partition.
pub(crate) fn sizing_env(hub_user: String) -> impl Fn(Var) -> String {
    move |v| match v {
        Var::Partition => "aws-us-gov".to_string(),
        Var::Account | Var::HubAccount => "123456789012".to_string(),
        Var::HubUserName => hub_user.clone(),
        // Not known until deploy time: assume the longest STS accepts.
        Var::ExternalId(_) => "x".repeat(ids::EXTERNAL_ID.max),
    }
}

/// What every role shares, member or vendor: name, path, description, session, boundary, tags.
pub(crate) struct RoleBasics {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) description: String,
    pub(crate) max_session: u32,
    pub(crate) boundary: Option<Expr>,
    pub(crate) tags: Vec<(String, String)>,
}

/// The role's own fields from the role section (and `--role-name`), each checked; `None` when any
/// failed (the problems are recorded).
pub(crate) fn role_basics(
    b: &mut Build<'_>,
    default_name: &str,
    default_description: &str,
    shared_tags: &[(String, String)],
) -> Option<RoleBasics> {
    let req = b.req;
    let role = &req.raw.member_role;
    let (name, name_field) = match &req.role_name {
        Some(g) => (g.value.clone(), g.field.clone()),
        None => (default_name.to_string(), req.role_field("name")),
    };
    let name = b.p.check(&name_field, ids::iam_name(&name, 64));
    let path = b.p.check(&req.role_field("path"), ids::iam_path(role.path.as_deref().unwrap_or("/")));
    if let (Some(n), Some(pa)) = (&name, &path) {
        // The console's Switch Role accepts at most 64 characters of path + name (aws-facts.md §1.3).
        if pa.len() + n.len() > 64 {
            b.warnings.push(format!(
                "{}: path {pa:?} and name {n:?} together exceed 64 characters; the console's Switch Role cannot use this role (API and CLI can)",
                req.role_key
            ));
        }
    }
    let description = b.p.check(
        &req.role_field("description"),
        ids::description(role.description.as_deref().unwrap_or(default_description)),
    );
    let max_session = b.p.check(
        &req.role_field("max_session_duration"),
        ids::max_session_duration(role.max_session_duration.unwrap_or(3600)),
    );
    let boundary_field = req.role_field("permissions_boundary");
    let boundary =
        role.permissions_boundary.as_deref().and_then(|s| b.p.check(&boundary_field, ids::boundary(s))).map(|bd| {
            match bd {
                Boundary::Arn(a) => Expr::lit(a),
                Boundary::Name(n) => iam_arn(Expr(vec![Seg::Var(Var::Account)]), &format!("policy/{n}")),
            }
        });
    let tags_field = req.role_field("tags");
    let own_tags = check_tags(&mut b.p, &tags_field, &role.tags);
    let tags = if b.p.is_empty() { merge_tags(&mut b.p, &tags_field, shared_tags, &own_tags) } else { Vec::new() };
    Some(RoleBasics { name: name?, path: path?, description: description?, max_session: max_session?, boundary, tags })
}

/// Validates one tag map: key and value rules, keys unique ignoring case.
pub(crate) fn check_tags(p: &mut Problems, field: &str, tags: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in tags {
        let (Some(k2), Some(v2)) = (p.check(field, ids::tag_key(k)), p.check(field, ids::tag_value(k, v))) else {
            continue;
        };
        out.push((k2, v2));
    }
    no_case_duplicates(p, field, &out);
    out
}

fn no_case_duplicates(p: &mut Problems, field: &str, tags: &[(String, String)]) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (k, _) in tags {
        if let Some(prev) = seen.insert(k.to_lowercase(), k) {
            p.push(field, format!("tag keys {prev:?} and {k:?} differ only in case; IAM treats them as the same key"));
        }
    }
    if tags.len() > quotas::TAGS {
        p.push(field, format!("{} tags; IAM allows at most {} per user or role", tags.len(), quotas::TAGS));
    }
}

/// The role's tags: the shared tags, overridden key by key by the role's own.
fn merge_tags(
    p: &mut Problems,
    field: &str,
    base: &[(String, String)],
    extra: &[(String, String)],
) -> Vec<(String, String)> {
    let mut merged: BTreeMap<String, String> = base.iter().cloned().collect();
    merged.extend(extra.iter().cloned());
    let out: Vec<(String, String)> = merged.into_iter().collect();
    no_case_duplicates(p, field, &out);
    out
}

/// The named sets, each checked: in the catalog, listed once, fit for where it goes (`hub`: the
/// hub user's own identity may be read), and dangerous ones only when named explicitly.
pub(crate) fn resolve_sets<'c>(
    b: &mut Build<'c>,
    field: &str,
    names: &[String],
    explicit: bool,
    hub: bool,
) -> Vec<&'c PermissionSet> {
    let catalog = b.catalog;
    let mut out: Vec<&PermissionSet> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let Some(set) = catalog.set(name) else {
            let hint = did_you_mean(name, catalog.set_names());
            b.p.push(
                at,
                format!("{name:?} is not a permission set of the catalog{hint}; `crossrole catalog` lists them"),
            );
            continue;
        };
        if !seen.insert(name.as_str()) {
            b.p.push(at, format!("{name:?} is listed twice"));
            continue;
        }
        if !hub && set.scope == Scope::HubIdentity {
            b.p.push(at, format!("{name:?} reads the hub user's own identity: it belongs in the hub.permission_sets of a hub-and-spoke or single-account setup"));
            continue;
        }
        if !set.reviewed {
            // The config's own statements name their place themselves.
            let from = if set.origin.is_some() { String::new() } else { format!("{at}: {name:?}: catalog ") };
            b.warnings.extend(set.warnings.iter().map(|w| format!("{from}{w}")));
        }
        if set.dangerous {
            if explicit {
                b.warnings
                    .push(format!("{at}: {name:?} grants far more than an integration needs: {}", set.description));
            } else {
                b.p.push(at, format!("{name:?} is marked dangerous and is only used when named explicitly"));
                continue;
            }
        }
        out.push(set);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The set names with the config's own statements' set (`set`, put in the catalog by
/// `commands::setup_catalog`) when it has any.
pub(crate) fn with_config_statements(names: &mut Vec<String>, statements: &[RawStatement], set: &str) {
    if !statements.is_empty() {
        names.push(set.to_string());
    }
}

/// The AWS managed alternatives of `sets` (mode managed), sorted and once each.
pub(crate) fn managed_alternatives(p: &mut Problems, field: &str, sets: &[&PermissionSet]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for s in sets {
        match (&s.origin, s.managed_policies.is_empty()) {
            (Some(origin), _) => p.push(
                origin,
                "mode managed attaches AWS managed policies only, so the config's statements would be lost; use mode inline",
            ),
            (None, true) => {
                p.push(field, format!("{:?} has no managed-policy alternative in the catalog; use mode inline", s.name));
            }
            (None, false) => {}
        }
        out.extend(s.managed_policies.iter().cloned());
    }
    out.into_iter().collect()
}

/// A role from its checked fields, trust and sets: its permissions built and checked against the
/// role's quotas, with a warning when they grant nothing.
pub(crate) fn role(
    b: &mut Build<'_>,
    basics: RoleBasics,
    trust: PolicyDocument,
    sets: &[&PermissionSet],
    aws_managed: &[String],
    size_env: &dyn Fn(Var) -> String,
) -> Role {
    let field = b.req.role_field("permission_sets");
    let (inline, aws_managed) = role_permissions(b, &field, sets, aws_managed, size_env);
    if inline.is_none() && aws_managed.is_empty() {
        b.warnings.push(format!(
            "{}: the role grants no permissions (no permission set selected any action)",
            b.req.role_key
        ));
    }
    Role {
        name: basics.name,
        path: basics.path,
        description: basics.description,
        max_session_duration: basics.max_session,
        boundary: basics.boundary,
        tags: basics.tags,
        trust,
        sets: sets.iter().map(|s| s.name.clone()).collect(),
        inline,
        aws_managed,
    }
}

/// A role's own permissions: one least-privilege inline policy, or the AWS managed alternatives;
/// each checked against the role's limits. `field` names the role's permission sets; `aws_managed`
/// are their managed alternatives (worked out once by the caller, which may need them twice).
fn role_permissions(
    b: &mut Build<'_>,
    field: &str,
    sets: &[&PermissionSet],
    aws_managed: &[String],
    size_env: &dyn Fn(Var) -> String,
) -> (Option<NamedPolicy>, Vec<String>) {
    let tier = b.req.tier.value;
    match b.req.mode.value {
        Mode::Inline => {
            for s in sets.iter().filter(|s| s.statements.is_empty()) {
                b.p.push(
                    field,
                    format!(
                        "{:?} exists only as the AWS managed {}; use mode managed",
                        s.name,
                        s.managed_policies.join(", ")
                    ),
                );
            }
            let doc = permission_document(sets, tier, None);
            if doc.statements.is_empty() {
                return (None, Vec::new());
            }
            let size = doc.iam_size(size_env);
            if size > quotas::ROLE_INLINE {
                b.p.push(
                    field,
                    format!("the role's inline policy is {size} characters; IAM allows {} per role. Choose fewer sets, tier required, or mode managed", quotas::ROLE_INLINE),
                );
            }
            let name = format!("{}-permissions", b.preset_name());
            (
                Some(NamedPolicy { key: "permissions".into(), name, description: String::new(), doc: doc.into() }),
                Vec::new(),
            )
        }
        Mode::Managed => {
            let managed = aws_managed.to_vec();
            if managed.len() > quotas::ROLE_MANAGED {
                b.p.push(
                    field,
                    format!("{} managed policies; a role takes at most {}", managed.len(), quotas::ROLE_MANAGED),
                );
            }
            (None, managed)
        }
    }
}

/// `abc-def.1` → `AbcDef1`: Sids and CloudFormation logical ids.
pub(crate) fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The least-privilege document for `sets` at `tier`. `hub` (the user and its groups) resolves the
/// hub-only placeholders, a resource naming a group once per group; in other accounts only
/// `${Partition}` and `${Account}` occur (the catalog check guarantees it).
pub(crate) fn permission_document(
    sets: &[&PermissionSet],
    tier: Tier,
    hub: Option<(&Entity, &[Entity])>,
) -> PolicyDocument {
    let mut statements = Vec::new();
    for set in sets {
        for st in &set.statements {
            let mut actions = st.required.clone();
            if tier == Tier::Recommended {
                actions.extend(st.recommended.iter().cloned());
            }
            if actions.is_empty() {
                continue;
            }
            let resources = st.resources.iter().flat_map(|r| resolve_resource(r, hub)).collect();
            let mut statement = Statement::allow(&format!("{}{}", pascal(&set.name), st.sid), actions, resources);
            statement.conditions = st
                .conditions
                .iter()
                .flat_map(|(op, keys)| {
                    keys.iter().map(|(key, values)| policy::Condition {
                        operator: op.clone(),
                        key: key.clone(),
                        values: values.0.iter().map(Expr::lit).collect(),
                    })
                })
                .collect();
            statement.normalise();
            statements.push(statement);
        }
    }
    statements.sort_by(|a, b| a.sid.cmp(&b.sid));
    PolicyDocument { statements }
}

/// A catalog resource with its placeholders filled: one ARN, or one per group when it names the
/// group.
fn resolve_resource(r: &str, hub: Option<(&Entity, &[Entity])>) -> Vec<Expr> {
    // The catalog was checked at load time, so parsing cannot fail here; an unparsable string
    // would be kept literally.
    let pieces = parse_placeholders(r).unwrap_or_else(|_| vec![Piece::Lit(r.to_string())]);
    let names_group =
        pieces.iter().any(|p| matches!(p, Piece::Placeholder(Placeholder::GroupName | Placeholder::GroupPath)));
    let groups: Vec<Option<&Entity>> = match hub {
        Some((_, groups)) if names_group => groups.iter().map(Some).collect(),
        _ => vec![None],
    };
    groups
        .into_iter()
        .map(|group| {
            let mut e = Expr::default();
            for piece in &pieces {
                let seg = match piece {
                    Piece::Lit(l) => Seg::Lit(l.clone()),
                    Piece::Placeholder(Placeholder::Partition) => Seg::Var(Var::Partition),
                    Piece::Placeholder(Placeholder::Account) => Seg::Var(Var::Account),
                    Piece::Placeholder(ph) => {
                        let Some((user, _)) = hub else { continue };
                        Seg::Lit(policy::policy_literal(match (ph, group) {
                            (Placeholder::UserPath, _) => &user.path,
                            (Placeholder::UserName, _) => &user.name,
                            (Placeholder::GroupPath, Some(g)) => &g.path,
                            (_, Some(g)) => &g.name,
                            (_, None) => continue,
                        }))
                    }
                };
                e.push(seg);
            }
            e
        })
        .collect()
}
