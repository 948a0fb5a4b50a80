//! "Did you mean": the one edit-distance rule behind every hint (config values, catalog names,
//! output paths, IAM actions).

/// The closest candidate by edit distance, for "did you mean" hints.
pub(crate) fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(wrong, c), c))
        .filter(|(d, c)| near(*d, wrong, c))
        .min()
        .map(|(_, c)| c)
}

/// ` (did you mean "x"?)` for the closest candidate, or nothing: the one wording of the hint.
pub(crate) fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(wrong, candidates).map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default()
}

/// Whether a candidate at edit distance `d` is close enough to `wrong` to be offered: about a
/// third of the longer name, and always two edits.
pub(crate) fn near(d: usize, wrong: &str, candidate: &str) -> bool {
    d <= (candidate.len().max(wrong.len()) / 3).max(2)
}

/// Levenshtein distance over characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
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
