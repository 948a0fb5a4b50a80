//! Which condition keys an action supports: its own (from the table) and AWS's global ones.

use super::arn::glob_matches;

/// AWS's global condition context keys ("AWS global condition context keys" in the IAM User Guide),
/// usable with every action. `aws:RequestTag/…`, `aws:ResourceTag/…` and `aws:TagKeys` are left
/// out: the table lists them for the actions that support them.
const GLOBAL_KEYS: &[&str] = &[
    "aws:AssumedRoot",
    "aws:CalledVia",
    "aws:CalledViaFirst",
    "aws:CalledViaLast",
    "aws:ChatbotSourceArn",
    "aws:CurrentTime",
    "aws:Ec2InstanceSourcePrivateIPv4",
    "aws:Ec2InstanceSourceVpc",
    "aws:EpochTime",
    "aws:FederatedProvider",
    "aws:MultiFactorAuthAge",
    "aws:MultiFactorAuthPresent",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalIsAWSService",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList",
    "aws:PrincipalTag/${TagKey}",
    "aws:PrincipalType",
    "aws:Referer",
    "aws:RequestedRegion",
    "aws:ResourceAccount",
    "aws:ResourceOrgID",
    "aws:ResourceOrgPaths",
    "aws:SecureTransport",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIdentity",
    "aws:SourceIp",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:SourceVpc",
    "aws:SourceVpcArn",
    "aws:SourceVpce",
    "aws:TokenIssueTime",
    "aws:UserAgent",
    "aws:userid",
    "aws:username",
    "aws:ViaAWSService",
    "aws:VpcSourceIp",
    "aws:VpceAccount",
    "aws:VpceOrgID",
    "aws:VpceOrgPaths",
];

/// Whether a key written in a policy (`aws:ResourceTag/team`) is an instance of a key pattern
/// (`aws:ResourceTag/${TagKey}`). Condition keys compare ignoring case.
fn key_matches(pattern: &str, key: &str) -> bool {
    let mut glob = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("${").and_then(|a| a.find('}').map(|end| &a[end + 1..])) {
            glob.push('*');
            rest = after;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            glob.push(c.to_ascii_lowercase());
            rest = &rest[c.len_utf8()..];
        }
    }
    glob_matches(&glob, &key.to_ascii_lowercase())
}

/// Whether any of the actions (wildcards allowed, unknown ones ignored) supports the condition
/// key: a global key, or one the table lists for the action or its resource types.
pub(crate) fn supports_condition_key(actions: &[&str], key: &str) -> bool {
    if GLOBAL_KEYS.iter().any(|g| key_matches(g, key)) {
        return true;
    }
    actions.iter().any(|a| {
        let found: Vec<super::Action> =
            if super::is_pattern(a) { super::expand(a) } else { super::find_ignoring_case(a).into_iter().collect() };
        found.iter().any(|action| action.condition_keys().any(|k| key_matches(k, key)))
    })
}

/// IAM's condition operators ("IAM JSON policy elements: Condition operators"), without the
/// `IfExists` suffix and the `ForAllValues:` / `ForAnyValue:` set prefixes.
const OPERATORS: &[&str] = &[
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "BinaryEquals",
    "Bool",
    "DateEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateNotEquals",
    "IpAddress",
    "NotIpAddress",
    "Null",
    "NumericEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericNotEquals",
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "StringNotEquals",
    "StringNotEqualsIgnoreCase",
    "StringNotLike",
];

/// Why IAM would refuse the condition operator, if it would (operators are case-sensitive).
pub(crate) fn operator_problem(op: &str) -> Option<String> {
    let set = op.strip_prefix("ForAllValues:").or_else(|| op.strip_prefix("ForAnyValue:"));
    let base = set.unwrap_or(op);
    let base = base.strip_suffix("IfExists").filter(|b| *b != "Null").unwrap_or(base);
    if OPERATORS.contains(&base) {
        return None;
    }
    let closest = OPERATORS.iter().find(|o| o.eq_ignore_ascii_case(base));
    Some(match closest {
        Some(o) => format!("condition operator {op:?} is not in IAM's case: write {}", op.replacen(base, o, 1)),
        None => format!("{op:?} is not an IAM condition operator (StringEquals, ArnLike, Bool, ...)"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_take_their_prefixes_and_suffix() {
        for op in
            ["StringEquals", "ForAnyValue:StringLike", "ArnLikeIfExists", "ForAllValues:StringEqualsIfExists", "Null"]
        {
            assert_eq!(operator_problem(op), None, "{op}");
        }
        assert!(operator_problem("stringequals").unwrap().contains("write StringEquals"));
        assert!(operator_problem("StringIs").unwrap().contains("is not an IAM condition operator"));
        assert!(operator_problem("NullIfExists").is_some());
    }

    #[test]
    fn keys_match_their_patterns_ignoring_case() {
        assert!(key_matches("aws:ResourceTag/${TagKey}", "aws:ResourceTag/team"));
        assert!(key_matches("aws:ResourceTag/${TagKey}", "AWS:resourcetag/Team"));
        assert!(key_matches("sts:ExternalId", "sts:externalid"));
        assert!(!key_matches("sts:ExternalId", "sts:ExternalIds"));
        assert!(!key_matches("aws:ResourceTag/${TagKey}", "aws:RequestTag/team"));
    }

    #[test]
    fn actions_support_their_own_keys_and_the_global_ones() {
        assert!(supports_condition_key(&["sts:AssumeRole"], "sts:ExternalId"));
        assert!(supports_condition_key(&["iam:PassRole"], "iam:PassedToService"));
        assert!(supports_condition_key(&["ec2:CreateVpc"], "aws:RequestTag/team"));
        assert!(supports_condition_key(&["route53:ListHostedZones"], "aws:SourceIp"));
        assert!(supports_condition_key(&["s3:ListBucket"], "aws:PrincipalTag/team"));
        assert!(supports_condition_key(&["ec2:DescribeVpcs", "iam:PassRole"], "iam:PassedToService"));
        assert!(supports_condition_key(&["iam:Pass*"], "iam:PassedToService"));
        assert!(!supports_condition_key(&["ec2:DescribeVpcs"], "iam:PassedToService"));
        assert!(!supports_condition_key(&["route53:ListHostedZones"], "sts:ExternalId"));
        assert!(!supports_condition_key(&["nope:Nothing"], "sts:ExternalId"));
        assert!(!supports_condition_key(&[], "s3:prefix"));
    }
}
