//! Model → files. Views are built in Rust, templates arrange the text, and every file is
//! normalised and parsed back before anything is written.

mod access;
pub(crate) mod aws_cli;
pub(crate) mod check;
pub(crate) mod escape;
pub(crate) mod explain;
pub(crate) mod filters;
pub(crate) mod overrides;
pub(crate) mod templates;
pub(crate) mod text;
pub(crate) mod tf_fmt;
pub(crate) mod view;
mod yaml_outline;

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context as _, Result, anyhow, bail};
use tera::{Context, Tera};

use crate::aws::quotas::{CFN_BODY, CFN_INLINE_BODY};
use crate::external_id;
use crate::keyword::{AccessKey, Setup};
use crate::model::Plan;
use crate::model::deploy::{DeployPlan, Layout};
use view::{Formats, Target};

/// Terraform loads `*.auto.tfvars.json` by itself, so known ExternalIds need no `-var`.
pub(crate) const TF_EXTERNAL_IDS: &str = "terraform/external-ids.auto.tfvars.json";

/// Files holding a shared secret (a vendor role's ExternalIds): written 0600.
pub(crate) fn is_secret(path: &str) -> bool {
    path == external_id::FILE || path == TF_EXTERNAL_IDS
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutputFile {
    /// Relative to the output directory, `/`-separated.
    pub(crate) path: String,
    pub(crate) contents: String,
}

#[derive(Debug, Default)]
pub(crate) struct Rendered {
    pub(crate) files: Vec<OutputFile>,
    pub(crate) warnings: Vec<String>,
    /// The CloudFormation templates are still to be parsed back (`check`).
    pub(crate) unchecked: bool,
}

/// The templates: the built-ins, some replaced by the user's (`--templates DIR`).
pub(crate) struct Engine {
    tera: Tera,
    overrides: Vec<overrides::Override>,
}

impl Engine {
    /// A broken output: our bug with the built-ins, the replaced templates' otherwise.
    pub(crate) fn blame(&self) -> check::Blame {
        check::Blame(self.overrides.iter().map(|o| o.path.display().to_string()).collect())
    }
}

/// The templates compiled, `replaced` (`--templates DIR`) in place of their built-ins.
pub(crate) fn engine(replaced: &[overrides::Override]) -> Result<Engine> {
    let mut tera = Tera::new();
    // Escaping is done by our filters, per target language; Tera's HTML escaping must stay off.
    tera.autoescape_on(Vec::<&str>::new());
    filters::register(&mut tera);
    tera.add_raw_templates(templates::BUILTIN.iter().copied())
        .map_err(|e| anyhow!("loading the built-in templates: {}", overrides::one_line(&e.to_string())))?;
    for o in replaced {
        tera.add_raw_template(&o.name, &o.text).map_err(|e| {
            anyhow!(
                "--templates: {} (replacing the built-in {}): {}",
                o.path.display(),
                o.name,
                overrides::one_line(&e.to_string())
            )
        })?;
    }
    Ok(Engine { tera, overrides: replaced.to_vec() })
}

/// One built-in template with its own context (`crossrole init`).
pub(crate) fn render_template(name: &str, ctx: &Context) -> Result<String> {
    render_one(&engine(&[])?, name, ctx)
}

fn render_one(engine: &Engine, name: &str, ctx: &Context) -> Result<String> {
    engine.tera.render(name, ctx).map_err(|e| render_error(engine, name, &e))
}

fn render_error(engine: &Engine, name: &str, e: &tera::Error) -> anyhow::Error {
    let during = match engine.overrides.iter().find(|o| o.name == name) {
        Some(o) => format!("rendering your template {} (replacing {name})", o.path.display()),
        None if engine.overrides.is_empty() => format!("rendering template {name}"),
        None => format!("rendering template {name} (which may include one of your --templates)"),
    };
    anyhow!(overrides::one_line(&e.to_string())).context(during)
}

thread_local! {
    /// What a template renders to before `text::normalise` copies it out: one buffer per thread,
    /// grown once to the largest output, instead of a fresh one doubling its way up to each
    /// file's size (at 10,000 accounts a megabyte of Terraform, and freshly touched memory is
    /// a good part of the run).
    static RAW: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A template rendered and normalised (`text::normalise`).
fn render_text(engine: &Engine, name: &str, ctx: &Context) -> Result<String> {
    render_then(engine, name, ctx, text::normalise)
}

/// A template rendered, then made into the file's text by `finish` (from the rendered bytes,
/// held in the thread's reused buffer).
fn render_then(engine: &Engine, name: &str, ctx: &Context, finish: impl FnOnce(&str) -> String) -> Result<String> {
    RAW.with_borrow_mut(|raw| {
        raw.clear();
        engine.tera.render_to(name, ctx, &mut *raw).map_err(|e| render_error(engine, name, &e))?;
        let text = std::str::from_utf8(raw).with_context(|| format!("rendering template {name}: not UTF-8"))?;
        Ok(finish(text))
    })
}

thread_local! {
    /// The normalised text of a Terraform file before its alignment copies it out, reused like
    /// `RAW` (a megabyte for the hub root of 10,000 accounts).
    static NORMALISED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A Terraform file: rendered, normalised and `=`-aligned as `terraform fmt` would, with one
/// copy of its text made (the aligned one).
fn render_tf(engine: &Engine, name: &str, ctx: &Context) -> Result<String> {
    render_then(engine, name, ctx, |raw| {
        NORMALISED.with_borrow_mut(|normalised| {
            text::normalise_into(raw, normalised);
            tf_fmt::align(normalised)
        })
    })
}

/// (template, output path) per setup.
type Files = &'static [(&'static str, &'static str)];

/// (template, output path, the DEPLOY.md flag saying its deploy command needs `--s3-bucket`).
type CfnFiles = &'static [(&'static str, &'static str, &'static str)];

const CFN_HUB_AND_SPOKE: CfnFiles = &[
    ("cloudformation/hub.yaml.tera", "cloudformation/hub.yaml", "hub_needs_s3"),
    ("cloudformation/role.yaml.tera", "cloudformation/member.yaml", "member_needs_s3"),
];
/// The member-role module, wherever a layout keeps it.
const TF_MEMBER_MODULE: Files = &[
    ("terraform/modules/role/versions.tf.tera", "terraform/modules/member-role/versions.tf"),
    ("terraform/modules/role/member-variables.tf.tera", "terraform/modules/member-role/variables.tf"),
    ("terraform/modules/role/main.tf.tera", "terraform/modules/member-role/main.tf"),
    ("terraform/modules/role/outputs.tf.tera", "terraform/modules/member-role/outputs.tf"),
];
/// One root, an aliased provider per member account.
const TF_PROVIDERS: Files = &[
    ("terraform/versions.tf.tera", "terraform/versions.tf"),
    ("terraform/providers.tf.tera", "terraform/providers.tf"),
    ("terraform/variables.tf.tera", "terraform/variables.tf"),
    ("terraform/hub.tf.tera", "terraform/hub.tf"),
    ("terraform/members.tf.tera", "terraform/members.tf"),
    ("terraform/outputs.tf.tera", "terraform/outputs.tf"),
];
/// A hub root, and a member root applied once per account by `members.sh`.
const TF_PER_ACCOUNT: Files = &[
    ("terraform/versions.tf.tera", "terraform/hub/versions.tf"),
    ("terraform/providers.tf.tera", "terraform/hub/providers.tf"),
    ("terraform/variables.tf.tera", "terraform/hub/variables.tf"),
    ("terraform/hub.tf.tera", "terraform/hub/hub.tf"),
    ("terraform/outputs.tf.tera", "terraform/hub/outputs.tf"),
    ("terraform/versions.tf.tera", "terraform/member/versions.tf"),
    ("terraform/member-root/providers.tf.tera", "terraform/member/providers.tf"),
    ("terraform/member-root/variables.tf.tera", "terraform/member/variables.tf"),
    ("terraform/member-root/main.tf.tera", "terraform/member/main.tf"),
    ("terraform/member-root/outputs.tf.tera", "terraform/member/outputs.tf"),
    ("terraform/members.sh.tera", "terraform/members.sh"),
];
/// The hub and the stack set in one root (the body is `TF_STACKSET_BODY`).
const TF_STACKSET: Files = &[
    ("terraform/versions.tf.tera", "terraform/versions.tf"),
    ("terraform/providers.tf.tera", "terraform/providers.tf"),
    ("terraform/variables.tf.tera", "terraform/variables.tf"),
    ("terraform/hub.tf.tera", "terraform/hub.tf"),
    ("terraform/stackset.tf.tera", "terraform/stackset.tf"),
    ("terraform/outputs.tf.tera", "terraform/outputs.tf"),
];
/// The member template, read by `stackset.tf` with `file()`.
const TF_STACKSET_BODY: &str = "terraform/member-role.yaml";
const CFN_MEMBER_TEMPLATE: &str = "cloudformation/role.yaml.tera";
const CFN_STACKSET: (&str, &str) = ("cloudformation/stackset.yaml.tera", "cloudformation/stackset.yaml");
/// A vendor role: one role template, a module and a root module that uses it.
const CFN_VENDOR_ROLE: CfnFiles =
    &[("cloudformation/role.yaml.tera", "cloudformation/vendor-role.yaml", "vendor_needs_s3")];
const TF_VENDOR_ROLE: Files = &[
    ("terraform/versions.tf.tera", "terraform/versions.tf"),
    ("terraform/vendor/main.tf.tera", "terraform/main.tf"),
    ("terraform/vendor/variables.tf.tera", "terraform/variables.tf"),
    ("terraform/vendor/outputs.tf.tera", "terraform/outputs.tf"),
    ("terraform/modules/role/versions.tf.tera", "terraform/modules/vendor-role/versions.tf"),
    ("terraform/modules/role/vendor-variables.tf.tera", "terraform/modules/vendor-role/variables.tf"),
    ("terraform/modules/role/main.tf.tera", "terraform/modules/vendor-role/main.tf"),
    ("terraform/modules/role/outputs.tf.tera", "terraform/modules/vendor-role/outputs.tf"),
];
/// One account: the hub's user and group are all there is.
const CFN_SINGLE_ACCOUNT: CfnFiles = &[("cloudformation/hub.yaml.tera", "cloudformation/account.yaml", "hub_needs_s3")];
const TF_SINGLE_ACCOUNT: Files = &[
    ("terraform/versions.tf.tera", "terraform/versions.tf"),
    ("terraform/providers.tf.tera", "terraform/providers.tf"),
    ("terraform/variables.tf.tera", "terraform/variables.tf"),
    ("terraform/hub.tf.tera", "terraform/main.tf"),
    ("terraform/outputs.tf.tera", "terraform/outputs.tf"),
];

/// `render_deferred` with the built-in templates, and the check.
#[cfg(test)]
pub(crate) fn render(model: &Plan, formats: Formats) -> Result<Rendered> {
    let out = render_deferred(model, formats, &engine(&[])?)?;
    check::start(&out.files, check::Blame::default()).wait()?;
    Ok(out)
}

/// Every file of the setup, rendered with `tera`. The parse-back of the CloudFormation templates
/// of the built-ins is left to the caller (`check::start` over the files it writes, `unchecked`
/// set); the files of replaced templates (`--templates DIR`) are all parsed back before this
/// returns.
pub(crate) fn render_deferred(model: &Plan, formats: Formats, tera: &Engine) -> Result<Rendered> {
    let mut out = render_files(model, formats, tera)?;
    if tera.overrides.is_empty() {
        out.unchecked = true;
        return Ok(out);
    }
    check::start(&out.files, tera.blame()).wait()?;
    overrides::parse_back(&out.files, &tera.overrides)?;
    Ok(out)
}

/// Every file of the setup. CloudFormation (and DEPLOY.md, which reads what the CloudFormation
/// templates decided) on this thread, Terraform on a second one, and the rest (`Spare`) on
/// whichever of them is free first: they share only the plan and the member list, and at
/// thousands of accounts each is a good part of the run.
fn render_files(model: &Plan, formats: Formats, tera: &Engine) -> Result<Rendered> {
    let shared = view::shared(model)?;
    let spare = Spare { next: AtomicUsize::new(0) };
    let (main, tf, spare_here, spare_there) = std::thread::scope(|scope| {
        let (shared, spare) = (&shared, &spare);
        let second = (formats.tf || formats.cli).then(|| {
            std::thread::Builder::new().spawn_scoped(scope, move || {
                (terraform(model, formats, tera, shared), spare.take(model, formats, tera))
            })
        });
        let main = cloudformation_and_deploy(model, formats, tera, shared);
        let here = spare.take(model, formats, tera);
        let (tf, there) = match second {
            Some(Ok(handle)) => handle.join().unwrap_or_else(|_| {
                (Err(anyhow!("internal error: rendering Terraform, the CLI script or the data files panicked")), vec![])
            }),
            // No thread to be had (or nothing for it to do): the same work on this one.
            _ => (terraform(model, formats, tera, shared), spare.take(model, formats, tera)),
        };
        (main, tf, here, there)
    });
    let mut out = main?;
    out.files.extend(tf?);
    for files in spare_here.into_iter().chain(spare_there) {
        out.files.extend(files?);
    }
    out.files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The files that need neither the CloudFormation nor the Terraform context, in three pieces,
/// the largest first (the CLI script and its documents, the state record, the other data
/// files): each taken once, one at a time, by whichever thread is done with its own work, so the
/// first one done does not take them all while the other finishes alone.
struct Spare {
    next: AtomicUsize,
}

impl Spare {
    fn take(&self, model: &Plan, formats: Formats, tera: &Engine) -> Vec<Result<Vec<OutputFile>>> {
        let mut done = Vec::new();
        loop {
            done.push(match self.next.fetch_add(1, Ordering::Relaxed) {
                0 if formats.cli => cli_files(model, tera),
                0 => continue,
                1 => Ok(state_file(model)),
                2 => data_files(model, formats),
                _ => return done,
            });
        }
    }
}

/// The CloudFormation templates and DEPLOY.md.
fn cloudformation_and_deploy(model: &Plan, formats: Formats, tera: &Engine, shared: &view::Shared) -> Result<Rendered> {
    let mut out = Rendered::default();
    let mut cfn_ctx = view::context(model, Target::CfnHub, Target::CfnMember, formats, shared)?;
    cfn_ctx.insert("header_s3", &false);
    access_key_warnings(model, formats, &mut out.warnings);
    let (cfn_files, deploy) = match model.kind() {
        Setup::HubAndSpoke => (CFN_HUB_AND_SPOKE, "DEPLOY-hub-and-spoke.md.tera"),
        Setup::SingleAccount => (CFN_SINGLE_ACCOUNT, "DEPLOY-single-account.md.tera"),
        Setup::VendorRole => (CFN_VENDOR_ROLE, "DEPLOY-vendor-role.md.tera"),
    };
    let stackset = model.spokes().and_then(|h| match &h.deploy {
        DeployPlan::StackSet(s) => Some(s),
        DeployPlan::Stacks => None,
    });
    // A stack set carries the member template as its body (both formats need it).
    if let Some(s) = stackset {
        let body = stackset_body(tera, &cfn_ctx, s)?;
        if formats.tf && s.template_url.is_none() {
            out.files.push(OutputFile { path: TF_STACKSET_BODY.into(), contents: body.clone() });
        }
        cfn_ctx.insert("member_body", &body);
    }

    // DEPLOY.md reads the same context, with the flags gathered below (set after the templates
    // that read `header_s3`, so cloning a context of thousands of accounts is not needed).
    let mut flags: Vec<(&str, bool)> = Vec::new();
    let stackset_file = stackset.map(|_| (CFN_STACKSET.0, CFN_STACKSET.1, "stackset_needs_s3"));
    for (t, path, needs_s3) in cfn_files.iter().copied().chain(stackset_file) {
        let mut needs = false;
        if formats.cfn {
            let (text, s3) = render_cfn(tera, t, &mut cfn_ctx, path, &mut out.warnings)?;
            needs = s3;
            out.files.push(OutputFile { path: path.to_string(), contents: text });
        }
        flags.push((needs_s3, needs));
    }
    let mut hub_users_need_s3 = false;
    if formats.cfn {
        let (files, needs_s3) = extra_user_stacks(tera, model, &mut cfn_ctx, &mut out.warnings)?;
        out.files.extend(files);
        hub_users_need_s3 = needs_s3;
    }
    out.files.push(OutputFile {
        path: "DEPLOY.md".into(),
        contents: render_text(tera, deploy, &{
            for (k, v) in flags {
                cfn_ctx.insert(k, &v);
            }
            cfn_ctx.insert("hub_users_need_s3", &hub_users_need_s3);
            cfn_ctx.insert("diagram", &explain::mermaid(&explain::access(None, model)));
            cfn_ctx.insert("access_levels", &access::level_names());
            cfn_ctx.insert("access", &access::summary(model));
            cfn_ctx
        })?,
    });
    Ok(out)
}

/// The Terraform files and the CLI script with its policy documents.
fn terraform(model: &Plan, formats: Formats, tera: &Engine, shared: &view::Shared) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    if formats.tf {
        let tf_ctx = view::context(model, Target::TfHub, Target::TfMember, formats, shared)?;
        for (t, path) in tf_files(model) {
            let text =
                if path.ends_with(".tf") { render_tf(tera, t, &tf_ctx)? } else { render_text(tera, t, &tf_ctx)? };
            files.push(OutputFile { path: (*path).to_string(), contents: text });
        }
    }
    Ok(files)
}

/// The CLI script and the policy files it reads.
fn cli_files(model: &Plan, tera: &Engine) -> Result<Vec<OutputFile>> {
    let (view, policies) = aws_cli::build(model);
    let ctx = Context::from_serialize(&view).map_err(|e| anyhow!("building the CLI script context: {e}"))?;
    let text = render_text(tera, "cli/deploy.sh.tera", &ctx)?;
    let mut files = vec![OutputFile { path: aws_cli::SCRIPT.into(), contents: text }];
    files.extend(policies);
    Ok(files)
}

/// One stack per further hub user of the `groups` shape, so no template passes CloudFormation's
/// 1 MB at thousands of accounts.
fn extra_user_stacks(
    tera: &Engine,
    model: &Plan,
    ctx: &mut Context,
    warnings: &mut Vec<String>,
) -> Result<(Vec<OutputFile>, bool)> {
    let users = ctx.get("extra_users").and_then(tera::Value::as_array).map(<[tera::Value]>::to_vec).unwrap_or_default();
    let count = model.hub().map_or(0, |h| h.extra_users.len());
    let mut files = Vec::new();
    let mut large = Vec::new();
    for (i, user) in users.into_iter().enumerate().take(count) {
        ctx.insert_value("u", user);
        let path = view::extra_user_template(i + 2);
        let (text, s3) = render_cfn(tera, "cloudformation/hub-user.yaml.tera", ctx, &path, &mut Vec::new())?;
        if s3 {
            large.push(text.len());
        }
        files.push(OutputFile { path, contents: text });
    }
    if let Some(max) = large.iter().max() {
        warnings.push(format!(
            "{} of the {count} cloudformation/hub-user-*.yaml templates are over the {CFN_INLINE_BODY} bytes `aws cloudformation deploy` sends inline (up to {max}): DEPLOY.md deploys them with --s3-bucket",
            large.len()
        ));
    }
    Ok((files, !large.is_empty()))
}

/// The member template as a StackSet body, which must fit `TemplateBody` unless it is uploaded.
fn stackset_body(tera: &Engine, ctx: &Context, s: &crate::model::deploy::StackSet) -> Result<String> {
    let body = render_text(tera, CFN_MEMBER_TEMPLATE, ctx)?;
    if body.len() > CFN_INLINE_BODY && s.template_url.is_none() {
        bail!(
            "stackset.template_url: the member template is {} bytes, over the {CFN_INLINE_BODY} bytes a StackSet takes as TemplateBody: upload cloudformation/member.yaml to S3 and give its https URL as stackset.template_url",
            body.len()
        );
    }
    Ok(body)
}

/// The Terraform files of the setup's layout.
fn tf_files(model: &Plan) -> Vec<&'static (&'static str, &'static str)> {
    let tables: &[Files] = match (model.kind(), model.spokes().map(|h| h.tf.layout)) {
        (Setup::SingleAccount, _) => &[TF_SINGLE_ACCOUNT],
        (Setup::VendorRole, _) => &[TF_VENDOR_ROLE],
        (Setup::HubAndSpoke, Some(Layout::PerAccount)) => &[TF_PER_ACCOUNT, TF_MEMBER_MODULE],
        (Setup::HubAndSpoke, Some(Layout::StackSet)) => &[TF_STACKSET],
        (Setup::HubAndSpoke, _) => &[TF_PROVIDERS, TF_MEMBER_MODULE],
    };
    tables.iter().flat_map(|t| t.iter()).collect()
}

/// The record of what a hub and spoke setup placed, which the next run starts from.
fn state_file(model: &Plan) -> Vec<OutputFile> {
    let state =
        model.spokes().map(|h| OutputFile { path: crate::model::state::FILE.into(), contents: h.state.to_json() });
    state.into_iter().collect()
}

/// Files that are data, not templates: the member accounts for DEPLOY.md's loops, the accounts
/// that left the setup, and a vendor role's known ExternalIds.
fn data_files(model: &Plan, formats: Formats) -> Result<Vec<OutputFile>> {
    let mut files = Vec::new();
    if !model.members().is_empty() {
        // One buffer of 13 bytes a line, not a string formatted per account.
        let mut ids = String::with_capacity(model.members().len() * 13);
        for m in model.members() {
            ids.push_str(m.account.as_str());
            ids.push('\n');
        }
        files.push(OutputFile { path: view::ACCOUNTS_FILE.into(), contents: ids });
    }
    let retired = model.spokes().map(|h| h.state.retired.as_slice()).unwrap_or_default();
    if !retired.is_empty() {
        // The accounts that left, for DEPLOY.md's commands that remove their roles.
        let ids: String = retired.iter().map(|a| format!("{a}\n")).collect();
        files.push(OutputFile { path: view::RETIRED_FILE.into(), contents: ids });
    }
    if let Some(ids) = model.vendor().and_then(|v| v.external_ids.known()) {
        files.push(OutputFile {
            path: external_id::FILE.into(),
            contents: ids.iter().map(|i| format!("{i}\n")).collect(),
        });
        if formats.tf {
            let vars = serde_json::json!({ "external_ids": ids });
            let text = serde_json::to_string_pretty(&vars).context("encoding the ExternalIds for Terraform")?;
            files.push(OutputFile { path: TF_EXTERNAL_IDS.into(), contents: format!("{text}\n") });
        }
    }
    Ok(files)
}

fn access_key_warnings(model: &Plan, formats: Formats, warnings: &mut Vec<String>) {
    if !model.hub().is_some_and(|h| h.access_key == AccessKey::SecretsManager) {
        return;
    }
    if formats.tf {
        warnings.push(
            "hub.access_key: with Terraform the secret access key is stored in the state unless you pass access_key_pgp_key (a check block repeats this at plan time)".into(),
        );
    }
    if formats.cli {
        warnings
            .push("hub.access_key: cli/deploy.sh does not create the access key; DEPLOY.md gives the command".into());
    }
}

/// A CloudFormation template (parsed back later with the others, `check_templates`), and whether
/// it is over the inline limit, so that the deploy command in its header carries `--s3-bucket`.
/// It is rendered with that header first: a large template (thousands of accounts) is then
/// rendered once, and only a small one again without it. (A template within the header's few bytes of the limit keeps the S3 header,
/// which is right for the file as written.)
fn render_cfn(
    tera: &Engine,
    template: &str,
    ctx: &mut Context,
    path: &str,
    warnings: &mut Vec<String>,
) -> Result<(String, bool)> {
    ctx.insert("header_s3", &true);
    let rendered = render_text(tera, template, ctx);
    ctx.insert("header_s3", &false);
    let mut text = rendered?;
    let needs_s3 = text.len() > CFN_INLINE_BODY;
    if !needs_s3 {
        text = render_text(tera, template, ctx)?;
    }
    over_inline(path, &text, warnings)?;
    Ok((text, needs_s3))
}

/// Enforces CloudFormation's body limit, and warns of a template too large to deploy without
/// `--s3-bucket`.
fn over_inline(path: &str, text: &str, warnings: &mut Vec<String>) -> Result<()> {
    if text.len() > CFN_BODY {
        bail!("{path}: {} bytes; CloudFormation accepts at most {CFN_BODY} bytes even from S3", text.len());
    }
    if text.len() > CFN_INLINE_BODY {
        warnings.push(format!(
            "{path} is {} bytes, over the {CFN_INLINE_BODY} bytes `aws cloudformation deploy` sends inline: add --s3-bucket <bucket> to its deploy command",
            text.len()
        ));
    }
    Ok(())
}
