//! `guestdb validate`: check a data directory and report every finding.

use super::{finding_json, usage, write_json, Failure, Outcome};
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The data directory
    #[arg(default_value = "data")]
    dir: PathBuf,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &ValidateArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    if !args.dir.is_dir() {
        return Err(usage(format!(
            "'{}' is not a directory; give the data directory, e.g. 'guestdb validate data'",
            args.dir.display()
        )));
    }
    let result = crate::data::load_dir(&args.dir);
    match (&result, args.json) {
        (Ok(c), true) => {
            let v = json!({"ok": true, "oses": c.data.oses.len(), "devices": c.data.devices.len(), "dataset_version": c.data.info.version.value, "findings": []});
            write_json(out, &v)?;
        }
        (Ok(c), false) => {
            writeln!(
                out,
                "{}: ok ({} OSes, {} devices, dataset {})",
                args.dir.display(),
                c.data.oses.len(),
                c.data.devices.len(),
                c.data.info.version.value
            )?;
        }
        (Err(findings), true) => {
            let v = json!({"ok": false, "findings": findings.iter().map(finding_json).collect::<Vec<_>>()});
            write_json(out, &v)?;
        }
        (Err(findings), false) => {
            for f in findings {
                writeln!(out, "{f}")?;
            }
        }
    }
    match result {
        Ok(_) => Ok(Outcome::Ok),
        Err(findings) => {
            let n = findings.len();
            Err(Failure {
                message: format!(
                    "{n} error{} in {}",
                    if n == 1 { "" } else { "s" },
                    args.dir.display()
                ),
                code: 2,
            })
        }
    }
}
