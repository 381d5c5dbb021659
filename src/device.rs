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
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, osinfo_id, class, bus, pci, usb, virtio_type, generation, vendor, product, note
             FROM device ORDER BY idx",
        )?;
        let mut models = stmt
            .query_map([], |r| {
                Ok(DeviceModel {
                    name: r.get(0)?,
                    osinfo_id: r.get(1)?,
                    class: r.get(2)?,
                    bus: r.get(3)?,
                    pci: r.get(4)?,
                    usb: r.get(5)?,
                    virtio_type: r.get(6)?,
                    generation: r.get(7)?,
                    vendor: r.get(8)?,
                    product: r.get(9)?,
                    qemu_devices: Vec::new(),
                    libvirt_models: Vec::new(),
                    note: r.get(10)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT device, kind, name, slot FROM device_realisation ORDER BY device, ord",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let idx = r.get::<_, i64>(0)? as usize;
            let kind: String = r.get(1)?;
            let real = Realisation {
                name: r.get(2)?,
                slot: r.get(3)?,
            };
            if let Some(m) = models.get_mut(idx) {
                if kind == "qemu" {
                    m.qemu_devices.push(real);
                } else {
                    m.libvirt_models.push(real);
                }
            }
        }
        Ok(models)
    }
}
