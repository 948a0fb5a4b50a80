//! The parse-back of the CloudFormation templates (`yaml_outline`), with CloudFormation's
//! resource limit, over the files as they are about to be written (borrowed, not copied): taken
//! up by the threads that `help` while the disk flushes the staged files (both cores), or done
//! by `wait` on two threads when nothing is written; `output::write` waits for it before the
//! first file is renamed into place, so a template that does not parse back is never written.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, PoisonError};

use anyhow::{Context, Result, anyhow, bail};

use super::{OutputFile, yaml_outline};
use crate::aws::quotas::CFN_RESOURCES;

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

/// The CloudFormation templates among some files, each taken by the next free thread (the
/// largest first).
pub(crate) struct Pending<'f> {
    /// Path and text, in path order.
    templates: Vec<(&'f str, &'f str)>,
    /// The templates to check, as indices into `templates`, largest first: all of them, or
    /// those `only` keeps when it comes first.
    order: OnceLock<Vec<usize>>,
    next: AtomicUsize,
    failed: Mutex<Vec<(usize, anyhow::Error)>>,
    blame: Blame,
}

/// The check of the CloudFormation templates among `files` (sorted by path), to be done by
/// `help` and `wait`.
pub(crate) fn start(files: &[OutputFile], blame: Blame) -> Pending<'_> {
    let templates: Vec<(&str, &str)> = files
        .iter()
        .filter(|f| f.path.starts_with("cloudformation/") && f.path.ends_with(".yaml"))
        .map(|f| (f.path.as_str(), f.contents.as_str()))
        .collect();
    Pending { templates, order: OnceLock::new(), next: AtomicUsize::new(0), failed: Mutex::default(), blame }
}

impl Pending<'_> {
    /// Leaves out the templates that are not among `written` (the files about to change): one
    /// already on disk as it is now rendered is not written again, so there is nothing to keep
    /// from being written (a re-emit that adds one account rewrites one template of a dozen).
    /// `emit --check`, which writes nothing, still parses back every template it compares.
    /// Without effect once the check has started.
    pub(crate) fn only(&self, written: &[&OutputFile]) {
        let written: HashSet<&str> = written.iter().map(|f| f.path.as_str()).collect();
        let _ = self.order.set(self.largest_first(|path| written.contains(path)));
    }

    fn largest_first(&self, keep: impl Fn(&str) -> bool) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.templates.len()).filter(|&i| keep(self.templates[i].0)).collect();
        crate::parallel::largest_first(&mut order, |i| self.templates[i].1.len());
        order
    }

    fn order(&self) -> &[usize] {
        self.order.get_or_init(|| self.largest_first(|_| true))
    }

    /// Checks templates no thread has started yet, until none is left.
    pub(crate) fn help(&self) {
        while let Some(&i) = self.order().get(self.next.fetch_add(1, Ordering::Relaxed)) {
            let (path, text) = self.templates[i];
            // A panic is this template's failure: the thread may be a flush helper, and whoever
            // takes over its work (`parallel::while_waiting` calls `help` again) would not see the
            // template again.
            let checked = std::panic::catch_unwind(|| template(path, text, &self.blame))
                .unwrap_or_else(|_| Err(anyhow!("internal error: checking {path} panicked; please report this")));
            if let Err(e) = checked {
                self.failed.lock().unwrap_or_else(PoisonError::into_inner).push((i, e));
            }
        }
    }

    /// The error of the first template, in path order, that did not parse back. What no thread
    /// has taken yet is done here, on this thread and a second one (the templates of a large
    /// hub are a dozen of similar size). To be called once every `help` has returned (the flush
    /// helpers are joined before `Beside::ready`): a template still being checked elsewhere would
    /// not have its failure recorded yet.
    pub(crate) fn wait(&self) -> Result<()> {
        if self.next.load(Ordering::Relaxed) < self.order().len() {
            crate::parallel::join(|| self.help(), || self.help());
        }
        let failed = std::mem::take(&mut *self.failed.lock().unwrap_or_else(PoisonError::into_inner));
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
        // The helpers are the flush's, and a panic on one of them must still leave a failure
        // for `wait` rather than a template nobody checked.
        let files =
            [file("cloudformation/a.yaml", "Resources:\n  A:\n    Type: X\n"), file("cloudformation/p.yaml", PANICS)];
        let pending = start(&files, Blame::default());
        std::thread::scope(|s| {
            s.spawn(|| pending.help());
            pending.help();
        });
        let err = pending.wait().unwrap_err();
        assert_eq!(err.to_string(), "internal error: checking cloudformation/p.yaml panicked; please report this");
        // Nobody helped: `wait` does it all, with the same result.
        let err = start(&files, Blame::default()).wait().unwrap_err();
        assert_eq!(err.to_string(), "internal error: checking cloudformation/p.yaml panicked; please report this");
    }

    #[test]
    fn only_the_templates_about_to_be_written_are_checked() {
        let files =
            [file("cloudformation/a.yaml", "Resources: [: broken"), file("cloudformation/b.yaml", "Resources: {}\n")];
        let pending = start(&files, Blame::default());
        pending.only(&[&files[1]]);
        assert!(pending.wait().is_ok());
        let pending = start(&files, Blame::default());
        pending.only(&[&files[0], &files[1]]);
        assert!(pending.wait().is_err());
        // The selection is made once: a later `only` (or one after the check started, which
        // fixes the selection too) changes nothing.
        let pending = start(&files, Blame::default());
        pending.only(&[&files[1]]);
        pending.only(&[&files[0], &files[1]]);
        assert!(pending.wait().is_ok());
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
        let err = start(&files, Blame::default()).wait().unwrap_err();
        assert!(format!("{err:#}").starts_with("internal error: cloudformation/b.yaml is not valid YAML"), "{err:#}");
        let err = start(&files[2..], Blame(vec!["t/x.tera".into()])).wait().unwrap_err();
        assert!(format!("{err:#}").contains("(rendered with your templates t/x.tera)"), "{err:#}");
        let err = start(&files[3..], Blame::default()).wait().unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cloudformation/c.yaml: 501 resources; CloudFormation allows at most {CFN_RESOURCES} per template")
        );
        assert!(start(&[files[0].clone(), files[1].clone(), files[4].clone()], Blame::default()).wait().is_ok());
        assert!(start(&[], Blame::default()).wait().is_ok());
        // Two helpers take the templates, `wait` reports what they found.
        let pending = start(&files, Blame::default());
        std::thread::scope(|s| {
            s.spawn(|| pending.help());
            pending.help();
        });
        let err = pending.wait().unwrap_err();
        assert!(format!("{err:#}").starts_with("internal error: cloudformation/b.yaml is not valid YAML"), "{err:#}");
    }
}
