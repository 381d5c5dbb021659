//! `guestdb build`: compile a data directory into a store file.

use super::{write_json, Failure, Outcome};
use crate::Error;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct BuildArgs {
    /// The data directory
    dir: PathBuf,
    /// The store file to write
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &BuildArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let checked = crate::data::load_dir(&args.dir).map_err(Error::data)?;
    let bytes = crate::data::emit_bytes(&checked).map_err(|e| Error::sqlite(None, e))?;
    crate::data::write_atomic(&args.output, &bytes).map_err(Error::io(&args.output))?;
    if args.json {
        let v = json!({"output": args.output.display().to_string(), "bytes": bytes.len(), "oses": checked.data.oses.len(), "dataset_version": checked.data.info.version.value});
        write_json(out, &v)?;
    } else {
        writeln!(
            out,
            "wrote {} ({} bytes, {} OSes, dataset {})",
            args.output.display(),
            bytes.len(),
            checked.data.oses.len(),
            checked.data.info.version.value
        )?;
    }
    Ok(Outcome::Ok)
}
