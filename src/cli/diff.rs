//! `guestdb diff`: what differs between two datasets (the comparison is
//! `crate::diff`).

use super::{usage, write_json, Failure, Outcome};
use crate::diff::{diff, DatasetDiff};
use crate::Database;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) const AFTER_HELP: &str = "Examples:
  guestdb diff guestdb-data-2026.11.01.store data
  guestdb diff old-data/ data/ --json

OLD and NEW are each a compiled store file or a data directory. OSes are matched by id; a changed
OS lists every field that differs (names, dates, relations, kernel, virtio per class and
architecture, chipsets, firmware, boot security, devices, drivers, media, trees, resources).

Exit status: 0 the datasets are equal, 1 they differ, 2 error.";

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The old dataset: a store file or a data directory
    old: PathBuf,
    /// The new dataset: a store file or a data directory
    new: PathBuf,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// A store file or a data directory as a database.
pub(super) fn open_side(path: &Path) -> Result<Database, Failure> {
    if path.is_dir() {
        Ok(Database::from_data_dir(path)?)
    } else if path.is_file() {
        Ok(Database::open(path)?)
    } else {
        Err(usage(format!(
            "'{}' is neither a store file nor a data directory; give e.g. 'guestdb diff old.store data'",
            path.display()
        )))
    }
}

/// The diff as text: a summary line, then one line per added and removed
/// OS, and per changed OS a line per field.
pub(super) fn write_text(d: &DatasetDiff, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "dataset {} -> {}: {} added, {} removed, {} changed",
        d.old_version,
        d.new_version,
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    )?;
    for o in &d.added {
        writeln!(out, "added    {}  {}  ({})", o.short_id, o.name, o.id)?;
    }
    for o in &d.removed {
        writeln!(out, "removed  {}  {}  ({})", o.short_id, o.name, o.id)?;
    }
    for c in &d.changed {
        writeln!(
            out,
            "changed  {}  {}  ({})",
            c.os.short_id, c.os.name, c.os.id
        )?;
        for f in &c.changes {
            writeln!(out, "  {}: {}", f.field, f.describe())?;
        }
    }
    Ok(())
}

pub(super) fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let old = open_side(&args.old)?;
    let new = open_side(&args.new)?;
    let d = diff(&old, &new)?;
    if args.json {
        write_json(out, &d)?;
    } else {
        write_text(&d, out)?;
    }
    Ok(if d.is_empty() {
        Outcome::Ok
    } else {
        Outcome::NotFound
    })
}
