//! The parse-back of an emitted CloudFormation template: the whole text through a YAML parser
//! (so a template bug fails here, not in `aws cloudformation deploy`), keeping only what the
//! limits are about, the logical ids under `Resources`. A streaming parser, because a setup of
//! thousands of accounts emits megabytes of YAML and a parsed tree of it costs more than the
//! rest of the run.

use std::borrow::Cow;
use std::collections::HashSet;

use saphyr_parser::{Event, Parser};

/// What a collection being read is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The document's top-level mapping.
    Top,
    /// The mapping under the top-level `Resources` key.
    Resources,
    Other,
}

struct Frame<'a> {
    role: Role,
    /// A mapping whose next node is a key (false for a sequence).
    expect_key: bool,
    is_map: bool,
    /// The key whose value is read next (scalar keys only).
    key: Option<Cow<'a, str>>,
}

/// The logical ids of the template's resources, in order; an error names what did not parse or
/// which id is repeated.
pub(crate) fn resources(text: &str) -> Result<Vec<String>, String> {
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| e.to_string())?;
        let opens = match &event {
            Event::MappingStart(..) => Some(true),
            Event::SequenceStart(..) => Some(false),
            _ => None,
        };
        if matches!(event, Event::MappingEnd | Event::SequenceEnd) {
            stack.pop();
            continue;
        }
        if !matches!(event, Event::Scalar(..) | Event::Alias(..)) && opens.is_none() {
            continue;
        }
        // A node: a key or a value of the collection on top, or the document itself.
        let mut role = if stack.is_empty() { Role::Top } else { Role::Other };
        if let Some(top) = stack.last_mut().filter(|f| f.is_map) {
            if top.expect_key {
                let key = match &event {
                    Event::Scalar(s, ..) => Some(s.clone()),
                    _ => None,
                };
                if top.role == Role::Resources {
                    let id = key.as_deref().unwrap_or("(a non-scalar key)").to_string();
                    if !seen.insert(id.clone()) {
                        return Err(format!("resource {id:?} appears twice (line {})", span.start.line()));
                    }
                    ids.push(id);
                }
                top.key = key;
            } else if top.role == Role::Top && top.key.as_deref() == Some("Resources") {
                role = Role::Resources;
            }
            top.expect_key = !top.expect_key;
        }
        if let Some(is_map) = opens {
            stack.push(Frame { role, expect_key: is_map, is_map, key: None });
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_resource_ids_only_from_the_top_level_resources() {
        let text = "Parameters:\n  P: {Type: String}\nResources:\n  A:\n    Type: x\n    Properties:\n      Resources: [1, 2]\n  B: {Type: y}\nOutputs:\n  O: {Value: 1}\n";
        assert_eq!(resources(text), Ok(vec!["A".to_string(), "B".to_string()]));
        assert_eq!(resources("Description: x\n"), Ok(Vec::new()));
        assert_eq!(resources("Resources: {}\n"), Ok(Vec::new()));
    }

    #[test]
    fn refuses_bad_yaml_and_repeated_ids() {
        assert!(resources("Resources:\n  A: [\n").is_err());
        assert!(resources("a: \"unterminated\n").is_err());
        let twice = resources("Resources:\n  A: {Type: x}\n  A: {Type: y}\n");
        assert!(twice.is_err_and(|e| e.contains("\"A\" appears twice")));
    }

    /// The same count as a full parse with serde_yaml, over every CloudFormation golden.
    #[test]
    fn agrees_with_serde_yaml_on_the_goldens() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
        let mut checked = 0;
        for (_, path) in crate::render::overrides::files_under(&root).unwrap() {
            if path.extension().is_none_or(|e| e != "yaml") || !path.to_string_lossy().contains("cloudformation") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let full: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            let expected: Vec<String> = full
                .get("Resources")
                .and_then(serde_yaml::Value::as_mapping)
                .map(|m| m.keys().map(|k| k.as_str().unwrap().to_string()).collect())
                .unwrap_or_default();
            assert_eq!(resources(&text).unwrap(), expected, "{}", path.display());
            checked += 1;
        }
        assert!(checked > 10, "only {checked} CloudFormation goldens found");
    }
}
