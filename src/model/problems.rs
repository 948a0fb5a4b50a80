//! Validation problems, collected so the user sees every one of them at once.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Where the bad value came from: a config path (`member_role.name`) or a flag (`--accounts`).
    pub(crate) field: String,
    /// The value and the rule it breaks.
    pub(crate) message: String,
}

#[derive(Debug, Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    pub(crate) fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { field: field.into(), message: message.into() });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs a check that yields a value or a message, recording the message under `field`.
    pub(crate) fn check<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.push(field, m);
                None
            }
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// The closest candidate by edit distance, for "did you mean" hints.
pub(crate) fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(wrong, c), c))
        .filter(|(d, c)| *d <= (c.len().max(wrong.len()) / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// ` (did you mean "x"?)` for the closest candidate, or nothing: the one wording of the hint.
pub(crate) fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(wrong, candidates).map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names_only() {
        let names = ["micetro-dns", "micetro-cloud-network"];
        assert_eq!(suggest("micetro-dsn", names), Some("micetro-dns"));
        assert_eq!(suggest("totally-different", names), None);
        assert_eq!(did_you_mean("micetro-dsn", names), " (did you mean \"micetro-dns\"?)");
        assert_eq!(did_you_mean("totally-different", names), "");
    }
}
