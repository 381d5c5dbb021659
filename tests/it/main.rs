//! guestdb's integration tests: one binary, a module per area.
//!
//! Tests that need a real component (QEMU, libosinfo, xmllint, xorriso,
//! virt-xml-validate) fail with a message naming `tools/test-setup.sh` when it
//! is missing; none of them passes silently.

mod cli;
mod common;
mod data;
mod detect;
mod export;
mod fuzz;
mod hostile;
mod import;
mod machines;
mod oracle;
mod qemu;
mod recommend;
mod release;
mod reliability;
mod rules;
mod scaffold;
mod schema;
mod verify;
