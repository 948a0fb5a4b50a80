//! "Did you mean" for IAM names: the nearest candidates by edit distance, ignoring ASCII case.
//! Distance and reach are the project's one rule (`model::problems`); IAM names differ in that
//! case is ignored and several equally near names are offered.

use crate::suggest::{edit_distance, near};

/// At most this many suggestions.
const MAX: usize = 3;

/// The candidates nearest to `wrong` (all at the smallest distance, at most three, in candidate
/// order), provided that distance is small for the names' length; empty when nothing is near.
pub(crate) fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let wrong = wrong.to_ascii_lowercase();
    let mut best: Vec<&'a str> = Vec::new();
    let mut best_distance = usize::MAX;
    for c in candidates {
        let d = edit_distance(&wrong, &c.to_ascii_lowercase());
        if !near(d, &wrong, c) || d > best_distance {
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
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn ties_keep_candidate_order_up_to_three() {
        let names = ["ab1", "ab2", "ab3", "ab4"];
        assert_eq!(closest("ab", names), ["ab1", "ab2", "ab3"]);
    }
}
