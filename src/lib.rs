//! crossrole: a catalog of AWS IAM permissions in, deployable CloudFormation and Terraform out.

mod catalog;
mod cli;
mod config;
mod external_id;
#[cfg(test)]
mod fuzz;
mod iam;
mod model;
mod output;
mod render;

use std::io::Write as _;

use anyhow::{Context as _, Result};

pub use cli::Cli;
use cli::{CatalogArgs, Command, EmitArgs, Format};
use config::{Overrides, RawConfig};
use model::problems::Problems;
use render::view::Formats;

pub const EXIT_OK: u8 = 0;
/// `--check` found files that would change.
pub const EXIT_DRIFT: u8 = 1;
/// Bad input, a refusal, or any other error.
pub const EXIT_ERROR: u8 = 2;

/// Runs one command, prints errors to stderr (one line each) and returns the exit code.
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Emit(args) => emit(&args),
        Command::Catalog(args) => list_catalog(&args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            print_error(&err);
            EXIT_ERROR
        }
    }
}

fn print_error(err: &anyhow::Error) {
    let mut stderr = std::io::stderr().lock();
    if let Some(problems) = err.downcast_ref::<Problems>() {
        for p in &problems.0 {
            let _ = writeln!(stderr, "error: {}: {}", p.field, p.message);
        }
        return;
    }
    // The causes are joined into one line as context; a cause with several lines (the catalog
    // check lists all its problems) gets one `error:` line per problem, each with that context.
    let chain: Vec<String> = err.chain().map(ToString::to_string).collect();
    let Some((root, context)) = chain.split_last() else { return };
    let prefix: String = context.iter().map(|c| format!("{c}: ")).collect();
    for line in root.lines() {
        let _ = writeln!(stderr, "error: {prefix}{line}");
    }
}

fn warn(msg: &str) {
    let _ = writeln!(std::io::stderr().lock(), "warning: {msg}");
}

fn load_catalog(path: Option<&std::path::Path>) -> Result<catalog::Catalog> {
    match path {
        Some(p) => catalog::Catalog::from_file(p),
        None => catalog::Catalog::embedded(),
    }
}

fn emit(args: &EmitArgs) -> Result<u8> {
    let catalog = load_catalog(args.catalog.as_deref())?;
    let raw = match &args.config {
        Some(p) => RawConfig::load(p)?,
        None => RawConfig::default(),
    };
    let mut overrides = Overrides {
        setup: args.setup.clone(),
        hub_account: args.hub_account.clone(),
        accounts: args.accounts.clone(),
        preset: args.preset.clone(),
        role_name: args.role_name.clone(),
        tier: args.tier.clone(),
        mode: args.mode.clone(),
        trust: args.trust.clone(),
        assume_policy: args.assume_policy.clone(),
        access_key: args.access_key.clone(),
        vendor_account: args.vendor_account.clone(),
        template_url: args.template_url.clone(),
        external_ids: args.external_ids.clone(),
        generated_external_id: None,
    };
    let generated_new = resolve_generated_id(args, &raw, &mut overrides)?;
    let model = model::build(&catalog, &raw, &overrides)?;
    let formats = Formats {
        cfn: matches!(args.format, Format::Cfn | Format::Both | Format::All),
        tf: matches!(args.format, Format::Tf | Format::Both | Format::All),
        cli: matches!(args.format, Format::Cli | Format::All),
    };
    let rendered = render::render(&model, formats)?;
    for w in model.warnings.iter().chain(&rendered.warnings) {
        warn(w);
    }

    let files = match &args.only {
        None => rendered.files,
        Some(only) => {
            let mut problems = Problems::default();
            for (i, want) in only.iter().enumerate() {
                if !rendered.files.iter().any(|f| &f.path == want) {
                    let names: Vec<&str> = rendered.files.iter().map(|f| f.path.as_str()).collect();
                    let hint = model::problems::suggest(want, names.iter().copied())
                        .map(|s| format!(" (did you mean {s:?}?)"))
                        .unwrap_or_default();
                    problems.push(
                        format!("--only[{i}]"),
                        format!("{want:?} is not an output of this run{hint}; outputs are {}", names.join(", ")),
                    );
                }
            }
            if !problems.is_empty() {
                return Err(problems.into());
            }
            rendered.files.into_iter().filter(|f| only.contains(&f.path)).collect()
        }
    };

    if args.stdout {
        if files.len() != 1 {
            let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            let mut p = Problems::default();
            p.push(
                "--stdout",
                format!(
                    "needs exactly one selected file, but this run has {} ({}); pick one with --only",
                    files.len(),
                    names.join(", ")
                ),
            );
            return Err(p.into());
        }
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(files[0].contents.as_bytes()).context("writing to stdout")?;
        return Ok(EXIT_OK);
    }
    if args.check {
        let drift = output::check(&args.out, &files)?;
        for d in &drift {
            let _ = writeln!(std::io::stderr().lock(), "drift: {d}");
        }
        return Ok(if drift.is_empty() { EXIT_OK } else { EXIT_DRIFT });
    }
    let report = output::write(&args.out, &files, args.force)?;
    if generated_new && report.written.iter().any(|f| f == external_id::FILE) {
        let title = model.vendor.as_ref().map_or("the vendor", |v| v.title.as_str());
        let _ = writeln!(
            std::io::stderr().lock(),
            "crossrole: generated a new ExternalId and wrote it to {}; give it to {title} (it is not printed)",
            args.out.join(external_id::FILE).display()
        );
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "crossrole: {} written, {} unchanged, {} removed in {}; next steps in {}",
        report.written.len(),
        report.unchanged.len(),
        report.removed.len(),
        args.out.display(),
        args.out.join("DEPLOY.md").display()
    );
    Ok(EXIT_OK)
}

/// `generate` (flag or config): reuses the ID in the output directory or makes one. Returns
/// whether it is new (the user is told where it went once it is written).
fn resolve_generated_id(args: &EmitArgs, raw: &RawConfig, overrides: &mut Overrides) -> Result<bool> {
    let requested = model::vendor::requested_ids(raw, args.external_ids.as_deref());
    let (id, new) = match external_id::resolve(&args.out, requested.as_deref())? {
        external_id::Resolved::AsGiven => return Ok(false),
        external_id::Resolved::Reused(id) => (id, false),
        external_id::Resolved::New(id) => (id, true),
    };
    if new && args.stdout {
        let mut p = Problems::default();
        p.push(
            if args.external_ids.is_some() { "--external-id" } else { "vendor.external_id" },
            format!(
                "generate: {} holds no ExternalId yet; run once without --stdout so the new one is kept",
                args.out.join(external_id::FILE).display()
            ),
        );
        return Err(p.into());
    }
    overrides.generated_external_id = Some(id);
    Ok(new)
}

fn list_catalog(args: &CatalogArgs) -> Result<u8> {
    let catalog = load_catalog(args.catalog.as_deref())?;
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
    std::io::stdout().lock().write_all(out.as_bytes()).context("writing to stdout")?;
    Ok(EXIT_OK)
}
