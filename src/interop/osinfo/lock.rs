//! `osinfo-import.lock` and placing imported files: what each file held when
//! last imported (SHA-256), so that a file edited here is never overwritten.

use super::{Report, LOCK_FILE};
use crate::error::Error;
use guestdb_data::model::Source;
use guestdb_data::write_atomic;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(super) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `osinfo-import.lock`: relative path → SHA-256 of the file as imported.
pub(super) fn read_lock(out: &Path) -> Result<BTreeMap<String, String>, Error> {
    let path = out.join(LOCK_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(BTreeMap::new());
    }
    let text = crate::input::read_to_string(&path, crate::input::IMPORT_LOCK)?;
    let mut map = BTreeMap::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let at = |col: usize, what: String| {
            format!("{}:{}:{col}: error[lock]: {what}", path.display(), n + 1)
        };
        let Some((hash, file)) = line.split_once("  ") else {
            bad.push(at(1, "expected '<sha256>  <path>'".into()));
            continue;
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            bad.push(at(1, format!("'{hash}' is not a SHA-256 (64 hex digits)")));
            continue;
        }
        if let Err(why) = check_lock_path(file) {
            bad.push(at(hash.len() + 3, format!("path '{file}' {why}; the lock names only files os/.../NAME.xml and datamaps/.../NAME.xml inside the data directory")));
            continue;
        }
        map.insert(file.to_string(), hash.to_string());
    }
    if !bad.is_empty() {
        return Err(Error::input(format!(
            "{}\nthe lock is not what 'guestdb import-osinfo' writes; nothing was imported, written or removed",
            bad.join("\n")
        )));
    }
    Ok(map)
}

/// Whether a lock entry may name a file the importer writes or removes:
/// relative, below `os/`, a `.xml` file, with no `..`, `.` or empty part.
fn check_lock_path(file: &str) -> Result<(), &'static str> {
    if file.starts_with('/') || file.contains('\\') {
        return Err("is not a relative path with '/' separators");
    }
    let parts: Vec<&str> = file.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err("has an empty, '.' or '..' part");
    }
    if parts.len() < 2 || !matches!(parts[0], "os" | "datamaps") {
        return Err("is not below os/ or datamaps/");
    }
    if !file.ends_with(".xml") || file.chars().any(char::is_control) {
        return Err("is not an .xml file name");
    }
    Ok(())
}

pub(super) fn write_lock(
    out: &Path,
    lock: &BTreeMap<String, String>,
    source: &Source,
) -> Result<(), Error> {
    let snapshot = source
        .snapshot
        .map(|d| d.to_string())
        .unwrap_or_else(|| "undated".into());
    let mut text = format!(
        "# Written by 'guestdb import-osinfo': the SHA-256 of each OS file as last imported.\n\
         # Source: {} ({}), snapshot {snapshot}, as declared in dataset.xml.\n\
         # A file whose content no longer matches was edited here; re-imports leave it alone.\n",
        source.name,
        source.url.as_deref().unwrap_or("-"),
    );
    for (file, hash) in lock {
        text.push_str(&format!("{hash}  {file}\n"));
    }
    let path = out.join(LOCK_FILE);
    write_atomic(&path, text.as_bytes()).map_err(Error::io(&path))
}

/// Puts one imported file in place under `out`, keeping edits made here:
/// unchanged, written (new, or not edited since the last import), kept
/// (edited here, osinfo-db unchanged) or a conflict (`FILE.imported` beside it).
pub(super) fn place(
    out: &Path,
    rel: PathBuf,
    text: &str,
    lock: &mut BTreeMap<String, String>,
    new_lock: &mut BTreeMap<String, String>,
    report: &mut Report,
) -> Result<(), Error> {
    let key = rel.to_string_lossy().replace('\\', "/");
    let new_hash = sha256_hex(text.as_bytes());
    let path = out.join(&rel);
    let current = match std::fs::symlink_metadata(&path) {
        Err(_) => None,
        Ok(_) => Some(crate::input::read(&path, crate::input::DATA_FILE)?),
    };
    let recorded = lock.remove(&key);
    let write_file = |p: &Path, bytes: &[u8]| -> Result<(), Error> {
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        write_atomic(p, bytes).map_err(Error::io(p))
    };
    match (current, recorded) {
        (Some(cur), _) if cur == text.as_bytes() => {
            report.unchanged += 1;
            new_lock.insert(key, new_hash);
        }
        (None, _) => {
            write_file(&path, text.as_bytes())?;
            report.written.push(rel);
            new_lock.insert(key, new_hash);
        }
        (Some(cur), Some(old)) if sha256_hex(&cur) == old => {
            // Not edited since the last import: take osinfo-db's update.
            write_file(&path, text.as_bytes())?;
            report.written.push(rel);
            new_lock.insert(key, new_hash);
        }
        (Some(_), Some(old)) if old == new_hash => {
            // Edited here; osinfo-db unchanged: keep the edit.
            report.kept_edited.push(rel);
            new_lock.insert(key, old);
        }
        (Some(_), old) => {
            // Edited here (or never imported) and osinfo-db says otherwise.
            let mut beside = path.clone().into_os_string();
            beside.push(".imported");
            write_file(Path::new(&beside), text.as_bytes())?;
            report.conflicts.push(rel);
            if let Some(old) = old {
                new_lock.insert(key, old);
            }
        }
    }
    Ok(())
}
