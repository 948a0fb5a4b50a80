//! The commands, as functions of their arguments and two writers (standard output and standard
//! error), so tests run them in process.

pub(crate) mod catalog;
pub(crate) mod emit;

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::model::problems::Problems;

pub const EXIT_OK: u8 = 0;
/// `--check` found files that would change.
pub const EXIT_DRIFT: u8 = 1;
/// Bad input, a refusal, or any other error.
pub const EXIT_ERROR: u8 = 2;

pub(crate) fn load_catalog(path: Option<&Path>) -> Result<crate::catalog::Catalog> {
    match path {
        Some(p) => crate::catalog::Catalog::from_file(p),
        None => crate::catalog::Catalog::embedded(),
    }
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
