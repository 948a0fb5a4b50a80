//! Validated identifiers and the AWS rules behind them (aws-facts.md §1.3, §1.4). Each check returns
//! the message that names the value and the rule; the caller adds the field.

use serde_yaml::Value;
use std::collections::HashSet;
use std::fmt;

/// A 12-digit AWS account id, always kept as a string (a leading zero is significant).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct AccountId(String);

impl AccountId {
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(AccountId(s.to_string()))
        } else {
            Err(format!("{s:?} is not a 12-digit AWS account id"))
        }
    }

    /// From a YAML value of a config whose text is `source`: a YAML number is refused, because
    /// leading zeros are already gone, and so is an unquoted id with a leading zero, which YAML 1.1
    /// readers (PyYAML, many CI tools) take for an octal number.
    pub(crate) fn from_yaml(v: &Value, source: &YamlText<'_>) -> Result<Self, String> {
        match v {
            Value::String(s) => {
                let id = Self::parse(s)?;
                if s.starts_with('0') && !source.text.is_empty() && !source.quoted.contains(s.as_str()) {
                    return Err(format!(
                        "{s} is not quoted: YAML 1.1 readers (PyYAML, many CI tools) take a number with a leading zero for octal; quote account ids (\"{s}\")"
                    ));
                }
                Ok(id)
            }
            Value::Number(n) if n.as_u64().is_some() && source.text.contains(&n.to_string()) => Err(format!(
                "{n} is a YAML number, not a string: quote account ids (\"{:0>12}\"), since a number loses leading zeros",
                n.to_string()
            )),
            Value::Number(n) => Err(format!(
                "a YAML number (written in hex, octal, with an exponent or with `_`; it reads as {n}), not a string: quote account ids as their 12 digits"
            )),
            other => Err(format!("{} is not a 12-digit AWS account id", yaml_brief(other))),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A config's text, with every run of digits written between two equal quotes indexed once:
/// whether an account id was quoted is asked once per account, and searching the whole text each
/// time made a config of 10,000 accounts quadratic.
pub(crate) struct YamlText<'a> {
    text: &'a str,
    quoted: HashSet<&'a str>,
}

impl<'a> YamlText<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut quoted = HashSet::new();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let open = start.checked_sub(1).map(|j| bytes[j]);
            if i < bytes.len() && matches!(bytes[i], b'"' | b'\'') && open == Some(bytes[i]) {
                quoted.insert(&text[start..i]);
            }
        }
        YamlText { text, quoted }
    }
}

pub(crate) fn yaml_brief(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(_) => "a tagged value".into(),
    }
}

fn is_iam_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// User, group and role names: 1..=max characters of `[\w+=,.@-]`.
pub(crate) fn iam_name(s: &str, max: usize) -> Result<String, String> {
    if s.is_empty() || s.chars().count() > max {
        return Err(format!("{s:?} must be 1 to {max} characters long (it has {})", s.chars().count()));
    }
    if let Some(bad) = s.chars().find(|c| !is_iam_name_char(*c)) {
        return Err(format!("{s:?} contains {bad:?}; allowed are letters, digits and _+=,.@-"));
    }
    Ok(s.to_string())
}

/// IAM paths: `/` or `/segment/.../` of printable ASCII, at most 512 characters.
pub(crate) fn iam_path(s: &str) -> Result<String, String> {
    let ok_chars = s.chars().all(|c| ('\u{21}'..='\u{7e}').contains(&c));
    if s.len() > 512 {
        return Err(format!("{s:?} is longer than 512 characters"));
    }
    // AWS creates service-linked roles under these paths and refuses them for anything else.
    if let Some(reserved) = ["/aws-service-role/", "/aws-reserved/"].iter().find(|r| s.starts_with(**r)) {
        return Err(format!("{s:?} is under the path {reserved:?}, which AWS reserves for its own roles"));
    }
    if s == "/" || (s.len() >= 3 && s.starts_with('/') && s.ends_with('/') && ok_chars && !s.contains("//")) {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not an IAM path: it must be \"/\" or start and end with \"/\" (e.g. \"/integrations/\"), printable ASCII without spaces"
        ))
    }
}

pub(crate) fn max_session_duration(n: i64) -> Result<u32, String> {
    match u32::try_from(n) {
        Ok(v) if (3600..=43200).contains(&v) => Ok(v),
        _ => Err(format!("{n} is outside 3600..43200 seconds (1 to 12 hours)")),
    }
}

/// Role descriptions: at most 1,000 characters of tab, newline and Latin-1 printable characters.
pub(crate) fn description(s: &str) -> Result<String, String> {
    if s.chars().count() > 1000 {
        return Err(format!("is {} characters long; IAM allows at most 1000", s.chars().count()));
    }
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}');
    match s.chars().find(|c| !allowed(*c)) {
        Some(bad) => {
            Err(format!("{s:?} contains {bad:?}; IAM descriptions allow printable Latin-1 characters, tab and newline"))
        }
        None => Ok(s.to_string()),
    }
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

pub(crate) fn tag_key(k: &str) -> Result<String, String> {
    if k.is_empty() || k.chars().count() > 128 {
        return Err(format!("tag key {k:?} must be 1 to 128 characters long"));
    }
    if k.to_ascii_lowercase().starts_with("aws:") {
        return Err(format!("tag key {k:?} uses the reserved prefix \"aws:\""));
    }
    match k.chars().find(|c| !is_tag_char(*c)) {
        Some(bad) => Err(format!("tag key {k:?} contains {bad:?}; allowed are letters, digits, spaces and _.:/=+-@")),
        None => Ok(k.to_string()),
    }
}

pub(crate) fn tag_value(k: &str, v: &str) -> Result<String, String> {
    if v.chars().count() > 256 {
        return Err(format!("value of tag {k:?} is longer than 256 characters"));
    }
    match v.chars().find(|c| !is_tag_char(*c)) {
        Some(bad) => {
            Err(format!("value of tag {k:?} contains {bad:?}; allowed are letters, digits, spaces and _.:/=+-@"))
        }
        None => Ok(v.to_string()),
    }
}

/// A permissions boundary: a managed policy ARN, or the name of a customer managed policy in the
/// account the role lives in.
pub(crate) fn boundary(s: &str) -> Result<Boundary, String> {
    if let Some(rest) = s.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let ok = parts.len() == 5
            && parts[0].starts_with("aws")
            && parts[1] == "iam"
            && parts[2].is_empty()
            && (parts[3] == "aws" || AccountId::parse(parts[3]).is_ok())
            && parts[4].starts_with("policy/")
            && parts[4].len() > "policy/".len();
        if ok {
            Ok(Boundary::Arn(s.to_string()))
        } else {
            Err(format!("{s:?} is not a managed policy ARN (arn:<partition>:iam::<account or aws>:policy/<name>)"))
        }
    } else {
        iam_name(s, 128).map(Boundary::Name).map_err(|m| format!("{m} (give a policy name or a policy ARN)"))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Boundary {
    Arn(String),
    Name(String),
}

/// A string rule of the form "`min` to `max` ASCII letters, digits and `extra`", written once and
/// rendered for each place that checks it.
pub(crate) struct Charset {
    pub(crate) min: usize,
    pub(crate) max: usize,
    /// The allowed characters besides ASCII letters and digits; `_` first, so that RE2 and Java
    /// regexes can say `\w` for letters, digits and `_`.
    pub(crate) extra: &'static str,
}

impl Charset {
    pub(crate) fn allows(&self, c: char) -> bool {
        c.is_ascii_alphanumeric() || self.extra.contains(c)
    }

    /// `\w` plus the other extras: a regex class for RE2 (Terraform) and Java (CloudFormation).
    pub(crate) fn word_class(&self) -> String {
        format!("\\w{}", self.extra.trim_start_matches('_'))
    }

    /// The whole rule as a POSIX extended regex (bash `[[ =~ ]]`, which has no `\w`).
    pub(crate) fn posix_regex(&self) -> String {
        format!("^[A-Za-z0-9{}]{{{},{}}}$", self.extra, self.min, self.max)
    }

    /// "2 to 1,224 characters of A-Z a-z 0-9 _ + = , . @ : / -", with `and` before the extras
    /// when `and` is set.
    pub(crate) fn describe(&self, and: bool) -> String {
        let extras: Vec<String> = self.extra.chars().map(String::from).collect();
        format!(
            "{} to {} characters of A-Z a-z 0-9 {}{}",
            self.min,
            thousands(self.max),
            if and { "and " } else { "" },
            extras.join(" ")
        )
    }
}

/// `1224` → `1,224`.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// STS AssumeRole's ExternalId.
pub(crate) const EXTERNAL_ID: Charset = Charset { min: 2, max: 1224, extra: "_+=,.@:/-" };

/// The account-id rule as a regex, for CloudFormation parameters and Terraform validation.
pub(crate) const ACCOUNT_ID_PATTERN: &str = "^[0-9]{12}$";
/// An IAM user name as a CloudFormation `AllowedPattern`.
pub(crate) const USER_NAME_PATTERN: &str = r"^[\w+=,.@-]{1,64}$";

/// An ExternalId (STS AssumeRole). The message names the offending character and length, not the
/// value: an ExternalId does not belong in logs.
pub(crate) fn external_id(s: &str) -> Result<String, String> {
    let rule = format!("an ExternalId is {}", EXTERNAL_ID.describe(true));
    let len = s.chars().count();
    if !(EXTERNAL_ID.min..=EXTERNAL_ID.max).contains(&len) {
        return Err(format!("{len} character{}; {rule}", if len == 1 { "" } else { "s" }));
    }
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !EXTERNAL_ID.allows(*c)) {
        return Err(format!("character {c:?} at position {} is not allowed; {rule}", i + 1));
    }
    Ok(s.to_string())
}

/// `org_id`'s rule as a regex (the JSON Schema of the config).
pub(crate) const ORG_ID_PATTERN: &str = "^o-[a-z0-9]{10,32}$";
/// `org_unit`'s rule as a regex.
pub(crate) const ORG_UNIT_PATTERN: &str = "^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$";

/// An AWS Organizations id as `aws:PrincipalOrgID` compares it: `o-` and 10 to 32 of `[a-z0-9]`.
pub(crate) fn org_id(s: &str) -> Result<String, String> {
    let rest = s.strip_prefix("o-").unwrap_or("");
    if (10..=32).contains(&rest.len()) && rest.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(format!("{s:?} is not an AWS Organizations id (o- and 10 to 32 lower-case letters or digits)"))
    }
}

fn lower_alnum(s: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// A StackSet target in an organization: an organizational unit (`ou-` + 4 to 32, `-`, 8 to 32
/// lower-case letters or digits) or the root (`r-` + 4 to 32), as AWS Organizations writes them.
pub(crate) fn org_unit(s: &str) -> Result<String, String> {
    let ok = if let Some(rest) = s.strip_prefix("ou-") {
        rest.split_once('-').is_some_and(|(root, ou)| lower_alnum(root, 4..=32) && lower_alnum(ou, 8..=32))
    } else {
        s.strip_prefix("r-").is_some_and(|root| lower_alnum(root, 4..=32))
    };
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "{s:?} is not an organizational unit id (ou-, 4 to 32 lower-case letters or digits, -, 8 to 32 more) or a root id (r-, 4 to 32)"
        ))
    }
}

/// Whether an org unit id is the organization's root.
pub(crate) fn is_root(unit: &str) -> bool {
    unit.starts_with("r-")
}

/// The published template's URL for the console's quick-create link: https, at most 1,024
/// characters (CloudFormation's TemplateURL limit), no spaces or quotes.
pub(crate) fn template_url(s: &str) -> Result<String, String> {
    if !s.starts_with("https://") || s.len() <= "https://".len() {
        return Err(format!("{s:?} must be an https:// URL of the uploaded template (an S3 object URL)"));
    }
    if s.len() > 1024 {
        return Err(format!("{} characters; CloudFormation accepts template URLs of at most 1,024", s.len()));
    }
    if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control() || "\"'<>`".contains(*c)) {
        return Err(format!("{s:?} contains {c:?}; give the URL as it is, percent-encoded where needed"));
    }
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_external_id_rule_reads_the_same_everywhere() {
        assert_eq!(EXTERNAL_ID.word_class(), r"\w+=,.@:/-");
        assert_eq!(EXTERNAL_ID.posix_regex(), "^[A-Za-z0-9_+=,.@:/-]{2,1224}$");
        assert_eq!(EXTERNAL_ID.describe(false), "2 to 1,224 characters of A-Z a-z 0-9 _ + = , . @ : / -");
        assert!(external_id("ab").is_ok());
        assert!(external_id(&"a".repeat(1225)).is_err());
        assert!(external_id("a b").unwrap_err().contains("and _ + ="));
    }

    #[test]
    fn organization_units() {
        assert!(org_unit("ou-ab12-abcdefgh").is_ok());
        assert!(org_unit("r-ab12").is_ok());
        assert!(is_root("r-ab12"));
        for bad in ["ou-ab1-abcdefgh", "ou-ab12-abcdefg", "ou-AB12-abcdefgh", "r-ab1", "ou-ab12", "o-ab12abcdefgh", ""]
        {
            assert!(org_unit(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_ids() {
        assert!(AccountId::parse("011111111111").is_ok());
        assert_eq!(AccountId::parse("1111").unwrap_err(), "\"1111\" is not a 12-digit AWS account id");
        let n: Value = serde_yaml::from_str("11111111111").unwrap();
        assert!(
            AccountId::from_yaml(&n, &YamlText::new("11111111111"))
                .unwrap_err()
                .contains("quote account ids (\"011111111111\")")
        );
        let hex: Value = serde_yaml::from_str("0x1234").unwrap();
        assert!(
            AccountId::from_yaml(&hex, &YamlText::new("a: 0x1234"))
                .unwrap_err()
                .starts_with("a YAML number (written in hex")
        );
        let octal: Value = serde_yaml::from_str("033333333333").unwrap();
        assert!(AccountId::from_yaml(&octal, &YamlText::new("a: 033333333333")).unwrap_err().contains("is not quoted"));
        assert!(AccountId::from_yaml(&octal, &YamlText::new("a: \"033333333333\"")).is_ok());
        assert!(AccountId::from_yaml(&octal, &YamlText::new("a: '033333333333'")).is_ok());
        // Quoted elsewhere, or only as part of a longer quoted string or with unequal quotes: not quoted.
        for text in ["a: 033333333333 # \"0333\"", "a: 033333333333\nb: \"1033333333333\"", "a: \"033333333333'"] {
            assert!(AccountId::from_yaml(&octal, &YamlText::new(text)).is_err(), "{text}");
        }
    }

    #[test]
    fn names_and_paths() {
        assert!(iam_name("a-b_c+d=e,f.g@h", 64).is_ok());
        assert!(iam_name(&"x".repeat(65), 64).unwrap_err().contains("1 to 64"));
        assert!(iam_name("a b", 64).unwrap_err().contains("' '"));
        assert!(iam_path("/").is_ok());
        assert!(iam_path("/a/b/").is_ok());
        assert!(iam_path("a/").is_err());
        assert!(iam_path("/a").is_err());
        assert!(iam_path("/a b/").is_err());
        assert!(iam_path("/aws-service-role/x/").unwrap_err().contains("reserves"));
    }

    #[test]
    fn durations_tags_boundaries() {
        assert!(max_session_duration(3599).is_err());
        assert_eq!(max_session_duration(43200), Ok(43200));
        assert!(tag_key("aws:x").is_err());
        assert!(tag_key("Team").is_ok());
        assert!(boundary("arn:aws:iam::aws:policy/PowerUserAccess").is_ok());
        assert!(boundary("arn:aws:s3:::x").is_err());
        assert_eq!(boundary("Boundary").unwrap(), Boundary::Name("Boundary".into()));
    }
}
