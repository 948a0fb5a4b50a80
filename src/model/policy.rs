//! Typed IAM policy documents. Values that depend on where the template is deployed (partition,
//! account ids, the hub user name in the member template) are `Expr`s, resolved by each renderer.

mod json;

use serde_json::Value;

/// A value a template resolves at deploy time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Var {
    /// The partition the stack or module is deployed in.
    Partition,
    /// The account the template is deployed in.
    Account,
    /// The hub account, as seen from a member account (a parameter / variable there).
    HubAccount,
    /// The hub user's name, as seen from a member account (a parameter / variable there).
    HubUserName,
    /// The n-th ExternalId a vendor role accepts (a parameter / variable, never in the template).
    ExternalId(u8),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Seg {
    Lit(String),
    Var(Var),
}

/// A string made of literal text and deploy-time values, e.g. `arn:` + Partition + `:iam::...`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub(crate) struct Expr(pub(crate) Vec<Seg>);

impl Expr {
    pub(crate) fn lit(s: impl Into<String>) -> Self {
        Expr(vec![Seg::Lit(s.into())])
    }

    /// Appends, merging adjacent literals so equal values compare equal.
    pub(crate) fn push(&mut self, seg: Seg) {
        match (self.0.last_mut(), seg) {
            (_, Seg::Lit(s)) if s.is_empty() => {}
            (Some(Seg::Lit(prev)), Seg::Lit(s)) => prev.push_str(&s),
            (_, seg) => self.0.push(seg),
        }
    }

    pub(crate) fn lit_then(mut self, s: &str) -> Self {
        self.push(Seg::Lit(s.to_string()));
        self
    }

    pub(crate) fn var_then(mut self, v: Var) -> Self {
        self.push(Seg::Var(v));
        self
    }

    pub(crate) fn resolve(&self, env: &dyn Fn(Var) -> String) -> String {
        Resolved(self, env).to_string()
    }
}

/// An `Expr` with its deploy-time values filled in by `env`, written where it is needed (a
/// policy's JSON streams it without a `String` per value).
struct Resolved<'a>(&'a Expr, &'a dyn Fn(Var) -> String);

impl std::fmt::Display for Resolved<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for seg in &self.0.0 {
            match seg {
                Seg::Lit(l) => f.write_str(l)?,
                Seg::Var(v) => f.write_str(&(self.1)(*v))?,
            }
        }
        Ok(())
    }
}

/// `arn:<partition>:iam::<account>:<rest>`
pub(crate) fn iam_arn(account: Expr, rest: &str) -> Expr {
    let mut e = Expr::lit("arn:").var_then(Var::Partition).lit_then(":iam::");
    for s in account.0 {
        e.push(s);
    }
    e.lit_then(":").lit_then(rest)
}

/// `iam_arn` of a literal account, built in one piece: a hub policy holds one per member account.
pub(crate) fn iam_arn_in(account: &str, rest: &str) -> Expr {
    let mut tail = String::with_capacity(":iam::".len() + account.len() + 1 + rest.len());
    for s in [":iam::", account, ":", rest] {
        tail.push_str(s);
    }
    Expr(vec![Seg::Lit("arn:".into()), Seg::Var(Var::Partition), Seg::Lit(tail)])
}

/// Text a user chose (a path, a name) written into a policy's Resource or condition value: IAM
/// reads `*` and `?` there as wildcards and `${...}` as a policy variable, so those characters are
/// written as IAM's fixed variables `${*}`, `${?}` and `${$}`.
pub(crate) fn policy_literal(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '*' => o.push_str("${*}"),
            '?' => o.push_str("${?}"),
            '$' => o.push_str("${$}"),
            c => o.push(c),
        }
    }
    o
}

/// An AWS managed policy ARN in the deploy partition.
pub(crate) fn aws_managed_policy_arn(name: &str) -> Expr {
    Expr::lit("arn:").var_then(Var::Partition).lit_then(":iam::aws:policy/").lit_then(name)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Condition {
    pub(crate) operator: String,
    pub(crate) key: String,
    pub(crate) values: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statement {
    pub(crate) sid: String,
    /// `Principal.AWS` of a trust policy; empty for identity policies.
    pub(crate) principals: Vec<Expr>,
    pub(crate) actions: Vec<String>,
    pub(crate) resources: Vec<Expr>,
    pub(crate) conditions: Vec<Condition>,
}

impl Statement {
    pub(crate) fn allow(sid: &str, actions: Vec<String>, resources: Vec<Expr>) -> Self {
        let mut st =
            Statement { sid: sid.to_string(), principals: Vec::new(), actions, resources, conditions: Vec::new() };
        st.normalise();
        st
    }

    /// Sorted and de-duplicated, so the output never depends on input order.
    pub(crate) fn normalise(&mut self) {
        self.actions.sort();
        self.actions.dedup();
        self.resources.sort();
        self.resources.dedup();
        self.principals.sort();
        self.principals.dedup();
        for c in &mut self.conditions {
            c.values.sort();
            c.values.dedup();
        }
        self.conditions.sort_by(|a, b| (&a.operator, &a.key).cmp(&(&b.operator, &b.key)));
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PolicyDocument {
    pub(crate) statements: Vec<Statement>,
}

pub(crate) const POLICY_VERSION: &str = "2012-10-17";

impl PolicyDocument {
    /// The JSON IAM stores, with deploy-time values filled in by `env`. Lists stay lists (as in
    /// the templates), so the size measured here is the size of what we emit.
    pub(crate) fn to_json(&self, env: &dyn Fn(Var) -> String) -> Value {
        // String keys and string values only: there is nothing that could fail to serialise.
        serde_json::to_value(json::Doc(self, env)).unwrap_or_default()
    }

    /// `to_json` pretty-printed, written without the tree.
    pub(crate) fn to_json_pretty(&self, env: &dyn Fn(Var) -> String) -> String {
        // String keys and string values only: nothing can fail to serialise.
        serde_json::to_string_pretty(&json::Doc(self, env)).unwrap_or_default()
    }

    /// Characters IAM counts against its size quotas: the document without whitespace.
    pub(crate) fn iam_size(&self, env: &dyn Fn(Var) -> String) -> usize {
        let mut count = json::CharCount::default();
        // Writing into a counter cannot fail either.
        let _ = serde_json::to_writer(&mut count, &json::Doc(self, env));
        count.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_of_the_seed_002_policy_matches_the_reference_figure() {
        // aws-facts.md §6: 137 characters with a string Action and Resource; lists add 4.
        let doc = PolicyDocument {
            statements: vec![Statement::allow(
                "",
                vec!["sts:AssumeRole".into()],
                vec![iam_arn(Expr::lit("123456789012"), "role/HubAccess")],
            )],
        };
        let env = |_: Var| "aws".to_string();
        assert_eq!(doc.iam_size(&env), 137 + 4 + "\"Sid\":\"\",".len());
    }

    #[test]
    fn literal_text_in_policies_cannot_act_as_wildcard_or_variable() {
        assert_eq!(policy_literal("/a*b?/$x/"), "/a${*}b${?}/${$}x/");
        assert_eq!(policy_literal("/plain.path-1/"), "/plain.path-1/");
    }

    #[test]
    fn the_json_and_its_size_agree_with_a_tree_built_by_hand() {
        // Every field, escapes (quote, backslash, control characters), characters outside ASCII
        // and one condition key given twice (a JSON object keeps the last).
        let cond = |op: &str, key: &str, v: &str| Condition {
            operator: op.into(),
            key: key.into(),
            values: vec![Expr::lit(v).var_then(Var::Account)],
        };
        let st = Statement {
            sid: "Tr\u{e9}s\"q\\".into(),
            principals: vec![iam_arn(Expr::lit("111111111111"), "root"), Expr::lit("b\u{1F600}")],
            actions: vec!["sts:AssumeRole".into(), "sts:TagSession".into()],
            resources: vec![iam_arn(Expr::default().var_then(Var::HubAccount), "role/x\ty\u{1}")],
            conditions: vec![
                cond("StringEquals", "aws:PrincipalOrgID", "o-1"),
                cond("StringEquals", "aws:PrincipalOrgID", "o-2"),
                cond("ArnLike", "aws:PrincipalArn", "arn:\u{7f}"),
            ],
        };
        let bare = Statement { principals: vec![], resources: vec![], conditions: vec![], ..st.clone() };
        let doc = PolicyDocument { statements: vec![st.clone(), Statement { principals: vec![], ..st.clone() }, bare] };
        let env = |v: Var| format!("{v:?}\u{e4}");
        // Resolved here segment by segment, not through the code under test.
        let text = |e: &Expr| -> String {
            e.0.iter()
                .map(|s| match s {
                    Seg::Lit(l) => l.clone(),
                    Seg::Var(v) => env(*v),
                })
                .collect()
        };
        let exprs = |v: &[Expr]| -> Value { v.iter().map(|e| Value::String(text(e))).collect() };
        let mut one = serde_json::json!({
            "Sid": st.sid, "Effect": "Allow", "Principal": { "AWS": exprs(&st.principals) },
            "Action": st.actions, "Resource": exprs(&st.resources),
            "Condition": {
                "StringEquals": { "aws:PrincipalOrgID": exprs(&st.conditions[1].values) },
                "ArnLike": { "aws:PrincipalArn": exprs(&st.conditions[2].values) },
            },
        });
        let mut two = one.clone();
        two.as_object_mut().unwrap().remove("Principal");
        let three = serde_json::json!({ "Sid": st.sid, "Effect": "Allow", "Action": st.actions });
        let by_hand = serde_json::json!({ "Version": POLICY_VERSION, "Statement": [one.take(), two, three] });
        assert_eq!(doc.to_json(&env), by_hand);
        assert_eq!(doc.to_json_pretty(&env), serde_json::to_string_pretty(&by_hand).unwrap());
        assert_eq!(doc.iam_size(&env), by_hand.to_string().chars().count());
        assert_ne!(doc.iam_size(&env), by_hand.to_string().len(), "the test needs characters outside ASCII");
    }

    #[test]
    fn expr_merges_literals() {
        let e = Expr::lit("a").lit_then("b").var_then(Var::Partition).lit_then("");
        assert_eq!(e.0, vec![Seg::Lit("ab".into()), Seg::Var(Var::Partition)]);
    }

    #[test]
    fn an_arn_built_in_one_piece_is_the_arn_built_by_parts() {
        for (account, rest) in [("111111111111", "role/a/b"), ("*", "role${*}x"), ("123456789012", "")] {
            assert_eq!(iam_arn_in(account, rest), iam_arn(Expr::lit(account), rest), "{account} {rest}");
        }
    }
}
