//! The vendor cross-account role (seeds 003, 004): a role in the customer's account that the
//! vendor's account may assume under an `sts:ExternalId` condition (aws-facts.md §5.1).

use super::policy::{Condition, Expr, PolicyDocument, Seg, Statement, Var, iam_arn};
use super::problems::Problems;
use super::shared::{self, check_tags, managed_alternatives, resolve_sets, role_basics, sizing_env};
use super::{Build, VendorRole};
use crate::aws::ids::{self, AccountId};
use crate::aws::quotas;
use crate::catalog::PermissionSet;
use crate::keyword::Mode;

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
    /// The longest each ExternalId may be: every parameter at this length still fits the trust.
    pub(crate) external_id_max: usize,
    pub(crate) require_mfa: bool,
    pub(crate) org_id: Option<String>,
    pub(crate) template_url: Option<String>,
}

pub(crate) fn build(b: &mut Build<'_>) -> Option<VendorRole> {
    // Without its preset a vendor role has no account and no sets to report on.
    b.preset?;
    let title = b.preset.and_then(|p| p.vendor.as_ref()).map_or_else(|| "the vendor".to_string(), |v| v.title.clone());
    let account = vendor_account(b, &title);
    let (id_field, ext) = requested_ids(b, &title);
    let require_mfa = b.req.raw.vendor.require_mfa.unwrap_or(false);
    if require_mfa {
        b.warnings.push(format!(
            "vendor.require_mfa: only sessions signed in with MFA can assume the role; a service of {title} that assumes it on its own will be denied"
        ));
    }
    let org_id =
        b.req.raw.vendor.principal_org_id.as_deref().and_then(|o| b.p.check("vendor.principal_org_id", ids::org_id(o)));
    let template_url = b.req.template_url.as_ref().and_then(|g| b.p.check(&g.field, ids::template_url(&g.value)));
    let shared_tags = check_tags(&mut b.p, "tags", &b.req.raw.tags);
    let preset = b.preset_name().to_string();
    let basics = role_basics(
        b,
        &format!("{preset}-integration"),
        &format!("Assumed by {title} from its AWS account. Managed by crossrole."),
        &shared_tags,
    );
    let sets = role_sets(b);
    let (Some(account), Some(ext), Some(basics)) = (account, ext, basics) else { return None };
    if !b.p.is_empty() {
        return None;
    }
    let (trust, external_id_max) = measured_trust(b, &id_field, &account, &ext, require_mfa, org_id.as_deref());
    let field = b.req.role_field("permission_sets");
    let aws_managed = match b.req.mode.value {
        Mode::Managed => managed_alternatives(&mut b.p, &field, &sets),
        Mode::Inline => Vec::new(),
    };
    let role = shared::role(b, basics, trust, &sets, &aws_managed, &sizing_env(String::new()));
    let vendor = Vendor { title, account, external_ids: ext, external_id_max, require_mfa, org_id, template_url };
    Some(VendorRole { vendor, role })
}

/// The vendor's account: flag, config, or the preset's (a replaced preset account is warned about).
fn vendor_account(b: &mut Build<'_>, title: &str) -> Option<AccountId> {
    let preset_account = b.preset.and_then(|p| p.vendor.as_ref()).and_then(|v| v.account.clone());
    let account = match (&b.req.vendor_account, &preset_account) {
        (Some(g), _) => b.p.check(&g.field, g.value.clone()),
        (None, Some(a)) => b.p.check("preset", AccountId::parse(a)),
        (None, None) => {
            b.p.push(
                "vendor.account",
                format!("missing: the preset {:?} does not know {title}'s AWS account; give it with --vendor-account or vendor.account", b.preset_name()),
            );
            None
        }
    };
    if let (Some(a), Some(fixed)) = (&account, &preset_account) {
        if a.as_str() != fixed {
            b.warnings.push(format!(
                "vendor.account: {:?} replaces {title}'s account {fixed:?} from the preset; make sure {title} told you to",
                a.as_str()
            ));
        }
    }
    account
}

/// The ExternalIds asked for, with `generate` standing for the ID the command made or found (the
/// model does no I/O), and the field that gave them.
fn requested_ids(b: &mut Build<'_>, title: &str) -> (String, Option<ExternalIds>) {
    let Some(given) = &b.req.external_ids else {
        return ("vendor.external_id".into(), Some(ExternalIds::AtDeploy));
    };
    let field = given.field.clone();
    let (ids, generated) = match &b.req.generated_external_id {
        Some(id) if given.value == [GENERATE] => (vec![id.clone()], true),
        _ => (given.value.clone(), false),
    };
    let ext = external_ids(&mut b.p, &field, &ids, generated);
    if ext == Some(ExternalIds::OptedOut) {
        b.warnings.push(format!(
            "{field}: none: the role trusts {title}'s whole account without an ExternalId, so any other customer of {title} who learns this role's ARN can make {title} act in this account (the confused-deputy problem)"
        ));
    }
    (field, ext)
}

/// The role's sets: named in the config, or the preset's (the generic preset has none).
fn role_sets<'c>(b: &mut Build<'c>) -> Vec<&'c PermissionSet> {
    let field = b.req.role_field("permission_sets");
    let explicit = b.req.raw.member_role.permission_sets.clone();
    let mut names = explicit.clone().unwrap_or_else(|| b.preset.map(|p| p.member_sets.clone()).unwrap_or_default());
    let statements = &b.req.raw.member_role.statements;
    if names.is_empty() && explicit.is_none() && statements.is_empty() {
        b.p.push(
            &field,
            format!(
                "the preset {:?} has no default permission sets: name them (`crossrole catalog` lists them)",
                b.preset_name()
            ),
        );
    }
    shared::with_config_statements(&mut names, statements, crate::catalog::custom::MEMBER_SET);
    resolve_sets(b, &field, &names, explicit.is_some(), false)
}

/// The trust policy, and the longest ExternalId each parameter may take so that the trust fits
/// IAM's quota even when every ID is that long: the budget left by the rest of the trust, shared
/// out equally (at most STS's 1,224). Known IDs must be within it.
fn measured_trust(
    b: &mut Build<'_>,
    id_field: &str,
    account: &AccountId,
    ext: &ExternalIds,
    mfa: bool,
    org_id: Option<&str>,
) -> (PolicyDocument, usize) {
    let trust = trust_policy(account, ext.count(), mfa, org_id);
    let base = sizing_env(String::new());
    let sized = |len: usize| {
        trust.iam_size(&|v: Var| match v {
            Var::ExternalId(_) => "x".repeat(len),
            other => base(other),
        })
    };
    let count = ext.count();
    let rest = sized(0);
    let max = quotas::TRUST_POLICY
        .saturating_sub(rest)
        .checked_div(count)
        .map_or(ids::EXTERNAL_ID.max, |m| m.min(ids::EXTERNAL_ID.max));
    if count > 0 && max < ids::EXTERNAL_ID.min {
        b.p.push(
            id_field,
            format!("{count} ExternalIds do not fit IAM's {} trust policy characters (the rest of the trust takes {rest}): use fewer", quotas::TRUST_POLICY),
        );
        return (trust, max);
    }
    let long: Vec<String> = ext
        .known()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, id)| id.chars().count() > max)
        .map(|(i, id)| format!("ExternalId {} has {}", i + 1, id.chars().count()))
        .collect();
    if !long.is_empty() {
        b.p.push(
            id_field,
            format!(
                "{}: with {count} ExternalIds each may have at most {max} characters, so that the trust policy fits IAM's {} even at the parameters' maximum; use fewer or shorter ExternalIds",
                long.join(", "),
                quotas::TRUST_POLICY
            ),
        );
    }
    (trust, max)
}

fn external_ids(p: &mut Problems, field: &str, given: &[String], generated: bool) -> Option<ExternalIds> {
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
