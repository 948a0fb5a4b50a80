//! `crossrole explain`: the access review of a setup (`render::explain`), in text, Markdown,
//! Mermaid, DOT or JSON.

use std::io::Write;

use anyhow::{Context as _, Result};

use super::EXIT_OK;
use crate::cli::{ExplainArgs, ExplainFormat};
use crate::render::explain::{access, dot, mermaid, text};

pub(crate) fn run(args: &ExplainArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    let (catalog, plan) = super::read_only_plan(&args.setup, args.out.as_deref())?;
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
