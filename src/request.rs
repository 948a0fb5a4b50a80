//! The typed request: the command-line flags and the config file merged into one value that
//! remembers, for every field, whether a flag or a key gave it, so a problem names what the user
//! actually wrote (`--trust` or `member_role.trust`, `role.name` or `member_role.name`). Which
//! options each setup takes is one table here, not a list per setup.

use std::collections::BTreeSet;

use clap::ValueEnum;
use serde_yaml::Value;

use crate::aws::ids::{AccountId, YamlText};
use crate::cli::SetupArgs;
use crate::config::{Config, RawAccount, RawConfig};
use crate::keyword::{self, AccessKey, AssumeShape, Deploy, Mode, Setup, TfLayout, Tier, Trust};
use crate::model::problems::Problems;

pub(crate) const DEFAULT_PRESET: &str = "micetro";

/// A value and the flag or config key it came from (or the key it would have, for a default).
#[derive(Clone, Debug)]
pub(crate) struct Given<T> {
    pub(crate) value: T,
    pub(crate) field: String,
}

impl<T> Given<T> {
    fn default_at(value: T, field: impl Into<String>) -> Self {
        Given { value, field: field.into() }
    }
}

/// One member account as written: its id (parsed) and optional name. Its field names are only
/// spelled out for a problem: a list of 10,000 accounts would otherwise format 10,000 of them.
#[derive(Clone, Debug)]
pub(crate) struct AccountEntry {
    pub(crate) id: Result<AccountId, String>,
    pub(crate) name: Option<String>,
    /// Where it was written: the n-th (0-based) of `--accounts` or of `accounts:`.
    pub(crate) index: usize,
    pub(crate) from: EntryFrom,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryFrom {
    Flag,
    /// `--accounts-file`; the entry's index is its line (from 1).
    File,
    /// `accounts: [id, ...]`.
    Id,
    /// `accounts: [{id: ..., name: ...}, ...]`.
    Detailed,
}

impl AccountEntry {
    pub(crate) fn id_field(&self) -> String {
        let i = self.index;
        match self.from {
            EntryFrom::Flag => format!("--accounts[{i}]"),
            EntryFrom::File => format!("--accounts-file line {i}"),
            EntryFrom::Id => format!("accounts[{i}]"),
            EntryFrom::Detailed => format!("accounts[{i}].id"),
        }
    }

    pub(crate) fn name_field(&self) -> String {
        format!("accounts[{}].name", self.index)
    }
}

#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) preset: Given<String>,
    /// `None` when neither the flag nor the config names it: the preset decides.
    pub(crate) setup: Option<Given<Setup>>,
    pub(crate) tier: Given<Tier>,
    pub(crate) mode: Given<Mode>,
    pub(crate) trust: Given<Trust>,
    pub(crate) assume_policy: Given<AssumeShape>,
    pub(crate) access_key: Given<AccessKey>,
    pub(crate) deploy: Given<Deploy>,
    pub(crate) tf_layout: Given<TfLayout>,
    pub(crate) hub_account: Option<Given<Result<AccountId, String>>>,
    /// `--accounts` replaces the config's list as a whole.
    pub(crate) accounts: Vec<AccountEntry>,
    pub(crate) role_name: Option<Given<String>>,
    pub(crate) vendor_account: Option<Given<Result<AccountId, String>>>,
    /// `organization.management_account` (config only).
    pub(crate) management_account: Option<Given<Result<AccountId, String>>>,
    /// The ExternalIds as given, `generate` and `none` included.
    pub(crate) external_ids: Option<Given<Vec<String>>>,
    /// The ID that stands for `generate`, made now or in an earlier run: resolving it is I/O, which
    /// the command does before the model is built.
    pub(crate) generated_external_id: Option<String>,
    pub(crate) template_url: Option<Given<String>>,
    /// What the last run emitted into the output directory (`model::state`), read by the command.
    pub(crate) previous: Option<crate::model::state::State>,
    /// `--applied`: the last output is deployed (retired providers go, a two-step change goes on).
    pub(crate) applied: bool,
    /// The role section's key as written: `role` or `member_role` (the default).
    pub(crate) role_key: &'static str,
    /// Everything else, as the config file wrote it.
    pub(crate) raw: RawConfig,
    /// Every key path the config file has (`hub`, `hub.user`, `hub.user.name`, ...).
    keys: BTreeSet<String>,
    /// Every flag given (`--trust`).
    flags: BTreeSet<&'static str>,
}

fn flag_or_key<T: Clone>(flag: (&'static str, Option<&T>), key: (String, Option<&T>)) -> Option<Given<T>> {
    match (flag, key) {
        ((f, Some(v)), _) => Some(Given { value: v.clone(), field: f.to_string() }),
        (_, (k, Some(v))) => Some(Given { value: v.clone(), field: k }),
        _ => None,
    }
}

/// A keyword from its flag (which wins) or key; a wrong value is recorded and the default used,
/// so the rest of the request is still checked.
fn keyword<K: ValueEnum + Copy + Default>(
    p: &mut Problems,
    flag: (&'static str, Option<&String>),
    key: (String, Option<&String>),
) -> Given<K> {
    let default_field = key.0.clone();
    match flag_or_key(flag, key) {
        Some(g) => {
            let value = p.check(&g.field, keyword::parse::<K>(&g.value)).unwrap_or_default();
            Given { value, field: g.field }
        }
        None => Given::default_at(K::default(), default_field),
    }
}

impl Request {
    /// Merges flags and config, checking every keyword; all problems are returned together.
    /// `accounts_file`: the text `--accounts-file` names, read by the command.
    pub(crate) fn new(args: &SetupArgs, config: Config, accounts_file: Option<&str>) -> (Request, Problems) {
        let mut p = Problems::default();
        let role_key = config.role_key();
        let Config { raw, keys, text } = config;
        let flags = given_flags(args);
        let setup = flag_or_key(("--setup", args.setup.as_ref()), ("setup".into(), raw.setup.as_ref())).and_then(|g| {
            p.check(&g.field, keyword::parse::<Setup>(&g.value)).map(|s| Given { value: s, field: g.field })
        });
        let tier = keyword(&mut p, ("--tier", args.tier.as_ref()), ("tier".into(), raw.tier.as_ref()));
        let mode = keyword(&mut p, ("--mode", args.mode.as_ref()), ("mode".into(), raw.mode.as_ref()));
        let trust = keyword(
            &mut p,
            ("--trust", args.trust.as_ref()),
            (format!("{role_key}.trust"), raw.member_role.trust.as_ref()),
        );
        let assume_policy = keyword(
            &mut p,
            ("--assume-policy", args.assume_policy.as_ref()),
            ("hub.assume_policy".into(), raw.hub.assume_policy.as_ref()),
        );
        let access_key = keyword(
            &mut p,
            ("--access-key", args.access_key.as_ref()),
            ("hub.access_key".into(), raw.hub.access_key.as_ref()),
        );
        let deploy = keyword(&mut p, ("--deploy", args.deploy.as_ref()), ("deploy".into(), raw.deploy.as_ref()));
        let tf_layout = keyword(
            &mut p,
            ("--tf-layout", args.tf_layout.as_ref()),
            ("terraform.layout".into(), raw.terraform.layout.as_ref()),
        );
        let preset = flag_or_key(("--preset", args.preset.as_ref()), ("preset".into(), raw.preset.as_ref()))
            .unwrap_or_else(|| Given::default_at(DEFAULT_PRESET.to_string(), "preset"));
        // One index of the config text for every account id read from it.
        let yaml = YamlText::new(&text);
        let hub_account =
            account(("--hub-account", args.hub_account.as_deref()), ("hub.account", raw.hub.account.as_ref()), &yaml);
        let vendor_account = account(
            ("--vendor-account", args.vendor_account.as_deref()),
            ("vendor.account", raw.vendor.account.as_ref()),
            &yaml,
        );
        let management_account = raw
            .organization
            .management_account
            .as_ref()
            .map(|v| Given { value: AccountId::from_yaml(v, &yaml), field: "organization.management_account".into() });
        let accounts = match accounts_file {
            Some(text) => file_accounts(text),
            None => accounts(args, &raw, &yaml),
        };
        let request = Request {
            preset,
            setup,
            tier,
            mode,
            trust,
            assume_policy,
            access_key,
            deploy,
            tf_layout,
            hub_account,
            accounts,
            role_name: flag_or_key(
                ("--role-name", args.role_name.as_ref()),
                (format!("{role_key}.name"), raw.member_role.name.as_ref()),
            ),
            vendor_account,
            management_account,
            external_ids: flag_or_key(
                ("--external-id", args.external_ids.as_ref()),
                (
                    "vendor.external_id".into(),
                    raw.vendor.external_id.as_ref().map(super::config::RawExternalId::values).as_ref(),
                ),
            ),
            generated_external_id: None,
            previous: None,
            applied: false,
            template_url: flag_or_key(
                ("--template-url", args.template_url.as_ref()),
                ("vendor.template_url".into(), raw.vendor.template_url.as_ref()),
            ),
            role_key,
            raw,
            keys,
            flags,
        };
        (request, p)
    }

    /// A field of the role section, named as the config wrote the section.
    pub(crate) fn role_field(&self, name: &str) -> String {
        format!("{}.{name}", self.role_key)
    }

    /// Whether the config has this key path, or anything under it.
    pub(crate) fn has_key(&self, path: &str) -> bool {
        self.keys.contains(path)
    }

    /// Records every given option that `setup` does not have. The options and the setups that take
    /// them are the table `OPTIONS`; a section (`hub:`) that does not apply is named once, not key
    /// by key.
    pub(crate) fn refuse_foreign(&self, setup: Setup, p: &mut Problems) {
        for opt in OPTIONS {
            if opt.setups.contains(&setup) {
                continue;
            }
            let key = opt.key.map(|k| k.replace("{role}", self.role_key));
            let key_given = key.as_deref().is_some_and(|k| {
                self.has_key(k) && !self.refused_above(k, setup) && !(k == "accounts" && self.raw.accounts.is_empty())
            });
            let why = refusal(setup, opt);
            if let Some(k) = key.filter(|_| key_given) {
                p.push(k, why);
            }
            if let Some(f) = opt.flag.filter(|f| self.flags.contains(f)) {
                p.push(f, why);
            }
        }
    }

    /// A section above `key` is refused as a whole already.
    fn refused_above(&self, key: &str, setup: Setup) -> bool {
        OPTIONS.iter().any(|o| {
            o.key.is_some_and(|k| {
                let k = k.replace("{role}", self.role_key);
                key.starts_with(&format!("{k}.")) && !o.setups.contains(&setup)
            })
        })
    }
}

/// An option of one or more setups: its config key (`{role}` is the role section as written) and
/// its flag.
struct OptionSpec {
    key: Option<&'static str>,
    flag: Option<&'static str>,
    setups: &'static [Setup],
}

const HUB_SETUPS: &[Setup] = &[Setup::HubAndSpoke, Setup::SingleAccount];
const ROLE_SETUPS: &[Setup] = &[Setup::HubAndSpoke, Setup::VendorRole];
const SPOKES: &[Setup] = &[Setup::HubAndSpoke];
const VENDOR: &[Setup] = &[Setup::VendorRole];

/// Every option a setup may lack, in the order problems are reported.
const OPTIONS: &[OptionSpec] = &[
    OptionSpec { key: Some("vendor"), flag: None, setups: VENDOR },
    OptionSpec { key: Some("hub"), flag: None, setups: HUB_SETUPS },
    OptionSpec { key: Some("accounts"), flag: None, setups: SPOKES },
    OptionSpec { key: Some("{role}"), flag: None, setups: ROLE_SETUPS },
    OptionSpec { key: Some("{role}.trust"), flag: None, setups: SPOKES },
    OptionSpec { key: None, flag: Some("--hub-account"), setups: HUB_SETUPS },
    OptionSpec { key: None, flag: Some("--accounts"), setups: SPOKES },
    OptionSpec { key: None, flag: Some("--role-name"), setups: ROLE_SETUPS },
    OptionSpec { key: None, flag: Some("--trust"), setups: SPOKES },
    OptionSpec { key: Some("hub.assume_policy"), flag: Some("--assume-policy"), setups: SPOKES },
    OptionSpec { key: None, flag: Some("--access-key"), setups: HUB_SETUPS },
    OptionSpec { key: Some("deploy"), flag: Some("--deploy"), setups: SPOKES },
    OptionSpec { key: Some("organization"), flag: None, setups: SPOKES },
    OptionSpec { key: Some("stackset"), flag: None, setups: SPOKES },
    OptionSpec { key: Some("terraform"), flag: Some("--tf-layout"), setups: SPOKES },
    OptionSpec { key: None, flag: Some("--vendor-account"), setups: VENDOR },
    OptionSpec { key: None, flag: Some("--external-id"), setups: VENDOR },
    OptionSpec { key: None, flag: Some("--template-url"), setups: VENDOR },
];

/// Why an option is refused: it belongs to a vendor role, or the chosen setup has no such thing.
fn refusal(setup: Setup, opt: &OptionSpec) -> &'static str {
    if opt.setups == VENDOR {
        return "only a vendor-role setup has a vendor; remove it or use setup vendor-role";
    }
    match setup {
        Setup::VendorRole if opt.key == Some("{role}.trust") => {
            "a vendor role always trusts the vendor's account; remove it"
        }
        Setup::VendorRole => {
            "a vendor-role setup has no hub, user or member accounts; remove it or choose another setup"
        }
        Setup::SingleAccount | Setup::HubAndSpoke => {
            "a single-account setup has no member accounts or roles; remove it or use setup: hub-and-spoke"
        }
    }
}

fn given_flags(args: &SetupArgs) -> BTreeSet<&'static str> {
    [
        ("--hub-account", args.hub_account.is_some()),
        ("--accounts", args.accounts.is_some() || args.accounts_file.is_some()),
        ("--role-name", args.role_name.is_some()),
        ("--trust", args.trust.is_some()),
        ("--assume-policy", args.assume_policy.is_some()),
        ("--access-key", args.access_key.is_some()),
        ("--deploy", args.deploy.is_some()),
        ("--tf-layout", args.tf_layout.is_some()),
        ("--vendor-account", args.vendor_account.is_some()),
        ("--external-id", args.external_ids.is_some()),
        ("--template-url", args.template_url.is_some()),
    ]
    .into_iter()
    .filter_map(|(f, given)| given.then_some(f))
    .collect()
}

fn account(
    flag: (&'static str, Option<&str>),
    key: (&'static str, Option<&Value>),
    text: &YamlText<'_>,
) -> Option<Given<Result<AccountId, String>>> {
    match (flag, key) {
        ((f, Some(s)), _) => Some(Given { value: AccountId::parse(s), field: f.into() }),
        (_, (k, Some(v))) => Some(Given { value: AccountId::from_yaml(v, text), field: k.into() }),
        _ => None,
    }
}

/// The ids of an `--accounts-file` (which replaces the config's list, as `--accounts` does), each
/// with its line: commas and white space separate them, `#` starts a comment.
fn file_accounts(text: &str) -> Vec<AccountEntry> {
    let mut entries = Vec::with_capacity(text.len() / 13 + 1);
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default();
        let ids = line.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty());
        entries.extend(ids.map(|s| AccountEntry {
            id: AccountId::parse(s),
            name: None,
            index: n + 1,
            from: EntryFrom::File,
        }));
    }
    entries
}

/// The member accounts from `--accounts` (which replaces the config's list) or `accounts:`.
fn accounts(args: &SetupArgs, raw: &RawConfig, text: &YamlText<'_>) -> Vec<AccountEntry> {
    if let Some(list) = &args.accounts {
        // Sized up front: 10,000 ids would otherwise be moved a dozen times as the list grows.
        let ids = || list.iter().flat_map(|l| crate::split::on(l, b','));
        let mut entries = Vec::with_capacity(ids().count());
        entries.extend(ids().enumerate().map(|(index, s)| AccountEntry {
            id: AccountId::parse(s.trim()),
            name: None,
            index,
            from: EntryFrom::Flag,
        }));
        return entries;
    }
    raw.accounts
        .iter()
        .enumerate()
        .map(|(index, a)| match a {
            RawAccount::Id(v) => {
                AccountEntry { id: AccountId::from_yaml(v, text), name: None, index, from: EntryFrom::Id }
            }
            RawAccount::Detailed(d) => AccountEntry {
                id: AccountId::from_yaml(&d.id, text),
                name: d.name.clone(),
                index,
                from: EntryFrom::Detailed,
            },
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod testing {
    use clap::Parser as _;

    use super::*;
    use crate::cli::{Cli, Command};

    /// A request from a config text and `emit` flags, as the command line would give them.
    pub(crate) fn request(yaml: &str, flags: &[&str]) -> (Request, Problems) {
        request_from(Config::parse(yaml).expect("valid config"), flags)
    }

    pub(crate) fn request_from(config: Config, flags: &[&str]) -> (Request, Problems) {
        let argv = ["crossrole", "emit"].into_iter().chain(flags.iter().copied());
        let Command::Emit(args) = Cli::try_parse_from(argv).expect("valid flags").command else {
            panic!("not an emit command")
        };
        Request::new(&args.setup, config, None)
    }
}
