//! The goldens read back with parsers that are not ours: hcl-rs for HCL (evaluated, so escapes and
//! template markers are decoded as Terraform decodes them) and a YAML reader for CloudFormation,
//! plus reference checks a template bug would break.

use std::collections::BTreeSet;

use super::*;

#[test]
fn every_terraform_file_parses_as_hcl() {
    let files = golden_files(".tf");
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        hcl::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}

fn sub_refs(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let end = after.find('}').unwrap();
        if !after.starts_with('!') {
            out.push(after[..end].to_string());
        }
        rest = &after[end + 1..];
    }
    out
}

fn collect_refs(v: &serde_yaml::Value, refs: &mut BTreeSet<String>) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    (Some("Ref"), serde_yaml::Value::String(s)) => {
                        refs.insert(s.clone());
                    }
                    (Some("Fn::GetAtt"), serde_yaml::Value::Sequence(seq)) => {
                        refs.insert(seq[0].as_str().unwrap().to_string());
                    }
                    (Some("Fn::Sub"), serde_yaml::Value::String(s)) => refs.extend(sub_refs(s)),
                    _ => collect_refs(v, refs),
                }
            }
        }
        serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| collect_refs(v, refs)),
        _ => {}
    }
}

#[test]
fn every_cloudformation_reference_resolves() {
    let files = golden_files(".yaml");
    assert!(!files.is_empty());
    for f in files {
        let doc: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let mut known: BTreeSet<String> = ["AWS::Partition", "AWS::AccountId", "AWS::Region"].map(String::from).into();
        for section in ["Resources", "Parameters"] {
            if let Some(m) = doc.get(section).and_then(|s| s.as_mapping()) {
                known.extend(m.keys().map(|k| k.as_str().unwrap().to_string()));
            }
        }
        let mut refs = BTreeSet::new();
        collect_refs(&doc, &mut refs);
        let unknown: Vec<&String> = refs.difference(&known).collect();
        assert!(unknown.is_empty(), "{}: unresolved references {unknown:?}", f.display());
        // Every parameter is used (cfn-lint W2001 would flag it otherwise).
        if let Some(params) = doc.get("Parameters").and_then(|p| p.as_mapping()) {
            for k in params.keys() {
                assert!(refs.contains(k.as_str().unwrap()), "{}: unused parameter {k:?}", f.display());
            }
        }
    }
}

#[test]
fn every_hub_puts_the_user_in_the_group_in_both_formats() {
    for (name, _) in golden_cases() {
        let dir = repo().join("tests/golden").join(&name);
        let (cfn, tf) = hub_files(&dir);
        let hub: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(cfn).unwrap()).unwrap();
        let res = &hub["Resources"];
        assert_eq!(res["HubUser"]["Type"].as_str(), Some("AWS::IAM::User"), "{name}");
        assert_eq!(res["HubGroup"]["Type"].as_str(), Some("AWS::IAM::Group"), "{name}");
        let m = &res["HubUserGroupMembership"];
        assert_eq!(m["Type"].as_str(), Some("AWS::IAM::UserToGroupAddition"), "{name}");
        assert_eq!(m["Properties"]["GroupName"]["Ref"].as_str(), Some("HubGroup"), "{name}");
        assert_eq!(m["Properties"]["Users"][0]["Ref"].as_str(), Some("HubUser"), "{name}");

        let tf: hcl::Body = hcl::parse(&std::fs::read_to_string(tf).unwrap()).unwrap();
        let membership = tf
            .blocks()
            .find(|b| b.identifier() == "resource" && b.labels()[0].as_str() == "aws_iam_user_group_membership")
            .unwrap_or_else(|| panic!("{name}: no aws_iam_user_group_membership"));
        let attr = |k: &str| {
            membership
                .body()
                .attributes()
                .find(|a| a.key() == k)
                .map(|a| a.expr().to_string().split_whitespace().collect::<String>())
        };
        assert_eq!(attr("user").as_deref(), Some("aws_iam_user.hub.name"), "{name}");
        assert_eq!(attr("groups").as_deref(), Some("[aws_iam_group.hub.name]"), "{name}");
        assert!(
            !tf.blocks().any(|b| b.identifier() == "resource" && b.labels()[0].as_str() == "aws_iam_group_membership"),
            "{name}: the exclusive aws_iam_group_membership must never be emitted"
        );
    }
}
