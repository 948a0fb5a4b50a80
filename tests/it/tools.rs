//! Third-party tools over the goldens: `terraform fmt -check` (the output must already be
//! canonical) and cfn-lint (no errors, no warnings). Under CI a missing tool fails the test.

use super::*;

#[test]
fn terraform_fmt_accepts_every_golden_unchanged() {
    if !require_tool("terraform") {
        return;
    }
    let files = golden_files(".tf");
    assert!(!files.is_empty());
    let o = Command::new("terraform")
        .args(["fmt", "-check", "-diff", "-recursive"])
        .arg(repo().join("tests/golden"))
        .output()
        .unwrap();
    assert!(o.status.success(), "terraform fmt would change:\n{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
}

#[test]
fn cfn_lint_finds_nothing_in_any_golden() {
    if !require_tool("cfn-lint") {
        return;
    }
    let files = golden_files(".yaml");
    assert!(!files.is_empty());
    let o = Command::new("cfn-lint").arg("--").args(&files).output().unwrap();
    assert!(o.status.success(), "cfn-lint reported:\n{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
}
