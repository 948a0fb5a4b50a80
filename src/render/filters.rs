//! Tera filters: thin wrappers over `escape.rs`. Every `{{ … }}` in a template ends in one of these,
//! and each emits a complete token of its target language, quotes included.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use super::escape::{Part, cfn_value, hcl_quote, hcl_value};

/// Names a template may end an interpolation with (checked by a test over every template).
#[cfg(test)]
pub(crate) const APPROVED: &[&str] =
    &["yaml_str", "hcl_str", "cfn_id", "tf_ident", "int", "sh_str", "md_code", "md_text", "comment"];

/// A filter input: a plain string, or a `ValueView` (`[["lit", ..], ["ref", ..]]`).
fn parts(v: &Value) -> TeraResult<Vec<Part<'_>>> {
    if let Some(s) = v.as_str() {
        return Ok(vec![Part::Lit(s)]);
    }
    let Some(items) = v.as_array() else {
        return Err(Error::message(format!("expected a string or a value list, got {}", v.name())));
    };
    items
        .iter()
        .map(|item| {
            let pair = item.as_array().filter(|a| a.len() == 2);
            match pair.map(|a| (a[0].as_str(), a[1].as_str())) {
                Some((Some("lit"), Some(s))) => Ok(Part::Lit(s)),
                Some((Some("ref"), Some(s))) => Ok(Part::Ref(s)),
                _ => Err(Error::message("malformed value part")),
            }
        })
        .collect()
}

fn plain(v: &Value) -> TeraResult<&str> {
    v.as_str().ok_or_else(|| Error::message(format!("expected a string, got {}", v.name())))
}

/// POSIX single quotes, for commands in DEPLOY.md. Plain words stay bare for readability.
pub(crate) fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@/:-".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

pub(crate) fn register(tera: &mut Tera) {
    tera.register_filter("yaml_str", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        Ok(cfn_value(&parts(v)?))
    });
    tera.register_filter("hcl_str", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let p = parts(v)?;
        Ok(match p.as_slice() {
            [Part::Lit(s)] => hcl_quote(s),
            _ => hcl_value(&p),
        })
    });
    tera.register_filter("cfn_id", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let s = plain(v)?;
        if s.is_empty() || s.len() > 255 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::message(format!("{s:?} is not a CloudFormation logical id")));
        }
        Ok(s.to_string())
    });
    tera.register_filter("tf_ident", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let s = plain(v)?;
        let ok = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !ok {
            return Err(Error::message(format!("{s:?} is not a Terraform identifier")));
        }
        Ok(s.to_string())
    });
    tera.register_filter("int", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        v.as_i64()
            .map(|n| n.to_string())
            .ok_or_else(|| Error::message(format!("expected an integer, got {}", v.name())))
    });
    // A plain string, or a value list whose references are shell variables (`"$name"`).
    tera.register_filter("sh_str", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        if let Some(s) = v.as_str() {
            return Ok(sh_quote(s));
        }
        let mut out = String::new();
        for p in parts(v)? {
            match p {
                Part::Lit(s) => out.push_str(&sh_quote(s)),
                Part::Ref(r) if !r.is_empty() && r.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                    out.push_str(&format!("\"${{{r}}}\""));
                }
                Part::Ref(r) => return Err(Error::message(format!("{r:?} is not a shell variable name"))),
            }
        }
        Ok(out)
    });
    // Text after `#` in YAML, HCL or shell: one line, so it cannot end the comment.
    tera.register_filter("comment", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let s = plain(v)?;
        if s.chars().any(char::is_control) {
            return Err(Error::message(format!("{s:?} cannot be written into a comment line")));
        }
        Ok(s.to_string())
    });
    // Prose in Markdown: characters Markdown would read as markup are backslash-escaped.
    tera.register_filter("md_text", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let s = plain(v)?;
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if "\\`*_[]<>#|~".contains(c) {
                out.push('\\');
            }
            out.push(if c.is_control() { ' ' } else { c });
        }
        Ok(out)
    });
    tera.register_filter("md_code", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let s = plain(v)?;
        let fence = if s.contains('`') { "``" } else { "`" };
        Ok(format!("{fence}{s}{fence}"))
    });
}
