//! Virtio device classes (DESIGN.md §2.1) and the two interface generations.

/// The virtio device classes of DESIGN.md §2.1, keyed by their short names.
/// `legacy_pci` is the pre-1.0 (transitional) device ID, where one exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VirtioClass {
    pub name: &'static str,
    pub virtio_type: u16,
    pub legacy_pci: Option<u16>,
}

impl VirtioClass {
    pub const ALL: [VirtioClass; 15] = [
        VirtioClass::new("net", 1, Some(0x1000)),
        VirtioClass::new("block", 2, Some(0x1001)),
        VirtioClass::new("console", 3, Some(0x1003)),
        VirtioClass::new("rng", 4, Some(0x1005)),
        VirtioClass::new("balloon", 5, Some(0x1002)),
        VirtioClass::new("scsi", 8, Some(0x1004)),
        VirtioClass::new("9p", 9, Some(0x1009)),
        VirtioClass::new("gpu", 16, None),
        VirtioClass::new("input", 18, None),
        VirtioClass::new("vsock", 19, None),
        VirtioClass::new("iommu", 23, None),
        VirtioClass::new("mem", 24, None),
        VirtioClass::new("sound", 25, None),
        VirtioClass::new("fs", 26, None),
        VirtioClass::new("pmem", 27, None),
    ];

    const fn new(name: &'static str, virtio_type: u16, legacy_pci: Option<u16>) -> VirtioClass {
        VirtioClass {
            name,
            virtio_type,
            legacy_pci,
        }
    }

    pub fn by_name(name: &str) -> Option<VirtioClass> {
        VirtioClass::ALL.into_iter().find(|c| c.name == name)
    }

    /// The class named `name`, or the message that names the known ones.
    pub fn parse(name: &str) -> Result<VirtioClass, String> {
        VirtioClass::by_name(name).ok_or_else(|| {
            let names: Vec<_> = VirtioClass::ALL.iter().map(|c| c.name).collect();
            format!(
                "unknown virtio class '{name}'; expected one of {}",
                names.join(", ")
            )
        })
    }

    pub fn by_type(virtio_type: u16) -> Option<VirtioClass> {
        VirtioClass::ALL
            .into_iter()
            .find(|c| c.virtio_type == virtio_type)
    }

    /// The virtio 1.0 PCI device ID: 0x1040 + type.
    pub fn modern_pci(self) -> u16 {
        0x1040 + self.virtio_type
    }
}

/// Which virtio generation a device's PCI ID belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generation {
    /// The pre-1.0 ID (1af4:1000…103f) that legacy drivers bind to.
    Legacy,
    /// The virtio 1.0 ID (1af4:1040 + type).
    Modern,
}

impl Generation {
    pub fn name(self) -> &'static str {
        match self {
            Generation::Legacy => "legacy",
            Generation::Modern => "modern",
        }
    }

    pub fn parse(s: &str) -> Option<Generation> {
        match s {
            "legacy" => Some(Generation::Legacy),
            "modern" => Some(Generation::Modern),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modern_virtio_ids_are_0x1040_plus_type() {
        let net = VirtioClass::by_name("net").unwrap();
        assert_eq!(net.modern_pci(), 0x1041);
        assert_eq!(VirtioClass::by_name("gpu").unwrap().modern_pci(), 0x1050);
        assert_eq!(VirtioClass::by_name("fs").unwrap().modern_pci(), 0x105a);
    }
}
