//! The device catalogue: device models with the PCI IDs QEMU shows and the
//! QEMU device names and libvirt models that produce them (the store's
//! `devices` document, `data/devices.xml`).

pub use guestdb_data::doc::catalogue::{DeviceModel, Realisation};
pub use guestdb_data::model::Slot;
