//! `crossrole explain`: the access review of a setup (`render::explain`), in text, Markdown,
//! Mermaid, DOT or JSON.

use std::io::Write;

use anyhow::{Context as _, Result};

use super::{EXIT_OK, load_catalog};
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::config::Config;
use crate::model;
use crate::render::explain::{access, dot, mermaid, text};
use crate::request::Request;

/// Stands for `--external-id generate` here: explain reads and writes no files.
const GENERATED: &str = "generated-by-crossrole";

pub(crate) fn run(args: &ExplainArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    let s = &args.setup;
    let catalog = load_catalog(s.catalog.as_deref(), &s.catalog_extra)?;
    let config = match &s.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let (mut req, problems) = Request::new(s, config);
    if req.external_ids.as_ref().is_some_and(|g| g.value == [crate::model::vendor::GENERATE]) {
        req.generated_external_id = Some(GENERATED.into());
    }
    let plan = model::build(&catalog, &req, problems)?;
    for w in &plan.warnings {
        let _ = writeln!(stderr, "warning: {w}");
    }
    let access = access(Some(&catalog), &plan);
    let text = match args.format {
        ExplainFormat::Json => format!("{}\n", serde_json::to_string_pretty(&access).context("encoding JSON")?),
        ExplainFormat::Text => text(&access, false),
        ExplainFormat::Markdown => text(&access, true),
        ExplainFormat::Mermaid => mermaid(&access),
        ExplainFormat::Dot => dot(&access),
    };
    stdout.write_all(text.as_bytes()).context("writing to stdout")?;
    Ok(EXIT_OK)
}
