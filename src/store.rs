//! The compiled store (`schema/store.sql`), read-only: opening the embedded
//! default, a store file or a data directory compiled in memory, and every
//! SQL query the library makes. It returns rows and typed documents
//! ([`guestdb_data::doc`]); it knows nothing of detection, machine types or
//! recommendations. [`crate::Database`] is built on it.
//!
//! The connection sits behind a mutex, so a `Store` can be shared between
//! threads; every query is a lookup by key and holds the lock briefly.

use crate::error::Error;
use crate::lifecycle::PhaseEnds;
use crate::os::Os;
use guestdb_data::doc::catalogue::HostProfile;
use guestdb_data::doc::{OsFacts, RelationKind};
use guestdb_data::model::{Date, PhaseEnd, ReleaseStatus, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// The store compiled from `data/` when this crate was built.
static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/guestdb.store"));

/// Where a store was loaded from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The dataset compiled into this build.
    Embedded,
    /// A store file (`guestdb build`, `guestdb release`).
    Store(String),
    /// A data directory compiled when it was opened.
    DataDir(String),
}

/// What the `meta` table says of a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meta {
    /// The date-stamped dataset version (`2026.12.01`).
    pub dataset_version: String,
    /// The schema version of the store.
    pub schema_version: u32,
    /// How many OSes the store holds (rows 0 to `os_count - 1` of `os`).
    pub os_count: u32,
}

/// A read-only guestdb store.
pub struct Store {
    conn: Mutex<Connection>,
    origin: Origin,
    meta: Meta,
}

/// A value of the store that does not read as what its column holds.
#[derive(Debug)]
struct DamagedValue(String);

impl std::fmt::Display for DamagedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DamagedValue {}

/// Checks a store file's SQLite header before SQLite reads it: the magic
/// string, and that the file is as long as the header says (a truncated
/// copy, an interrupted download). SQLite itself finds a short file only
/// when a query reaches the missing pages.
fn check_header(path: &Path, len: u64) -> Result<(), String> {
    use std::io::Read;
    let mut header = [0u8; 100];
    let mut file = crate::input::open(path, crate::input::STORE).map_err(|e| e.to_string())?;
    if len < 100 || file.read_exact(&mut header).is_err() {
        return Err(format!(
            "is not a guestdb store: {len} bytes, too short for an SQLite database"
        ));
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Err("is not a guestdb store: not an SQLite database".into());
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    // The page count is valid when "version-valid-for" equals the change counter.
    let valid = header[92..96] == header[24..28];
    if valid && pages > 0 && page_size * pages != len {
        return Err(format!(
            "is truncated or damaged: the file has {len} bytes, its header says {} pages of {page_size} bytes; rebuild it with 'guestdb build DATA_DIR -o FILE' or copy it again",
            pages
        ));
    }
    Ok(())
}

/// `file:PATH?immutable=1`, the path percent-encoded where a URI needs it.
fn immutable_uri(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Every table `schema/store.sql` creates, with its columns in order.
fn expected_tables() -> &'static [(String, Vec<String>)] {
    static TABLES: once_cell::sync::Lazy<Vec<(String, Vec<String>)>> =
        once_cell::sync::Lazy::new(|| {
            let conn = Connection::open_in_memory().expect("an in-memory database");
            conn.execute_batch(guestdb_data::emit::STORE_SQL)
                .expect("schema/store.sql runs");
            tables(&conn).expect("schema/store.sql's tables")
        });
    &TABLES
}

/// The tables of `conn` (as `sqlite_schema` names them) with their columns.
fn tables(conn: &Connection) -> rusqlite::Result<Vec<(String, Vec<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut cols = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    names
        .into_iter()
        .map(|n| {
            let c = cols
                .query_map([&n], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok((n, c))
        })
        .collect()
}

/// Checks, through `sqlite_schema` and before any query reads them, that
/// every table guestdb reads is a table (not a view, whose query could run
/// for ever) with the columns `schema/store.sql` gives it.
fn check_schema(conn: &Connection) -> Result<(), String> {
    let not_a_store = |e: rusqlite::Error| format!("is not a guestdb store ({e})");
    let mut stmt = conn
        .prepare("SELECT type FROM sqlite_schema WHERE name = ?1")
        .map_err(not_a_store)?;
    let found = tables(conn).map_err(not_a_store)?;
    for (name, columns) in expected_tables() {
        let kind: Option<String> = stmt
            .query_row([name], |r| r.get(0))
            .optional()
            .map_err(not_a_store)?;
        match kind.as_deref() {
            Some("table") => {}
            Some(other) => {
                return Err(format!(
                    "is damaged: {name} is a {other}, not a table; rebuild it with 'guestdb build DATA_DIR -o FILE'"
                ))
            }
            None => {
                return Err(format!(
                    "is not a guestdb store: it has no table {name}"
                ))
            }
        }
        let has = found
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[]);
        if has != columns.as_slice() {
            return Err(format!(
                "is damaged: table {name} has the columns ({}), not ({}); rebuild it with 'guestdb build DATA_DIR -o FILE'",
                has.join(", "),
                columns.join(", ")
            ));
        }
    }
    Ok(())
}

/// The columns of `os` an [`Os`] is read from, in [`Store::os_from_row`]'s order.
const OS_COLUMNS: &str =
    "idx, id, name, vendor, family, distro, version, codename, release_date, eol_date,
     release_status, virtio_legacy, virtio_modern, virtio_driver, chipsets, arches,
     short_ids, aliases, source, path, standard_end, security_end, extended_end";

impl Store {
    /// The dataset embedded in this binary.
    pub fn embedded() -> Result<Store, Error> {
        let fail = |e| Error::sqlite(Some("the embedded store"), e);
        let mut conn = Connection::open_in_memory().map_err(fail)?;
        conn.deserialize_bytes(rusqlite::MAIN_DB, EMBEDDED)
            .map_err(fail)?;
        conn.execute_batch("PRAGMA mmap_size = 268435456;")
            .map_err(fail)?;
        Store::load(conn, Origin::Embedded)
    }

    /// A compiled store file (`guestdb build DIR -o FILE`), opened read-only
    /// after checking its header, length and pages.
    pub fn open(path: &Path) -> Result<Store, Error> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(Error::io(path))?;
        if !meta.is_file() {
            return Err(Error::store(shown, "is not a file"));
        }
        check_header(path, meta.len()).map_err(|message| Error::store(shown.clone(), message))?;
        // Read-only and immutable: SQLite takes no lock and never creates a
        // journal, `-wal` or `-shm` file beside the store (not even for a
        // store in WAL mode).
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(immutable_uri(path), flags)
            .map_err(|e| Error::sqlite(Some(&shown), e))?;
        // A structural check of every page (about 5 ms for the full
        // dataset): a damaged file fails here, not with a wrong answer later.
        let check: Result<String, rusqlite::Error> =
            conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0));
        match check {
            Ok(ok) if ok == "ok" => {}
            Ok(problem) => {
                return Err(Error::store(
                    shown,
                    format!(
                        "is damaged ({}); rebuild it with 'guestdb build DATA_DIR -o FILE' or copy it again",
                        problem.replace("*** in database main ***\n", "").replace('\n', "; ")
                    ),
                ))
            }
            Err(e) => {
                return Err(Error::store(shown, format!("is not a guestdb store ({e})")));
            }
        }
        check_schema(&conn).map_err(|m| Error::store(shown.clone(), m))?;
        let store = Store::load(conn, Origin::Store(shown))?;
        store.check_counts()?;
        Ok(store)
    }

    /// Reads, checks and compiles a data directory in memory.
    pub fn from_data_dir(dir: &Path) -> Result<Store, Error> {
        let checked = guestdb_data::load_dir(dir).map_err(Error::data)?;
        let shown = dir.display().to_string();
        let conn =
            guestdb_data::emit_connection(&checked).map_err(|e| Error::sqlite(Some(&shown), e))?;
        Store::load(conn, Origin::DataDir(shown))
    }

    fn load(conn: Connection, origin: Origin) -> Result<Store, Error> {
        let where_ = match &origin {
            Origin::Embedded => "the embedded store".to_string(),
            Origin::Store(p) | Origin::DataDir(p) => p.clone(),
        };
        let not_a_store = |e: rusqlite::Error| {
            Error::store(where_.clone(), format!("is not a guestdb store ({e})"))
        };
        let meta: HashMap<String, String> = {
            let mut stmt = conn
                .prepare("SELECT key, value FROM meta")
                .map_err(not_a_store)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(not_a_store)?;
            rows.collect::<Result<_, _>>().map_err(not_a_store)?
        };
        let damaged =
            |message: String| Error::store(where_.clone(), format!("is damaged: {message}"));
        let schema_version: u32 = match meta.get("schema_version") {
            None => return Err(damaged("its meta table has no schema_version".into())),
            Some(v) => v
                .parse()
                .map_err(|_| damaged(format!("its schema_version '{v}' is not a number")))?,
        };
        if schema_version != SCHEMA_VERSION {
            return Err(Error::schema_version(
                where_,
                schema_version,
                SCHEMA_VERSION,
            ));
        }
        let dataset_version = match meta.get("dataset_version") {
            Some(v) if !v.is_empty() => v.clone(),
            _ => return Err(damaged("its meta table has no dataset_version".into())),
        };
        let os_count: u32 = match meta.get("os_count").map(|v| (v, v.parse())) {
            Some((_, Ok(n))) => n,
            Some((v, Err(_))) => {
                return Err(damaged(format!("its os_count '{v}' is not a number")))
            }
            None => return Err(damaged("its meta table has no os_count".into())),
        };
        Ok(Store {
            conn: Mutex::new(conn),
            origin,
            meta: Meta {
                dataset_version,
                schema_version,
                os_count,
            },
        })
    }

    /// Checks, before anything is allocated by them, that the counts of a
    /// store file agree: `meta.os_count` is the number of rows of `os`,
    /// numbered 0 to `os_count - 1`, and every name in `os_name` and every
    /// relation names one of them.
    fn check_counts(&self) -> Result<(), Error> {
        let conn = self.conn();
        let q = |sql: &str| -> Result<(i64, Option<i64>, Option<i64>), Error> {
            conn.query_row(sql, [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .map_err(|e| self.read_error(e))
        };
        let (rows, min, max) = q("SELECT count(*), min(idx), max(idx) FROM os")?;
        let n = i64::from(self.meta.os_count);
        if rows != n {
            return Err(self.damaged(format!(
                "table meta, row os_count, column value says {n} OSes, table os has {rows} rows"
            )));
        }
        if rows > 0 && (min != Some(0) || max != Some(rows - 1)) {
            return Err(self.damaged(format!(
                "table os, column idx runs from {} to {}, not from 0 to {}",
                min.unwrap_or(0),
                max.unwrap_or(0),
                rows - 1
            )));
        }
        for (table, column, key) in [
            ("os_name", "os", "name"),
            ("os_facts", "os", "os"),
            ("os_relation", "os", "os"),
            ("os_relation", "target_os", "os"),
        ] {
            let sql = format!(
                "SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL AND ({column} < 0 OR {column} >= ?1) LIMIT 1"
            );
            let bad: Option<(String, i64)> = conn
                .query_row(&sql, [n], |r| {
                    let key: rusqlite::types::Value = r.get(0)?;
                    let key = match key {
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Integer(i) => i.to_string(),
                        other => format!("{other:?}"),
                    };
                    Ok((key, r.get(1)?))
                })
                .optional()
                .map_err(|e| self.read_error(e))?;
            if let Some((row, value)) = bad {
                let row: String = row.chars().take(64).collect();
                return Err(self.damaged(format!(
                    "table {table}, row {key} '{row}', column {column}: {value} names no row of os (0 to {})",
                    n - 1
                )));
            }
        }
        Ok(())
    }

    /// Where the store came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// What its `meta` table says.
    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// How messages name the store: its path, or "the embedded store".
    pub fn describe(&self) -> &str {
        match &self.origin {
            Origin::Embedded => "the embedded store",
            Origin::Store(p) | Origin::DataDir(p) => p,
        }
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held cannot leave a read-only
        // connection inconsistent: use it anyway.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A failure to read: a damaged value names the store and the value;
    /// anything else is SQLite's.
    fn read_error(&self, e: rusqlite::Error) -> Error {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(DamagedValue(message)) = inner.downcast_ref::<DamagedValue>() {
                return Error::store(self.describe(), format!("is damaged: {message}"));
            }
        }
        Error::sqlite(Some(self.describe()), e)
    }

    /// The damaged-store error for something missing or wrong in it.
    pub fn damaged(&self, message: impl std::fmt::Display) -> Error {
        Error::store(self.describe(), format!("is damaged: {message}"))
    }

    fn os_from_row(r: &rusqlite::Row) -> rusqlite::Result<Os> {
        let idx: u32 = r.get(0)?;
        let damaged = |i: usize, what: &str, value: &str| {
            // A short prefix of the value: it may be any length.
            let value: String = value.chars().take(40).collect();
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                Box::new(DamagedValue(format!(
                    "table os, row {idx}, column {what}: '{value}' is not {}",
                    if what == "release_status" {
                        "a release status (released, prerelease, snapshot, rolling)"
                    } else if what.ends_with("_end") {
                        "a phase end (YYYY-MM-DD, unknown or tba)"
                    } else {
                        "a date (YYYY-MM-DD)"
                    }
                ))),
            )
        };
        let date = |i: usize, what: &str| -> rusqlite::Result<Option<Date>> {
            match r.get::<_, Option<String>>(i)? {
                None => Ok(None),
                Some(s) => Date::parse(&s)
                    .map(Some)
                    .ok_or_else(|| damaged(i, what, &s)),
            }
        };
        let end = |i: usize, what: &str| -> rusqlite::Result<Option<PhaseEnd>> {
            match r.get::<_, Option<String>>(i)? {
                None => Ok(None),
                Some(s) => PhaseEnd::parse(&s)
                    .map(Some)
                    .ok_or_else(|| damaged(i, what, &s)),
            }
        };
        let lifecycle = PhaseEnds {
            standard: end(20, "standard_end")?,
            security: end(21, "security_end")?,
            extended: end(22, "extended_end")?,
        };
        let status: String = r.get(10)?;
        let release_status =
            ReleaseStatus::parse(&status).ok_or_else(|| damaged(10, "release_status", &status))?;
        let words = |i: usize| -> rusqlite::Result<Vec<String>> {
            Ok(r.get::<_, String>(i)?
                .split_whitespace()
                .map(str::to_string)
                .collect())
        };
        Ok(Os {
            idx,
            id: r.get(1)?,
            short_ids: words(16)?,
            aliases: words(17)?,
            source: r.get(18)?,
            path: r.get(19)?,
            name: r.get(2)?,
            vendor: r.get(3)?,
            family: r.get(4)?,
            distro: r.get(5)?,
            version: r.get(6)?,
            codename: r.get(7)?,
            release_date: date(8, "release_date")?,
            eol_date: date(9, "eol_date")?,
            release_status,
            lifecycle,
            virtio_legacy: r.get(11)?,
            virtio_modern: r.get(12)?,
            virtio_driver: r.get(13)?,
            chipsets: r.get(14)?,
            arches: words(15)?,
        })
    }

    /// The OS of row `idx`, if there is one.
    pub fn os(&self, idx: u32) -> Result<Option<Os>, Error> {
        let conn = self.conn();
        let sql = format!("SELECT {OS_COLUMNS} FROM os WHERE idx = ?1");
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.read_error(e))?;
        stmt.query_row([idx], Store::os_from_row)
            .optional()
            .map_err(|e| self.read_error(e))
    }

    /// The OS with id, short-id or alias `name`, if there is one (one statement).
    pub fn os_named(&self, name: &str) -> Result<Option<Os>, Error> {
        let conn = self.conn();
        let sql = format!(
            "SELECT {OS_COLUMNS} FROM os WHERE idx = (SELECT idx FROM os WHERE id = ?1 UNION ALL SELECT os FROM os_name WHERE name = ?1 LIMIT 1)"
        );
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.read_error(e))?;
        stmt.query_row([name], Store::os_from_row)
            .optional()
            .map_err(|e| self.read_error(e))
    }

    /// Every OS, in row order (natural id order).
    pub fn oses(&self) -> Result<Vec<Os>, Error> {
        let conn = self.conn();
        let sql = format!("SELECT {OS_COLUMNS} FROM os ORDER BY idx");
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.read_error(e))?;
        let rows = stmt
            .query_map([], Store::os_from_row)
            .map_err(|e| self.read_error(e))?;
        rows.collect::<rusqlite::Result<Vec<Os>>>()
            .map_err(|e| self.read_error(e))
    }

    /// Every name lookups accept (ids, short-ids, aliases) with its OS's row.
    pub fn names(&self) -> Result<Vec<(String, u32)>, Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, idx FROM os UNION ALL SELECT name, os FROM os_name")
            .map_err(|e| self.read_error(e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.read_error(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.read_error(e))
    }

    /// Every fact of the OS of row `idx` (its `os_facts` document).
    pub fn os_facts(&self, os: &Os) -> Result<OsFacts, Error> {
        let text: Option<String> = {
            let conn = self.conn();
            let mut stmt = conn
                .prepare_cached("SELECT facts FROM os_facts WHERE os = ?1")
                .map_err(|e| self.read_error(e))?;
            stmt.query_row([os.idx], |r| r.get(0))
                .optional()
                .map_err(|e| self.read_error(e))?
        };
        let Some(text) = text else {
            return Err(self.damaged(format!(
                "table os_facts has no row for OS {} ({})",
                os.idx, os.id
            )));
        };
        let mut facts: OsFacts = self.parse_doc(&format!("the facts of {}", os.id), &text)?;
        facts.source = os.source.clone();
        facts.path = os.path.clone();
        Ok(facts)
    }

    /// The rows of the OSes that OS `idx` names in `kind`, in its order.
    pub fn related(&self, idx: u32, kind: RelationKind) -> Result<Vec<u32>, Error> {
        self.relation_query(
            "SELECT target_os FROM os_relation WHERE os = ?1 AND kind = ?2 AND target_os IS NOT NULL ORDER BY ord",
            idx,
            kind,
        )
    }

    /// The rows of the OSes that name OS `idx` in `kind`.
    pub fn related_to(&self, idx: u32, kind: RelationKind) -> Result<Vec<u32>, Error> {
        self.relation_query(
            "SELECT os FROM os_relation WHERE target_os = ?1 AND kind = ?2 ORDER BY os",
            idx,
            kind,
        )
    }

    fn relation_query(&self, sql: &str, idx: u32, kind: RelationKind) -> Result<Vec<u32>, Error> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(sql).map_err(|e| self.read_error(e))?;
        let rows = stmt
            .query_map(rusqlite::params![idx, kind.name()], |r| r.get(0))
            .map_err(|e| self.read_error(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.read_error(e))
    }

    /// The catalogue document `name`, if the store has it.
    pub fn catalogue<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, Error> {
        let text: Option<String> = {
            let conn = self.conn();
            let mut stmt = conn
                .prepare_cached("SELECT doc FROM catalogue WHERE name = ?1")
                .map_err(|e| self.read_error(e))?;
            stmt.query_row([name], |r| r.get(0))
                .optional()
                .map_err(|e| self.read_error(e))?
        };
        text.map(|t| self.parse_doc(&format!("catalogue document '{name}'"), &t))
            .transpose()
    }

    /// The catalogue document `name`, which every store has.
    pub fn required_catalogue<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<T, Error> {
        self.catalogue(name)?
            .ok_or_else(|| self.damaged(format_args!("it has no catalogue document '{name}'")))
    }

    /// The names of the catalogue documents starting with `prefix`, without it.
    pub fn catalogue_names(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached("SELECT substr(name, length(?1) + 1) FROM catalogue WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name")
            .map_err(|e| self.read_error(e))?;
        let rows = stmt
            .query_map([prefix], |r| r.get(0))
            .map_err(|e| self.read_error(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.read_error(e))
    }

    /// The detection rows `names` that exist, as (name, text), in one query.
    pub fn detect_rows(&self, names: &[String]) -> Result<Vec<(String, String)>, Error> {
        let list = serde_json::to_string(names).map_err(|e| Error::input(e.to_string()))?;
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(
                "SELECT name, doc FROM detect WHERE name IN (SELECT value FROM json_each(?1))",
            )
            .map_err(|e| self.read_error(e))?;
        let rows = stmt
            .query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| self.read_error(e))?;
        rows.collect::<rusqlite::Result<_>>()
            .map_err(|e| self.read_error(e))
    }

    /// The detection row `name` read as `T`; every store has it.
    pub fn detect_doc<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        let rows = self.detect_rows(&[name.to_string()])?;
        let (_, text) = rows
            .into_iter()
            .next()
            .ok_or_else(|| self.damaged(format_args!("it has no detection row '{name}'")))?;
        self.parse_doc(&format!("detection row '{name}'"), &text)
    }

    /// The host profiles (`only`: just that one), by id.
    pub fn host_profiles(&self, only: Option<&str>) -> Result<Vec<HostProfile>, Error> {
        let rows: Vec<(String, String)> = {
            let conn = self.conn();
            let mut stmt = conn
                .prepare_cached("SELECT id, doc FROM host WHERE ?1 IS NULL OR id = ?1 ORDER BY id")
                .map_err(|e| self.read_error(e))?;
            let rows = stmt
                .query_map([only], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(|e| self.read_error(e))?;
            rows.collect::<rusqlite::Result<_>>()
                .map_err(|e| self.read_error(e))?
        };
        rows.iter()
            .map(|(id, doc)| self.parse_doc(&format!("host profile '{id}'"), doc))
            .collect()
    }

    /// A JSON document of the store, as `T`; `what` names it in the error.
    pub fn parse_doc<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        text: &str,
    ) -> Result<T, Error> {
        serde_json::from_str(text)
            .map_err(|e| self.damaged(format_args!("{what} does not read: {e}")))
    }
}
