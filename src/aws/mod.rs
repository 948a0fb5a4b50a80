//! AWS facts in one place: the rules identifiers follow (checked in the model, and written into
//! the CloudFormation `AllowedPattern`s, the Terraform `validation` blocks and the CLI script's
//! checks) and the quotas every emitted document must meet (aws-facts.md).

pub(crate) mod ids;
pub(crate) mod quotas;
