//! A policy document serialised straight from its typed form. `to_json` and `iam_size` both read
//! this one definition, so the size checked against IAM's quotas is the size of the JSON emitted,
//! and sizing a document of thousands of ARNs (several times per run) builds no JSON tree.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use super::{Expr, POLICY_VERSION, PolicyDocument, Seg, Statement, Var};

type Env<'a> = &'a dyn Fn(Var) -> String;

pub(super) struct Doc<'a>(pub(super) &'a PolicyDocument, pub(super) Env<'a>);
struct Stmt<'a>(&'a Statement, Env<'a>);
struct Exprs<'a>(&'a [Expr], Env<'a>);

impl Serialize for Doc<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // Keys in sorted order here and below, as a `serde_json::Value` holds them: the text
        // written straight from here is the text of that tree.
        let mut m = s.serialize_map(Some(2))?;
        let statements: Vec<Stmt<'_>> = self.0.statements.iter().map(|st| Stmt(st, self.1)).collect();
        m.serialize_entry("Statement", &statements)?;
        m.serialize_entry("Version", POLICY_VERSION)?;
        m.end()
    }
}

impl Serialize for Stmt<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (st, env) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Action", &st.actions)?;
        if !st.conditions.is_empty() {
            // One object per operator, one entry per key (a repeated key: the last one), as a
            // JSON object has them.
            let mut ops: BTreeMap<&str, BTreeMap<&str, Exprs<'_>>> = BTreeMap::new();
            for c in &st.conditions {
                ops.entry(c.operator.as_str()).or_default().insert(c.key.as_str(), Exprs(&c.values, env));
            }
            m.serialize_entry("Condition", &ops)?;
        }
        m.serialize_entry("Effect", "Allow")?;
        if !st.principals.is_empty() {
            let mut aws = BTreeMap::new();
            aws.insert("AWS", Exprs(&st.principals, env));
            m.serialize_entry("Principal", &aws)?;
        }
        if !st.resources.is_empty() {
            m.serialize_entry("Resource", &Exprs(&st.resources, env))?;
        }
        m.serialize_entry("Sid", &st.sid)?;
        m.end()
    }
}

impl Serialize for Exprs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A hub group lists thousands of role ARNs with the same few deploy-time values: each is
        // looked up once, and every value is written through one reused buffer.
        let mut known: Vec<(Var, String)> = Vec::new();
        let mut text = String::new();
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for e in self.0 {
            text.clear();
            for seg in &e.0 {
                match seg {
                    Seg::Lit(l) => text.push_str(l),
                    Seg::Var(v) => {
                        if let Some((_, value)) = known.iter().find(|(k, _)| k == v) {
                            text.push_str(value);
                        } else {
                            let value = (self.1)(*v);
                            text.push_str(&value);
                            known.push((*v, value));
                        }
                    }
                }
            }
            seq.serialize_element(text.as_str())?;
        }
        seq.end()
    }
}

/// Counts the characters written to it (UTF-8 bytes that start a character).
#[derive(Default)]
pub(super) struct CharCount(pub(super) usize);

impl std::io::Write for CharCount {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.iter().filter(|b| (**b & 0xC0) != 0x80).count();
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
