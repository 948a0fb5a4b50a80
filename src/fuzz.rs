//! Property-based fuzzing of the whole pipeline: arbitrary input never panics the config loader or
//! the model, and every valid model renders files that parse (serde_yaml for YAML 1.2, hcl-rs for
//! HCL) with every user-given string coming back exactly. `.ci/check_roundtrip.py --fuzz` does
//! the same with PyYAML (YAML 1.1), python-hcl2 and Terraform itself.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_yaml::Value;

use crate::catalog::Catalog;
use crate::config::Config;
use crate::model;
use crate::render::{self, view::Formats};
use crate::request::testing::request_from;

const KEYS: &[&str] = &[
    "preset",
    "hub",
    "account",
    "accounts",
    "user",
    "group",
    "name",
    "path",
    "id",
    "member_role",
    "description",
    "max_session_duration",
    "permissions_boundary",
    "tags",
    "trust",
    "permission_sets",
    "tier",
    "mode",
    "assume_policy",
    "manage_own_account",
];

/// YAML documents shaped like configs: known and unknown keys, any scalar types, nesting.
fn yamlish() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        any::<f64>().prop_map(|n| Value::Number(n.into())),
        "[0-9]{10,13}".prop_map(Value::String),
        any::<String>().prop_map(Value::String),
        prop::sample::select(vec!["micetro", "inline", "managed", "required", "user", "/", "/a/"])
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Sequence),
            prop::collection::vec(
                (prop_oneof![prop::sample::select(KEYS.to_vec()).prop_map(String::from), "[a-z_]{1,8}"], inner),
                0..6
            )
            .prop_map(|kv| Value::Mapping(kv.into_iter().map(|(k, v)| (Value::String(k), v)).collect())),
        ]
    })
}

/// Builds and renders; a plan the model accepts must render (a failure there is a bug, not bad
/// input).
fn run_all(catalog: &Catalog, config: Config, flags: &[&str]) {
    let (req, p) = request_from(config, flags);
    if let Ok(m) = model::build(catalog, &req, p) {
        if let Err(e) = render::render(&m, Formats { cfn: true, tf: true, cli: true }) {
            panic!("an accepted plan did not render: {e:#}");
        }
    }
}

fn iam_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_+=,.@-]{1,24}",
        prop::sample::select(vec!["no", "yes", "on", "1_000", "2012-10-17", "0777"]).prop_map(String::from)
    ]
}

fn iam_path() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/".to_string()),
        prop::collection::vec("[!-.0-~]{1,6}", 1..3).prop_map(|segs| format!("/{}/", segs.join("/"))),
    ]
    .prop_filter("reserved paths", |p| !p.starts_with("/aws-service-role/") && !p.starts_with("/aws-reserved/"))
}

fn description() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[ -~]{0,6}",
        "[\u{a1}-\u{ff}]{0,3}",
        Just("${".to_string()),
        Just("%{".to_string()),
        Just("$${".to_string()),
        Just("\"".to_string()),
        Just("\\".to_string()),
        Just("\n".to_string()),
        Just("\t".to_string()),
    ];
    prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

fn tag_text(min: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof!["[A-Za-z0-9 _.:/=+@-]", "[éüßÅ日本ñ]"], min..10).prop_map(|v| v.concat())
}

#[derive(Debug, Clone)]
struct Valid {
    yaml: String,
    user: (String, String),
    group: (String, String),
    role: (String, String),
    description: String,
    tags: BTreeMap<String, String>,
}

fn valid_config() -> impl Strategy<Value = Valid> {
    (
        (iam_name(), iam_path(), iam_name(), iam_path(), iam_name(), iam_path()),
        description(),
        prop::collection::btree_map(tag_text(1), tag_text(0), 0..4),
        prop::collection::btree_set("[0-9]{12}", 1..5),
        (
            prop::sample::select(vec!["principal-arn", "user", "account"]),
            prop::sample::select(vec!["inline", "managed"]),
            prop::sample::select(vec!["required", "recommended"]),
            prop::sample::select(vec!["auto", "per-account", "single-statement", "managed", "resource-account"]),
            any::<bool>(),
            3600u32..=43200,
        ),
    )
        .prop_filter("hub among members, tag keys equal ignoring case", |(_, _, tags, accts, _)| {
            let lower: std::collections::BTreeSet<String> = tags.keys().map(|k| k.to_lowercase()).collect();
            !accts.contains("999999999999")
                && lower.len() == tags.len()
                && tags.keys().all(|k| !k.to_ascii_lowercase().starts_with("aws:"))
        })
        .prop_map(|((un, up, gn, gp, rn, rp), desc, tags, accts, (trust, mode, tier, shape, own, session))| {
            let q = |s: &str| crate::render::escape::yaml_quote(s);
            let tag_lines: String = tags.iter().map(|(k, v)| format!("    {}: {}\n", q(k), q(v))).collect();
            let acct_lines: String = accts.iter().map(|a| format!("  - {}\n", q(a))).collect();
            let yaml = format!(
                "hub:\n  account: \"999999999999\"\n  user: {{name: {}, path: {}}}\n  group: {{name: {}, path: {}}}\n  assume_policy: {shape}\n  manage_own_account: {own}\naccounts:\n{acct_lines}member_role:\n  name: {}\n  path: {}\n  description: {}\n  max_session_duration: {session}\n  trust: {trust}\n  tags:\n{}tier: {tier}\nmode: {mode}\n",
                q(&un),
                q(&up),
                q(&gn),
                q(&gp),
                q(&rn),
                q(&rp),
                q(&desc),
                if tag_lines.is_empty() { "    {}\n".to_string() } else { tag_lines },
            );
            Valid { yaml, user: (un, up), group: (gn, gp), role: (rn, rp), description: desc, tags }
        })
}

fn yaml_prop<'a>(doc: &'a Value, path: &[&str]) -> &'a Value {
    path.iter().fold(doc, |v, k| &v[*k])
}

/// The value of `attr` in the first `resource "<rtype>"` block, evaluated by hcl-rs.
fn hcl_attr(body: &hcl::Body, rtype: &str, attr: &str) -> hcl::Value {
    use hcl::eval::Evaluate as _;
    let block = body.blocks().find(|b| b.identifier() == "resource" && b.labels()[0].as_str() == rtype).unwrap();
    let expr = block.body().attributes().find(|a| a.key() == attr).unwrap().expr();
    expr.evaluate(&hcl::eval::Context::new()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_input_panics_the_loader_or_the_model(doc in yamlish(), text in any::<String>()) {
        let catalog = Catalog::embedded().unwrap();
        let yaml = serde_yaml::to_string(&doc).unwrap();
        for src in [yaml.as_str(), text.as_str()] {
            if Config::parse(src).is_ok() {
                run_all(&catalog, Config::parse(src).unwrap(), &[]);
                run_all(&catalog, Config::parse(src).unwrap(), &["--hub-account", "123456789012"]);
            }
        }
    }

    #[test]
    fn every_valid_model_renders_output_that_reads_back(cfg in valid_config()) {
        let catalog = Catalog::embedded().unwrap();
        let (req, p) = request_from(Config::parse(&cfg.yaml).unwrap(), &[]);
        let m = model::build(&catalog, &req, p)
            .unwrap_or_else(|p| panic!("valid config refused:\n{p}\n{}", cfg.yaml));
        let out = render::render(&m, Formats { cfn: true, tf: true, cli: true }).unwrap();
        let file = |p: &str| &out.files.iter().find(|f| f.path == p).unwrap().contents;

        let hub: Value = serde_yaml::from_str(file("cloudformation/hub.yaml")).unwrap();
        let member: Value = serde_yaml::from_str(file("cloudformation/member.yaml")).unwrap();
        let user = yaml_prop(&hub, &["Resources", "HubUser", "Properties"]);
        prop_assert_eq!(user["UserName"].as_str(), Some(cfg.user.0.as_str()));
        prop_assert_eq!(user["Path"].as_str(), Some(cfg.user.1.as_str()));
        let group = yaml_prop(&hub, &["Resources", "HubGroup", "Properties"]);
        prop_assert_eq!(group["GroupName"].as_str(), Some(cfg.group.0.as_str()));
        prop_assert_eq!(group["Path"].as_str(), Some(cfg.group.1.as_str()));
        let role = yaml_prop(&member, &["Resources", "MemberRole", "Properties"]);
        prop_assert_eq!(role["RoleName"].as_str(), Some(cfg.role.0.as_str()));
        prop_assert_eq!(role["Path"].as_str(), Some(cfg.role.1.as_str()));
        prop_assert_eq!(role["Description"].as_str(), Some(cfg.description.as_str()));
        let tags: BTreeMap<String, String> = role["Tags"]
            .as_sequence()
            .map(|s| s.iter().map(|t| (t["Key"].as_str().unwrap().into(), t["Value"].as_str().unwrap().into())).collect())
            .unwrap_or_default();
        prop_assert_eq!(&tags, &cfg.tags);

        for f in out.files.iter().filter(|f| f.path.ends_with(".tf")) {
            prop_assert!(hcl::parse(&f.contents).is_ok(), "{} does not parse:\n{}", f.path, f.contents);
        }
        let main: hcl::Body = hcl::parse(file("terraform/modules/member-role/main.tf")).unwrap();
        prop_assert_eq!(hcl_attr(&main, "aws_iam_role", "name"), hcl::Value::from(cfg.role.0.clone()));
        prop_assert_eq!(hcl_attr(&main, "aws_iam_role", "path"), hcl::Value::from(cfg.role.1.clone()));
        prop_assert_eq!(hcl_attr(&main, "aws_iam_role", "description"), hcl::Value::from(cfg.description.clone()));
        let hub_tf: hcl::Body = hcl::parse(file("terraform/hub.tf")).unwrap();
        prop_assert_eq!(hcl_attr(&hub_tf, "aws_iam_user", "path"), hcl::Value::from(cfg.user.1.clone()));
        prop_assert_eq!(hcl_attr(&hub_tf, "aws_iam_group", "name"), hcl::Value::from(cfg.group.0.clone()));
        if !cfg.tags.is_empty() {
            let got = hcl_attr(&main, "aws_iam_role", "tags");
            let want: hcl::Map<String, hcl::Value> = cfg.tags.iter().map(|(k, v)| (k.clone(), hcl::Value::from(v.clone()))).collect();
            prop_assert_eq!(got, hcl::Value::Object(want));
        }
    }
}
