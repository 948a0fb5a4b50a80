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
    /// The command `words` are given to: `aws`, or one of the script's functions.
    command: &'static str,
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
    /// The script defines the functions its steps call.
    calls_policy_version: bool,
    calls_prune_group: bool,
    document_tag: &'static str,
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
    Step {
        has_check: check.is_some(),
        check: view(check.unwrap_or_default()),
        what,
        command: "aws",
        words: view(words),
    }
}

/// A call of one of the script's functions (`policy_version`, `prune_group`) with `words`.
fn call(function: &'static str, words: &[&str]) -> Step {
    Step { command: function, ..step(String::new(), None, self::words(words)) }
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

    /// `policy`, with the content hash of the file it wrote (the manifest's: `xxh3:...`).
    fn hashed_policy(&mut self, name: &str, doc: &PolicyDocument, env: &dyn Fn(Var) -> String) -> (String, String) {
        let file = self.policy(name, doc, env);
        let hash = self.out.last().map(|f| crate::output::content_hash(f.contents.as_bytes())).unwrap_or_default();
        (file, hash)
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

/// The hub's user and groups with their policies; `prune`: hub and spoke, whose groups lose the
/// `sts:AssumeRole` policies a later emit no longer places on them.
fn hub_steps(files: &mut Files, hub: &Hub, prune: bool, env: &dyn Fn(Var) -> String) -> Vec<Step> {
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
    if prune {
        // After every group has its new policies, as CloudFormation deletes only once it has
        // created and updated everything.
        let (inline, managed): (Vec<_>, Vec<_>) = (hub.inline.iter().collect(), hub.managed.iter().collect());
        steps.push(prune_step(group, &inline, &managed, group));
        for g in &hub.extra_groups {
            steps.push(prune_step(&g.group.name, &g.inline.iter().collect::<Vec<_>>(), &[], group));
        }
    }
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

/// The tag on a customer managed policy naming the hash of the document its default version
/// holds, so that a re-run makes a new version only when the document changed.
const DOCUMENT_TAG: &str = "crossrole:document";

/// A customer managed policy: created with its document, or given the new document as its
/// default version when it exists with another (`policy_version`).
fn managed_policy(files: &mut Files, p: &NamedPolicy, account: &str, env: &dyn Fn(Var) -> String) -> Vec<Step> {
    let (file, hash) = files.hashed_policy(&format!("hub-{}", p.key), &p.doc, env);
    let arn = format!("arn:{PARTITION}:iam::{account}:policy/{}", p.name);
    let tag = format!("Key={DOCUMENT_TAG},Value={hash}");
    let mut create =
        words(&["iam", "create-policy", "--policy-name", &p.name, "--policy-document", &file, "--tags", &tag]);
    if !p.description.is_empty() {
        create.extend(words(&["--description", &p.description]));
    }
    vec![
        step(format!("managed policy {}", p.name), Some(words(&["iam", "get-policy", "--policy-arn", &arn])), create),
        call("policy_version", &[&arn, &file, &hash, &p.name]),
    ]
}

/// After a group's policies are put and attached: removes the `sts:AssumeRole` policies an
/// earlier emit placed on it that this one no longer does (inline ones named
/// `assume-member-role*`, customer managed ones named `<hub group>-assume-member-roles-*`), as a
/// CloudFormation update removes what the template no longer holds.
fn prune_step(group: &str, inline: &[&NamedPolicy], managed: &[&NamedPolicy], hub_group: &str) -> Step {
    let keep = |ps: &[&NamedPolicy]| ps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(" ");
    let prefix = format!("{hub_group}-assume-member-roles-");
    call("prune_group", &[group, &keep(inline), &prefix, &keep(managed)])
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
        let prune = model.kind() == Setup::HubAndSpoke;
        let steps = hub_steps(&mut files, hub, prune, &env_for(hub.account.to_string()));
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
    let calls = |f: &str| accounts.iter().flat_map(|a| &a.steps).any(|s| s.command == f);
    let (calls_policy_version, calls_prune_group) = (calls("policy_version"), calls("prune_group"));
    let view = CliView {
        calls_policy_version,
        calls_prune_group,
        document_tag: DOCUMENT_TAG,
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
