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
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            eprintln!("the embedded dataset was not built; run 'cargo run -- validate data' after fixing the data");
            ExitCode::FAILURE
        }
    }
}
