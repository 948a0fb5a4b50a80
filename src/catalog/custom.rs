//! What a config adds to the catalog for one setup: the catalog files it names (`catalog_files:`,
//! like `--catalog-extra`) and its own statements (`member_role.statements`, `hub.statements`),
//! which become a permission set of their own, checked like every other set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

use super::{CatalogStatement, PermissionSet, Scope};

/// The set `member_role.statements` becomes (its statements' Sids start with `Custom`).
pub(crate) const MEMBER_SET: &str = "custom";
/// The set `hub.statements` becomes, on the hub user's own identity.
pub(crate) const HUB_SET: &str = "custom-hub";

/// The values of one condition key: a string or a list; YAML booleans and numbers are taken as
/// the text IAM compares (`true`, `3600`).
#[derive(Clone, Debug, Default, PartialEq, Eq, JsonSchema)]
#[schemars(schema_with = "crate::schema::condition_values")]
pub(crate) struct CondValues(pub(crate) Vec<String>);

impl<'de> Deserialize<'de> for CondValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        fn scalar<E: Error>(v: &serde_yaml::Value) -> Result<String, E> {
            match v {
                serde_yaml::Value::String(s) => Ok(s.clone()),
                serde_yaml::Value::Bool(b) => Ok(b.to_string()),
                serde_yaml::Value::Number(n) => Ok(n.to_string()),
                other => Err(E::custom(format!("a condition value must be a string, not {other:?}"))),
            }
        }
        match serde_yaml::Value::deserialize(d)? {
            serde_yaml::Value::Sequence(items) => items.iter().map(scalar).collect::<Result<_, _>>().map(CondValues),
            one => Ok(CondValues(vec![scalar(&one)?])),
        }
    }
}

/// `operator → key → values`, as in an IAM policy's `Condition`.
pub(crate) type Conditions = BTreeMap<String, BTreeMap<String, CondValues>>;

/// A statement of the config, allowed as written: the actions go into the policy at every tier.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStatement {
    /// Letters and digits; the policy's Sid is `Custom` followed by it.
    pub(crate) sid: String,
    /// IAM actions in canonical case (`route53:GetHostedZone`); wildcards must match an action.
    pub(crate) actions: Vec<String>,
    /// ARNs (with `${Partition}`, `${Account}`) or `"*"`; each action must be able to take them.
    pub(crate) resources: Vec<String>,
    /// IAM condition operators, each with its keys and values (`StringEquals: {aws:RequestedRegion: eu-west-1}`).
    #[serde(default)]
    pub(crate) conditions: Conditions,
    /// Its privilege-escalation or data-exfiltration actions were reviewed: no warning for them.
    #[serde(default)]
    pub(crate) dangerous: bool,
}

/// The permission set of a config's statements, named `name`, labelled `field` in messages.
pub(crate) fn statements_set(name: &str, field: &str, scope: Scope, statements: &[RawStatement]) -> PermissionSet {
    PermissionSet {
        name: name.to_string(),
        title: format!("Statements of the config ({field})"),
        description: format!("The statements written in the config under {field}."),
        scope,
        sources: Vec::new(),
        differences: None,
        managed_policies: Vec::new(),
        dangerous: false,
        statements: statements
            .iter()
            .map(|s| CatalogStatement {
                sid: s.sid.clone(),
                resources: s.resources.clone(),
                required: s.actions.clone(),
                recommended: Vec::new(),
                conditions: s.conditions.clone(),
                dangerous: s.dangerous,
            })
            .collect(),
        warnings: Vec::new(),
        reviewed: false,
        origin: Some(field.to_string()),
    }
}

/// `catalog_files:` as the paths to read: relative ones from the config file's directory.
pub(crate) fn catalog_files(config_path: Option<&Path>, files: &[PathBuf]) -> Vec<PathBuf> {
    let base = config_path.and_then(Path::parent).unwrap_or(Path::new(""));
    files.iter().map(|f| if f.is_absolute() { f.clone() } else { base.join(f) }).collect()
}
