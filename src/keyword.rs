//! Every keyword option, declared once: clap lists its values (and their help) in `--help` and in
//! shell completions, the config loader takes the same names, and a wrong value gets the same
//! message from either place.

use std::ffi::OsStr;
use std::marker::PhantomData;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Arg, Command, ValueEnum};

use crate::suggest::did_you_mean;

/// What is being set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Setup {
    /// A user in the hub account assumes a role in every member account
    HubAndSpoke,
    /// The user and group in one account, every permission set on the group
    SingleAccount,
    /// A role in this account that a vendor's account assumes with an ExternalId
    VendorRole,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Tier {
    /// Only the actions the integration cannot work without
    Required,
    /// Required plus recommended actions
    #[default]
    Recommended,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Mode {
    /// Least-privilege policies built from the catalog
    #[default]
    Inline,
    /// The AWS managed policies the catalog names as the alternative
    Managed,
}

/// Whom a member role trusts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Trust {
    /// The hub account root, only for the hub user (aws:PrincipalArn condition)
    #[default]
    PrincipalArn,
    /// The hub user's ARN as the principal (deploy the hub first)
    User,
    /// The hub account root alone
    Account,
}

/// The shape of the hub group's `sts:AssumeRole` permissions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum AssumeShape {
    /// The first shape that fits
    #[default]
    Auto,
    /// One inline group policy per member account
    PerAccount,
    /// One inline statement listing every role ARN
    SingleStatement,
    /// Inline role ARN lists spread over several hub groups and, past one user's ten groups,
    /// several hub users (discoverable by reading the groups' inline policies)
    Groups,
    /// Customer managed policies listing the role ARNs
    Managed,
    /// A wildcard role ARN with aws:ResourceAccount listing the accounts
    ResourceAccount,
    /// A wildcard role ARN limited to the organization (aws:ResourceOrgID) or its units
    /// (aws:ResourceOrgPaths): constant size, covers accounts that join later
    Organization,
}

/// How the member roles get into the member accounts (CloudFormation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Deploy {
    /// One stack per member account, deployed with that account's credentials
    #[default]
    Stacks,
    /// One StackSet that CloudFormation rolls out to every target account
    Stackset,
}

/// How the Terraform output reaches the member accounts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum TfLayout {
    /// providers up to 10 accounts, else per-account; stackset with deploy stackset
    #[default]
    Auto,
    /// One root with an aliased provider per member account (one provider process each)
    Providers,
    /// A hub root and one member root applied once per account (one provider at a time)
    PerAccount,
    /// The hub and a CloudFormation StackSet on at most two providers
    Stackset,
}

/// Who creates the integration user's access key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum AccessKey {
    /// Nobody: DEPLOY.md gives the create-access-key step (no secret in a stack or in state)
    #[default]
    None,
    /// The stack or module creates it and keeps it in a Secrets Manager secret
    SecretsManager,
}

/// Which files `emit` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// CloudFormation YAML
    Cfn,
    /// Terraform HCL
    Tf,
    /// CloudFormation and Terraform
    #[default]
    Both,
    /// A bash script of AWS CLI calls (cli/deploy.sh) with the policy documents beside it
    Cli,
    /// CloudFormation, Terraform and the CLI script
    All,
}

/// The name a keyword value is written with (`principal-arn`).
pub(crate) fn name<K: ValueEnum>(k: &K) -> String {
    k.to_possible_value().map(|v| v.get_name().to_string()).unwrap_or_default()
}

pub(crate) fn names<K: ValueEnum>() -> Vec<String> {
    K::value_variants().iter().map(name).collect()
}

/// Parses a keyword value; the message lists the choices and the closest one.
pub(crate) fn parse<K: ValueEnum + Copy>(value: &str) -> Result<K, String> {
    K::value_variants().iter().find(|k| name(*k) == value).copied().ok_or_else(|| {
        let all = names::<K>();
        let hint = did_you_mean(value, all.iter().map(String::as_str));
        format!("{value:?} is not one of {}{hint}", all.join(", "))
    })
}

/// `--help` text ending in the keyword's default, so the default is written in one place.
pub(crate) fn help_with_default<K: ValueEnum + Default>(text: &str) -> String {
    format!("{text} [default: {}]", name(&K::default()))
}

/// A clap value parser that lists a keyword's values for `--help` and completions but accepts any
/// string: the request checks it together with the config file, so every problem is reported at
/// once with the same message.
#[derive(Clone)]
pub(crate) struct Values<K>(PhantomData<K>);

pub(crate) fn values<K>() -> Values<K> {
    Values(PhantomData)
}

impl<K: ValueEnum + Clone + Send + Sync + 'static> TypedValueParser for Values<K> {
    type Value = String;

    fn parse_ref(&self, cmd: &Command, arg: Option<&Arg>, value: &OsStr) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(K::value_variants().iter().filter_map(ValueEnum::to_possible_value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_wrong_values_get_a_hint() {
        for k in AssumeShape::value_variants() {
            assert_eq!(parse::<AssumeShape>(&name(k)), Ok(*k));
        }
        assert_eq!(name(&Trust::PrincipalArn), "principal-arn");
        assert_eq!(
            parse::<Mode>("managd").unwrap_err(),
            "\"managd\" is not one of inline, managed (did you mean \"managed\"?)"
        );
        assert_eq!(help_with_default::<Tier>("Tier"), "Tier [default: recommended]");
    }
}
