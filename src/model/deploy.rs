//! How the member roles reach the member accounts: one stack per account, or one StackSet rolled
//! out by CloudFormation (service-managed over an organization's units, or self-managed over the
//! listed accounts); and which Terraform layout the setup gets, chosen by the number of accounts.

use std::collections::BTreeSet;

use super::{Build, Member};
use crate::aws::ids::{self, AccountId};
use crate::keyword::{self, Deploy, TfLayout};

/// Past this many member accounts the `providers` layout is not chosen by `auto` and is warned
/// about: Terraform starts one provider process per provider block (hashicorp/terraform#32744).
pub(crate) const PROVIDERS_MAX: usize = 10;
/// Memory of one AWS provider process, for the warning (terraform-provider-aws#26742, #31722).
pub(crate) const PROVIDER_MB: usize = 100;
/// DEPLOY.md lists per-account commands up to this many accounts, and a loop past it.
pub(crate) const HANDFUL: usize = 5;

/// The AWS Organization: the hub's `organization` shape and a service-managed StackSet use it.
#[derive(Clone, Debug)]
pub(crate) struct Organization {
    pub(crate) id: String,
    /// Organizational units or the root, sorted; empty without a service-managed StackSet.
    pub(crate) units: Vec<String>,
}

/// Where the stack set lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Admin {
    /// The hub account, registered as a delegated administrator (`CallAs: DELEGATED_ADMIN`);
    /// for a self-managed stack set, the hub account as its administrator (`CallAs: SELF`).
    Hub,
    /// The hub account is the organization's management account (`CallAs: SELF`); StackSets never
    /// deploy there, and it needs no member role.
    HubIsManagement,
    /// The organization's management account (`CallAs: SELF`).
    Management(AccountId),
}

#[derive(Clone, Debug)]
pub(crate) struct StackSet {
    /// Service-managed (targets `org.units`) when the organization's units are given; otherwise
    /// self-managed over the member accounts.
    pub(crate) service_managed: bool,
    pub(crate) admin: Admin,
    pub(crate) retain_stacks: bool,
    /// Where the member template is uploaded, when it is too large for `TemplateBody`.
    pub(crate) template_url: Option<String>,
}

#[derive(Clone, Debug)]
pub(crate) enum DeployPlan {
    Stacks,
    StackSet(StackSet),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    Providers,
    PerAccount,
    StackSet,
}

impl Layout {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Layout::Providers => "providers",
            Layout::PerAccount => "per-account",
            Layout::StackSet => "stackset",
        }
    }
}

/// The Terraform layout and the reason for it (DEPLOY.md says both).
#[derive(Clone, Debug)]
pub(crate) struct TfPlan {
    pub(crate) layout: Layout,
    pub(crate) why: String,
}

/// The organization as configured: its id, checked, and its units, checked and sorted.
pub(crate) fn organization(b: &mut Build<'_>) -> Option<Organization> {
    let raw = &b.req.raw.organization;
    let units = raw.units.clone().unwrap_or_default();
    let mut seen = BTreeSet::new();
    for (i, u) in units.iter().enumerate() {
        let field = format!("organization.units[{i}]");
        if b.p.check(&field, ids::org_unit(u)).is_some() && !seen.insert(u.clone()) {
            b.p.push(field, format!("{u:?} is listed twice; each unit once"));
        }
    }
    if !units.is_empty() && b.req.deploy.value == Deploy::Stacks {
        b.p.push(
            "organization.units",
            format!(
                "units are the targets of a StackSet, but {} is stacks: set deploy: stackset (or --deploy stackset), or remove them",
                b.req.deploy.field
            ),
        );
    }
    let Some(id) = &raw.id else {
        if !units.is_empty() {
            b.p.push(
                "organization.id",
                "missing: a StackSet over organizational units needs the organization's id (o-...)",
            );
        }
        return None;
    };
    let id = b.p.check("organization.id", ids::org_id(id))?;
    Some(Organization { id, units: seen.into_iter().collect() })
}

/// Whether the StackSet's targets are the organization's units, so that `accounts:` is optional.
pub(crate) fn targets_units(b: &Build<'_>) -> bool {
    b.req.deploy.value == Deploy::Stackset && b.req.raw.organization.units.as_ref().is_some_and(|u| !u.is_empty())
}

/// The deploy plan, checked against the accounts and the organization.
pub(crate) fn deploy(b: &mut Build<'_>, hub: &AccountId, members: &[Member]) -> DeployPlan {
    let raw = &b.req.raw;
    let management = b.req.management_account.clone().and_then(|g| b.p.check(&g.field, g.value));
    if b.req.deploy.value == Deploy::Stacks {
        if b.req.has_key("stackset") {
            b.p.push(
                "stackset",
                format!(
                    "options of a StackSet, but {} is stacks: set deploy: stackset, or remove them",
                    b.req.deploy.field
                ),
            );
        }
        if management.is_some() {
            b.p.push("organization.management_account", format!("only a StackSet is created in the management account, but {} is stacks: set deploy: stackset, or remove it", b.req.deploy.field));
        }
        return DeployPlan::Stacks;
    }
    let service_managed = targets_units(b);
    if let Some(m) = &management {
        if !service_managed {
            b.p.push(
                "organization.management_account",
                "only a service-managed StackSet (over organization.units) is created in the management account; remove it, or list the units",
            );
        }
        if members.iter().any(|x| &x.account == m) {
            b.p.push(
                "organization.management_account",
                format!("{:?} is also a member account: StackSets never deploy to the organization's management account, so it would get no role; remove it from accounts", m.as_str()),
            );
        }
    }
    let template_url =
        raw.stackset.template_url.as_ref().and_then(|u| b.p.check("stackset.template_url", ids::template_url(u)));
    let admin = match management {
        Some(m) if &m == hub => Admin::HubIsManagement,
        Some(m) => Admin::Management(m),
        None => Admin::Hub,
    };
    DeployPlan::StackSet(StackSet {
        service_managed,
        admin,
        retain_stacks: raw.stackset.retain_stacks_on_account_removal.unwrap_or(false),
        template_url,
    })
}

/// The Terraform layout: the one asked for, checked, or the one that fits the setup.
pub(crate) fn tf_layout(b: &mut Build<'_>, deploy: &DeployPlan, members: usize) -> TfPlan {
    let field = b.req.tf_layout.field.clone();
    let stackset = matches!(deploy, DeployPlan::StackSet(_));
    let layout = match b.req.tf_layout.value {
        TfLayout::Auto => return kept_layout(b, auto_layout(stackset, members), stackset, members),
        TfLayout::Providers => Layout::Providers,
        TfLayout::PerAccount => Layout::PerAccount,
        TfLayout::Stackset => Layout::StackSet,
    };
    if layout == Layout::StackSet && !stackset {
        b.p.push(
            &field,
            format!(
                "stackset deploys the member roles through a StackSet, but {} is stacks: set deploy: stackset",
                b.req.deploy.field
            ),
        );
    }
    if layout != Layout::StackSet && members == 0 {
        b.p.push(&field, format!("{} reaches each listed member account, but only organization.units are given: list the accounts, or use the stackset layout", layout.name()));
    }
    if layout == Layout::Providers && members > PROVIDERS_MAX {
        b.warnings.push(format!(
            "{field}: providers starts one AWS provider process per member account at every plan ({} processes, about {} MB); per-account plans one account at a time{}",
            members + 1,
            (members + 1) * PROVIDER_MB,
            if stackset { ", stackset needs at most two" } else { "" }
        ));
    }
    TfPlan { layout, why: format!("chosen with {field}") }
}

/// `auto` keeps the layout deployed before: changing it moves every member's resources between
/// root modules, which Terraform cannot do by itself (so 10 → 11 accounts does not switch it).
fn kept_layout(b: &mut Build<'_>, fresh: TfPlan, stackset: bool, members: usize) -> TfPlan {
    let before = b.req.previous.as_ref().and_then(|s| s.tf_layout.as_deref());
    let Some(layout) =
        [Layout::Providers, Layout::PerAccount, Layout::StackSet].into_iter().find(|l| Some(l.name()) == before)
    else {
        return fresh;
    };
    let fits = if stackset { layout == Layout::StackSet } else { layout != Layout::StackSet && members > 0 };
    if layout == fresh.layout || !fits {
        return fresh;
    }
    if layout == Layout::Providers && members > PROVIDERS_MAX {
        b.warnings.push(format!(
            "{}: auto keeps the deployed providers layout ({} provider processes, about {} MB at every plan); to plan one account at a time pass --tf-layout per-account and move the state (README: Changing a setup)",
            b.req.tf_layout.field,
            members + 1,
            (members + 1) * PROVIDER_MB
        ));
    }
    TfPlan {
        layout,
        why: format!(
            "{}: kept as deployed (a new layout would move every member between root modules; --tf-layout changes it)",
            keyword::name(&TfLayout::Auto)
        ),
    }
}

fn auto_layout(stackset: bool, members: usize) -> TfPlan {
    let auto = keyword::name(&TfLayout::Auto);
    if stackset {
        return TfPlan {
            layout: Layout::StackSet,
            why: format!("{auto}: the member roles are deployed by a StackSet, so Terraform manages the StackSet"),
        };
    }
    if members <= PROVIDERS_MAX {
        return TfPlan {
            layout: Layout::Providers,
            why: format!(
                "{auto}: {members} member accounts, at most {PROVIDERS_MAX}, fit one root with a provider each"
            ),
        };
    }
    TfPlan {
        layout: Layout::PerAccount,
        why: format!(
            "{auto}: {members} member accounts are more than {PROVIDERS_MAX}; one provider each would take about {} MB at every plan",
            (members + 1) * PROVIDER_MB
        ),
    }
}
