//! `guestdb import-osinfo`: import osinfo-db's data tree.

use super::{finding_json, write_json, Failure, Outcome};
use crate::interop::osinfo;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// osinfo-db's data directory (the one holding os/, device/, ...)
    source: PathBuf,
    /// The guestdb data directory to update
    #[arg(long, default_value = "data")]
    out: PathBuf,
    /// Take every FILE.imported left by a conflict as merged into FILE by hand
    #[arg(long)]
    merged: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &ImportArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let report = osinfo::import(&args.source, &args.out, args.merged)?;
    let paths = |v: &[PathBuf]| {
        v.iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
    };
    if args.json {
        let v = json!({
            "oses": report.oses,
            "datamaps": report.datamaps,
            "written": paths(&report.written),
            "unchanged": report.unchanged,
            "kept_edited": paths(&report.kept_edited),
            "merged": paths(&report.merged),
            "conflicts": paths(&report.conflicts),
            "removed": paths(&report.removed),
            "orphaned": paths(&report.orphaned),
            "not_imported": report.not_imported,
            "findings": report.findings.iter().map(finding_json).collect::<Vec<_>>(),
        });
        write_json(out, &v)?;
    } else {
        writeln!(
            out,
            "imported {} OSes and {} datamaps from {}: files {} written, {} unchanged, {} edited here and kept, {} removed",
            report.oses,
            report.datamaps,
            args.source.display(),
            report.written.len(),
            report.unchanged,
            report.kept_edited.len(),
            report.removed.len()
        )?;
        for m in &report.merged {
            writeln!(out, "merged: {} now builds on this import", m.display())?;
        }
        for c in &report.conflicts {
            writeln!(out, "conflict: {} was edited here and the import now differs from the last one; kept, the new import is beside it as .imported: merge it by hand, then run again with --merged", c.display())?;
        }
        for o in &report.orphaned {
            writeln!(
                out,
                "orphaned: {} left osinfo-db but was edited here; kept",
                o.display()
            )?;
        }
        if !report.not_imported.is_empty() {
            let items: Vec<String> = report
                .not_imported
                .iter()
                .map(|(k, v)| format!("{k} x{v}"))
                .collect();
            writeln!(out, "not imported (not modelled yet): {}", items.join(", "))?;
        }
    }
    if !report.findings.is_empty() {
        for f in &report.findings {
            eprintln!("{f}");
        }
        return Err(Failure {
            message: format!("the imported data has {} findings", report.findings.len()),
            code: 2,
        });
    }
    Ok(if report.conflicts.is_empty() {
        Outcome::Ok
    } else {
        Outcome::NotFound
    })
}
