//! The bad-input matrix: every row is a config (plus flags and a prepared output directory) that
//! crossrole must refuse. Each row asserts the exit code, the exact stderr (one line per problem,
//! naming field, value and rule) and that the working directory, output included, is unchanged
//! (a hash of every file's path and bytes before and after).
//!
//! `MATRIX_PRINT=1 cargo test matrix -- --nocapture` prints what each row produces.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::*;

/// The row's file is a catalog, given with `--catalog`; the setup has no config file (an empty
/// one), since the config is read before the catalog.
const CATALOG_ONLY: &[&str] = &["--catalog", "config.yaml", "--config", "/dev/null"];

#[derive(Clone, Copy)]
enum OutDir {
    /// No output directory yet.
    Absent,
    /// The user's own file where crossrole would write (`out/DEPLOY.md`), beside notes of theirs
    /// that crossrole leaves alone.
    WithForeignFile,
    /// An earlier crossrole run, then a generated file edited by hand.
    WithEditedFile,
    /// `out` is a regular file.
    IsAFile,
}

struct Row {
    name: &'static str,
    config: &'static str,
    args: &'static [&'static str],
    out: OutDir,
    /// Run under a file-size limit, so writing fails part-way (`ulimit -f`, SIGXFSZ ignored).
    fs_limit: bool,
    stderr: &'static str,
}

fn row(name: &'static str, config: &'static str, stderr: &'static str) -> Row {
    Row { name, config, args: &[], out: OutDir::Absent, fs_limit: false, stderr }
}

/// A catalog (given as `--catalog config.yaml`, so it fails before any config is read) with one
/// permission set `mine` holding these statements (a YAML flow sequence's items).
macro_rules! one_set_catalog {
    ($statements:literal) => {
        concat!(
            "version: 1\nsources: []\npresets: []\npermission_sets:\n",
            "  - {name: mine, title: t, description: d, scope: account, sources: [], statements: [",
            $statements,
            "]}\n"
        )
    };
}

#[allow(clippy::too_many_lines)] // a data table: one row per bad input
fn rows() -> Vec<Row> {
    vec![
        // Account ids.
        row(
            "short account id",
            "hub: {account: \"999999999999\"}\naccounts: [\"1111\"]\n",
            "error: accounts[0]: \"1111\" is not a 12-digit AWS account id\n",
        ),
        row(
            "long account id",
            "hub: {account: \"999999999999\"}\naccounts: [\"1111111111111\"]\n",
            "error: accounts[0]: \"1111111111111\" is not a 12-digit AWS account id\n",
        ),
        row(
            "letters in account id",
            "hub: {account: \"999999999999\"}\naccounts: [\"11111111111a\"]\n",
            "error: accounts[0]: \"11111111111a\" is not a 12-digit AWS account id\n",
        ),
        row(
            "account id as a YAML number",
            "hub: {account: \"999999999999\"}\naccounts: [111111111111]\n",
            "error: accounts[0]: 111111111111 is a YAML number, not a string: quote account ids (\"111111111111\"), since a number loses leading zeros\n",
        ),
        row(
            "unquoted account id with a leading zero",
            "hub: {account: \"999999999999\"}\naccounts: [033333333333]\n",
            "error: accounts[0]: 033333333333 is not quoted: YAML 1.1 readers (PyYAML, many CI tools) take a number with a leading zero for octal; quote account ids (\"033333333333\")\n",
        ),
        row(
            "account id written as a hexadecimal number",
            "hub: {account: 0x1234}\naccounts: [\"111111111111\"]\n",
            "error: hub.account: a YAML number (written in hex, octal, with an exponent or with `_`; it reads as 4660), not a string: quote account ids as their 12 digits\n",
        ),
        row(
            "leading zero lost in a YAML number",
            "hub: {account: \"999999999999\"}\naccounts: [11111111111]\n",
            "error: accounts[0]: 11111111111 is a YAML number, not a string: quote account ids (\"011111111111\"), since a number loses leading zeros\n",
        ),
        row(
            "hub account as a YAML number",
            "hub: {account: 999999999999}\naccounts: [\"111111111111\"]\n",
            "error: hub.account: 999999999999 is a YAML number, not a string: quote account ids (\"999999999999\"), since a number loses leading zeros\n",
        ),
        row(
            "duplicate accounts",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\", \"222222222222\", \"111111111111\"]\n",
            "error: accounts[2]: \"111111111111\" is listed twice (first at accounts[0]); each member account once\n",
        ),
        row(
            "hub among the members",
            "hub: {account: \"999999999999\"}\naccounts: [\"999999999999\"]\n",
            "error: accounts[0]: \"999999999999\" is the hub account; the hub cannot also be a member\n",
        ),
        Row {
            args: &["--hub-account", "12"],
            ..row(
                "bad hub account flag",
                "accounts: [\"111111111111\"]\n",
                "error: --hub-account: \"12\" is not a 12-digit AWS account id\n",
            )
        },
        row(
            "missing hub account",
            "accounts: [\"111111111111\"]\n",
            "error: hub.account: missing: give the hub account id with --hub-account or hub.account\n",
        ),
        row(
            "no member accounts",
            "hub: {account: \"999999999999\"}\n",
            "error: accounts: no member accounts given: list them with --accounts, --accounts-file or accounts:\n",
        ),
        row(
            "account entry without id",
            "hub: {account: \"999999999999\"}\naccounts: [{name: prod}]\n",
            "error: accounts[0]: a mapping is not a 12-digit AWS account id\n",
        ),
        row(
            "account name with a space",
            "hub: {account: \"999999999999\"}\naccounts: [{id: \"111111111111\", name: \"my prod\"}]\n",
            "error: accounts[0].name: \"my prod\" contains ' '; allowed are letters, digits and _+=,.@-\n",
        ),
        row(
            "account names equal ignoring case",
            "hub: {account: \"999999999999\"}\naccounts: [{id: \"111111111111\", name: Prod}, {id: \"222222222222\", name: prod}]\n",
            "error: accounts[1].name: \"prod\" is already used by accounts[0].name (names compare case-insensitively)\n",
        ),
        // Names.
        row(
            "user name too long",
            "hub: {account: \"999999999999\", user: {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}}\naccounts: [\"111111111111\"]\n",
            "error: hub.user.name: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" must be 1 to 64 characters long (it has 65)\n",
        ),
        row(
            "user name with a slash",
            "hub: {account: \"999999999999\", user: {name: a/b}}\naccounts: [\"111111111111\"]\n",
            "error: hub.user.name: \"a/b\" contains '/'; allowed are letters, digits and _+=,.@-\n",
        ),
        row(
            "empty group name",
            "hub: {account: \"999999999999\", group: {name: \"\"}}\naccounts: [\"111111111111\"]\n",
            "error: hub.group.name: \"\" must be 1 to 128 characters long (it has 0)\n",
        ),
        row(
            "role name with unicode",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {name: rôle}\n",
            "error: member_role.name: \"rôle\" contains 'ô'; allowed are letters, digits and _+=,.@-\n",
        ),
        Row {
            args: &["--role-name", "a b"],
            ..row(
                "bad role name flag",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
                "error: --role-name: \"a b\" contains ' '; allowed are letters, digits and _+=,.@-\n",
            )
        },
        // Paths.
        row(
            "path without slashes",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {path: integrations}\n",
            "error: member_role.path: \"integrations\" is not an IAM path: it must be \"/\" or start and end with \"/\" (e.g. \"/integrations/\"), printable ASCII without spaces\n",
        ),
        row(
            "path with a space",
            "hub: {account: \"999999999999\", user: {path: \"/a b/\"}}\naccounts: [\"111111111111\"]\n",
            "error: hub.user.path: \"/a b/\" is not an IAM path: it must be \"/\" or start and end with \"/\" (e.g. \"/integrations/\"), printable ASCII without spaces\n",
        ),
        row(
            "path with an empty segment",
            "hub: {account: \"999999999999\", group: {path: \"/a//b/\"}}\naccounts: [\"111111111111\"]\n",
            "error: hub.group.path: \"/a//b/\" is not an IAM path: it must be \"/\" or start and end with \"/\" (e.g. \"/integrations/\"), printable ASCII without spaces\n",
        ),
        row(
            "reserved path",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {path: /aws-service-role/x/}\n",
            "error: member_role.path: \"/aws-service-role/x/\" is under the path \"/aws-service-role/\", which AWS reserves for its own roles\n",
        ),
        // Session duration.
        row(
            "session too short",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {max_session_duration: 3599}\n",
            "error: member_role.max_session_duration: 3599 is outside 3600..43200 seconds (1 to 12 hours)\n",
        ),
        row(
            "session too long",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {max_session_duration: 43201}\n",
            "error: member_role.max_session_duration: 43201 is outside 3600..43200 seconds (1 to 12 hours)\n",
        ),
        row(
            "session as text",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {max_session_duration: 1h}\n",
            "error: parsing config config.yaml: member_role.max_session_duration: invalid type: string \"1h\", expected i64 at line 3 column 37\n",
        ),
        // Descriptions, tags, boundary.
        row(
            "description outside Latin-1",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {description: \"DNS ✓\"}\n",
            "error: member_role.description: \"DNS ✓\" contains '✓'; IAM descriptions allow printable Latin-1 characters, tab and newline\n",
        ),
        row(
            "reserved tag prefix",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\ntags: {\"aws:team\": x}\n",
            "error: tags: tag key \"aws:team\" uses the reserved prefix \"aws:\"\n",
        ),
        row(
            "tag keys equal ignoring case",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {tags: {Team: a, TEAM: b}}\n",
            "error: member_role.tags: tag keys \"TEAM\" and \"Team\" differ only in case; IAM treats them as the same key\n",
        ),
        row(
            "tag value with a bad character",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\ntags: {team: \"a;b\"}\n",
            "error: tags: value of tag \"team\" contains ';'; allowed are letters, digits, spaces and _.:/=+-@\n",
        ),
        row(
            "permissions boundary that is not a policy ARN",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {permissions_boundary: \"arn:aws:iam::123:role/x\"}\n",
            "error: member_role.permissions_boundary: \"arn:aws:iam::123:role/x\" is not a managed policy ARN (arn:<partition>:iam::<account or aws>:policy/<name>)\n",
        ),
        // Permission sets and options.
        row(
            "unknown permission set",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {permission_sets: [micetro-dnz]}\n",
            "error: member_role.permission_sets[0]: \"micetro-dnz\" is not a permission set of the catalog (did you mean \"micetro-dns\"?); `crossrole catalog` lists them\n",
        ),
        row(
            "unknown permission set, nothing close",
            "hub: {account: \"999999999999\", permission_sets: [s3-everything]}\naccounts: [\"111111111111\"]\n",
            "error: hub.permission_sets[0]: \"s3-everything\" is not a permission set of the catalog; `crossrole catalog` lists them\n",
        ),
        row(
            "permission set listed twice",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {permission_sets: [micetro-dns, micetro-dns]}\n",
            "error: member_role.permission_sets[1]: \"micetro-dns\" is listed twice\n",
        ),
        row(
            "managed mode without a managed alternative",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {permission_sets: [microtica-eks]}\nmode: managed\n",
            "error: member_role.permission_sets: \"microtica-eks\" has no managed-policy alternative in the catalog; use mode inline\n",
        ),
        row(
            "single account with member accounts",
            "setup: single-account\nhub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
            "error: accounts: a single-account setup has no member accounts or roles; remove it or use setup: hub-and-spoke\n",
        ),
        row(
            "single account with a member role",
            "setup: single-account\nhub: {account: \"999999999999\"}\nmember_role: {name: x}\n",
            "error: member_role: a single-account setup has no member accounts or roles; remove it or use setup: hub-and-spoke\n",
        ),
        row(
            "unknown setup",
            "setup: hub-spoke\nhub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
            "error: setup: \"hub-spoke\" is not one of hub-and-spoke, single-account, vendor-role (did you mean \"hub-and-spoke\"?)\n",
        ),
        row(
            "unknown tier",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\ntier: all\n",
            "error: tier: \"all\" is not one of required, recommended\n",
        ),
        row(
            "unknown mode",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmode: managd\n",
            "error: mode: \"managd\" is not one of inline, managed (did you mean \"managed\"?)\n",
        ),
        row(
            "unknown trust",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {trust: root}\n",
            "error: member_role.trust: \"root\" is not one of principal-arn, user, account\n",
        ),
        // Vendor roles.
        row(
            "ExternalId with a space",
            "preset: microtica\nvendor: {external_id: \"abc def\"}\n",
            "error: vendor.external_id[0]: character ' ' at position 4 is not allowed; an ExternalId is 2 to 1,224 characters of A-Z a-z 0-9 and _ + = , . @ : / -\n",
        ),
        row(
            "ExternalId too short",
            "preset: microtica\nvendor: {external_id: \"a\"}\n",
            "error: vendor.external_id[0]: 1 character; an ExternalId is 2 to 1,224 characters of A-Z a-z 0-9 and _ + = , . @ : / -\n",
        ),
        Row {
            args: &["--external-id", "ok-id", "--external-id", "bad!id"],
            ..row(
                "bad ExternalId flag",
                "preset: microtica\n",
                "error: --external-id[1]: character '!' at position 4 is not allowed; an ExternalId is 2 to 1,224 characters of A-Z a-z 0-9 and _ + = , . @ : / -\n",
            )
        },
        row(
            "ExternalId generate in a list",
            "preset: microtica\nvendor: {external_id: [generate, abc123]}\n",
            "error: vendor.external_id[0]: \"generate\" stands alone; it cannot be combined with other ExternalIds\n",
        ),
        row(
            "ExternalId listed twice",
            "preset: microtica\nvendor: {external_id: [abc123, abc123]}\n",
            "error: vendor.external_id[1]: the same ExternalId as vendor.external_id[0]\n",
        ),
        row(
            "too many ExternalIds",
            "preset: microtica\nvendor: {external_id: [a1, a2, a3, a4, a5, a6]}\n",
            "error: vendor.external_id: 6 ExternalIds; at most 5 (a rotation window: the new ID and the ones being retired)\n",
        ),
        row(
            "empty ExternalId list",
            "preset: microtica\nvendor: {external_id: []}\n",
            "error: vendor.external_id: an empty list; give one ExternalId, several for a rotation window, \"generate\" or \"none\"\n",
        ),
        row(
            "missing vendor account",
            "preset: zeet\n",
            "error: vendor.account: missing: the preset \"zeet\" does not know Zeet's AWS account; give it with --vendor-account or vendor.account\n",
        ),
        row(
            "bad vendor account",
            "preset: zeet\nvendor: {account: \"65222271448\"}\n",
            "error: vendor.account: \"65222271448\" is not a 12-digit AWS account id\n",
        ),
        Row {
            args: &["--vendor-account", "x"],
            ..row(
                "bad vendor account flag",
                "preset: zeet\n",
                "error: --vendor-account: \"x\" is not a 12-digit AWS account id\n",
            )
        },
        row(
            "unknown vendor preset",
            "setup: vendor-role\npreset: microtca\n",
            "error: preset: \"microtca\" is not a preset of the catalog (did you mean \"microtica\"?)\n",
        ),
        row(
            "vendor role with a hub preset",
            "setup: vendor-role\npreset: micetro\nvendor: {account: \"123456789012\"}\n",
            "error: preset: \"micetro\" has no vendor; a vendor-role setup takes one of microtica, zeet, vendor (`vendor` for any vendor, with the sets named)\n",
        ),
        row(
            "vendor preset as hub and spoke",
            "setup: hub-and-spoke\npreset: microtica\nhub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
            "error: preset: \"microtica\" describes Microtica's cross-account role: use setup vendor-role\n",
        ),
        row(
            "vendor role with a hub",
            "preset: microtica\nhub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
            "error: hub: a vendor-role setup has no hub, user or member accounts; remove it or choose another setup\nerror: accounts: a vendor-role setup has no hub, user or member accounts; remove it or choose another setup\n",
        ),
        row(
            "vendor options in hub and spoke",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nvendor: {external_id: abc123}\n",
            "error: vendor: only a vendor-role setup has a vendor; remove it or use setup vendor-role\n",
        ),
        row(
            "generic vendor without sets",
            "preset: vendor\nvendor: {account: \"123456789012\"}\n",
            "error: member_role.permission_sets: the preset \"vendor\" has no default permission sets: name them (`crossrole catalog` lists them)\n",
        ),
        row(
            "vendor role with a hub-only set",
            "preset: microtica\nrole: {permission_sets: [micetro-identity]}\n",
            "error: role.permission_sets[0]: \"micetro-identity\" reads the hub user's own identity: it belongs in the hub.permission_sets of a hub-and-spoke or single-account setup\n",
        ),
        row(
            "bad organization id",
            "preset: microtica\nvendor: {principal_org_id: o-ABC}\n",
            "error: vendor.principal_org_id: \"o-ABC\" is not an AWS Organizations id (o- and 10 to 32 lower-case letters or digits)\n",
        ),
        row(
            "template URL not https",
            "preset: microtica\nvendor: {template_url: \"http://bucket/x.yaml\"}\n",
            "error: vendor.template_url: \"http://bucket/x.yaml\" must be an https:// URL of the uploaded template (an S3 object URL)\n",
        ),
        Row {
            args: &["--external-id", "generate", "--stdout", "--only", "external-ids.txt"],
            ..row(
                "generate with --stdout and no earlier id",
                "preset: microtica\n",
                "error: --external-id: generate: out/external-ids.txt holds no ExternalId yet; run once without --stdout so the new one is kept\n",
            )
        },
        row(
            "unknown access key option",
            "hub: {account: \"999999999999\", access_key: vault}\naccounts: [\"111111111111\"]\n",
            "error: hub.access_key: \"vault\" is not one of none, secrets-manager\n",
        ),
        Row {
            args: &["--access-key", "secrets-manager"],
            ..row(
                "access key for a vendor role",
                "preset: microtica\n",
                "error: --access-key: a vendor-role setup has no hub, user or member accounts; remove it or choose another setup\n",
            )
        },
        row(
            "ExternalId generate in a hub setup",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nvendor: {external_id: generate}\n",
            "error: vendor: only a vendor-role setup has a vendor; remove it or use setup vendor-role\n",
        ),
        row(
            "unknown preset",
            "preset: micetr\nhub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
            "error: preset: \"micetr\" is not a preset of the catalog (did you mean \"micetro\"?)\n",
        ),
        // The config file itself.
        row(
            "unknown top-level key",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nregion: us-east-1\n",
            "error: parsing config config.yaml: unknown field `region`, expected one of `setup`, `preset`, `catalog_files`, `hub`, `accounts`, `member_role`, `role`, `vendor`, `tags`, `tier`, `mode`, `deploy`, `organization`, `stackset`, `terraform` at line 3 column 1\n",
        ),
        row(
            "unknown nested key",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role: {nmae: x}\n",
            "error: parsing config config.yaml: member_role: unknown field `nmae`, expected one of `name`, `path`, `description`, `max_session_duration`, `permissions_boundary`, `tags`, `trust`, `permission_sets`, `statements` at line 3 column 15\n",
        ),
        row(
            "three unknown keys, all in one run",
            "hub: {acount: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role:\n  nmae: x\nteir: required\n",
            "error: parsing config config.yaml: hub: unknown field `acount`, expected one of `account`, `user`, `group`, `permission_sets`, `statements`, `assume_policy`, `manage_own_account`, `access_key` at line 1 column 7\n\
                 error: parsing config config.yaml: member_role: unknown field `nmae`, expected one of `name`, `path`, `description`, `max_session_duration`, `permissions_boundary`, `tags`, `trust`, `permission_sets`, `statements` at line 4\n\
                 error: parsing config config.yaml: unknown field `teir`, expected one of `setup`, `preset`, `catalog_files`, `hub`, `accounts`, `member_role`, `role`, `vendor`, `tags`, `tier`, `mode`, `deploy`, `organization`, `stackset`, `terraform` at line 5\n",
        ),
        row(
            "malformed YAML",
            "hub:\n  account: \"999999999999\n",
            "error: parsing config config.yaml: found unexpected end of stream at line 3 column 1, while scanning a quoted scalar at line 2 column 12\n",
        ),
        Row {
            args: &["--config", "missing.yaml"],
            ..row(
                "missing config file",
                "",
                "error: reading config missing.yaml: No such file or directory (os error 2)\n",
            )
        },
        Row {
            args: &["--catalog", "config.yaml"],
            ..row(
                "catalog that is not a catalog",
                "hub: {}\n",
                "error: parsing catalog config.yaml: unknown field `hub`, expected one of `version`, `sources`, `presets`, `permission_sets`\n",
            )
        },
        // Quotas that cannot be met.
        Row {
            args: &["--assume-policy", "per-account", "--accounts", ACCOUNTS_60],
            ..row(
                "forced shape that does not fit",
                HUB_ONLY,
                "error: --assume-policy: the chosen shape does not fit: per-account: 10980 characters for 60 accounts, but only 4489 of the group's 5120 inline characters are left\n",
            )
        },
        // Output directory.
        Row {
            out: OutDir::WithForeignFile,
            ..row(
                "a file of the user's where crossrole would write",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
                "error: --out: out holds files crossrole would have to overwrite or remove: DEPLOY.md (not written by crossrole); choose another --out, move them away, or pass --force\n",
            )
        },
        Row {
            out: OutDir::WithEditedFile,
            ..row(
                "generated file edited by hand",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
                "error: --out: out holds files crossrole would have to overwrite or remove: cloudformation/hub.yaml (edited since crossrole wrote it); choose another --out, move them away, or pass --force\n",
            )
        },
        Row {
            out: OutDir::IsAFile,
            ..row(
                "output path is a file",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
                "error: --out: out exists and is not a directory\n",
            )
        },
        Row {
            args: &["--out", "/proc/crossrole-cannot-create-this"],
            ..row(
                "output directory that cannot be created",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
                "error: creating directory /proc/crossrole-cannot-create-this: No such file or directory (os error 2)\n",
            )
        },
        Row {
            out: OutDir::WithForeignFile,
            args: &["--force"],
            fs_limit: true,
            ..row(
                "write failing part-way (file size limit)",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\", \"222222222222\"]\n",
                "error: writing out/DEPLOY.md: File too large (os error 27)\n",
            )
        },
        Row {
            args: &["--stdout"],
            ..row(
                "stdout with several files",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
                "error: --stdout: needs exactly one selected file, but this run has 15 (.crossrole-state.json, DEPLOY.md, accounts.txt, cloudformation/hub.yaml, cloudformation/member.yaml, terraform/hub.tf, terraform/members.tf, terraform/modules/member-role/main.tf, terraform/modules/member-role/outputs.tf, terraform/modules/member-role/variables.tf, terraform/modules/member-role/versions.tf, terraform/outputs.tf, terraform/providers.tf, terraform/variables.tf, terraform/versions.tf); pick one with --only\n",
            )
        },
        // Catalog actions checked against the embedded IAM service definitions (src/iam).
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog action that IAM does not have",
                one_set_catalog!(r#"{sid: Zones, resources: ["*"], required: [route53:GetHostedZoneCnt]}"#),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Zones): \"route53:GetHostedZoneCnt\" is not an action of route53 (did you mean route53:GetHostedZoneCount?)\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog action of an unknown service",
                one_set_catalog!(r#"{sid: Zones, resources: ["*"], required: [route35:ListHostedZones]}"#),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Zones): \"route35:ListHostedZones\": \"route35\" is not an AWS service prefix (did you mean route53:ListHostedZones?)\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog action in the wrong case",
                one_set_catalog!(r#"{sid: Regions, resources: ["*"], required: [ec2:describeregions]}"#),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Regions): \"ec2:describeregions\" is not in canonical case: write ec2:DescribeRegions\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog action as the seeds spell it",
                one_set_catalog!(r#"{sid: Vpcs, resources: ["*"], required: [ec2:DescribeVPCs]}"#),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Vpcs): \"ec2:DescribeVPCs\" is not in canonical case: write ec2:DescribeVpcs\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog wildcard that matches no action",
                one_set_catalog!(r#"{sid: Vpcs, resources: ["*"], required: ["ec2:Frobnicate*"]}"#),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Vpcs): \"ec2:Frobnicate*\" matches no action of ec2\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog action without resource types scoped to ARNs",
                one_set_catalog!(
                    r#"{sid: Zones, resources: ["arn:${Partition}:route53:::hostedzone/*"], required: [route53:ListHostedZones]}"#
                ),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Zones): route53:ListHostedZones takes no resource type, so IAM grants it on \"*\" only: move it to a statement on [\"*\"]\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog action scoped to ARNs of another type",
                one_set_catalog!(
                    r#"{sid: Roles, resources: ["arn:${Partition}:iam::${Account}:user/*"], required: [iam:PassRole]}"#
                ),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Roles): iam:PassRole takes none of the statement's resources; its resource types are role\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog wildcard scoped to ARNs none of its actions take",
                one_set_catalog!(
                    r#"{sid: Reads, resources: ["arn:${Partition}:iam::${Account}:role/*"], required: ["s3:Get*"]}"#
                ),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Reads): \"s3:Get*\" matches no action that takes the statement's resources\n",
            )
        },
        Row {
            args: CATALOG_ONLY,
            ..row(
                "catalog with several IAM mistakes",
                one_set_catalog!(
                    r#"{sid: Zones, resources: ["*"], required: [route53:GetHostedZoneCnt, route53:listhostedzones]}, {sid: Roles, resources: ["arn:${Partition}:iam::${Account}:user/*"], recommended: [iam:PassRole]}"#
                ),
                "error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Zones): \"route53:GetHostedZoneCnt\" is not an action of route53 (did you mean route53:GetHostedZoneCount?)\n\
                 error: checking catalog config.yaml: permission_sets[0] (mine).statements[0] (Zones): \"route53:listhostedzones\" is not in canonical case: write route53:ListHostedZones\n\
                 error: checking catalog config.yaml: permission_sets[0] (mine).statements[1] (Roles): iam:PassRole takes none of the statement's resources; its resource types are role\n",
            )
        },
        // The config's own statements, checked as the catalog's are.
        row(
            "config statements with IAM mistakes",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role:\n  statements:\n    - {sid: Zones, actions: [route53:GetHostedZoneCnt, ec2:describeregions], resources: [\"*\"]}\n    - {sid: Scoped, actions: [route53:ListHostedZones], resources: [\"arn:${Partition}:route53:::hostedzone/Z1\"]}\n",
            "error: checking the statements of config config.yaml: member_role.statements[0] (Zones): \"route53:GetHostedZoneCnt\" is not an action of route53 (did you mean route53:GetHostedZoneCount?)\n\
             error: checking the statements of config config.yaml: member_role.statements[0] (Zones): \"ec2:describeregions\" is not in canonical case: write ec2:DescribeRegions\n\
             error: checking the statements of config config.yaml: member_role.statements[1] (Scoped): route53:ListHostedZones takes no resource type, so IAM grants it on \"*\" only: move it to a statement on [\"*\"]\n",
        ),
        row(
            "config statement with an operator IAM does not have",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmember_role:\n  statements:\n    - {sid: Regions, actions: [ec2:DescribeRegions], resources: [\"*\"], conditions: {stringequals: {aws:RequestedRegion: eu-west-1}, StringIs: {aws:SourceIp: x}}}\n",
            "error: checking the statements of config config.yaml: member_role.statements[0] (Regions): conditions: \"StringIs\" is not an IAM condition operator (StringEquals, ArnLike, Bool, ...)\n\
             error: checking the statements of config config.yaml: member_role.statements[0] (Regions): conditions: condition operator \"stringequals\" is not in IAM's case: write StringEquals\n",
        ),
        row(
            "config statement with no actions and no resources",
            "setup: single-account\nhub:\n  account: \"999999999999\"\n  statements: [{sid: Nothing, actions: [], resources: []}]\n",
            "error: checking the statements of config config.yaml: hub.statements[0].resources: must not be empty\n\
             error: checking the statements of config config.yaml: hub.statements[0]: has no actions\n",
        ),
        row(
            "config statements with mode managed",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\nmode: managed\nmember_role:\n  statements: [{sid: Regions, actions: [ec2:DescribeRegions], resources: [\"*\"]}]\n",
            "error: member_role.statements: mode managed attaches AWS managed policies only, so the config's statements would be lost; use mode inline\n",
        ),
        row(
            "catalog file named in the config that is missing",
            "catalog_files: [sets/mine.yaml]\nhub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
            "error: catalog_files[0]: sets/mine.yaml is not a file (relative paths start at the config file's directory)\n",
        ),
        Row {
            args: &["--assume-policy", "per-acount", "--trust", "root"],
            ..row(
                "keyword flags checked with the config, all at once",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\ntier: all\n",
                "error: tier: \"all\" is not one of required, recommended\n\
                 error: --trust: \"root\" is not one of principal-arn, user, account\n\
                 error: --assume-policy: \"per-acount\" is not one of auto, per-account, single-statement, groups, managed, resource-account, organization (did you mean \"per-account\"?)\n",
            )
        },
        // StackSets, organizations and Terraform layouts.
        row(
            "malformed organization id",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\norganization: {id: o-ABC, units: [ou-ab12-11111111]}\n",
            "error: organization.id: \"o-ABC\" is not an AWS Organizations id (o- and 10 to 32 lower-case letters or digits)\n",
        ),
        row(
            "malformed and repeated organizational units",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\norganization: {id: o-a1b2c3d4e5, units: [ou-xyz, r-ab12, r-ab12, OU-AB12-11111111]}\n",
            "error: organization.units[0]: \"ou-xyz\" is not an organizational unit id (ou-, 4 to 32 lower-case letters or digits, -, 8 to 32 more) or a root id (r-, 4 to 32)\n\
                 error: organization.units[2]: \"r-ab12\" is listed twice; each unit once\n\
                 error: organization.units[3]: \"OU-AB12-11111111\" is not an organizational unit id (ou-, 4 to 32 lower-case letters or digits, -, 8 to 32 more) or a root id (r-, 4 to 32)\n",
        ),
        row(
            "units with deploy stacks",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\norganization: {id: o-a1b2c3d4e5, units: [ou-ab12-11111111]}\n",
            "error: organization.units: units are the targets of a StackSet, but deploy is stacks: set deploy: stackset (or --deploy stackset), or remove them\n",
        ),
        row(
            "units without the organization id",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\norganization: {units: [ou-ab12-11111111]}\n",
            "error: organization.id: missing: a StackSet over organizational units needs the organization's id (o-...)\n",
        ),
        row(
            "stackset without any target",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\n",
            "error: accounts: a StackSet without any target: list organization.units (service-managed, with the accounts that join them later) or the accounts (self-managed)\n",
        ),
        row(
            "hub account among the stackset accounts",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\naccounts: [\"111111111111\", \"999999999999\"]\n",
            "error: accounts[1]: \"999999999999\" is the hub account; the hub cannot also be a member\n",
        ),
        row(
            "management account among the stackset accounts",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\norganization: {id: o-a1b2c3d4e5, units: [r-ab12], management_account: \"111111111111\"}\naccounts: [\"111111111111\"]\n",
            "error: organization.management_account: \"111111111111\" is also a member account: StackSets never deploy to the organization's management account, so it would get no role; remove it from accounts\n",
        ),
        row(
            "stackset options with deploy stacks",
            "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\norganization: {management_account: \"888888888888\"}\nstackset: {retain_stacks_on_account_removal: true}\nterraform: {layout: stackset}\n",
            "error: stackset: options of a StackSet, but deploy is stacks: set deploy: stackset, or remove them\n\
                 error: organization.management_account: only a StackSet is created in the management account, but deploy is stacks: set deploy: stackset, or remove it\n\
                 error: terraform.layout: stackset deploys the member roles through a StackSet, but deploy is stacks: set deploy: stackset\n",
        ),
        row(
            "a management account for a self-managed stackset",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\naccounts: [\"111111111111\"]\norganization: {management_account: \"888888888888\"}\n",
            "error: organization.management_account: only a service-managed StackSet (over organization.units) is created in the management account; remove it, or list the units\n",
        ),
        row(
            "per-account layout with units only",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\norganization: {id: o-a1b2c3d4e5, units: [ou-ab12-11111111]}\nterraform: {layout: per-account}\n",
            "error: terraform.layout: per-account reaches each listed member account, but only organization.units are given: list the accounts, or use the stackset layout\n",
        ),
        row(
            "organization shape without an organization",
            "hub: {account: \"999999999999\", assume_policy: organization}\naccounts: [\"111111111111\"]\n",
            "error: hub.assume_policy: the chosen shape does not fit: organization: needs the organization's id (organization.id)\n",
        ),
        Row {
            args: &["--tf-layout", "per-acount", "--deploy", "stacksets"],
            ..row(
                "unknown layout and deploy keywords",
                "hub: {account: \"999999999999\"}\naccounts: [\"111111111111\"]\n",
                "error: --deploy: \"stacksets\" is not one of stacks, stackset (did you mean \"stackset\"?)\n\
                 error: --tf-layout: \"per-acount\" is not one of auto, providers, per-account, stackset (did you mean \"per-account\"?)\n",
            )
        },
        row(
            "stackset keys on a vendor role",
            "preset: microtica\ndeploy: stackset\norganization: {id: o-a1b2c3d4e5}\nterraform: {layout: per-account}\n",
            "error: deploy: a vendor-role setup has no hub, user or member accounts; remove it or choose another setup\n\
                 error: organization: a vendor-role setup has no hub, user or member accounts; remove it or choose another setup\n\
                 error: terraform: a vendor-role setup has no hub, user or member accounts; remove it or choose another setup\n",
        ),
        row(
            "stackset template url that is not https",
            "hub: {account: \"999999999999\"}\ndeploy: stackset\naccounts: [\"111111111111\"]\nstackset: {template_url: \"s3://bucket/member.yaml\"}\n",
            "error: stackset.template_url: \"s3://bucket/member.yaml\" must be an https:// URL of the uploaded template (an S3 object URL)\n",
        ),
        Row {
            args: leaked_args(&["--accounts", &numbered_accounts(2000), "--access-key", "secrets-manager"]),
            ..row(
                "access key in Secrets Manager with several hub users",
                HUB_ONLY,
                "error: --access-key: secrets-manager creates one access key, but the role ARNs are spread over 3 hub users; create their keys as DEPLOY.md says (access_key: none)\n",
            )
        },
        row(
            "member template over the StackSet body limit without a template url",
            big_member_config(),
            "error: stackset.template_url: the member template is 62730 bytes, over the 51200 bytes a StackSet takes as TemplateBody: upload cloudformation/member.yaml to S3 and give its https URL as stackset.template_url\n",
        ),
    ]
}

/// `n` distinct account ids, comma separated.
fn numbered_accounts(n: u64) -> String {
    (1..=n).map(|i| format!("{:012}", 400_000_000_000 + i)).collect::<Vec<_>>().join(",")
}

fn leaked_args(args: &[&str]) -> &'static [&'static str] {
    let owned: Vec<&'static str> = args.iter().map(|a| &*Box::leak(a.to_string().into_boxed_str())).collect();
    Box::leak(owned.into_boxed_slice())
}

/// A StackSet whose member template is over 51,200 bytes: fifty tags of the longest keys and values,
/// in a script whose letters take three bytes each.
fn big_member_config() -> &'static str {
    let tags: String =
        (0..50).map(|i| format!("    k{i:02}{}: \"{}\"\n", "键".repeat(120), "值".repeat(256))).collect();
    let text = format!(
        "hub: {{account: \"999999999999\"}}\ndeploy: stackset\naccounts: [\"111111111111\"]\nmember_role:\n  tags:\n{tags}"
    );
    Box::leak(text.into_boxed_str())
}

const HUB_ONLY: &str = "hub: {account: \"999999999999\"}\n";
const ACCOUNTS_60: &str = "100000000001,100000000002,100000000003,100000000004,100000000005,100000000006,100000000007,100000000008,100000000009,100000000010,100000000011,100000000012,100000000013,100000000014,100000000015,100000000016,100000000017,100000000018,100000000019,100000000020,100000000021,100000000022,100000000023,100000000024,100000000025,100000000026,100000000027,100000000028,100000000029,100000000030,100000000031,100000000032,100000000033,100000000034,100000000035,100000000036,100000000037,100000000038,100000000039,100000000040,100000000041,100000000042,100000000043,100000000044,100000000045,100000000046,100000000047,100000000048,100000000049,100000000050,100000000051,100000000052,100000000053,100000000054,100000000055,100000000056,100000000057,100000000058,100000000059,100000000060";

fn tree_hash(dir: &Path) -> u64 {
    let mut h = DefaultHasher::new();
    tree(dir).hash(&mut h);
    h.finish()
}

fn prepare(dir: &Path, out: OutDir) {
    let emit = |d: &Path| {
        let o = crossrole(&["emit", "--hub-account", "999999999999", "--accounts", "111111111111", "--out", "out"], d);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    match out {
        OutDir::Absent => {}
        OutDir::WithForeignFile => {
            std::fs::create_dir_all(dir.join("out")).unwrap();
            std::fs::write(dir.join("out/DEPLOY.md"), "my notes\n").unwrap();
            std::fs::write(dir.join("out/notes.txt"), "mine\n").unwrap();
        }
        OutDir::WithEditedFile => {
            emit(dir);
            std::fs::write(dir.join("out/cloudformation/hub.yaml"), "# edited\n").unwrap();
        }
        OutDir::IsAFile => std::fs::write(dir.join("out"), "not a directory\n").unwrap(),
    }
}

/// Paths inside the temporary working directory vary per run: report them relative to it.
fn relative(text: &str, dir: &Path) -> String {
    text.replace(&format!("{}/", dir.display()), "")
}

/// Removes the temporary file name tempfile appends to an I/O error (`at path "/x/.crossrole-AbC"`).
fn without_temp_path(text: &str) -> String {
    text.lines()
        .map(|l| match l.find(" at path \"") {
            Some(i) if l[i..].contains(".crossrole-") => l[..i].to_string(),
            _ => l.to_string(),
        })
        .map(|l| l + "\n")
        .collect()
}

#[test]
fn every_bad_input_is_refused_with_its_message_and_nothing_changes() {
    let rows = rows();
    assert!(rows.len() >= 40, "the matrix must keep at least 40 rows, has {}", rows.len());
    let print = std::env::var_os("MATRIX_PRINT").is_some();
    let mut failures = Vec::new();
    for r in &rows {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("config.yaml"), r.config).unwrap();
        prepare(dir, r.out);
        let before = tree_hash(dir);
        let mut args: Vec<&str> = vec!["emit"];
        if !r.args.contains(&"--config") {
            args.extend(["--config", "config.yaml"]);
        }
        if !r.args.contains(&"--out") {
            args.extend(["--out", "out"]);
        }
        args.extend_from_slice(r.args);
        // Most rows run in process; the file-size limit needs a process of its own (and keeps one
        // row end to end).
        let (code, err) = if r.fs_limit {
            let o = Command::new("sh")
                .arg("-c")
                .arg("trap '' XFSZ; ulimit -f 4; exec \"$0\" \"$@\"")
                .arg(env!("CARGO_BIN_EXE_crossrole"))
                .args(&args)
                .current_dir(dir)
                .output()
                .unwrap();
            (o.status.code(), stderr(&o))
        } else {
            let o = crossrole_in_process(&args, dir);
            (Some(i32::from(o.code)), o.stderr)
        };
        let err = without_temp_path(&relative(&err, dir));
        if print {
            println!("{}: exit {code:?}\n{err}", r.name);
        }
        if code != Some(2) {
            failures.push(format!("{}: exit {code:?}, want 2", r.name));
        }
        if err != r.stderr {
            failures.push(format!("{}:\n  got  {err:?}\n  want {:?}", r.name, r.stderr));
        }
        if err.lines().any(|l| !l.starts_with("error: ")) {
            failures.push(format!("{}: every stderr line must be one `error:` line", r.name));
        }
        if tree_hash(dir) != before {
            failures.push(format!("{}: the working directory changed", r.name));
        }
    }
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), rows.len(), failures.join("\n"));
}
