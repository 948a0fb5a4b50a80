//! Catalog resource strings: literal text with `${Name}` placeholders. An IAM policy variable
//! (`${aws:username}`, always with a colon) is literal text, not a placeholder.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placeholder {
    Partition,
    Account,
    UserPath,
    UserName,
    GroupPath,
    GroupName,
}

impl Placeholder {
    pub(crate) const ALL: [Placeholder; 6] = [
        Placeholder::Partition,
        Placeholder::Account,
        Placeholder::UserPath,
        Placeholder::UserName,
        Placeholder::GroupPath,
        Placeholder::GroupName,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Placeholder::Partition => "Partition",
            Placeholder::Account => "Account",
            Placeholder::UserPath => "UserPath",
            Placeholder::UserName => "UserName",
            Placeholder::GroupPath => "GroupPath",
            Placeholder::GroupName => "GroupName",
        }
    }

    /// Placeholders that name the hub's user or group, meaningless in any other account.
    pub(crate) fn is_hub_only(self) -> bool {
        !matches!(self, Placeholder::Partition | Placeholder::Account)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    Lit(String),
    Placeholder(Placeholder),
}

pub(crate) fn parse_placeholders(s: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        lit.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err("unterminated `${`".to_string());
        };
        let name = &after[..end];
        if name.contains(':') {
            lit.push_str(&rest[start..=(start + 2 + end)]);
        } else {
            let ph = Placeholder::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| {
                let known: Vec<String> = Placeholder::ALL.iter().map(|p| format!("${{{}}}", p.name())).collect();
                format!("unknown placeholder ${{{name}}} (known: {})", known.join(", "))
            })?;
            if !lit.is_empty() {
                out.push(Piece::Lit(std::mem::take(&mut lit)));
            }
            out.push(Piece::Placeholder(ph));
        }
        rest = &after[end + 1..];
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        out.push(Piece::Lit(lit));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_iam_variables() {
        assert_eq!(
            parse_placeholders("arn:${Partition}:s3:::b/${aws:username}/*").unwrap(),
            vec![
                Piece::Lit("arn:".into()),
                Piece::Placeholder(Placeholder::Partition),
                Piece::Lit(":s3:::b/${aws:username}/*".into()),
            ]
        );
        assert!(parse_placeholders("${Nope}").unwrap_err().contains("unknown placeholder ${Nope}"));
        assert!(parse_placeholders("a${Partition").is_err());
    }
}
