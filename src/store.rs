//! Opening a compiled store: the embedded default, a store file, or a data
//! directory compiled on the fly. Opening loads the small per-OS summary and
//! the name index into memory; everything else is read from SQLite on demand.

use crate::error::Error;
use crate::os::Os;
use guestdb_data::model::{Date, ReleaseStatus, SCHEMA_VERSION};
use rusqlite::{Connection, OpenFlags};
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
    oses: Vec<Os>,
    by_name: HashMap<Box<str>, u32>,
    dataset_version: String,
    schema_version: u32,
    origin: Origin,
}

impl Database {
    /// The dataset embedded in this binary.
    pub fn embedded() -> Result<Database, Error> {
        let mut conn = Connection::open_in_memory()?;
        conn.deserialize_bytes(rusqlite::MAIN_DB, EMBEDDED)?;
        Database::load(conn, Origin::Embedded)
    }

    /// The size in bytes of the embedded store.
    pub fn embedded_size() -> usize {
        EMBEDDED.len()
    }

    /// A compiled store file (`guestdb build DIR -o FILE`), opened read-only.
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
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
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
        let schema_version: u32 = meta
            .get("schema_version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if schema_version != SCHEMA_VERSION {
            return Err(Error::SchemaVersion {
                path: where_,
                found: schema_version,
                expected: SCHEMA_VERSION,
            });
        }
        let dataset_version = meta.get("dataset_version").cloned().unwrap_or_default();

        let mut oses = Vec::new();
        {
            let mut stmt = conn.prepare(
                "SELECT idx, id, name, vendor, family, distro, version, codename, release_date, eol_date,
                        release_status, virtio_legacy, virtio_modern, virtio_driver, chipsets, arches
                 FROM os ORDER BY idx",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let date = |i: usize| -> rusqlite::Result<Option<Date>> {
                    Ok(r.get::<_, Option<String>>(i)?.and_then(|s| Date::parse(&s)))
                };
                let status: String = r.get(10)?;
                let arches: String = r.get(15)?;
                oses.push(Os {
                    idx: r.get(0)?,
                    id: r.get(1)?,
                    short_ids: Vec::new(),
                    aliases: Vec::new(),
                    name: r.get(2)?,
                    vendor: r.get(3)?,
                    family: r.get(4)?,
                    distro: r.get(5)?,
                    version: r.get(6)?,
                    codename: r.get(7)?,
                    release_date: date(8)?,
                    eol_date: date(9)?,
                    release_status: ReleaseStatus::parse(&status)
                        .unwrap_or(ReleaseStatus::Released),
                    virtio_legacy: r.get(11)?,
                    virtio_modern: r.get(12)?,
                    virtio_driver: r.get(13)?,
                    chipsets: r.get(14)?,
                    arches: arches.split_whitespace().map(str::to_string).collect(),
                });
            }
        }
        let mut by_name: HashMap<Box<str>, u32> = HashMap::with_capacity(oses.len() * 3);
        {
            let mut stmt =
                conn.prepare("SELECT name, os, kind FROM os_name ORDER BY os, kind DESC, ord")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let name: String = r.get(0)?;
                let os: u32 = r.get(1)?;
                let kind: String = r.get(2)?;
                let Some(entry) = oses.get_mut(os as usize) else {
                    continue;
                };
                by_name.insert(name.as_str().into(), os);
                if kind == "alias" {
                    entry.aliases.push(name);
                } else {
                    entry.short_ids.push(name);
                }
            }
        }
        for os in &oses {
            by_name.insert(os.id.as_str().into(), os.idx);
        }
        Ok(Database {
            conn,
            oses,
            by_name,
            dataset_version,
            schema_version,
            origin,
        })
    }

    /// Finds an OS by id, short-id or alias. Exact match; `None` when unknown.
    pub fn lookup(&self, name: &str) -> Option<&Os> {
        self.by_name.get(name).map(|&i| &self.oses[i as usize])
    }

    /// Every OS, in id order.
    pub fn oses(&self) -> &[Os] {
        &self.oses
    }

    /// The OS with a store index (as in [`Os::idx`]).
    pub fn get(&self, idx: u32) -> Option<&Os> {
        self.oses.get(idx as usize)
    }

    /// Every name lookups accept (ids, short-ids, aliases).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(|k| k.as_ref())
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
}
