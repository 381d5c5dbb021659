//! guestdb: a guest-OS knowledge database with a query layer.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = guestdb::Database::embedded()?;
//! let os = db.lookup("rhel6.10").expect("known");
//! let net = os.virtio(guestdb::VirtioClass::by_name("net").unwrap());
//! assert!(net.legacy && !net.modern);
//!
//! // A recommendation: the OS's facts on one arch, the device catalogue, the hosts.
//! use guestdb::recommend::{recommend, Policy, Target};
//! let host = db.host_profile("debian-12")?.expect("profile").host(db.machine_catalogue()?)?;
//! let rec = recommend(&db.os_facts(os, "x86_64")?, &db.device_models()?, &Target {
//!     arch: "x86_64", hosts: &[host], policy: Policy::default(), today: guestdb::Date::parse("2026-12-01"),
//! })?;
//! assert_eq!(rec.machine.name, "pc-q35-7.2");
//! let xml = guestdb::render::libvirt::render(&rec, &guestdb::render::Options::default());
//! assert!(xml.contains("model='virtio-transitional'"));
//! # Ok(())
//! # }
//! ```

/// README.md's Rust examples, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;

pub mod cli;
pub mod detect;
pub mod device;
pub mod diff;
pub mod error;
pub mod host;
pub mod interop;
pub mod machine;
pub mod os;
pub mod qmp;
pub mod query;
pub mod recommend;
pub mod render;
pub mod store;
pub mod verify;

pub use device::DeviceModel;
pub use error::Error;
pub use guestdb_data as data;
pub use guestdb_data::model::{Chipset, Date, ReleaseStatus, VirtioClass};
pub use os::{Os, OsDetails, VirtioSupport};
pub use query::{Filter, VirtioWanted};
pub use store::{Database, Origin};

/// The version of this code.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The version of the dataset embedded in this build.
pub const DATASET_VERSION: &str = env!("GUESTDB_DATASET_VERSION");
/// The schema version of the data files and store this code reads.
pub const SCHEMA_VERSION: u32 = guestdb_data::SCHEMA_VERSION;
