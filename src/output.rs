//! Writing the rendered files: atomically per file, only when the bytes changed, and never over a
//! file crossrole did not write (or that was edited since) unless the user passes `--force`.
//!
//! Two phases: every changed file is first written in full to a temporary file beside its target;
//! only when all of them are written are they renamed into place. A failure while writing (a full
//! disk, a read-only directory) therefore changes nothing. A first emit, into a directory that
//! does not exist yet, writes a new directory beside it and renames that once.
//!
//! The output directory holds a manifest of what crossrole wrote, with a content hash per file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::render::OutputFile;

pub(crate) const MANIFEST: &str = ".crossrole-manifest";

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Report {
    pub(crate) written: Vec<String>,
    pub(crate) unchanged: Vec<String>,
    pub(crate) removed: Vec<String>,
}

/// What a manifest entry's hash starts with (the algorithm), so that a later crossrole can take
/// another one and still read the entries of this one.
const XXH3: &str = "xxh3:";

/// The manifest's content hash, XXH3 (64 bit): detects hand edits of generated files. Not a
/// security boundary. It replaced FNV-1a, one byte at a time, whose multiply chain took about 1 ns
/// a byte: at 10,000 accounts the 3.5 MB of output took longer to hash than to write.
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    format!("{XXH3}{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// Whether `bytes` are what a manifest entry (`recorded`) was taken of: the entries of today's
/// hash, or the bare 16 hex digits of FNV-1a that manifests written before it hold.
fn as_recorded(recorded: &str, bytes: &[u8]) -> bool {
    if recorded.starts_with(XXH3) {
        return recorded == content_hash(bytes);
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    recorded == format!("{h:016x}")
}

/// A file crossrole is about to write, as it is on disk now.
enum OnDisk {
    Missing,
    Same,
    /// Other bytes: whether they are those its manifest entry (if any) was taken of.
    Differs {
        as_recorded: bool,
    },
}

thread_local! {
    /// An existing file's bytes while they are compared: one buffer per thread, grown once to the
    /// largest file, instead of a fresh one per file (3.5 MB at 10,000 accounts, freed at once).
    static OLD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn on_disk(path: &Path, new: &[u8], recorded: Option<&String>) -> OnDisk {
    OLD.with_borrow_mut(|old| {
        old.clear();
        let read = std::fs::File::open(path).and_then(|mut f| std::io::Read::read_to_end(&mut f, old));
        match read {
            Err(_) => OnDisk::Missing,
            Ok(_) if old.as_slice() == new => OnDisk::Same,
            Ok(_) => OnDisk::Differs { as_recorded: recorded.is_some_and(|h| as_recorded(h, old)) },
        }
    })
}

fn read_manifest(dir: &Path) -> Result<BTreeMap<String, String>> {
    let path = dir.join(MANIFEST);
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once(' '))
        .map(|(h, p)| (p.to_string(), h.to_string()))
        .collect())
}

fn manifest_text(entries: &BTreeMap<String, String>) -> String {
    let mut s = String::from(
        "# Files written by crossrole (content hash, path). crossrole refuses to overwrite other files.\n",
    );
    for (p, h) in entries {
        s.push_str(h);
        s.push(' ');
        s.push_str(p);
        s.push('\n');
    }
    s
}

fn target(dir: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(dir.to_path_buf(), |p, seg| p.join(seg))
}

/// Directories this run created, removed again (if still empty) when the run fails: unless
/// `keep` was called, when this is dropped, so an error or a panic before the renames (in a
/// check `write` waits for) leaves none behind.
#[derive(Default)]
struct CreatedDirs {
    dirs: Vec<PathBuf>,
    kept: bool,
}

impl CreatedDirs {
    fn ensure(&mut self, dir: &Path) -> Result<()> {
        let mut missing = Vec::new();
        let mut cur = Some(dir);
        while let Some(d) = cur {
            if d.as_os_str().is_empty() || d.exists() {
                break;
            }
            missing.push(d.to_path_buf());
            cur = d.parent();
        }
        for d in missing.into_iter().rev() {
            std::fs::create_dir(&d).with_context(|| format!("creating directory {}", d.display()))?;
            self.dirs.push(d);
        }
        Ok(())
    }

    fn keep(&mut self) {
        self.kept = true;
    }
}

impl Drop for CreatedDirs {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        for d in self.dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// A file written in full next to its target, waiting to be renamed over it.
struct Staged {
    tmp: tempfile::TempPath,
    target: PathBuf,
}

/// A shared secret (an ExternalId) is written readable by its owner only (0600); every other
/// file as the umask says. The target's directory exists (`CreatedDirs::ensure`).
fn stage(target: PathBuf, bytes: &[u8], secret: bool) -> Result<Staged> {
    let parent = target.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut builder = tempfile::Builder::new();
    builder.prefix(".crossrole-");
    // Temporary files are private (0600) by default; the result is an ordinary file, so let the
    // umask decide as it would for any file the user creates.
    #[cfg(not(unix))]
    let _ = secret;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(if secret { 0o600 } else { 0o666 }));
    }
    let mut tmp =
        builder.tempfile_in(&parent).with_context(|| format!("creating a temporary file in {}", parent.display()))?;
    tmp.write_all(bytes).with_context(|| format!("writing {}", target.display()))?;
    Ok(Staged { tmp: tmp.into_temp_path(), target })
}

/// What runs beside a write (the emit's: the check of the CloudFormation templates about to be
/// written, `render::check`). Each step has a default that does nothing.
pub(crate) trait Beside: Sync {
    /// Told which of the files are about to be written (the others are on disk as they are).
    fn changing(&self, _written: &[&OutputFile]) {}

    /// Work for the threads that wait while the staged files flush to disk: called by three
    /// threads at once, and again after one of them panicked.
    fn help(&self) {}

    /// Waited for after the flush, once every `help` has returned, before the first rename: an
    /// error leaves the directory as it was.
    fn ready(&self) -> Result<()> {
        Ok(())
    }
}

/// `durable` on this thread while two more take up `beside.help` (the CloudFormation check,
/// still to pass before anything is renamed), and this one too once the disk is done: a flush is
/// mostly waiting for the disk (at 10,000 accounts 4 to 5 ms, 0.3 ms of it on the CPU), which
/// leaves both cores to the check's parsing.
fn durable_beside(dir: &Path, staged: &[Staged], beside: &dyn Beside) -> Result<()> {
    crate::parallel::while_waiting(|| durable(dir, staged), || beside.help())
}

/// Flushes the staged files to disk: one `syncfs` of the output's file system on Linux, an fsync
/// per file elsewhere.
fn durable(dir: &Path, staged: &[Staged]) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = staged;
        let d = std::fs::File::open(dir).with_context(|| format!("opening {}", dir.display()))?;
        rustix::fs::syncfs(&d).with_context(|| format!("flushing {} to disk", dir.display()))
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = dir;
        for s in staged {
            std::fs::File::open(&s.tmp)
                .and_then(|f| f.sync_all())
                .with_context(|| format!("writing {}", s.target.display()))?;
        }
        Ok(())
    }
}

/// A secret file left readable by others (an older crossrole wrote it so) is rewritten 0600.
fn loosened(path: &Path, rel: &str) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        crate::render::is_secret(rel) && std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, rel);
        false
    }
}

fn commit(staged: Staged) -> Result<()> {
    let target = staged.target;
    staged.tmp.persist(&target).map_err(|e| e.error).with_context(|| format!("replacing {}", target.display()))
}

/// Files in `dir` that crossrole may not overwrite or remove: a file at a path it is about to
/// write that it did not write, and a file it wrote that was edited since and would now be
/// replaced or removed. Everything else in the directory (a `.terraform/` directory, a lock file,
/// a `backend.tf`, notes) is the user's and is left alone. `before` is what each of `files`
/// would replace; a file already holding the new bytes loses nothing. A `partial` write removes
/// nothing, so the files it does not write are not its business.
fn foreign_files(
    dir: &Path,
    manifest: &BTreeMap<String, String>,
    files: &[OutputFile],
    before: &[OnDisk],
    partial: bool,
) -> Vec<String> {
    let replaced = files.iter().zip(before).filter_map(|(f, b)| match b {
        OnDisk::Differs { as_recorded } => Some((f.path.as_str(), *as_recorded)),
        OnDisk::Missing | OnDisk::Same => None,
    });
    let written: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let removed =
        manifest.iter().filter(|(k, _)| !partial && !written.contains(k.as_str())).filter_map(|(rel, recorded)| {
            let bytes = std::fs::read(target(dir, rel)).ok()?;
            Some((rel.as_str(), as_recorded(recorded, &bytes)))
        });
    let mut foreign: Vec<(&str, &str)> = replaced
        .chain(removed)
        .filter_map(|(rel, unedited)| match manifest.get(rel) {
            None => Some((rel, "not written by crossrole")),
            Some(_) if !unedited => Some((rel, "edited since crossrole wrote it")),
            Some(_) => None,
        })
        .collect();
    foreign.sort_unstable();
    foreign.dedup();
    foreign.into_iter().map(|(rel, why)| format!("{rel} ({why})")).collect()
}

/// `partial` (`--only`): `files` are some of the outputs, so nothing else is removed and the
/// manifest keeps the others. `beside` runs alongside (`Beside`): a check still running on the
/// files that fails leaves the directory as it was.
pub(crate) fn write(
    dir: &Path,
    files: &[OutputFile],
    force: bool,
    partial: bool,
    beside: &dyn Beside,
) -> Result<Report> {
    if dir.exists() && !dir.is_dir() {
        bail!("--out: {} exists and is not a directory", dir.display());
    }
    // Nothing at all at the path (not even a dangling link): the whole directory is new. (A
    // name too long to take the temporary prefix is written file by file instead.)
    if std::fs::symlink_metadata(dir).is_err() {
        if let Some(name) = dir.file_name().filter(|n| n.len() <= 200) {
            beside.changing(&files.iter().collect::<Vec<_>>());
            return write_new_dir(dir, name, files, beside);
        }
    }
    let existed = dir.exists();
    let manifest = if existed { read_manifest(dir)? } else { BTreeMap::new() };
    // Each file is read once: to refuse to replace what is not crossrole's and to skip what is
    // already up to date.
    let before: Vec<OnDisk> = if existed {
        // On two threads: a re-emit of 10,000 accounts reads back 173 files, 3.5 MB.
        crate::parallel::map(files, |f| on_disk(&target(dir, &f.path), f.contents.as_bytes(), manifest.get(&f.path)))
    } else {
        files.iter().map(|_| OnDisk::Missing).collect()
    };
    if existed && !force {
        let foreign = foreign_files(dir, &manifest, files, &before, partial);
        if !foreign.is_empty() {
            let shown: Vec<&str> = foreign.iter().take(5).map(String::as_str).collect();
            let more = if foreign.len() > 5 { format!(" and {} more", foreign.len() - 5) } else { String::new() };
            bail!(
                "--out: {} holds files crossrole would have to overwrite or remove: {}{more}; choose another --out, move them away, or pass --force",
                dir.display(),
                shown.join(", ")
            );
        }
    }
    let (todo, mut report) = changed(dir, files, &before);
    beside.changing(&todo.iter().map(|(_, f)| *f).collect::<Vec<_>>());
    // Declared before the staged files: on an early return (or a panic) those are removed first,
    // then the directories created for them.
    let mut dirs = CreatedDirs::default();
    for p in todo.iter().filter_map(|(p, _)| p.parent()).chain([dir]).collect::<BTreeSet<&Path>>() {
        dirs.ensure(p)?;
    }
    let staged = stage_all(dir, &todo, files, &manifest, partial);
    // Every staged file is on disk before the first rename, so a crash never leaves a renamed
    // file that is empty or short.
    let mut staged =
        staged.and_then(|s| durable_beside(dir, &s, beside).map(|()| s)).and_then(|s| beside.ready().map(|()| s))?;
    dirs.keep();

    // Phase 2: renames only. The manifest listing old and new files goes first and the final one
    // last, so even an interrupted run never makes crossrole's own files look foreign.
    let final_manifest = staged.pop();
    rename_all(staged)?;
    let written: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for stale in manifest.keys().filter(|k| !partial && !written.contains(k.as_str())) {
        let path = target(dir, stale);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("removing stale {}", path.display()))?;
            report.removed.push(stale.clone());
        }
    }
    if let Some(m) = final_manifest {
        commit(m)?;
    }
    Ok(report)
}

/// The files to stage (those not already on disk as they are) with their targets, and the
/// report of which are written and which unchanged.
fn changed<'f>(dir: &Path, files: &'f [OutputFile], before: &[OnDisk]) -> (Vec<(PathBuf, &'f OutputFile)>, Report) {
    let mut report = Report::default();
    let mut todo = Vec::with_capacity(files.len());
    for (f, b) in files.iter().zip(before) {
        let path = target(dir, &f.path);
        if matches!(b, OnDisk::Same) && !loosened(&path, &f.path) {
            report.unchanged.push(f.path.clone());
        } else {
            todo.push((path, f));
            report.written.push(f.path.clone());
        }
    }
    (todo, report)
}

/// The first of `staged` (the manifest of old and new files), then the others in any order, on
/// two threads. The first failure in order is the error; what was renamed stays renamed.
fn rename_all(staged: Vec<Staged>) -> Result<()> {
    let mut staged = staged.into_iter();
    if let Some(m) = staged.next() {
        commit(m)?;
    }
    let rest: Vec<Staged> = staged.collect();
    let renamed = crate::parallel::map(&rest, |s: &Staged| {
        std::fs::rename(&s.tmp, &s.target).with_context(|| format!("replacing {}", s.target.display()))
    });
    let mut failed = None;
    for (s, r) in rest.into_iter().zip(renamed) {
        match r {
            // Renamed: nothing is left at the temporary path to remove.
            Ok(()) => {
                let _ = s.tmp.keep();
            }
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
    }
    failed.map_or(Ok(()), Err)
}

/// A first emit: every file and the manifest written into a new directory beside `dir`, flushed,
/// and that directory renamed to `dir`: one rename for the lot, and until it, `dir` does not
/// exist. On an error (or a failed check) the new directory is removed again.
fn write_new_dir(dir: &Path, name: &std::ffi::OsStr, files: &[OutputFile], beside: &dyn Beside) -> Result<Report> {
    let parent = dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let mut dirs = CreatedDirs::default();
    dirs.ensure(parent)?;
    let prefix = format!(".{}.crossrole-", name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    // An ordinary directory once renamed: the umask decides, as for `mkdir`.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o777));
    }
    let new = builder.tempdir_in(parent).with_context(|| format!("creating directory {}", dir.display()))?;
    let subdirs: BTreeSet<PathBuf> =
        files.iter().filter_map(|f| target(new.path(), &f.path).parent().map(Path::to_path_buf)).collect();
    for d in &subdirs {
        std::fs::create_dir_all(d).with_context(|| format!("creating directory {}", d.display()))?;
    }
    let write = |f: &OutputFile| {
        let at = target(new.path(), &f.path);
        create_new(&at, f.contents.as_bytes(), crate::render::is_secret(&f.path))
            .with_context(|| format!("writing {}", target(dir, &f.path).display()))
    };
    let (written, manifest) = write_and_hash(files, write, |f| f.contents.len(), files);
    written.into_iter().collect::<Result<()>>()?;
    create_new(&new.path().join(MANIFEST), manifest_text(&manifest).as_bytes(), false)
        .with_context(|| format!("writing {}", dir.join(MANIFEST).display()))?;
    // Linux: one syncfs; elsewhere `create_new` synced each file already.
    durable_beside(new.path(), &[], beside)?;
    beside.ready()?;
    // `parent/name`, not `dir`: `--out x/.` names `x` too, but resolves only once `x` exists.
    rename_new(new.path(), &parent.join(name))
        .with_context(|| format!("renaming {} to {}", new.path().display(), dir.display()))?;
    let _ = new.keep();
    dirs.keep();
    Ok(Report { written: files.iter().map(|f| f.path.clone()).collect(), ..Report::default() })
}

/// Renames the new directory into place, unless something appeared there meanwhile (`rename`
/// would replace an empty directory someone just made).
fn rename_new(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            // A file system without RENAME_NOREPLACE.
            Err(rustix::io::Errno::INVAL) => {}
            r => return r.map_err(std::io::Error::from),
        }
    }
    std::fs::rename(from, to)
}

/// `write` of each of `items` (the largest by `size` first) and the content hash of each of
/// `files` (the manifest's entries), on two threads; the results in order.
fn write_and_hash<T: Sync, R: Send + Sync>(
    items: &[T],
    write: impl Fn(&T) -> R + Sync,
    size: impl Fn(&T) -> usize,
    files: &[OutputFile],
) -> (Vec<R>, BTreeMap<String, String>) {
    let writing = crate::parallel::Shared::largest_first(items, write, size);
    let hashing = crate::parallel::Shared::new(files, |f: &OutputFile| content_hash(f.contents.as_bytes()));
    let work = || {
        writing.help();
        hashing.help();
    };
    crate::parallel::join(work, work);
    let hashes = files.iter().map(|f| f.path.clone()).zip(hashing.into_results()).collect();
    (writing.into_results(), hashes)
}

/// A file that does not exist yet, written in full; a secret one readable by its owner only.
fn create_new(path: &Path, bytes: &[u8], secret: bool) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if secret { 0o600 } else { 0o666 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    // On Linux one `syncfs` flushes them all before the rename (`durable`).
    #[cfg(not(target_os = "linux"))]
    file.sync_all()?;
    Ok(())
}

/// Phase 1: every changed file (`todo`, from `changed`; their directories exist) written in
/// full beside its target, in rename order: the manifest of old and new files, the files, the
/// final manifest (the hashes are of all `files`). Any failure here (a full disk, a
/// read-only directory) leaves the output directory exactly as it was. The files are written
/// and hashed (for the manifests) on two threads: creating a file is mostly the file system's
/// work in the kernel, which two threads do side by side (about 30% sooner for the 173 files of
/// 10,000 accounts).
fn stage_all(
    dir: &Path,
    todo: &[(PathBuf, &OutputFile)],
    files: &[OutputFile],
    manifest: &BTreeMap<String, String>,
    partial: bool,
) -> Result<Vec<Staged>> {
    let stage_one = |(path, f): &(PathBuf, &OutputFile)| {
        stage(path.clone(), f.contents.as_bytes(), crate::render::is_secret(&f.path))
    };
    let (staged, new) = write_and_hash(todo, stage_one, |(_, f)| f.contents.len(), files);
    // On an error every file staged so far is removed again (`TempPath` drops).
    let mut staged = staged.into_iter().collect::<Result<Vec<Staged>>>()?;
    let mut union = manifest.clone();
    union.extend(new.iter().map(|(k, v)| (k.clone(), v.clone())));
    let first = stage(dir.join(MANIFEST), manifest_text(&union).as_bytes(), false)?;
    let last = if partial { &union } else { &new };
    let last = stage(dir.join(MANIFEST), manifest_text(last).as_bytes(), false)?;
    staged.insert(0, first);
    staged.push(last);
    Ok(staged)
}

/// `--check`: one line per file that differs from what is on disk (missing ones included) or is
/// stale, and a unified diff of them (`a/` on disk, `b/` generated). Secret files are named, never
/// shown.
pub(crate) fn check(dir: &Path, files: &[OutputFile], partial: bool) -> Result<(Vec<String>, String)> {
    let mut drift = Vec::new();
    let mut patch = String::new();
    let mut diff = |rel: &str, old: &str, new: &str| {
        if crate::render::is_secret(rel) {
            patch.push_str(&format!("# {rel}: not shown (it holds ExternalIds)\n"));
            return;
        }
        let (a, b) = (format!("a/{rel}"), format!("b/{rel}"));
        patch.push_str(
            &similar::TextDiff::from_lines(old, new).unified_diff().context_radius(3).header(&a, &b).to_string(),
        );
    };
    for f in files {
        let path = target(dir, &f.path);
        match std::fs::read(&path) {
            Ok(old) if old == f.contents.as_bytes() => {}
            Ok(old) => {
                drift.push(format!("{} differs", f.path));
                diff(&f.path, &String::from_utf8_lossy(&old), &f.contents);
            }
            Err(_) => {
                drift.push(format!("{} is missing", f.path));
                diff(&f.path, "", &f.contents);
            }
        }
    }
    if dir.exists() && !partial {
        let manifest = read_manifest(dir)?;
        let new: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for stale in manifest.keys().filter(|k| !new.contains(k.as_str())) {
            if let Ok(old) = std::fs::read(target(dir, stale)) {
                drift.push(format!("{stale} is no longer generated"));
                diff(stale, &String::from_utf8_lossy(&old), "");
            }
        }
    }
    Ok((drift, patch))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile { path: path.into(), contents: contents.into() }
    }

    /// Nothing beside the write but `ready`.
    struct Ready<F>(F);

    impl<F: Fn() -> Result<()> + Sync> Beside for Ready<F> {
        fn ready(&self) -> Result<()> {
            (self.0)()
        }
    }

    /// `write` with nothing left to wait for.
    fn put(dir: &Path, files: &[OutputFile], force: bool, partial: bool) -> Result<Report> {
        write(dir, files, force, partial, &Ready(|| Ok(())))
    }

    #[test]
    fn a_check_that_fails_after_staging_leaves_the_directory_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let listing = |dir: &Path| {
            let mut all = Vec::new();
            let mut todo = vec![dir.to_path_buf()];
            while let Some(d) = todo.pop() {
                for e in std::fs::read_dir(&d).unwrap() {
                    let p = e.unwrap().path();
                    all.push((p.clone(), std::fs::read(&p).ok()));
                    if p.is_dir() {
                        todo.push(p);
                    }
                }
            }
            all.sort();
            all
        };
        let fail = || Err(anyhow::anyhow!("the check failed"));
        let err = write(&out, &[file("a/x.txt", "1")], false, false, &Ready(fail)).unwrap_err();
        assert_eq!(err.to_string(), "the check failed");
        // A first emit goes through a new directory beside `out`: gone again too.
        assert_eq!(listing(tmp.path()), vec![]);
        let deep = tmp.path().join("new/parents/out");
        assert!(write(&deep, &[file("a/x.txt", "1")], false, false, &Ready(fail)).is_err());
        assert_eq!(listing(tmp.path()), vec![]);
        #[allow(clippy::panic)]
        let panicked =
            std::panic::catch_unwind(|| write(&out, &[file("a/x.txt", "1")], false, false, &Ready(|| panic!("check"))));
        assert!(panicked.is_err());
        assert_eq!(listing(tmp.path()), vec![]);
        put(&out, &[file("a/x.txt", "1"), file("b.txt", "2")], false, false).unwrap();
        let before = listing(&out);
        let changed = [file("a/x.txt", "3"), file("c/new.txt", "4")];
        assert!(write(&out, &changed, false, false, &Ready(fail)).is_err());
        assert_eq!(listing(&out), before);
        let waited = std::sync::atomic::AtomicBool::new(false);
        put(&out, &changed, false, false).unwrap();
        let wait = || {
            waited.store(true, std::sync::atomic::Ordering::Relaxed);
            Ok(())
        };
        write(&out, &changed, false, false, &Ready(wait)).unwrap();
        assert!(waited.into_inner());
    }

    /// What `write` told it and when.
    #[derive(Default)]
    struct Recorder {
        changing: std::sync::Mutex<Vec<String>>,
        helped: std::sync::atomic::AtomicUsize,
        /// How many `help` calls had returned when `ready` was called.
        ready_after: std::sync::Mutex<Option<usize>>,
    }

    impl Beside for Recorder {
        fn changing(&self, written: &[&OutputFile]) {
            self.changing.lock().unwrap().extend(written.iter().map(|f| f.path.clone()));
        }

        fn help(&self) {
            self.helped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }

        fn ready(&self) -> Result<()> {
            *self.ready_after.lock().unwrap() = Some(self.helped.load(std::sync::atomic::Ordering::Relaxed));
            Ok(())
        }
    }

    #[test]
    fn beside_hears_which_files_change_and_is_ready_only_after_every_helper() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let first = Recorder::default();
        write(&out, &[file("a.txt", "1"), file("b.txt", "2")], false, false, &first).unwrap();
        assert_eq!(*first.changing.lock().unwrap(), ["a.txt", "b.txt"]);
        // Two helpers beside the flush and this thread after it, all returned before `ready`.
        assert_eq!(*first.ready_after.lock().unwrap(), Some(3));
        let again = Recorder::default();
        write(&out, &[file("a.txt", "1"), file("b.txt", "3")], false, false, &again).unwrap();
        assert_eq!(*again.changing.lock().unwrap(), ["b.txt"]);
        assert_eq!(*again.ready_after.lock().unwrap(), Some(3));
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "3");
    }

    #[test]
    fn a_first_emit_takes_any_spelling_of_a_new_directory_and_replaces_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        // `x/.` names `x`, which does not exist yet.
        put(&tmp.path().join("x/."), &[file("a.txt", "1")], false, false).unwrap();
        assert_eq!(std::fs::read_to_string(tmp.path().join("x/a.txt")).unwrap(), "1");
        // Too long a name for the temporary prefix: written file by file.
        let long = tmp.path().join("n".repeat(245));
        put(&long, &[file("a.txt", "2")], false, false).unwrap();
        assert_eq!(std::fs::read_to_string(long.join("a.txt")).unwrap(), "2");
        // A directory made at --out while the files were written is not replaced.
        let out = tmp.path().join("out");
        let meanwhile = || {
            std::fs::create_dir(&out).unwrap();
            Ok(())
        };
        let err = write(&out, &[file("a.txt", "3")], false, false, &Ready(meanwhile)).unwrap_err();
        assert!(format!("{err:#}").contains("renaming"), "{err:#}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0);
        let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(left.len(), 3, "{left:?}");
    }

    #[test]
    fn a_partial_write_keeps_the_other_files_and_their_manifest_entries() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        put(&out, &[file("a.txt", "1"), file("b.txt", "2")], false, false).unwrap();
        let r = put(&out, &[file("a.txt", "3")], false, true).unwrap();
        assert!(r.removed.is_empty());
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "2");
        assert!(check(&out, &[file("a.txt", "3")], true).unwrap().0.is_empty());
        // b.txt is still crossrole's: a full run may rewrite or remove it.
        let r = put(&out, &[file("a.txt", "3")], false, false).unwrap();
        assert_eq!(r.removed, vec!["b.txt"]);
    }

    #[test]
    fn a_partial_write_is_not_refused_for_an_edited_file_it_leaves_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        put(&out, &[file("a.txt", "1"), file("b.txt", "2")], false, false).unwrap();
        std::fs::write(out.join("b.txt"), "edited").unwrap();
        let r = put(&out, &[file("a.txt", "3")], false, true).unwrap();
        assert_eq!((r.written, r.removed), (vec!["a.txt".into()], vec![]));
        assert_eq!(std::fs::read_to_string(out.join("b.txt")).unwrap(), "edited");
        // A full run would remove it: refused.
        assert!(put(&out, &[file("a.txt", "3")], false, false).is_err());
    }

    #[test]
    fn writes_then_skips_unchanged_and_removes_stale() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let r = put(&out, &[file("a/x.txt", "1"), file("b.txt", "2")], false, false).unwrap();
        assert_eq!(r.written, vec!["a/x.txt", "b.txt"]);
        let r = put(&out, &[file("a/x.txt", "1")], false, false).unwrap();
        assert_eq!(r.unchanged, vec!["a/x.txt"]);
        assert_eq!(r.removed, vec!["b.txt"]);
        assert!(!out.join("b.txt").exists());
        assert!(check(&out, &[file("a/x.txt", "1")], false).unwrap().0.is_empty());
        let (drift, patch) = check(&out, &[file("a/x.txt", "2")], false).unwrap();
        assert_eq!(drift, vec!["a/x.txt differs"]);
        assert_eq!(
            patch,
            "--- a/a/x.txt\n+++ b/a/x.txt\n@@ -1 +1 @@\n-1\n\\ No newline at end of file\n+2\n\\ No newline at end of file\n"
        );
    }

    #[cfg(unix)]
    #[test]
    fn external_ids_are_readable_by_their_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mode = |p: &str| std::fs::metadata(out.join(p)).unwrap().permissions().mode() & 0o777;
        put(&out, &[file("external-ids.txt", "id\n"), file(crate::render::TF_EXTERNAL_IDS, "{}")], false, false)
            .unwrap();
        assert_eq!(mode("external-ids.txt"), 0o600);
        assert_eq!(mode(crate::render::TF_EXTERNAL_IDS), 0o600);
        // Written world-readable by an older version: tightened although unchanged.
        std::fs::set_permissions(out.join("external-ids.txt"), std::fs::Permissions::from_mode(0o644)).unwrap();
        let r =
            put(&out, &[file("external-ids.txt", "id\n"), file(crate::render::TF_EXTERNAL_IDS, "{}")], false, false)
                .unwrap();
        assert_eq!(r.written, vec!["external-ids.txt"]);
        assert_eq!(mode("external-ids.txt"), 0o600);
    }

    #[test]
    fn files_crossrole_does_not_write_are_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        put(&out, &[file("terraform/main.tf", "1")], false, false).unwrap();
        // What `terraform init` and a user beside Terraform add.
        for (p, c) in [
            ("terraform/.terraform/modules/modules.json", "{}"),
            ("terraform/.terraform.lock.hcl", "lock"),
            ("terraform/backend.tf", "terraform {}"),
            ("terraform/override_override.tf", "x"),
            ("notes.txt", "mine"),
        ] {
            std::fs::create_dir_all(out.join(p).parent().unwrap()).unwrap();
            std::fs::write(out.join(p), c).unwrap();
        }
        let r = put(&out, &[file("terraform/main.tf", "2")], false, false).unwrap();
        assert_eq!(r.written, vec!["terraform/main.tf"]);
        assert_eq!(std::fs::read_to_string(out.join("terraform/backend.tf")).unwrap(), "terraform {}");
        assert!(out.join("terraform/.terraform/modules/modules.json").exists());
        assert!(check(&out, &[file("terraform/main.tf", "2")], false).unwrap().0.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn written_files_get_ordinary_permissions() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        put(&out, &[file("x.txt", "1")], false, false).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let m = mode(&out.join("x.txt"));
        assert_ne!(m & 0o044, 0, "mode {m:o}: generated files must be readable like any other");
        // The output directory was created under another name and renamed: not a private one.
        let d = mode(&out);
        std::fs::create_dir(tmp.path().join("plain")).unwrap();
        assert_eq!(d, mode(&tmp.path().join("plain")), "mode {d:o}: as mkdir makes it");
    }

    #[test]
    fn refuses_foreign_and_edited_files_without_force() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("notes.txt"), "mine").unwrap();
        std::fs::write(out.join("x.txt"), "my own x").unwrap();
        let err = put(&out, &[file("x.txt", "1")], false, false).unwrap_err();
        assert!(err.to_string().contains("x.txt (not written by crossrole)"), "{err}");
        assert!(!err.to_string().contains("notes.txt"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("x.txt")).unwrap(), "my own x");
        put(&out, &[file("x.txt", "1")], true, false).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");

        std::fs::write(out.join("x.txt"), "edited").unwrap();
        let err = put(&out, &[file("x.txt", "2")], false, false).unwrap_err();
        assert!(err.to_string().contains("x.txt (edited since crossrole wrote it)"), "{err}");
        assert_eq!(std::fs::read_to_string(out.join("x.txt")).unwrap(), "edited");
    }

    /// A manifest of a crossrole from before XXH3 (FNV-1a entries) still tells crossrole's files
    /// from edited ones, and the next manifest records the new hash.
    #[test]
    fn a_manifest_of_the_earlier_hash_is_still_read() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.txt"), "1").unwrap();
        std::fs::write(out.join("b.txt"), "edited b").unwrap();
        std::fs::write(out.join("c.txt"), "3").unwrap();
        // FNV-1a 64 of "1", "2" and "3", as the earlier crossrole wrote them.
        let old = "# Files written by crossrole (content hash, path).\naf63ac4c86019afc a.txt\naf63af4c8601a015 b.txt\naf63ae4c86019e62 c.txt\n";
        std::fs::write(out.join(MANIFEST), old).unwrap();
        let err = put(&out, &[file("a.txt", "5"), file("b.txt", "6")], false, false).unwrap_err();
        assert!(err.to_string().contains(": b.txt (edited since crossrole wrote it);"), "{err}");
        assert!(!err.to_string().contains("a.txt") && !err.to_string().contains("c.txt"), "{err}");
        std::fs::write(out.join("b.txt"), "2").unwrap();
        let r = put(&out, &[file("a.txt", "5"), file("b.txt", "6")], false, false).unwrap();
        assert_eq!(r.removed, vec!["c.txt".to_string()]);
        let manifest = read_manifest(&out).unwrap();
        assert_eq!(manifest.get("a.txt"), Some(&content_hash(b"5")));
        assert!(manifest.values().all(|h| h.starts_with(XXH3)), "{manifest:?}");
    }

    #[test]
    fn an_edited_file_no_longer_generated_is_refused_and_new_bytes_already_there_are_not() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        put(&out, &[file("a.txt", "1"), file("b.txt", "2"), file("c.txt", "3")], false, false).unwrap();
        std::fs::write(out.join("a.txt"), "edited a").unwrap();
        std::fs::write(out.join("c.txt"), "edited c").unwrap();
        // Not in the manifest, but already what this run writes: replacing it loses nothing.
        std::fs::write(out.join("d.txt"), "4").unwrap();
        let err = put(&out, &[file("b.txt", "2"), file("c.txt", "5"), file("d.txt", "4")], false, false).unwrap_err();
        let msg = err.to_string();
        // a.txt would be removed, c.txt replaced: both named, in path order, d.txt not at all.
        assert!(
            msg.contains(": a.txt (edited since crossrole wrote it), c.txt (edited since crossrole wrote it);"),
            "{msg}"
        );
        assert!(!msg.contains("d.txt"), "{msg}");
        std::fs::write(out.join("a.txt"), "1").unwrap();
        std::fs::write(out.join("c.txt"), "3").unwrap();
        let r = put(&out, &[file("b.txt", "2"), file("c.txt", "5"), file("d.txt", "4")], false, false).unwrap();
        assert_eq!(
            (r.written, r.unchanged, r.removed),
            (vec!["c.txt".into()], vec!["b.txt".into(), "d.txt".into()], vec!["a.txt".into()])
        );
    }
}
