//! A catalog statement checked against the IAM service definitions (`crate::iam`): every action
//! exists in canonical case, a wildcard grants something, ARN-scoped statements only hold actions
//! that take those ARNs (errors), and privilege-escalation or data-exfiltration actions in a set
//! not marked dangerous (warnings).

use super::{CatalogStatement, PermissionSet, is_action};
use crate::iam::{self, Lookup};

/// Errors and warnings of one catalog, each line naming set, statement and action.
#[derive(Debug, Default)]
pub(super) struct Findings {
    pub(super) errors: Vec<String>,
    /// (index of the set, warning).
    pub(super) warnings: Vec<(usize, String)>,
}

/// `at` names the statement: `permission_sets[1] (micetro-dns).statements[0] (ListZones)`.
pub(super) fn check_statement(
    at: &str,
    set_index: usize,
    set: &PermissionSet,
    st: &CatalogStatement,
    out: &mut Findings,
) {
    let scoped = !st.resources.iter().any(|r| r == "*");
    for action in st.required.iter().chain(&st.recommended) {
        if !is_action(action) {
            continue; // reported by the form check
        }
        let granted = resolve(at, action, &mut out.errors);
        if granted.is_empty() {
            continue;
        }
        if scoped {
            if let Some(e) = scope_problem(action, &granted, &st.resources) {
                out.errors.push(format!("{at}: {e}"));
            }
        }
        if !set.dangerous && !st.dangerous {
            for a in &granted {
                if let Some(r) = iam::risk_of(&a.full_name(), &st.resources) {
                    let through = if iam::is_pattern(action) { format!(" (through {action})") } else { String::new() };
                    out.warnings.push((
                        set_index,
                        format!(
                            "{at}: {}{through} allows {}: it {} (cloudsplaining); {}",
                            r.action,
                            r.risk.name(),
                            r.why,
                            if set.origin.is_some() {
                                "mark the statement `dangerous: true` once reviewed"
                            } else {
                                "the set is not marked `dangerous: true`"
                            }
                        ),
                    ));
                }
            }
        }
    }
}

/// A statement's conditions: operators IAM knows (errors), values present, and keys that at least
/// one of the statement's actions supports (a warning otherwise: IAM never matches such a key, so
/// the statement would grant nothing, or everything under an `...IfExists` or negated operator).
pub(super) fn check_conditions(at: &str, set_index: usize, st: &CatalogStatement, out: &mut Findings) {
    let actions: Vec<&str> = st.required.iter().chain(&st.recommended).map(String::as_str).collect();
    for (op, keys) in &st.conditions {
        if let Some(e) = iam::operator_problem(op) {
            out.errors.push(format!("{at}: conditions: {e}"));
        }
        if keys.is_empty() {
            out.errors.push(format!("{at}: conditions.{op}: names no condition key"));
        }
        for (key, values) in keys {
            if values.0.is_empty() {
                out.errors.push(format!("{at}: conditions.{op}.{key}: has no value"));
            }
            if !iam::supports_condition_key(&actions, key) {
                out.warnings.push((
                    set_index,
                    format!(
                        "{at}: condition key {key:?} is supported by none of the statement's actions ({}) and is not a global key: IAM would never find it in the request",
                        actions.join(", ")
                    ),
                ));
            }
        }
    }
}

/// The actions an action name or pattern grants; empty (and an error recorded) when it is wrong.
fn resolve(at: &str, action: &str, errors: &mut Vec<String>) -> Vec<iam::Action> {
    if iam::is_pattern(action) {
        let granted = iam::expand(action);
        if granted.is_empty() {
            let service = action.split(':').next().unwrap_or_default();
            errors.push(if iam::service_exists(service) {
                format!("{at}: {action:?} matches no action of {service}")
            } else {
                let closest = iam::closest_services(service, "");
                format!("{at}: {action:?}: {service:?} is not an AWS service prefix{}", did_you_mean(&closest))
            });
        }
        return granted;
    }
    match iam::lookup(action) {
        Lookup::Found(a) => vec![a],
        Lookup::WrongCase(a) => {
            errors.push(format!("{at}: {action:?} is not in canonical case: write {}", a.full_name()));
            Vec::new()
        }
        Lookup::UnknownAction { service, closest } => {
            errors.push(format!("{at}: {action:?} is not an action of {service}{}", did_you_mean(&closest)));
            Vec::new()
        }
        Lookup::UnknownService { closest } => {
            let service = action.split(':').next().unwrap_or_default();
            errors
                .push(format!("{at}: {action:?}: {service:?} is not an AWS service prefix{}", did_you_mean(&closest)));
            Vec::new()
        }
        Lookup::Malformed => Vec::new(),
    }
}

/// Why a statement scoped to ARNs cannot grant the action, if it cannot.
fn scope_problem(action: &str, granted: &[iam::Action], resources: &[String]) -> Option<String> {
    if granted.iter().any(|a| resources.iter().any(|r| a.takes_arn(r))) {
        return None;
    }
    if iam::is_pattern(action) {
        return Some(format!("{action:?} matches no action that takes the statement's resources"));
    }
    let a = granted.first()?;
    let types: Vec<&str> = a.resource_types().iter().map(|t| t.name).collect();
    Some(if types.is_empty() {
        format!(
            "{} takes no resource type, so IAM grants it on \"*\" only: move it to a statement on [\"*\"]",
            a.full_name()
        )
    } else {
        format!(
            "{} takes none of the statement's resources; its resource types are {}",
            a.full_name(),
            types.join(", ")
        )
    })
}

fn did_you_mean(closest: &[String]) -> String {
    match closest {
        [] => String::new(),
        [one] => format!(" (did you mean {one}?)"),
        [init @ .., last] => format!(" (did you mean {} or {last}?)", init.join(", ")),
    }
}
