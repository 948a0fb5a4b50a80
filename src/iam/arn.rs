//! Whether a catalog resource ARN can name a resource of a type, given the type's ARN pattern.
//!
//! Both sides are patterns, and IAM matches an ARN field by field: the partition, service, region
//! and account fields each on their own, then the resource part (which may hold `:` and `/`). A
//! catalog ARN has IAM wildcards (`*` any text, within its field in the first five; `?` one
//! character), placeholders (`${Partition}`, `${Account}`, `${UserPath}${UserName}`, IAM variables
//! such as `${aws:username}`: any text within one field) and IAM's escapes `${*}`, `${?}`, `${$}`
//! (the character itself). An AWS pattern has placeholders (`${Region}`, `${RoleNameWithPath}`): any
//! text within the field in the first five, any text at all in the resource part. They match when
//! some ARN matches both.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Char(u8),
    /// `?`: one character.
    One,
    /// Any text without `:`.
    Field,
    /// Any text.
    Any,
}

impl Tok {
    fn is_star(self) -> bool {
        matches!(self, Tok::Field | Tok::Any)
    }

    /// Whether this star can absorb (part of) what `other` stands for.
    fn absorbs(self, other: Tok) -> bool {
        match (self, other) {
            (Tok::Field, Tok::Char(b':')) => false,
            (Tok::Any | Tok::Field, _) => true,
            _ => false,
        }
    }
}

/// The star for a wildcard or placeholder after `colons` colons: fields before the resource part
/// are matched on their own.
fn star(colons: usize) -> Tok {
    if colons < 5 { Tok::Field } else { Tok::Any }
}

/// A catalog ARN as tokens.
fn catalog_tokens(arn: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(arn.len());
    let mut colons = 0;
    let mut rest = arn;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("${") {
            if let Some(end) = after.find('}') {
                out.push(match &after[..end] {
                    "*" => Tok::Char(b'*'),
                    "?" => Tok::Char(b'?'),
                    "$" => Tok::Char(b'$'),
                    _ => Tok::Field,
                });
                rest = &after[end + 1..];
                continue;
            }
        }
        colons += usize::from(c == ':');
        match c {
            '*' => out.push(star(colons)),
            '?' => out.push(Tok::One),
            c => out.extend(c.encode_utf8(&mut [0; 4]).bytes().map(Tok::Char)),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// An AWS resource type's ARN pattern as tokens.
fn pattern_tokens(pattern: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    let mut colons = 0;
    let mut rest = pattern;
    while let Some(&b) = rest.as_bytes().first() {
        if let Some(end) = rest.strip_prefix("${").and_then(|a| a.find('}')) {
            out.push(star(colons));
            rest = &rest[end + 3..];
            continue;
        }
        colons += usize::from(b == b':');
        out.push(if b == b'*' { star(colons) } else { Tok::Char(b) });
        rest = &rest[1..];
    }
    out
}

/// Whether some string matches both token patterns: a dynamic program over (position in `a`,
/// position in `b`), evaluated from the start and only where a match can still go, so the usual
/// mismatch (`role/` against `user/`) costs a few steps rather than the whole table.
fn intersect(a: &[Tok], b: &[Tok]) -> bool {
    let mut memo = Memo { a, b, known: vec![Known::Unknown; (a.len() + 1) * (b.len() + 1)] };
    memo.get(0, 0)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Unknown,
    No,
    Yes,
}

struct Memo<'t> {
    a: &'t [Tok],
    b: &'t [Tok],
    known: Vec<Known>,
}

impl Memo<'_> {
    /// Whether `a[i..]` and `b[j..]` have a common match. Each step consumes a token of either
    /// side, so the recursion is at most `a.len() + b.len()` deep.
    fn get(&mut self, i: usize, j: usize) -> bool {
        let at = i * (self.b.len() + 1) + j;
        match self.known[at] {
            Known::Yes => return true,
            Known::No => return false,
            Known::Unknown => {}
        }
        let result = self.step(i, j);
        self.known[at] = if result { Known::Yes } else { Known::No };
        result
    }

    fn step(&mut self, i: usize, j: usize) -> bool {
        match (self.a.get(i).copied(), self.b.get(j).copied()) {
            (None, None) => true,
            // A star matches nothing more, or absorbs the other side's next token.
            (Some(x), y) if x.is_star() => self.get(i + 1, j) || y.is_some_and(|y| x.absorbs(y) && self.get(i, j + 1)),
            (x, Some(y)) if y.is_star() => self.get(i, j + 1) || x.is_some_and(|x| y.absorbs(x) && self.get(i + 1, j)),
            (Some(x), Some(y)) => {
                let same = match (x, y) {
                    (Tok::Char(p), Tok::Char(q)) => p == q,
                    _ => true,
                };
                same && self.get(i + 1, j + 1)
            }
            _ => false,
        }
    }
}

/// Whether a catalog ARN (placeholders, wildcards) can name a resource with this AWS ARN pattern.
/// A lone `*` is every resource.
pub(crate) fn arn_matches(arn: &str, pattern: &str) -> bool {
    arn == "*" || intersect(&catalog_tokens(arn), &pattern_tokens(pattern))
}

/// Plain IAM wildcard matching (`*`, `?`) of a whole text.
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let glob: Vec<Tok> = pattern
        .bytes()
        .map(|b| match b {
            b'*' => Tok::Any,
            b'?' => Tok::One,
            b => Tok::Char(b),
        })
        .collect();
    let literal: Vec<Tok> = text.bytes().map(Tok::Char).collect();
    intersect(&glob, &literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";
    const USER: &str = "arn:${Partition}:iam::${Account}:user/${UserNameWithPath}";
    const VPC: &str = "arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const LOG_STREAM: &str =
        "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";

    #[test]
    fn catalog_placeholders_and_wildcards_match_aws_placeholders() {
        assert!(arn_matches("arn:${Partition}:iam::${Account}:role/*", ROLE));
        assert!(arn_matches("arn:${Partition}:iam::${Account}:user${UserPath}${UserName}", USER));
        assert!(arn_matches("arn:aws:iam::123456789012:user/${aws:username}", USER));
        assert!(arn_matches("arn:${Partition}:ec2:*:${Account}:vpc/*", VPC));
        assert!(arn_matches("arn:${Partition}:ec2:*:${Account}:*", VPC));
        assert!(arn_matches("arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc", VPC));
        assert!(arn_matches("arn:${Partition}:s3:::cdk-*", BUCKET));
        assert!(arn_matches("arn:${Partition}:s3:::cdk-*/*", OBJECT));
        assert!(arn_matches("arn:${Partition}:logs:*:${Account}:log-group:*", LOG_STREAM));
        assert!(arn_matches("*", ROLE));
    }

    #[test]
    fn other_services_types_and_fields_do_not_match() {
        assert!(!arn_matches("arn:${Partition}:iam::${Account}:role/*", USER));
        assert!(!arn_matches("arn:${Partition}:iam::${Account}:role/*", VPC));
        assert!(!arn_matches("arn:${Partition}:ec2:*:${Account}:subnet/*", VPC));
        assert!(!arn_matches("arn:${Partition}:ec2:*:vpc/*", VPC), "a region wildcard stays in its field");
        assert!(!arn_matches("arn:${Partition}:s3:::cdk-*/*", VPC));
        // A placeholder stays within its field: the account cannot swallow the resource part.
        assert!(!arn_matches("arn:aws:ec2:us-east-1:${Account}", VPC));
        assert!(!arn_matches("arn:aws:ec2:us-east-1:1234:5678:vpc/x", VPC));
        // Escaped wildcards are literal characters.
        assert!(!arn_matches("arn:${Partition}:iam::${Account}:role${*}", ROLE));
        assert!(arn_matches("arn:${Partition}:iam::${Account}:role/a${*}b", ROLE));
    }

    #[test]
    fn a_placeholder_matches_any_text_of_its_field() {
        assert!(arn_matches("arn:aws-cn:iam::123456789012:role/x", ROLE));
        assert!(arn_matches("arn:${Partition}:iam::${Account}:role/a/b/c", ROLE));
        assert!(arn_matches("arn:aws:iam::?23456789012:role/x", ROLE));
        assert!(!arn_matches("arn:aws:iam::123456789012:rol?/x", USER));
    }

    #[test]
    fn globs_match_whole_names() {
        assert!(glob_matches("describe*", "describevpcs"));
        assert!(glob_matches("get?bject", "getobject"));
        assert!(glob_matches("*", ""));
        assert!(!glob_matches("describe*", "createvpc"));
        assert!(!glob_matches("get?bject", "getobjectacl"));
    }

    /// The recurrence of `intersect` filled in over the whole table, from the ends.
    fn whole_table(a: &[Tok], b: &[Tok]) -> bool {
        let (n, m) = (a.len(), b.len());
        let at = |i: usize, j: usize| i * (m + 1) + j;
        let mut dp = vec![false; (n + 1) * (m + 1)];
        for i in (0..=n).rev() {
            for j in (0..=m).rev() {
                dp[at(i, j)] = match (a.get(i), b.get(j)) {
                    (None, None) => true,
                    (Some(&x), y) if x.is_star() => {
                        dp[at(i + 1, j)] || y.is_some_and(|&y| x.absorbs(y) && dp[at(i, j + 1)])
                    }
                    (x, Some(&y)) if y.is_star() => {
                        dp[at(i, j + 1)] || x.is_some_and(|&x| y.absorbs(x) && dp[at(i + 1, j)])
                    }
                    (Some(Tok::Char(p)), Some(Tok::Char(q))) => p == q && dp[at(i + 1, j + 1)],
                    (Some(_), Some(_)) => dp[at(i + 1, j + 1)],
                    _ => false,
                };
            }
        }
        dp[at(0, 0)]
    }

    fn tokens() -> impl proptest::strategy::Strategy<Value = Vec<Tok>> {
        use proptest::prelude::*;
        let tok = prop_oneof![
            4 => prop::sample::select(vec![b'a', b'b', b':', b'/']).prop_map(Tok::Char),
            1 => Just(Tok::One),
            1 => Just(Tok::Field),
            1 => Just(Tok::Any),
        ];
        prop::collection::vec(tok, 0..12)
    }

    proptest::proptest! {
        #[test]
        fn evaluating_from_the_start_agrees_with_the_whole_table(a in tokens(), b in tokens()) {
            proptest::prop_assert_eq!(intersect(&a, &b), whole_table(&a, &b));
        }
    }
}
