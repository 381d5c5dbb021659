//! guestdb's integration tests: one binary, a module per area.
//!
//! Tests that need a real component (QEMU, libvirt, libosinfo, xmllint,
//! xorriso, virt-install) or depend on today's date are marked `#[ignore]`
//! with the reason: plain `cargo test` runs the fast, pure tests, and
//! `tools/test.sh` (which installs the components) runs all of them. A test
//! whose component is missing fails with a message naming
//! `tools/test-setup.sh`; none of them passes silently.

mod architecture;
mod check;
mod cli;
mod common;
mod crosswalk;
mod data;
mod detect;
mod ecosystems;
mod escaping;
mod export;
mod fuzz;
mod hostile;
mod import;
mod instancetypes;
mod lifecycle;
mod machines;
mod oracle;
mod outputs;
mod profile;
mod programs;
mod qemu;
mod recommend;
mod release;
mod reliability;
mod rules;
mod scaffold;
mod schema;
mod verify;
