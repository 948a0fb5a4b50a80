//! Policy documents, tags and managed-policy ARNs as templates take them, with every deploy-time
//! value mapped to the target's reference syntax (`Ref`/`Fn::Sub` or a Terraform expression).

use std::borrow::Cow;

use serde::Serialize;

use crate::model::NamedPolicy;
use crate::model::policy::{Expr, PolicyDocument, Seg, Var, aws_managed_policy_arn};
use crate::model::shared::pascal;

/// A string value as the filters take it: literal text and references in turn, starting with
/// text (`["arn:", "AWS::Partition", ":iam::111111111111:role/x"]`). Flat, because a setup of
/// thousands of accounts holds tens of thousands of these and each nested array is an allocation.
#[derive(Serialize, Default, Clone, Debug, PartialEq, Eq)]
#[serde(transparent)]
pub(crate) struct ValueView(Vec<String>);

impl ValueView {
    pub(crate) fn lit(mut self, s: &str) -> Self {
        let odd = self.0.len() % 2 == 1;
        match self.0.last_mut() {
            Some(last) if odd => last.push_str(s),
            _ => self.0.push(s.to_string()),
        }
        self
    }

    pub(crate) fn var(mut self, r: &str) -> Self {
        if self.0.len() % 2 == 0 {
            self.0.push(String::new());
        }
        self.0.push(r.to_string());
        self
    }
}

/// Separates the parts of a value in a `ValueList`'s byte string (the ASCII unit separator).
pub(crate) const UNIT: char = '\u{1f}';
/// Ends each value of a `ValueList`'s byte string (the ASCII record separator).
pub(crate) const RECORD: char = '\u{1e}';

/// A list of values as the list filters take it: one byte string (a type no plain string has), each
/// value's parts joined by `UNIT` and followed by `RECORD`, so a hub group's thousands of role
/// ARNs are one Tera value to build and drop, not thousands of lists. A list holding a value with
/// no part, or a part holding either separator, goes as the list of its values instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ValueList {
    Bytes(Vec<u8>),
    Views(Vec<ValueView>),
}

impl Default for ValueList {
    fn default() -> Self {
        Self::Bytes(Vec::new())
    }
}

impl ValueList {
    /// `values` as `target` writes them, encoded straight from the model's segments: no
    /// `ValueView` (three strings and a list each) per role ARN of a hub group on the way.
    pub(crate) fn of(target: Target, values: &[Expr]) -> Self {
        // Sized once (a reference counted as 44 bytes, the longest, Terraform's caller account id),
        // not doubled up to the thousands of role ARNs of a hub group.
        let size = |e: &Expr| e.0.iter().map(|s| if let Seg::Lit(l) = s { l.len() + 1 } else { 45 }).sum::<usize>();
        let mut bytes = Vec::with_capacity(values.iter().map(|e| size(e) + 2).sum());
        for e in values {
            if !encode(target, e, &mut bytes) {
                return Self::Views(values.iter().map(|v| value(target, v)).collect());
            }
        }
        Self::Bytes(bytes)
    }

    /// `views` in the byte string form, where they can take it.
    #[cfg(test)]
    pub(crate) fn from_views(views: Vec<ValueView>) -> Self {
        let mut bytes = Vec::new();
        for v in &views {
            let clean = !v.0.is_empty()
                && v.0.iter().all(|p| memchr::memchr2(UNIT as u8, RECORD as u8, p.as_bytes()).is_none());
            if !clean {
                return Self::Views(views);
            }
            for (i, p) in v.0.iter().enumerate() {
                if i > 0 {
                    bytes.push(UNIT as u8);
                }
                bytes.extend_from_slice(p.as_bytes());
            }
            bytes.push(RECORD as u8);
        }
        Self::Bytes(bytes)
    }
}

/// Appends `e` as a `ValueList` value: its `ValueView` parts (text first, then reference and text
/// in turn) joined by `UNIT`, then `RECORD`. False, with `bytes` not to be used, for a value with
/// no part or a part holding a separator.
fn encode(target: Target, e: &Expr, bytes: &mut Vec<u8>) -> bool {
    let mut parts = 0usize;
    for seg in &e.0 {
        // An odd count of parts ends with text, which more text extends.
        let text_open = parts % 2 == 1;
        let clean = match seg {
            Seg::Lit(l) => push_part(bytes, &mut parts, l, !text_open),
            Seg::Var(r) => {
                (text_open || push_part(bytes, &mut parts, "", true))
                    && push_part(bytes, &mut parts, &reference(target, *r), true)
            }
        };
        if !clean {
            return false;
        }
    }
    bytes.push(RECORD as u8);
    parts > 0
}

/// `s` appended to the last part, or as a new one; false if it holds a separator.
fn push_part(bytes: &mut Vec<u8>, parts: &mut usize, s: &str, new_part: bool) -> bool {
    if new_part {
        if *parts > 0 {
            bytes.push(UNIT as u8);
        }
        *parts += 1;
    }
    bytes.extend_from_slice(s.as_bytes());
    memchr::memchr2(UNIT as u8, RECORD as u8, s.as_bytes()).is_none()
}

impl Serialize for ValueList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bytes(bytes) => s.serialize_bytes(bytes),
            Self::Views(views) => views.serialize(s),
        }
    }
}

#[derive(Clone, Copy)]
pub(crate) enum Target {
    CfnHub,
    CfnMember,
    TfHub,
    TfMember,
}

/// The CloudFormation parameter holding the n-th ExternalId: `ExternalId`, `ExternalId2`, ...
pub(crate) fn external_id_param(i: usize) -> String {
    if i == 0 { "ExternalId".into() } else { format!("ExternalId{}", i + 1) }
}

pub(crate) fn reference(target: Target, v: Var) -> Cow<'static, str> {
    let r = match (target, v) {
        (Target::CfnHub | Target::CfnMember, Var::ExternalId(i)) => return external_id_param(usize::from(i)).into(),
        (Target::TfHub | Target::TfMember, Var::ExternalId(i)) => return format!("var.external_ids[{i}]").into(),
        (Target::CfnHub | Target::CfnMember, Var::Partition) => "AWS::Partition",
        (Target::CfnHub | Target::CfnMember, Var::Account) | (Target::CfnHub, Var::HubAccount) => "AWS::AccountId",
        (Target::CfnMember, Var::HubAccount) => "HubAccountId",
        (Target::CfnHub | Target::CfnMember, Var::HubUserName) => "HubUserName",
        (Target::TfHub | Target::TfMember, Var::Partition) => "data.aws_partition.current.partition",
        (Target::TfHub | Target::TfMember, Var::Account) | (Target::TfHub, Var::HubAccount) => {
            "data.aws_caller_identity.current.account_id"
        }
        (Target::TfMember, Var::HubAccount) => "var.hub_account_id",
        (Target::TfHub | Target::TfMember, Var::HubUserName) => "var.hub_user_name",
    };
    Cow::Borrowed(r)
}

pub(crate) fn value(target: Target, e: &Expr) -> ValueView {
    e.0.iter().fold(ValueView::default(), |v, s| match s {
        Seg::Lit(l) => v.lit(l),
        Seg::Var(r) => v.var(&reference(target, *r)),
    })
}

#[derive(Serialize)]
pub(crate) struct ConditionEntry {
    key: String,
    values: ValueList,
}

#[derive(Serialize)]
pub(crate) struct ConditionOp {
    operator: String,
    /// The operator is an HCL identifier (`StringEquals`), written bare as `terraform fmt` keeps
    /// it; a set operator (`ForAnyValue:StringLike`) is a quoted key.
    bare: bool,
    entries: Vec<ConditionEntry>,
}

#[derive(Serialize)]
pub(crate) struct StatementView {
    sid: String,
    has_principals: bool,
    principals: ValueList,
    actions: Vec<String>,
    has_resources: bool,
    resources: ValueList,
    has_conditions: bool,
    conditions: Vec<ConditionOp>,
}

#[derive(Serialize, Default)]
pub(crate) struct DocView {
    statements: Vec<StatementView>,
}

pub(crate) fn doc(target: Target, d: &PolicyDocument) -> DocView {
    DocView {
        statements: d
            .statements
            .iter()
            .map(|st| {
                // Conditions arrive sorted by (operator, key); group them by operator.
                let mut conditions: Vec<ConditionOp> = Vec::new();
                for c in &st.conditions {
                    let entry = ConditionEntry { key: c.key.clone(), values: ValueList::of(target, &c.values) };
                    match conditions.last_mut() {
                        Some(op) if op.operator == c.operator => op.entries.push(entry),
                        _ => conditions.push(ConditionOp {
                            operator: c.operator.clone(),
                            bare: !c.operator.contains(':'),
                            entries: vec![entry],
                        }),
                    }
                }
                StatementView {
                    sid: st.sid.clone(),
                    has_principals: !st.principals.is_empty(),
                    principals: ValueList::of(target, &st.principals),
                    actions: st.actions.clone(),
                    has_resources: !st.resources.is_empty(),
                    resources: ValueList::of(target, &st.resources),
                    has_conditions: !conditions.is_empty(),
                    conditions,
                }
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub(crate) struct PolicyView {
    /// CloudFormation logical id (alphanumeric).
    logical: String,
    /// Terraform resource name (identifier).
    tf_name: String,
    name: String,
    description: String,
    doc: DocView,
}

#[derive(Serialize)]
pub(crate) struct TagView {
    key: String,
    value: String,
}

#[derive(Serialize)]
pub(crate) struct ManagedArnView {
    tf_name: String,
    name: String,
    arn: ValueView,
}

impl ManagedArnView {
    /// Terraform names are per root, so a further group's attachments carry the group's name.
    pub(crate) fn prefix_tf_name(&mut self, prefix: &str) {
        self.tf_name = format!("{prefix}_{}", self.tf_name);
    }
}

/// `AmazonEC2FullAccess` → `amazon_ec2_full_access`; `assume-member-role-1` → `assume_member_role_1`.
pub(crate) fn snake(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase() && chars.get(i + 1).is_some_and(char::is_ascii_lowercase)));
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) { format!("p_{out}") } else { out }
}

pub(crate) fn policy_views(target: Target, policies: &[NamedPolicy]) -> Vec<PolicyView> {
    policies
        .iter()
        .map(|p| PolicyView {
            logical: pascal(&p.key),
            tf_name: snake(&p.key),
            name: p.name.clone(),
            description: p.description.clone(),
            doc: doc(target, &p.doc),
        })
        .collect()
}

pub(crate) fn managed_views(target: Target, names: &[String]) -> Vec<ManagedArnView> {
    names
        .iter()
        .map(|n| ManagedArnView {
            tf_name: format!("aws_{}", snake(n)),
            name: n.clone(),
            arn: value(target, &aws_managed_policy_arn(n)),
        })
        .collect()
}

pub(crate) fn tag_views(tags: &[(String, String)]) -> Vec<TagView> {
    tags.iter().map(|(k, v)| TagView { key: k.clone(), value: v.clone() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(pascal("assume-member-role-111111111111"), "AssumeMemberRole111111111111");
        assert_eq!(snake("AmazonEC2FullAccess"), "amazon_ec2_full_access");
        assert_eq!(snake("IAMReadOnlyAccess"), "iam_read_only_access");
        assert_eq!(snake("read-own-identity"), "read_own_identity");
        assert_eq!(snake("AmazonRoute53FullAccess"), "amazon_route53_full_access");
    }

    fn seg() -> impl proptest::strategy::Strategy<Value = Seg> {
        use proptest::prelude::*;
        prop_oneof![
            prop::sample::select(vec!["", "arn:", ":iam::", "x\u{1f}y", "\u{1e}"]).prop_map(|l| Seg::Lit(l.into())),
            prop::sample::select(vec![Var::Partition, Var::Account, Var::HubUserName, Var::ExternalId(1)])
                .prop_map(Seg::Var),
        ]
    }

    proptest::proptest! {
        /// Encoded from the segments, a list is what its `ValueView`s make of it, whatever the
        /// order of text and references, empty values and separators included.
        #[test]
        fn a_list_encoded_from_segments_is_the_list_of_its_views(
            values in proptest::collection::vec(proptest::collection::vec(seg(), 0..5), 0..6)
        ) {
            let values: Vec<Expr> = values.into_iter().map(Expr).collect();
            for target in [Target::CfnHub, Target::TfMember] {
                let views = ValueList::from_views(values.iter().map(|v| value(target, v)).collect());
                proptest::prop_assert_eq!(ValueList::of(target, &values), views);
            }
        }
    }
}
