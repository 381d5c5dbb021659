//! The emitter: a checked, resolved dataset into the SQLite store
//! (`schema/store.sql`).
//!
//! - [`os`](mod@os): OS rows and their facts;
//! - [`catalogue`]: devices, machine types and host profiles;
//! - [`detect`]: the media and tree patterns detection matches against.

mod catalogue;
pub mod detect;
pub(crate) mod os;

use crate::model::*;
use crate::resolve::{Index, ResolvedOs};
use rusqlite::{params, Connection};

pub use os::{chipset_bit, virtio_bit};

/// The DDL of the store.
pub const STORE_SQL: &str = include_str!("../../../../schema/store.sql");

/// Writes the dataset into an empty database.
pub fn emit(
    conn: &Connection,
    data: &Dataset,
    index: &Index,
    resolved: &[ResolvedOs],
) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    conn.execute_batch(&compact_ddl(STORE_SQL))?;
    let tx = conn.unchecked_transaction()?;
    // Rows refer to OSes inserted later; references are checked at commit.
    tx.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
    {
        let mut meta = tx.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
        meta.execute(params!["schema_version", SCHEMA_VERSION.to_string()])?;
        meta.execute(params!["dataset_version", data.info.version.value])?;
        meta.execute(params!["os_count", data.oses.len().to_string()])?;
        meta.execute(params![
            "generator",
            concat!("guestdb-data ", env!("CARGO_PKG_VERSION"))
        ])?;
        let mut src = tx.prepare(
            "INSERT INTO source (id, name, url, license, snapshot) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for s in &data.info.sources {
            src.execute(params![
                s.id.value,
                s.name,
                s.url,
                s.license,
                s.snapshot.map(|d| d.to_string())
            ])?;
        }
    }
    catalogue::emit_devices(&tx, data)?;
    let store_idx = os::emit_oses(&tx, data, index, resolved)?;
    detect::emit_detect(&tx, data, &store_idx)?;
    catalogue::emit_machines(&tx, data)?;
    catalogue::emit_hosts(&tx, data)?;
    catalogue::emit_profile(&tx, data)?;
    tx.commit()?;
    // No ANALYZE: loading sqlite_stat1 at open costs more than any plan it
    // would improve (every query is a lookup by primary key or index).
    conn.execute_batch("VACUUM;")?;
    Ok(())
}

/// The DDL without comments and with runs of white space as one space: the
/// store keeps each CREATE statement's text and SQLite parses all of it
/// whenever a store is opened, so shorter text opens faster. (The DDL has
/// no string literals with `--` or significant white space.)
pub fn compact_ddl(ddl: &str) -> String {
    let mut out = String::with_capacity(ddl.len());
    for line in ddl.lines() {
        let code = line.split("--").next().unwrap_or("");
        for word in code.split_whitespace() {
            if !out.is_empty() && !out.ends_with(['(', ' ']) && !word.starts_with([')', ',']) {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

/// Values joined by spaces (the reader refuses names with white space).
fn words<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values.into_iter().collect::<Vec<_>>().join(" ")
}
