//! How the member roles are deployed (stacks or a StackSet) and the Terraform layout, as templates
//! take them.

use serde::Serialize;

use crate::aws::ids;
use crate::model::Plan;
use crate::model::deploy::{Admin, DeployPlan, HANDFUL, Layout, StackSet};
use crate::model::hub_policy::Shape;

/// Stack (and stack set) names the templates and DEPLOY.md use.
pub(crate) const STACKSET_NAME: &str = "crossrole-member";
pub(crate) const STACKSET_STACK: &str = "crossrole-stackset";
/// The file listing the member accounts, one id per line, for DEPLOY.md's loops.
pub(crate) const ACCOUNTS_FILE: &str = "accounts.txt";
/// The accounts that left the setup and whose roles are still to be removed (until `--applied`).
pub(crate) const RETIRED_FILE: &str = "retired-accounts.txt";

/// StackSet operation preferences: every account at once (CloudFormation caps it at 100 concurrent
/// instances per stack set), and a tenth may fail without stopping the rest (a suspended account
/// should not block the organization).
const MAX_CONCURRENT_PERCENTAGE: i64 = 100;
const FAILURE_TOLERANCE_PERCENTAGE: i64 = 10;

#[derive(Serialize, Default)]
pub(crate) struct DeployView {
    stackset: bool,
    service_managed: bool,
    permission_model: &'static str,
    call_as: &'static str,
    /// The account the stack set is created in, and whether that is the hub (delegated admin or
    /// self-managed administrator) or the organization's management account.
    admin_account: String,
    admin_is_hub: bool,
    delegated_admin: bool,
    hub_is_management: bool,
    has_org: bool,
    org_id: String,
    units: Vec<String>,
    /// The units in batches of as many as one StackSet operation takes, each also comma-joined.
    unit_batches: Vec<UnitBatch>,
    /// The organization's root is a target: every account of the organization.
    whole_org: bool,
    /// The hub's grant is the organization shape (no account list to discover).
    hub_grants_org: bool,
    role_arn_format: String,
    /// A service-managed stack set limited to the listed accounts of its units (INTERSECTION).
    filter_accounts: bool,
    retain_stacks: bool,
    has_template_url: bool,
    template_url: String,
    stackset_name: &'static str,
    stackset_stack: &'static str,
    max_concurrent_percentage: i64,
    failure_tolerance_percentage: i64,
    tf_layout: &'static str,
    tf_why: String,
    tf_providers: bool,
    tf_per_account: bool,
    tf_stackset: bool,
    /// Terraform needs a second provider for the management account.
    tf_management_provider: bool,
    /// DEPLOY.md loops over `accounts_file` instead of listing a command per account.
    loop_members: bool,
    has_accounts_file: bool,
    accounts_file: &'static str,
}

#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct UnitBatch {
    units: Vec<String>,
    csv: String,
}

pub(crate) fn deploy_view(model: &Plan) -> DeployView {
    let Some(h) = model.spokes() else { return DeployView::default() };
    let mut v = DeployView {
        has_org: h.org.is_some(),
        org_id: h.org.as_ref().map(|o| o.id.clone()).unwrap_or_default(),
        units: h.org.as_ref().map(|o| o.units.clone()).unwrap_or_default(),
        stackset_name: STACKSET_NAME,
        stackset_stack: STACKSET_STACK,
        max_concurrent_percentage: MAX_CONCURRENT_PERCENTAGE,
        failure_tolerance_percentage: FAILURE_TOLERANCE_PERCENTAGE,
        tf_layout: h.tf.layout.name(),
        tf_why: h.tf.why.clone(),
        tf_providers: h.tf.layout == Layout::Providers,
        tf_per_account: h.tf.layout == Layout::PerAccount,
        tf_stackset: h.tf.layout == Layout::StackSet,
        loop_members: h.members.len() > HANDFUL,
        has_accounts_file: !h.members.is_empty(),
        accounts_file: ACCOUNTS_FILE,
        admin_account: h.hub.account.to_string(),
        admin_is_hub: true,
        hub_grants_org: h.assume.shape == Shape::Organization,
        role_arn_format: format!("arn:aws:iam::<account id>:role{}{}", h.role.path, h.role.name),
        ..DeployView::default()
    };
    if let DeployPlan::StackSet(s) = &h.deploy {
        stackset(&mut v, s, !h.members.is_empty());
    }
    v
}

fn stackset(v: &mut DeployView, s: &StackSet, has_members: bool) {
    v.stackset = true;
    v.service_managed = s.service_managed;
    v.permission_model = if s.service_managed { "SERVICE_MANAGED" } else { "SELF_MANAGED" };
    v.filter_accounts = s.service_managed && has_members;
    v.retain_stacks = s.retain_stacks;
    v.has_template_url = s.template_url.is_some();
    v.template_url = s.template_url.clone().unwrap_or_default();
    match &s.admin {
        Admin::Hub => {
            v.delegated_admin = s.service_managed;
            v.call_as = if s.service_managed { "DELEGATED_ADMIN" } else { "SELF" };
        }
        Admin::HubIsManagement => {
            v.call_as = "SELF";
            v.hub_is_management = true;
        }
        Admin::Management(m) => {
            v.admin_account = m.to_string();
            v.admin_is_hub = false;
            v.call_as = "SELF";
            v.tf_management_provider = true;
        }
    }
    if !s.service_managed {
        v.units.clear();
    }
    v.unit_batches = v
        .units
        .chunks(crate::aws::quotas::STACKSET_OUS_PER_OPERATION)
        .map(|c| UnitBatch { units: c.to_vec(), csv: c.join(",") })
        .collect();
    v.whole_org = v.units.iter().any(|u| ids::is_root(u));
}
