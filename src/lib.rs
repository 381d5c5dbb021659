//! guestdb: a guest-OS knowledge database with a query layer.
//!
//! Open a [`Database`] (the dataset embedded in this crate, a store file or
//! a data directory), look OSes up and read their facts, identify install
//! media, and ask for a recommendation: the machine type with its version,
//! the firmware and every device, with the rules that chose each.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let db = guestdb::Database::embedded()?;
//! let os = db.lookup("rhel6.10")?.expect("known");
//! let net = os.virtio(guestdb::VirtioClass::by_name("net").unwrap());
//! assert!(net.legacy && !net.modern);
//!
//! // A recommendation for the OS on a host profile of the dataset.
//! use guestdb::recommend::{Policy, Target};
//! let host = db.profile_host("debian-12", Some("x86_64"))?.expect("profile");
//! let os = db.resolve("rhel6.10")?.expect("known");
//! let rec = db.recommend(&os, &Target {
//!     arch: "x86_64", hosts: &[host], policy: Policy::default(), today: guestdb::Date::parse("2026-12-01"),
//! })?;
//! assert_eq!(rec.machine.name, "pc-i440fx-7.2"); // Red Hat runs RHEL 6 on i440fx
//! let xml = guestdb::render::libvirt::render(&rec, &guestdb::render::Options::default());
//! assert!(xml.contains("<timer name='rtc' tickpolicy='catchup'/>"));
//! # Ok(())
//! # }
//! ```
//!
//! Modules follow the data flow: [`store`] reads the compiled store,
//! [`database`] builds the facade on it, [`query`] filters and resolves
//! names, [`detect`] identifies media, [`host`] describes hosts,
//! [`machine`] computes the machine types a host offers, [`lifecycle`]
//! says whether a release is supported on a day, [`recommend`] is
//! the rule engine and [`render`] writes its answer in each format. The
//! command line, `verify` (with [`qmp`]) and the osinfo-db [`interop`] are
//! behind the default features `cli`, `verify` and `interop`.

#![warn(missing_docs)]

/// README.md's Rust examples, compiled and run by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExamples;

pub mod check;
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
pub mod crosswalk;
pub mod database;
pub mod detect;
pub mod device;
pub mod diff;
pub mod error;
pub mod host;
pub mod input;
#[cfg(feature = "interop")]
pub mod interop;
pub mod lifecycle;
pub mod machine;
pub mod os;
pub mod process;
#[cfg(feature = "verify")]
pub mod qmp;
pub mod query;
pub mod recommend;
pub mod render;
pub mod store;
#[cfg(feature = "verify")]
pub mod verify;

pub use database::{Database, RecommendError};
pub use device::DeviceModel;
pub use error::{Error, ErrorKind};
pub use guestdb_data as data;
pub use guestdb_data::model::{Chipset, Date, ReleaseStatus, VirtioClass};
pub use os::{Os, OsDetails, VirtioSupport};
pub use query::{Filter, Resolved, VirtioWanted};
pub use store::{Origin, Store};

/// The version of this code.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The version of the dataset embedded in this build.
pub const DATASET_VERSION: &str = env!("GUESTDB_DATASET_VERSION");
/// The schema version of the data files and store this code reads.
pub const SCHEMA_VERSION: u32 = guestdb_data::SCHEMA_VERSION;
