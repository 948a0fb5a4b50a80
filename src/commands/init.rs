//! `crossrole init`: a commented starter config for one setup and preset, which `emit --config`
//! accepts as it is, and the config's JSON Schema beside it for editors.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, anyhow, bail};
use clap::ValueEnum;
use serde::Serialize;
use tera::Context;

use super::EXIT_OK;
use crate::catalog::{Catalog, Preset};
use crate::cli::InitArgs;
use crate::keyword::{self, AccessKey, AssumeShape, Deploy, Mode, Setup, TfLayout, Tier, Trust};
use crate::model::problems::Problems;
use crate::request::DEFAULT_PRESET;
use crate::suggest::did_you_mean;

/// The schema file the config's modeline names, beside the config.
const SCHEMA_FILE: &str = "crossrole.schema.json";

#[derive(Serialize)]
struct InitView {
    setup: String,
    setup_title: String,
    preset: String,
    preset_description: String,
    file_name: String,
    has_hub: bool,
    has_members: bool,
    is_single: bool,
    is_vendor: bool,
    hub_account: &'static str,
    user_name: String,
    role_name: String,
    hub_sets: Vec<String>,
    has_member_sets: bool,
    member_sets: Vec<String>,
    vendor_title: String,
    vendor_account_known: bool,
    vendor_account: String,
    vendor_example_sets: Vec<String>,
    shapes: String,
    access_keys: String,
    trusts: String,
    deploys: String,
    layouts: String,
    tiers: String,
    modes: String,
}

fn choices<K: ValueEnum>() -> String {
    keyword::names::<K>().join(" | ")
}

pub(crate) fn run(args: &InitArgs, stderr: &mut dyn Write) -> Result<u8> {
    let catalog = super::load_catalog(args.catalog.as_deref(), &args.catalog_extra)?;
    let (preset, setup) = choose(&catalog, args)?;
    let schema_path = args.out.parent().map_or_else(|| PathBuf::from(SCHEMA_FILE), |d| d.join(SCHEMA_FILE));
    let targets = [&args.out, &schema_path];
    let present: Vec<String> = targets.iter().filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
    if !present.is_empty() && !args.force {
        let verb = if present.len() == 1 { "exists" } else { "exist" };
        bail!("--out: {} already {verb}; crossrole init never overwrites without --force", present.join(" and "));
    }
    let text = render(&catalog, preset, setup, &args.out)?;
    write_file(&args.out, &text)?;
    write_file(&schema_path, &crate::schema::json())?;
    writeln!(
        stderr,
        "crossrole: wrote {} ({} setup, preset {}) and {}; emit it with crossrole emit --config {}",
        args.out.display(),
        keyword::name(&setup),
        preset.name,
        schema_path.display(),
        args.out.display()
    )
    .context("writing to stdout")?;
    Ok(EXIT_OK)
}

/// The preset and setup asked for, checked together (all problems at once).
fn choose<'c>(catalog: &'c Catalog, args: &InitArgs) -> Result<(&'c Preset, Setup)> {
    let mut p = Problems::default();
    let name = args.preset.as_deref().unwrap_or(DEFAULT_PRESET);
    let preset = catalog.preset(name);
    if preset.is_none() {
        let hint = did_you_mean(name, catalog.presets.iter().map(|p| p.name.as_str()));
        p.push("--preset", format!("{name:?} is not a preset of the catalog{hint}"));
    }
    let vendor = preset.is_some_and(|p| p.vendor.is_some());
    let default = if vendor { Setup::VendorRole } else { Setup::HubAndSpoke };
    let setup = match &args.setup {
        Some(s) => p.check("--setup", keyword::parse::<Setup>(s)).unwrap_or(default),
        None => default,
    };
    if preset.is_some() && vendor != (setup == Setup::VendorRole) {
        p.push(
            "--setup",
            format!("{} does not go with preset {name:?}: a vendor preset makes a vendor-role setup, any other a hub-and-spoke or single-account one", keyword::name(&setup)),
        );
    }
    match preset {
        Some(preset) if p.is_empty() => Ok((preset, setup)),
        _ => Err(anyhow!(p)),
    }
}

fn render(catalog: &Catalog, preset: &Preset, setup: Setup, out: &Path) -> Result<String> {
    let vendor = preset.vendor.as_ref();
    let member_sets = if setup == Setup::SingleAccount { &preset.single_account_sets } else { &preset.member_sets };
    let example_sets: Vec<String> = catalog
        .permission_sets
        .iter()
        .filter(|s| !s.dangerous && s.scope == crate::catalog::Scope::Account)
        .take(1)
        .map(|s| s.name.clone())
        .collect();
    let view = InitView {
        setup: keyword::name(&setup),
        setup_title: match setup {
            Setup::HubAndSpoke => "hub and spoke".into(),
            Setup::SingleAccount => "a single account".into(),
            Setup::VendorRole => "a vendor's cross-account role".into(),
        },
        preset: preset.name.clone(),
        preset_description: preset.description.clone(),
        file_name: out.file_name().map_or_else(|| out.display().to_string(), |f| f.to_string_lossy().into_owned()),
        has_hub: setup != Setup::VendorRole,
        has_members: setup == Setup::HubAndSpoke,
        is_single: setup == Setup::SingleAccount,
        is_vendor: setup == Setup::VendorRole,
        hub_account: "999999999999",
        user_name: format!("{}-integration", preset.name),
        role_name: format!("{}-integration", preset.name),
        hub_sets: preset.hub_sets.clone(),
        has_member_sets: !member_sets.is_empty(),
        member_sets: member_sets.clone(),
        vendor_title: vendor.map(|v| v.title.clone()).unwrap_or_default(),
        vendor_account_known: vendor.is_some_and(|v| v.account.is_some()),
        vendor_account: vendor.and_then(|v| v.account.clone()).unwrap_or_else(|| "123456789012".into()),
        vendor_example_sets: example_sets,
        shapes: choices::<AssumeShape>(),
        access_keys: choices::<AccessKey>(),
        trusts: choices::<Trust>(),
        deploys: choices::<Deploy>(),
        layouts: choices::<TfLayout>(),
        tiers: choices::<Tier>(),
        modes: choices::<Mode>(),
    };
    let ctx = Context::from_serialize(&view).map_err(|e| anyhow!("building the starter config: {e}"))?;
    let text = crate::render::render_template("init/config.yaml.tera", &ctx)?;
    Ok(crate::render::text::normalise(&text))
}

/// Written in full beside the target, then renamed over it: never half a file.
fn write_file(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".crossrole-")
        .tempfile_in(dir)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.write_all(text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
