//! "Did you mean" for IAM names: the nearest candidates by edit distance, ignoring ASCII case.

/// At most this many suggestions.
const MAX: usize = 3;

/// The candidates nearest to `wrong` (all at the smallest distance, at most three, in candidate
/// order), provided that distance is small for the names' length; empty when nothing is near.
pub(crate) fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wrong = wrong.to_ascii_lowercase();
    let mut best: Vec<&'a str> = Vec::new();
    let mut best_distance = usize::MAX;
    for c in candidates {
        let limit = (c.len().max(wrong.len()) / 3).max(2);
        let d = distance(&wrong, &c.to_ascii_lowercase());
        if d > limit || d > best_distance {
            continue;
        }
        if d < best_distance {
            best_distance = d;
            best.clear();
        }
        if best.len() < MAX {
            best.push(c);
        }
    }
    best
}

/// Levenshtein distance over bytes (IAM names are ASCII).
fn distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.bytes().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_names_in_order_and_nothing_for_far_ones() {
        let names = ["GetHostedZone", "GetHostedZoneCount", "GetHostedZoneLimit", "ListHostedZones"];
        assert_eq!(closest("GetHostedZoneCnt", names), ["GetHostedZoneCount"]);
        assert_eq!(closest("gethostedzonecount", names), ["GetHostedZoneCount"]);
        assert_eq!(closest("GetHostedZoneXount", names), ["GetHostedZoneCount"]);
        assert!(closest("DeleteEverything", names).is_empty());
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn ties_keep_candidate_order_up_to_three() {
        let names = ["ab1", "ab2", "ab3", "ab4"];
        assert_eq!(closest("ab", names), ["ab1", "ab2", "ab3"]);
    }
}
