//! `crossrole policy`: the IAM JSON documents of a setup exactly as IAM will store them (the
//! `aws` partition), one document alone or all of them keyed by entity and name; each document's
//! size against its quota goes to standard error.

use std::io::Write;

use anyhow::{Context as _, Result, anyhow};

use super::{EXIT_OK, load_catalog};
use crate::aws::ids::AccountId;
use crate::aws::quotas;
use crate::cli::{PolicyArgs, PolicyEntity};
use crate::config::Config;
use crate::model::policy::{PolicyDocument, Var};
use crate::model::problems::Problems;
use crate::model::{self, Plan};
use crate::request::Request;

/// No policies (the further groups have no managed ones).
static EMPTY: Vec<crate::model::NamedPolicy> = Vec::new();

/// A document to print: where it belongs, its name, its quota.
struct Doc<'p> {
    key: String,
    doc: &'p PolicyDocument,
    quota: usize,
    trust: bool,
}

pub(crate) fn run(args: &PolicyArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    let s = &args.setup;
    let catalog = load_catalog(s.catalog.as_deref(), &s.catalog_extra)?;
    let config = match &s.config {
        Some(p) => Config::load(p)?,
        None => Config::default(),
    };
    let (mut req, problems) = Request::new(s, config);
    if req.external_ids.as_ref().is_some_and(|g| g.value == [crate::model::vendor::GENERATE]) {
        req.generated_external_id = Some("generated-by-crossrole".into());
    }
    let plan = model::build(&catalog, &req, problems)?;
    let account = member_account(args, &plan)?;
    let docs: Vec<Doc<'_>> = documents(&plan)
        .into_iter()
        .filter(|d| args.entity.is_none_or(|e| d.key.starts_with(entity_prefix(e))))
        .filter(|d| !args.trust_only || d.trust)
        .collect();
    let env = env(&plan, &account);
    let mut out = serde_json::Map::new();
    for d in &docs {
        let size = d.doc.iam_size(&env);
        let _ = if d.quota == quotas::GROUP_INLINE {
            writeln!(stderr, "{}: {size} characters (a group's inline policies share {})", d.key, d.quota)
        } else {
            writeln!(stderr, "{}: {size} of {} characters", d.key, d.quota)
        };
        out.insert(d.key.clone(), d.doc.to_json(&env));
    }
    let value = match (docs.len(), out.values().next()) {
        (1, Some(one)) => one.clone(),
        _ => serde_json::Value::Object(out),
    };
    let text =
        if args.minify { value.to_string() } else { serde_json::to_string_pretty(&value).context("encoding JSON")? };
    writeln!(stdout, "{text}").context("writing to stdout")?;
    Ok(EXIT_OK)
}

fn entity_prefix(e: PolicyEntity) -> &'static str {
    match e {
        PolicyEntity::Hub => "hub/",
        PolicyEntity::Member => "member/",
        PolicyEntity::Vendor => "vendor/",
    }
}

/// `--account`, checked, or the first member account (the documents name it).
fn member_account(args: &PolicyArgs, plan: &Plan) -> Result<String> {
    let Some(given) = &args.account else {
        return Ok(plan.members().first().map_or_else(|| "123456789012".into(), |m| m.account.to_string()));
    };
    let mut p = Problems::default();
    if let Some(id) = p.check("--account", AccountId::parse(given)) {
        if plan.members().is_empty() || plan.members().iter().any(|m| m.account == id) {
            return Ok(id.to_string());
        }
        p.push("--account", format!("{given:?} is not a member account of this setup"));
    }
    Err(anyhow!(p))
}

fn env(plan: &Plan, account: &str) -> impl Fn(Var) -> String {
    let hub = plan.hub().map(|h| (h.account.to_string(), h.user.name.clone())).unwrap_or_default();
    let account = account.to_string();
    let ids: Vec<String> =
        plan.vendor().and_then(|v| v.external_ids.known()).map(<[String]>::to_vec).unwrap_or_default();
    move |v| match v {
        Var::Partition => "aws".into(),
        Var::Account => account.clone(),
        Var::HubAccount => hub.0.clone(),
        Var::HubUserName => hub.1.clone(),
        Var::ExternalId(i) => ids.get(usize::from(i)).cloned().unwrap_or_else(|| format!("<ExternalId {}>", i + 1)),
    }
}

fn documents(plan: &Plan) -> Vec<Doc<'_>> {
    let mut docs = Vec::new();
    if let Some(hub) = plan.hub() {
        let groups = std::iter::once((&hub.group.name, &hub.inline, &hub.managed)).chain(
            hub.extra_groups.iter().map(|g| (&g.group.name, &g.inline, &hub.managed)).map(|(n, i, _)| (n, i, &EMPTY)),
        );
        for (name, inline, managed) in groups {
            for (p, quota) in inline
                .iter()
                .map(|p| (p, quotas::GROUP_INLINE))
                .chain(managed.iter().map(|p| (p, quotas::MANAGED_POLICY)))
            {
                docs.push(Doc { key: format!("hub/group {name}/{}", p.name), doc: &p.doc, quota, trust: false });
            }
        }
    }
    if let Some(role) = plan.role() {
        let who = if plan.vendor().is_some() { "vendor" } else { "member" };
        docs.push(Doc {
            key: format!("{who}/role {}/trust", role.name),
            doc: &role.trust,
            quota: quotas::TRUST_POLICY,
            trust: true,
        });
        if let Some(p) = &role.inline {
            docs.push(Doc {
                key: format!("{who}/role {}/{}", role.name, p.name),
                doc: &p.doc,
                quota: quotas::ROLE_INLINE,
                trust: false,
            });
        }
    }
    docs
}
