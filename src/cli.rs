//! Command-line interface (clap derive; the doc comments are the `--help` text).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  crossrole emit --hub-account 999999999999 --accounts 111111111111,222222222222
  crossrole emit --config crossrole.yaml --out infra/crossrole
  crossrole emit --config crossrole.yaml --format tf --check
  crossrole emit --config crossrole.yaml --only cloudformation/member.yaml --stdout
  crossrole emit --setup single-account --hub-account 123456789012 --mode managed
  crossrole emit --preset microtica --external-id generate
  crossrole emit --preset zeet --vendor-account 123456789012 --external-id \"$ZEET_EXTERNAL_ID\"
  crossrole catalog

Exit codes: 0 success, 1 --check found differences, 2 bad input or any other error.";

#[derive(Debug, Parser)]
#[command(name = "crossrole", version, about = "Turn a catalog of AWS IAM permissions into deployable CloudFormation and Terraform for cross-account access", after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Emit the setup as CloudFormation and Terraform: hub and spoke (a hub user and group that assume a
    /// role in every member account), a single account (the user and group alone), or a vendor role
    /// (a role a vendor's account assumes with an ExternalId)
    Emit(Box<EmitArgs>),
    /// List the presets and permission sets of the catalog
    Catalog(CatalogArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// CloudFormation YAML
    Cfn,
    /// Terraform HCL
    Tf,
    /// CloudFormation and Terraform
    Both,
    /// A bash script of AWS CLI calls (cli/deploy.sh) with the policy documents beside it
    Cli,
    /// CloudFormation, Terraform and the CLI script
    All,
}

#[derive(Debug, Args)]
pub(crate) struct CatalogArgs {
    /// Use this catalog file instead of the embedded one
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub(crate) struct EmitArgs {
    /// Config file (YAML); flags override its values
    #[arg(short, long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Use this catalog file instead of the embedded one
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
    /// What to set up: hub-and-spoke (a user in the hub assumes a role in every member account),
    /// single-account (the user and group in one account), or vendor-role (a role a vendor's account
    /// assumes) [default: vendor-role for vendor presets, else hub-and-spoke]
    #[arg(long, value_name = "SETUP")]
    pub(crate) setup: Option<String>,
    /// The hub account holding the integration user (12 digits); the account itself for single-account
    #[arg(long, value_name = "ID")]
    pub(crate) hub_account: Option<String>,
    /// Member accounts that get a role, comma separated (12 digits each)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub(crate) accounts: Option<Vec<String>>,
    /// Catalog preset choosing the default permission sets [default: micetro]
    #[arg(long, value_name = "NAME")]
    pub(crate) preset: Option<String>,
    /// Name of the role in each member account
    #[arg(long, value_name = "NAME")]
    pub(crate) role_name: Option<String>,
    /// Permission tier: required, or recommended (= required + recommended) [default: recommended]
    #[arg(long, value_name = "TIER")]
    pub(crate) tier: Option<String>,
    /// inline: least-privilege policies from the catalog; managed: the AWS managed policies of seed 002 [default: inline]
    #[arg(long, value_name = "MODE")]
    pub(crate) mode: Option<String>,
    /// Whom member roles trust: principal-arn (hub root + aws:PrincipalArn of the user), user, account [default: principal-arn]
    #[arg(long, value_name = "TRUST")]
    pub(crate) trust: Option<String>,
    /// Shape of the hub's assume-role policy: auto, per-account, single-statement, managed, resource-account [default: auto]
    #[arg(long, value_name = "SHAPE")]
    pub(crate) assume_policy: Option<String>,
    /// The integration user's access key: none (DEPLOY.md gives the create-access-key step) or
    /// secrets-manager (created by the stack or module and kept in a Secrets Manager secret) [default: none]
    #[arg(long, value_name = "WHERE")]
    pub(crate) access_key: Option<String>,
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
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Both)]
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
}
