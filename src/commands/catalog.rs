//! `crossrole catalog`.

use std::io::Write;

use anyhow::{Context as _, Result};

use super::EXIT_OK;
use crate::catalog;
use crate::cli::CatalogArgs;

/// `crossrole catalog`: the presets, permission sets and sources of the catalog.
pub(crate) fn run(args: &CatalogArgs, stdout: &mut dyn Write) -> Result<u8> {
    let catalog = super::load_catalog(args.catalog.as_deref())?;
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
        let seeds: Vec<&str> = s
            .sources
            .iter()
            .filter_map(|id| catalog.sources.iter().find(|src| &src.id == id))
            .map(|src| src.seed.as_str())
            .collect();
        out.push_str(&format!(
            "  {:<28} {} ({} required, {} recommended actions{}; seeds {}){}\n",
            s.name,
            s.title,
            required,
            recommended,
            if s.managed_policies.is_empty() {
                String::new()
            } else {
                format!("; managed: {}", s.managed_policies.join(", "))
            },
            seeds.join(", "),
            if s.dangerous { " [dangerous: only when named explicitly]" } else { "" }
        ));
        if let Some(d) = &s.differences {
            out.push_str(&format!("  {:<28}   note: {d}\n", ""));
        }
    }
    out.push_str("\nSources:\n");
    for src in &catalog.sources {
        out.push_str(&format!("  {:<28} seed {}: {}\n", src.id, src.seed, src.title));
    }
    out.push_str(&format!(
        "\nResource placeholders: {}\n",
        catalog::placeholder_names().iter().map(|n| format!("${{{n}}}")).collect::<Vec<_>>().join(" ")
    ));
    stdout.write_all(out.as_bytes()).context("writing to stdout")?;
    Ok(EXIT_OK)
}
