//! A change of a deployed hub checked against every state IAM passes through while it is
//! deployed. CloudFormation creates and updates resources before it deletes the ones removed;
//! Terraform may run creates and deletes in any order; so the worst moment holds every old
//! document, every new one, and for a document changed in place the larger of its two versions.
//! Each group's inline total and managed attachments must fit then too.

use std::collections::BTreeMap;

use super::hub_policy::AssumePlan;
use super::policy::Var;
use super::state::DocState;
use super::{Hub, NamedPolicy};
use crate::aws::quotas::{GROUP_INLINE, GROUP_MANAGED};

/// Every hub group's policies as they will be deployed: group 1 is the hub's own group. The
/// sizes are measured on two threads (`parallel::map`): at 10,000 accounts that is writing 250
/// documents of 40 role ARNs each.
pub(crate) fn documents(hub: &Hub, assume: &AssumePlan, env: &(dyn Fn(Var) -> String + Sync)) -> Vec<DocState> {
    // Each document's accounts are taken out of the map (a key is one document's), not copied
    // again: at 10,000 accounts that is 10,000 ids.
    let mut accounts: BTreeMap<&str, Vec<String>> = assume
        .placement
        .iter()
        .map(|(k, a)| (k.as_str(), a.iter().map(|x| x.as_str().to_string()).collect()))
        .collect();
    let mut out: Vec<DocState> = Vec::new();
    // The documents to measure, with where their state is in `out`.
    let mut docs: Vec<(usize, &NamedPolicy)> = Vec::new();
    let mut doc = |out: &mut Vec<DocState>, group: usize, managed: bool, p: &NamedPolicy| {
        let accounts = accounts.remove(p.key.as_str()).unwrap_or_default();
        out.push(DocState { group, key: p.key.clone(), managed, size: 0, accounts });
    };
    let aws = |group: usize, name: &String| DocState {
        group,
        key: format!("aws:{name}"),
        managed: true,
        ..DocState::default()
    };
    let hub_docs = hub.inline.iter().map(|p| (false, p)).chain(hub.managed.iter().map(|p| (true, p)));
    for (managed, p) in hub_docs {
        docs.push((out.len(), p));
        doc(&mut out, 1, managed, p);
    }
    out.extend(hub.aws_managed.iter().map(|n| aws(1, n)));
    for g in &hub.extra_groups {
        for p in &g.inline {
            docs.push((out.len(), p));
            doc(&mut out, g.number, false, p);
        }
        out.extend(g.aws_managed.iter().map(|n| aws(g.number, n)));
    }
    debug_assert!(
        assume.placement.iter().all(|(k, _)| docs.iter().filter(|(_, p)| p.key == *k).count() <= 1),
        "a placement key names more than one hub document: its accounts would go to the first only"
    );
    let sizes = crate::parallel::map(&docs, |(_, p)| p.doc.iam_size(env));
    for ((i, _), size) in docs.iter().zip(sizes) {
        out[*i].size = size;
    }
    out
}

/// A document's identity across runs: group, key, managed.
type DocId<'a> = (usize, &'a str, bool);

/// Each document of either run by its identity, with its state in `old` and in `new`
/// (borrowed: a re-emit of 10,000 accounts has 10,000 ids on each side).
fn pair<'d>(
    old: &'d [DocState],
    new: &'d [DocState],
) -> BTreeMap<DocId<'d>, (Option<&'d DocState>, Option<&'d DocState>)> {
    let mut both: BTreeMap<DocId<'d>, (Option<&DocState>, Option<&DocState>)> = BTreeMap::new();
    for d in old {
        both.entry((d.group, d.key.as_str(), d.managed)).or_default().0 = Some(d);
    }
    for d in new {
        both.entry((d.group, d.key.as_str(), d.managed)).or_default().1 = Some(d);
    }
    both
}

/// The groups whose worst moment during the change from `old` to `new` breaks a quota, one line
/// each with the numbers.
pub(crate) fn problems(old: &[DocState], new: &[DocState]) -> Vec<String> {
    let mut inline: BTreeMap<usize, usize> = BTreeMap::new();
    let mut managed: BTreeMap<usize, usize> = BTreeMap::new();
    for ((group, _, is_managed), (a, b)) in pair(old, new) {
        if is_managed {
            *managed.entry(group).or_default() += 1;
        } else {
            *inline.entry(group).or_default() += a.map(|d| d.size).max(b.map(|d| d.size)).unwrap_or(0);
        }
    }
    let mut out = Vec::new();
    for (group, peak) in inline.into_iter().filter(|(_, p)| *p > GROUP_INLINE) {
        out.push(format!(
            "group {group} would hold {peak} inline characters while the change is deployed (old and new policies side by side), over IAM's {GROUP_INLINE}"
        ));
    }
    for (group, count) in managed.into_iter().filter(|(_, c)| *c > GROUP_MANAGED) {
        out.push(format!(
            "group {group} would have {count} managed policies attached while the change is deployed, over IAM's {GROUP_MANAGED}"
        ));
    }
    out
}

/// How many hub documents differ between two runs (added, removed or changed).
pub(crate) fn changed(old: &[DocState], new: &[DocState]) -> usize {
    fn content(d: Option<&DocState>) -> Option<(usize, &[String])> {
        d.map(|d| (d.size, &d.accounts[..]))
    }
    pair(old, new).into_values().filter(|(a, b)| content(*a) != content(*b)).count()
}
