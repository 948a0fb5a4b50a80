//! Every example (and test fixture) emits, byte for byte, the tree under `tests/golden/<name>/`.
//! `UPDATE_GOLDEN=1 cargo test` rewrites the goldens; review the diff like code.

use super::*;

#[test]
fn examples_match_their_goldens() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for (name, config) in golden_cases() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        // Every format, so the CLI scripts are goldens too (and shellchecked and deployed in CI).
        let o = crossrole(
            &[
                "emit",
                "--config",
                config.to_str().unwrap(),
                "--format",
                golden_format(&name),
                "--out",
                out.to_str().unwrap(),
            ],
            &repo(),
        );
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let got = tree(&out);
        let golden_dir = repo().join("tests/golden").join(&name);
        if update {
            let _ = std::fs::remove_dir_all(&golden_dir);
            for (rel, bytes) in &got {
                let p = golden_dir.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, bytes).unwrap();
            }
            continue;
        }
        let want = tree(&golden_dir);
        if want.is_empty() {
            failures.push(format!("{name}: no golden files; run UPDATE_GOLDEN=1 cargo test"));
            continue;
        }
        let names = |t: &BTreeMap<String, Vec<u8>>| t.keys().cloned().collect::<Vec<_>>();
        if names(&got) != names(&want) {
            failures.push(format!("{name}: files differ: got {:?}, golden {:?}", names(&got), names(&want)));
            continue;
        }
        for (rel, bytes) in &got {
            if want[rel] != *bytes {
                failures.push(format!("{name}/{rel} differs from its golden (UPDATE_GOLDEN=1 to bless after review)"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn output_does_not_depend_on_account_order_or_repetition() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |accounts: &str, out: &str| {
        let o = crossrole(&["emit", "--hub-account", "999999999999", "--accounts", accounts, "--out", out], tmp.path());
        assert!(o.status.success(), "{}", stderr(&o));
        tree(&tmp.path().join(out))
    };
    let a = run("111111111111,222222222222,333333333333", "a");
    let b = run("333333333333,111111111111,222222222222", "b");
    let c = run("111111111111,222222222222,333333333333", "c");
    assert_eq!(a, b);
    assert_eq!(a, c);
}
