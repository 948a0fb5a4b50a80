//! What crossrole emitted last time, kept in the output directory (`.crossrole-state.json`, written
//! and committed with the rest of the output): which hub policy document lists which accounts,
//! every hub group policy's size, the member accounts, the accounts removed whose Terraform
//! providers are kept until the removal is applied, and a two-step change in progress.
//!
//! It makes placement independent of the config's order and history (adding an account changes
//! at most one document, removing one only the document that held it), and lets each change be
//! checked against every state IAM passes through while it is deployed.

use serde::{Deserialize, Serialize};

use crate::aws::ids::AccountId;

pub(crate) const FILE: &str = ".crossrole-state.json";
const VERSION: u32 = 1;

/// A hub policy as deployed: in which group (1 is the hub's group), inline or managed, its size.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocState {
    pub(crate) group: usize,
    pub(crate) key: String,
    pub(crate) managed: bool,
    /// Characters IAM counts.
    pub(crate) size: usize,
    /// The member accounts whose role ARNs (or ids) it lists, for the `sts:AssumeRole` documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) accounts: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct State {
    pub(crate) version: u32,
    /// The hub's `sts:AssumeRole` shape (`hub.assume_policy` keyword).
    pub(crate) shape: String,
    pub(crate) accounts: Vec<String>,
    /// Every hub group's policies (identity, own-account and assume documents).
    pub(crate) documents: Vec<DocState>,
    /// Accounts removed from the setup whose role Terraform still has to destroy: their providers
    /// stay (`providers` layout) until `--applied`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) retired: Vec<String>,
    /// The Terraform layout emitted (`auto` keeps it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tf_layout: Option<String>,
    /// Set while a two-step change is half done: the shape the second step goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) pending: Option<String>,
    /// The hub users of the `groups` shape when it needs more than one (the first is the hub's
    /// user), so that the next run can name the ones it no longer has.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) users: Vec<String>,
    /// Hub users an earlier run had and this one does not, kept until `--applied`: they keep
    /// their grants until their stacks (and access keys) are deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) retired_users: Vec<RetiredUser>,
}

/// A hub user no longer in the setup: its number (its stack is `crossrole-hub-user-<number>`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RetiredUser {
    pub(crate) number: usize,
    pub(crate) name: String,
}

impl State {
    pub(crate) fn new() -> Self {
        State { version: VERSION, ..State::default() }
    }

    /// The state in `text`; a state crossrole cannot read is an error naming the file (it is
    /// crossrole's own: deleting it makes the next run place accounts afresh).
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let s: State = serde_json::from_str(text).map_err(|e| format!("{FILE}: {e}"))?;
        if s.version != VERSION {
            return Err(format!("{FILE}: version {} is not supported (expected {VERSION})", s.version));
        }
        Ok(s)
    }

    pub(crate) fn to_json(&self) -> String {
        // Serialising plain data to a string cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The assume documents of the hub's `sts:AssumeRole` shape, as (key, accounts).
    pub(crate) fn placement(&self) -> Vec<(String, Vec<AccountId>)> {
        self.documents
            .iter()
            .filter(|d| !d.accounts.is_empty())
            .map(|d| (d.key.clone(), d.accounts.iter().filter_map(|a| AccountId::parse(a).ok()).collect()))
            .collect()
    }
}
