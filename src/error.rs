//! The library's error type. A lookup that finds nothing is not an error
//! (it returns `Ok(None)`); these are the failures: a file that cannot be
//! read or written, a store that is damaged or of another schema, findings
//! in a data directory, an input that cannot be used.

use guestdb_data::diag::Finding;
use std::fmt;

/// What kind of failure an [`Error`] is.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// A file could not be read or written ([`Error::path`] names it).
    Io,
    /// A store that is not a guestdb store, is damaged, or could not be read.
    Store,
    /// A store built for another schema version.
    SchemaVersion,
    /// Findings in a data directory ([`Error::findings`]).
    Data,
    /// An input that cannot be used (a file's content, a value, a program's answer).
    Input,
}

/// A failure, with the file it concerns where there is one, and the error
/// underneath it (`std::error::Error::source`).
pub struct Error {
    kind: ErrorKind,
    path: Option<String>,
    message: String,
    findings: Vec<Finding>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file (or store) the failure concerns, as given.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// What went wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The findings of a data directory that did not pass its checks
    /// (empty for other kinds).
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    fn new(kind: ErrorKind, path: Option<String>, message: String) -> Error {
        Error {
            kind,
            path,
            message,
            findings: Vec::new(),
            source: None,
        }
    }

    /// The error for an I/O failure on `path`, for `map_err`.
    pub fn io(path: impl AsRef<std::path::Path>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.as_ref().display().to_string();
        move |source| Error {
            message: source.to_string(),
            source: Some(Box::new(source)),
            ..Error::new(ErrorKind::Io, Some(path), String::new())
        }
    }

    /// A store (`path`, or "the embedded store") that cannot be used, and why.
    pub fn store(path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Store, Some(path.into()), message.into())
    }

    /// A store of schema version `found` where this code reads `expected`.
    pub fn schema_version(path: impl Into<String>, found: u32, expected: u32) -> Error {
        Error::new(
            ErrorKind::SchemaVersion,
            Some(path.into()),
            format!(
                "the store has schema version {found}, but this guestdb reads schema version {expected}; \
                 rebuild it with 'guestdb build DATA_DIR -o FILE' or use a matching guestdb"
            ),
        )
    }

    /// A data directory that did not pass its checks.
    pub fn data(findings: Vec<Finding>) -> Error {
        Error {
            findings,
            ..Error::new(ErrorKind::Data, None, String::new())
        }
    }

    /// A file whose content or kind cannot be used: `path` and why.
    pub fn file(path: impl AsRef<std::path::Path>, message: impl Into<String>) -> Error {
        Error::new(
            ErrorKind::Input,
            Some(path.as_ref().display().to_string()),
            message.into(),
        )
    }

    /// An input that cannot be used, said in words.
    pub fn input(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Input, None, message.into())
    }

    /// SQLite failed while reading the store `path`.
    pub(crate) fn sqlite(path: Option<&str>, e: rusqlite::Error) -> Error {
        Error {
            message: format!("store: {e}"),
            source: Some(Box::new(e)),
            ..Error::new(ErrorKind::Store, path.map(str::to_string), String::new())
        }
    }

    /// This error with `cause` as its source.
    pub fn caused_by(mut self, cause: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Box::new(cause));
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Data => {
                for finding in &self.findings {
                    writeln!(f, "{finding}")?;
                }
                let n = self.findings.len();
                write!(f, "{n} error{} in the data", if n == 1 { "" } else { "s" })
            }
            // SQLite's messages name no file; they read "store: ...".
            ErrorKind::Store if self.message.starts_with("store: ") => f.write_str(&self.message),
            _ => match &self.path {
                Some(p) => write!(f, "{p}: {}", self.message),
                None => f.write_str(&self.message),
            },
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("path", &self.path)
            .field("message", &self.to_string())
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// At most `max` characters of `text` for a message, with how long it was
/// when it was cut: an offending input is quoted, never echoed whole.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}... ({} bytes in all)", &text[..cut], text.len()),
    }
}
