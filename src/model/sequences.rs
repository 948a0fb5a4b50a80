//! Day-2 sequences: a deployed setup grown and shrunk account by account and across every
//! threshold, each run fed the state the run before left. At every step the number of hub
//! documents that change, and the worst moment of the deploy (old and new side by side) against
//! IAM's quotas.

use super::state::{DocState, State};
use super::tests::{accounts, catalog};
use super::transition::{changed, problems};
use super::{Plan, build};
use crate::request::testing::request;

fn ids(from: usize, to: usize) -> String {
    let all = accounts(to);
    all.split(',').skip(from - 1).collect::<Vec<_>>().join(",")
}

/// The plan of `accounts` (a comma list) after `previous`, with `flags`.
fn run(accounts: &str, previous: Option<&State>, flags: &[&str], applied: bool) -> Plan {
    let mut args = vec!["--hub-account", "999999999999", "--accounts", accounts];
    args.extend_from_slice(flags);
    let (mut req, p) = request("", &args);
    req.previous = previous.cloned();
    req.applied = applied;
    build(&catalog(), &req, p).unwrap_or_else(|p| panic!("{p}"))
}

fn state(plan: &Plan) -> State {
    plan.spokes().unwrap().state.clone()
}

fn assume_docs(s: &State) -> Vec<DocState> {
    s.documents.iter().filter(|d| d.key.starts_with("assume-member-role")).cloned().collect()
}

/// Runs the account counts in order; returns, per step, the number of assume documents changed.
fn sequence(counts: &[usize], flags: &[&str]) -> Vec<usize> {
    let mut prev: Option<State> = None;
    let mut out = Vec::new();
    for &n in counts {
        let next = state(&run(&ids(1, n), prev.as_ref(), flags, false));
        assert_eq!(next.pending, None, "{n} accounts: no two-step change on auto's growth path");
        if let Some(p) = &prev {
            assert_eq!(problems(&p.documents, &next.documents), Vec::<String>::new(), "{n} accounts");
            out.push(changed(&assume_docs(p), &assume_docs(&next)));
            // Nothing moves: every account keeps the document it was in.
            for d in assume_docs(p) {
                if let Some(now) = next.documents.iter().find(|x| x.key == d.key && x.group == d.group) {
                    assert!(
                        d.accounts.iter().filter(|a| next.accounts.contains(a)).all(|a| now.accounts.contains(a)),
                        "{n}: {} lost accounts",
                        d.key
                    );
                }
            }
        }
        prev = Some(next);
    }
    out
}

#[test]
fn micetro_grows_and_shrinks_across_every_threshold_one_document_at_a_time() {
    let counts = [24, 25, 73, 74, 1000, 1001, 1000, 74, 73, 25, 24];
    let changes = sequence(&counts, &[]);
    // One account more or less is one document; the long jumps touch only the documents that
    // gain or lose accounts.
    for (i, pair) in counts.windows(2).enumerate() {
        if pair[0].abs_diff(pair[1]) == 1 {
            assert_eq!(changes[i], 1, "{} -> {} changed {} documents", pair[0], pair[1], changes[i]);
        }
    }
}

#[test]
fn one_account_added_or_removed_at_100_and_5000_changes_one_document() {
    for (n, flags) in [
        (100, &[][..]),
        (100, &["--assume-policy", "managed"][..]),
        (5000, &[][..]),
        (3000, &["--assume-policy", "resource-account"][..]),
    ] {
        let base = state(&run(&ids(1, n), None, flags, false));
        // Remove one from the middle, then add a new one.
        let middle = accounts(n).split(',').nth(n / 2).unwrap().to_string();
        let without: Vec<&str> = base.accounts.iter().map(String::as_str).filter(|a| *a != middle).collect();
        let removed = state(&run(&without.join(","), Some(&base), flags, false));
        assert_eq!(problems(&base.documents, &removed.documents), Vec::<String>::new());
        assert_eq!(changed(&assume_docs(&base), &assume_docs(&removed)), 1, "{n} {flags:?}: removing one");
        let mut with = without.clone();
        let new = format!("{:012}", 900_000_000_000u64);
        with.push(&new);
        let added = state(&run(&with.join(","), Some(&removed), flags, false));
        assert_eq!(problems(&removed.documents, &added.documents), Vec::<String>::new());
        assert_eq!(changed(&assume_docs(&removed), &assume_docs(&added)), 1, "{n} {flags:?}: adding one");
    }
}

#[test]
fn a_shape_change_over_the_limits_is_made_in_two_safe_steps() {
    // A setup deployed with one inline policy per account (forced, or by an older crossrole)
    // grows past what the group holds: old and new policies side by side would not fit.
    let per_account = state(&run(&ids(1, 20), None, &["--assume-policy", "per-account"], false));
    let kept = state(&run(&ids(1, 21), Some(&per_account), &[], false));
    assert_eq!(kept.shape, "per-account", "auto keeps the deployed shape while it fits");
    let target = run(&ids(1, 30), None, &[], false);
    let direct = problems(&kept.documents, &state(&target).documents);
    assert!(!direct.is_empty() && direct[0].contains("inline characters while the change is deployed"), "{direct:?}");

    let step1 = run(&ids(1, 30), Some(&kept), &[], false);
    let s1 = state(&step1);
    assert_eq!((s1.shape.as_str(), s1.pending.as_deref()), ("managed", Some("groups")));
    assert!(step1.warnings.iter().any(|w| w.contains("this change takes two deploys")), "{:?}", step1.warnings);
    assert_eq!(problems(&kept.documents, &s1.documents), Vec::<String>::new());
    // Re-emitting before it is deployed stays at step 1; --applied goes on.
    assert_eq!(state(&run(&ids(1, 30), Some(&s1), &[], false)), s1);
    let s2 = state(&run(&ids(1, 30), Some(&s1), &[], true));
    assert_eq!((s2.shape.as_str(), s2.pending.as_deref()), ("groups", None));
    assert_eq!(problems(&s1.documents, &s2.documents), Vec::<String>::new());
}

#[test]
fn removed_accounts_keep_their_providers_until_applied() {
    let three = state(&run(&ids(1, 3), None, &[], false));
    let two = state(&run(&ids(2, 3), Some(&three), &[], false));
    assert_eq!(two.retired, [accounts(1)]);
    assert_eq!(state(&run(&ids(2, 3), Some(&two), &[], false)).retired, [accounts(1)], "kept until applied");
    assert!(state(&run(&ids(2, 3), Some(&two), &[], true)).retired.is_empty());
    assert!(state(&run(&ids(1, 3), Some(&two), &[], false)).retired.is_empty(), "back in the setup");
}

#[test]
fn applied_in_the_run_that_removes_an_account_keeps_its_provider() {
    let three = state(&run(&ids(1, 3), None, &[], false));
    let two = state(&run(&ids(2, 3), Some(&three), &[], true));
    assert_eq!(two.retired, [accounts(1)], "--applied clears earlier removals, not this run's");
}

#[test]
fn auto_keeps_the_deployed_terraform_layout() {
    let ten = run(&ids(1, 10), None, &[], false);
    assert_eq!(state(&ten).tf_layout.as_deref(), Some("providers"));
    let eleven = run(&ids(1, 11), Some(&state(&ten)), &[], false);
    assert_eq!(state(&eleven).tf_layout.as_deref(), Some("providers"));
    assert!(
        eleven.warnings.iter().any(|w| w.contains("auto keeps the deployed providers layout")),
        "{:?}",
        eleven.warnings
    );
    let fresh = run(&ids(1, 11), None, &[], false);
    assert_eq!(state(&fresh).tf_layout.as_deref(), Some("per-account"));
    let back = run(&ids(1, 10), Some(&state(&fresh)), &[], false);
    assert_eq!(state(&back).tf_layout.as_deref(), Some("per-account"));
}

#[test]
fn a_group_whose_accounts_all_left_goes_at_once_and_the_next_run_changes_nothing() {
    let full = state(&run(&ids(1, 200), None, &[], false));
    assert!(full.documents.iter().any(|d| d.key == "assume-member-roles-3"));
    let group2: Vec<String> =
        full.documents.iter().find(|d| d.key == "assume-member-roles-2").unwrap().accounts.clone();
    let rest: Vec<String> = full.accounts.iter().filter(|a| !group2.contains(a)).cloned().collect();
    let once = run(&rest.join(","), Some(&full), &[], false);
    let s1 = state(&once);
    assert!(!s1.documents.iter().any(|d| d.key.ends_with("-2")), "the emptied group 2 is gone");
    assert!(once.hub().unwrap().extra_groups.iter().all(|g| g.number != 2));
    let twice = state(&run(&rest.join(","), Some(&s1), &[], false));
    assert_eq!(twice.documents, s1.documents, "emit then --check: no drift");
}
