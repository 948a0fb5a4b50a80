//! The parse-back of the CloudFormation templates (`yaml_outline`), with CloudFormation's
//! resource limit. It starts once the templates are rendered: on threads of its own when the
//! caller only waits for it, or taken up by the threads that write the files (`help`) while the
//! disk flushes them, so that they do not compete with two more; `output::write` waits for it
//! before the first file is renamed into place, so a template that does not parse back is never
//! written.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use anyhow::{Context, Result, anyhow, bail};

use super::{OutputFile, yaml_outline};
use crate::aws::quotas::CFN_RESOURCES;

/// Threads the check takes when nobody helps: the templates of a large hub are a dozen of
/// similar size.
pub(crate) const THREADS: usize = 2;

/// Who is to blame for a broken output: crossrole with the built-in templates, the user's
/// replaced templates (their paths) otherwise.
#[derive(Clone, Debug, Default)]
pub(crate) struct Blame(pub(crate) Vec<String>);

impl Blame {
    pub(crate) fn message(&self, what: &str) -> String {
        if self.0.is_empty() {
            return format!("internal error: {what}; please report this");
        }
        format!("{what} (rendered with your templates {})", self.0.join(", "))
    }
}

/// The templates, each taken by the next free thread (the largest first).
struct Job {
    /// Path and text, in path order.
    templates: Vec<(String, String)>,
    /// Indices into `templates`, largest first.
    order: Vec<usize>,
    next: AtomicUsize,
    failed: Mutex<Vec<(usize, anyhow::Error)>>,
    blame: Blame,
}

impl Job {
    fn help(&self) {
        while let Some(&i) = self.order.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            let (path, text) = &self.templates[i];
            // A panic is this template's failure: the thread may be one that writes the files,
            // and whoever takes over its work would not see the template again.
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| template(path, text, &self.blame)))
                .unwrap_or_else(|_| Err(anyhow!("internal error: checking {path} panicked; please report this")));
            if let Err(e) = checked {
                self.failed.lock().unwrap_or_else(PoisonError::into_inner).push((i, e));
            }
        }
    }
}

/// A check under way.
pub(crate) struct Pending {
    job: Arc<Job>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// Starts checking the CloudFormation templates among `files` (sorted by path) on `threads` of
/// its own (none: the templates wait for `help` or `wait`).
pub(crate) fn start(files: &[OutputFile], blame: Blame, threads: usize) -> Pending {
    let templates: Vec<(String, String)> = files
        .iter()
        .filter(|f| f.path.starts_with("cloudformation/") && f.path.ends_with(".yaml"))
        .map(|f| (f.path.clone(), f.contents.clone()))
        .collect();
    let mut order: Vec<usize> = (0..templates.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(templates[i].1.len()));
    let job = Arc::new(Job { templates, order, next: AtomicUsize::new(0), failed: Mutex::default(), blame });
    let threads = (0..threads.min(job.templates.len()))
        .filter_map(|_| {
            let job = Arc::clone(&job);
            // No thread to be had: `wait` does the work.
            std::thread::Builder::new().spawn(move || job.help()).ok()
        })
        .collect();
    Pending { job, threads: Mutex::new(threads) }
}

impl Pending {
    /// A check with nothing left to do.
    pub(crate) fn passed() -> Self {
        start(&[], Blame::default(), 0)
    }

    /// Checks templates no thread has started yet, until none is left.
    pub(crate) fn help(&self) {
        self.job.help();
    }

    /// The error of the first template, in path order, that did not parse back. The calling
    /// thread takes what no other has started.
    pub(crate) fn wait(&self) -> Result<()> {
        self.job.help();
        let threads = std::mem::take(&mut *self.threads.lock().unwrap_or_else(PoisonError::into_inner));
        for t in threads {
            t.join().map_err(|_| anyhow!("internal error: checking the CloudFormation templates panicked"))?;
        }
        let failed = std::mem::take(&mut *self.job.failed.lock().unwrap_or_else(PoisonError::into_inner));
        match failed.into_iter().min_by_key(|(i, _)| *i) {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}

/// Parses the template back and enforces CloudFormation's resource limit, so a template bug or an
/// oversized setup fails here instead of in `aws cloudformation deploy`.
fn template(path: &str, text: &str, blame: &Blame) -> Result<()> {
    // The tests' stand-in for a bug that makes the parse-back panic.
    #[cfg(test)]
    assert_ne!(text, tests::PANICS, "the check panicked on purpose");
    let resources = yaml_outline::resources(text)
        .map_err(|e| anyhow!(e))
        .with_context(|| blame.message(&format!("{path} is not valid YAML")))?
        .len();
    if resources > CFN_RESOURCES {
        bail!("{path}: {resources} resources; CloudFormation allows at most {CFN_RESOURCES} per template");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A template text the check panics on (`template`).
    pub(super) const PANICS: &str = "# make the check panic\n";

    #[test]
    fn a_panic_while_checking_is_that_templates_failure_whoever_took_it() {
        // No threads of its own: the helpers are the file writers, and a panic on one of them
        // must still leave a failure for `wait` rather than a template nobody checked.
        let files =
            [file("cloudformation/a.yaml", "Resources:\n  A:\n    Type: X\n"), file("cloudformation/p.yaml", PANICS)];
        let pending = start(&files, Blame::default(), 0);
        std::thread::scope(|s| {
            s.spawn(|| pending.help());
            pending.help();
        });
        let err = pending.wait().unwrap_err();
        assert_eq!(err.to_string(), "internal error: checking cloudformation/p.yaml panicked; please report this");
    }

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile { path: path.into(), contents: contents.into() }
    }

    #[test]
    fn the_first_broken_template_in_path_order_is_the_error_and_other_files_are_not_read() {
        let ok = "Resources:\n  A:\n    Type: X\n";
        let many: String = std::iter::once("Resources:\n".to_string())
            .chain((0..=CFN_RESOURCES).map(|i| format!("  R{i}: {{}}\n")))
            .collect();
        let files = [
            file("DEPLOY.md", "[: not yaml"),
            file("cloudformation/a.yaml", ok),
            file("cloudformation/b.yaml", "Resources: [: broken"),
            file("cloudformation/c.yaml", &many),
            file("terraform/main.tf", "[: not yaml"),
        ];
        let err = start(&files, Blame::default(), THREADS).wait().unwrap_err();
        assert!(format!("{err:#}").starts_with("internal error: cloudformation/b.yaml is not valid YAML"), "{err:#}");
        let err = start(&files[2..], Blame(vec!["t/x.tera".into()]), 1).wait().unwrap_err();
        assert!(format!("{err:#}").contains("(rendered with your templates t/x.tera)"), "{err:#}");
        let err = start(&files[3..], Blame::default(), 0).wait().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cloudformation/c.yaml: 501 resources; CloudFormation allows at most {CFN_RESOURCES} per template")
        );
        assert!(start(&[files[0].clone(), files[1].clone(), files[4].clone()], Blame::default(), 2).wait().is_ok());
        assert!(start(&[], Blame::default(), 2).wait().is_ok());
        // No threads of its own: two helpers take the templates, `wait` reports what they found.
        let pending = start(&files, Blame::default(), 0);
        std::thread::scope(|s| {
            s.spawn(|| pending.help());
            pending.help();
        });
        let err = pending.wait().unwrap_err();
        assert!(format!("{err:#}").starts_with("internal error: cloudformation/b.yaml is not valid YAML"), "{err:#}");
    }
}
