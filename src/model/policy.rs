//! Typed IAM policy documents. Values that depend on where the template is deployed (partition,
//! account ids, the hub user name in the member template) are `Expr`s, resolved by each renderer.

use serde_json::{Value, json};

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
        self.0
            .iter()
            .map(|s| match s {
                Seg::Lit(l) => l.clone(),
                Seg::Var(v) => env(*v),
            })
            .collect()
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
        let exprs = |v: &[Expr]| -> Value { v.iter().map(|e| Value::String(e.resolve(env))).collect() };
        let statements: Vec<Value> = self
            .statements
            .iter()
            .map(|st| {
                let mut o = serde_json::Map::new();
                o.insert("Sid".into(), json!(st.sid));
                o.insert("Effect".into(), json!("Allow"));
                if !st.principals.is_empty() {
                    o.insert("Principal".into(), json!({ "AWS": exprs(&st.principals) }));
                }
                o.insert("Action".into(), json!(st.actions));
                if !st.resources.is_empty() {
                    o.insert("Resource".into(), exprs(&st.resources));
                }
                if !st.conditions.is_empty() {
                    let mut ops = serde_json::Map::new();
                    for c in &st.conditions {
                        let entry = ops.entry(c.operator.clone()).or_insert_with(|| json!({}));
                        if let Value::Object(m) = entry {
                            m.insert(c.key.clone(), exprs(&c.values));
                        }
                    }
                    o.insert("Condition".into(), Value::Object(ops));
                }
                Value::Object(o)
            })
            .collect();
        json!({ "Version": POLICY_VERSION, "Statement": statements })
    }

    /// Characters IAM counts against its size quotas: the document without whitespace.
    pub(crate) fn iam_size(&self, env: &dyn Fn(Var) -> String) -> usize {
        self.to_json(env).to_string().chars().count()
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
    fn expr_merges_literals() {
        let e = Expr::lit("a").lit_then("b").var_then(Var::Partition).lit_then("");
        assert_eq!(e.0, vec![Seg::Lit("ab".into()), Seg::Var(Var::Partition)]);
    }
}
