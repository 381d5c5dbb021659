//! How a chosen device is realised: which catalogue device it is, its QEMU
//! device name and libvirt model, where it is plugged and so which PCI ID
//! the guest sees (DESIGN.md §2.1). Plain `virtio` is transitional on a
//! conventional PCI slot and modern-only behind a PCI Express root port;
//! `-transitional` always shows the legacy ID (libvirt and guestdb place it
//! on a conventional slot, behind a pcie-to-pci-bridge on q35);
//! `-non-transitional` always the modern ID.

use super::Placement;
use crate::device::DeviceModel;
use guestdb_data::model::{Generation, Slot, VirtioClass};

/// Where a machine plugs its devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Board {
    /// q35 and arm/riscv `virt`: PCI Express, devices behind root ports.
    Pcie,
    /// i440fx and pseries: conventional PCI slots on the root bus.
    Pci,
    /// s390x: virtio devices on the channel subsystem, no PCI.
    Ccw,
}

/// How a virtio device is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    /// `virtio`: transitional or modern by where it is plugged.
    Plain,
    Transitional,
    NonTransitional,
}

impl Mode {
    pub(super) fn libvirt(self, class: VirtioClass) -> &'static str {
        match (self, class.name) {
            (Mode::Plain, "scsi") => "virtio-scsi",
            (Mode::Plain, _) => "virtio",
            (Mode::Transitional, _) => "virtio-transitional",
            (Mode::NonTransitional, _) => "virtio-non-transitional",
        }
    }
}

/// A realised device: its catalogue entry, names, place and PCI ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Realised {
    pub catalogue: Option<String>,
    pub qemu_device: Option<String>,
    pub libvirt_model: Option<String>,
    pub placement: Placement,
    pub pci_id: Option<String>,
    pub interfaces: Vec<&'static str>,
}

fn qemu_name_for(d: &DeviceModel, mode: Mode, slot_ok: impl Fn(Slot) -> bool) -> Option<String> {
    d.qemu_devices
        .iter()
        .find(|r| {
            let non = r.name.ends_with("-non-transitional");
            let trans = r.name.ends_with("-transitional") && !non;
            let wanted = match mode {
                Mode::Plain => !non && !trans,
                Mode::Transitional => trans,
                Mode::NonTransitional => non,
            };
            wanted && slot_ok(r.slot)
        })
        .map(|r| r.name.clone())
}

/// A virtio device of `class` asked for as `mode` on `board`. `qemu_name`
/// picks among several plain QEMU names (virtio-vga or virtio-gpu-pci).
pub(super) fn virtio(
    devices: &[DeviceModel],
    class: VirtioClass,
    mode: Mode,
    board: Board,
    prefer: Option<&str>,
) -> Option<Realised> {
    // What the guest sees.
    let (generation, placement) = match (board, mode) {
        (Board::Ccw, _) => (Generation::Modern, Placement::Ccw),
        (Board::Pcie, Mode::Plain) => (Generation::Modern, Placement::PcieRootPort),
        (Board::Pcie, Mode::Transitional) => (Generation::Legacy, Placement::PciBridge),
        (Board::Pcie, Mode::NonTransitional) => (Generation::Modern, Placement::PcieRootPort),
        (Board::Pci, Mode::NonTransitional) => (Generation::Modern, Placement::PciSlot),
        (Board::Pci, _) => (Generation::Legacy, Placement::PciSlot),
    };
    // Classes without a legacy interface only have a modern device.
    let generation = if class.legacy_pci.is_none() {
        Generation::Modern
    } else {
        generation
    };
    let d = devices
        .iter()
        .find(|d| d.virtio_type == Some(class.virtio_type) && d.generation == Some(generation))?;
    let slot_ok = |slot: Slot| {
        matches!(
            (placement, slot),
            (_, Slot::Any)
                | (Placement::PcieRootPort, Slot::Pcie)
                | (Placement::PciSlot | Placement::PciBridge, Slot::Pci)
                | (Placement::Ccw, _)
        )
    };
    let mut qemu = match prefer {
        Some(p) if d.qemu_devices.iter().any(|r| r.name == p) => Some(p.to_string()),
        _ => qemu_name_for(d, mode, slot_ok),
    };
    if board == Board::Ccw {
        // The channel-subsystem form of the same device.
        qemu = qemu.map(|q| q.replace("-pci", "-ccw"));
    }
    let interfaces = if placement == Placement::Ccw {
        vec!["legacy", "modern"]
    } else if generation == Generation::Legacy {
        // A transitional device: legacy ID, both interfaces.
        vec!["legacy", "modern"]
    } else {
        vec!["modern"]
    };
    Some(Realised {
        catalogue: Some(d.name.clone()),
        qemu_device: qemu,
        libvirt_model: Some(mode.libvirt(class).to_string()),
        pci_id: if placement == Placement::Ccw {
            None
        } else {
            d.pci.clone()
        },
        placement,
        interfaces,
    })
}

/// A catalogue device by name, plugged at `placement`.
pub(super) fn named(devices: &[DeviceModel], name: &str, placement: Placement) -> Option<Realised> {
    let d = devices.iter().find(|d| d.name == name)?;
    Some(Realised {
        catalogue: Some(d.name.clone()),
        qemu_device: d.qemu_devices.first().map(|r| r.name.clone()),
        libvirt_model: d.libvirt_models.first().map(|r| r.name.clone()),
        pci_id: if placement.is_pci() {
            d.pci.clone()
        } else {
            None
        },
        placement,
        interfaces: Vec::new(),
    })
}

/// Where a PCI device that is not virtio goes on `board`: PCI Express
/// capable devices behind a root port, conventional ones behind the bridge
/// (as libvirt places them on q35).
pub(super) fn emulated_placement(board: Board, pcie_capable: bool) -> Placement {
    match (board, pcie_capable) {
        (Board::Pcie, true) => Placement::PcieRootPort,
        (Board::Pcie, false) => Placement::PciBridge,
        (Board::Pci, _) => Placement::PciSlot,
        (Board::Ccw, _) => Placement::Ccw,
    }
}
