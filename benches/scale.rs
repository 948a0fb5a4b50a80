//! `cargo bench --bench scale`: emits 10, 100, 1,000 and 10,000 member accounts in every format
//! (`--format all`, the Micetro preset, hub and spoke) and prints, per size, the wall time, the
//! peak memory (Linux: `VmHWM` of /proc/self/status) and the bytes written, next to a floor:
//! writing the same bytes to the same number of files with `std::fs::write`, and that floor
//! followed by the one `syncfs` the emit also ends with. Medians of seven runs (the ratio: the
//! median of each run's own emit / floor), each in its own process and directory, so its peak
//! memory and its start (the IAM table, the templates) are its own, with the allocator the binary
//! ships with. Two more rows: day 2 (one account added to the 10,000 already emitted into the
//! directory) and the 10,000 read from a config file with a name each. No assertions: the numbers
//! go into README.

// A benchmark is test code: a failure should stop it loudly.
#![allow(clippy::unwrap_used, clippy::panic, clippy::cast_precision_loss)]

use std::path::Path;
use std::process::Command;
use std::time::Instant;

// The allocator of the shipped binary (src/main.rs), so the bench measures what users run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SIZES: [usize; 4] = [10, 100, 1_000, 10_000];

fn accounts(n: usize) -> String {
    (1..=n).map(|i| format!("{:012}", 100_000_000_000 + i * 7)).collect::<Vec<_>>().join(",")
}

fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn files(dir: &Path, out: &mut Vec<(std::path::PathBuf, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
}

/// Each size runs this many times, each in a fresh process and directory; the table gives the
/// medians and the highest peak.
const RUNS: usize = 7;

fn median(mut secs: Vec<f64>) -> f64 {
    secs.sort_by(f64::total_cmp);
    secs[secs.len() / 2]
}

/// A config listing `n` accounts, each with a name, as an organization keeps them.
fn config(n: usize, dir: &Path) -> std::path::PathBuf {
    let mut text = String::from("hub:\n  account: \"999999999999\"\naccounts:\n");
    for (i, id) in accounts(n).split(',').enumerate() {
        text.push_str(&format!("  - {{id: \"{id}\", name: account-{i}}}\n"));
    }
    let path = dir.join("crossrole.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

/// Emits `n` accounts into `out`, from `--accounts` or, given `config`, from that file.
fn emit(n: usize, out: &Path, config: Option<&Path>) -> (std::time::Duration, u8, String) {
    let ids = accounts(n);
    let given = match config {
        Some(c) => vec!["--config", c.to_str().unwrap()],
        None => vec!["--hub-account", "999999999999", "--accounts", &ids],
    };
    let argv = std::iter::once("emit").chain(given).chain(["--format", "all", "--out", out.to_str().unwrap()]);
    let argv = std::iter::once("crossrole").chain(argv);
    let (mut so, mut se) = (Vec::new(), Vec::new());
    // The emit ends in one syncfs: flush what earlier runs left dirty first, so it is not billed.
    assert!(Command::new("sync").status().unwrap().success());
    let start = Instant::now();
    let code = crossrole::main_with(argv, &mut so, &mut se);
    (start.elapsed(), code, String::from_utf8_lossy(&se).into_owned())
}

/// One size, in this process: emit, then the floor. Prints one tab-separated line. `mode`:
/// `--one` from `--accounts`; `--again` the day-2 case, one account added to a setup of `n`
/// already emitted into the directory (timed and measured from the second emit on); `--config`
/// the accounts from a config file, each with a name. The run's directory, under `root`, stays
/// until the whole bench is done: see `main`.
fn one(n: usize, mode: &str, root: &Path) {
    let tmp = tempfile::tempdir_in(root).unwrap().keep();
    let out = tmp.join("out");
    let n = if mode == "--again" {
        // The first emit in a process of its own, so this one's peak memory is the re-emit's.
        let exe = std::env::current_exe().unwrap();
        let prepared = Command::new(exe).args(["--prepare", &n.to_string()]).arg(&out).status().unwrap();
        assert!(prepared.success());
        n + 1
    } else {
        n
    };
    let config = (mode == "--config").then(|| config(n, &tmp));
    let (emit, code, err) = emit(n, &out, config.as_deref());
    assert_eq!(code, 0, "{err}");
    let peak = peak_kib();
    let mut written = Vec::new();
    files(&out, &mut written);
    let bytes: usize = written.iter().map(|(_, b)| b.len()).sum();
    let floor_dir = tmp.join("floor");
    let start = Instant::now();
    for (p, b) in &written {
        let target = floor_dir.join(p.strip_prefix(&out).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, b).unwrap();
    }
    let floor = start.elapsed();
    // The same flush the emit ends with, so the table shows how much of the gap is durability.
    let flush = Instant::now();
    #[cfg(target_os = "linux")]
    rustix::fs::syncfs(std::fs::File::open(&floor_dir).unwrap()).unwrap();
    let synced = floor + flush.elapsed();
    let secs = [emit, floor, synced].map(|d| format!("{:.4}", d.as_secs_f64())).join("\t");
    println!("{n}\t{}\t{bytes}\t{secs}\t{peak}", written.len());
}

/// One run of one size in a fresh process: its tab-separated fields.
fn run(exe: &Path, n: usize, mode: &str, root: &Path) -> Vec<String> {
    let o = Command::new(exe).args([mode, &n.to_string()]).arg(root).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).trim().split('\t').map(str::to_string).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, n, dir] = &args[..] {
        if flag == "--prepare" {
            let (_, code, err) = emit(n.parse().unwrap(), Path::new(dir), None);
            assert_eq!(code, 0, "{err}");
            return;
        }
    }
    if let [_, mode, n, root] = &args[..] {
        if ["--one", "--again", "--config"].contains(&mode.as_str()) {
            one(n.parse().unwrap(), mode, Path::new(root));
            return;
        }
    }
    let exe = std::env::current_exe().unwrap();
    // Every run's files stay until the end. This VM's root file system is ext4 without a
    // journal, where creating a file skips each inode of its block group deleted in the last 60
    // seconds, 5 minutes while its inode table is not yet written back (`recently_deleted` in a
    // kernel profile): removing a run's directory would bill a
    // scan over its hundreds of inodes to the next run's files, emit and floor alike, and make
    // the table a measure of how recently the previous run ended.
    let root = tempfile::tempdir().unwrap();
    println!(
        "| accounts | files | bytes written | emit (s) | floor (s) | emit / floor | floor + syncfs (s) | peak memory (MiB) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    let largest = SIZES[SIZES.len() - 1];
    let rows = SIZES.iter().map(|n| (*n, "--one")).chain([(largest, "--again"), (largest, "--config")]);
    for (n, mode) in rows {
        let runs: Vec<Vec<String>> = (0..RUNS).map(|_| run(&exe, n, mode, root.path())).collect();
        let col = |i: usize| runs.iter().map(|r| r[i].parse::<f64>().unwrap()).collect::<Vec<f64>>();
        let (emit, floor) = (median(col(3)), median(col(4)));
        // Each run's emit over its own floor: both met the same state of the machine's disk and
        // memory, which on a shared VM swings more than either of them.
        let ratio = median(col(3).iter().zip(col(4)).map(|(e, f)| e / f).collect());
        let synced = median(col(5));
        let peak = col(6).into_iter().fold(0.0, f64::max) / 1024.0;
        let f = &runs[0];
        let label = match mode {
            "--again" => format!("{n} -> {} (one added, re-emit)", f[0]),
            "--config" => format!("{n} (from a config file, with names)"),
            _ => f[0].clone(),
        };
        println!("| {label} | {} | {} | {emit:.3} | {floor:.3} | {ratio:.1}x | {synced:.3} | {peak:.0} |", f[1], f[2]);
    }
}
