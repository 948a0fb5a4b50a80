//! Quoting for the two target languages. Pure functions: every string that reaches a template goes
//! through exactly one of these, so a value can never break out of its token.

use std::fmt::Write as _;

/// One piece of an interpolated string: literal text, or a reference resolved by the target
/// (`AWS::Partition` in a CloudFormation `Fn::Sub`, `data.aws_partition.current.partition` in HCL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Part<'a> {
    Lit(&'a str),
    Ref(&'a str),
}

/// A YAML double-quoted scalar that YAML 1.1 (PyYAML, cfn-lint) and YAML 1.2 (serde_yaml) readers
/// both read back as exactly `s`, and never as a number, date, boolean or alias.
pub(crate) fn yaml_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            // C0, DEL and C1 (PyYAML folds a raw NEL to a space), line/paragraph separators and the
            // BOM are not printable in YAML 1.1: always escape them.
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                let _ = write!(o, "\\u{:04X}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// A CloudFormation string value. Plain text becomes a quoted scalar; text with references becomes a
/// flow mapping `{"Fn::Sub": "..."}` in which a literal `${` is written `${!` as `Fn::Sub` requires.
pub(crate) fn cfn_value(parts: &[Part<'_>]) -> String {
    if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
        let text: String = parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) | Part::Ref(s) => *s,
            })
            .collect();
        return yaml_quote(&text);
    }
    let mut sub = String::new();
    for p in parts {
        match p {
            Part::Lit(s) => sub.push_str(&s.replace("${", "${!")),
            Part::Ref(r) => {
                sub.push_str("${");
                sub.push_str(r);
                sub.push('}');
            }
        }
    }
    format!("{{\"Fn::Sub\": {}}}", yaml_quote(&sub))
}

/// Escapes `s` for the inside of an HCL quoted template: only the escapes HCL knows (never `\b`,
/// `\f`, `\/`), and the template markers `${` / `%{` doubled so Terraform does not interpolate them.
fn hcl_fragment(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(o, "\\u{:04X}", c as u32);
            }
            c => o.push(c),
        }
    }
    o.replace("${", "$${").replace("%{", "%%{")
}

/// An HCL quoted string that Terraform reads back as exactly `s`.
pub(crate) fn hcl_quote(s: &str) -> String {
    format!("\"{}\"", hcl_fragment(s))
}

/// An HCL quoted template: literal parts escaped, references interpolated as `${ref}`.
pub(crate) fn hcl_value(parts: &[Part<'_>]) -> String {
    let mut o = String::from("\"");
    for (i, p) in parts.iter().enumerate() {
        match p {
            Part::Lit(s) => {
                let frag = hcl_fragment(s);
                let next_is_ref = matches!(parts.get(i + 1), Some(Part::Ref(_)));
                match frag.strip_suffix('$') {
                    // A literal `$` right before `${ref}` would read as the escape `$${`: emit that
                    // one dollar as an interpolated string instead.
                    Some(head) if next_is_ref => {
                        o.push_str(head);
                        o.push_str("${\"$\"}");
                    }
                    _ => o.push_str(&frag),
                }
            }
            Part::Ref(r) => {
                o.push_str("${");
                o.push_str(r);
                o.push('}');
            }
        }
    }
    o.push('"');
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_quotes_values_yaml_1_1_would_retype() {
        assert_eq!(yaml_quote("011111111111"), "\"011111111111\"");
        assert_eq!(yaml_quote("no"), "\"no\"");
        assert_eq!(yaml_quote("2012-10-17"), "\"2012-10-17\"");
        assert_eq!(yaml_quote("*"), "\"*\"");
        assert_eq!(yaml_quote("a\"b\\c\nd\u{85}e\u{7f}"), "\"a\\\"b\\\\c\\nd\\u0085e\\u007F\"");
    }

    #[test]
    fn cfn_value_uses_sub_only_with_references() {
        assert_eq!(cfn_value(&[Part::Lit("x")]), "\"x\"");
        assert_eq!(
            cfn_value(&[Part::Lit("arn:"), Part::Ref("AWS::Partition"), Part::Lit(":${aws:username}")]),
            "{\"Fn::Sub\": \"arn:${AWS::Partition}:${!aws:username}\"}"
        );
    }

    #[test]
    fn hcl_escapes_markers_and_never_uses_json_only_escapes() {
        assert_eq!(hcl_quote("${a}%{b}"), "\"$${a}%%{b}\"");
        assert_eq!(hcl_quote("a\u{8}b\u{c}"), "\"a\\u0008b\\u000C\"");
        assert_eq!(
            hcl_value(&[Part::Lit("arn:"), Part::Ref("data.aws_partition.current.partition")]),
            "\"arn:${data.aws_partition.current.partition}\""
        );
        assert_eq!(hcl_value(&[Part::Lit("a$"), Part::Ref("var.x")]), "\"a${\"$\"}${var.x}\"");
    }
}
