//! The `=` alignment `terraform fmt` applies to HCL (hclwrite `format.go`: within a run of consecutive lines whose `=` starts a bracket-balanced
//! expression, keys are padded to the longest + 1; any other line ends the run). Templates already
//! produce the indentation, so alignment is the one rule left to apply.

// The scanners walk bytes: every character they look for is ASCII, and no byte of a multi-byte
// UTF-8 character is below 0x80, so byte indices land on the same places characters would (and
// a line needs no `Vec<char>` of its own).

/// Skips a quoted string starting at `chars[i] == b'"'`; returns the index after the closing quote.
fn skip_string(chars: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < chars.len() {
        match chars[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'$' | b'%' if chars.get(i + 1) == Some(&chars[i]) && chars.get(i + 2) == Some(&b'{') => i += 3,
            b'$' | b'%' if chars.get(i + 1) == Some(&b'{') => i = skip_interpolation(chars, i + 2),
            _ => i += 1,
        }
    }
    i
}

/// Skips a template interpolation body (after `${`); returns the index after its closing `}`.
fn skip_interpolation(chars: &[u8], mut i: usize) -> usize {
    let mut depth = 1;
    while i < chars.len() {
        match chars[i] {
            b'"' => {
                i = skip_string(chars, i);
                continue;
            }
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// For a line `key = value` whose value is bracket-balanced: (indent, key, value).
fn assignment(line: &str) -> Option<(&str, &str, &str)> {
    let chars = line.as_bytes();
    // Most lines of a large root are list items (role ARNs) with no `=` at all: one fast search
    // settles them before the scan that tells a key's `=` from one in a string.
    memchr::memchr(b'=', chars)?;
    let indent_len = chars.iter().take_while(|c| **c == b' ').count();
    let mut i = indent_len;
    let mut eq = None;
    while i < chars.len() {
        match chars[i] {
            b'"' => {
                i = skip_string(chars, i);
                continue;
            }
            b'#' => return None,
            b'/' if chars.get(i + 1) == Some(&b'/') => return None,
            b'=' => {
                let prev = if i > 0 { chars[i - 1] } else { b' ' };
                let next = chars.get(i + 1).copied().unwrap_or(b' ');
                if !b"=!<>".contains(&prev) && next != b'=' && next != b'>' {
                    eq = Some(i);
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let eq = eq.filter(|e| *e > indent_len)?;
    let mut depth: i64 = 0;
    let mut j = eq;
    while j < chars.len() {
        match chars[j] {
            b'"' => {
                j = skip_string(chars, j);
                continue;
            }
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            _ => {}
        }
        j += 1;
    }
    if depth != 0 {
        return None;
    }
    let (indent, rest) = line.split_at(indent_len);
    let key_end = eq - indent.len();
    Some((indent, rest[..key_end].trim_end(), rest[key_end + 1..].trim_start()))
}

fn push_spaces(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut left = n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        left -= k;
    }
}

/// Aligns `=` in runs of assignments, as `terraform fmt` does.
pub(crate) fn align(src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 64);
    // One pass, holding only the current run of assignments: a root of 10,000 accounts has tens
    // of thousands of lines, and a list of all of them (parsed) was a megabyte of its own.
    let mut run: Vec<(&str, &str, &str)> = Vec::new();
    for line in crate::split::lines(src) {
        if let Some(a) = assignment(line) {
            run.push(a);
        } else {
            push_run(&mut out, &mut run);
            out.push_str(line);
            out.push('\n');
        }
    }
    push_run(&mut out, &mut run);
    out
}

/// A run of consecutive assignments, their `=` aligned one space after the longest key; empties
/// the run.
fn push_run(out: &mut String, run: &mut Vec<(&str, &str, &str)>) {
    let width = run.iter().map(|(_, k, _)| k.chars().count()).max().unwrap_or(0);
    for (indent, key, value) in run.drain(..) {
        let pad = width - key.chars().count() + 1;
        out.push_str(indent);
        out.push_str(key);
        push_spaces(out, pad);
        out.push_str("= ");
        out.push_str(value);
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_and_leaves_openers_alone() {
        let src = "resource \"x\" \"y\" {\n  name = \"a\"\n  group = b\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n  })\n}\n";
        let want = "resource \"x\" \"y\" {\n  name  = \"a\"\n  group = b\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n  })\n}\n";
        assert_eq!(align(src), want);
    }

    #[test]
    fn strings_with_equals_and_interpolation_do_not_confuse_it() {
        let src = "  \"a=b\" = \"${x.y}=\"\n  c = \"$${z}\"\n";
        assert_eq!(align(src), "  \"a=b\" = \"${x.y}=\"\n  c     = \"$${z}\"\n");
        assert_eq!(align("  a == b\n"), "  a == b\n");
        assert_eq!(align("# a = b\n"), "# a = b\n");
    }

    #[test]
    fn align_is_idempotent() {
        let src = "a = 1\nlonger_key = [\"x\"]\n\nb = {\n  k = 1\n}\n";
        let once = align(src);
        assert_eq!(align(&once), once);
    }
}
