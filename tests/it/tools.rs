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

#[test]
fn shellcheck_finds_nothing_in_any_cli_script() {
    if !require_tool("shellcheck") {
        return;
    }
    let mut scripts: Vec<PathBuf> = golden_cases()
        .iter()
        .filter(|(name, _)| !WITHOUT_CLI.contains(&name.as_str()))
        .map(|(name, _)| repo().join("tests/golden").join(name).join("cli/deploy.sh"))
        .collect();
    assert!(!scripts.is_empty());
    for s in &scripts {
        assert!(s.exists(), "{} is missing: the goldens are emitted with every format", s.display());
    }
    // The per-account Terraform layout's loop.
    let loops: Vec<PathBuf> = golden_cases()
        .iter()
        .map(|(name, _)| repo().join("tests/golden").join(name).join("terraform/members.sh"))
        .filter(|p| p.exists())
        .collect();
    assert!(!loops.is_empty(), "no golden has the per-account layout");
    scripts.extend(loops);
    // Every severity, info included: a finding is either fixed or disabled in the template with
    // its reason.
    let o = Command::new("shellcheck").args(["--severity=info", "--shell=bash"]).args(&scripts).output().unwrap();
    assert!(o.status.success(), "shellcheck reported:\n{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
}
