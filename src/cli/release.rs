//! `guestdb release`: a dataset release, i.e. the compiled store named with
//! the dataset version, its SHA-256 checksum file and release notes made
//! from the diff against the previous release. Every file is written
//! atomically.

use super::diff::open_side;
use super::{usage, write_json, Failure, Outcome};
use crate::diff::{brief, diff, DatasetDiff};
use crate::{Database, Error};
use clap::Args;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) const AFTER_HELP: &str = "Examples:
  guestdb release data --out dist --previous dist/guestdb-data-2026.11.01.store
  guestdb release data --out dist            # the first release: notes list every OS

Writes into OUT:
  guestdb-data-VERSION.store         the compiled store (VERSION from data/dataset.xml)
  guestdb-data-VERSION.store.sha256  its checksum, as 'sha256sum -c' reads it
  RELEASE-NOTES-VERSION.md           schema and dataset version, then the OSes added, removed
                                     and changed since the previous release, field by field
The dataset version must be newer than the previous release's; bump it in data/dataset.xml.
A version already in OUT is never re-published with another store, and no file there that
guestdb did not write is overwritten (running the same release again changes nothing).

Exit status: 0 written, 2 error.";

#[derive(Args, Debug)]
pub struct ReleaseArgs {
    /// The data directory
    #[arg(default_value = "data")]
    dir: PathBuf,
    /// The directory to write the release into
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The previous release's store (or data directory) to compare with
    #[arg(long, value_name = "FILE")]
    previous: Option<PathBuf>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    crate::data::write_atomic(path, bytes).map_err(|e| Failure::from(Error::io(path)(e)))
}

/// What is at `path` already: None when nothing is, else whether it holds
/// exactly `bytes` (read bounded, as a file guestdb does not control).
fn already(path: &Path, bytes_len: usize) -> Result<Option<Vec<u8>>, Failure> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(None);
    }
    let kind = crate::input::Kind {
        what: "a released file",
        max: (bytes_len as u64).max(1 << 20) * 2,
    };
    Ok(Some(crate::input::read(path, kind)?))
}

/// Writes `bytes` to `path` unless it holds them already; refuses (exit 2,
/// nothing written) when it holds anything else: a released version is
/// never re-published with other content, and a file guestdb did not
/// write is never overwritten.
fn publish(path: &Path, bytes: &[u8], why: &str) -> Result<bool, Failure> {
    match already(path, bytes.len())? {
        None => Ok(true),
        Some(old) if old == bytes => Ok(false),
        Some(_) => Err(usage(format!(
            "{} exists with other content; {why}",
            path.display()
        ))),
    }
}

/// The release notes in Markdown.
fn notes(
    new: &Database,
    previous: Option<(&Database, &DatasetDiff)>,
    checksum: &str,
    store: &str,
) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# guestdb dataset {}\n", new.dataset_version());
    let _ = writeln!(
        s,
        "Schema version {}; {} OSes. `{store}` has SHA-256 `{checksum}`.\n",
        new.schema_version(),
        new.len()
    );
    let Some((old, d)) = previous else {
        let _ = writeln!(s, "First release: every OS is new.");
        return s;
    };
    let _ = writeln!(
        s,
        "Changes since {}: {} added, {} removed, {} changed.",
        old.dataset_version(),
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for (title, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            let _ = writeln!(s, "\n## {title}\n");
            for o in list {
                let _ = writeln!(s, "- `{}` {} ({})", o.short_id, o.name, o.id);
            }
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(s, "\n## Changed\n");
        for c in &d.changed {
            let _ = writeln!(s, "- `{}` {}", c.os.short_id, c.os.name);
            for f in &c.changes {
                let what = match (&f.old, &f.new) {
                    (Some(o), Some(n)) => format!("`{}` → `{}`", brief(o), brief(n)),
                    _ => f.describe(),
                };
                let _ = writeln!(s, "  - {}: {what}", f.field);
            }
        }
    }
    s
}

pub(super) fn run(args: &ReleaseArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    if !args.dir.is_dir() {
        return Err(usage(format!(
            "'{}' is not a directory; give the data directory, e.g. 'guestdb release data --out dist'",
            args.dir.display()
        )));
    }
    let previous = args.previous.as_deref().map(open_side).transpose()?;
    let checked = crate::data::load_dir(&args.dir).map_err(Error::data)?;
    let version = checked.data.info.version.value.clone();
    if let Some(old) = &previous {
        if old.dataset_version() >= version.as_str() {
            return Err(usage(format!(
                "the dataset version {version} is not newer than the previous release's {}; bump <dataset version=\"YYYY.MM.DD\"> in {}/dataset.xml",
                old.dataset_version(),
                args.dir.display()
            )));
        }
    }
    let bytes = crate::data::emit_bytes(&checked).map_err(|e| Error::sqlite(None, e))?;
    std::fs::create_dir_all(&args.out).map_err(Error::io(&args.out))?;
    let store_name = format!("guestdb-data-{version}.store");
    let store = args.out.join(&store_name);
    let checksum: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let sum = args.out.join(format!("{store_name}.sha256"));
    let sum_text = format!("{checksum}  {store_name}\n");
    let notes_path = args.out.join(format!("RELEASE-NOTES-{version}.md"));
    // Checked before anything is written: a version released with another
    // store, or files of this version guestdb did not write, stop it.
    let bump = format!(
        "dataset {version} was released with another store; bump <dataset version=\"YYYY.MM.DD\"> in {}/dataset.xml",
        args.dir.display()
    );
    let new_store = publish(&store, &bytes, &bump)?;
    let new_sum = publish(&sum, sum_text.as_bytes(), &bump)?;
    if new_store && std::fs::symlink_metadata(&notes_path).is_ok() {
        return Err(usage(format!(
            "{} exists, but no store of dataset {version} beside it; guestdb does not overwrite notes it did not write: move it away",
            notes_path.display()
        )));
    }
    if new_store {
        write(&store, &bytes)?;
    }
    if new_sum {
        write(&sum, sum_text.as_bytes())?;
    }
    let new = Database::open(&store)?;
    let d = previous.as_ref().map(|old| diff(old, &new)).transpose()?;
    let text = notes(
        &new,
        previous.as_ref().zip(d.as_ref()),
        &checksum,
        &store_name,
    );
    if publish(
        &notes_path,
        text.as_bytes(),
        "guestdb does not overwrite release notes it did not write (or wrote against another --previous): move it away",
    )? {
        write(&notes_path, text.as_bytes())?;
    }
    let files = [&store, &sum, &notes_path].map(|p| p.display().to_string());
    if args.json {
        let v = json!({
            "dataset_version": version,
            "schema_version": new.schema_version(),
            "oses": new.len(),
            "sha256": checksum,
            "files": files,
            "previous": previous.as_ref().map(|p| p.dataset_version()),
            "diff": d,
        });
        write_json(out, &v)?;
    } else {
        writeln!(
            out,
            "dataset {version} (schema {}, {} OSes)",
            new.schema_version(),
            new.len()
        )?;
        for f in &files {
            writeln!(out, "wrote {f}")?;
        }
        if let (Some(old), Some(d)) = (&previous, &d) {
            writeln!(
                out,
                "since {}: {} added, {} removed, {} changed",
                old.dataset_version(),
                d.added.len(),
                d.removed.len(),
                d.changed.len()
            )?;
        }
    }
    std::mem::forget(new);
    Ok(Outcome::Ok)
}
