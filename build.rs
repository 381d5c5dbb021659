//! Compiles data/ into the store that the library embeds (OUT_DIR/guestdb.store).
//! Any finding in the data fails the build, listing every finding.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=data");
    println!("cargo:rerun-if-changed=schema/store.sql");
    // A position-dependent executable: the dynamic loader then has no
    // relocations to apply at start-up (about 15,000 in a PIE build, a
    // quarter of the time of a one-shot command). Libraries and tests are
    // unaffected; only this package's binaries are linked so.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("error: cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    let compiled = guestdb_data::load_dir(Path::new("data"))
        .map_err(guestdb_data::CompileError::Findings)
        .and_then(|checked| {
            println!(
                "cargo:rustc-env=GUESTDB_SCHEMA_VERSION={}",
                guestdb_data::SCHEMA_VERSION
            );
            println!(
                "cargo:rustc-env=GUESTDB_DATASET_VERSION={}",
                checked.data.info.version.value
            );
            guestdb_data::emit_bytes(&checked).map_err(guestdb_data::CompileError::Store)
        });
    match compiled {
        Ok(bytes) => {
            let out = out_dir.join("guestdb.store");
            if let Err(e) = guestdb_data::write_atomic(&out, &bytes) {
                eprintln!("error: cannot write {}: {e}", out.display());
                return ExitCode::FAILURE;
            }
            let archive = out_dir.join("data.tar.gz");
            let packed = pack(Path::new("data"))
                .and_then(|b| guestdb_data::write_atomic(&archive, &b).map_err(|e| e.to_string()));
            if let Err(e) = packed {
                eprintln!("error: cannot write {}: {e}", archive.display());
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!("the embedded dataset was not built; run 'cargo run -- validate data' after fixing the data");
            ExitCode::FAILURE
        }
    }
}

/// The data directory as a gzipped tar, for `guestdb export-osinfo` without
/// `--from`: the files in name order, with no times or owners, so the same
/// data gives the same bytes.
fn pack(dir: &Path) -> Result<Vec<u8>, String> {
    let mut files = Vec::new();
    collect(dir, Path::new(""), &mut files)?;
    files.sort();
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    for rel in files {
        let bytes = std::fs::read(dir.join(&rel)).map_err(|e| format!("{}: {e}", rel.display()))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, &rel, bytes.as_slice())
            .map_err(|e| format!("{}: {e}", rel.display()))?;
    }
    let gz = tar.into_inner().map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}

fn collect(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let dir = root.join(rel);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = rel.join(entry.file_name());
        let kind = entry
            .file_type()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() {
            out.push(path);
        }
    }
    Ok(())
}
