//! Standard error for people: `error:`, `warning:` and `drift:` prefixes in colour when wanted
//! (`--color`, `NO_COLOR`, a terminal), and `--quiet` dropping the `crossrole:` progress lines
//! while keeping every error and warning. The commands write plain lines; this writer styles
//! them, so no message is formatted twice.

use std::io::{self, Write};

/// `--color` as given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorChoice {
    /// Colour when standard error is a terminal and `NO_COLOR` is unset (default)
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour: `auto` asks the terminal (`stderr_is_tty`) and `NO_COLOR`
    /// (<https://no-color.org>: set and not empty turns colour off).
    pub(crate) fn enabled(self, stderr_is_tty: bool, no_color: Option<&str>) -> bool {
        match self {
            Self::Always => true,
            Self::Never => false,
            Self::Auto => stderr_is_tty && no_color.is_none_or(str::is_empty),
        }
    }
}

const RED_BOLD: &str = "\x1b[1;31m";
const YELLOW_BOLD: &str = "\x1b[1;33m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

/// A line-buffered writer over standard error that styles each whole line.
pub(crate) struct Styled<'a> {
    inner: &'a mut dyn Write,
    color: bool,
    quiet: bool,
    line: Vec<u8>,
}

impl<'a> Styled<'a> {
    pub(crate) fn new(inner: &'a mut dyn Write, color: bool, quiet: bool) -> Self {
        Styled { inner, color, quiet, line: Vec::new() }
    }

    fn emit_line(&mut self, line: &[u8]) -> io::Result<()> {
        let text = String::from_utf8_lossy(line);
        if self.quiet && text.starts_with("crossrole: ") {
            return Ok(());
        }
        let styled = [("error:", RED_BOLD), ("warning:", YELLOW_BOLD), ("drift:", YELLOW_BOLD), ("crossrole:", GREEN)]
            .iter()
            .find(|(prefix, _)| self.color && text.starts_with(prefix));
        match styled {
            Some((prefix, colour)) => {
                write!(self.inner, "{colour}{prefix}{RESET}{}", &text[prefix.len()..])
            }
            None => self.inner.write_all(line),
        }
    }
}

impl Write for Styled<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        for &b in buf {
            self.line.push(b);
            if b == b'\n' {
                let line = std::mem::take(&mut self.line);
                self.emit_line(&line)?;
            }
        }
        Ok(buf.len())
    }

    /// A last line without a newline is written as it is.
    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            let line = std::mem::take(&mut self.line);
            self.emit_line(&line)?;
        }
        self.inner.flush()
    }
}

impl Drop for Styled<'_> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn styled(color: bool, quiet: bool, text: &str) -> String {
        let mut out = Vec::new();
        {
            let mut s = Styled::new(&mut out, color, quiet);
            s.write_all(text.as_bytes()).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn prefixes_are_coloured_and_the_rest_is_kept() {
        let text = "error: a: b\nwarning: c\nplain\ncrossrole: 3 written\n";
        assert_eq!(styled(false, false, text), text);
        assert_eq!(
            styled(true, false, text),
            "\x1b[1;31merror:\x1b[0m a: b\n\x1b[1;33mwarning:\x1b[0m c\nplain\n\x1b[32mcrossrole:\x1b[0m 3 written\n"
        );
    }

    #[test]
    fn quiet_drops_progress_lines_only() {
        assert_eq!(styled(false, true, "crossrole: 3 written\nwarning: w\nerror: e"), "warning: w\nerror: e");
    }

    #[test]
    fn colour_choice_follows_no_color_and_the_terminal() {
        assert!(ColorChoice::Auto.enabled(true, None));
        assert!(ColorChoice::Auto.enabled(true, Some("")));
        assert!(!ColorChoice::Auto.enabled(true, Some("1")));
        assert!(!ColorChoice::Auto.enabled(false, None));
        assert!(ColorChoice::Always.enabled(false, Some("1")));
        assert!(!ColorChoice::Never.enabled(true, None));
    }
}
