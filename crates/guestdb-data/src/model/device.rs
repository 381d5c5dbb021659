//! The device catalogue: device models with the PCI IDs QEMU shows.

use super::*;
use crate::diag::Loc;
use std::fmt;

/// Where a catalogue device's ID can be seen: on any slot, only on a
/// conventional PCI slot, only behind a PCI Express port, or only on the
/// PCI Express root complex itself (root ports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Any,
    Pci,
    Pcie,
    Root,
}

impl Slot {
    pub fn name(self) -> &'static str {
        match self {
            Slot::Any => "any",
            Slot::Pci => "pci",
            Slot::Pcie => "pcie",
            Slot::Root => "root",
        }
    }

    pub fn parse(s: &str) -> Option<Slot> {
        match s {
            "any" => Some(Slot::Any),
            "pci" => Some(Slot::Pci),
            "pcie" => Some(Slot::Pcie),
            "root" => Some(Slot::Root),
            _ => None,
        }
    }
}

/// A name (QEMU device or libvirt model) that yields a catalogue device,
/// and where it must be plugged for that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Realisation {
    pub name: String,
    pub slot: Slot,
    pub loc: Loc,
}

/// A PCI vendor:device pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PciId {
    pub vendor: u16,
    pub device: u16,
}

impl PciId {
    /// Parses `1af4:1000` (exactly four lowercase or uppercase hex digits each).
    ///
    /// ```
    /// use guestdb_data::model::PciId;
    /// let id = PciId::parse("1AF4:1041").expect("valid");
    /// assert_eq!((id.vendor, id.device), (0x1af4, 0x1041));
    /// assert_eq!(id.to_string(), "1af4:1041");
    /// assert!(PciId::parse("1af4:10410").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<PciId> {
        let (v, d) = s.split_once(':')?;
        let hex = |p: &str| {
            (p.len() == 4 && p.bytes().all(|c| c.is_ascii_hexdigit()))
                .then(|| u16::from_str_radix(p, 16).ok())?
        };
        Some(PciId {
            vendor: hex(v)?,
            device: hex(d)?,
        })
    }
}

impl fmt::Display for PciId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}:{:04x}", self.vendor, self.device)
    }
}

/// A device model in `data/devices.xml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// The name OS files refer to (`<device ref="..."/>`).
    pub name: Located<String>,
    /// The id osinfo-db uses for the same device, for import and comparison.
    pub osinfo_id: Option<Located<String>>,
    pub class: String,
    pub bus: String,
    pub pci: Option<Located<PciId>>,
    pub usb: Option<Located<PciId>>,
    pub virtio_type: Option<u16>,
    pub generation: Option<Generation>,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub qemu_devices: Vec<Realisation>,
    pub libvirt_models: Vec<Realisation>,
    pub note: Option<String>,
    pub loc: Loc,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pci_ids_are_four_hex_digits_each() {
        assert_eq!(
            PciId::parse("1AF4:1000").map(|p| p.to_string()),
            Some("1af4:1000".into())
        );
        for bad in [
            "1af4:100",
            "1af4-1000",
            "1af4:10000",
            "zzzz:1000",
            "1af4:+100",
        ] {
            assert_eq!(PciId::parse(bad), None, "{bad}");
        }
    }
}
