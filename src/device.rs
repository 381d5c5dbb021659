//! The device catalogue: device models with the PCI IDs QEMU shows and the
//! QEMU device names and libvirt models that produce them.

use crate::error::Error;
use crate::store::Database;
use serde::{Deserialize, Serialize};

/// A name that yields a device model, and where it must be plugged for that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Realisation {
    pub name: String,
    /// `any`, `pci` (conventional PCI slot only) or `pcie` (behind a PCIe port only).
    pub slot: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceModel {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub osinfo_id: Option<String>,
    pub class: String,
    pub bus: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pci: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usb: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtio_type: Option<u16>,
    /// `legacy` or `modern` for virtio devices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub qemu_devices: Vec<Realisation>,
    pub libvirt_models: Vec<Realisation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Database {
    /// Every device model of the catalogue, in catalogue order.
    pub fn device_models(&self) -> Result<Vec<DeviceModel>, Error> {
        self.catalogue_doc("devices")
    }
}
