//! `crossrole catalog`.

use std::io::Write;

use anyhow::{Context as _, Result};

use super::EXIT_OK;
use crate::catalog::{self, Catalog, CatalogStatement, PermissionSet};
use crate::cli::{CatalogArgs, CatalogCommand};
use crate::iam;
use crate::model::problems::Problems;
use crate::suggest::did_you_mean;

/// `crossrole catalog`: the presets, permission sets and sources of the catalog; `--about` names
/// the IAM data, `show SET` details one set.
pub(crate) fn run(args: &CatalogArgs, stdout: &mut dyn Write) -> Result<u8> {
    let catalog = super::load_catalog(args.catalog.as_deref(), &args.catalog_extra)?;
    let out = match (&args.show, args.about) {
        _ if args.json => json(&catalog),
        (_, true) => about(),
        (Some(CatalogCommand::Show { set }), false) => show(&catalog, set)?,
        (None, false) => list(&catalog),
    };
    stdout.write_all(out.as_bytes()).context("writing to stdout")?;
    Ok(EXIT_OK)
}

/// `catalog --json`: presets, sets (each action with its access level, wildcards with what they
/// expand to, the set's risky actions) and sources, with the IAM data's version.
fn json(catalog: &Catalog) -> String {
    use serde_json::json;
    let action = |a: &String| {
        let expands: Vec<String> =
            if iam::is_pattern(a) { iam::expand(a).iter().map(iam::Action::full_name).collect() } else { Vec::new() };
        json!({
            "action": a,
            "access_level": iam::find(a).map(|x| x.access_level().name()),
            "expands_to": expands,
        })
    };
    let sets: Vec<serde_json::Value> = catalog
        .permission_sets
        .iter()
        .map(|s| {
            json!({
                "name": s.name, "title": s.title, "description": s.description,
                "scope": match s.scope { catalog::Scope::HubIdentity => "hub-identity", catalog::Scope::Account => "account" },
                "sources": s.sources, "dangerous": s.dangerous, "managed_policies": s.managed_policies,
                "differences": s.differences, "risky": s.warnings,
                "statements": s.statements.iter().map(|st| json!({
                    "sid": st.sid, "resources": st.resources,
                    "required": st.required.iter().map(action).collect::<Vec<_>>(),
                    "recommended": st.recommended.iter().map(action).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let presets: Vec<serde_json::Value> = catalog
        .presets
        .iter()
        .map(|p| {
            json!({
                "name": p.name, "description": p.description, "hub_sets": p.hub_sets, "member_sets": p.member_sets,
                "single_account_sets": p.single_account_sets,
                "vendor": p.vendor.as_ref().map(|v| json!({ "title": v.title, "account": v.account })),
                "discovery": p.discovery.map(|_| "inline-group-policies"),
            })
        })
        .collect();
    let (name, version, date) = iam::source_info();
    let doc = json!({
        "iam_data": { "source": name, "version": version, "date": date },
        "presets": presets,
        "permission_sets": sets,
        "sources": catalog.sources.iter().map(|s| json!({ "id": s.id, "title": s.title })).collect::<Vec<_>>(),
    });
    // A JSON value with string keys always pretty-prints.
    format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default())
}

fn about() -> String {
    let (name, version, date) = iam::source_info();
    format!(
        "IAM service definitions: {name} {version} (data of {date}), from AWS's Service Authorization Reference.\nRefresh: bump the pin in .ci/requirements.txt, then python scripts/gen_iam_db.py\n"
    )
}

/// One set, statement by statement, every action with what IAM says about it.
fn show(catalog: &Catalog, name: &str) -> Result<String> {
    let Some(set) = catalog.set(name) else {
        let mut p = Problems::default();
        let hint = did_you_mean(name, catalog.set_names());
        p.push(
            "catalog show",
            format!("{name:?} is not a permission set of the catalog{hint}; `crossrole catalog` lists them"),
        );
        return Err(p.into());
    };
    let mut out = format!("{}: {}\n  {}\n", set.name, set.title, set.description);
    if set.dangerous {
        out.push_str("  dangerous: used only when named explicitly\n");
    }
    let mut services: Vec<String> = set
        .statements
        .iter()
        .flat_map(|st| st.required.iter().chain(&st.recommended))
        .flat_map(|a| iam::expand(a).into_iter().chain(iam::find(a)))
        .map(|a| format!("{} ({})", a.service_name(), a.full_name().split(':').next().unwrap_or_default()))
        .collect();
    services.sort();
    services.dedup();
    out.push_str(&format!("  services: {}\n", services.join(", ")));
    for st in &set.statements {
        out.push_str(&format!("\n  {} on {}\n", st.sid, st.resources.join(", ")));
        statement_lines(st, &mut out);
    }
    if !set.managed_policies.is_empty() {
        out.push_str(&format!("\n  managed alternative: {}\n", set.managed_policies.join(", ")));
    }
    risky_lines(set, &mut out);
    Ok(out)
}

fn statement_lines(st: &CatalogStatement, out: &mut String) {
    let tiers = st.required.iter().map(|a| (a, "required")).chain(st.recommended.iter().map(|a| (a, "recommended")));
    for (action, tier) in tiers {
        if iam::is_pattern(action) {
            let expanded = iam::expand(action);
            out.push_str(&format!("    {action:<44} {tier}, expands to {} actions:\n", expanded.len()));
            for a in &expanded {
                out.push_str(&format!("      {}\n", action_line(a)));
            }
        } else if let Some(a) = iam::find(action) {
            out.push_str(&format!("    {}  {tier}\n", action_line(&a)));
        }
    }
}

/// `ec2:DescribeVpcs  List  (*)`: name, access level, resource types (`*` alone: none).
fn action_line(a: &iam::Action) -> String {
    let types: Vec<String> = a
        .resource_types()
        .iter()
        .map(|t| if t.required { format!("{} (required)", t.name) } else { t.name.to_string() })
        .collect();
    let types = if types.is_empty() { "*".to_string() } else { types.join(", ") };
    format!("{:<44} {:<22} {types}", a.full_name(), a.access_level().name())
}

fn risky_lines(set: &PermissionSet, out: &mut String) {
    if set.warnings.is_empty() {
        return;
    }
    out.push_str("\n  risky actions (the set is not marked dangerous):\n");
    for w in &set.warnings {
        out.push_str(&format!("    {w}\n"));
    }
}

/// The whole catalog, a few lines per preset and set.
fn list(catalog: &Catalog) -> String {
    let mut out = String::new();
    out.push_str("Presets:\n");
    for p in &catalog.presets {
        out.push_str(&format!("  {:<28} {}\n", p.name, p.description));
        if let Some(v) = &p.vendor {
            let account = v.account.as_deref().unwrap_or("given by you (vendor.account)");
            out.push_str(&format!("  {:<28}   vendor role for {}, account {account}\n", "", v.title));
            let sets = if p.member_sets.is_empty() { "named by you".to_string() } else { p.member_sets.join(", ") };
            out.push_str(&format!("  {:<28}   role: {sets}\n", ""));
            continue;
        }
        out.push_str(&format!("  {:<28}   hub: {}\n", "", p.hub_sets.join(", ")));
        out.push_str(&format!("  {:<28}   members: {}\n", "", p.member_sets.join(", ")));
    }
    out.push_str("\nPermission sets:\n");
    for s in &catalog.permission_sets {
        let required: usize = s.statements.iter().map(|st| st.required.len()).sum();
        let recommended: usize = s.statements.iter().map(|st| st.recommended.len()).sum();
        out.push_str(&format!(
            "  {:<28} {} ({} required, {} recommended actions{}; sources {}){}\n",
            s.name,
            s.title,
            required,
            recommended,
            if s.managed_policies.is_empty() {
                String::new()
            } else {
                format!("; managed: {}", s.managed_policies.join(", "))
            },
            s.sources.join(", "),
            if s.dangerous { " [dangerous: only when named explicitly]" } else { "" }
        ));
        if let Some(d) = &s.differences {
            out.push_str(&format!("  {:<28}   note: {d}\n", ""));
        }
    }
    out.push_str("\nSources:\n");
    for src in &catalog.sources {
        out.push_str(&format!("  {:<28} {}\n", src.id, src.title));
    }
    out.push_str(&format!(
        "\nResource placeholders: {}\n",
        catalog::placeholder_names().iter().map(|n| format!("${{{n}}}")).collect::<Vec<_>>().join(" ")
    ));
    out
}
