//! The vendor cross-account role (seeds 003, 004): a role in the customer's account that the
//! vendor's account may assume under an `sts:ExternalId` condition (aws-facts.md §5.1).

use super::ids::{self, AccountId};
use super::policy::{Condition, Expr, PolicyDocument, Seg, Statement, Var, iam_arn};
use super::problems::Problems;
use super::{
    MemberRole, Mode, Model, Setup, TRUST_POLICY_LIMIT, Tier, TrustMode, check_tags, managed_alternatives,
    resolve_sets, role_basics, role_permissions, sizing_env, src,
};
use crate::catalog::{Catalog, VendorPreset};
use crate::config::{Overrides, RawConfig};

/// A rotation window needs two or three; more is a sign of IDs never retired.
pub(crate) const MAX_EXTERNAL_IDS: usize = 5;
/// The config value that asks for a fresh ExternalId (resolved by the caller, which may do I/O).
pub(crate) const GENERATE: &str = "generate";
/// The config value that opts out of the ExternalId condition.
pub(crate) const NONE: &str = "none";

/// Which ExternalIds the trust policy accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ExternalIds {
    /// Known now: written to `external-ids.txt` and passed to the templates at deploy time.
    Known { ids: Vec<String>, generated: bool },
    /// The vendor shows it at sign-up; one parameter, given at deploy time.
    AtDeploy,
    /// No condition at all, because the user said `none`.
    OptedOut,
}

impl ExternalIds {
    pub(crate) fn known(&self) -> Option<&[String]> {
        match self {
            Self::Known { ids, .. } => Some(ids),
            _ => None,
        }
    }

    /// How many ExternalId parameters the templates take.
    pub(crate) fn count(&self) -> usize {
        match self {
            Self::Known { ids, .. } => ids.len(),
            Self::AtDeploy => 1,
            Self::OptedOut => 0,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Vendor {
    /// "Microtica", or "the vendor" for the generic preset.
    pub(crate) title: String,
    pub(crate) account: AccountId,
    pub(crate) external_ids: ExternalIds,
    pub(crate) require_mfa: bool,
    pub(crate) org_id: Option<String>,
    pub(crate) template_url: Option<String>,
}

pub(crate) struct Options<'c> {
    pub(crate) preset_name: String,
    pub(crate) preset: Option<&'c VendorPreset>,
    pub(crate) tier: Tier,
    pub(crate) mode: Mode,
}

/// Options of the hub-and-spoke and single-account setups, refused for a vendor role.
pub(crate) fn conflicts(p: &mut Problems, raw: &RawConfig, ov: &Overrides) {
    const WHY: &str = "a vendor-role setup has no hub, user or member accounts; remove it or choose another setup";
    let hub = &raw.hub;
    let hub_set = hub.account.is_some()
        || hub.user.name.is_some()
        || hub.user.path.is_some()
        || hub.group.name.is_some()
        || hub.group.path.is_some()
        || hub.permission_sets.is_some()
        || hub.assume_policy.is_some()
        || hub.manage_own_account.is_some()
        || hub.access_key.is_some();
    if hub_set {
        p.push("hub", WHY);
    }
    if !raw.accounts.is_empty() {
        p.push("accounts", WHY);
    }
    if raw.member_role.trust.is_some() {
        p.push("member_role.trust", "a vendor role always trusts the vendor's account; remove it");
    }
    p.refuse_given(
        WHY,
        &[
            ("--hub-account", ov.hub_account.is_some()),
            ("--accounts", ov.accounts.is_some()),
            ("--trust", ov.trust.is_some()),
            ("--assume-policy", ov.assume_policy.is_some()),
            ("--access-key", ov.access_key.is_some()),
        ],
    );
}

/// Options only a vendor role has, refused in the other setups.
pub(crate) fn foreign_options(p: &mut Problems, raw: &RawConfig, ov: &Overrides) {
    const WHY: &str = "only a vendor-role setup has a vendor; remove it or use setup vendor-role";
    let v = &raw.vendor;
    if v.account.is_some()
        || v.external_id.is_some()
        || v.require_mfa.is_some()
        || v.principal_org_id.is_some()
        || v.template_url.is_some()
    {
        p.push("vendor", WHY);
    }
    p.refuse_given(
        WHY,
        &[
            ("--vendor-account", ov.vendor_account.is_some()),
            ("--external-id", ov.external_ids.is_some()),
            ("--template-url", ov.template_url.is_some()),
        ],
    );
}

/// The ExternalIds as given (flag or config), before `generate` is resolved: the caller needs
/// them to know whether to generate one.
pub(crate) fn requested_ids(raw: &RawConfig, flag: Option<&[String]>) -> Option<Vec<String>> {
    flag.map(<[String]>::to_vec).or_else(|| raw.vendor.external_id.as_ref().map(|e| e.values()))
}

fn external_ids(p: &mut Problems, field: &str, given: Option<Vec<String>>, generated: bool) -> Option<ExternalIds> {
    let Some(given) = given else { return Some(ExternalIds::AtDeploy) };
    if given.is_empty() {
        p.push(
            field,
            format!("an empty list; give one ExternalId, several for a rotation window, {GENERATE:?} or {NONE:?}"),
        );
        return None;
    }
    if given.len() == 1 && given[0] == NONE {
        return Some(ExternalIds::OptedOut);
    }
    if given.len() > MAX_EXTERNAL_IDS {
        p.push(
            field,
            format!(
                "{} ExternalIds; at most {MAX_EXTERNAL_IDS} (a rotation window: the new ID and the ones being retired)",
                given.len()
            ),
        );
        return None;
    }
    let mut ids: Vec<String> = Vec::new();
    let mut ok = true;
    for (i, id) in given.iter().enumerate() {
        let at = format!("{field}[{i}]");
        if given.len() == 1 && id == GENERATE {
            p.push(at, "generate was not resolved to an ID (an internal error; please report it)");
            ok = false;
        } else if id == NONE || id == GENERATE {
            p.push(at, format!("{id:?} stands alone; it cannot be combined with other ExternalIds"));
            ok = false;
        } else if let Some(id) = p.check(&at, ids::external_id(id)) {
            if let Some(j) = ids.iter().position(|x| *x == id) {
                p.push(at, format!("the same ExternalId as {field}[{j}]"));
                ok = false;
            } else {
                ids.push(id);
            }
        } else {
            ok = false;
        }
    }
    ok.then_some(ExternalIds::Known { ids, generated })
}

pub(crate) fn build(
    catalog: &Catalog,
    raw: &RawConfig,
    ov: &Overrides,
    opts: Options<'_>,
    mut p: Problems,
    mut warnings: Vec<String>,
) -> Result<Model, Problems> {
    conflicts(&mut p, raw, ov);
    let Options { preset_name, preset, tier, mode } = opts;
    let title = preset.map_or_else(|| "the vendor".to_string(), |v| v.title.clone());

    // Who is trusted, and under which conditions.
    let preset_account = preset.and_then(|v| v.account.clone());
    let account = match (&ov.vendor_account, &raw.vendor.account, &preset_account) {
        (Some(s), _, _) => p.check("--vendor-account", AccountId::parse(s)),
        (None, Some(v), _) => p.check("vendor.account", AccountId::from_yaml(v)),
        (None, None, Some(a)) => p.check("preset", AccountId::parse(a)),
        (None, None, None) => {
            p.push(
                "vendor.account",
                format!("missing: the preset {preset_name:?} does not know {title}'s AWS account; give it with --vendor-account or vendor.account"),
            );
            None
        }
    };
    if let (Some(a), Some(fixed)) = (&account, &preset_account) {
        if a.as_str() != fixed {
            warnings.push(format!(
                "vendor.account: {:?} replaces {title}'s account {fixed:?} from the preset; make sure {title} told you to",
                a.as_str()
            ));
        }
    }
    let id_field = src("--external-id", "vendor.external_id", ov.external_ids.is_some());
    let requested = requested_ids(raw, ov.external_ids.as_deref());
    // `generate` stands for the ID the caller made or found (the model does no I/O).
    let (requested, generated) = match (requested, &ov.generated_external_id) {
        (Some(r), Some(id)) if r == [GENERATE] => (Some(vec![id.clone()]), true),
        (r, _) => (r, false),
    };
    let ext = external_ids(&mut p, &id_field, requested, generated);
    if ext == Some(ExternalIds::OptedOut) {
        warnings.push(format!(
            "{id_field}: none: the role trusts {title}'s whole account without an ExternalId, so any other customer of {title} who learns this role's ARN can make {title} act in this account (the confused-deputy problem)"
        ));
    }
    let require_mfa = raw.vendor.require_mfa.unwrap_or(false);
    if require_mfa {
        warnings.push(format!(
            "vendor.require_mfa: only sessions signed in with MFA can assume the role; a service of {title} that assumes it on its own will be denied"
        ));
    }
    let org_id =
        raw.vendor.principal_org_id.as_deref().and_then(|o| p.check("vendor.principal_org_id", ids::org_id(o)));
    let template_url = ov
        .template_url
        .as_deref()
        .map(|u| p.check("--template-url", ids::template_url(u)))
        .or_else(|| raw.vendor.template_url.as_deref().map(|u| p.check("vendor.template_url", ids::template_url(u))))
        .flatten();

    // The role.
    let shared_tags = check_tags(&mut p, "tags", &raw.tags);
    let basics = role_basics(
        &mut p,
        &mut warnings,
        raw,
        ov,
        &format!("{preset_name}-integration"),
        &format!("Assumed by {title} from its AWS account. Managed by crossrole."),
        &shared_tags,
    );
    let explicit = raw.member_role.permission_sets.is_some();
    let names = raw
        .member_role
        .permission_sets
        .clone()
        .unwrap_or_else(|| catalog.preset(&preset_name).map(|p| p.member_sets.clone()).unwrap_or_default());
    if names.is_empty() && !explicit {
        p.push(
            "member_role.permission_sets",
            format!(
                "the preset {preset_name:?} has no default permission sets: name them (`crossrole catalog` lists them)"
            ),
        );
    }
    let sets = resolve_sets(catalog, &mut p, &mut warnings, "member_role.permission_sets", &names, explicit, false);

    let (Some(account), Some(ext), Some(basics)) = (account, ext, basics) else {
        return Err(p);
    };
    if !p.is_empty() {
        return Err(p);
    }
    let aws_managed = match mode {
        Mode::Managed => managed_alternatives(&mut p, "member_role.permission_sets", &sets),
        Mode::Inline => Vec::new(),
    };
    let known: Vec<String> = match &ext {
        ExternalIds::Known { ids, .. } => ids.clone(),
        _ => Vec::new(),
    };
    // Measured with the IDs that will be deployed, or the longest possible one.
    let base = sizing_env(String::new());
    let size_env = move |v: Var| match v {
        Var::ExternalId(i) => known.get(usize::from(i)).cloned().unwrap_or_else(|| base(v)),
        other => base(other),
    };
    let trust = trust_policy(&account, ext.count(), require_mfa, org_id.as_deref());
    let trust_size = trust.iam_size(&size_env);
    if trust_size > TRUST_POLICY_LIMIT {
        p.push(
            &id_field,
            format!("the trust policy is {trust_size} characters; IAM's default limit is {TRUST_POLICY_LIMIT}: use fewer or shorter ExternalIds"),
        );
    }
    let (inline, role_aws_managed) = role_permissions(&mut p, mode, tier, &sets, &aws_managed, &preset_name, &size_env);
    if inline.is_none() && role_aws_managed.is_empty() {
        warnings.push("member_role: the role grants no permissions (no permission set selected any action)".into());
    }
    if !p.is_empty() {
        return Err(p);
    }
    Ok(Model {
        setup: Setup::VendorRole,
        preset: preset_name,
        tier,
        mode,
        hub: None,
        members: Vec::new(),
        role: Some(MemberRole {
            name: basics.name,
            path: basics.path,
            description: basics.description,
            max_session_duration: basics.max_session,
            boundary: basics.boundary,
            tags: basics.tags,
            trust_mode: TrustMode::Vendor,
            trust,
            sets: sets.iter().map(|s| s.name.clone()).collect(),
            inline,
            aws_managed: role_aws_managed,
        }),
        vendor: Some(Vendor { title, account, external_ids: ext, require_mfa, org_id, template_url }),
        warnings,
    })
}

/// The vendor's account root (the vendor decides which of its principals assume the role), with
/// `id_count` ExternalId parameters, and optionally MFA and the vendor's organization.
pub(crate) fn trust_policy(account: &AccountId, id_count: usize, mfa: bool, org_id: Option<&str>) -> PolicyDocument {
    let mut conditions = Vec::new();
    if id_count > 0 {
        conditions.push(Condition {
            operator: "StringEquals".into(),
            key: "sts:ExternalId".into(),
            values: (0..id_count)
                .map(|i| Expr(vec![Seg::Var(Var::ExternalId(u8::try_from(i).unwrap_or(u8::MAX)))]))
                .collect(),
        });
    }
    if mfa {
        conditions.push(Condition {
            operator: "Bool".into(),
            key: "aws:MultiFactorAuthPresent".into(),
            values: vec![Expr::lit("true")],
        });
    }
    if let Some(org) = org_id {
        conditions.push(Condition {
            operator: "StringEquals".into(),
            key: "aws:PrincipalOrgID".into(),
            values: vec![Expr::lit(org)],
        });
    }
    let mut st = Statement {
        sid: "TrustVendor".into(),
        principals: vec![iam_arn(Expr::lit(account.as_str()), "root")],
        actions: vec!["sts:AssumeRole".into()],
        resources: vec![],
        conditions,
    };
    st.normalise();
    PolicyDocument { statements: vec![st] }
}
