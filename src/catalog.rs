//! The permission catalog: named permission sets with tiers, sources and managed-policy
//! alternatives. The default catalog is embedded; `--catalog FILE` replaces it.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

pub(crate) mod placeholder;

use placeholder::{Placeholder, parse_placeholders};

pub(crate) const EMBEDDED: &str = include_str!("catalog/permissions.yaml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Catalog {
    pub(crate) version: u32,
    pub(crate) sources: Vec<Source>,
    pub(crate) presets: Vec<Preset>,
    pub(crate) permission_sets: Vec<PermissionSet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Source {
    pub(crate) id: String,
    pub(crate) title: String,
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
}

impl Catalog {
    pub(crate) fn embedded() -> Result<Self> {
        Self::parse(EMBEDDED, "the embedded catalog")
    }

    pub(crate) fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading catalog {}", path.display()))?;
        Self::parse(&text, &format!("catalog {}", path.display()))
    }

    fn parse(text: &str, what: &str) -> Result<Self> {
        let catalog: Catalog = serde_yaml::from_str(text).with_context(|| format!("parsing {what}"))?;
        catalog.check().with_context(|| format!("checking {what}"))?;
        Ok(catalog)
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

    /// Internal consistency: names unique, references resolve, actions well formed, placeholders
    /// known and allowed by the set's scope. All problems are reported together.
    fn check(&self) -> Result<()> {
        let mut problems = Vec::new();
        if self.version != 1 {
            problems.push(format!("version: {} is not supported (expected 1)", self.version));
        }
        let source_ids: BTreeSet<&str> = self.sources.iter().map(|s| s.id.as_str()).collect();
        let mut seen = BTreeSet::new();
        for (i, set) in self.permission_sets.iter().enumerate() {
            let at = format!("permission_sets[{i}] ({})", set.name);
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
                let at = format!("{at}.statements[{j}]");
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
                for r in &st.resources {
                    match parse_placeholders(r) {
                        Err(e) => problems.push(format!("{at}.resources: {r:?}: {e}")),
                        Ok(parts) => {
                            let hub_only = parts
                                .iter()
                                .any(|p| matches!(p, placeholder::Piece::Placeholder(ph) if ph.is_hub_only()));
                            if hub_only && set.scope != Scope::HubIdentity {
                                problems.push(format!(
                                    "{at}.resources: {r:?} names the hub user or group, which only sets with `scope: hub-identity` may do"
                                ));
                            }
                        }
                    }
                }
            }
        }
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
        if problems.is_empty() { Ok(()) } else { bail!("{}", problems.join("\n")) }
    }
}

fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_action(s: &str) -> bool {
    match s.split_once(':') {
        Some((service, action)) => {
            !service.is_empty()
                && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !action.is_empty()
                && action.chars().all(|c| c.is_ascii_alphanumeric())
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
}
