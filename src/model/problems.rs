//! Validation problems, collected so the user sees every one of them at once.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Where the bad value came from: a config path (`member_role.name`) or a flag (`--accounts`).
    pub(crate) field: String,
    /// The value and the rule it breaks.
    pub(crate) message: String,
}

#[derive(Debug, Default)]
pub(crate) struct Problems(pub(crate) Vec<Problem>);

impl Problems {
    pub(crate) fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem { field: field.into(), message: message.into() });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Runs a check that yields a value or a message, recording the message under `field`.
    pub(crate) fn check<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.push(field, m);
                None
            }
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}: {}", p.field, p.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}
