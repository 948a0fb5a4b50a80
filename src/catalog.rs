//! The permission catalog: named permission sets with tiers, sources and managed-policy
//! alternatives. The default catalog is embedded; `--catalog FILE` replaces it. Either is checked
//! when loaded, its actions against the IAM service definitions too (`iam_check`).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

pub(crate) mod custom;
pub(crate) mod placeholder;

use placeholder::{Placeholder, parse_placeholders};

mod iam_check;

pub(crate) const EMBEDDED: &str = include_str!("catalog/permissions.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Catalog {
    pub(crate) version: u32,
    pub(crate) sources: Vec<Source>,
    pub(crate) presets: Vec<Preset>,
    pub(crate) permission_sets: Vec<PermissionSet>,
}

/// A catalog file added with `--catalog-extra`: any of the three lists.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Extra {
    version: u32,
    #[serde(default)]
    sources: Vec<Source>,
    #[serde(default)]
    presets: Vec<Preset>,
    #[serde(default)]
    permission_sets: Vec<PermissionSet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Source {
    pub(crate) id: String,
    pub(crate) title: String,
    /// Which of the maintainers' seed guides this is (`../shared/seeds/`); users see the title.
    #[allow(dead_code, reason = "catalog data for its maintainers, checked by the loader's schema")]
    pub(crate) seed: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Preset {
    pub(crate) name: String,
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) hub_sets: Vec<String>,
    /// The member role's sets, or the vendor role's in a preset with `vendor`.
    #[serde(default)]
    pub(crate) member_sets: Vec<String>,
    /// The sets of a single-account setup (the group gets them all).
    #[serde(default)]
    pub(crate) single_account_sets: Vec<String>,
    /// Present in presets that describe a vendor's cross-account role (setup `vendor-role`); such a
    /// preset has no hub.
    #[serde(default)]
    pub(crate) vendor: Option<VendorPreset>,
    /// How the integration finds the member accounts it may reach (hub and spoke), if it does.
    #[serde(default)]
    pub(crate) discovery: Option<Discovery>,
}

/// How an integration discovers its member accounts from the hub's IAM policies.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Discovery {
    /// It reads the inline policies of its user's groups and takes the role ARNs listed there.
    InlineGroupPolicies,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VendorPreset {
    /// The vendor's name as shown to people ("Microtica").
    pub(crate) title: String,
    /// The vendor's AWS account that assumes the role; absent when each user supplies it.
    #[serde(default)]
    pub(crate) account: Option<String>,
    /// Where the account comes from (a catalog source id).
    #[serde(default)]
    pub(crate) source: Option<String>,
}

/// Where a set's statements make sense: on the hub user's own identity (its ARNs name the user and
/// group), or in any account (member role, vendor role, single-account group).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Scope {
    HubIdentity,
    Account,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PermissionSet {
    pub(crate) name: String,
    pub(crate) title: String,
    pub(crate) description: String,
    pub(crate) scope: Scope,
    pub(crate) sources: Vec<String>,
    #[serde(default)]
    pub(crate) differences: Option<String>,
    #[serde(default)]
    pub(crate) managed_policies: Vec<String>,
    /// Sets that grant far more than an integration needs; used only when named explicitly.
    #[serde(default)]
    pub(crate) dangerous: bool,
    pub(crate) statements: Vec<CatalogStatement>,
    /// Filled at load: the set's risky actions (privilege escalation, data exfiltration) when it
    /// is not marked dangerous, one line each naming set, statement and action. For whoever uses
    /// the set to show; loading does not print them.
    #[serde(skip)]
    pub(crate) warnings: Vec<String>,
    /// From the embedded catalog, whose risky actions were reviewed when it was written; a
    /// user's set (`--catalog`, `--catalog-extra`) gets them as warnings when a run uses it.
    #[serde(skip)]
    pub(crate) reviewed: bool,
    /// Where a set that is not from a catalog file was written (`member_role.statements`), for
    /// messages.
    #[serde(skip)]
    pub(crate) origin: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogStatement {
    pub(crate) sid: String,
    pub(crate) resources: Vec<String>,
    #[serde(default)]
    pub(crate) required: Vec<String>,
    #[serde(default)]
    pub(crate) recommended: Vec<String>,
    /// The statement's `Condition`: operator, key, values.
    #[serde(default)]
    pub(crate) conditions: custom::Conditions,
    /// A config statement whose risky actions were reviewed (`dangerous: true` on it).
    #[serde(skip)]
    pub(crate) dangerous: bool,
}

impl Catalog {
    /// The embedded catalog, checked, each set with its warnings (what `crossrole catalog` shows).
    pub(crate) fn embedded() -> Result<Self> {
        Self::parse(EMBEDDED, "the embedded catalog").map(Self::reviewed)
    }

    /// The embedded catalog as a setup reads it: not checked again. Its check cannot fail at run
    /// time (the text and the IAM table are both built into the binary; the tests run it) and a
    /// setup shows no warnings of its sets (they are reviewed), while checking is most of a run's
    /// fixed cost. Sets added to it (`with_extras`, `with_config_sets`) check the whole again.
    pub(crate) fn embedded_for_setup() -> Result<Self> {
        serde_yaml::from_str(EMBEDDED).context("parsing the embedded catalog").map(Self::reviewed)
    }

    fn reviewed(mut self) -> Self {
        for set in &mut self.permission_sets {
            set.reviewed = true;
        }
        self
    }

    /// This catalog with the sources, presets and sets of `files` added: a name already taken is
    /// an error naming both places, and the whole is checked again as one catalog.
    pub(crate) fn with_extras(mut self, files: &[std::path::PathBuf]) -> Result<Self> {
        let mut problems = Vec::new();
        for path in files {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading catalog {}", path.display()))?;
            let extra: Extra =
                serde_yaml::from_str(&text).with_context(|| format!("parsing catalog {}", path.display()))?;
            let at = path.display();
            if extra.version != 1 {
                problems.push(format!("{at}: version: {} is not supported (expected 1)", extra.version));
            }
            for s in &extra.sources {
                if self.sources.iter().any(|x| x.id == s.id) {
                    problems.push(format!("{at}: source {:?} is already in the catalog", s.id));
                }
            }
            for p in &extra.presets {
                if self.preset(&p.name).is_some() {
                    problems.push(format!("{at}: preset {:?} is already in the catalog", p.name));
                }
            }
            for s in &extra.permission_sets {
                if self.set(&s.name).is_some() {
                    problems.push(format!("{at}: permission set {:?} is already in the catalog", s.name));
                }
            }
            self.sources.extend(extra.sources);
            self.presets.extend(extra.presets);
            self.permission_sets.extend(extra.permission_sets);
        }
        if !problems.is_empty() {
            bail!("{}", problems.join("\n"));
        }
        let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        self.rechecked(format!("checking the catalog with {}", names.join(", ")))
    }

    /// This catalog with the sets a config writes itself (`custom`); a catalog set of the same
    /// name is an error.
    pub(crate) fn with_config_sets(mut self, sets: Vec<PermissionSet>, config: &Path) -> Result<Self> {
        if sets.is_empty() {
            return Ok(self);
        }
        for s in &sets {
            if self.set(&s.name).is_some() {
                bail!(
                    "{}: the catalog already has a permission set named {:?}, the name these statements take",
                    s.origin.as_deref().unwrap_or_default(),
                    s.name
                );
            }
        }
        self.permission_sets.extend(sets);
        self.rechecked(format!("checking the statements of config {}", config.display()))
    }

    /// Checked again as one catalog after sets were added, each set's warnings replaced.
    fn rechecked(mut self, what: String) -> Result<Self> {
        let warnings = self.check().context(what)?;
        for set in &mut self.permission_sets {
            set.warnings.clear();
        }
        for (i, w) in warnings {
            if let Some(set) = self.permission_sets.get_mut(i) {
                set.warnings.push(w);
            }
        }
        Ok(self)
    }

    pub(crate) fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading catalog {}", path.display()))?;
        Self::parse(&text, &format!("catalog {}", path.display()))
    }

    fn parse(text: &str, what: &str) -> Result<Self> {
        let mut catalog: Catalog = serde_yaml::from_str(text).with_context(|| format!("parsing {what}"))?;
        let warnings = catalog.check().with_context(|| format!("checking {what}"))?;
        for (i, w) in warnings {
            if let Some(set) = catalog.permission_sets.get_mut(i) {
                set.warnings.push(w);
            }
        }
        Ok(catalog)
    }

    /// Every set's warnings, in catalog order.
    #[cfg(test)]
    pub(crate) fn warnings(&self) -> impl Iterator<Item = &str> {
        self.permission_sets.iter().flat_map(|s| s.warnings.iter().map(String::as_str))
    }

    pub(crate) fn set(&self, name: &str) -> Option<&PermissionSet> {
        self.permission_sets.iter().find(|s| s.name == name)
    }

    pub(crate) fn preset(&self, name: &str) -> Option<&Preset> {
        self.presets.iter().find(|p| p.name == name)
    }

    pub(crate) fn set_names(&self) -> impl Iterator<Item = &str> {
        self.permission_sets.iter().map(|s| s.name.as_str())
    }

    /// Internal consistency: names unique, references resolve, actions well formed and known to
    /// IAM (`iam_check`), placeholders known and allowed by the set's scope. All problems are
    /// reported together; the warnings are returned with the index of their set.
    fn check(&self) -> Result<Vec<(usize, String)>> {
        let actions = self
            .permission_sets
            .iter()
            .flat_map(|s| &s.statements)
            .flat_map(|st| st.required.iter().chain(&st.recommended));
        crate::iam::preload(actions.map(String::as_str));
        let mut iam = iam_check::Findings::default();
        let mut problems = Vec::new();
        if self.version != 1 {
            problems.push(format!("version: {} is not supported (expected 1)", self.version));
        }
        let source_ids: BTreeSet<&str> = self.sources.iter().map(|s| s.id.as_str()).collect();
        let mut seen = BTreeSet::new();
        for (i, set) in self.permission_sets.iter().enumerate() {
            check_set(i, set, &source_ids, &mut seen, &mut problems, &mut iam);
        }
        self.check_presets(&source_ids, &mut problems);
        // After the lookups, which read the services they name.
        if let Some(e) = crate::iam::load_error() {
            problems
                .push(format!("the embedded IAM service definitions cannot be read ({e}); actions are not checked"));
        }
        if problems.is_empty() { Ok(iam.warnings) } else { bail!("{}", problems.join("\n")) }
    }

    /// Presets: vendor fields well formed, sets known and fit for where the preset puts them.
    fn check_presets(&self, source_ids: &BTreeSet<&str>, problems: &mut Vec<String>) {
        for (i, preset) in self.presets.iter().enumerate() {
            if let Some(v) = &preset.vendor {
                if let Some(a) = &v.account {
                    if crate::aws::ids::AccountId::parse(a).is_err() {
                        problems.push(format!("presets[{i}] ({}).vendor.account: {a:?} is not 12 digits", preset.name));
                    }
                }
                if let Some(src) = &v.source {
                    if !source_ids.contains(src.as_str()) {
                        problems.push(format!("presets[{i}] ({}).vendor.source: unknown source {src:?}", preset.name));
                    }
                }
                if !preset.hub_sets.is_empty() || !preset.single_account_sets.is_empty() {
                    problems.push(format!(
                        "presets[{i}] ({}): a vendor preset has no hub: only member_sets apply",
                        preset.name
                    ));
                }
            }
            for name in preset.hub_sets.iter().chain(&preset.member_sets).chain(&preset.single_account_sets) {
                if self.set(name).is_none() {
                    problems.push(format!("presets[{i}] ({}): unknown permission set {name:?}", preset.name));
                }
            }
            for name in &preset.member_sets {
                if self.set(name).is_some_and(|s| s.scope == Scope::HubIdentity) {
                    problems
                        .push(format!("presets[{i}] ({}): member set {name:?} has scope hub-identity", preset.name));
                }
            }
        }
    }
}

/// One permission set: its name, sources, managed alternatives and every statement.
fn check_set<'a>(
    i: usize,
    set: &'a PermissionSet,
    source_ids: &BTreeSet<&str>,
    seen: &mut BTreeSet<&'a str>,
    problems: &mut Vec<String>,
    iam: &mut iam_check::Findings,
) {
    let at = set.origin.clone().unwrap_or_else(|| format!("permission_sets[{i}] ({})", set.name));
    if !is_kebab(&set.name) {
        problems.push(format!("{at}.name: must be lower-case kebab-case"));
    }
    if !seen.insert(set.name.as_str()) {
        problems.push(format!("{at}.name: duplicate permission set name"));
    }
    for src in &set.sources {
        if !source_ids.contains(src.as_str()) {
            problems.push(format!("{at}.sources: unknown source {src:?}"));
        }
    }
    for mp in &set.managed_policies {
        if !mp.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)) {
            problems.push(format!("{at}.managed_policies: {mp:?} is not an AWS managed policy name"));
        }
    }
    let mut sids = BTreeSet::new();
    for (j, st) in set.statements.iter().enumerate() {
        let at = match &set.origin {
            Some(field) => format!("{field}[{j}]"),
            None => format!("{at}.statements[{j}]"),
        };
        check_statement(&at, (i, set), st, &mut sids, problems, iam);
    }
}

/// One statement: sid, resources, actions (against IAM, by `iam_check`) and placeholders.
fn check_statement<'a>(
    at: &str,
    (i, set): (usize, &PermissionSet),
    st: &'a CatalogStatement,
    sids: &mut BTreeSet<&'a str>,
    problems: &mut Vec<String>,
    iam: &mut iam_check::Findings,
) {
    if st.sid.is_empty() || !st.sid.chars().all(|c| c.is_ascii_alphanumeric()) {
        problems.push(format!("{at}.sid: {:?} must be alphanumeric", st.sid));
    }
    if !sids.insert(st.sid.as_str()) {
        problems.push(format!("{at}.sid: duplicate sid {:?}", st.sid));
    }
    if st.resources.is_empty() {
        problems.push(format!("{at}.resources: must not be empty"));
    }
    if st.required.is_empty() && st.recommended.is_empty() {
        problems.push(format!("{at}: has no actions"));
    }
    for action in st.required.iter().chain(&st.recommended) {
        if !is_action(action) {
            problems.push(format!("{at}: {action:?} is not of the form service:Action"));
        }
    }
    iam_check::check_statement(&format!("{at} ({})", st.sid), i, set, st, iam);
    iam_check::check_conditions(&format!("{at} ({})", st.sid), i, st, iam);
    problems.append(&mut iam.errors);
    for r in &st.resources {
        match parse_placeholders(r) {
            Err(e) => problems.push(format!("{at}.resources: {r:?}: {e}")),
            Ok(parts) => {
                let hub_only =
                    parts.iter().any(|p| matches!(p, placeholder::Piece::Placeholder(ph) if ph.is_hub_only()));
                if hub_only && set.scope != Scope::HubIdentity {
                    problems.push(format!(
                            "{at}.resources: {r:?} names the hub user or group, which only sets with `scope: hub-identity` may do"
                        ));
                }
            }
        }
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// `service:Action`; the action may hold IAM wildcards (`ec2:Describe*`) and `-` (a few do).
fn is_action(s: &str) -> bool {
    match s.split_once(':') {
        Some((service, action)) => {
            !service.is_empty()
                && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !action.is_empty()
                && action.chars().all(|c| c.is_ascii_alphanumeric() || "*?-".contains(c))
        }
        None => false,
    }
}

/// Placeholder names used in the catalog, for `catalog list` and docs.
pub(crate) fn placeholder_names() -> Vec<&'static str> {
    Placeholder::ALL.iter().map(|p| p.name()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_loads_and_has_the_default_preset() {
        let c = Catalog::embedded().unwrap();
        let p = c.preset("micetro").unwrap();
        assert!(p.member_sets.contains(&"micetro-dns".to_string()));
        assert!(c.set("zeet-administrator").unwrap().dangerous);
    }

    #[test]
    fn seed_000_wins_over_001_and_records_it() {
        let c = Catalog::embedded().unwrap();
        let dns = c.set("micetro-dns").unwrap();
        let list = &dns.statements[0];
        assert!(list.required.contains(&"route53:ListHostedZonesByName".to_string()));
        assert!(dns.differences.as_deref().unwrap().contains("ListHostedZonesByName"));
        let net = c.set("micetro-cloud-network").unwrap();
        assert!(net.statements[0].required.contains(&"ec2:DescribeInstances".to_string()));
        assert!(net.statements[0].required.contains(&"ec2:DescribeVpcs".to_string()));
    }

    #[test]
    fn catalog_problems_are_all_reported() {
        let text = r#"
version: 1
sources: []
presets:
  - {name: p, description: d, hub_sets: [nope], member_sets: []}
  - {name: v, description: d, vendor: {title: V, account: "12345", source: gone}, hub_sets: [Bad_Name]}
permission_sets:
  - name: Bad_Name
    title: t
    description: d
    scope: account
    sources: [missing]
    statements:
      - sid: a-b
        resources: ["arn:${Partition}:iam::${Account}:user${UserName}", "${Bogus}"]
        required: [not-an-action]
"#;
        let err = format!("{:#}", Catalog::parse(text, "test").unwrap_err());
        for needle in [
            "must be lower-case kebab-case",
            "unknown source \"missing\"",
            "\"a-b\" must be alphanumeric",
            "\"not-an-action\" is not of the form service:Action",
            "only sets with `scope: hub-identity`",
            "unknown placeholder ${Bogus}",
            "unknown permission set \"nope\"",
            "presets[1] (v).vendor.account: \"12345\" is not 12 digits",
            "presets[1] (v).vendor.source: unknown source \"gone\"",
            "presets[1] (v): a vendor preset has no hub: only member_sets apply",
        ] {
            assert!(err.contains(needle), "missing {needle:?} in {err}");
        }
    }

    /// One set `a` with the statements given (YAML flow mappings).
    fn one_set(dangerous: bool, statements: &[&str]) -> String {
        let statements: String = statements.iter().map(|st| format!("      - {st}\n")).collect();
        format!(
            "version: 1\nsources: []\npresets: []\npermission_sets:\n  - name: a\n    title: t\n    description: d\n    scope: account\n    sources: []\n    dangerous: {dangerous}\n    statements:\n{statements}"
        )
    }

    #[test]
    fn every_embedded_action_is_an_iam_action_in_canonical_case() {
        let c = Catalog::embedded().unwrap();
        let mut checked = 0;
        for set in &c.permission_sets {
            for st in &set.statements {
                for action in st.required.iter().chain(&st.recommended) {
                    let found = crate::iam::find_ignoring_case(action).map(|a| a.full_name());
                    assert_eq!(found.as_deref(), Some(action.as_str()), "{}/{}", set.name, st.sid);
                    checked += 1;
                }
            }
        }
        assert!(checked > 150, "{checked}");
    }

    #[test]
    fn a_setup_reads_the_embedded_catalog_as_checked_less_the_warnings_it_does_not_show() {
        let mut checked = Catalog::embedded().unwrap();
        assert!(checked.warnings().count() > 0);
        for set in &mut checked.permission_sets {
            set.warnings.clear();
        }
        let unchecked = Catalog::embedded_for_setup().unwrap();
        assert!(unchecked.permission_sets.iter().all(|s| s.reviewed));
        assert_eq!(format!("{unchecked:?}"), format!("{checked:?}"));
    }

    #[test]
    fn embedded_catalog_warns_only_on_the_vendor_sets_that_need_risky_actions() {
        let c = Catalog::embedded().unwrap();
        let got: Vec<(&str, &str)> = c
            .permission_sets
            .iter()
            .flat_map(|s| s.warnings.iter().map(move |w| (s.name.as_str(), w.as_str())))
            .map(|(set, w)| (set, w.split(": ").nth(1).and_then(|r| r.split(' ').next()).unwrap_or_default()))
            .collect();
        assert_eq!(
            got,
            [
                ("microtica-ec2-nodes", "iam:PassRole"),
                ("zeet-container-management", "iam:AttachRolePolicy"),
                ("zeet-container-management", "iam:PassRole"),
                ("zeet-serverless", "s3:GetObject"),
                ("zeet-serverless", "lambda:UpdateFunctionCode"),
                ("zeet-serverless", "iam:AttachRolePolicy"),
                ("zeet-serverless", "iam:PassRole"),
                ("zeet-serverless", "iam:PutRolePolicy"),
                ("zeet-rds", "s3:GetObject"),
                ("zeet-terraform-state", "s3:GetObject"),
                ("zeet-secrets", "secretsmanager:GetSecretValue"),
            ]
        );
        assert_eq!(c.warnings().count(), got.len());
        assert!(c.set("micetro-dns").unwrap().warnings.is_empty());
        assert_eq!(
            c.set("zeet-secrets").unwrap().warnings,
            [
                "permission_sets[16] (zeet-secrets).statements[1] (Secrets): secretsmanager:GetSecretValue allows data exfiltration: it reads secrets (cloudsplaining); the set is not marked `dangerous: true`"
            ]
        );
    }

    #[test]
    fn iam_mistakes_are_all_reported_with_set_and_sid() {
        let text = one_set(
            false,
            &[
                r#"{sid: One, resources: ["*"], required: [route53:GetHostedZoneCnt, ec2:describeregions, ec2:DescribeVPCs, route35:GetHostedZoneCount, ec2:Frobnicate*, ec3:Describe*, ec2:Describe*]}"#,
                r#"{sid: Two, resources: ["arn:${Partition}:route53:::hostedzone/*"], required: [route53:ListHostedZones, route53:GetHostedZone], recommended: [iam:PassRole, ec2:Describe*]}"#,
            ],
        );
        let err = format!("{:#}", Catalog::parse(&text, "test").unwrap_err());
        let at = "permission_sets[0] (a).statements";
        let want = [
            format!("{at}[0] (One): \"route53:GetHostedZoneCnt\" is not an action of route53 (did you mean route53:GetHostedZoneCount?)"),
            "\"ec2:describeregions\" is not in canonical case: write ec2:DescribeRegions".into(),
            "\"ec2:DescribeVPCs\" is not in canonical case: write ec2:DescribeVpcs".into(),
            "\"route35:GetHostedZoneCount\": \"route35\" is not an AWS service prefix (did you mean route53:GetHostedZoneCount?)".into(),
            "\"ec2:Frobnicate*\" matches no action of ec2".into(),
            "\"ec3:Describe*\": \"ec3\" is not an AWS service prefix (did you mean ec2, ecr or ecs?)".into(),
            format!("{at}[1] (Two): route53:ListHostedZones takes no resource type, so IAM grants it on \"*\" only: move it to a statement on [\"*\"]"),
            "iam:PassRole takes none of the statement's resources; its resource types are role".into(),
            "\"ec2:Describe*\" matches no action that takes the statement's resources".into(),
        ];
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), want.len(), "{err}");
        for (line, want) in lines.iter().zip(&want) {
            assert!(line.contains(want.as_str()), "{line:?} should contain {want:?}");
        }
    }

    #[test]
    fn risky_actions_warn_unless_the_set_is_dangerous() {
        let statements = [
            r#"{sid: Pass, resources: ["arn:${Partition}:iam::${Account}:role/*"], required: [iam:PassRole]}"#,
            r#"{sid: Any, resources: ["*"], required: [sts:AssumeRole, ssm:GetParameter*]}"#,
            r#"{sid: Scoped, resources: ["arn:${Partition}:iam::${Account}:role/x"], required: [sts:AssumeRole]}"#,
        ];
        let c = Catalog::parse(&one_set(false, &statements), "test").unwrap();
        let w: Vec<&str> = c.warnings().collect();
        assert_eq!(w.len(), 5, "{w:#?}");
        assert!(
            w[0].starts_with("permission_sets[0] (a).statements[0] (Pass): iam:PassRole allows privilege escalation")
        );
        assert!(w[1].contains("(Any): sts:AssumeRole allows privilege escalation: it assumes any role"));
        assert!(w[2].contains("(Any): ssm:GetParameter (through ssm:GetParameter*) allows data exfiltration"));
        assert!(w[4].contains("ssm:GetParametersByPath (through ssm:GetParameter*)"));
        assert!(!w.iter().any(|l| l.contains("(Scoped)")), "sts:AssumeRole on named roles is not flagged");
        let c = Catalog::parse(&one_set(true, &statements), "test").unwrap();
        assert_eq!(c.warnings().count(), 0);
    }
}
