//! Tera filters: thin wrappers over `escape.rs`. Every `{{ … }}` in a template ends in one of these,
//! and each emits a complete token of its target language, quotes included.

use tera::{Error, Kwargs, State, Tera, TeraResult, Value};

use super::escape::{self, Part, cfn_value, hcl_quote, hcl_value, sh_quote};
use super::view::{RECORD, UNIT};

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
        push_part(&mut out, i, s, items.len());
    }
    Ok(out)
}

/// The `i`-th of `count` parts: text at even places, references at odd ones.
fn push_part<'a>(out: &mut Vec<Part<'a>>, i: usize, s: &'a str, count: usize) {
    match i % 2 {
        1 => out.push(Part::Ref(s)),
        _ if !s.is_empty() || count == 1 => out.push(Part::Lit(s)),
        _ => {}
    }
}

/// The values of a list: every value's parts in one list, and where each value's parts end, so
/// a hub group's thousands of role ARNs take two allocations rather than one each.
#[derive(Default)]
struct Values<'a> {
    parts: Vec<Part<'a>>,
    ends: Vec<usize>,
}

impl<'a> Values<'a> {
    /// Each value's parts.
    fn each(&self) -> Vec<&[Part<'a>]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| &self.parts[start..end]).collect()
    }

    fn push(&mut self, value: impl IntoIterator<Item = Part<'a>>) {
        self.parts.extend(value);
        self.end();
    }

    /// Ends the value whose parts were pushed last.
    fn end(&mut self) {
        self.ends.push(self.parts.len());
    }
}

/// The values of a `ValueList`'s byte string, each ended by `RECORD`, its parts separated by
/// `UNIT`. One pass over the bytes: the separators are ASCII, so every cut is at a character
/// boundary.
fn decode(text: &str) -> Values<'_> {
    let mut values = Values::default();
    let (mut start, mut part) = (0, 0);
    let bytes = text.as_bytes();
    for i in memchr::memchr2_iter(UNIT as u8, RECORD as u8, bytes) {
        if bytes[i] == UNIT as u8 {
            // Not the value's last part: more parts follow it.
            push_part(&mut values.parts, part, &text[start..i], 2);
            part += 1;
        } else {
            // Its last part: a value that is only empty text keeps it as its one part.
            push_part(&mut values.parts, part, &text[start..i], part + 1);
            values.end();
            part = 0;
        }
        start = i + 1;
    }
    values
}

fn utf8(bytes: &[u8]) -> TeraResult<&str> {
    std::str::from_utf8(bytes).map_err(|_| Error::message("malformed value: not UTF-8"))
}

/// The values of a list: a `ValueList`'s byte string (each value ended by `RECORD`), or a list
/// of values.
fn values(v: &Value) -> TeraResult<Values<'_>> {
    if let Some(bytes) = v.as_bytes() {
        let text = utf8(bytes)?;
        if !text.is_empty() && !text.ends_with(RECORD) {
            return Err(Error::message("malformed value list"));
        }
        return Ok(decode(text));
    }
    let list = v.as_array().ok_or_else(|| Error::message(format!("expected a list of values, got {}", v.name())))?;
    let mut values = Values::default();
    for item in list {
        values.push(parts(item)?);
    }
    Ok(values)
}

/// Each value of the list `v` on a line of its own, indented by `indent` spaces, written by
/// `item`.
fn items(v: &Value, indent: usize, item: impl Fn(&mut String, &[Part<'_>])) -> TeraResult<String> {
    Ok(lines(&values(v)?.each(), indent, item))
}

fn lines<'p, V: AsRef<[Part<'p>]>>(values: &[V], indent: usize, item: impl Fn(&mut String, &[Part<'p>])) -> String {
    // One buffer for the list: each line's text, its indent and its punctuation.
    let text = escape::room(values.iter().flat_map(AsRef::as_ref));
    let mut out = String::with_capacity(text + values.len() * (indent + 6));
    for value in values {
        out.push('\n');
        out.extend(std::iter::repeat_n(' ', indent));
        item(&mut out, value.as_ref());
    }
    out
}

/// A YAML block sequence of CloudFormation values.
fn yaml_sequence<'p, V: AsRef<[Part<'p>]>>(values: &[V], indent: usize) -> String {
    lines(values, indent, |o, p| {
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
        Ok(yaml_sequence(&values(v)?.each(), indent(&kw)?))
    });
    // A list that grows with the accounts (the role ARNs a hub group may assume): past
    // `SPLIT_AFTER` values, one `Fn::Split` block (see `escape::cfn_split_list`); a sequence as
    // `yaml_items` writes it otherwise.
    tera.register_filter("yaml_long_list", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        let at = indent(&kw)?;
        let values = values(v)?;
        let values = values.each();
        if values.len() > SPLIT_AFTER {
            if let Some(text) = escape::cfn_split_list(&values, at) {
                return Ok(text);
            }
        }
        Ok(yaml_sequence(&values, at))
    });
    tera.register_filter("hcl_items", |v: &Value, kw: Kwargs, _: &State| -> TeraResult<String> {
        items(v, indent(&kw)?, |o, p| {
            match p {
                [Part::Lit(s)] => escape::hcl_quote_into(o, s),
                _ => escape::hcl_value_into(o, p),
            }
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use tera::{Context, Tera};

    use crate::render::view::ValueView;
    use crate::render::view::policy::ValueList;

    /// A value as the views build it: text (`true`) and references appended in any order, text
    /// after text running together, no part at all possible; with the separators and empty text
    /// the byte-string form has to survive.
    fn value() -> impl Strategy<Value = Vec<(bool, String)>> {
        prop::collection::vec((any::<bool>(), "[a-z:${}\"\\\\ \u{1e}\u{1f}é]{0,6}"), 0..6)
    }

    fn view(ops: &[(bool, String)]) -> ValueView {
        ops.iter().fold(ValueView::default(), |v, (lit, s)| if *lit { v.lit(s) } else { v.var(s) })
    }

    /// The list of strings a value was before the byte strings, built as it was built then.
    fn list_form(ops: &[(bool, String)]) -> Vec<String> {
        let mut parts: Vec<String> = Vec::new();
        for (lit, s) in ops {
            let odd = parts.len() % 2 == 1;
            match parts.last_mut() {
                Some(last) if *lit && odd => last.push_str(s),
                _ if *lit => parts.push(s.clone()),
                _ => {
                    if !odd {
                        parts.push(String::new());
                    }
                    parts.push(s.clone());
                }
            }
        }
        parts
    }

    fn render(template: &str, ctx: &Context) -> Result<String, String> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        super::register(&mut tera);
        tera.add_raw_template("t", template).map_err(|e| e.to_string())?;
        tera.render("t", ctx).map_err(|e| e.to_string())
    }

    proptest! {
        #[test]
        fn byte_string_values_render_as_their_lists_of_parts(values in prop::collection::vec(value(), 0..14)) {
            let filters = ["yaml_items(indent=2)", "yaml_long_list(indent=2)", "hcl_items(indent=2)"];
            let mut new = Context::new();
            new.insert("l", &ValueList::from_views(values.iter().map(|v| view(v)).collect()));
            let mut old = Context::new();
            old.insert("l", &values.iter().map(|v| list_form(v)).collect::<Vec<_>>());
            for f in filters {
                let t = format!("{{{{ l | {f} }}}}");
                prop_assert_eq!(render(&t, &new), render(&t, &old), "{}", f);
            }
            for v in &values {
                let (mut one_new, mut one_old) = (Context::new(), Context::new());
                one_new.insert("v", &view(v));
                one_old.insert("v", &list_form(v));
                for f in ["yaml_str", "hcl_str", "sh_str"] {
                    let t = format!("{{{{ v | {f} }}}}");
                    prop_assert_eq!(render(&t, &one_new), render(&t, &one_old), "{}", f);
                }
            }
        }
    }
}
