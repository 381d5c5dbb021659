//! The guestdb data compiler.
//!
//! One implementation of the data flow `read → derive → resolve → check → emit`,
//! shared by build.rs (the embedded store), `guestdb validate`, `guestdb
//! build`, the osinfo-db importer and the tests:
//!
//! - [`read`]: data files to records, with the shape of each file checked;
//! - [`derive`]: the facts a Linux release's kernel implies (`data/linux.xml`);
//! - [`resolve`]: inheritance (derives-from, then clones; nearest wins);
//! - [`check`]: every rule that spans elements or files;
//! - [`emit`]: the SQLite store described by `schema/store.sql`;
//! - [`write`](mod@write): records back to data files (used by the importer);
//! - [`atomic`]: writing any file atomically (temporary file, sync, rename).

pub mod atomic;
pub mod check;
pub mod derive;
pub mod diag;
pub mod doc;
pub mod emit;
pub mod input;
pub mod model;
pub mod read;
pub mod resolve;
pub mod scaffold;
pub mod text;
pub mod write;
pub mod xml;

use diag::{Finding, Findings};
use std::path::Path;

pub use atomic::write_atomic;
pub use model::SCHEMA_VERSION;

/// A dataset that passed every check. (Inheritance is resolved again where
/// needed: the resolved view borrows the records.)
pub struct Checked {
    pub data: model::Dataset,
}

impl Checked {
    pub fn index(&self) -> resolve::Index<'_> {
        resolve::Index::new(&self.data)
    }
}

/// Reads, resolves and checks a data directory. Returns every finding on failure.
///
/// ```
/// let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
/// let checked = guestdb_data::load_dir(&dir).expect("the dataset is valid");
/// assert!(checked.data.oses.iter().any(|os| os.id.value == "http://redhat.com/rhel/6.10"));
/// ```
pub fn load_dir(dir: &Path) -> Result<Checked, Vec<Finding>> {
    let mut findings = Findings::default();
    let data = read::read_dir(dir, &mut findings);
    let Some(mut data) = data else {
        return Err(findings.sorted());
    };
    derive::derive(&mut data);
    check_dataset(&data, &mut findings);
    if findings.is_empty() {
        Ok(Checked { data })
    } else {
        Err(findings.sorted())
    }
}

/// Runs resolution and every cross-file rule over an already read dataset.
pub fn check_dataset(data: &model::Dataset, findings: &mut Findings) {
    let index = resolve::Index::new(data);
    let resolved = resolve::resolve_all(data, &index);
    check::check(data, &index, &resolved, findings);
}

/// Emits a checked dataset into a new in-memory database.
pub fn emit_connection(checked: &Checked) -> rusqlite::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open_in_memory()?;
    let index = checked.index();
    let resolved = resolve::resolve_all(&checked.data, &index);
    emit::emit(&conn, &checked.data, &index, &resolved)?;
    Ok(conn)
}

/// The store of a checked dataset, as the bytes of an SQLite database file.
pub fn emit_bytes(checked: &Checked) -> rusqlite::Result<Vec<u8>> {
    let mut conn = emit_connection(checked)?;
    let data = conn.serialize(rusqlite::MAIN_DB)?;
    Ok(data.to_vec())
}

/// Error of [`compile_dir`]: findings in the data, or a failure of SQLite.
#[derive(Debug)]
pub enum CompileError {
    Findings(Vec<Finding>),
    Store(rusqlite::Error),
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileError::Findings(list) => {
                for finding in list {
                    writeln!(f, "{finding}")?;
                }
                write!(
                    f,
                    "{} error{} in the data",
                    list.len(),
                    if list.len() == 1 { "" } else { "s" }
                )
            }
            CompileError::Store(e) => write!(f, "cannot write the store: {e}"),
        }
    }
}

impl std::error::Error for CompileError {}

/// Reads, checks and compiles a data directory into store bytes.
pub fn compile_dir(dir: &Path) -> Result<Vec<u8>, CompileError> {
    let checked = load_dir(dir).map_err(CompileError::Findings)?;
    emit_bytes(&checked).map_err(CompileError::Store)
}
