//! `crossrole emit`: request → plan → files, then written, checked or printed.

use std::io::Write;
use std::sync::{Mutex, PoisonError};

use anyhow::{Context as _, Result};

use super::{EXIT_DRIFT, EXIT_OK, setup_catalog};
use crate::cli::EmitArgs;
use crate::config::Config;
use crate::external_id;
use crate::model::problems::Problems;
use crate::model::{self, Plan};
use crate::output;
use crate::render::{self, OutputFile, view::Formats};
use crate::request::Request;
use crate::suggest::did_you_mean;

/// The plan of an emit, with what the output's previous run had placed.
struct Planned {
    plan: Plan,
    /// How many hub policy documents changed since the previous run.
    changed: usize,
    /// What the plan was built from, freed with it while the disk flushes (at 10,000 accounts
    /// the member list, and on a re-emit the previous state).
    inputs: (Request, crate::catalog::Catalog),
    /// This run generated a new ExternalId.
    generated_new: bool,
}

fn plan(args: &EmitArgs) -> Result<Planned> {
    let config = match &args.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let catalog = setup_catalog(args, &config)?;
    let listed = super::accounts_file(args)?;
    let (mut req, problems) = Request::new(args, config, listed.as_deref());
    req.previous = super::previous_state(&args.out)?;
    req.applied = args.applied;
    let generated_new = resolve_generated_id(args, &mut req)?;
    let plan = model::build(&catalog, &req, problems)?;
    // Counted against the previous state where it was read, rather than from a copy of its
    // documents (thousands at 10,000 accounts).
    let changed = match (&req.previous, plan.spokes()) {
        (Some(old), Some(h)) => crate::model::transition::changed(&old.documents, &h.state.documents),
        _ => 0,
    };
    Ok(Planned { plan, changed, generated_new, inputs: (req, catalog) })
}

/// The templates, with the user's from `--templates DIR` in place of the built-ins they replace.
fn engine(args: &EmitArgs) -> Result<render::Engine> {
    let replaced = match &args.templates {
        Some(dir) => render::overrides::load(dir)?,
        None => Vec::new(),
    };
    render::engine(&replaced)
}

pub(crate) fn run(args: &EmitArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    // The templates compile on a second thread while this one builds the plan: they need
    // nothing from it. A problem with the plan is reported first, as when one followed the other.
    let (planned, engine) = crate::parallel::join(|| plan(args), || engine(args));
    let Planned { plan, changed, generated_new, inputs } = planned?;
    let engine = engine?;
    let rendered = render::render_deferred(&plan, Formats::of(args.format), &engine)?;
    for w in plan.warnings.iter().chain(&rendered.warnings) {
        let _ = writeln!(stderr, "warning: {w}");
    }
    let files = select(args, rendered.files)?;
    // The CloudFormation templates about to be written are parsed back while the staged files
    // flush to disk, by two more threads and this one once the disk is done (shown instead, by
    // two threads first); nothing is renamed into place before that check passes.
    let to_check: &[render::OutputFile] = if rendered.unchecked { &files } else { &[] };
    let check = render::check::start(to_check, engine.blame());
    if args.stdout || args.check {
        check.wait()?;
        return show(args, &files, stdout, stderr);
    }
    // Taken now: the plan is freed while the disk flushes (below).
    let vendor = vendor_title(&plan).to_string();
    let retired = plan.spokes().map_or(0, |h| h.state.retired.len());
    let retired_users = plan.spokes().map_or(0, |h| h.state.retired_users.len());
    // The plan, its inputs and the templates are freed while the staged files flush to disk, by
    // the first thread to help there, rather than after the renames: at 10,000 accounts that is
    // a millisecond of freeing at the end of the run.
    let beside = Flush { check: &check, spent: Mutex::new(Some((plan, inputs, engine))) };
    let report = output::write(&args.out, &files, args.force, args.only.is_some(), &beside)?;
    if generated_new && report.written.iter().any(|f| f == external_id::FILE) {
        let _ = writeln!(
            stderr,
            "crossrole: generated a new ExternalId and wrote it to {}; give it to {vendor} (it is not printed)",
            args.out.join(external_id::FILE).display(),
        );
    }
    let _ = writeln!(
        stderr,
        "crossrole: {} written, {} unchanged, {} removed in {}; next steps in {}",
        report.written.len(),
        report.unchanged.len(),
        report.removed.len(),
        args.out.display(),
        args.out.join("DEPLOY.md").display()
    );
    if changed > 0 {
        let what = if changed == 1 { "document changes" } else { "documents change" };
        let _ = writeln!(
            stderr,
            "crossrole: {changed} hub policy {what} since the last run (checked against IAM's limits while deployed)"
        );
    }
    if retired > 0 {
        let what = if retired == 1 {
            "1 account has left the setup; its member role stays".to_string()
        } else {
            format!("{retired} accounts have left the setup; their member roles stay")
        };
        let _ = writeln!(
            stderr,
            "crossrole: {what} until removed ({} lists them and says how)",
            args.out.join("DEPLOY.md").display()
        );
    }
    if retired_users > 0 {
        let what = if retired_users == 1 {
            "1 hub user has left the setup and keeps its grants until deleted; delete its access keys".to_string()
        } else {
            format!(
                "{retired_users} hub users have left the setup and keep their grants until deleted; delete their access keys"
            )
        };
        let _ = writeln!(stderr, "crossrole: {what} first ({} says how)", args.out.join("DEPLOY.md").display());
    }
    for line in next_steps(&files, &args.out) {
        let _ = writeln!(stderr, "crossrole: next, {line}");
    }
    Ok(EXIT_OK)
}

/// Beside the write: the check of the templates about to be written, and what the run no longer
/// needs (`spent`), freed while the disk flushes.
struct Flush<'c, 'f, T> {
    check: &'c render::check::Pending<'f>,
    spent: Mutex<Option<T>>,
}

impl<T: Send> output::Beside for Flush<'_, '_, T> {
    fn changing(&self, written: &[&render::OutputFile]) {
        self.check.only(written);
    }

    fn help(&self) {
        // Taken out under the lock, freed after it: the other helpers are not kept waiting.
        let freed = self.spent.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(freed);
        self.check.help();
    }

    fn ready(&self) -> Result<()> {
        self.check.wait()
    }
}

/// `--stdout`: the one file; `--check`: what drifted from the files on disk.
fn show(args: &EmitArgs, files: &[OutputFile], stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    if args.stdout {
        stdout.write_all(files[0].contents.as_bytes()).context("writing to stdout")?;
        return Ok(EXIT_OK);
    }
    // The lines name what drifted; the patch (on standard output) shows how.
    let (drift, patch) = output::check(&args.out, files, args.only.is_some())?;
    for d in &drift {
        let _ = writeln!(stderr, "drift: {d}");
    }
    stdout.write_all(patch.as_bytes()).context("writing the diff to stdout")?;
    Ok(if drift.is_empty() { EXIT_OK } else { EXIT_DRIFT })
}

/// What to run first, per emitted format (DEPLOY.md has the rest): the first template to deploy,
/// the Terraform root to plan, the CLI script.
fn next_steps(files: &[OutputFile], out: &std::path::Path) -> Vec<String> {
    use render::view::{HUB_STACK, SINGLE_STACK, VENDOR_STACK};
    let has = |p: &str| files.iter().any(|f| f.path == p);
    let at = |p: &str| out.join(p).display().to_string();
    let mut steps = Vec::new();
    let cfn = [
        ("cloudformation/hub.yaml", HUB_STACK),
        ("cloudformation/account.yaml", SINGLE_STACK),
        ("cloudformation/vendor-role.yaml", VENDOR_STACK),
    ];
    if let Some((template, stack)) = cfn.iter().find(|(t, _)| has(t)) {
        let params = if *stack == VENDOR_STACK { " --parameter-overrides ... (DEPLOY.md names them)" } else { "" };
        // The warning about its size said so too: a larger body has to go through S3.
        let large = files.iter().any(|f| f.path == *template && f.contents.len() > crate::aws::quotas::CFN_INLINE_BODY);
        let s3 = if large { " --s3-bucket <bucket>" } else { "" };
        steps.push(format!(
            "CloudFormation: aws cloudformation deploy --template-file {}{s3} --stack-name {stack} --capabilities CAPABILITY_NAMED_IAM{params}",
            at(template)
        ));
    }
    let root = if has("terraform/hub/hub.tf") { "terraform/hub" } else { "terraform" };
    if has(&format!("{root}/versions.tf")) {
        let members = if has("terraform/members.sh") {
            format!(", then bash {} plan", at("terraform/members.sh"))
        } else {
            String::new()
        };
        steps.push(format!("Terraform: terraform -chdir={0} init && terraform -chdir={0} plan{members}", at(root)));
    }
    if has("cli/deploy.sh") {
        steps.push(format!("AWS CLI: bash {}", at("cli/deploy.sh")));
    }
    steps
}

fn vendor_title(plan: &Plan) -> &str {
    plan.vendor().map_or("the vendor", |v| v.title.as_str())
}

/// The files `--only` selects (all without it); `--stdout` needs exactly one.
fn select(args: &EmitArgs, files: Vec<OutputFile>) -> Result<Vec<OutputFile>> {
    let files = match &args.only {
        None => files,
        Some(only) => {
            let mut problems = Problems::default();
            let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            for (i, want) in only.iter().enumerate() {
                if !names.contains(&want.as_str()) {
                    let hint = did_you_mean(want, names.iter().copied());
                    problems.push(
                        format!("--only[{i}]"),
                        format!("{want:?} is not an output of this run{hint}; outputs are {}", names.join(", ")),
                    );
                }
            }
            if !problems.is_empty() {
                return Err(problems.into());
            }
            // Written, the record of the run goes along: the next run starts from what was placed.
            let state = (!args.stdout).then_some(crate::model::state::FILE);
            files.into_iter().filter(|f| only.contains(&f.path) || Some(f.path.as_str()) == state).collect()
        }
    };
    if args.stdout && files.len() != 1 {
        let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let mut p = Problems::default();
        p.push(
            "--stdout",
            format!(
                "needs exactly one selected file, but this run has {} ({}); pick one with --only",
                files.len(),
                names.join(", ")
            ),
        );
        return Err(p.into());
    }
    Ok(files)
}

/// `generate` (flag or config): reuses the ID in the output directory or makes one, before the
/// model is built (the model does no I/O). Returns whether it is new (the user is told where it
/// went once it is written).
fn resolve_generated_id(args: &EmitArgs, req: &mut Request) -> Result<bool> {
    let Some(given) = &req.external_ids else { return Ok(false) };
    let (id, new) = match external_id::resolve(&args.out, &given.value)? {
        external_id::Resolved::AsGiven => return Ok(false),
        external_id::Resolved::Reused(id) => (id, false),
        external_id::Resolved::New(id) => (id, true),
    };
    if new && args.stdout {
        let mut p = Problems::default();
        p.push(
            &given.field,
            format!(
                "generate: {} holds no ExternalId yet; run once without --stdout so the new one is kept",
                args.out.join(external_id::FILE).display()
            ),
        );
        return Err(p.into());
    }
    req.generated_external_id = Some(id);
    Ok(new)
}
