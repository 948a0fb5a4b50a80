//! The commands, as functions of their arguments and two writers (standard output and standard
//! error), so tests run them in process.

pub(crate) mod catalog;
pub(crate) mod emit;
pub(crate) mod explain;
pub(crate) mod init;
pub(crate) mod policy;
pub(crate) mod styled;

use std::io::Write;
use std::path::Path;

use anyhow::{Context as _, Result};

use crate::model::problems::Problems;

pub const EXIT_OK: u8 = 0;
/// `--check` found files that would change.
pub const EXIT_DRIFT: u8 = 1;
/// Bad input, a refusal, or any other error.
pub const EXIT_ERROR: u8 = 2;

/// The catalog: the embedded one or `--catalog FILE`, with every `--catalog-extra FILE` added.
pub(crate) fn load_catalog(path: Option<&Path>, extras: &[std::path::PathBuf]) -> Result<crate::catalog::Catalog> {
    load(path, extras, crate::catalog::Catalog::embedded)
}

/// `load_catalog`, the embedded catalog as `embedded` gives it.
fn load(
    path: Option<&Path>,
    extras: &[std::path::PathBuf],
    embedded: fn() -> Result<crate::catalog::Catalog>,
) -> Result<crate::catalog::Catalog> {
    let base = match path {
        Some(p) => crate::catalog::Catalog::from_file(p)?,
        None => embedded()?,
    };
    if extras.is_empty() { Ok(base) } else { base.with_extras(extras) }
}

/// The catalog of a setup: `load_catalog` with the config's `catalog_files` added, then the
/// config's own statements as sets of their own.
pub(crate) fn setup_catalog(
    s: &crate::cli::SetupArgs,
    config: &crate::config::Config,
) -> Result<crate::catalog::Catalog> {
    use crate::catalog::{Scope, custom};
    let mut extras = s.catalog_extra.clone();
    let files = custom::catalog_files(s.config.as_deref(), &config.raw.catalog_files);
    let missing: Vec<String> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_file())
        .map(|(i, f)| {
            format!(
                "catalog_files[{i}]: {} is not a file (relative paths start at the config file's directory)",
                f.display()
            )
        })
        .collect();
    anyhow::ensure!(missing.is_empty(), "{}", missing.join("\n"));
    extras.extend(files);
    // A setup shows no warnings of the embedded sets: it reads that catalog unchecked.
    let catalog = load(s.catalog.as_deref(), &extras, crate::catalog::Catalog::embedded_for_setup)?;
    let raw = &config.raw;
    let mut sets = Vec::new();
    if !raw.member_role.statements.is_empty() {
        let field = format!("{}.statements", config.role_key());
        sets.push(custom::statements_set(custom::MEMBER_SET, &field, Scope::Account, &raw.member_role.statements));
    }
    if !raw.hub.statements.is_empty() {
        sets.push(custom::statements_set(custom::HUB_SET, "hub.statements", Scope::HubIdentity, &raw.hub.statements));
    }
    match &s.config {
        Some(path) if !sets.is_empty() => catalog.with_config_sets(sets, path),
        _ => Ok(catalog),
    }
}

/// What the last emit left in the output directory `out`, if it left anything.
pub(crate) fn previous_state(out: &Path) -> Result<Option<crate::model::state::State>> {
    let path = out.join(crate::model::state::FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    crate::model::state::State::parse(&text).map(Some).map_err(|e| {
        anyhow::anyhow!(
            "--out: {}: {e}; it is crossrole's own record of the last run: restore it from version control, or delete it to place the accounts afresh",
            out.display()
        )
    })
}

/// One `error:` line per problem: a `Problems` names each field; any other error is printed with
/// its causes as context, one line per line of its root cause (the catalog check lists all its
/// problems in one).
pub(crate) fn print_error(err: &anyhow::Error, stderr: &mut dyn Write) {
    if let Some(problems) = err.downcast_ref::<Problems>() {
        for p in &problems.0 {
            let _ = writeln!(stderr, "error: {}: {}", p.field, p.message);
        }
        return;
    }
    let chain: Vec<String> = err.chain().map(ToString::to_string).collect();
    let Some((root, context)) = chain.split_last() else { return };
    let prefix: String = context.iter().map(|c| format!("{c}: ")).collect();
    for line in root.lines() {
        let _ = writeln!(stderr, "error: {prefix}{line}");
    }
}

/// The text of `--accounts-file`, if given.
pub(crate) fn accounts_file(s: &crate::cli::SetupArgs) -> Result<Option<String>> {
    let Some(path) = &s.accounts_file else { return Ok(None) };
    let text =
        std::fs::read_to_string(path).with_context(|| format!("--accounts-file: cannot read {}", path.display()))?;
    Ok(Some(text))
}

/// The plan of a setup for a command that only reads it (`explain`, `policy`): `generate` stands
/// for an ExternalId without reading or writing external-ids.txt. Returns the catalog too.
pub(crate) fn read_only_plan(
    s: &crate::cli::SetupArgs,
    out: Option<&Path>,
) -> Result<(crate::catalog::Catalog, crate::model::Plan)> {
    let config = match &s.config {
        Some(p) => crate::config::Config::load(p)?,
        None => crate::config::Config::default(),
    };
    let catalog = setup_catalog(s, &config)?;
    let listed = accounts_file(s)?;
    let (mut req, problems) = crate::request::Request::new(s, config, listed.as_deref());
    if let Some(dir) = out {
        req.previous = previous_state(dir)?;
    }
    if req.external_ids.as_ref().is_some_and(|g| g.value == [crate::model::vendor::GENERATE]) {
        req.generated_external_id = Some("generated-by-crossrole".into());
    }
    let plan = crate::model::build(&catalog, &req, problems)?;
    Ok((catalog, plan))
}

/// `crossrole completions SHELL`: the completion script, generated from the same clap definition
/// as `--help` (keyword values included).
pub(crate) fn completions(shell: clap_complete::Shell, stdout: &mut dyn Write) -> anyhow::Result<u8> {
    let mut cmd = <crate::Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "crossrole", &mut buf);
    stdout.write_all(&buf).context("writing the completion script")?;
    Ok(EXIT_OK)
}

/// `crossrole man`: the manual page in roff, with a section per subcommand.
pub(crate) fn man(stdout: &mut dyn Write) -> anyhow::Result<u8> {
    let cmd = <crate::Cli as clap::CommandFactory>::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut buf).context("rendering the manual page")?;
    // The options of each subcommand as a section of the one page.
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        buf.extend_from_slice(format!(".SH \"CROSSROLE {}\"\n", sub.get_name().to_uppercase()).as_bytes());
        if let Some(about) = sub.get_about() {
            buf.extend_from_slice(format!("{about}\n").as_bytes());
        }
        clap_mangen::Man::new(sub.clone()).render_options_section(&mut buf).context("rendering the manual page")?;
    }
    stdout.write_all(&buf).context("writing the manual page")?;
    Ok(EXIT_OK)
}

/// `crossrole templates list|eject`.
pub(crate) fn templates(
    command: &crate::cli::TemplatesCommand,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<u8> {
    use crate::render::{overrides, templates::BUILTIN};
    match command {
        crate::cli::TemplatesCommand::List => {
            for (name, _) in BUILTIN {
                writeln!(stdout, "{name}").context("writing to stdout")?;
            }
        }
        crate::cli::TemplatesCommand::Eject { dir, force } => {
            let written = overrides::eject(dir, *force)?;
            let _ = writeln!(
                stderr,
                "crossrole: {} templates written under {}; keep the ones you change, delete the rest, then: crossrole emit --templates {}",
                written.len(),
                dir.display(),
                dir.display()
            );
        }
    }
    Ok(EXIT_OK)
}
