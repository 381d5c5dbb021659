//! The device catalogue: device models with the PCI IDs QEMU shows and the
//! QEMU device names and libvirt models that produce them.

use crate::error::Error;
use crate::store::Database;
use serde::Serialize;

/// A name that yields a device model, and where it must be plugged for that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Realisation {
    pub name: String,
    /// `any`, `pci` (conventional PCI slot only) or `pcie` (behind a PCIe port only).
    pub slot: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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
        // Devices with their realisations in one pass (a device without any
        // has one row with NULLs).
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.idx, d.name, d.osinfo_id, d.class, d.bus, d.pci, d.usb, d.virtio_type, d.generation,
                    d.vendor, d.product, d.note, r.kind, r.name, r.slot
             FROM device d LEFT JOIN device_realisation r ON r.device = d.idx
             ORDER BY d.idx, r.ord",
        )?;
        let mut models: Vec<DeviceModel> = Vec::new();
        let mut last: Option<i64> = None;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let idx: i64 = r.get(0)?;
            if last != Some(idx) {
                models.push(DeviceModel {
                    name: r.get(1)?,
                    osinfo_id: r.get(2)?,
                    class: r.get(3)?,
                    bus: r.get(4)?,
                    pci: r.get(5)?,
                    usb: r.get(6)?,
                    virtio_type: r.get(7)?,
                    generation: r.get(8)?,
                    vendor: r.get(9)?,
                    product: r.get(10)?,
                    qemu_devices: Vec::new(),
                    libvirt_models: Vec::new(),
                    note: r.get(11)?,
                });
                last = Some(idx);
            }
            let kind: Option<String> = r.get(12)?;
            let (Some(kind), Some(m)) = (kind, models.last_mut()) else {
                continue;
            };
            let real = Realisation {
                name: r.get(13)?,
                slot: r.get(14)?,
            };
            if kind == "qemu" {
                m.qemu_devices.push(real);
            } else {
                m.libvirt_models.push(real);
            }
        }
        Ok(models)
    }
}
