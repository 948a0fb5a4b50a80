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

/// Room to reserve for writing `parts` once: each part's text and three bytes more (a
/// reference's `${}`, or quotes), so a buffer is sized once rather than doubled up to the
/// thousands of role ARNs of a hub group.
pub(crate) fn room<'p, 'a: 'p>(parts: impl IntoIterator<Item = &'p Part<'a>>) -> usize {
    parts.into_iter().map(|(Part::Lit(s) | Part::Ref(s))| s.len() + 3).sum()
}

/// A YAML double-quoted scalar that YAML 1.1 (PyYAML, cfn-lint) and YAML 1.2 (serde_yaml) readers
/// both read back as exactly `s`, and never as a number, date, boolean or alias.
pub(crate) fn yaml_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    yaml_quote_into(&mut o, s);
    o
}

/// `yaml_quote` appended to `o` (a setup of thousands of accounts quotes tens of thousands of
/// ARNs; one buffer per value instead of one per step).
fn yaml_quote_into(o: &mut String, s: &str) {
    o.push('"');
    escape_runs(o, s, |o, c| match c {
        '"' => o.push_str("\\\""),
        '\\' => o.push_str("\\\\"),
        '\n' => o.push_str("\\n"),
        '\r' => o.push_str("\\r"),
        '\t' => o.push_str("\\t"),
        // C0, DEL and C1 (PyYAML folds a raw NEL to a space), line/paragraph separators, the
        // BOM and the non-characters YAML excludes from its printable set: always escaped.
        c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}') => {
            let _ = write!(o, "\\u{:04X}", c as u32);
        }
        c => o.push(c),
    });
    o.push('"');
}

/// `s` appended to `o`: each run of printable ASCII but `"` and `\` (which neither YAML's nor
/// HCL's quoted strings escape) copied as it is, every other character through `escape`. An ARN
/// is then one copy, not a match per character.
fn escape_runs(o: &mut String, s: &str, escape: impl Fn(&mut String, char)) {
    const PLAIN: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = b' ';
        while b <= b'~' {
            t[b as usize] = b != b'"' && b != b'\\';
            b += 1;
        }
        t
    };
    let mut rest = s;
    while let Some(i) = rest.bytes().position(|b| !PLAIN[usize::from(b)]) {
        o.push_str(&rest[..i]);
        // Every byte before `i` is ASCII, so `i` starts a character.
        let Some(c) = rest[i..].chars().next() else { break };
        escape(o, c);
        rest = &rest[i + c.len_utf8()..];
    }
    o.push_str(rest);
}

/// A whole text (a nested template) as a YAML literal block scalar (`|`) whose lines are indented
/// by `indent` spaces, so a reviewer reads it as it is. Falls back to a quoted scalar when the
/// block form would not read back as exactly `s`: it must end in one line break, its first line
/// must not start with a space (the indentation is detected from it), and it may hold only
/// printable characters and no carriage returns.
pub(crate) fn yaml_block(s: &str, indent: usize) -> String {
    let printable = s.chars().all(|c| c == '\n' || block_char(c));
    let ends_once = s.ends_with('\n') && !s.ends_with("\n\n");
    let first_ok = s.chars().next().is_some_and(|c| c != ' ' && c != '\n');
    if !(printable && ends_once && first_ok) {
        return yaml_quote(s);
    }
    let pad = " ".repeat(indent);
    let mut o = String::from("|");
    for line in s.lines() {
        o.push('\n');
        if !line.is_empty() {
            o.push_str(&pad);
            o.push_str(line);
        }
    }
    o
}

/// A CloudFormation string value. Plain text becomes a quoted scalar; text with references becomes a
/// flow mapping `{"Fn::Sub": "..."}` in which a literal `${` is written `${!` as `Fn::Sub` requires.
pub(crate) fn cfn_value(parts: &[Part<'_>]) -> String {
    let len = room(parts);
    if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
        let mut text = String::with_capacity(len);
        for Part::Lit(s) | Part::Ref(s) in parts {
            text.push_str(s);
        }
        return yaml_quote(&text);
    }
    let mut sub = String::with_capacity(len);
    sub_text_into(&mut sub, parts);
    let mut o = String::with_capacity(sub.len() + 16);
    o.push_str("{\"Fn::Sub\": ");
    yaml_quote_into(&mut o, &sub);
    o.push('}');
    o
}

/// A character a literal block scalar holds as it is: printable, and not one of the line breaks
/// or non-characters YAML readers treat specially.
fn block_char(c: char) -> bool {
    !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{85}'))
}

/// Every character of `s` is a `block_char`; printable ASCII is decided byte by byte (a list of
/// thousands of ARNs is all ASCII), the rest character by character.
fn all_block_chars(s: &str) -> bool {
    s.bytes().all(|b| (b' '..=b'~').contains(&b)) || s.chars().all(block_char)
}

/// Whether `s` holds `marker` followed by `{`: a `${` or `%{` is rare, and looking for its first
/// byte first is much cheaper than a substring search per value.
fn has_open(s: &str, marker: u8) -> bool {
    let b = s.as_bytes();
    memchr::memchr_iter(marker, b).any(|i| b.get(i + 1) == Some(&b'{'))
}

/// The text of an `Fn::Sub` for `parts`, appended to `o`: references as `${name}`, a literal `${`
/// as `${!`.
fn sub_text_into(o: &mut String, parts: &[Part<'_>]) {
    for p in parts {
        match p {
            Part::Lit(s) if has_open(s, b'$') => o.push_str(&s.replace("${", "${!")),
            Part::Lit(s) => o.push_str(s),
            Part::Ref(r) => {
                o.push_str("${");
                o.push_str(r);
                o.push('}');
            }
        }
    }
}

/// A list of CloudFormation string values as one `Fn::Split` on line breaks of a literal block,
/// a value per line (an `Fn::Sub` when any value has references): a review reads one ARN per
/// line as in a sequence, and a YAML reader scans the block several times faster than as many
/// quoted scalars, which is most of the parse-back of a hub of thousands of accounts. The text
/// starts with a line break and each line is indented by `indent`. `None` when a value would
/// not read back from its line: empty, spaces at either end, or a character a block cannot hold.
pub(crate) fn cfn_split_list<'p, V: AsRef<[Part<'p>]>>(values: &[V], indent: usize) -> Option<String> {
    let refs = values.iter().flat_map(AsRef::as_ref).any(|p| matches!(p, Part::Ref(_)));
    let pad = " ".repeat(indent);
    let line_pad = " ".repeat(indent + if refs { 6 } else { 4 });
    let body = room(values.iter().flat_map(AsRef::as_ref));
    let mut o = String::with_capacity(body + values.len() * (line_pad.len() + 1) + 4 * pad.len() + 32);
    o.push_str(&format!("\n{pad}Fn::Split:\n{pad}  - \"\\n\"\n{pad}  - "));
    o.push_str(if refs { "Fn::Sub: |-" } else { "|-" });
    for v in values {
        let v = v.as_ref();
        o.push('\n');
        o.push_str(&line_pad);
        let start = o.len();
        if refs {
            sub_text_into(&mut o, v);
        } else {
            for Part::Lit(s) | Part::Ref(s) in v {
                o.push_str(s);
            }
        }
        let line = &o[start..];
        let fits = !line.is_empty() && !line.starts_with(' ') && !line.ends_with(' ') && all_block_chars(line);
        if !fits {
            return None;
        }
    }
    Some(o)
}

/// Escapes `s` for the inside of an HCL quoted template: only the escapes HCL knows (never `\b`,
/// `\f`, `\/`), and the template markers `${` / `%{` doubled so Terraform does not interpolate them.
pub(crate) fn hcl_fragment(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    hcl_fragment_into(&mut o, s);
    o
}

/// `hcl_fragment` appended to `o`.
fn hcl_fragment_into(out: &mut String, s: &str) {
    let start = out.len();
    let o = out;
    escape_runs(o, s, |o, c| match c {
        '"' => o.push_str("\\\""),
        '\\' => o.push_str("\\\\"),
        '\n' => o.push_str("\\n"),
        '\r' => o.push_str("\\r"),
        '\t' => o.push_str("\\t"),
        c if c.is_control() => {
            let _ = write!(o, "\\u{:04X}", c as u32);
        }
        c => o.push(c),
    });
    if has_open(&o[start..], b'$') || has_open(&o[start..], b'%') {
        let doubled = o[start..].replace("${", "$${").replace("%{", "%%{");
        o.truncate(start);
        o.push_str(&doubled);
    }
}

/// An HCL quoted string that Terraform reads back as exactly `s`.
pub(crate) fn hcl_quote(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    hcl_quote_into(&mut o, s);
    o
}

/// `hcl_quote` appended to `o`.
pub(crate) fn hcl_quote_into(o: &mut String, s: &str) {
    o.push('"');
    hcl_fragment_into(o, s);
    o.push('"');
}

/// An HCL quoted template: literal parts escaped, references interpolated as `${ref}`.
pub(crate) fn hcl_value(parts: &[Part<'_>]) -> String {
    let len = room(parts);
    let mut o = String::with_capacity(len + 2);
    hcl_value_into(&mut o, parts);
    o
}

/// `hcl_value` appended to `o` (the thousands of role ARNs of a hub group into one buffer).
pub(crate) fn hcl_value_into(o: &mut String, parts: &[Part<'_>]) {
    o.push('"');
    for (i, p) in parts.iter().enumerate() {
        match p {
            Part::Lit(s) => {
                let start = o.len();
                hcl_fragment_into(o, s);
                let next_is_ref = matches!(parts.get(i + 1), Some(Part::Ref(_)));
                // A literal `$` right before `${ref}` would read as the escape `$${`: emit that
                // one dollar as an interpolated string instead.
                if next_is_ref && o.len() > start && o.ends_with('$') {
                    o.pop();
                    o.push_str("${\"$\"}");
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
}

/// A line comment's text (YAML, HCL or shell `#`): one line, so it cannot end the comment.
pub(crate) fn comment(s: &str) -> Result<String, String> {
    if s.chars().any(char::is_control) {
        return Err(format!("{s:?} cannot be written into a comment line"));
    }
    Ok(s.to_string())
}

/// POSIX single quotes, for a shell word. Plain words stay bare for readability.
pub(crate) fn sh_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_+=,.@/:-".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// A shell variable name (`name` in `$name`, `name=`).
pub(crate) fn sh_var(s: &str) -> Result<String, String> {
    let ok = s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok { Ok(s.to_string()) } else { Err(format!("{s:?} is not a shell variable name")) }
}

/// A token that means itself everywhere in a shell line: bare, in double quotes and in a `sed`
/// pattern delimited by `|` (the CLI script's placeholders).
pub(crate) fn sh_token(s: &str) -> Result<String, String> {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '@') {
        Ok(s.to_string())
    } else {
        Err(format!("{s:?} is not a plain token (letters, digits, _ and @)"))
    }
}

/// Text inside a double-quoted shell string: nothing the shell would expand or end the string on.
pub(crate) fn sh_dq(s: &str) -> Result<String, String> {
    match s.chars().find(|c| "\"$`\\!".contains(*c) || c.is_control()) {
        Some(c) => Err(format!("{s:?} contains {c:?}, which a double-quoted shell string would not keep")),
        None => Ok(s.to_string()),
    }
}

/// An extended regex written bare on the right of bash's `[[ x =~ re ]]` (quoting it would make
/// it a literal string): only characters bash passes through unchanged there.
pub(crate) fn sh_regex(s: &str) -> Result<String, String> {
    let body = s.strip_suffix('$').unwrap_or(s);
    match body.chars().find(|c| !(c.is_ascii_alphanumeric() || "^[]{},.@:/_+=-".contains(*c))) {
        Some(c) => Err(format!("{s:?} contains {c:?}, which bash would not pass to the regex unchanged")),
        None => Ok(s.to_string()),
    }
}

/// Prose in Markdown: characters Markdown would read as markup are backslash-escaped.
pub(crate) fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>#|~".contains(c) {
            out.push('\\');
        }
        out.push(if c.is_control() { ' ' } else { c });
    }
    out
}

/// The body of a fenced code block (a diagram): refused if a line would close the fence.
pub(crate) fn md_fenced(s: &str) -> Result<String, String> {
    match s.lines().find(|l| l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~")) {
        Some(l) => Err(format!("{l:?} would close the code block")),
        None => Ok(s.trim_end().to_string()),
    }
}

/// A Markdown code span.
pub(crate) fn md_code(s: &str) -> String {
    let fence = if s.contains('`') { "``" } else { "`" };
    format!("{fence}{s}{fence}")
}

/// The address inside a Markdown autolink `<...>`: no spaces, angle brackets or controls.
pub(crate) fn md_link(s: &str) -> Result<String, String> {
    match s.chars().find(|c| c.is_whitespace() || c.is_control() || "<>".contains(*c)) {
        Some(c) => Err(format!("{s:?} contains {c:?}, which would end a Markdown autolink")),
        None => Ok(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use std::collections::BTreeMap;

    /// Strings rich in what breaks emitters: template markers, quotes, backslashes, line breaks,
    /// control and non-ASCII characters, YAML 1.1 look-alikes.
    /// Plain text that fits a block line as often as text that does not.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![nasty(), "[!-~][ -~]{0,30}[!-~]"]
    }

    fn nasty() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("${".to_string()),
            Just("%{".to_string()),
            Just("$${".to_string()),
            Just("$".to_string()),
            Just("}".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just("\n".to_string()),
            Just("\r\n".to_string()),
            Just("\t".to_string()),
            Just("\u{85}\u{2028}\u{feff}\u{7f}\u{0}".to_string()),
            Just("011111111111".to_string()),
            Just("no".to_string()),
            Just("2012-10-17".to_string()),
            Just("*".to_string()),
            Just(": #&!|>'".to_string()),
            "[a-z]{0,4}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
    }

    fn yaml_read(token: &str) -> String {
        let map: BTreeMap<String, String> = serde_yaml::from_str(&format!("k: {token}\n")).unwrap();
        map["k"].clone()
    }

    fn hcl_read(token: &str, vars: &[(&str, &str)]) -> String {
        let mut ctx = hcl::eval::Context::new();
        for (k, v) in vars {
            ctx.declare_var(*k, *v);
        }
        let map: BTreeMap<String, String> = hcl::eval::from_str(&format!("k = {token}\n"), &ctx).unwrap();
        map["k"].clone()
    }

    #[test]
    fn the_byte_checks_agree_with_the_text_they_stand_for() {
        for s in ["", "$", "${", "a$b{", "x%{y", "$$${", "é${", "{$", "%", "100%"] {
            assert_eq!(has_open(s, b'$'), s.contains("${"), "{s:?}");
            assert_eq!(has_open(s, b'%'), s.contains("%{"), "{s:?}");
        }
        for s in ["", "arn:aws:iam::1:role/x", "é", "a\tb", "a\u{85}", "\u{7f}", "~ "] {
            assert_eq!(all_block_chars(s), s.chars().all(block_char), "{s:?}");
        }
    }

    #[test]
    fn split_lists_write_a_value_per_line() {
        let arn = |id: &'static str| vec![Part::Lit("arn:"), Part::Ref("AWS::Partition"), Part::Lit(id)];
        let text = cfn_split_list(&[arn(":iam::1:role/a"), arn(":iam::2:role/${b}")], 2).unwrap();
        let want = "\n  Fn::Split:\n    - \"\\n\"\n    - Fn::Sub: |-\n        arn:${AWS::Partition}:iam::1:role/a\n        arn:${AWS::Partition}:iam::2:role/${!b}";
        assert_eq!(text, want);
        let plain = cfn_split_list(&[vec![Part::Lit("111111111111")], vec![Part::Lit("a${b")]], 0).unwrap();
        assert_eq!(plain, "\nFn::Split:\n  - \"\\n\"\n  - |-\n    111111111111\n    a${b");
        assert_eq!(cfn_split_list(&[vec![Part::Lit("a")], vec![Part::Lit(" b")]], 0), None);
    }

    /// `Fn::Sub` as CloudFormation applies it: `${!x}` is the literal `${x}`, `${name}` a value.
    fn sub(template: &str, vars: &[(&str, &str)]) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let after = &rest[i + 2..];
            if let Some(lit) = after.strip_prefix('!') {
                out.push_str("${");
                rest = lit;
            } else {
                let end = after.find('}').unwrap();
                out.push_str(vars.iter().find(|(k, _)| *k == &after[..end]).unwrap().1);
                rest = &after[end + 1..];
            }
        }
        out.push_str(rest);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn yaml_round_trips(s in nasty()) {
            prop_assert_eq!(yaml_read(&yaml_quote(&s)), s);
        }

        #[test]
        fn yaml_round_trips_any_string(s in any::<String>()) {
            prop_assert_eq!(yaml_read(&yaml_quote(&s)), s);
        }

        #[test]
        fn yaml_blocks_round_trip_as_a_mapping_value(s in any::<String>(), lines in proptest::collection::vec("[ -~]{0,20}", 0..6)) {
            // Arbitrary text (mostly the quoted fallback) and template-like lines (the block).
            for text in [s.clone(), format!("{}\n", lines.join("\n")), format!("#{}\n", lines.join("\n"))] {
                let doc = format!("a:\n  b: {}\n  c: 1\n", yaml_block(&text, 4));
                let v: serde_yaml::Value = serde_yaml::from_str(&doc).unwrap();
                prop_assert_eq!(v["a"]["b"].as_str(), Some(text.as_str()), "{}", doc);
            }
        }

        #[test]
        fn hcl_round_trips(s in nasty()) {
            prop_assert_eq!(hcl_read(&hcl_quote(&s), &[]), s);
        }

        #[test]
        fn hcl_round_trips_any_string(s in any::<String>()) {
            prop_assert_eq!(hcl_read(&hcl_quote(&s), &[]), s);
        }

        #[test]
        fn split_lists_read_back_as_their_values(
            values in proptest::collection::vec((text(), proptest::option::of(text())), 1..6),
            refs: bool,
        ) {
            // Each value: text, or with `refs` text, a reference and optionally more text.
            let parts: Vec<Vec<Part<'_>>> = values
                .iter()
                .map(|(a, b)| match (refs, b) {
                    (true, Some(b)) => vec![Part::Lit(a), Part::Ref("x"), Part::Lit(b)],
                    (true, None) => vec![Part::Lit(a), Part::Ref("x")],
                    (false, _) => vec![Part::Lit(a)],
                })
                .collect();
            let want: Vec<String> = values
                .iter()
                .map(|(a, b)| if refs { format!("{a}VALUE{}", b.as_deref().unwrap_or("")) } else { a.clone() })
                .collect();
            let Some(text) = cfn_split_list(&parts, 4) else {
                // Refused only for a value its line could not hold.
                // A character the block cannot hold is one `yaml_quote` writes as an escape.
                let escaped = |w: &str| yaml_quote(&w.replace(['"', '\\'], "")).contains('\\');
                let unfit = want.iter().any(|w| w.is_empty() || w.starts_with(' ') || w.ends_with(' ') || escaped(w));
                prop_assert!(unfit, "refused {:?}", want);
                return Ok(());
            };
            let doc: serde_yaml::Value = serde_yaml::from_str(&format!("a:\n  k:{text}\n  z: 1\n")).unwrap();
            let split = doc["a"]["k"]["Fn::Split"].as_sequence().unwrap();
            prop_assert_eq!(split[0].as_str(), Some("\n"));
            let joined = match split[1].as_str() {
                Some(plain) => { prop_assert!(!refs); plain.to_string() }
                None => sub(split[1]["Fn::Sub"].as_str().unwrap(), &[("x", "VALUE")]),
            };
            prop_assert_eq!(joined.split('\n').map(str::to_string).collect::<Vec<_>>(), want);
        }

        #[test]
        fn sub_values_keep_their_literal_text(a in nasty(), b in nasty()) {
            let parts = [Part::Lit(&a), Part::Ref("x"), Part::Lit(&b)];
            let token = cfn_value(&parts);
            let map: BTreeMap<String, BTreeMap<String, String>> =
                serde_yaml::from_str(&format!("k: {token}\n")).unwrap();
            prop_assert_eq!(sub(&map["k"]["Fn::Sub"], &[("x", "VALUE")]), format!("{a}VALUE{b}"));
        }
    }

    /// Interpolated HCL strings checked against Terraform itself: hcl-rs 0.20 misreads an escaped
    /// marker right before an interpolation (`$${$$${${x}`), so it cannot be the oracle here.
    /// One `terraform apply` of a provider-less module evaluates a few hundred cases at once.
    #[test]
    fn terraform_reads_interpolated_values_back_exactly() {
        let found = std::process::Command::new("terraform").arg("version").output().is_ok_and(|o| o.status.success());
        if !found {
            assert!(std::env::var_os("CI").is_none(), "terraform is required under CI");
            eprintln!("\n*** SKIPPED: terraform not found; interpolated HCL strings were not checked ***\n");
            return;
        }
        // Any character but combining marks: HCL normalises string literals to NFC.
        let text = prop::collection::vec(prop_oneof![nasty_ascii(), Just("ünïcødé ÿ ✓ 日本 🚀".to_string())], 0..4)
            .prop_map(|v| v.concat());
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut cases = Vec::new();
        for _ in 0..300 {
            let a = text.new_tree(&mut runner).unwrap().current();
            let b = text.new_tree(&mut runner).unwrap().current();
            cases.push((a, b));
        }
        let dir = tempfile::tempdir().unwrap();
        let mut src = String::from("locals {\n  x = \"VALUE\"\n}\n");
        for (i, (a, b)) in cases.iter().enumerate() {
            let token = hcl_value(&[Part::Lit(a), Part::Ref("local.x"), Part::Lit(b)]);
            src.push_str(&format!(
                "output \"p{i}\" {{\n  value = {token}\n}}\noutput \"q{i}\" {{\n  value = {}\n}}\n",
                hcl_quote(a)
            ));
        }
        std::fs::write(dir.path().join("main.tf"), src).unwrap();
        let tf = |args: &[&str]| {
            let o = std::process::Command::new("terraform")
                .args(args)
                .current_dir(dir.path())
                .env("CHECKPOINT_DISABLE", "1")
                .output()
                .unwrap();
            assert!(o.status.success(), "terraform {args:?}: {}", String::from_utf8_lossy(&o.stderr));
            o.stdout
        };
        tf(&["init", "-input=false", "-no-color"]);
        tf(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let out: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&tf(&["output", "-json"])).unwrap();
        for (i, (a, b)) in cases.iter().enumerate() {
            assert_eq!(out[&format!("p{i}")]["value"], format!("{a}VALUE{b}"), "case {i}: {a:?} + {b:?}");
            assert_eq!(out[&format!("q{i}")]["value"], a.as_str(), "case {i}: {a:?}");
        }
    }

    fn nasty_ascii() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("${".to_string()),
            Just("%{".to_string()),
            Just("$${".to_string()),
            Just("$".to_string()),
            Just("%".to_string()),
            Just("}".to_string()),
            Just("{".to_string()),
            Just("\"".to_string()),
            Just("\\".to_string()),
            Just("\n".to_string()),
            Just("\t".to_string()),
            Just("\u{1}\u{7f}".to_string()),
            "[a-z]{0,3}",
        ]
    }

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

    /// The shell escapers checked against bash itself: every quoted word, and every accepted
    /// double-quoted text, variable name and token, reads back as exactly the input.
    #[test]
    fn bash_reads_shell_words_back_exactly() {
        let found = std::process::Command::new("bash").arg("--version").output().is_ok_and(|o| o.status.success());
        if !found {
            assert!(std::env::var_os("CI").is_none(), "bash is required under CI");
            eprintln!("\n*** SKIPPED: bash not found; shell escaping was not checked ***\n");
            return;
        }
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let text = "[ -~]{0,12}|[a-z$'\"\\\\`!* ]{0,8}";
        let mut cases = vec![String::new(), "'".to_string(), "a'b\"c$d`e\\f!g".to_string(), "*".to_string()];
        for _ in 0..300 {
            cases.push(text.new_tree(&mut runner).unwrap().current());
        }
        let mut script = String::from("set -u\n");
        let mut want = Vec::new();
        for c in &cases {
            script.push_str(&format!("printf '%s\\0' {}\n", sh_quote(c)));
            want.push(c.clone());
            if let Ok(dq) = sh_dq(c) {
                script.push_str(&format!("printf '%s\\0' \"{dq}\"\n"));
                want.push(c.clone());
            }
        }
        let out = std::process::Command::new("bash").arg("-c").arg(&script).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let got: Vec<String> =
            String::from_utf8(out.stdout).unwrap().split_terminator('\0').map(String::from).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn context_filters_refuse_what_their_context_cannot_hold() {
        assert!(sh_var("CROSSROLE_PROFILE_1").is_ok());
        assert!(sh_var("1x").is_err() && sh_var("a-b").is_err() && sh_var("").is_err());
        assert!(sh_token("@@CROSSROLE_ACCOUNT_ID@@").is_ok() && sh_token("a|b").is_err());
        assert!(sh_regex("^[A-Za-z0-9_+=,.@:/-]{2,1224}$").is_ok());
        assert!(sh_regex("a b").is_err() && sh_regex("a;b").is_err() && sh_regex("$(x)").is_err());
        assert!(md_link("https://x/?a=1&b=%20").is_ok() && md_link("a>b").is_err() && md_link("a b").is_err());
        assert!(comment("one line").is_ok() && comment("two\nlines").is_err());
        assert_eq!(md_text("a*b_[c]"), "a\\*b\\_\\[c\\]");
        assert_eq!(md_code("a`b"), "``a`b``");
    }
}
