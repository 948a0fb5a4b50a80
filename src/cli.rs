//! Command-line interface (clap derive; the doc comments are the `--help` text).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::keyword::{self, AccessKey, AssumeShape, Deploy, Format, Mode, Setup, TfLayout, Tier, Trust, values};

const EXAMPLES: &str = "\
Examples:
  crossrole emit --hub-account 999999999999 --accounts 111111111111,222222222222
  crossrole emit --config crossrole.yaml --out infra/crossrole
  crossrole emit --config crossrole.yaml --format tf --check
  crossrole emit --config crossrole.yaml --only cloudformation/member.yaml --stdout
  crossrole emit --setup single-account --hub-account 123456789012 --mode managed
  crossrole emit --preset microtica --external-id generate
  crossrole emit --preset zeet --vendor-account 123456789012 --external-id \"$ZEET_EXTERNAL_ID\"
  crossrole init --preset zeet --out crossrole.yaml
  crossrole catalog
  crossrole templates eject my-templates && crossrole emit --config crossrole.yaml --templates my-templates
  crossrole completions bash > ~/.local/share/bash-completion/completions/crossrole

Exit codes: 0 success, 1 --check found differences, 2 bad input or any other error.";

#[derive(Debug, Parser)]
#[command(name = "crossrole", version, about = "Turn a catalog of AWS IAM permissions into deployable CloudFormation and Terraform for cross-account access", after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Colour errors and warnings: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_enum, default_value_t, global = true, value_name = "WHEN")]
    pub(crate) color: crate::commands::styled::ColorChoice,
    /// Print only errors and warnings (no progress or next-step lines)
    #[arg(short, long, global = true)]
    pub(crate) quiet: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Emit the setup as CloudFormation and Terraform: hub and spoke (a hub user and group that assume a
    /// role in every member account), a single account (the user and group alone), or a vendor role
    /// (a role a vendor's account assumes with an ExternalId)
    Emit(Box<EmitArgs>),
    /// List the presets and permission sets of the catalog
    Catalog(CatalogArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff; `crossrole man > crossrole.1`)
    Man,
    /// Print the JSON Schema (draft 2020-12) of the config file, for editors and CI checks
    Schema,
    /// Write a commented starter config (and the schema beside it) that emit --config accepts as it is
    Init(InitArgs),
    /// The access review of a setup: who may assume which role in which accounts, under which
    /// conditions, with which permissions, and the limits it uses (text, Markdown, Mermaid, DOT, JSON)
    Explain(Box<ExplainArgs>),
    /// The exact IAM JSON documents of a setup as IAM stores them, for review or the console; their
    /// sizes against the quotas go to standard error
    Policy(Box<PolicyArgs>),
    /// The built-in templates: list their names, or eject them into a directory to edit and pass
    /// to `emit --templates DIR`
    Templates {
        #[command(subcommand)]
        command: TemplatesCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TemplatesCommand {
    /// Print the name of every built-in template, one per line
    List,
    /// Write every built-in template under DIR (default: templates), to start from
    Eject {
        /// Where to write them
        #[arg(default_value = "templates")]
        dir: PathBuf,
        /// Overwrite templates already there
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub(crate) struct PolicyArgs {
    #[command(flatten)]
    pub(crate) setup: SetupArgs,
    /// Only this entity's documents
    #[arg(long, value_enum)]
    pub(crate) entity: Option<PolicyEntity>,
    /// The member account the role's documents are for [default: the first member account]
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,
    /// Only trust policies (`--trust` is emit's trust mode, which this command takes too)
    #[arg(long)]
    pub(crate) trust_only: bool,
    /// One line per document instead of pretty-printed
    #[arg(long)]
    pub(crate) minify: bool,
    /// The output directory of an earlier emit: start from the placement it recorded (its
    /// .crossrole-state.json), as the next emit there would
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

/// `crossrole policy --entity`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum PolicyEntity {
    /// The hub's (or single account's) groups
    Hub,
    /// The role in a member account
    Member,
    /// The vendor role
    Vendor,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    pub(crate) setup: SetupArgs,
    /// How to print it
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: ExplainFormat,
    /// The output directory of an earlier emit: start from the placement it recorded (its
    /// .crossrole-state.json), as the next emit there would
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

/// `crossrole explain --format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExplainFormat {
    /// Plain text for a terminal
    #[default]
    Text,
    /// Markdown for a review or a pull request
    Markdown,
    /// A Mermaid flowchart (GitHub renders it)
    Mermaid,
    /// A Graphviz DOT graph
    Dot,
    /// JSON for tools
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// Catalog preset [default: micetro]
    #[arg(long, value_name = "NAME")]
    pub(crate) preset: Option<String>,
    /// What to set up [default: vendor-role for vendor presets, else hub-and-spoke]
    #[arg(long, value_name = "SETUP", value_parser = values::<Setup>())]
    pub(crate) setup: Option<String>,
    /// The config file to write; crossrole.schema.json goes beside it
    #[arg(short, long, value_name = "FILE", default_value = "crossrole.yaml")]
    pub(crate) out: PathBuf,
    /// Use this catalog file instead of the embedded one
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// Add the sets, presets and sources of this catalog file to the catalog (repeatable)
    #[arg(long = "catalog-extra", value_name = "FILE")]
    pub(crate) catalog_extra: Vec<PathBuf>,
    /// Overwrite the config and schema files if they exist
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogArgs {
    /// Use this catalog file instead of the embedded one
    #[arg(long, value_name = "FILE", global = true)]
    pub(crate) catalog: Option<PathBuf>,
    /// Add the sets, presets and sources of this catalog file to the catalog (repeatable)
    #[arg(long = "catalog-extra", value_name = "FILE", global = true)]
    pub(crate) catalog_extra: Vec<PathBuf>,
    /// Name the IAM service definitions crossrole checks actions against, with their version and date
    #[arg(long)]
    pub(crate) about: bool,
    /// The whole catalog as JSON, each action with its IAM access level, for tools
    #[arg(long, conflicts_with = "about")]
    pub(crate) json: bool,
    #[command(subcommand)]
    pub(crate) show: Option<CatalogCommand>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CatalogCommand {
    /// One permission set's statements: each action with its access level and resource types,
    /// wildcards with what they expand to, and the risky actions marked
    Show {
        /// The permission set's name (`crossrole catalog` lists them)
        set: String,
    },
}

/// What is set up: the config and the flags that override it (`emit` and `explain` take them).
#[derive(Debug, Args)]
pub(crate) struct SetupArgs {
    /// Config file (YAML); flags override its values
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Use this catalog file instead of the embedded one
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// Add the sets, presets and sources of this catalog file to the catalog (repeatable)
    #[arg(long = "catalog-extra", value_name = "FILE")]
    pub(crate) catalog_extra: Vec<PathBuf>,
    /// What to set up [default: vendor-role for vendor presets, else hub-and-spoke]
    #[arg(long, value_name = "SETUP", value_parser = values::<Setup>())]
    pub(crate) setup: Option<String>,
    /// The hub account holding the integration user (12 digits); the account itself for single-account
    #[arg(long, value_name = "ID")]
    pub(crate) hub_account: Option<String>,
    /// Member accounts that get a role, comma separated (12 digits each)
    // Split in `request::accounts`, not by clap: clap keeps each of 10,000 values as its own
    // boxed value, which cost more than the rest of reading the request.
    #[arg(long, value_name = "IDS")]
    pub(crate) accounts: Option<Vec<String>>,
    /// Member accounts read from a file instead: ids one per line or comma separated, `#` starts a
    /// comment (for lists too long for a command line: about 10,000 ids fill Linux's 128 KiB)
    #[arg(long, value_name = "FILE", conflicts_with = "accounts")]
    pub(crate) accounts_file: Option<std::path::PathBuf>,
    /// Catalog preset choosing the default permission sets [default: micetro]
    #[arg(long, value_name = "NAME")]
    pub(crate) preset: Option<String>,
    /// Name of the role in each member account
    #[arg(long, value_name = "NAME")]
    pub(crate) role_name: Option<String>,
    #[arg(long, value_name = "TIER", value_parser = values::<Tier>(), help = keyword::help_with_default::<Tier>("Permission tier"))]
    pub(crate) tier: Option<String>,
    #[arg(long, value_name = "MODE", value_parser = values::<Mode>(), help = keyword::help_with_default::<Mode>("How permissions are granted"))]
    pub(crate) mode: Option<String>,
    #[arg(long, value_name = "TRUST", value_parser = values::<Trust>(), help = keyword::help_with_default::<Trust>("Whom member roles trust"))]
    pub(crate) trust: Option<String>,
    #[arg(long, value_name = "SHAPE", value_parser = values::<AssumeShape>(), help = keyword::help_with_default::<AssumeShape>("Shape of the hub's assume-role policy"))]
    pub(crate) assume_policy: Option<String>,
    #[arg(long, value_name = "WHERE", value_parser = values::<AccessKey>(), help = keyword::help_with_default::<AccessKey>("Who creates the integration user's access key"))]
    pub(crate) access_key: Option<String>,
    #[arg(long, value_name = "HOW", value_parser = values::<Deploy>(), help = keyword::help_with_default::<Deploy>("How CloudFormation puts the member roles into the member accounts"))]
    pub(crate) deploy: Option<String>,
    #[arg(long, value_name = "LAYOUT", value_parser = values::<TfLayout>(), help = keyword::help_with_default::<TfLayout>("How the Terraform output reaches the member accounts"))]
    pub(crate) tf_layout: Option<String>,
    /// Vendor role: the vendor's AWS account that may assume the role [default: the preset's]
    #[arg(long, value_name = "ID")]
    pub(crate) vendor_account: Option<String>,
    /// Vendor role: the ExternalId the vendor gave you; repeat it for a rotation window; `generate`
    /// makes one (kept in OUT/external-ids.txt); `none` opts out of the condition
    #[arg(long = "external-id", value_name = "ID")]
    pub(crate) external_ids: Option<Vec<String>>,
    /// Vendor role: https URL the CloudFormation template is published at, for the console's
    /// quick-create link in DEPLOY.md
    #[arg(long, value_name = "URL")]
    pub(crate) template_url: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct EmitArgs {
    #[command(flatten)]
    pub(crate) setup: SetupArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub(crate) format: Format,
    /// Output directory
    #[arg(short, long, value_name = "DIR", default_value = "out")]
    pub(crate) out: PathBuf,
    /// Only these output files (relative paths such as cloudformation/hub.yaml), comma separated
    #[arg(long, value_name = "PATHS", value_delimiter = ',')]
    pub(crate) only: Option<Vec<String>>,
    /// Print the selected file to stdout instead of writing (the selection must be one file)
    #[arg(long, conflicts_with_all = ["check", "force"])]
    pub(crate) stdout: bool,
    /// Write nothing; exit 1 if any output file would change (for CI drift checks)
    #[arg(long, conflicts_with = "force")]
    pub(crate) check: bool,
    /// Overwrite files in --out that crossrole did not write or that were edited since
    #[arg(long)]
    pub(crate) force: bool,
    /// The last output is deployed (Terraform applied, stacks updated): drop the providers of
    /// removed accounts, and take the second step of a two-step change
    #[arg(long, conflicts_with = "check")]
    pub(crate) applied: bool,
    /// Templates that replace the built-ins of the same name (`crossrole templates eject` writes
    /// the built-ins to start from)
    #[arg(long, value_name = "DIR")]
    pub(crate) templates: Option<PathBuf>,
}

/// `emit` reads its setup fields as its own (`args.config`).
impl std::ops::Deref for EmitArgs {
    type Target = SetupArgs;

    fn deref(&self) -> &SetupArgs {
        &self.setup
    }
}
