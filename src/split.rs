//! Splitting text at one ASCII byte with a vectorised search (memchr): at 10,000 accounts the
//! `--accounts` list and the lines of every rendered file are long enough for `str::split` with
//! a `char` to show in a profile.

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
}
