//! Tera filters: thin wrappers over `escape.rs`. Every `{{ … }}` in a template ends in one of these,
//! and each emits a complete token of its target language, quotes included.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use super::escape::{self, Part, cfn_value, hcl_quote, hcl_value, sh_quote};

/// A filter input: a plain string, or a `ValueView` (text and references in turn, text first).
/// Empty text between references is dropped; a value that is only empty text stays one part.
fn parts(v: &Value) -> TeraResult<Vec<Part<'_>>> {
    if let Some(s) = v.as_str() {
        return Ok(vec![Part::Lit(s)]);
    }
    let Some(items) = v.as_array() else {
        return Err(Error::message(format!("expected a string or a value list, got {}", v.name())));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let s = item.as_str().ok_or_else(|| Error::message("malformed value part"))?;
        match i % 2 {
            1 => out.push(Part::Ref(s)),
            _ if !s.is_empty() || items.len() == 1 => out.push(Part::Lit(s)),
            _ => {}
        }
    }
    Ok(out)
}

/// Each value of the list `v` on a line of its own, indented by `indent` spaces, written by
/// `item`.
fn items(v: &Value, indent: usize, item: impl Fn(&mut String, &[Part<'_>])) -> TeraResult<String> {
    let list = list(v)?;
    let mut out = String::new();
    for value in list {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent));
        item(&mut out, &parts(value)?);
    }
    Ok(out)
}

/// The list `v`, or an error naming what it is instead.
fn list(v: &Value) -> TeraResult<&[Value]> {
    v.as_array().ok_or_else(|| Error::message(format!("expected a list of values, got {}", v.name())))
}

/// A YAML block sequence of CloudFormation values.
fn yaml_sequence(v: &Value, indent: usize) -> TeraResult<String> {
    items(v, indent, |o, p| {
        o.push_str("- ");
        o.push_str(&cfn_value(p));
    })
}

/// The longest list `yaml_long_list` writes as a sequence: a setup of a few accounts keeps the
/// form every CloudFormation reader knows, and a list only grows into a block once it is long.
const SPLIT_AFTER: usize = 10;

/// The `indent` argument of a filter.
fn indent(kw: &Kwargs) -> TeraResult<usize> {
    Ok(usize::try_from(kw.must_get::<i64>("indent")?).unwrap_or(0))
}

fn plain(v: &Value) -> TeraResult<&str> {
    v.as_str().ok_or_else(|| Error::message(format!("expected a string, got {}", v.name())))
}

pub(crate) fn register(tera: &mut Tera) {
    tera.register_filter("yaml_str", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        Ok(cfn_value(&parts(v)?))
    });
    // A nested document as a literal block; `indent` is the block's content indentation.
    tera.register_filter("yaml_block", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        Ok(escape::yaml_block(plain(v)?, indent(&kw)?))
    });
    tera.register_filter("hcl_str", |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        let p = parts(v)?;
        Ok(match p.as_slice() {
            [Part::Lit(s)] => hcl_quote(s),
            _ => hcl_value(&p),
        })
    });
    // A whole list of values, each on its own line at `indent` (a YAML block sequence, or the
    // items of an HCL list with their commas): one call for a list of thousands of role ARNs
    // instead of a template loop step and a filter call per value.
    tera.register_filter("yaml_items", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        yaml_sequence(v, indent(&kw)?)
    });
    // A list that grows with the accounts (the role ARNs a hub group may assume): past
    // `SPLIT_AFTER` values, one `Fn::Split` block (see `escape::cfn_split_list`); a sequence as
    // `yaml_items` writes it otherwise.
    tera.register_filter("yaml_long_list", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        let at = indent(&kw)?;
        let list = list(v)?;
        if list.len() > SPLIT_AFTER {
            let values = list.iter().map(parts).collect::<TeraResult<Vec<_>>>()?;
            if let Some(text) = escape::cfn_split_list(&values, at) {
                return Ok(text);
            }
        }
        yaml_sequence(v, at)
    });
    tera.register_filter("hcl_items", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        items(v, indent(&kw)?, |o, p| {
            o.push_str(&match p {
                [Part::Lit(s)] => hcl_quote(s),
                _ => hcl_value(p),
            });
            o.push(',');
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
    register_checked(tera, "comment", escape::comment);
    register_checked(tera, "hcl_comment", escape::comment);
    register_checked(tera, "sh_var", escape::sh_var);
    register_checked(tera, "sh_token", escape::sh_token);
    register_checked(tera, "sh_dq", escape::sh_dq);
    register_checked(tera, "sh_regex", escape::sh_regex);
    register_checked(tera, "md_link", escape::md_link);
    register_checked(tera, "md_fenced", escape::md_fenced);
    register_checked(tera, "md_text", |s| Ok(escape::md_text(s)));
    register_checked(tera, "md_code", |s| Ok(escape::md_code(s)));
    // The inside of an HCL quoted string, for text around the template's own quotes.
    register_checked(tera, "hcl_inner", |s| Ok(escape::hcl_fragment(s)));
}

/// A filter over a plain string that either escapes it or refuses it for its context.
fn register_checked(tera: &mut Tera, name: &'static str, f: fn(&str) -> Result<String, String>) {
    tera.register_filter(name, move |v: &Value, _: Kwargs, _: &State| -> TeraResult<String> {
        f(plain(v)?).map_err(Error::message)
    });
}
