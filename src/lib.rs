//! guestdb: a guest-OS knowledge database with a query layer.
//!
//! ```
//! let db = guestdb::Database::embedded().unwrap();
//! let rhel = db.lookup("rhel6.10").unwrap();
//! let net = rhel.virtio(guestdb::VirtioClass::by_name("net").unwrap());
//! assert!(net.legacy && !net.modern);
//! ```

pub mod cli;
pub mod device;
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
