//! Opening a compiled store: the embedded default, a store file, or a data
//! directory compiled on the fly. Opening loads only the name index (ids,
//! short-ids, aliases) into memory; an OS's summary is read from SQLite the
//! first time it is asked for, and its full facts on demand.

use crate::error::Error;
use crate::os::Os;
use guestdb_data::model::{Date, ReleaseStatus, SCHEMA_VERSION};
use once_cell::unsync::OnceCell;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::path::Path;

/// The store compiled from `data/` when this crate was built.
static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/guestdb.store"));

/// Where a [`Database`] was loaded from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Embedded,
    Store(String),
    DataDir(String),
}

/// The guest-OS database: lookups in memory, details from SQLite.
pub struct Database {
    pub(crate) conn: Connection,
    /// Every id, short-id and alias to its OS, built the first time a caller
    /// needs all names (suggestions) or looks up a second name; the first
    /// lookup asks SQLite instead (one-shot commands look up one name).
    by_name: OnceCell<FxHashMap<Box<str>, u32>>,
    /// Lookups answered by SQLite so far (the second builds the index).
    sql_lookups: std::cell::Cell<u32>,
    /// Each OS's summary, read from the store on first use (boxed: the
    /// vector of empty cells stays small for a one-shot lookup).
    rows: Vec<OnceCell<Box<Os>>>,
    /// The machine-type catalogue, read on first use.
    pub(crate) machines: OnceCell<crate::machine::MachineCatalogue>,
    /// What detection read of the media and tree patterns so far.
    pub(crate) detect: OnceCell<crate::detect::matcher::Matcher>,
    pub(crate) newest: OnceCell<crate::detect::newer::Newest>,
    pub(crate) datamaps: OnceCell<HashMap<String, HashMap<String, String>>>,
    dataset_version: String,
    schema_version: u32,
    origin: Origin,
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
    let mut file = std::fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
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

impl Database {
    /// The dataset embedded in this binary.
    pub fn embedded() -> Result<Database, Error> {
        let mut conn = Connection::open_in_memory()?;
        conn.deserialize_bytes(rusqlite::MAIN_DB, EMBEDDED)?;
        conn.execute_batch("PRAGMA mmap_size = 268435456;")?;
        Database::load(conn, Origin::Embedded)
    }

    /// A compiled store file (`guestdb build DIR -o FILE`), opened read-only
    /// after checking its header, length and pages.
    pub fn open(path: &Path) -> Result<Database, Error> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| Error::Io {
            path: shown.clone(),
            source: e,
        })?;
        if !meta.is_file() {
            return Err(Error::Store {
                path: shown,
                message: "is not a file".into(),
            });
        }
        check_header(path, meta.len()).map_err(|message| Error::Store {
            path: shown.clone(),
            message,
        })?;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        // A structural check of every page (about 5 ms for the full
        // dataset): a damaged file fails here, not with a wrong answer later.
        let check: Result<String, rusqlite::Error> =
            conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0));
        match check {
            Ok(ok) if ok == "ok" => {}
            Ok(problem) => {
                return Err(Error::Store {
                    path: shown,
                    message: format!(
                        "is damaged ({}); rebuild it with 'guestdb build DATA_DIR -o FILE' or copy it again",
                        problem.replace("*** in database main ***\n", "").replace('\n', "; ")
                    ),
                })
            }
            Err(e) => {
                return Err(Error::Store {
                    path: shown,
                    message: format!("is not a guestdb store ({e})"),
                })
            }
        }
        Database::load(conn, Origin::Store(shown))
    }

    /// Reads, checks and compiles a data directory in memory.
    pub fn from_data_dir(dir: &Path) -> Result<Database, Error> {
        let checked = guestdb_data::load_dir(dir).map_err(Error::Data)?;
        let conn = guestdb_data::emit_connection(&checked)?;
        Database::load(conn, Origin::DataDir(dir.display().to_string()))
    }

    fn load(conn: Connection, origin: Origin) -> Result<Database, Error> {
        let where_ = match &origin {
            Origin::Embedded => "the embedded store".to_string(),
            Origin::Store(p) | Origin::DataDir(p) => p.clone(),
        };
        let not_a_store = |e: rusqlite::Error| Error::Store {
            path: where_.clone(),
            message: format!("is not a guestdb store ({e})"),
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
        let damaged = |message: String| Error::Store {
            path: where_.clone(),
            message: format!("is damaged: {message}"),
        };
        let schema_version: u32 = match meta.get("schema_version") {
            None => return Err(damaged("its meta table has no schema_version".into())),
            Some(v) => v
                .parse()
                .map_err(|_| damaged(format!("its schema_version '{v}' is not a number")))?,
        };
        if schema_version != SCHEMA_VERSION {
            return Err(Error::SchemaVersion {
                path: where_,
                found: schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        let dataset_version = match meta.get("dataset_version") {
            Some(v) if !v.is_empty() => v.clone(),
            _ => return Err(damaged("its meta table has no dataset_version".into())),
        };
        let os_count: usize = match meta.get("os_count").map(|v| (v, v.parse())) {
            Some((_, Ok(n))) => n,
            Some((v, Err(_))) => {
                return Err(damaged(format!("its os_count '{v}' is not a number")))
            }
            None => return Err(damaged("its meta table has no os_count".into())),
        };
        let rows = (0..os_count).map(|_| OnceCell::new()).collect();
        Ok(Database {
            conn,
            by_name: OnceCell::new(),
            sql_lookups: std::cell::Cell::new(0),
            rows,
            machines: OnceCell::new(),
            detect: OnceCell::new(),
            newest: OnceCell::new(),
            datamaps: OnceCell::new(),
            dataset_version,
            schema_version,
            origin,
        })
    }

    /// The name index, built on first use.
    fn index(&self) -> Result<&FxHashMap<Box<str>, u32>, Error> {
        self.by_name.get_or_try_init(|| {
            let mut by_name: FxHashMap<Box<str>, u32> = FxHashMap::default();
            let mut stmt = self
                .conn
                .prepare("SELECT id, idx FROM os UNION ALL SELECT name, os FROM os_name")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let name: String = r.get(0)?;
                by_name.insert(name.into_boxed_str(), r.get(1)?);
            }
            Ok(by_name)
        })
    }

    const OS_COLUMNS: &'static str =
        "idx, id, name, vendor, family, distro, version, codename, release_date, eol_date,
         release_status, virtio_legacy, virtio_modern, virtio_driver, chipsets, arches,
         short_ids, aliases, source, path";

    fn os_from_row(&self, r: &rusqlite::Row) -> rusqlite::Result<Os> {
        let idx: u32 = r.get(0)?;
        let damaged = |i: usize, what: &str, value: &str| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                Box::new(DamagedValue(format!(
                    "OS row {idx}: {what} '{value}' is not {}",
                    if what == "release_status" {
                        "a release status (released, prerelease, snapshot, rolling)"
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
        let status: String = r.get(10)?;
        let release_status =
            ReleaseStatus::parse(&status).ok_or_else(|| damaged(10, "release_status", &status))?;
        let arches: String = r.get(15)?;
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
            virtio_legacy: r.get(11)?,
            virtio_modern: r.get(12)?,
            virtio_driver: r.get(13)?,
            chipsets: r.get(14)?,
            arches: arches.split_whitespace().map(str::to_string).collect(),
        })
    }

    /// The OS with a store index (as in [`Os::idx`]), read on first use.
    pub fn try_get(&self, idx: u32) -> Result<Option<&Os>, Error> {
        let Some(cell) = self.rows.get(idx as usize) else {
            return Ok(None);
        };
        let os = cell.get_or_try_init(|| {
            let sql = format!("SELECT {} FROM os WHERE idx = ?1", Self::OS_COLUMNS);
            let mut stmt = self.conn.prepare_cached(&sql)?;
            stmt.query_row([idx], |r| self.os_from_row(r).map(Box::new))
                .map_err(|e| self.read_error(e))
        })?;
        Ok(Some(os))
    }

    /// Like [`Database::lookup`], but a store that cannot be read is an error.
    pub fn try_lookup(&self, name: &str) -> Result<Option<&Os>, Error> {
        if self.by_name.get().is_some() || self.sql_lookups.get() >= 1 {
            return match self.index()?.get(name) {
                Some(&idx) => self.try_get(idx),
                None => Ok(None),
            };
        }
        self.sql_lookups.set(self.sql_lookups.get() + 1);
        // One statement finds the name and reads the OS's row.
        let sql = format!(
            "SELECT {} FROM os WHERE idx = (SELECT idx FROM os WHERE id = ?1 UNION ALL SELECT os FROM os_name WHERE name = ?1 LIMIT 1)",
            Self::OS_COLUMNS
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let Some(os) = stmt
            .query_row([name], |r| self.os_from_row(r))
            .optional()
            .map_err(|e| self.read_error(e))?
        else {
            return Ok(None);
        };
        let Some(cell) = self.rows.get(os.idx as usize) else {
            return Ok(None);
        };
        Ok(Some(cell.get_or_init(|| Box::new(os))))
    }

    /// Finds an OS by id, short-id or alias: exact match, O(1). `None` when
    /// unknown (or when the store cannot be read; see [`Database::try_lookup`]).
    pub fn lookup(&self, name: &str) -> Option<&Os> {
        self.try_lookup(name).ok().flatten()
    }

    /// The OS with a store index (as in [`Os::idx`]).
    pub fn get(&self, idx: u32) -> Option<&Os> {
        self.try_get(idx).ok().flatten()
    }

    /// Every OS, in natural id order (rhel/5.6 before rhel/5.10) (reads those not read yet in one pass).
    pub fn oses(&self) -> Result<Vec<&Os>, Error> {
        if self.rows.iter().any(|c| c.get().is_none()) {
            let sql = format!("SELECT {} FROM os ORDER BY idx", Self::OS_COLUMNS);
            let mut stmt = self.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let idx: u32 = r.get(0)?;
                if let Some(cell) = self.rows.get(idx as usize) {
                    if cell.get().is_none() {
                        let os = self.os_from_row(r).map_err(|e| self.read_error(e))?;
                        let _ = cell.set(Box::new(os));
                    }
                }
            }
        }
        Ok(self
            .rows
            .iter()
            .filter_map(|c| c.get().map(|b| &**b))
            .collect())
    }

    /// How many OSes the database holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every name lookups accept (ids, short-ids, aliases), in no order.
    pub fn names(&self) -> Result<Vec<&str>, Error> {
        Ok(self.index()?.keys().map(|k| k.as_ref()).collect())
    }

    /// The date-stamped version of the dataset, e.g. `2026.11.22`.
    pub fn dataset_version(&self) -> &str {
        &self.dataset_version
    }

    pub fn schema_version(&self) -> u32 {
        self.schema_version
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The catalogue document `name` (schema/store.sql), read into `T`.
    /// The catalogue document `name`, which every store has.
    pub(crate) fn catalogue_doc<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<T, Error> {
        self.catalogue_doc_opt(name)?.ok_or_else(|| Error::Store {
            path: self.where_().to_string(),
            message: format!("is damaged: it has no catalogue document '{name}'"),
        })
    }

    /// The catalogue document `name`, if the store has it.
    pub(crate) fn catalogue_doc_opt<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc FROM catalogue WHERE name = ?1")?;
        let text: Option<String> = stmt.query_row([name], |r| r.get(0)).optional()?;
        text.map(|t| self.parse_doc(&format!("catalogue document '{name}'"), &t))
            .transpose()
    }

    /// The detection rows `names` that exist, as (name, text), in one query.
    pub(crate) fn detect_rows(&self, names: &[String]) -> Result<Vec<(String, String)>, Error> {
        let list = serde_json::to_string(names).map_err(|e| Error::Other(e.to_string()))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, doc FROM detect WHERE name IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = stmt
            .query_map([list], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
        Ok(rows)
    }

    /// The names of the catalogue documents starting with `prefix`, without it.
    pub(crate) fn catalogue_names(&self, prefix: &str) -> Result<Vec<String>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT substr(name, length(?1) + 1) FROM catalogue WHERE substr(name, 1, length(?1)) = ?1 ORDER BY name")?;
        let names = stmt
            .query_map([prefix], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }

    /// A JSON document of the store, as `T`; `what` names it in the error.
    pub(crate) fn parse_doc<T: serde::de::DeserializeOwned>(
        &self,
        what: &str,
        text: &str,
    ) -> Result<T, Error> {
        serde_json::from_str(text).map_err(|e| Error::Store {
            path: self.where_().to_string(),
            message: format!("is damaged: {what} does not read: {e}"),
        })
    }

    /// A failure to read a row: a damaged value names the store and the
    /// value; anything else is SQLite's.
    fn read_error(&self, e: rusqlite::Error) -> Error {
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(DamagedValue(message)) = inner.downcast_ref::<DamagedValue>() {
                return Error::Store {
                    path: self.where_().to_string(),
                    message: format!("is damaged: {message}"),
                };
            }
        }
        Error::Sqlite(e)
    }

    /// How messages name the store: its path, or "the embedded store".
    pub(crate) fn where_(&self) -> &str {
        match &self.origin {
            Origin::Embedded => "the embedded store",
            Origin::Store(p) | Origin::DataDir(p) => p,
        }
    }
}
