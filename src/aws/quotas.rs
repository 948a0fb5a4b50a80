//! IAM and CloudFormation quotas (aws-facts.md §1, §2). Every check against one of them reads it
//! from here.

/// All inline policies of one group together, non-whitespace characters.
pub(crate) const GROUP_INLINE: usize = 5_120;
/// One customer managed policy, non-whitespace characters.
pub(crate) const MANAGED_POLICY: usize = 6_144;
/// Managed policies attached to one group.
pub(crate) const GROUP_MANAGED: usize = 10;
/// Groups one IAM user can be a member of.
pub(crate) const USER_GROUPS: usize = 10;
/// Groups in one account (the default quota).
pub(crate) const ACCOUNT_GROUPS: usize = 300;
/// All inline policies of one role together.
pub(crate) const ROLE_INLINE: usize = 10_240;
/// A role's trust policy (the default quota; adjustable to 4,096, we stay within the default).
pub(crate) const TRUST_POLICY: usize = 2_048;
/// Managed policies attached to one role without a quota increase.
pub(crate) const ROLE_MANAGED: usize = 10;
/// Tags on one user or role.
pub(crate) const TAGS: usize = 50;
/// `aws cloudformation deploy` uploads a larger template only through `--s3-bucket`.
pub(crate) const CFN_INLINE_BODY: usize = 51_200;
/// A template given by S3 URL.
pub(crate) const CFN_BODY: usize = 1_000_000;
/// Resources in one template.
pub(crate) const CFN_RESOURCES: usize = 500;
/// Organizational units one CreateStackInstances (or DeleteStackInstances) call takes, and so one
/// StackInstancesGroup entry of an AWS::CloudFormation::StackSet.
pub(crate) const STACKSET_OUS_PER_OPERATION: usize = 50;
