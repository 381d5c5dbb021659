//! The osinfo-db importer: converts osinfo-db's data tree into guestdb's data
//! files, and derives the facts guestdb states explicitly (virtio generation
//! per device class, chipset support) from osinfo-db's device links.
//!
//! Re-importing the same source changes nothing. A file a contributor edited
//! since the last import is never overwritten: if osinfo-db changed it too,
//! the import is written beside it as `<file>.imported` and reported as a
//! conflict. What each file held when imported is recorded (as a SHA-256) in
//! `osinfo-import.lock` in the data directory.
//!
//! - [`reader`]: osinfo-db's files to records;
//! - [`derive`](mod@derive): the virtio and chipset facts the device links imply;
//! - [`lock`]: the import lock and placing files so that edits survive;
//! - [`export`](mod@export): guestdb's data as an osinfo-db tree;
//! - here: the import itself.

mod derive;
mod export;
mod lock;
mod reader;

pub use derive::derive_facts;
pub use export::{export, export_embedded, ExportReport};
pub use reader::{read_osinfo, read_osinfo_datamaps, ArchHints};

use crate::error::Error;
use guestdb_data::check::os_path_for_id;
use guestdb_data::diag::{Finding, Findings};
use guestdb_data::model::*;
use guestdb_data::{read, write};
use lock::{place, read_lock, sha256_hex, write_lock};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The source id imported facts carry (declared in `dataset.xml`).
pub const SOURCE_ID: &str = "osinfo-db";
/// The record of the last import, in the data directory.
pub const LOCK_FILE: &str = "osinfo-import.lock";

const HEADER: &str = "Facts imported from osinfo-db (GPL-2.0-or-later) by 'guestdb import-osinfo'; see data/README.md. \
Edit freely: a re-import never overwrites an edited file.";

/// osinfo-db attributes (`element@attribute`) guestdb does not model yet:
/// counted in the report, not findings.
const NOT_IMPORTED_ATTRIBUTES: &[&str] = &["media@eject-after-install"];

/// osinfo-db elements the importer knows and deliberately leaves out.
const NOT_IMPORTED: &[&str] = &[
    "image",
    "installer",
    "kernel-url-argument",
    "cloud-image-username",
];

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// OSes read from the source.
    pub oses: usize,
    /// Files written (new or updated), relative to the data directory.
    pub written: Vec<PathBuf>,
    /// Files whose import is unchanged.
    pub unchanged: usize,
    /// Conflicts marked as merged by hand (`merged`), now based on the new import.
    pub merged: Vec<PathBuf>,
    /// Files a contributor edited, kept as they are (osinfo-db did not change them).
    pub kept_edited: Vec<PathBuf>,
    /// Files edited here *and* changed in osinfo-db: kept, import beside them.
    pub conflicts: Vec<PathBuf>,
    /// Files removed because the OS left osinfo-db (and the file was not edited).
    pub removed: Vec<PathBuf>,
    /// Edited files of OSes that left osinfo-db: kept.
    pub orphaned: Vec<PathBuf>,
    /// Datamaps read from the source.
    pub datamaps: usize,
    /// osinfo-db elements left out, with counts.
    pub not_imported: BTreeMap<String, usize>,
    /// Findings of the check run over the data directory after the import.
    pub findings: Vec<Finding>,
}

/// Imports the osinfo-db tree at `src` into the guestdb data directory `out`
/// (which must already hold `dataset.xml` and `devices.xml`).
///
/// With `merged`, every `FILE.imported` left by an earlier conflict is taken
/// as merged into FILE by hand: its content becomes FILE's import base in the
/// lock, and it is removed.
pub fn import(src: &Path, out: &Path, merged: bool) -> Result<Report, Error> {
    if !src.join("os").is_dir() {
        return Err(Error::input(format!(
            "{}: not an osinfo-db data directory (it has no os/ folder)",
            src.display()
        )));
    }
    let mut findings = Findings::default();
    let info_path: Arc<str> =
        Arc::from(out.join(read::DATASET_FILE).display().to_string().as_str());
    let dev_path: Arc<str> = Arc::from(out.join(read::DEVICES_FILE).display().to_string().as_str());
    let load = |p: &Arc<str>| crate::input::read(Path::new(p.as_ref()), crate::input::DATA_FILE);
    let info = read::read_dataset_info(&info_path, &load(&info_path)?, &mut findings);
    let devices = read::read_devices(&dev_path, &load(&dev_path)?, &mut findings);
    let Some(info) = info.filter(|_| findings.is_empty()) else {
        return Err(Error::data(findings.sorted()));
    };
    let Some(source) = info
        .sources
        .iter()
        .find(|s| s.id.value == SOURCE_ID)
        .cloned()
    else {
        return Err(Error::input(format!(
            "{info_path}: declare the source first: <source id=\"{SOURCE_ID}\" name=\"osinfo-db\" snapshot=\"YYYY-MM-DD\" .../>"
        )));
    };

    let mut report = Report::default();
    let mut arch_hints = ArchHints::new();
    let oses = read_osinfo(
        src,
        &devices,
        &mut findings,
        &mut report.not_imported,
        &mut arch_hints,
    )?;
    let datamaps = read_osinfo_datamaps(src, &mut findings)?;
    if !findings.is_empty() {
        return Err(Error::data(findings.sorted()));
    }
    report.oses = oses.len();
    report.datamaps = datamaps.len();
    let mut data = Dataset {
        info,
        devices,
        corrections: Vec::new(),
        oses,
        machines: Default::default(),
        lines: Vec::new(),
        hosts: Vec::new(),
        datamaps: Vec::new(),
        linux: Default::default(),
        hyperv: Vec::new(),
        cpus: Vec::new(),
        osinfo_releases: Vec::new(),
        crosswalks: Vec::new(),
    };
    derive_facts(&mut data, &arch_hints);

    let mut lock = read_lock(out)?;
    if merged {
        let (mut files, _) =
            read::files_below(out, Path::new("os"), |n| n.ends_with(".xml.imported"));
        files.extend(
            read::files_below(out, Path::new("datamaps"), |n| n.ends_with(".xml.imported")).0,
        );
        for rel in files {
            let path = out.join(&rel);
            let bytes = crate::input::read(&path, crate::input::DATA_FILE)?;
            let key = rel
                .to_string_lossy()
                .trim_end_matches(".imported")
                .replace('\\', "/");
            lock.insert(key.clone(), sha256_hex(&bytes));
            std::fs::remove_file(&path).map_err(Error::io(&path))?;
            report.merged.push(PathBuf::from(key));
        }
    }
    let mut new_lock = BTreeMap::new();
    let mut seen_paths: HashMap<PathBuf, &str> = HashMap::new();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for os in &data.oses {
        let Some(rel) = os_path_for_id(&os.id.value) else {
            return Err(Error::input(format!(
                "{}: OS id '{}' gives no file name",
                os.loc, os.id.value
            )));
        };
        if let Some(other) = seen_paths.insert(rel.clone(), &os.id.value) {
            return Err(Error::input(format!(
                "OS ids '{other}' and '{}' both map to {}",
                os.id.value,
                rel.display()
            )));
        }
        files.push((rel, write::write_os(os, Some(HEADER))));
    }
    for map in &datamaps {
        let Some(rel) = guestdb_data::check::path_for_id("datamaps", &map.id.value) else {
            return Err(Error::input(format!(
                "{}: datamap id '{}' gives no file name",
                map.loc, map.id.value
            )));
        };
        files.push((rel, write::write_datamap(map, Some(HEADER))));
    }
    for (rel, text) in files {
        place(out, rel, &text, &mut lock, &mut new_lock, &mut report)?;
    }
    // OSes (and datamaps) that left osinfo-db.
    for (key, old) in lock {
        let path = out.join(&key);
        match crate::input::read(&path, crate::input::DATA_FILE) {
            Ok(cur) if sha256_hex(&cur) == old => {
                std::fs::remove_file(&path).map_err(Error::io(&path))?;
                report.removed.push(PathBuf::from(key));
            }
            Ok(_) => {
                report.orphaned.push(PathBuf::from(&key));
                new_lock.insert(key, old);
            }
            Err(_) => {}
        }
    }
    write_lock(out, &new_lock, &source)?;
    if let Err(found) = guestdb_data::load_dir(out) {
        report.findings = found;
    }
    Ok(report)
}
