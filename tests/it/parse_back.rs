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
            // `${Logical.Attr}` is a GetAtt: the logical id must resolve.
            let name = &after[..end];
            out.push(name.split_once('.').map_or(name, |(logical, _)| logical).to_string());
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
        let Some((cfn, tf)) = hub_files(&dir) else { continue };
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
        // The hub's group first; the groups shape adds the user's further groups after it.
        let groups = attr("groups").unwrap_or_default();
        assert!(groups.starts_with("[aws_iam_group.hub.name"), "{name}: {groups}");
        assert!(
            !tf.blocks().any(|b| b.identifier() == "resource" && b.labels()[0].as_str() == "aws_iam_group_membership"),
            "{name}: the exclusive aws_iam_group_membership must never be emitted"
        );
    }
}

/// A vendor role is never emitted without the ExternalId condition unless the config opts out by
/// name: in CloudFormation every ExternalId parameter (NoEcho, with its pattern) is in the trust's
/// `StringEquals sts:ExternalId`; in Terraform the module's trust names `var.external_ids[i]` for
/// each of them and the variable is sensitive.
#[test]
fn every_vendor_role_trust_requires_the_external_id_in_both_formats() {
    let mut seen = 0;
    for (name, config) in golden_cases() {
        let dir = repo().join("tests/golden").join(&name);
        if !is_vendor(&dir) {
            continue;
        }
        seen += 1;
        let cfg: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
        let opted_out = cfg["vendor"]["external_id"].as_str() == Some("none");
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(dir.join("cloudformation/vendor-role.yaml")).unwrap())
                .unwrap();
        let params: Vec<String> = doc["Parameters"]
            .as_mapping()
            .map(|m| {
                m.keys().map(|k| k.as_str().unwrap().to_string()).filter(|k| k.starts_with("ExternalId")).collect()
            })
            .unwrap_or_default();
        assert_eq!(params.is_empty(), opted_out, "{name}: ExternalId parameters {params:?}, opted out {opted_out}");
        for p in &params {
            let prm = &doc["Parameters"][p.as_str()];
            assert_eq!(prm["NoEcho"].as_bool(), Some(true), "{name}: {p}");
            assert_eq!(prm["AllowedPattern"].as_str(), Some(r"^[\w+=,.@:/-]+$"), "{name}: {p}");
            // STS takes 2 to 1,224 characters; several IDs share the trust budget, so less each.
            let max = prm["MaxLength"].as_i64().unwrap();
            assert_eq!(prm["MinLength"].as_i64(), Some(2), "{name}: {p}");
            assert!(max <= 1224 && (params.len() > 1 || max == 1224), "{name}: {p} MaxLength {max}");
        }
        let statements = doc["Resources"]["VendorRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
            .as_sequence()
            .unwrap_or_else(|| panic!("{name}: no trust statements"));
        assert!(!statements.is_empty(), "{name}");
        for st in statements {
            let values = &st["Condition"]["StringEquals"]["sts:ExternalId"];
            let mut refs = BTreeSet::new();
            collect_refs(values, &mut refs);
            let want: BTreeSet<String> = params.iter().cloned().collect();
            assert_eq!(refs, want, "{name}: trust statement {:?} checks ExternalIds {refs:?}", st["Sid"]);
        }

        let module = std::fs::read_to_string(dir.join("terraform/modules/vendor-role/main.tf")).unwrap();
        let body: hcl::Body = hcl::parse(&module).unwrap();
        let role = body
            .blocks()
            .find(|b| b.identifier() == "resource" && b.labels()[0].as_str() == "aws_iam_role")
            .unwrap_or_else(|| panic!("{name}: no aws_iam_role"));
        let trust = role.body().attributes().find(|a| a.key() == "assume_role_policy").unwrap().expr().to_string();
        let compact: String = trust.split_whitespace().collect();
        for i in 0..params.len() {
            assert!(
                compact.contains(&format!("\"${{var.external_ids[{i}]}}\"")),
                "{name}: trust lacks ExternalId {i}: {compact}"
            );
        }
        assert_eq!(compact.contains("\"sts:ExternalId\""), !opted_out, "{name}: {compact}");
        let vars = std::fs::read_to_string(dir.join("terraform/modules/vendor-role/variables.tf")).unwrap();
        let vars: hcl::Body = hcl::parse(&vars).unwrap();
        let ext = vars.blocks().find(|b| b.identifier() == "variable" && b.labels()[0].as_str() == "external_ids");
        assert_eq!(ext.is_none(), opted_out, "{name}");
        if let Some(ext) = ext {
            let sensitive = ext.body().attributes().find(|a| a.key() == "sensitive").map(|a| a.expr().to_string());
            assert_eq!(sensitive.as_deref(), Some("true"), "{name}");
        }
    }
    assert!(seen >= 3, "expected the vendor examples among the goldens, saw {seen}");
}

/// The longest value a CloudFormation parameter accepts: `MaxLength` characters, the upper bound
/// of the pattern's `{m,n}`, or 12 digits for an account id.
fn worst_case(name: &str, param: &serde_yaml::Value) -> String {
    let pattern = param["AllowedPattern"].as_str().unwrap_or_default();
    if pattern == "^[0-9]{12}$" {
        return "9".repeat(12);
    }
    let max = param["MaxLength"].as_u64().map(|n| usize::try_from(n).unwrap()).or_else(|| {
        let inner = pattern.rsplit_once('{')?.1.split_once('}')?.0;
        inner.split(',').next_back()?.parse().ok()
    });
    "x".repeat(max.unwrap_or_else(|| panic!("parameter {name} has no upper bound: {param:?}")))
}

/// Evaluates `Fn::Sub` and `Ref` of parameters and pseudo parameters; other values stay as they are.
fn evaluate(v: &serde_yaml::Value, env: &BTreeMap<String, String>) -> serde_json::Value {
    use serde_yaml::Value as Y;
    let sub = |s: &str| {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            let end = after.find('}').unwrap();
            let name = &after[..end];
            match name.strip_prefix('!') {
                Some(lit) => out.push_str(&format!("${{{lit}}}")),
                None => out.push_str(env.get(name).unwrap_or_else(|| panic!("unresolved ${{{name}}}"))),
            }
            rest = &after[end + 1..];
        }
        out + rest
    };
    match v {
        Y::Mapping(m) if m.len() == 1 && m.contains_key("Fn::Sub") => {
            serde_json::Value::String(sub(m["Fn::Sub"].as_str().unwrap()))
        }
        Y::Mapping(m) if m.len() == 1 && m.contains_key("Ref") => {
            serde_json::Value::String(env[m["Ref"].as_str().unwrap()].clone())
        }
        Y::Mapping(m) => serde_json::Value::Object(
            m.iter().map(|(k, v)| (k.as_str().unwrap().to_string(), evaluate(v, env))).collect(),
        ),
        Y::Sequence(s) => serde_json::Value::Array(s.iter().map(|v| evaluate(v, env)).collect()),
        Y::String(s) => serde_json::Value::String(s.clone()),
        other => serde_json::to_value(other).unwrap(),
    }
}

/// Characters IAM counts: the minified JSON without whitespace.
fn iam_size(doc: &serde_json::Value) -> usize {
    serde_json::to_string(doc).unwrap().chars().filter(|c| !c.is_whitespace()).count()
}

/// Every role template of every golden, with each parameter at the longest value its constraints
/// accept and the longest partition name, still has a trust policy within IAM's 2,048 characters
/// and inline policies within 10,240: no value the template accepts can fail the deploy.
#[test]
fn no_parameter_value_the_templates_accept_breaks_a_quota() {
    let mut checked = 0;
    for (name, _) in golden_cases() {
        for file in ["cloudformation/member.yaml", "cloudformation/vendor-role.yaml"] {
            let path = repo().join("tests/golden").join(&name).join(file);
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            let mut env: BTreeMap<String, String> = BTreeMap::new();
            env.insert("AWS::Partition".into(), "aws-us-gov".into());
            env.insert("AWS::AccountId".into(), "123456789012".into());
            if let Some(params) = doc["Parameters"].as_mapping() {
                for (k, p) in params {
                    let k = k.as_str().unwrap();
                    env.insert(k.to_string(), worst_case(k, p));
                }
            }
            let resources = doc["Resources"].as_mapping().unwrap();
            // A `Ref` to a resource stands for its longest name.
            for logical in resources.keys() {
                env.insert(logical.as_str().unwrap().to_string(), "x".repeat(64));
            }
            let mut inline = 0;
            for r in resources.values() {
                match r["Type"].as_str() {
                    Some("AWS::IAM::Role") => {
                        let trust = iam_size(&evaluate(&r["Properties"]["AssumeRolePolicyDocument"], &env));
                        assert!(
                            trust <= 2048,
                            "{name}/{file}: the trust takes {trust} characters at the parameters' maximum"
                        );
                    }
                    Some("AWS::IAM::Policy") => inline += iam_size(&evaluate(&r["Properties"]["PolicyDocument"], &env)),
                    _ => {}
                }
            }
            assert!(inline <= 10_240, "{name}/{file}: inline policies take {inline} characters");
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} role templates checked");
}
