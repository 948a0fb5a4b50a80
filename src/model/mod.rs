//! The plan: everything the renderers need, checked against AWS rules, sorted, and free of I/O.
//! One variant per setup holds exactly what that setup has; each is built by its own builder
//! (`hub_and_spoke`, `single_account`, `vendor`) from the shared blocks in `shared` and `hub`.
//! `build` reports every problem it finds, not just the first.

pub(crate) mod accounts;
pub(crate) mod deploy;
pub(crate) mod hub;
pub(crate) mod hub_and_spoke;
pub(crate) mod hub_policy;
pub(crate) mod policy;
pub(crate) mod problems;
pub(crate) mod shared;
pub(crate) mod single_account;
pub(crate) mod state;
pub(crate) mod transition;
pub(crate) mod vendor;

use crate::aws::ids::AccountId;
use crate::catalog::{Catalog, Preset};
use crate::keyword::{AccessKey, Mode, Setup, Tier, Trust};
use crate::request::Request;
use crate::suggest::did_you_mean;
use hub_policy::AssumePlan;
use policy::{Expr, PolicyDocument};
use problems::Problems;
use vendor::Vendor;

/// Tags as `(key, value)`, sorted by key.
pub(crate) type Tags = Vec<(String, String)>;

#[derive(Clone, Debug)]
pub(crate) struct Entity {
    pub(crate) name: String,
    pub(crate) path: String,
}

#[derive(Clone, Debug)]
pub(crate) struct NamedPolicy {
    /// Stable identity for CloudFormation logical ids and Terraform addresses: independent of
    /// user-chosen names, so renaming the group does not replace resources.
    pub(crate) key: String,
    pub(crate) name: String,
    /// Shown on customer managed policies; inline policies have none.
    pub(crate) description: String,
    /// Shared, not copied, by the plan's places that hold the same policy (the assume plan and
    /// the hub's groups: at 10,000 accounts 250 documents of 40 role ARNs each).
    pub(crate) doc: std::sync::Arc<PolicyDocument>,
}

#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) account: AccountId,
    pub(crate) name: Option<String>,
}

/// The integration user and its group (the hub account's, or the single account's).
#[derive(Clone, Debug)]
pub(crate) struct Hub {
    pub(crate) account: AccountId,
    pub(crate) user: Entity,
    pub(crate) group: Entity,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) sets: Vec<String>,
    /// The group's inline policies: its own identity read policy (inline mode) and, depending on
    /// the assume shape, the `sts:AssumeRole` policies.
    pub(crate) inline: Vec<NamedPolicy>,
    /// Customer managed policies created in the account and attached to the group.
    pub(crate) managed: Vec<NamedPolicy>,
    /// AWS managed policies attached to the group (mode managed).
    pub(crate) aws_managed: Vec<String>,
    pub(crate) manage_own_account: bool,
    pub(crate) access_key: AccessKey,
    /// Name of the Secrets Manager secret holding the key (with `AccessKey::SecretsManager`).
    pub(crate) access_key_secret: String,
    /// The sets granted in the account itself (single account, or with `manage_own_account`).
    pub(crate) own_sets: Vec<String>,
    /// The `groups` shape's further hub users (the hub user is the first; they share its path
    /// and tags), and the further groups, each of one of the users.
    pub(crate) extra_users: Vec<Entity>,
    pub(crate) extra_groups: Vec<ExtraGroup>,
}

/// A hub group after the first (`groups` shape): its user, its inline policies (the user's
/// identity read in the user's first group, and the role ARNs), its AWS managed policies (the
/// identity read in mode managed). The accounts it lists are in the assume plan's shards.
#[derive(Clone, Debug)]
pub(crate) struct ExtraGroup {
    /// The group's number (2, 3, ...), the suffix of its name.
    pub(crate) number: usize,
    pub(crate) group: Entity,
    /// 0 is the hub user, 1 the first of `extra_users`, ...
    pub(crate) user: usize,
    pub(crate) inline: Vec<NamedPolicy>,
    pub(crate) aws_managed: Vec<String>,
}

/// A role: a member role of a hub, or a vendor's role.
#[derive(Clone, Debug)]
pub(crate) struct Role {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) description: String,
    pub(crate) max_session_duration: u32,
    pub(crate) boundary: Option<Expr>,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) trust: PolicyDocument,
    pub(crate) sets: Vec<String>,
    pub(crate) inline: Option<NamedPolicy>,
    pub(crate) aws_managed: Vec<String>,
}

/// A hub account's user assumes a role in every member account (seed 002).
#[derive(Clone, Debug)]
pub(crate) struct HubAndSpoke {
    pub(crate) hub: Hub,
    /// How the group may assume the member roles (its policies are also in `hub`).
    pub(crate) assume: AssumePlan,
    pub(crate) members: Vec<Member>,
    pub(crate) role: Role,
    pub(crate) trust: Trust,
    pub(crate) org: Option<deploy::Organization>,
    pub(crate) deploy: deploy::DeployPlan,
    pub(crate) tf: deploy::TfPlan,
    /// What this run leaves for the next (`.crossrole-state.json`).
    pub(crate) state: state::State,
}

/// A role in a customer's account that a vendor's account assumes (seeds 003, 004).
#[derive(Clone, Debug)]
pub(crate) struct VendorRole {
    pub(crate) vendor: Vendor,
    pub(crate) role: Role,
}

#[derive(Clone, Debug)]
pub(crate) enum SetupPlan {
    HubAndSpoke(Box<HubAndSpoke>),
    /// One account: the user and group with the permission sets on the group (seed 000).
    SingleAccount(Hub),
    VendorRole(VendorRole),
}

#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) preset: String,
    pub(crate) tier: Tier,
    pub(crate) mode: Mode,
    pub(crate) setup: SetupPlan,
    pub(crate) warnings: Vec<String>,
}

impl Plan {
    pub(crate) fn kind(&self) -> Setup {
        match &self.setup {
            SetupPlan::HubAndSpoke(_) => Setup::HubAndSpoke,
            SetupPlan::SingleAccount(_) => Setup::SingleAccount,
            SetupPlan::VendorRole(_) => Setup::VendorRole,
        }
    }

    /// How member roles trust the hub (hub and spoke only).
    pub(crate) fn member_trust(&self) -> Option<Trust> {
        match &self.setup {
            SetupPlan::HubAndSpoke(h) => Some(h.trust),
            _ => None,
        }
    }

    pub(crate) fn assume(&self) -> Option<&AssumePlan> {
        match &self.setup {
            SetupPlan::HubAndSpoke(h) => Some(&h.assume),
            _ => None,
        }
    }

    /// The user and group, in the setups that have them.
    pub(crate) fn hub(&self) -> Option<&Hub> {
        match &self.setup {
            SetupPlan::HubAndSpoke(h) => Some(&h.hub),
            SetupPlan::SingleAccount(hub) => Some(hub),
            SetupPlan::VendorRole(_) => None,
        }
    }

    pub(crate) fn role(&self) -> Option<&Role> {
        match &self.setup {
            SetupPlan::HubAndSpoke(h) => Some(&h.role),
            SetupPlan::SingleAccount(_) => None,
            SetupPlan::VendorRole(v) => Some(&v.role),
        }
    }

    pub(crate) fn members(&self) -> &[Member] {
        match &self.setup {
            SetupPlan::HubAndSpoke(h) => &h.members,
            _ => &[],
        }
    }

    /// Hub and spoke: the setup with its organization, deploy plan and Terraform layout.
    pub(crate) fn spokes(&self) -> Option<&HubAndSpoke> {
        match &self.setup {
            SetupPlan::HubAndSpoke(h) => Some(h),
            _ => None,
        }
    }

    pub(crate) fn vendor(&self) -> Option<&Vendor> {
        match &self.setup {
            SetupPlan::VendorRole(v) => Some(&v.vendor),
            _ => None,
        }
    }
}

/// What every builder works with: the request, the catalog, the chosen preset, and the problems
/// and warnings found so far (shared, so the user sees all of them at once).
pub(crate) struct Build<'a> {
    pub(crate) catalog: &'a Catalog,
    pub(crate) req: &'a Request,
    pub(crate) preset: Option<&'a Preset>,
    pub(crate) p: Problems,
    pub(crate) warnings: Vec<String>,
}

impl Build<'_> {
    pub(crate) fn preset_name(&self) -> &str {
        &self.req.preset.value
    }
}

/// Builds the plan for the setup the request asks for.
pub(crate) fn build(catalog: &Catalog, req: &Request, problems: Problems) -> Result<Plan, Problems> {
    let mut b = Build { catalog, req, preset: catalog.preset(&req.preset.value), p: problems, warnings: Vec::new() };
    if b.preset.is_none() {
        let name = &req.preset.value;
        let hint = did_you_mean(name, catalog.presets.iter().map(|p| p.name.as_str()));
        b.p.push(&req.preset.field, format!("{name:?} is not a preset of the catalog{hint}"));
    }
    let setup = setup(&mut b);
    req.refuse_foreign(setup, &mut b.p);
    let built = match setup {
        Setup::HubAndSpoke => hub_and_spoke::build(&mut b).map(|h| SetupPlan::HubAndSpoke(Box::new(h))),
        Setup::SingleAccount => single_account::build(&mut b).map(SetupPlan::SingleAccount),
        Setup::VendorRole => vendor::build(&mut b).map(SetupPlan::VendorRole),
    };
    match built {
        Some(setup) if b.p.is_empty() => Ok(Plan {
            preset: req.preset.value.clone(),
            tier: req.tier.value,
            mode: req.mode.value,
            setup,
            warnings: b.warnings,
        }),
        _ => Err(b.p),
    }
}

/// The setup asked for (a vendor preset defaults to its role), checked against the preset.
fn setup(b: &mut Build<'_>) -> Setup {
    let vendor = b.preset.and_then(|p| p.vendor.as_ref());
    let default = if vendor.is_some() { Setup::VendorRole } else { Setup::HubAndSpoke };
    let setup = b.req.setup.as_ref().map_or(default, |g| g.value);
    let Some(preset) = b.preset else { return setup };
    let field = &b.req.preset.field;
    match (setup, vendor) {
        (Setup::VendorRole, None) => {
            let vendor_names: Vec<&str> =
                b.catalog.presets.iter().filter(|p| p.vendor.is_some()).map(|p| p.name.as_str()).collect();
            b.p.push(
                field,
                format!(
                    "{:?} has no vendor; a vendor-role setup takes one of {} (`vendor` for any vendor, with the sets named)",
                    preset.name,
                    vendor_names.join(", ")
                ),
            );
        }
        (Setup::HubAndSpoke | Setup::SingleAccount, Some(v)) => b.p.push(
            field,
            format!("{:?} describes {}'s cross-account role: use setup vendor-role", preset.name, v.title),
        ),
        _ => {}
    }
    setup
}

#[cfg(test)]
mod sequences;
#[cfg(test)]
mod tests;
