//! `guestdb export-osinfo`: the data as an osinfo-db tree for libosinfo and
//! the tools built on it (the exporter is `interop::osinfo::export`).

use super::{usage, write_json, Failure, Outcome};
use crate::interop::osinfo;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

pub(super) const AFTER_HELP: &str = "Examples:
  guestdb export-osinfo /tmp/osinfo
  guestdb export-osinfo --from data /tmp/osinfo
  osinfo-db-validate --dir /tmp/osinfo
  OSINFO_SYSTEM_DIR=/tmp/osinfo osinfo-query os short-id=fedora45
  OSINFO_SYSTEM_DIR=/tmp/osinfo virt-install --osinfo fedora45 ...

Writes os/, device/ and datamap/ as osinfo-db lays them out. Each OS's device links are its
effective devices plus what its virtio and chipset facts imply, so libosinfo consumers decide
from guestdb's facts. Without --from the embedded dataset is exported. OUTDIR must be new, empty or an earlier export left as it was written: the export lists
what it wrote, with SHA-256 hashes, in OUTDIR/.guestdb-export.sha256, and replaces or removes
nothing else. The whole tree is written beside OUTDIR and takes its place at the end. Exit status: 0 written, 2 error.";

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The directory to write the osinfo-db tree into
    out: PathBuf,
    /// The guestdb data directory to export (default: the embedded dataset)
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &ExportArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let r = match &args.from {
        Some(from) if !from.is_dir() => {
            return Err(usage(format!(
                "'{}' is not a directory; give the data directory with --from, e.g. '--from data'",
                from.display()
            )))
        }
        Some(from) => osinfo::export(from, &args.out)?,
        None => osinfo::export_embedded(&args.out)?,
    };
    if args.json {
        let v = json!({
            "out": args.out.display().to_string(),
            "oses": r.oses,
            "devices": r.devices,
            "datamaps": r.datamaps,
            "files": r.files.len(),
            "removed": r.removed.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        });
        write_json(out, &v)?;
    } else {
        writeln!(
            out,
            "exported {} OSes, {} devices and {} datamaps to {} ({} files, {} removed)",
            r.oses,
            r.devices,
            r.datamaps,
            args.out.display(),
            r.files.len(),
            r.removed.len()
        )?;
    }
    Ok(Outcome::Ok)
}
