//! `--templates DIR`: a template file in DIR named as a built-in (`cloudformation/role.yaml.tera`)
//! replaces it, as zola and mdBook let a theme's templates be replaced one by one. `crossrole
//! templates eject DIR` writes the built-ins there to start from. Output rendered with replaced
//! templates goes through the same checks as always, and is parsed back in its own language
//! before anything is written, since our tests only vouch for the built-ins.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::OutputFile;
use super::templates::BUILTIN;
use crate::suggest::did_you_mean;

/// A user's template that replaces the built-in of the same name.
#[derive(Debug, Clone)]
pub(crate) struct Override {
    /// The built-in's name, `/`-separated.
    pub(crate) name: String,
    pub(crate) path: PathBuf,
    pub(crate) text: String,
}

/// The `.tera` files under `dir` (other files are left alone: a README, `.git`); each must be
/// named as a built-in. Every misnamed file is reported at once.
pub(crate) fn load(dir: &Path) -> Result<Vec<Override>> {
    if !dir.is_dir() {
        bail!("--templates: {} is not a directory", dir.display());
    }
    let mut found: Vec<(String, PathBuf)> = files_under(dir)
        .with_context(|| format!("reading --templates {}", dir.display()))?
        .into_iter()
        .filter(|(name, _)| name.ends_with(".tera"))
        .collect();
    found.sort();
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (name, path) in found {
        if BUILTIN.iter().any(|(n, _)| *n == name) {
            let text =
                std::fs::read_to_string(&path).with_context(|| format!("reading template {}", path.display()))?;
            out.push(Override { name, path, text });
        } else {
            let hint = did_you_mean(&name, BUILTIN.iter().map(|(n, _)| *n));
            problems.push(format!(
                "--templates: {} replaces no built-in template{hint}; `crossrole templates list` names them",
                path.display()
            ));
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(out)
}

/// Every file under `dir` with its path relative to it (`/`-separated), in any order.
pub(crate) fn files_under(dir: &Path) -> std::io::Result<Vec<(String, PathBuf)>> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, base, out)?;
            } else {
                let rel = path.strip_prefix(base).unwrap_or(&path);
                let name = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                out.push((name, path));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Parses every output file back in its language (YAML, JSON, HCL), naming the file, its line and
/// the replaced templates when one does not parse.
pub(crate) fn parse_back(files: &[OutputFile], overrides: &[Override]) -> Result<()> {
    let replaced: Vec<String> = overrides.iter().map(|o| o.path.display().to_string()).collect();
    let mut problems = Vec::new();
    for f in files {
        let error = if f.path.ends_with(".yaml") || f.path.ends_with(".yml") {
            serde_yaml::from_str::<serde_yaml::Value>(&f.contents).err().map(|e| e.to_string())
        } else if f.path.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(&f.contents).err().map(|e| e.to_string())
        } else if f.path.ends_with(".tf") {
            hcl::parse(&f.contents).err().map(|e| one_line(&e.to_string()))
        } else {
            None
        };
        if let Some(e) = error {
            problems.push(format!(
                "{} does not parse (rendered with your templates {}): {e}",
                f.path,
                replaced.join(", ")
            ));
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(())
}

/// A diagnostic drawn over several lines (Tera's and HCL's: a message, `--> where`, the source
/// line with a caret, `= note`) as one line: `where: message; note`. Errors are one line each.
pub(crate) fn one_line(text: &str) -> String {
    let mut place = None;
    let mut said = Vec::new();
    for line in text.lines().map(str::trim) {
        if let Some(at) = line.strip_prefix("-->") {
            place = Some(at.trim().to_string());
        } else if let Some(note) = line.strip_prefix("= ").or_else(|| line.strip_prefix("error: ")) {
            said.push(note.trim().to_string());
        } else if !line.is_empty() && !line.contains('|') {
            said.push(line.to_string());
        }
    }
    match place {
        Some(p) => format!("{p}: {}", said.join("; ")),
        None => said.join("; "),
    }
}

/// `crossrole templates eject DIR`: every built-in written under DIR, none over an existing file
/// unless `force`.
pub(crate) fn eject(dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    let targets: Vec<(PathBuf, &str)> = BUILTIN.iter().map(|(n, text)| (dir.join(n), *text)).collect();
    if !force {
        let existing: Vec<String> =
            targets.iter().filter(|(p, _)| p.exists()).map(|(p, _)| p.display().to_string()).collect();
        if let [first, ..] = existing.as_slice() {
            let more = if existing.len() > 1 { format!(" and {} more", existing.len() - 1) } else { String::new() };
            bail!("templates eject: {first}{more} exist already; pass --force to overwrite them");
        }
    }
    for (path, text) in &targets {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(targets.into_iter().map(|(p, _)| p).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_diagnostics_become_one_line() {
        let tera = "error: Unexpected end of input\n --> cloudformation/hub.yaml.tera:1:11\n  |\n1 | {% if x %}\n  |           ^\n";
        assert_eq!(one_line(tera), "cloudformation/hub.yaml.tera:1:11: Unexpected end of input");
        let hcl = " --> HCL parse error in line 1, column 16\n  |\n1 | resource \"x\" {\n  |                ^---\n  |\n  = invalid block body; expected `}`, newline or identifier\n";
        assert_eq!(
            one_line(hcl),
            "HCL parse error in line 1, column 16: invalid block body; expected `}`, newline or identifier"
        );
        assert_eq!(one_line("plain message"), "plain message");
    }

    /// The parse-back must not refuse what the built-ins emit (escapes, interpolations, the
    /// tricky values): every golden passes it.
    #[test]
    fn every_golden_parses_back() {
        let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut checked = 0;
        for entry in std::fs::read_dir(&base).unwrap() {
            let dir = entry.unwrap().path();
            let files: Vec<OutputFile> = files_under(&dir)
                .unwrap()
                .into_iter()
                .map(|(path, p)| OutputFile { path, contents: std::fs::read_to_string(p).unwrap() })
                .collect();
            checked += files.len();
            parse_back(&files, &[]).unwrap_or_else(|e| panic!("{}: {e:#}", dir.display()));
        }
        assert!(checked > 100, "{checked} files");
        let broken = [OutputFile { path: "a.tf".into(), contents: "resource \"x\" {\n".into() }];
        assert!(parse_back(&broken, &[]).is_err());
    }
}
