//! Packing the hub group's `sts:AssumeRole` permissions so IAM accepts them. IAM counts every inline
//! policy of a group against 5,120 non-whitespace characters; seed 002's one-policy-per-account
//! layout breaks at about 37 accounts. We measure each candidate shape and take the first that fits.

use std::collections::{BTreeMap, HashSet};

use super::deploy::Organization;
use super::{Entity, NamedPolicy};

mod spread;
use super::policy::{Condition, Expr, PolicyDocument, Statement, Var, iam_arn, iam_arn_in, policy_literal};
use crate::aws::ids::{self, AccountId};
use crate::aws::quotas::{GROUP_INLINE, GROUP_MANAGED, MANAGED_POLICY};
use crate::keyword::AssumeShape;

/// The shapes in order of preference: explicit ARNs first (easiest to audit), then the wildcard
/// role ARN scoped by `aws:ResourceAccount`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One inline group policy per member account (seed 002).
    PerAccount,
    /// One inline group policy, one statement listing every role ARN.
    SingleStatement,
    /// One inline statement of role ARNs per group, over several groups and users.
    Groups,
    /// Customer managed policies listing the role ARNs, attached to the group.
    Managed,
    /// `arn:<p>:iam::*:role/<path><name>` with `aws:ResourceAccount` listing the accounts, inline,
    /// or spread over managed policies when even that is too large for the inline budget.
    ResourceAccount,
    /// `arn:<p>:iam::*:role/<path><name>` limited to the organization's accounts
    /// (`aws:ResourceOrgID`) or to its units (`aws:ResourceOrgPaths`): constant size.
    Organization,
}

impl Shape {
    /// The shape a keyword forces, or none for `auto`.
    pub(crate) fn forced(k: AssumeShape) -> Option<Shape> {
        match k {
            AssumeShape::Auto => None,
            AssumeShape::PerAccount => Some(Shape::PerAccount),
            AssumeShape::SingleStatement => Some(Shape::SingleStatement),
            AssumeShape::Groups => Some(Shape::Groups),
            AssumeShape::Managed => Some(Shape::Managed),
            AssumeShape::ResourceAccount => Some(Shape::ResourceAccount),
            AssumeShape::Organization => Some(Shape::Organization),
        }
    }

    /// Whether an integration that reads the inline policies of its user's groups finds every
    /// member role ARN.
    pub(crate) fn discoverable(self) -> bool {
        matches!(self, Shape::PerAccount | Shape::SingleStatement | Shape::Groups)
    }

    pub(crate) fn from_name(name: &str) -> Option<Shape> {
        Shape::forced(crate::keyword::parse::<AssumeShape>(name).ok()?)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Shape::PerAccount => "per-account",
            Shape::SingleStatement => "single-statement",
            Shape::Groups => "groups",
            Shape::Managed => "managed",
            Shape::ResourceAccount => "resource-account",
            Shape::Organization => "organization",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct AssumePlan {
    pub(crate) shape: Shape,
    pub(crate) inline: Vec<NamedPolicy>,
    pub(crate) managed: Vec<NamedPolicy>,
    /// One line for the user: the shape and the numbers behind the choice.
    pub(crate) summary: String,
    /// `groups`: every hub user with its groups and the accounts each group lists; the first
    /// user's first group is the hub's group, whose policy is `inline`. Empty for other shapes.
    pub(crate) shards: Vec<UserShard>,
    /// Each assume document's key with the accounts it lists (for the next run's placement).
    pub(crate) placement: Vec<(String, Vec<AccountId>)>,
}

impl AssumePlan {
    /// The accounts the `u`-th hub user's groups list (`groups` shape), sorted; empty otherwise.
    pub(crate) fn accounts_of_user(&self, u: usize) -> Vec<&AccountId> {
        let mut out: Vec<&AccountId> =
            self.shards.get(u).into_iter().flat_map(|s| &s.groups).flat_map(|g| &g.accounts).collect();
        out.sort();
        out
    }
}

/// A hub user of the `groups` shape and the groups it is in.
#[derive(Clone, Debug)]
pub(crate) struct UserShard {
    pub(crate) user: Entity,
    pub(crate) groups: Vec<GroupShard>,
}

#[derive(Clone, Debug)]
pub(crate) struct GroupShard {
    /// 1 for the hub's group, then 2, 3, ... (its name's suffix).
    pub(crate) number: usize,
    pub(crate) group: Entity,
    /// None once every account it listed left the setup.
    pub(crate) policy: Option<NamedPolicy>,
    pub(crate) accounts: Vec<AccountId>,
}

pub(crate) struct Inputs<'a> {
    pub(crate) choice: AssumeShape,
    pub(crate) accounts: &'a [AccountId],
    /// `role<path><name>`, the tail of every member role ARN.
    pub(crate) role_arn_rest: &'a str,
    pub(crate) role_path: &'a str,
    pub(crate) role_name: &'a str,
    pub(crate) group_name: &'a str,
    /// Inline characters the group already uses (its identity read policy).
    pub(crate) used_inline: usize,
    /// AWS managed policies already attached to the group.
    pub(crate) used_managed: usize,
    pub(crate) env: &'a dyn Fn(Var) -> String,
    /// The organization, for the `organization` shape.
    pub(crate) org: Option<&'a Organization>,
    /// The hub's user and group, numbered for the `groups` shape.
    pub(crate) user: &'a Entity,
    pub(crate) group: &'a Entity,
    /// Inline characters a user's identity read policy takes when scoped to these groups.
    pub(crate) identity_size: &'a dyn Fn(&Entity, &[Entity]) -> usize,
    /// The integration finds its accounts only in inline group policies: `auto` picks only shapes
    /// it can read.
    pub(crate) discovery: bool,
    /// The previous run's placement (empty on the first run).
    pub(crate) previous: &'a Previous,
}

/// A member role's ARN; `rest` is `Inputs::role_arn_rest`.
fn role_arn(rest: &str, account: &AccountId) -> Expr {
    iam_arn_in(account.as_str(), rest)
}

fn assume_doc(sid: &str, resources: Vec<Expr>, conditions: Vec<Condition>) -> PolicyDocument {
    let mut st = Statement::allow(sid, vec!["sts:AssumeRole".into()], resources);
    st.conditions = conditions;
    st.normalise();
    PolicyDocument { statements: vec![st] }
}

fn wildcard_role(inp: &Inputs<'_>) -> Expr {
    iam_arn(Expr::lit("*"), &format!("role{}{}", policy_literal(inp.role_path), policy_literal(inp.role_name)))
}

/// The role in any account of the organization, or (with units that are not the root) in any
/// account under those units: `ForAnyValue:StringLike` on the account's paths `o-…/r-…/ou-…/`,
/// where `*` stands for the root and any parent units.
fn organization_doc(inp: &Inputs<'_>, org: &Organization) -> PolicyDocument {
    let condition = if org.units.is_empty() || org.units.iter().any(|u| ids::is_root(u)) {
        Condition { operator: "StringEquals".into(), key: "aws:ResourceOrgID".into(), values: vec![Expr::lit(&org.id)] }
    } else {
        Condition {
            operator: "ForAnyValue:StringLike".into(),
            key: "aws:ResourceOrgPaths".into(),
            values: org.units.iter().map(|u| Expr::lit(format!("{}/*/{u}/*", org.id))).collect(),
        }
    };
    assume_doc("AssumeMemberRolesInOrganization", vec![wildcard_role(inp)], vec![condition])
}

fn resource_account_doc(inp: &Inputs<'_>, accounts: &[AccountId]) -> PolicyDocument {
    assume_doc(
        "AssumeMemberRoles",
        vec![wildcard_role(inp)],
        vec![Condition {
            operator: "StringEquals".into(),
            key: "aws:ResourceAccount".into(),
            values: accounts.iter().map(|a| Expr::lit(a.as_str())).collect(),
        }],
    )
}

/// What the previous run placed: its shape and which accounts each assume document listed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Previous {
    pub(crate) shape: Option<Shape>,
    pub(crate) docs: Vec<(String, Vec<AccountId>)>,
}

impl Previous {
    /// The previous documents of `shapes` numbered by `number(key)`; none when the previous shape
    /// was another.
    fn numbered(&self, shapes: &[Shape], number: &dyn Fn(&str) -> Option<usize>) -> Vec<(usize, Vec<AccountId>)> {
        if !self.shape.is_some_and(|s| shapes.contains(&s)) {
            return Vec::new();
        }
        self.docs.iter().filter_map(|(key, accounts)| number(key).map(|n| (n, accounts.clone()))).collect()
    }
}

/// Documents of a list that grows by the same number of characters per account (every id has 12
/// digits): how many accounts fit `limit`, measured once.
fn per_doc(
    make: &dyn Fn(&[AccountId]) -> PolicyDocument,
    env: &dyn Fn(Var) -> String,
    limit: usize,
) -> Result<usize, usize> {
    let ids: Vec<AccountId> =
        ["000000000001", "000000000002"].iter().filter_map(|s| AccountId::parse(s).ok()).collect();
    let one = make(&ids[..1]).iam_size(env);
    if one > limit {
        return Err(one);
    }
    let per = make(&ids).iam_size(env).saturating_sub(one).max(1);
    Ok((limit - one) / per + 1)
}

/// Accounts into numbered slots of the given capacities, stably: the slots of the previous run
/// keep their accounts (as many as still fit), and each account not placed yet goes into the
/// lowest-numbered slot with room, then into new slots numbered after the highest. Adding one
/// account so changes one slot, removing one only the slot that held it. Slots are numbered up to
/// `last`; accounts that find no room there are left out (the caller counts and reports them).
pub(super) fn place(
    accounts: &[AccountId],
    previous: Vec<(usize, Vec<AccountId>)>,
    (capacity, last): (&dyn Fn(usize) -> usize, usize),
) -> Vec<(usize, Vec<AccountId>)> {
    // Only a previous placement is checked against the current accounts (a first run has none).
    // Hash sets of references: a re-emit of 10,000 accounts looks each one up twice, which in
    // ordered sets of cloned ids was most of the run's model.
    let current: HashSet<&AccountId> = if previous.is_empty() { HashSet::new() } else { accounts.iter().collect() };
    let mut slots: BTreeMap<usize, Vec<AccountId>> = BTreeMap::new();
    let mut placed: HashSet<&AccountId> = HashSet::with_capacity(current.len());
    for (n, mut kept) in previous {
        kept.retain(|a| current.contains(a) && !placed.contains(a));
        kept.truncate(capacity(n));
        placed.extend(kept.iter().filter_map(|a| current.get(a).copied()));
        slots.insert(n, kept);
    }
    let mut open = 1;
    for a in accounts.iter().filter(|a| !placed.contains(*a)) {
        while open <= last && slots.get(&open).map_or(0, Vec::len) >= capacity(open) {
            open += 1;
        }
        if open > last {
            break;
        }
        slots.entry(open).or_default().push(a.clone());
    }
    for s in slots.values_mut() {
        s.sort();
    }
    slots.into_iter().collect()
}

/// The accounts in documents of at most 6,144 characters, numbered `assume-member-roles-N` and
/// placed stably (`place`); empty documents are left out.
fn chunk(inp: &Inputs<'_>, make: &dyn Fn(&[AccountId]) -> PolicyDocument) -> Result<Vec<Chunk>, usize> {
    let cap = per_doc(make, inp.env, MANAGED_POLICY)?;
    let number = |key: &str| key.strip_prefix("assume-member-roles-").and_then(|n| n.parse().ok()).filter(|n| *n > 0);
    let previous = inp.previous.numbered(&[Shape::Managed, Shape::ResourceAccount], &number);
    Ok(place(inp.accounts, previous, (&|_| cap, inp.accounts.len().max(1)))
        .into_iter()
        .filter(|(_, accounts)| !accounts.is_empty())
        .map(|(n, accounts)| Chunk { doc: make(&accounts), n, accounts })
        .collect())
}

/// One numbered customer managed policy and the accounts it lists.
struct Chunk {
    n: usize,
    accounts: Vec<AccountId>,
    doc: PolicyDocument,
}

fn managed_named(inp: &Inputs<'_>, docs: Vec<Chunk>) -> Vec<NamedPolicy> {
    docs.into_iter()
        .map(|c| NamedPolicy {
            key: format!("assume-member-roles-{}", c.n),
            name: format!("{}-assume-member-roles-{}", inp.group_name, c.n),
            description: "crossrole: lets the hub group assume the member roles".into(),
            doc: c.doc.into(),
        })
        .collect()
}

/// The plan for inline policies, if they fit the group's inline budget next to what it holds.
fn inline_plan(
    inp: &Inputs<'_>,
    shape: Shape,
    inline: Vec<NamedPolicy>,
    summary_tail: &str,
) -> Result<AssumePlan, String> {
    let budget = GROUP_INLINE.saturating_sub(inp.used_inline);
    let n = inp.accounts.len();
    let size: usize = inline.iter().map(|p| p.doc.iam_size(inp.env)).sum();
    if size > budget {
        return Err(format!(
            "{}: {size} characters for {n} accounts, but only {budget} of the group's {GROUP_INLINE} inline characters are left",
            shape.name()
        ));
    }
    Ok(AssumePlan {
        shape,
        inline,
        managed: vec![],
        shards: vec![],
        placement: vec![],
        summary: format!(
            "{} {summary_tail}: {} of {GROUP_INLINE} inline characters used",
            shape.name(),
            inp.used_inline + size
        ),
    })
}

/// The plan for customer managed policies, if the group can take that many more.
fn managed_plan(inp: &Inputs<'_>, shape: Shape, docs: Vec<Chunk>, what: &str) -> Result<AssumePlan, String> {
    let managed_slots = GROUP_MANAGED.saturating_sub(inp.used_managed);
    if docs.len() > managed_slots {
        return Err(format!(
            "{what}: {} managed policies of at most {MANAGED_POLICY} characters needed for {} accounts, but the group can take only {managed_slots} more (IAM allows {GROUP_MANAGED} per group)",
            docs.len(),
            inp.accounts.len()
        ));
    }
    let largest = docs.iter().map(|c| c.doc.iam_size(inp.env)).max().unwrap_or(0);
    let count = docs.len();
    let placement = docs.iter().map(|c| (format!("assume-member-roles-{}", c.n), c.accounts.clone())).collect();
    let managed = managed_named(inp, docs);
    if let Some(long) = managed.iter().find(|m| m.name.len() > 128) {
        return Err(format!("{what}: policy name {:?} exceeds 128 characters; shorten hub.group.name", long.name));
    }
    Ok(AssumePlan {
        shape,
        inline: vec![],
        managed,
        shards: vec![],
        placement,
        summary: format!(
            "{what}: {count} customer managed policies (largest {largest} of {MANAGED_POLICY} characters)"
        ),
    })
}

fn one_inline(key: &str, doc: PolicyDocument) -> Vec<NamedPolicy> {
    vec![NamedPolicy { key: key.into(), name: key.into(), description: String::new(), doc: doc.into() }]
}

/// Tries one shape; `Err` carries the numbers that show why it does not fit.
fn attempt(inp: &Inputs<'_>, shape: Shape) -> Result<AssumePlan, String> {
    let mut plan = attempt_shape(inp, shape)?;
    if plan.placement.is_empty() {
        plan.placement = match shape {
            Shape::PerAccount => {
                inp.accounts.iter().map(|a| (format!("assume-member-role-{a}"), vec![a.clone()])).collect()
            }
            Shape::Groups => plan
                .shards
                .iter()
                .flat_map(|u| &u.groups)
                .filter_map(|g| g.policy.as_ref().map(|p| (p.key.clone(), g.accounts.clone())))
                .collect(),
            Shape::Organization => Vec::new(),
            _ => vec![("assume-member-roles".to_string(), inp.accounts.to_vec())],
        };
    }
    Ok(plan)
}

fn attempt_shape(inp: &Inputs<'_>, shape: Shape) -> Result<AssumePlan, String> {
    let all_arns = || inp.accounts.iter().map(|a| role_arn(inp.role_arn_rest, a)).collect::<Vec<_>>();
    match shape {
        Shape::PerAccount => {
            // Every account id has 12 digits, so every policy has the size of the first: a setup
            // far over the budget is refused without building thousands of documents.
            let one = inp.accounts.first().map_or(0, |a| {
                assume_doc("AssumeMemberRole", vec![role_arn(inp.role_arn_rest, a)], vec![]).iam_size(inp.env)
            });
            let budget = GROUP_INLINE.saturating_sub(inp.used_inline);
            if one * inp.accounts.len() > budget {
                return Err(format!(
                    "{}: {} characters for {} accounts, but only {budget} of the group's {GROUP_INLINE} inline characters are left",
                    shape.name(),
                    one * inp.accounts.len(),
                    inp.accounts.len()
                ));
            }
            let inline = inp
                .accounts
                .iter()
                .map(|a| NamedPolicy {
                    key: format!("assume-member-role-{a}"),
                    name: format!("assume-member-role-{a}"),
                    description: String::new(),
                    doc: assume_doc("AssumeMemberRole", vec![role_arn(inp.role_arn_rest, a)], vec![]).into(),
                })
                .collect();
            inline_plan(inp, shape, inline, "(one inline group policy per member account)")
        }
        Shape::SingleStatement if inp.accounts.len() > spread::capacity(inp, GROUP_INLINE) => {
            // More role ARNs than fit even an empty group: refused without building the document.
            Err(format!(
                "{}: {} role ARNs, but one group's {GROUP_INLINE} inline characters hold at most {}",
                shape.name(),
                inp.accounts.len(),
                spread::capacity(inp, GROUP_INLINE)
            ))
        }
        Shape::SingleStatement => {
            let inline = one_inline("assume-member-roles", assume_doc("AssumeMemberRoles", all_arns(), vec![]));
            inline_plan(inp, shape, inline, "(one inline statement listing every member role ARN)")
        }
        Shape::Groups => spread::plan(inp),
        Shape::Managed => {
            let docs = chunk(inp, &|accts: &[AccountId]| {
                assume_doc("AssumeMemberRoles", accts.iter().map(|a| role_arn(inp.role_arn_rest, a)).collect(), vec![])
            })
            .map_err(|s| format!("managed: one role ARN alone needs {s} characters"))?;
            managed_plan(inp, shape, docs, "managed")
        }
        Shape::ResourceAccount => {
            let inline = one_inline("assume-member-roles", resource_account_doc(inp, inp.accounts));
            inline_plan(inp, shape, inline, "(wildcard role ARN limited by aws:ResourceAccount)").or_else(
                |inline_err| {
                    let docs = chunk(inp, &|accts: &[AccountId]| resource_account_doc(inp, accts))
                        .map_err(|s| format!("resource-account: one account alone needs {s} characters"))?;
                    managed_plan(inp, shape, docs, "resource-account (managed)")
                        .map_err(|e| format!("{inline_err}; {e}"))
                },
            )
        }
        Shape::Organization => {
            let org = inp.org.ok_or("organization: needs the organization's id (organization.id)")?;
            let what = if org.units.is_empty() || org.units.iter().any(|u| ids::is_root(u)) {
                format!("(wildcard role ARN limited by aws:ResourceOrgID {})", org.id)
            } else {
                format!("(wildcard role ARN limited by aws:ResourceOrgPaths to {})", org.units.join(", "))
            };
            let inline = one_inline("assume-member-roles", organization_doc(inp, org));
            inline_plan(inp, shape, inline, &what)
        }
    }
}

/// The forced shape, or for `auto` the previous run's shape while it still fits (no change of
/// shape when a setup shrinks back over a threshold), else the first that fits. `auto` starts with
/// shapes that grow without a change of shape an update could not survive: for an integration
/// that reads its groups' inline policies, `groups` (one group and one statement until it is full);
/// otherwise one statement, then customer managed policies, then the `aws:ResourceAccount` list.
pub(crate) fn plan(inp: &Inputs<'_>) -> Result<AssumePlan, String> {
    if let Some(shape) = Shape::forced(inp.choice) {
        return attempt(inp, shape).map_err(|e| format!("the chosen shape does not fit: {e}"));
    }
    if inp.accounts.is_empty() {
        // Only the units are known: nothing to list, the organization is the whole answer.
        return attempt(inp, Shape::Organization);
    }
    let order: &[Shape] = if inp.discovery {
        &[Shape::Groups]
    } else {
        &[Shape::SingleStatement, Shape::Managed, Shape::ResourceAccount, Shape::Groups]
    };
    let org = inp.org.map(|_| Shape::Organization).filter(|_| !inp.discovery);
    let kept = inp.previous.shape.filter(|s| !inp.discovery || s.discoverable());
    let mut why = Vec::new();
    for shape in kept.into_iter().chain(order.iter().copied()).chain(org) {
        match attempt(inp, shape) {
            Ok(plan) => return Ok(plan),
            Err(_) if Some(shape) == kept => {}
            Err(e) => why.push(e),
        }
    }
    Err(format!(
        "{} member accounts do not fit in any policy shape IAM accepts: {}; in an AWS Organization, organization.id with hub.assume_policy: organization fits any number",
        inp.accounts.len(),
        why.join("; ")
    ))
}

#[cfg(test)]
mod place_tests {
    use super::*;

    fn ids(range: std::ops::RangeInclusive<u64>) -> Vec<AccountId> {
        range.map(|i| AccountId::parse(&format!("{:012}", 100_000_000_000 + i)).unwrap()).collect()
    }

    #[test]
    fn accounts_stay_where_they_were_and_newcomers_fill_the_first_room() {
        let cap = |_: usize| 3;
        let first = place(&ids(1..=7), vec![], (&cap, 10));
        assert_eq!(first, vec![(1, ids(1..=3)), (2, ids(4..=6)), (3, ids(7..=7))]);
        // Account 2 leaves and 8, 9 join: slot 1 takes 8 (its room), slot 3 takes 9; slot 2 is untouched.
        let mut now = ids(1..=9);
        now.remove(1);
        let next = place(&now, first.clone(), (&cap, 10));
        let mut one = ids(1..=3);
        one.remove(1);
        one.extend(ids(8..=8));
        assert_eq!(next, vec![(1, one), (2, ids(4..=6)), (3, vec![ids(7..=7)[0].clone(), ids(9..=9)[0].clone()])]);
        // No room left in the allowed slots: the rest is left out for the caller to report.
        let full = place(&ids(1..=7), vec![], (&cap, 2));
        assert_eq!(full.iter().map(|(_, a)| a.len()).sum::<usize>(), 6);
    }
}
