//! All integration tests in one binary (one link step). They run the real `crossrole` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code: failing loudly is the point

mod cli;
mod explain;
mod golden;
mod matrix;
mod parse_back;
mod tools;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub(crate) fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn crossrole(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crossrole")).args(args).current_dir(cwd).output().expect("running crossrole")
}

/// What a run printed and returned, from `crossrole::main_with` in this process.
pub(crate) struct InProcess {
    pub(crate) code: u8,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

/// Runs crossrole in process, as if started in `cwd`: relative paths given to `--config`,
/// `--catalog` and `--out` are taken from `cwd` (the process's own directory is shared by every
/// test thread, so it is never changed), and paths under `cwd` in messages are relative to it.
pub(crate) fn crossrole_in_process(args: &[&str], cwd: &Path) -> InProcess {
    let mut argv: Vec<String> = vec!["crossrole".into()];
    let mut path_next = false;
    for a in args {
        let arg =
            if path_next && Path::new(a).is_relative() { cwd.join(a).display().to_string() } else { (*a).to_string() };
        path_next = matches!(*a, "--config" | "-c" | "--catalog" | "--catalog-extra" | "--out" | "-o" | "--templates");
        argv.push(arg);
    }
    let default_out = match args.first() {
        Some(&"emit") => Some("out"),
        Some(&"init") => Some("crossrole.yaml"),
        _ => None,
    };
    if let Some(out) = default_out.filter(|_| !args.iter().any(|a| *a == "--out" || *a == "-o")) {
        argv.extend(["--out".to_string(), cwd.join(out).display().to_string()]);
    }
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = crossrole::main_with(argv, &mut out, &mut err);
    // Messages name paths as a process started in `cwd` would; standard output is the files'
    // bytes and stays untouched, so an absolute path leaking into output is not hidden.
    let stderr = String::from_utf8_lossy(&err).replace(&format!("{}/", cwd.display()), "");
    InProcess { code, stdout: String::from_utf8_lossy(&out).into_owned(), stderr }
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` (relative `/` paths) with its bytes.
pub(crate) fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, base: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The example configs and test fixtures that have golden outputs: (name, config path).
/// Goldens emitted without the CLI script: it writes two policy files per member account, a
/// thousand for five hundred accounts, which would say nothing the other goldens do not.
pub(crate) const WITHOUT_CLI: &[&str] = &["five-hundred-accounts"];

/// The `--format` a golden is emitted with.
pub(crate) fn golden_format(name: &str) -> &'static str {
    if WITHOUT_CLI.contains(&name) { "both" } else { "all" }
}

pub(crate) fn golden_cases() -> Vec<(String, PathBuf)> {
    let mut cases = Vec::new();
    for dir in ["examples", "tests/fixtures"] {
        for e in std::fs::read_dir(repo().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                cases.push((p.file_stem().unwrap().to_string_lossy().into_owned(), p));
            }
        }
    }
    cases.sort();
    cases
}

/// The hub's CloudFormation template and Terraform file in a golden tree (named for the account
/// itself in a single-account setup); none for a vendor role.
pub(crate) fn hub_files(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    if is_vendor(dir) {
        None
    } else if dir.join("cloudformation/account.yaml").exists() {
        Some((dir.join("cloudformation/account.yaml"), dir.join("terraform/main.tf")))
    } else if dir.join("terraform/hub/hub.tf").exists() {
        Some((dir.join("cloudformation/hub.yaml"), dir.join("terraform/hub/hub.tf")))
    } else {
        Some((dir.join("cloudformation/hub.yaml"), dir.join("terraform/hub.tf")))
    }
}

/// A golden tree of a vendor-role setup.
pub(crate) fn is_vendor(dir: &Path) -> bool {
    dir.join("cloudformation/vendor-role.yaml").exists()
}

/// Files of one kind in all golden trees.
pub(crate) fn golden_files(ext: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (name, _) in golden_cases() {
        for rel in tree(&repo().join("tests/golden").join(&name)).keys() {
            if rel.ends_with(ext) {
                out.push(repo().join("tests/golden").join(&name).join(rel));
            }
        }
    }
    out
}

/// An external tool the suite depends on. Missing on a developer machine: the test says so loudly
/// and passes; under CI (`CI` set) a missing tool fails the test.
pub(crate) fn require_tool(name: &str) -> bool {
    let found = Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        assert!(std::env::var_os("CI").is_none(), "{name} is required under CI but was not found on PATH");
        eprintln!("\n*** SKIPPED: {name} not found on PATH; this check did not run ***\n");
    }
    found
}
