//! `crossrole policy`: the IAM JSON documents of a setup exactly as IAM will store them (the
//! `aws` partition), one document alone or all of them keyed by entity and name; each document's
//! size against its quota goes to standard error.

use std::io::Write;

use anyhow::{Context as _, Result, anyhow};

use super::EXIT_OK;
use crate::aws::ids::AccountId;
use crate::aws::quotas;
use crate::cli::{PolicyArgs, PolicyEntity};
use crate::model::Plan;
use crate::model::policy::{PolicyDocument, Var};
use crate::model::problems::Problems;

/// A document to print: where it belongs, its name, its quota.
struct Doc<'p> {
    key: String,
    doc: &'p PolicyDocument,
    quota: usize,
    trust: bool,
}

pub(crate) fn run(args: &PolicyArgs, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<u8> {
    let (_, plan) = super::read_only_plan(&args.setup, args.out.as_deref())?;
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

fn documents<'p>(plan: &'p Plan) -> Vec<Doc<'p>> {
    let mut docs = Vec::new();
    if let Some(hub) = plan.hub() {
        let group = |name: &str, p: &'p crate::model::NamedPolicy, quota| Doc {
            key: format!("hub/group {name}/{}", p.name),
            doc: &p.doc,
            quota,
            trust: false,
        };
        docs.extend(hub.inline.iter().map(|p| group(&hub.group.name, p, quotas::GROUP_INLINE)));
        docs.extend(hub.managed.iter().map(|p| group(&hub.group.name, p, quotas::MANAGED_POLICY)));
        for g in &hub.extra_groups {
            docs.extend(g.inline.iter().map(|p| group(&g.group.name, p, quotas::GROUP_INLINE)));
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
