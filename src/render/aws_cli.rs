//! `--format cli`: the setup as AWS CLI calls in seed 002's order, one named profile per account,
//! with every policy document in a JSON file beside the script. The commands are word lists here;
//! the template quotes each word for the shell.

use serde::Serialize;

use crate::keyword::Setup;
use crate::model::deploy::DeployPlan;
use crate::model::policy::{PolicyDocument, Var};
use crate::model::{Hub, NamedPolicy, Plan, Role};

use super::OutputFile;
use super::view::ValueView;

pub(crate) const SCRIPT: &str = "cli/deploy.sh";
const POLICY_DIR: &str = "policies";
/// The partition the CLI documents are written for; the other formats resolve it at deploy time.
const PARTITION: &str = "aws";
/// Stands for the profile's account in a vendor role's documents; the script fills it in.
const ACCOUNT_PLACEHOLDER: &str = "@@CROSSROLE_ACCOUNT_ID@@";
/// A word without this byte holds no placeholder.
const PLACEHOLDER_FIRST: u8 = ACCOUNT_PLACEHOLDER.as_bytes()[0];

/// One call: `words` after `aws`, run with the account's profile. With `check`, the call is made
/// only when `check` fails (the entity does not exist yet); otherwise it is reported and skipped.
#[derive(Serialize)]
pub(crate) struct Step {
    has_check: bool,
    check: Vec<ValueView>,
    what: String,
    words: Vec<ValueView>,
}

#[derive(Serialize)]
pub(crate) struct Account {
    /// Empty for a vendor role, deployed in whichever account the profile belongs to.
    account: String,
    title: String,
    /// Shell variable holding the profile, and the environment variable that sets it.
    profile_var: String,
    env_var: String,
    default_profile: String,
    steps: Vec<Step>,
}

#[derive(Serialize)]
pub(crate) struct CliView {
    rules: super::view::RulesView,
    preset: String,
    what: String,
    accounts: Vec<Account>,
    /// Hub and spoke: the calls made in every member account of `accounts.txt`, with the account
    /// read from there, and the accounts whose default profile is their name.
    has_members: bool,
    member_steps: Vec<Step>,
    has_named_members: bool,
    named_members: Vec<NamedMember>,
    member_count: i64,
    /// Vendor role: ExternalId placeholders to fill, from `external-ids.txt` or the environment.
    external_ids: Vec<ExternalIdSlot>,
    has_external_ids: bool,
    ids_file_known: bool,
    is_vendor: bool,
    account_placeholder: &'static str,
}

#[derive(Serialize)]
pub(crate) struct NamedMember {
    account: String,
    profile: String,
}

#[derive(Serialize)]
pub(crate) struct ExternalIdSlot {
    placeholder: String,
    line: i64,
    env_var: String,
}

fn words(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_string()).collect()
}

/// A command word as the `sh_str` filter takes it: the account placeholder (an argument, not a
/// file the script fills in) becomes a reference to the script's `account_id`.
fn shell_word(w: &str) -> ValueView {
    // Most words hold no placeholder: a byte scan says so, where `split` would first build a
    // substring searcher for each of the script's thousands of words.
    if !w.as_bytes().contains(&PLACEHOLDER_FIRST) {
        return ValueView::default().lit(w);
    }
    let mut out = ValueView::default();
    for (i, piece) in w.split(ACCOUNT_PLACEHOLDER).enumerate() {
        if i > 0 {
            out = out.var("account_id");
        }
        out = out.lit(piece);
    }
    out
}

fn step(what: String, check: Option<Vec<String>>, words: Vec<String>) -> Step {
    let view = |ws: Vec<String>| ws.iter().map(|w| shell_word(w)).collect();
    Step { has_check: check.is_some(), check: view(check.unwrap_or_default()), what, words: view(words) }
}

/// Key=...,Value=... shorthand cannot carry every tag value; the JSON form can.
fn tags_json(tags: &[(String, String)]) -> String {
    let list: Vec<serde_json::Value> = tags.iter().map(|(k, v)| serde_json::json!({ "Key": k, "Value": v })).collect();
    serde_json::Value::Array(list).to_string()
}

struct Files {
    out: Vec<OutputFile>,
}

impl Files {
    /// Adds `doc` as `policies/<name>.json` and returns the `file://` argument that reads it.
    fn policy(&mut self, name: &str, doc: &PolicyDocument, env: &dyn Fn(Var) -> String) -> String {
        let mut contents = doc.to_json_pretty(env);
        contents.push('\n');
        let rel = format!("{POLICY_DIR}/{name}.json");
        self.out.push(OutputFile { path: format!("cli/{rel}"), contents });
        format!("file://{rel}")
    }
}

fn profile(account: &str, label: &str) -> (String, String, String) {
    if account.is_empty() {
        return ("profile".into(), "CROSSROLE_PROFILE".into(), "default".into());
    }
    (format!("profile_{account}"), profile_env_var(account), label.to_string())
}

/// The environment variable naming the profile the script uses for `account`.
pub(crate) fn profile_env_var(account: &str) -> String {
    format!("CROSSROLE_PROFILE_{account}")
}

fn account(account: &str, label: &str, title: String, steps: Vec<Step>) -> Account {
    let (profile_var, env_var, default_profile) = profile(account, label);
    Account { account: account.to_string(), title, profile_var, env_var, default_profile, steps }
}

fn hub_steps(files: &mut Files, hub: &Hub, env: &dyn Fn(Var) -> String) -> Vec<Step> {
    let (user, group) = (&hub.user.name, &hub.group.name);
    let mut create_user = words(&["iam", "create-user", "--user-name", user, "--path", &hub.user.path]);
    if !hub.tags.is_empty() {
        create_user.extend(words(&["--tags", &tags_json(&hub.tags)]));
    }
    let mut steps = vec![
        step(format!("user {user}"), Some(words(&["iam", "get-user", "--user-name", user])), create_user),
        step(
            format!("group {group}"),
            Some(words(&["iam", "get-group", "--group-name", group])),
            words(&["iam", "create-group", "--group-name", group, "--path", &hub.group.path]),
        ),
        step(String::new(), None, words(&["iam", "add-user-to-group", "--user-name", user, "--group-name", group])),
    ];
    for p in &hub.inline {
        let file = files.policy(&format!("hub-{}", p.key), &p.doc, env);
        steps.push(step(
            String::new(),
            None,
            words(&[
                "iam",
                "put-group-policy",
                "--group-name",
                group,
                "--policy-name",
                &p.name,
                "--policy-document",
                &file,
            ]),
        ));
    }
    for p in &hub.managed {
        steps.extend(managed_policy(files, p, hub.account.as_str(), env));
        let arn = format!("arn:{PARTITION}:iam::{}:policy/{}", hub.account, p.name);
        steps.push(step(
            String::new(),
            None,
            words(&["iam", "attach-group-policy", "--group-name", group, "--policy-arn", &arn]),
        ));
    }
    for m in &hub.aws_managed {
        let arn = format!("arn:{PARTITION}:iam::aws:policy/{m}");
        steps.push(step(
            String::new(),
            None,
            words(&["iam", "attach-group-policy", "--group-name", group, "--policy-arn", &arn]),
        ));
    }
    steps.extend(extra_steps(files, hub, env));
    steps
}

/// The `groups` shape's further users and groups: created, joined, and given their policies.
fn extra_steps(files: &mut Files, hub: &Hub, env: &dyn Fn(Var) -> String) -> Vec<Step> {
    let mut steps = Vec::new();
    for u in &hub.extra_users {
        let mut create = words(&["iam", "create-user", "--user-name", &u.name, "--path", &u.path]);
        if !hub.tags.is_empty() {
            create.extend(words(&["--tags", &tags_json(&hub.tags)]));
        }
        steps.push(step(format!("user {}", u.name), Some(words(&["iam", "get-user", "--user-name", &u.name])), create));
    }
    for g in &hub.extra_groups {
        let group = &g.group.name;
        let user = g.user.checked_sub(1).and_then(|i| hub.extra_users.get(i)).map_or(&hub.user.name, |u| &u.name);
        steps.push(step(
            format!("group {group}"),
            Some(words(&["iam", "get-group", "--group-name", group])),
            words(&["iam", "create-group", "--group-name", group, "--path", &g.group.path]),
        ));
        steps.push(step(
            String::new(),
            None,
            words(&["iam", "add-user-to-group", "--user-name", user, "--group-name", group]),
        ));
        for p in &g.inline {
            let file = files.policy(&format!("hub-{}", p.key), &p.doc, env);
            let put = [
                "iam",
                "put-group-policy",
                "--group-name",
                group,
                "--policy-name",
                &p.name,
                "--policy-document",
                &file,
            ];
            steps.push(step(String::new(), None, words(&put)));
        }
        for m in &g.aws_managed {
            let arn = format!("arn:{PARTITION}:iam::aws:policy/{m}");
            steps.push(step(
                String::new(),
                None,
                words(&["iam", "attach-group-policy", "--group-name", group, "--policy-arn", &arn]),
            ));
        }
    }
    steps
}

/// A customer managed policy is created once; a later change to its document is not applied by
/// the script (IAM keeps at most five versions), which the report line says.
fn managed_policy(files: &mut Files, p: &NamedPolicy, account: &str, env: &dyn Fn(Var) -> String) -> Vec<Step> {
    let file = files.policy(&format!("hub-{}", p.key), &p.doc, env);
    let arn = format!("arn:{PARTITION}:iam::{account}:policy/{}", p.name);
    let mut create = words(&["iam", "create-policy", "--policy-name", &p.name, "--policy-document", &file]);
    if !p.description.is_empty() {
        create.extend(words(&["--description", &p.description]));
    }
    vec![step(
        format!("managed policy {} (its document is not updated; delete it to re-create)", p.name),
        Some(words(&["iam", "get-policy", "--policy-arn", &arn])),
        create,
    )]
}

fn role_steps(files: &mut Files, role: &Role, file_prefix: &str, env: &dyn Fn(Var) -> String) -> Vec<Step> {
    let trust = files.policy(&format!("{file_prefix}trust"), &role.trust, env);
    let mut create = words(&[
        "iam",
        "create-role",
        "--role-name",
        &role.name,
        "--path",
        &role.path,
        "--description",
        &role.description,
        "--max-session-duration",
        &role.max_session_duration.to_string(),
        "--assume-role-policy-document",
        &trust,
    ]);
    if let Some(b) = &role.boundary {
        create.extend(words(&["--permissions-boundary", &b.resolve(env)]));
    }
    if !role.tags.is_empty() {
        create.extend(words(&["--tags", &tags_json(&role.tags)]));
    }
    let mut steps = vec![
        step(format!("role {}", role.name), Some(words(&["iam", "get-role", "--role-name", &role.name])), create),
        // The trust is put again on a role that exists, so a re-run converges.
        step(
            String::new(),
            None,
            words(&["iam", "update-assume-role-policy", "--role-name", &role.name, "--policy-document", &trust]),
        ),
    ];
    if let Some(p) = &role.inline {
        let file = files.policy(&format!("{file_prefix}{}", p.key), &p.doc, env);
        steps.push(step(
            String::new(),
            None,
            words(&[
                "iam",
                "put-role-policy",
                "--role-name",
                &role.name,
                "--policy-name",
                &p.name,
                "--policy-document",
                &file,
            ]),
        ));
    }
    for m in &role.aws_managed {
        let arn = format!("arn:{PARTITION}:iam::aws:policy/{m}");
        steps.push(step(
            String::new(),
            None,
            words(&["iam", "attach-role-policy", "--role-name", &role.name, "--policy-arn", &arn]),
        ));
    }
    steps
}

fn placeholder(i: u8) -> String {
    format!("CROSSROLE_EXTERNAL_ID_{}", u16::from(i) + 1)
}

/// The script, its view and the policy files.
pub(crate) fn build(model: &Plan) -> (CliView, Vec<OutputFile>) {
    let mut files = Files { out: Vec::new() };
    let mut accounts = Vec::new();
    let mut member_steps = Vec::new();
    let hub_user = model.hub().map(|h| h.user.name.clone()).unwrap_or_default();
    let hub_account = model.hub().map(|h| h.account.to_string()).unwrap_or_default();
    let env_for = |account: String| {
        let hub_user = hub_user.clone();
        let hub_account = hub_account.clone();
        move |v: Var| match v {
            Var::Partition => PARTITION.to_string(),
            Var::Account => account.clone(),
            Var::HubAccount => hub_account.clone(),
            Var::HubUserName => hub_user.clone(),
            // Filled in by the script, which reads the IDs at run time.
            Var::ExternalId(i) => format!("@@{}@@", placeholder(i)),
        }
    };
    if let Some(hub) = model.hub() {
        let title = match model.kind() {
            Setup::SingleAccount => format!("account {}", hub.account),
            _ => format!("hub account {}", hub.account),
        };
        let steps = hub_steps(&mut files, hub, &env_for(hub.account.to_string()));
        accounts.push(account(hub.account.as_str(), hub.account.as_str(), title, steps));
    }
    if let Some(role) = model.role() {
        if model.kind() == Setup::VendorRole {
            // The customer account is the profile's, known only when the script runs.
            let steps = role_steps(&mut files, role, "vendor-role-", &env_for(ACCOUNT_PLACEHOLDER.into()));
            accounts.push(account("", "", "the customer account".into(), steps));
        } else if model.spokes().is_some_and(|h| matches!(h.deploy, DeployPlan::Stacks)) {
            // One set of documents for every member account (the script fills in the account, read
            // from accounts.txt): the output does not grow with the accounts. With a StackSet,
            // CloudFormation creates the member roles and the script does the hub.
            member_steps = role_steps(&mut files, role, "member-", &env_for(ACCOUNT_PLACEHOLDER.into()));
        }
    }
    let named_members = model
        .members()
        .iter()
        .filter_map(|m| m.name.clone().map(|n| NamedMember { account: m.account.to_string(), profile: n }))
        .collect();
    let count = model.vendor().map_or(0, |v| v.external_ids.count());
    let external_ids: Vec<ExternalIdSlot> = (0..count)
        .map(|i| {
            let i = u8::try_from(i).unwrap_or(u8::MAX);
            ExternalIdSlot {
                placeholder: format!("@@{}@@", placeholder(i)),
                line: i64::from(i) + 1,
                env_var: placeholder(i),
            }
        })
        .collect();
    let view = CliView {
        rules: super::view::rules(model),
        preset: model.preset.clone(),
        what: match model.kind() {
            Setup::HubAndSpoke if model.spokes().is_some_and(|h| matches!(h.deploy, DeployPlan::StackSet(_))) => {
                "the hub user and group (a StackSet creates the member roles)".into()
            }
            Setup::HubAndSpoke => "the hub user and group, then the role in every member account".into(),
            Setup::SingleAccount => "the user and group of the account".into(),
            Setup::VendorRole => "the vendor role in the account of the profile".into(),
        },
        accounts,
        has_members: !member_steps.is_empty(),
        member_steps,
        named_members,
        has_named_members: model.members().iter().any(|m| m.name.is_some()),
        member_count: i64::try_from(model.members().len()).unwrap_or(i64::MAX),
        has_external_ids: !external_ids.is_empty(),
        external_ids,
        ids_file_known: model.vendor().is_some_and(|v| v.external_ids.known().is_some()),
        is_vendor: model.kind() == Setup::VendorRole,
        account_placeholder: ACCOUNT_PLACEHOLDER,
    };
    (view, files.out)
}
