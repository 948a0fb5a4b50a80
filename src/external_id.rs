//! `--external-id generate`: a high-entropy ExternalId from the operating system's random source,
//! kept in the output directory so the next run reuses it and the output stays the same.

use std::path::Path;

use anyhow::{Context as _, Result, anyhow};

use crate::aws::ids;
use crate::model::vendor::GENERATE;

/// Where the vendor role's ExternalIds are written, one per line, when they are known.
pub(crate) const FILE: &str = "external-ids.txt";

/// 32 random bytes: 256 bits, far beyond guessing, written as 64 hex digits.
const BYTES: usize = 32;

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Resolved {
    /// No `generate`: the IDs are used as given.
    AsGiven,
    /// The ID an earlier run generated, read back from `FILE`.
    Reused(String),
    /// A new ID; nothing is written yet.
    New(String),
}

/// Resolves a request that is exactly `generate`: the ID of an earlier run in `out`, or a new one.
pub(crate) fn resolve(out: &Path, requested: &[String]) -> Result<Resolved> {
    if requested != [GENERATE] {
        return Ok(Resolved::AsGiven);
    }
    let path = out.join(FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            // Only a file holding one valid ID is a generated one; IDs the user once listed are not
            // taken over.
            if let [one] = lines[..] {
                if ids::external_id(one).is_ok() {
                    return Ok(Resolved::Reused(one.to_string()));
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    }
    Ok(Resolved::New(random_id()?))
}

fn random_id() -> Result<String> {
    let mut bytes = [0u8; BYTES];
    getrandom::fill(&mut bytes).map_err(|e| anyhow!("reading the operating system's random source: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_valid_distinct_ids_and_reuses_a_written_one() {
        let dir = tempfile::tempdir().unwrap();
        let req = vec![GENERATE.to_string()];
        let Resolved::New(a) = resolve(dir.path(), &req).unwrap() else { panic!("expected a new id") };
        let Resolved::New(b) = resolve(dir.path(), &req).unwrap() else { panic!("expected a new id") };
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(ids::external_id(&a).is_ok());
        std::fs::write(dir.path().join(FILE), format!("{a}\n")).unwrap();
        assert_eq!(resolve(dir.path(), &req).unwrap(), Resolved::Reused(a.clone()));
        // Several IDs in the file were the user's own list, not a generated one.
        std::fs::write(dir.path().join(FILE), format!("{a}\n{b}\n")).unwrap();
        assert!(matches!(resolve(dir.path(), &req).unwrap(), Resolved::New(_)));
        assert_eq!(resolve(dir.path(), &["abc".to_string()]).unwrap(), Resolved::AsGiven);
    }
}
