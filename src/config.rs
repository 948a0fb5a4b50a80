//! The user's configuration as written: YAML with unknown keys refused. Values stay raw here
//! (account ids as YAML values, names as strings); `model::build` validates them all at once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_yaml::Value;

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawConfig {
    /// `hub-and-spoke` (default), `single-account` or `vendor-role` (default for vendor presets).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::setup")]
    pub(crate) setup: Option<String>,
    /// Catalog preset that picks the default permission sets (default: `micetro`).
    pub(crate) preset: Option<String>,
    /// Catalog files whose sets and presets are added to the catalog, as `--catalog-extra` does
    /// (relative paths are read from this file's directory).
    #[serde(default)]
    pub(crate) catalog_files: Vec<std::path::PathBuf>,
    #[serde(default)]
    pub(crate) hub: RawHub,
    /// Member accounts: `"111111111111"` or `{id: "111111111111", name: prod}`.
    #[serde(default)]
    pub(crate) accounts: Vec<RawAccount>,
    /// The role in each member account, or the vendor role (`role:` is accepted too).
    #[serde(default, alias = "role")]
    pub(crate) member_role: RawRole,
    /// Setup `vendor-role`: who may assume the role and under which conditions.
    #[serde(default)]
    pub(crate) vendor: RawVendor,
    /// Tags on the hub user and on every member role (IAM groups take no tags).
    #[serde(default)]
    pub(crate) tags: BTreeMap<String, String>,
    /// `required` or `recommended` (default; grants required + recommended).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::tier")]
    pub(crate) tier: Option<String>,
    /// `inline` (default: least-privilege policies built from the catalog) or `managed` (the AWS
    /// managed policies the catalog names as the alternative, as the console steps of Micetro: Configuring
    /// AWS Multi-Account Setup do).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::mode")]
    pub(crate) mode: Option<String>,
    /// `stacks` (default: one member stack per account) or `stackset` (one StackSet rolls the
    /// member role out to every target account).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::deploy")]
    pub(crate) deploy: Option<String>,
    /// The AWS Organization the StackSet targets (service-managed) and the hub may be limited to.
    #[serde(default)]
    pub(crate) organization: RawOrganization,
    /// Options of the member StackSet (`deploy: stackset`).
    #[serde(default)]
    pub(crate) stackset: RawStackSet,
    #[serde(default)]
    pub(crate) terraform: RawTerraform,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawOrganization {
    /// `o-` and 10 to 32 lower-case letters or digits.
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::org_id")]
    pub(crate) id: Option<String>,
    /// Organizational units (`ou-...`) or the root (`r-...`) the StackSet deploys to, with every
    /// account that joins them later.
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::org_units")]
    pub(crate) units: Option<Vec<String>>,
    /// The organization's management account, when the stack set is created there (default: the
    /// hub account, registered as a delegated administrator for StackSets).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::account_id")]
    pub(crate) management_account: Option<Value>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStackSet {
    /// Keep an account's member role when the account leaves the target units (default: false,
    /// CloudFormation deletes it).
    pub(crate) retain_stacks_on_account_removal: Option<bool>,
    /// Where the member template is uploaded (https S3 URL), needed when it is over 51,200 bytes.
    pub(crate) template_url: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTerraform {
    /// `auto` (default), `providers`, `per-account` or `stackset`.
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::tf_layout")]
    pub(crate) layout: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHub {
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::account_id")]
    pub(crate) account: Option<Value>,
    #[serde(default)]
    pub(crate) user: RawEntity,
    #[serde(default)]
    pub(crate) group: RawEntity,
    /// Permission sets for the hub user's own identity (default: the preset's `hub_sets`).
    pub(crate) permission_sets: Option<Vec<String>>,
    /// Statements of this setup added to the hub group's own policy (the single-account group's
    /// permissions), checked like the catalog's.
    #[serde(default)]
    pub(crate) statements: Vec<crate::catalog::custom::RawStatement>,
    /// How the group is allowed to assume the member roles (default: `auto`).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::assume_shape")]
    pub(crate) assume_policy: Option<String>,
    /// Also grant the member permission sets in the hub account itself (Micetro: Configuring AWS Multi-Account Setup: "if you want to
    /// manage Route53 and VPCs on this account"), through a managed policy on the group.
    pub(crate) manage_own_account: Option<bool>,
    /// `none` (default: DEPLOY.md gives the create-access-key step) or `secrets-manager` (the
    /// stack or module creates the key and keeps it in a Secrets Manager secret).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::access_key")]
    pub(crate) access_key: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawVendor {
    /// The vendor's account (default: the preset's).
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::account_id")]
    pub(crate) account: Option<Value>,
    /// One ExternalId, a list (a rotation window), `generate`, or `none` to opt out.
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::external_id")]
    pub(crate) external_id: Option<RawExternalId>,
    /// Require MFA in the trust policy (only for vendors whose people assume the role by hand).
    pub(crate) require_mfa: Option<bool>,
    /// The vendor's AWS Organization (`aws:PrincipalOrgID`).
    pub(crate) principal_org_id: Option<String>,
    /// Where the CloudFormation template is published (https, S3), for the quick-create link.
    pub(crate) template_url: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawExternalId {
    One(String),
    Many(Vec<String>),
}

impl RawExternalId {
    pub(crate) fn values(&self) -> Vec<String> {
        match self {
            Self::One(s) => vec![s.clone()],
            Self::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntity {
    pub(crate) name: Option<String>,
    pub(crate) path: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub(crate) enum RawAccount {
    Detailed(RawAccountDetailed),
    Id(#[schemars(schema_with = "crate::schema::account_id")] Value),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAccountDetailed {
    #[schemars(schema_with = "crate::schema::account_id")]
    pub(crate) id: Value,
    pub(crate) name: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRole {
    pub(crate) name: Option<String>,
    pub(crate) path: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) max_session_duration: Option<i64>,
    pub(crate) permissions_boundary: Option<String>,
    #[serde(default)]
    pub(crate) tags: BTreeMap<String, String>,
    /// `principal-arn` (default), `user` or `account`.
    #[serde(default)]
    #[schemars(schema_with = "crate::schema::trust")]
    pub(crate) trust: Option<String>,
    /// Permission sets (default: the preset's `member_sets`).
    pub(crate) permission_sets: Option<Vec<String>>,
    /// Statements of this setup added to the role's policy, next to its permission sets, checked
    /// like the catalog's (actions, resources, condition keys).
    #[serde(default)]
    pub(crate) statements: Vec<crate::catalog::custom::RawStatement>,
}

/// The config file: its values, and which keys it wrote (for "not valid for this setup", which
/// names the key as written).
#[derive(Debug, Default)]
pub(crate) struct Config {
    pub(crate) raw: RawConfig,
    pub(crate) keys: BTreeSet<String>,
    /// The text as written: whether an account id was quoted is only visible there.
    pub(crate) text: String,
}

impl Config {
    pub(crate) fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading config {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("parsing config {}", path.display()))
    }

    pub(crate) fn parse(text: &str) -> Result<Self> {
        // An empty file is an empty config, not an error.
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        // The keys written are read on a second thread, the typed config on this one: each is a
        // whole parse of the text (at 10,000 accounts, each a third of the run).
        // Typed straight from the text: a tree read back with `from_value` would take `hub: ~`
        // for an empty section, which the typed read refuses.
        let (raw, keys) = crate::parallel::join(|| serde_yaml::from_str::<RawConfig>(text), || keys_written(text));
        let raw = raw.map_err(|first| anyhow::anyhow!(every_unknown_key(text, &first)))?;
        let keys = keys?;
        Ok(Config { raw, keys, text: text.to_string() })
    }

    /// The member role's key as written: `role` (the alias) or `member_role`.
    pub(crate) fn role_key(&self) -> &'static str {
        if self.keys.contains("role") { "role" } else { "member_role" }
    }
}

/// The first error, and when it is an unknown key, every other unknown key too (one line each):
/// serde stops at the first, so each is removed and the rest parsed again. The later keys are
/// located by searching the text for them.
fn every_unknown_key(text: &str, first: &serde_yaml::Error) -> String {
    let mut lines = vec![first.to_string()];
    let Ok(mut value) = serde_yaml::from_str::<Value>(text) else { return lines.join("\n") };
    let mut message = first.to_string();
    for _ in 0..64 {
        let Some((path, key)) = unknown_field(&message) else { break };
        if !remove_key(&mut value, &path, &key) {
            break;
        }
        let Ok(again) = serde_yaml::to_string(&value) else { break };
        let Err(next) = serde_yaml::from_str::<RawConfig>(&again) else { break };
        message = next.to_string();
        let Some((_, next_key)) = unknown_field(&message) else { break };
        let bare = message.split(" at line ").next().unwrap_or(&message).to_string();
        lines.push(match line_of(text, &next_key) {
            Some(n) => format!("{bare} at line {n}"),
            None => bare,
        });
    }
    lines.join("\n")
}

/// (`hub.user`, `nmae`) from serde's "hub.user: unknown field `nmae`, expected ...".
fn unknown_field(message: &str) -> Option<(Vec<String>, String)> {
    let (path, rest) = match message.split_once(": unknown field `") {
        Some((path, rest)) => (path.split('.').map(str::to_string).collect(), rest),
        None => (Vec::new(), message.strip_prefix("unknown field `")?),
    };
    let key = rest.split_once('`')?.0.to_string();
    Some((path, key))
}

fn remove_key(value: &mut Value, path: &[String], key: &str) -> bool {
    let mut at = value;
    for seg in path {
        match at.get_mut(seg.as_str()) {
            Some(next) => at = next,
            None => return false,
        }
    }
    at.as_mapping_mut().and_then(|m| m.remove(key)).is_some()
}

/// The first line where `key` is written as a key (`key:` at the start, after `- `, `{` or `,`).
fn line_of(text: &str, key: &str) -> Option<usize> {
    let pattern = format!("{key}:");
    text.lines()
        .position(|l| {
            l.match_indices(&pattern).any(|(i, _)| {
                let before = l[..i].trim_end();
                before.is_empty() || before.ends_with('-') || before.ends_with('{') || before.ends_with(',')
            })
        })
        .map(|i| i + 1)
}

/// Key paths of the mappings in `v` (lists are not entered: their items have no options).
fn keys_written(text: &str) -> Result<BTreeSet<String>, serde_yaml::Error> {
    let mut keys = BTreeSet::new();
    serde::de::DeserializeSeed::deserialize(
        Keys { prefix: Some(""), out: &mut keys },
        serde_yaml::Deserializer::from_str(text),
    )?;
    Ok(keys)
}

/// Records the dotted path of every string key of a mapping nested in mappings from the top
/// (`hub.user.name`; not inside lists or tagged values), as the request asks which keys were
/// written, and refuses a key repeated in any mapping, as a YAML tree would. Read as the text is
/// parsed, without a tree of it: at 10,000 accounts a `Value` of the document was a third of the
/// run.
struct Keys<'p, 'o> {
    /// The path of the mapping read; none where keys are only checked.
    prefix: Option<&'p str>,
    out: &'o mut BTreeSet<String>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Keys<'_, '_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

/// serde_yaml's words for a repeated key, so the error reads as it did from a parsed tree.
fn duplicate(key: &Value) -> String {
    match key {
        Value::Null => "duplicate entry with null key".into(),
        Value::Bool(b) => format!("duplicate entry with key `{b}`"),
        Value::Number(n) => format!("duplicate entry with key {n}"),
        Value::String(s) => format!("duplicate entry with key {s:?}"),
        _ => "duplicate entry in YAML map".into(),
    }
}

impl<'de> serde::de::Visitor<'de> for Keys<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Config mappings are small: a list is cheaper than a set of `Value`s.
        let mut seen: Vec<Value> = Vec::new();
        while let Some(key) = map.next_key::<Value>()? {
            if seen.contains(&key) {
                return Err(serde::de::Error::custom(duplicate(&key)));
            }
            // `as_str` looks through a tag, as the typed read does (`!x vendor:` is `vendor`).
            let path = match (self.prefix, key.as_str()) {
                (Some(""), Some(k)) => Some(k.to_string()),
                (Some(prefix), Some(k)) => Some(format!("{prefix}.{k}")),
                _ => None,
            };
            map.next_value_seed(Keys { prefix: path.as_deref(), out: self.out })?;
            if let Some(path) = path {
                self.out.insert(path);
            }
            seen.push(key);
        }
        Ok(())
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Keys { prefix: None, out: self.out })?.is_some() {}
        Ok(())
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        // A tagged value (`!Tag x`): checked, no key of the config is under one.
        use serde::de::VariantAccess as _;
        let (_, value) = data.variant::<serde::de::IgnoredAny>()?;
        value.newtype_variant_seed(Keys { prefix: None, out: self.out })
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_errors_with_a_location() {
        let err = format!("{:#}", Config::parse("hub:\n  acount: \"1\"\n").unwrap_err());
        assert!(err.contains("unknown field `acount`"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn every_unknown_key_is_reported_at_once() {
        let err = format!(
            "{:#}",
            Config::parse("tier: required\nhub:\n  acount: \"1\"\n  user: {nmae: x}\nregion: x\n").unwrap_err()
        );
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(lines.len(), 3, "{err}");
        assert!(lines[0].contains("unknown field `acount`") && lines[0].contains("line 3"), "{err}");
        assert!(lines[1].starts_with("hub.user: unknown field `nmae`") && lines[1].ends_with("at line 4"), "{err}");
        assert!(lines[2].starts_with("unknown field `region`") && lines[2].ends_with("at line 5"), "{err}");
    }

    #[test]
    fn an_explicit_null_is_not_an_empty_section() {
        for text in ["hub: ~", "tags: null", "accounts: ~"] {
            assert!(Config::parse(text).is_err(), "{text}");
        }
        assert!(Config::parse("hub:").is_ok(), "an empty value is an empty section");
    }

    #[test]
    fn accounts_take_both_forms() {
        let c = Config::parse("accounts: [\"111111111111\", {id: \"222222222222\", name: prod}]").unwrap();
        assert!(matches!(c.raw.accounts[0], RawAccount::Id(_)));
        assert!(matches!(c.raw.accounts[1], RawAccount::Detailed(_)));
    }

    /// What `Keys` replaced: the same paths from a parsed tree.
    fn keys_of_tree(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
        let Value::Mapping(m) = v else { return };
        for (k, v) in m {
            let Some(k) = k.as_str() else { continue };
            let path = if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
            keys_of_tree(v, &path, out);
            out.insert(path);
        }
    }

    #[test]
    fn keys_read_while_parsing_are_the_keys_of_the_parsed_tree() {
        let texts = [
            "role: {name: x}\nhub:\n  user: {name: u}\n",
            "accounts:\n  - \"111111111111\"\n  - {id: \"222222222222\", name: b}\ntags: {a: \"1\", 2: x, true: y}\n",
            "hub:\n  account: 999999999999\n  statements: [{sid: A, actions: [\"s3:GetObject\"]}]\nmember_role:\n  tags: {}\n  path: ~\n",
            "vendor: !Tagged {principal: x}\nx: {? [a, b] : c, d: {e: {f: 1.5}}}\n",
            "a: &anchor {b: 1}\nc: *anchor\n",
            "!x vendor: {account: \"1\"}\ntags: {!t a: x}\n",
            "",
        ];
        for text in texts {
            let streamed = keys_written(text).unwrap();
            let mut tree = BTreeSet::new();
            keys_of_tree(&serde_yaml::from_str(text).unwrap(), "", &mut tree);
            assert_eq!(streamed, tree, "{text}");
        }
    }

    #[test]
    fn a_repeated_key_anywhere_is_refused_as_a_parsed_tree_refuses_it() {
        let texts = [
            "tags: {owner: a, owner: b}\n",
            "a: 1\nb: 2\na: 3\n",
            "accounts:\n  - {id: \"1\", id: \"2\"}\n",
            "x: [[{k: 1, k: 2}]]\n",
            "v: !Tag {a: 1, a: 2}\n",
            "m: {1: a, 1: b}\n",
            "m: {true: a, true: b}\n",
            "m: {~: a, ~: b}\n",
            "m: {[a]: 1, [a]: 2}\n",
        ];
        for text in texts {
            let streamed = keys_written(text).unwrap_err().to_string();
            let tree = serde_yaml::from_str::<Value>(text).unwrap_err().to_string();
            assert_eq!(streamed, tree, "{text}");
        }
        let err = format!(
            "{:#}",
            Config::parse("hub:\n  account: \"999999999999\"\ntags: {owner: a, owner: b}\n").unwrap_err()
        );
        assert_eq!(err, "tags: duplicate entry with key \"owner\" at line 3 column 7");
    }

    #[test]
    fn keys_are_recorded_as_written() {
        let c = Config::parse("role: {name: x}\nhub:\n  user: {name: u}\n").unwrap();
        let keys: Vec<&str> = c.keys.iter().map(String::as_str).collect();
        assert_eq!(keys, ["hub", "hub.user", "hub.user.name", "role", "role.name"]);
    }
}
