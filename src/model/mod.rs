//! The validated model: everything the renderers need, checked against AWS rules, sorted, and free
//! of I/O. `build` reports every problem it finds, not just the first.

pub(crate) mod hub_policy;
pub(crate) mod ids;
pub(crate) mod policy;
pub(crate) mod problems;
pub(crate) mod template;
pub(crate) mod vendor;

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, PermissionSet, Scope};
use crate::config::{Overrides, RawAccount, RawConfig};
use hub_policy::{AssumePlan, ShapeChoice};
use ids::{AccountId, Boundary};
use policy::{Condition, Expr, PolicyDocument, Seg, Statement, Var, iam_arn};
use problems::{Problems, suggest};
use template::{Piece, Placeholder, parse_placeholders};

pub(crate) const DEFAULT_PRESET: &str = "micetro";
/// IAM's aggregate limit for all inline policies of one role (aws-facts.md §1.1).
pub(crate) const ROLE_INLINE_LIMIT: usize = 10_240;
/// Default trust-policy quota (adjustable to 4,096; we stay within the default).
pub(crate) const TRUST_POLICY_LIMIT: usize = 2_048;
/// Managed policies per role without a quota increase.
pub(crate) const ROLE_MANAGED_LIMIT: usize = 10;

/// What is being set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Setup {
    /// A hub account's user assumes a role in every member account (seed 002).
    HubAndSpoke,
    /// One account: the user and group with the permission sets on the group (seed 000).
    SingleAccount,
    /// A role in a customer's account that a vendor's account assumes (seeds 003, 004).
    VendorRole,
}

/// Who creates the integration user's access key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AccessKey {
    /// Nobody: the user creates it after deploying (no secret in a stack or in state).
    None,
    /// The stack or module, which keeps the pair in a Secrets Manager secret.
    SecretsManager,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tier {
    Required,
    Recommended,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Inline,
    Managed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrustMode {
    /// Hub account root, restricted by an `aws:PrincipalArn` condition naming the hub user.
    PrincipalArn,
    /// The hub user's ARN as the principal (the user must exist before the role is created).
    User,
    /// The hub account root alone, as seed 002's console steps do.
    Account,
    /// A vendor's account root under an `sts:ExternalId` condition (or opted out by name).
    Vendor,
}

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
    pub(crate) doc: PolicyDocument,
}

#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub(crate) account: AccountId,
    pub(crate) name: Option<String>,
}

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
    /// Customer managed policies created in the hub and attached to the group.
    pub(crate) managed: Vec<NamedPolicy>,
    /// AWS managed policies attached to the group (mode managed).
    pub(crate) aws_managed: Vec<String>,
    /// How the group may assume the member roles; none in a single-account setup.
    pub(crate) assume: Option<AssumePlan>,
    pub(crate) manage_own_account: bool,
    pub(crate) access_key: AccessKey,
    /// Name of the Secrets Manager secret holding the key (with `AccessKey::SecretsManager`).
    pub(crate) access_key_secret: String,
    /// The sets granted in the hub account itself (with `manage_own_account`).
    pub(crate) own_sets: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct MemberRole {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) description: String,
    pub(crate) max_session_duration: u32,
    pub(crate) boundary: Option<Expr>,
    pub(crate) tags: Vec<(String, String)>,
    pub(crate) trust_mode: TrustMode,
    pub(crate) trust: PolicyDocument,
    pub(crate) sets: Vec<String>,
    pub(crate) inline: Option<NamedPolicy>,
    pub(crate) aws_managed: Vec<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct Model {
    pub(crate) setup: Setup,
    pub(crate) preset: String,
    pub(crate) tier: Tier,
    pub(crate) mode: Mode,
    /// The hub (or the single account's) user and group; none for a vendor role.
    pub(crate) hub: Option<Hub>,
    pub(crate) members: Vec<Member>,
    /// The role in every member account, or the vendor role; none in a single-account setup.
    pub(crate) role: Option<MemberRole>,
    pub(crate) vendor: Option<vendor::Vendor>,
    pub(crate) warnings: Vec<String>,
}

/// Values used to measure policies the way IAM will see them. The longest partition name keeps
/// the estimate on the safe side in every partition.
pub(crate) fn sizing_env(hub_user: String) -> impl Fn(Var) -> String {
    move |v| match v {
        Var::Partition => "aws-us-gov".to_string(),
        Var::Account | Var::HubAccount => "123456789012".to_string(),
        Var::HubUserName => hub_user.clone(),
        // Not known until deploy time: assume the longest STS accepts.
        Var::ExternalId(_) => "x".repeat(ids::EXTERNAL_ID_MAX),
    }
}

fn one_of<T: Copy>(value: &str, options: &[(&str, T)]) -> Result<T, String> {
    options.iter().find(|(n, _)| *n == value).map(|(_, v)| *v).ok_or_else(|| {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let hint = suggest(value, names.iter().copied()).map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default();
        format!("{value:?} is not one of {}{hint}", names.join(", "))
    })
}

/// A keyword option from its flag (which wins) or the config file, checked against its choices;
/// a problem names whichever of the two gave the value.
fn choice<T: Copy>(
    p: &mut Problems,
    flag: (&str, Option<&str>),
    field: (&str, Option<&str>),
    default: T,
    options: &[(&str, T)],
) -> Option<T> {
    match (flag, field) {
        ((name, Some(v)), _) | (_, (name, Some(v))) => p.check(name, one_of(v, options)),
        _ => Some(default),
    }
}

/// Field name of a value that may come from a flag or from the config file.
pub(crate) fn src(flag: &str, field: &str, from_flag: bool) -> String {
    if from_flag { flag.to_string() } else { field.to_string() }
}

pub(crate) fn build(catalog: &Catalog, raw: &RawConfig, ov: &Overrides) -> Result<Model, Problems> {
    let mut p = Problems::default();
    let mut warnings = Vec::new();

    // Preset and options.
    let preset_name = ov.preset.clone().or_else(|| raw.preset.clone()).unwrap_or_else(|| DEFAULT_PRESET.into());
    let preset_field = src("--preset", "preset", ov.preset.is_some());
    let preset = catalog.preset(&preset_name);
    if preset.is_none() {
        let hint = suggest(&preset_name, catalog.presets.iter().map(|p| p.name.as_str()))
            .map(|s| format!(" (did you mean {s:?}?)"))
            .unwrap_or_default();
        p.push(&preset_field, format!("{preset_name:?} is not a preset of the catalog{hint}"));
    }
    let vendor_preset = preset.and_then(|p| p.vendor.as_ref());
    let setup = choice(
        &mut p,
        ("--setup", ov.setup.as_deref()),
        ("setup", raw.setup.as_deref()),
        if vendor_preset.is_some() { Setup::VendorRole } else { Setup::HubAndSpoke },
        &[
            ("hub-and-spoke", Setup::HubAndSpoke),
            ("single-account", Setup::SingleAccount),
            ("vendor-role", Setup::VendorRole),
        ],
    );
    if let (Some(setup), Some(preset)) = (setup, preset) {
        let vendor_names: Vec<&str> =
            catalog.presets.iter().filter(|p| p.vendor.is_some()).map(|p| p.name.as_str()).collect();
        match (setup, vendor_preset) {
            (Setup::VendorRole, None) => p.push(
                &preset_field,
                format!(
                    "{:?} has no vendor; a vendor-role setup takes one of {} (`vendor` for any vendor, with the sets named)",
                    preset.name,
                    vendor_names.join(", ")
                ),
            ),
            (Setup::HubAndSpoke | Setup::SingleAccount, Some(v)) => p.push(
                &preset_field,
                format!("{:?} describes {}'s cross-account role: use setup vendor-role", preset.name, v.title),
            ),
            _ => {}
        }
    }
    let single = setup == Some(Setup::SingleAccount);
    if setup != Some(Setup::VendorRole) {
        vendor::foreign_options(&mut p, raw, ov);
    }
    if single {
        single_account_conflicts(&mut p, raw, ov);
    }
    let tier = choice(
        &mut p,
        ("--tier", ov.tier.as_deref()),
        ("tier", raw.tier.as_deref()),
        Tier::Recommended,
        &[("required", Tier::Required), ("recommended", Tier::Recommended)],
    );
    let mode = choice(
        &mut p,
        ("--mode", ov.mode.as_deref()),
        ("mode", raw.mode.as_deref()),
        Mode::Inline,
        &[("inline", Mode::Inline), ("managed", Mode::Managed)],
    );
    let trust_mode = choice(
        &mut p,
        ("--trust", ov.trust.as_deref()),
        ("member_role.trust", raw.member_role.trust.as_deref()),
        TrustMode::PrincipalArn,
        &[("principal-arn", TrustMode::PrincipalArn), ("user", TrustMode::User), ("account", TrustMode::Account)],
    );
    if setup == Some(Setup::VendorRole) {
        // Without its preset a vendor role has no account and no sets to report on.
        let (Some(tier), Some(mode), Some(_)) = (tier, mode, preset) else {
            vendor::conflicts(&mut p, raw, ov);
            return Err(p);
        };
        return vendor::build(
            catalog,
            raw,
            ov,
            vendor::Options { preset_name, preset: vendor_preset, tier, mode },
            p,
            warnings,
        );
    }
    let access_key = choice(
        &mut p,
        ("--access-key", ov.access_key.as_deref()),
        ("hub.access_key", raw.hub.access_key.as_deref()),
        AccessKey::None,
        &[("none", AccessKey::None), ("secrets-manager", AccessKey::SecretsManager)],
    );
    let shape_choice = choice(
        &mut p,
        ("--assume-policy", ov.assume_policy.as_deref()),
        ("hub.assume_policy", raw.hub.assume_policy.as_deref()),
        ShapeChoice::Auto,
        ShapeChoice::NAMES,
    );

    // Accounts.
    let (hub_account, members) = parse_accounts(&mut p, raw, ov, single);

    // Names and paths.
    let default_name = format!("{preset_name}-integration");
    let user_name = raw.hub.user.name.clone().unwrap_or_else(|| default_name.clone());
    let user_name = p.check("hub.user.name", ids::iam_name(&user_name, 64));
    let user_path = p.check("hub.user.path", ids::iam_path(raw.hub.user.path.as_deref().unwrap_or("/")));
    let group_name = raw.hub.group.name.clone().unwrap_or_else(|| default_name.clone());
    let group_name = p.check("hub.group.name", ids::iam_name(&group_name, 128));
    let group_path = p.check("hub.group.path", ids::iam_path(raw.hub.group.path.as_deref().unwrap_or("/")));
    let user_tags = check_tags(&mut p, "tags", &raw.tags);
    let basics = role_basics(
        &mut p,
        &mut warnings,
        raw,
        ov,
        &default_name,
        &format!("Assumed by the {preset_name} integration from the hub account. Managed by crossrole."),
        &user_tags,
    );

    // Permission sets.
    let hub_set_names: Vec<String> =
        raw.hub.permission_sets.clone().or_else(|| preset.map(|p| p.hub_sets.clone())).unwrap_or_default();
    let member_set_names: Vec<String> =
        raw.member_role.permission_sets.clone().or_else(|| preset.map(|p| p.member_sets.clone())).unwrap_or_default();
    let (hub_sets, member_sets) = if single {
        // One list for the one account: sets that read the user's own identity go to the group's
        // inline policy, the others to the group's permission policy.
        let names = raw
            .hub
            .permission_sets
            .clone()
            .or_else(|| preset.map(|p| p.single_account_sets.clone()))
            .unwrap_or_default();
        let all = resolve_sets(
            catalog,
            &mut p,
            &mut warnings,
            "hub.permission_sets",
            &names,
            raw.hub.permission_sets.is_some(),
            true,
        );
        all.into_iter().partition(|s| s.scope == Scope::HubIdentity)
    } else {
        (
            resolve_sets(
                catalog,
                &mut p,
                &mut warnings,
                "hub.permission_sets",
                &hub_set_names,
                raw.hub.permission_sets.is_some(),
                true,
            ),
            resolve_sets(
                catalog,
                &mut p,
                &mut warnings,
                "member_role.permission_sets",
                &member_set_names,
                raw.member_role.permission_sets.is_some(),
                false,
            ),
        )
    };

    let (Some(setup), Some(tier), Some(mode), Some(trust_mode), Some(shape_choice), Some(hub_account)) =
        (setup, tier, mode, trust_mode, shape_choice, hub_account)
    else {
        return Err(p);
    };
    let (Some(user_name), Some(user_path), Some(group_name), Some(group_path), Some(basics), Some(access_key)) =
        (user_name, user_path, group_name, group_path, basics, access_key)
    else {
        return Err(p);
    };
    if !p.is_empty() {
        return Err(p);
    }
    let RoleBasics { name: role_name, path: role_path, description, max_session, boundary, tags: role_tags } = basics;

    let user = Entity { name: user_name, path: user_path };
    let group = Entity { name: group_name, path: group_path };
    let size_env = sizing_env(user.name.clone());

    // AWS managed alternatives of the account permission sets (mode managed), reported once.
    let member_aws_managed = match mode {
        Mode::Managed => managed_alternatives(
            &mut p,
            if single { "hub.permission_sets" } else { "member_role.permission_sets" },
            &member_sets,
        ),
        Mode::Inline => Vec::new(),
    };

    // Member role: trust and permissions.
    let role = if single {
        None
    } else {
        let trust = trust_policy(trust_mode, &user);
        let trust_size = trust.iam_size(&size_env);
        if trust_size > TRUST_POLICY_LIMIT {
            p.push(
                "member_role.trust",
                format!("the trust policy is {trust_size} characters; IAM's default limit is {TRUST_POLICY_LIMIT}"),
            );
        }
        let (role_inline, role_aws_managed) =
            role_permissions(&mut p, mode, tier, &member_sets, &member_aws_managed, &preset_name, &size_env);
        if trust_mode == TrustMode::Account {
            warnings.push(
                "member_role.trust: account trusts the whole hub account: any identity there that is allowed sts:AssumeRole on the role can assume it (principal-arn limits it to the hub user)".into(),
            );
        }
        if role_inline.is_none() && role_aws_managed.is_empty() {
            warnings.push("member_role: the role grants no permissions (no permission set selected any action)".into());
        }

        Some(MemberRole {
            name: role_name.clone(),
            path: role_path.clone(),
            description,
            max_session_duration: max_session,
            boundary,
            tags: role_tags,
            trust_mode,
            trust,
            sets: member_sets.iter().map(|s| s.name.clone()).collect(),
            inline: role_inline,
            aws_managed: role_aws_managed,
        })
    };

    // Hub group: own identity permissions, then the assume-role policies packed to fit.
    let mut hub_inline = Vec::new();
    let mut hub_aws_managed = Vec::new();
    match mode {
        Mode::Inline => {
            let doc = permission_document(&hub_sets, tier, Some((&user, &group)));
            if !doc.statements.is_empty() {
                hub_inline.push(NamedPolicy {
                    key: "read-own-identity".into(),
                    name: "read-own-identity".into(),
                    description: String::new(),
                    doc,
                });
            }
        }
        Mode::Managed => hub_aws_managed = managed_alternatives(&mut p, "hub.permission_sets", &hub_sets),
    }
    // The hub account managed like a member: its own permissions go into a managed policy, so the
    // group's inline budget stays for the assume-role policies.
    let manage_own_account = single || raw.hub.manage_own_account.unwrap_or(false);
    let mut own_managed = Vec::new();
    if manage_own_account {
        match mode {
            Mode::Inline => {
                own_managed.extend(own_permissions(&mut p, &member_sets, tier, &group, single, &size_env));
            }
            Mode::Managed => {
                hub_aws_managed.extend(member_aws_managed.iter().cloned());
                hub_aws_managed.sort();
                hub_aws_managed.dedup();
            }
        }
    }
    let plan = if single {
        None
    } else {
        let role_arn_rest = format!("role{}{}", policy::policy_literal(&role_path), policy::policy_literal(&role_name));
        let used_inline: usize = hub_inline.iter().map(|n| n.doc.iam_size(&size_env)).sum();
        let plan = hub_policy::plan(hub_policy::Inputs {
            choice: shape_choice,
            accounts: &members.iter().map(|m| m.account.clone()).collect::<Vec<_>>(),
            role_arn_rest: &role_arn_rest,
            role_path: &role_path,
            role_name: &role_name,
            group_name: &group.name,
            used_inline,
            used_managed: hub_aws_managed.len() + own_managed.len(),
            env: &size_env,
        });
        let plan = match plan {
            Ok(plan) => plan,
            Err(msg) => {
                p.push(src("--assume-policy", "hub.assume_policy", ov.assume_policy.is_some()), msg);
                return Err(p);
            }
        };
        Some(plan)
    };
    let mut hub_managed = own_managed;
    if let Some(plan) = &plan {
        hub_inline.extend(plan.inline.iter().cloned());
        hub_managed.extend(plan.managed.iter().cloned());
    }
    if hub_aws_managed.len() + hub_managed.len() > hub_policy::GROUP_MANAGED_LIMIT {
        p.push(
            "hub",
            format!(
                "the group needs {} managed policies; IAM allows {} per group",
                hub_aws_managed.len() + hub_managed.len(),
                hub_policy::GROUP_MANAGED_LIMIT
            ),
        );
    }

    if !p.is_empty() {
        return Err(p);
    }
    let access_key_secret = access_key_secret_name(&user.name);
    Ok(Model {
        setup,
        preset: preset_name,
        tier,
        mode,
        hub: Some(Hub {
            account: hub_account,
            user,
            group,
            tags: user_tags,
            sets: hub_sets.iter().map(|s| s.name.clone()).collect(),
            inline: hub_inline,
            managed: hub_managed,
            aws_managed: hub_aws_managed,
            assume: plan,
            manage_own_account,
            access_key,
            access_key_secret,
            own_sets: if manage_own_account {
                member_sets.iter().map(|s| s.name.clone()).collect()
            } else {
                Vec::new()
            },
        }),
        members,
        role,
        vendor: None,
        warnings,
    })
}

/// The secret's name: Secrets Manager names take `[\w/+=.@-]`, so a comma (allowed in user
/// names) becomes `-`.
fn access_key_secret_name(user: &str) -> String {
    format!("crossrole/{}/access-key", user.replace(',', "-"))
}

/// What every role shares, member or vendor: name, path, description, session, boundary, tags.
pub(crate) struct RoleBasics {
    pub(crate) name: String,
    pub(crate) path: String,
    pub(crate) description: String,
    pub(crate) max_session: u32,
    pub(crate) boundary: Option<Expr>,
    pub(crate) tags: Vec<(String, String)>,
}

/// The role's own fields from `member_role` (and `--role-name`), each checked; `None` when any
/// failed (the problems are recorded).
pub(crate) fn role_basics(
    p: &mut Problems,
    warnings: &mut Vec<String>,
    raw: &RawConfig,
    ov: &Overrides,
    default_name: &str,
    default_description: &str,
    shared_tags: &[(String, String)],
) -> Option<RoleBasics> {
    let role = &raw.member_role;
    let name = ov.role_name.clone().or_else(|| role.name.clone()).unwrap_or_else(|| default_name.to_string());
    let name = p.check(&src("--role-name", "member_role.name", ov.role_name.is_some()), ids::iam_name(&name, 64));
    let path = p.check("member_role.path", ids::iam_path(role.path.as_deref().unwrap_or("/")));
    if let (Some(n), Some(pa)) = (&name, &path) {
        // The console's Switch Role accepts at most 64 characters of path + name (aws-facts.md §1.3).
        if pa.len() + n.len() > 64 {
            warnings.push(format!(
                "member_role: path {pa:?} and name {n:?} together exceed 64 characters; the console's Switch Role cannot use this role (API and CLI can)"
            ));
        }
    }
    let description = p
        .check("member_role.description", ids::description(role.description.as_deref().unwrap_or(default_description)));
    let max_session = p.check(
        "member_role.max_session_duration",
        ids::max_session_duration(role.max_session_duration.unwrap_or(3600)),
    );
    let boundary = role
        .permissions_boundary
        .as_deref()
        .and_then(|b| p.check("member_role.permissions_boundary", ids::boundary(b)))
        .map(|b| match b {
            Boundary::Arn(a) => Expr::lit(a),
            Boundary::Name(n) => iam_arn(Expr(vec![Seg::Var(Var::Account)]), &format!("policy/{n}")),
        });
    let own_tags = check_tags(p, "member_role.tags", &role.tags);
    let tags = if p.is_empty() { merge_tags(p, shared_tags, &own_tags) } else { Vec::new() };
    Some(RoleBasics { name: name?, path: path?, description: description?, max_session: max_session?, boundary, tags })
}

/// Options that only a hub-and-spoke setup has, refused in a single-account setup.
fn single_account_conflicts(p: &mut Problems, raw: &RawConfig, ov: &Overrides) {
    const WHY: &str = "a single-account setup has no member accounts or roles; remove it or use setup: hub-and-spoke";
    if ov.accounts.is_some() {
        p.push("--accounts", WHY);
    } else if !raw.accounts.is_empty() {
        p.push("accounts", WHY);
    }
    let role = &raw.member_role;
    let role_set = role.name.is_some()
        || role.path.is_some()
        || role.description.is_some()
        || role.max_session_duration.is_some()
        || role.permissions_boundary.is_some()
        || !role.tags.is_empty()
        || role.trust.is_some()
        || role.permission_sets.is_some();
    if role_set {
        p.push("member_role", WHY);
    }
    p.refuse_given(
        WHY,
        &[
            ("--role-name", ov.role_name.is_some()),
            ("--trust", ov.trust.is_some()),
            ("--assume-policy", ov.assume_policy.is_some()),
        ],
    );
    if raw.hub.assume_policy.is_some() {
        p.push("hub.assume_policy", WHY);
    }
    if raw.hub.manage_own_account == Some(false) {
        p.push("hub.manage_own_account", "a single-account setup always grants the permission sets in its account");
    }
}

/// The hub account and the member accounts (sorted), each checked: 12 digits as a string, listed
/// once, not the hub, names unique ignoring case.
fn parse_accounts(p: &mut Problems, raw: &RawConfig, ov: &Overrides, single: bool) -> (Option<AccountId>, Vec<Member>) {
    let hub_account = match (&ov.hub_account, &raw.hub.account) {
        (Some(s), _) => p.check("--hub-account", AccountId::parse(s)),
        (None, Some(v)) => p.check("hub.account", AccountId::from_yaml(v)),
        (None, None) => {
            p.push("hub.account", "missing: give the hub account id with --hub-account or hub.account");
            None
        }
    };
    let mut members: Vec<Member> = Vec::new();
    let mut first_seen: BTreeMap<AccountId, String> = BTreeMap::new();
    let mut names_seen: BTreeMap<String, String> = BTreeMap::new();
    let raw_members: Vec<(String, Result<AccountId, String>, Option<String>)> = match &ov.accounts {
        Some(list) => list
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("--accounts[{i}]"), AccountId::parse(s.trim()), None))
            .collect(),
        None => raw
            .accounts
            .iter()
            .enumerate()
            .map(|(i, a)| match a {
                RawAccount::Id(v) => (format!("accounts[{i}]"), AccountId::from_yaml(v), None),
                RawAccount::Detailed(d) => (format!("accounts[{i}].id"), AccountId::from_yaml(&d.id), d.name.clone()),
            })
            .collect(),
    };
    if raw_members.is_empty() && !single {
        p.push("accounts", "no member accounts given: list them with --accounts or accounts:");
    }
    for (field, id, name) in raw_members {
        let Some(id) = p.check(&field, id) else { continue };
        if let Some(prev) = first_seen.get(&id) {
            p.push(&field, format!("{:?} is listed twice (first at {prev}); each member account once", id.as_str()));
            continue;
        }
        if hub_account.as_ref() == Some(&id) {
            p.push(&field, format!("{:?} is the hub account; the hub cannot also be a member", id.as_str()));
            continue;
        }
        first_seen.insert(id.clone(), field.clone());
        if let Some(n) = &name {
            let nfield = field.replace(".id", ".name");
            if p.check(&nfield, ids::iam_name(n, 64)).is_some() {
                if let Some(prev) = names_seen.insert(n.to_lowercase(), nfield.clone()) {
                    p.push(&nfield, format!("{n:?} is already used by {prev} (names compare case-insensitively)"));
                }
            }
        }
        members.push(Member { account: id, name });
    }
    members.sort_by(|a, b| a.account.cmp(&b.account));
    (hub_account, members)
}

/// The account's own permissions for the hub group (hub managing its own account, or a single
/// account), as one customer managed policy: the group's inline budget stays for the rest.
fn own_permissions(
    p: &mut Problems,
    member_sets: &[&PermissionSet],
    tier: Tier,
    group: &Entity,
    single: bool,
    size_env: &dyn Fn(Var) -> String,
) -> Option<NamedPolicy> {
    let doc = permission_document(member_sets, tier, None);
    let size = doc.iam_size(size_env);
    let name = format!("{}-permissions", group.name);
    if size > hub_policy::MANAGED_POLICY_LIMIT {
        p.push(
            "hub.manage_own_account",
            format!(
                "the hub's own permission policy is {size} characters; a managed policy holds at most {}",
                hub_policy::MANAGED_POLICY_LIMIT
            ),
        );
    } else if name.len() > 128 {
        p.push(
            "hub.manage_own_account",
            format!("policy name {name:?} exceeds 128 characters; shorten hub.group.name"),
        );
    } else if !doc.statements.is_empty() {
        return Some(NamedPolicy {
            key: "own-permissions".into(),
            name,
            description: if single {
                "crossrole: the integration's permissions in this account".into()
            } else {
                "crossrole: the integration's permissions in the hub account itself".into()
            },
            doc,
        });
    }
    None
}

/// The member role's own permissions: one least-privilege inline policy, or the AWS managed
/// alternatives; each checked against the role's limits.
pub(crate) fn role_permissions(
    p: &mut Problems,
    mode: Mode,
    tier: Tier,
    member_sets: &[&PermissionSet],
    member_aws_managed: &[String],
    preset_name: &str,
    size_env: &dyn Fn(Var) -> String,
) -> (Option<NamedPolicy>, Vec<String>) {
    let mut role_inline = None;
    let mut role_aws_managed = Vec::new();
    match mode {
        Mode::Inline => {
            for s in member_sets.iter().filter(|s| s.statements.is_empty()) {
                p.push(
                    "member_role.permission_sets",
                    format!(
                        "{:?} exists only as the AWS managed {}; use mode managed",
                        s.name,
                        s.managed_policies.join(", ")
                    ),
                );
            }
            let doc = permission_document(member_sets, tier, None);
            if !doc.statements.is_empty() {
                let size = doc.iam_size(size_env);
                if size > ROLE_INLINE_LIMIT {
                    p.push(
                        "member_role.permission_sets",
                        format!("the role's inline policy is {size} characters; IAM allows {ROLE_INLINE_LIMIT} per role. Choose fewer sets, tier required, or mode managed"),
                    );
                }
                role_inline = Some(NamedPolicy {
                    key: "permissions".into(),
                    name: format!("{preset_name}-permissions"),
                    description: String::new(),
                    doc,
                });
            }
        }
        Mode::Managed => {
            role_aws_managed = member_aws_managed.to_vec();
            if role_aws_managed.len() > ROLE_MANAGED_LIMIT {
                p.push(
                    "member_role.permission_sets",
                    format!("{} managed policies; a role takes at most {ROLE_MANAGED_LIMIT}", role_aws_managed.len()),
                );
            }
        }
    }
    (role_inline, role_aws_managed)
}

/// Validates one tag map: key and value rules, keys unique ignoring case.
pub(crate) fn check_tags(p: &mut Problems, field: &str, tags: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in tags {
        let (Some(k2), Some(v2)) = (p.check(field, ids::tag_key(k)), p.check(field, ids::tag_value(k, v))) else {
            continue;
        };
        out.push((k2, v2));
    }
    no_case_duplicates(p, field, &out);
    out
}

fn no_case_duplicates(p: &mut Problems, field: &str, tags: &[(String, String)]) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (k, _) in tags {
        if let Some(prev) = seen.insert(k.to_lowercase(), k) {
            p.push(field, format!("tag keys {prev:?} and {k:?} differ only in case; IAM treats them as the same key"));
        }
    }
    if tags.len() > 50 {
        p.push(field, format!("{} tags; IAM allows at most 50 per user or role", tags.len()));
    }
}

/// The role's tags: the shared tags, overridden key by key by the role's own.
fn merge_tags(p: &mut Problems, base: &[(String, String)], extra: &[(String, String)]) -> Vec<(String, String)> {
    let mut merged: BTreeMap<String, String> = base.iter().cloned().collect();
    merged.extend(extra.iter().cloned());
    let out: Vec<(String, String)> = merged.into_iter().collect();
    no_case_duplicates(p, "member_role.tags", &out);
    out
}

pub(crate) fn resolve_sets<'c>(
    catalog: &'c Catalog,
    p: &mut Problems,
    warnings: &mut Vec<String>,
    field: &str,
    names: &[String],
    explicit: bool,
    hub: bool,
) -> Vec<&'c PermissionSet> {
    let mut out: Vec<&PermissionSet> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let Some(set) = catalog.set(name) else {
            let hint =
                suggest(name, catalog.set_names()).map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default();
            p.push(
                at,
                format!("{name:?} is not a permission set of the catalog{hint}; `crossrole catalog` lists them"),
            );
            continue;
        };
        if !seen.insert(name.as_str()) {
            p.push(at, format!("{name:?} is listed twice"));
            continue;
        }
        if !hub && set.scope == Scope::HubIdentity {
            p.push(at, format!("{name:?} reads the hub user's own identity: it belongs in the hub.permission_sets of a hub-and-spoke or single-account setup"));
            continue;
        }
        if set.dangerous {
            if explicit {
                warnings.push(format!("{at}: {name:?} grants far more than an integration needs: {}", set.description));
            } else {
                p.push(at, format!("{name:?} is marked dangerous and is only used when named explicitly"));
                continue;
            }
        }
        out.push(set);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

pub(crate) fn managed_alternatives(p: &mut Problems, field: &str, sets: &[&PermissionSet]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for s in sets {
        if s.managed_policies.is_empty() {
            p.push(field, format!("{:?} has no managed-policy alternative in the catalog; use mode inline", s.name));
        }
        out.extend(s.managed_policies.iter().cloned());
    }
    out.into_iter().collect()
}

/// `abc-def.1` → `AbcDef1`: Sids and CloudFormation logical ids.
pub(crate) fn pascal(s: &str) -> String {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The least-privilege document for `sets` at `tier`. `hub` resolves the hub-only placeholders; in
/// other accounts only `${Partition}` and `${Account}` occur (the catalog check guarantees it).
pub(crate) fn permission_document(
    sets: &[&PermissionSet],
    tier: Tier,
    hub: Option<(&Entity, &Entity)>,
) -> PolicyDocument {
    let mut statements = Vec::new();
    for set in sets {
        for st in &set.statements {
            let mut actions = st.required.clone();
            if tier == Tier::Recommended {
                actions.extend(st.recommended.iter().cloned());
            }
            if actions.is_empty() {
                continue;
            }
            let resources = st.resources.iter().map(|r| resolve_resource(r, hub)).collect();
            statements.push(Statement::allow(&format!("{}{}", pascal(&set.name), st.sid), actions, resources));
        }
    }
    statements.sort_by(|a, b| a.sid.cmp(&b.sid));
    PolicyDocument { statements }
}

fn resolve_resource(r: &str, hub: Option<(&Entity, &Entity)>) -> Expr {
    let mut e = Expr::default();
    // The catalog was checked at load time, so parsing cannot fail here; an unparsable string
    // would be kept literally.
    let pieces = parse_placeholders(r).unwrap_or_else(|_| vec![Piece::Lit(r.to_string())]);
    for piece in pieces {
        let seg = match piece {
            Piece::Lit(l) => Seg::Lit(l),
            Piece::Placeholder(Placeholder::Partition) => Seg::Var(Var::Partition),
            Piece::Placeholder(Placeholder::Account) => Seg::Var(Var::Account),
            Piece::Placeholder(ph) => {
                let (user, group) = match hub {
                    Some(h) => h,
                    None => continue,
                };
                Seg::Lit(policy::policy_literal(match ph {
                    Placeholder::UserPath => &user.path,
                    Placeholder::UserName => &user.name,
                    Placeholder::GroupPath => &group.path,
                    _ => &group.name,
                }))
            }
        };
        e.push(seg);
    }
    e
}

fn trust_policy(mode: TrustMode, user: &Entity) -> PolicyDocument {
    let hub = Expr(vec![Seg::Var(Var::HubAccount)]);
    let root = iam_arn(hub.clone(), "root");
    // A condition value may hold wildcards and policy variables, so user text is escaped there; a
    // Principal may hold neither, and takes the ARN as it is.
    let user_in_condition =
        iam_arn(hub.clone(), &format!("user{}", policy::policy_literal(&user.path))).var_then(Var::HubUserName);
    let user_principal = iam_arn(hub, &format!("user{}", user.path)).var_then(Var::HubUserName);
    let mut st = Statement {
        sid: "TrustHubUser".into(),
        principals: vec![],
        actions: vec!["sts:AssumeRole".into()],
        resources: vec![],
        conditions: vec![],
    };
    match mode {
        TrustMode::PrincipalArn => {
            st.principals = vec![root];
            st.conditions = vec![Condition {
                operator: "ArnEquals".into(),
                key: "aws:PrincipalArn".into(),
                values: vec![user_in_condition],
            }];
        }
        TrustMode::User => st.principals = vec![user_principal],
        // A member role never trusts a vendor; `vendor::trust_policy` builds that trust.
        TrustMode::Account | TrustMode::Vendor => {
            st.sid = "TrustHubAccount".into();
            st.principals = vec![root];
        }
    }
    st.normalise();
    PolicyDocument { statements: vec![st] }
}

#[cfg(test)]
mod tests;
