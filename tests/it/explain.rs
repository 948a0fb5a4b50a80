//! `crossrole explain` in every format, byte for byte, against `tests/explain/<example>.<ext>`:
//! a pair of hub users' examples (two accounts drawn one by one; sixty summarised in one node) and
//! a vendor role. `UPDATE_GOLDEN=1 cargo test --test it explain` rewrites them; review the diff
//! like code. They live outside `tests/golden/`, which holds `emit`'s trees and which other checks
//! walk. `.ci/check_diagrams.py` feeds the Mermaid and DOT forms of every example to Mermaid's own
//! parser and to Graphviz.

use super::*;

/// The examples with explain goldens.
const EXAMPLES: &[&str] = &["two-accounts", "sixty-accounts", "vendor-microtica"];

/// Each `--format` and the extension of its golden.
const FORMATS: &[(&str, &str)] =
    &[("text", "txt"), ("markdown", "md"), ("mermaid", "mmd"), ("dot", "dot"), ("json", "json")];

/// A unified diff of the golden (`-`) against what explain printed (`+`).
fn diff(want: &str, got: &str, name: &str) -> String {
    similar::TextDiff::from_lines(want, got)
        .unified_diff()
        .context_radius(2)
        .header(&format!("tests/explain/{name} (golden)"), &format!("{name} (explain now)"))
        .to_string()
}

#[test]
fn explain_matches_its_goldens_in_every_format() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let dir = repo().join("tests/explain");
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut expected = Vec::new();
    for example in EXAMPLES {
        let config = repo().join("examples").join(format!("{example}.yaml"));
        for (format, ext) in FORMATS {
            let name = format!("{example}.{ext}");
            let o = crossrole_in_process(
                &["explain", "--config", config.to_str().unwrap(), "--format", format],
                tmp.path(),
            );
            assert_eq!(o.code, 0, "explain {example} --format {format}: {}", o.stderr);
            let path = dir.join(&name);
            expected.push(name.clone());
            if update {
                if std::fs::read_to_string(&path).ok().as_deref() != Some(o.stdout.as_str()) {
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::write(&path, &o.stdout).unwrap();
                    eprintln!("updated tests/explain/{name}");
                }
                continue;
            }
            match std::fs::read_to_string(&path) {
                Err(e) => failures.push(format!("tests/explain/{name}: {e}; run UPDATE_GOLDEN=1 cargo test --test it explain")),
                Ok(want) if want != o.stdout => failures.push(format!(
                    "tests/explain/{name} differs from `crossrole explain --config examples/{example}.yaml --format {format}` \
                     (UPDATE_GOLDEN=1 to bless after review):\n{}",
                    diff(&want, &o.stdout, &name)
                )),
                Ok(_) => {}
            }
        }
    }
    // A golden nothing produces any more is stale: an example renamed or a format dropped.
    let mut stale: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    stale.retain(|f| !expected.contains(f));
    stale.sort();
    for f in stale {
        failures
            .push(format!("tests/explain/{f}: no example and format produces it; delete it or list it in EXAMPLES"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
