//! The library's error type. A lookup that finds nothing is not an error
//! (it returns `None`); these are the failures.

use guestdb_data::diag::Finding;
use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        path: String,
        source: std::io::Error,
    },
    /// A store that is not a guestdb store, or is damaged.
    Store { path: String, message: String },
    /// A store built for another schema version.
    SchemaVersion {
        path: String,
        found: u32,
        expected: u32,
    },
    /// Findings in a data directory.
    Data(Vec<Finding>),
    /// An SQLite failure while reading the store.
    Sqlite(rusqlite::Error),
    /// Anything else, said in words.
    Other(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Store { path, message } => write!(f, "{path}: {message}"),
            Error::SchemaVersion { path, found, expected } => write!(
                f,
                "{path}: the store has schema version {found}, but this guestdb reads schema version {expected}; \
                 rebuild it with 'guestdb build DATA_DIR -o FILE' or use a matching guestdb"
            ),
            Error::Data(findings) => {
                for finding in findings {
                    writeln!(f, "{finding}")?;
                }
                let n = findings.len();
                write!(f, "{n} error{} in the data", if n == 1 { "" } else { "s" })
            }
            Error::Sqlite(e) => write!(f, "store: {e}"),
            Error::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The error for an I/O failure on `path`, for `map_err`.
    pub fn io(path: impl AsRef<std::path::Path>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.as_ref().display().to_string();
        move |source| Error::Io { path, source }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::Sqlite(e)
    }
}
