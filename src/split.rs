//! Splitting text at one ASCII byte with a vectorised search (memchr): at 10,000 accounts the
//! `--accounts` list and the lines of every rendered file are long enough for `str::split` with
//! a `char` (and `str::lines`) to show in a profile.

/// `s.split(char::from(sep))`. `sep` must be ASCII, so every piece starts and ends on a
/// character boundary.
pub(crate) fn on(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    debug_assert!(sep.is_ascii());
    let ends = memchr::memchr_iter(sep, s.as_bytes()).chain([s.len()]);
    ends.scan(0, move |from, end| {
        let piece = &s[*from..end];
        *from = end + 1;
        Some(piece)
    })
}

/// `s.lines()`: pieces between `\n`, a `\r` before the `\n` dropped, no empty piece after a
/// final `\n`.
pub(crate) fn lines(s: &str) -> impl Iterator<Item = &str> {
    let body = s.strip_suffix('\n').unwrap_or(s);
    // An empty text has no line, not one empty line.
    (!s.is_empty()).then(|| on(body, b'\n')).into_iter().flatten().map(move |line| {
        // Where the piece ends in `s`: a `\r` is a line ending only when a `\n` follows it.
        let end = line.as_ptr() as usize - s.as_ptr() as usize + line.len();
        match line.strip_suffix('\r') {
            Some(stripped) if end < s.len() => stripped,
            _ => line,
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_as_str_split_does() {
        for s in ["", ",", "a", "a,", ",a", "a,,b", "é,ü,,\u{2028},", "111111111111,222222222222"] {
            assert_eq!(super::on(s, b',').collect::<Vec<_>>(), s.split(',').collect::<Vec<_>>(), "{s:?}");
        }
        let text = "a\r\n\nb é\n";
        assert_eq!(super::on(text, b'\n').collect::<Vec<_>>(), text.split('\n').collect::<Vec<_>>());
    }

    #[test]
    fn lines_are_str_lines() {
        for s in
            ["", "\n", "\n\n", "a", "a\n", "a\n\n", "a\r\nb", "a\r\nb\r\n", "a\r", "\r", "a\rb\n", "é\r\n\r\n", "x\n\r"]
        {
            assert_eq!(super::lines(s).collect::<Vec<_>>(), s.lines().collect::<Vec<_>>(), "{s:?}");
        }
    }
}
