//! What the templates see: flat, sorted structs with every name, logical id and Terraform address
//! computed here, and every deploy-time value already mapped to the target's reference syntax.
//! Templates only loop and place text.

mod deploy;
mod hub;
pub(crate) mod policy;
mod role;
mod vendor;

use anyhow::{Result, anyhow};
use serde::Serialize;
use tera::Context;

use crate::aws::ids;
use crate::keyword::{self, Setup};
use crate::model::Plan;
use crate::model::deploy::{HANDFUL, Layout};
pub(crate) use deploy::{ACCOUNTS_FILE, DeployView, RETIRED_FILE, deploy_view};
pub(crate) use hub::extra_user_template;
use hub::{HubView, MemberView, hub_view, member_views, retired_views};
pub(crate) use policy::{RECORD, Target, UNIT, ValueView};
use role::{RoleView, role_view};
pub(crate) use vendor::VENDOR_STACK;
use vendor::{VendorView, vendor_view};

/// The stack names DEPLOY.md deploys the hub and the single-account templates under.
pub(crate) const HUB_STACK: &str = "crossrole-hub";
pub(crate) const SINGLE_STACK: &str = "crossrole";

/// Identifier rules as each target language checks them, all from `aws::ids`.
#[derive(Serialize)]
pub(crate) struct RulesView {
    account_id_pattern: &'static str,
    external_id_min: i64,
    external_id_max: i64,
    /// An RE2 regex (Terraform) of the allowed characters.
    external_id_pattern: String,
    /// The whole rule as a POSIX extended regex (bash).
    external_id_posix: String,
    external_id_rule: String,
}

/// The rules, with a vendor role's ExternalIds limited to the length at which the trust still
/// fits (`Vendor::external_id_max`).
pub(crate) fn rules(model: &Plan) -> RulesView {
    let max = model.vendor().map_or(ids::EXTERNAL_ID.max, |v| v.external_id_max);
    let x = ids::Charset { max, ..ids::EXTERNAL_ID };
    RulesView {
        account_id_pattern: ids::ACCOUNT_ID_PATTERN,
        external_id_min: i64::try_from(x.min).unwrap_or(i64::MAX),
        external_id_max: i64::try_from(x.max).unwrap_or(i64::MAX),
        external_id_pattern: format!("^[{}]+$", x.word_class()),
        external_id_posix: x.posix_regex(),
        external_id_rule: x.describe(false),
    }
}

#[derive(Serialize)]
pub(crate) struct View {
    rules: RulesView,
    preset: String,
    tier: String,
    mode: String,
    #[serde(flatten)]
    hub: HubView,
    /// Step 1 of a two-step change (the shape step 2 goes to), or empty.
    pending_shape: String,
    /// Hub users an earlier run had and this one does not (until `--applied`).
    retired_users: Vec<RetiredUserView>,
    /// How many accounts left the setup (until `--applied`), and whether DEPLOY.md names them one
    /// by one (a handful) or reads them from `retired_file`.
    retired_count: i64,
    retired_listed: bool,
    retired_file: &'static str,
    /// Hub and spoke: member accounts with a role each. False for a single account.
    has_members: bool,
    /// A vendor role: no hub, one role (`role`) that `vendor` may assume.
    is_vendor: bool,
    role: RoleView,
    vendor: VendorView,
    deploy: DeployView,
    member_count: i64,
    has_cfn: bool,
    has_tf: bool,
    has_cli: bool,
    format_count: i64,
    hub_stack: &'static str,
    member_stack: &'static str,
    single_stack: &'static str,
    vendor_stack: &'static str,
    admin_role: &'static str,
}

#[derive(Serialize)]
struct RetiredUserView {
    name: String,
    stack_name: String,
}

fn retired_len(model: &Plan) -> usize {
    model.spokes().map_or(0, |h| h.state.retired.len())
}

fn retired_users(model: &Plan) -> Vec<RetiredUserView> {
    let retired = model.spokes().map(|h| h.state.retired_users.as_slice()).unwrap_or_default();
    retired
        .iter()
        .map(|u| RetiredUserView { name: u.name.clone(), stack_name: hub::hub_user_stack(u.number) })
        .collect()
}

/// Which formats are emitted, for DEPLOY.md.
#[derive(Clone, Copy)]
pub(crate) struct Formats {
    pub(crate) cfn: bool,
    pub(crate) tf: bool,
    pub(crate) cli: bool,
}

impl Formats {
    pub(crate) fn of(format: keyword::Format) -> Formats {
        use keyword::Format::{All, Both, Cfn, Cli, Tf};
        Formats {
            cfn: matches!(format, Cfn | Both | All),
            tf: matches!(format, Tf | Both | All),
            cli: matches!(format, Cli | All),
        }
    }
}

/// What every context of a setup holds alike, converted once: the member accounts and the
/// removed accounts whose Terraform providers are kept until `--applied`.
pub(crate) struct Shared {
    /// None where no template lists the accounts one by one (see `lists_members`).
    members: Option<tera::Value>,
    /// The first two, for examples (DEPLOY.md's profile variables).
    example_members: tera::Value,
    retired: tera::Value,
}

/// Whether a built-in template lists the member accounts one by one: a handful of them in
/// DEPLOY.md, a Terraform provider each, or a StackSet's account list. Otherwise the accounts
/// are read from `accounts.txt`, and `members` (thousands of accounts, the largest part of a
/// context) is left out: a replaced template that reads it fails as an undefined variable rather
/// than looping over nothing.
fn lists_members(model: &Plan) -> bool {
    model.spokes().is_some_and(|h| {
        h.members.len() <= HANDFUL
            || h.tf.layout == Layout::Providers
            || matches!(h.deploy, crate::model::deploy::DeployPlan::StackSet(_))
    })
}

pub(crate) fn shared(model: &Plan) -> Result<Shared> {
    let convert = |views: Vec<MemberView>| {
        tera::Value::try_from_serializable(&views).map_err(|e| anyhow!("building the member account list: {e}"))
    };
    let members = if lists_members(model) { Some(convert(member_views(model, usize::MAX))?) } else { None };
    Ok(Shared { members, example_members: convert(member_views(model, 2))?, retired: convert(retired_views(model))? })
}

/// The context of one format's templates: its view and the shared part.
pub(crate) fn context(model: &Plan, hub: Target, member: Target, formats: Formats, shared: &Shared) -> Result<Context> {
    let mut ctx = Context::from_serialize(&build(model, hub, member, formats))
        .map_err(|e| anyhow!("building the template context: {e}"))?;
    if let Some(members) = &shared.members {
        ctx.insert_value("members", members.clone());
    }
    ctx.insert_value("example_members", shared.example_members.clone());
    ctx.insert_value("retired", shared.retired.clone());
    Ok(ctx)
}

/// The view for one template. Hub and member templates of one format share a view; `hub` and
/// `member` pick how deploy-time values are referenced in each.
fn build(model: &Plan, hub: Target, member: Target, formats: Formats) -> View {
    View {
        rules: rules(model),
        preset: model.preset.clone(),
        tier: keyword::name(&model.tier),
        mode: keyword::name(&model.mode),
        hub: model.hub().map(|h| hub_view(model, h, hub)).unwrap_or_default(),
        pending_shape: model.spokes().and_then(|h| h.state.pending.clone()).unwrap_or_default(),
        retired_users: retired_users(model),
        retired_count: i64::try_from(retired_len(model)).unwrap_or(i64::MAX),
        retired_listed: retired_len(model) <= crate::model::deploy::HANDFUL,
        retired_file: RETIRED_FILE,
        has_members: model.kind() == Setup::HubAndSpoke,
        is_vendor: model.kind() == Setup::VendorRole,
        role: model.role().map(|r| role_view(model, r, member)).unwrap_or_default(),
        vendor: model.vendor().map(vendor_view).unwrap_or_default(),
        deploy: deploy_view(model),
        member_count: i64::try_from(model.members().len()).unwrap_or(i64::MAX),
        has_cfn: formats.cfn,
        has_tf: formats.tf,
        has_cli: formats.cli,
        format_count: [formats.cfn, formats.tf, formats.cli].into_iter().map(i64::from).sum(),
        hub_stack: HUB_STACK,
        member_stack: "crossrole-member",
        single_stack: SINGLE_STACK,
        vendor_stack: VENDOR_STACK,
        admin_role: "OrganizationAccountAccessRole",
    }
}
