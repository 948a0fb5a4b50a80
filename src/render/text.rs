//! Text normalisation for every output file, whatever its language.

/// LF line ends, no trailing whitespace, no leading blank lines, at most one blank line in a row,
/// exactly one final newline.
pub(crate) fn normalise(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    normalise_into(src, &mut out);
    out
}

/// `normalise` into `out`, emptied first (its capacity is kept).
pub(crate) fn normalise_into(src: &str, out: &mut String) {
    out.clear();
    out.reserve(src.len());
    let mut blank_run = 0;
    // `trim_end` drops the `\r` of a CRLF line end with the other trailing whitespace.
    for line in crate::split::on(src, b'\n') {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if blank_run > 0 && !out.is_empty() {
            out.push('\n');
        }
        blank_run = 0;
        out.push_str(line);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_collapses_blank_lines_and_ends_with_one_newline() {
        assert_eq!(normalise("\n\na  \r\n\n\n\nb\n\n"), "a\n\nb\n");
    }
}
