//! The recommendation: for an OS, an architecture, the hosts the VM must run
//! on (the first, and any it must live-migrate to) and a policy, the machine
//! type with its version, the firmware, and every device the guest sees,
//! with the rules that chose each and the facts they used.
//!
//! [`recommend`] is a pure function of its inputs: no clock (the caller
//! passes today's date), no files, no store. The rules are named units in
//! [`rules`], applied in the order documented in `docs/recommend-rules.md`.

pub mod facts;
mod placement;
pub mod rules;

pub use facts::{FactRef, Fallback, OsFacts};

use crate::device::DeviceModel;
use crate::host::Host;
use guestdb_data::model::Date;
use serde::Serialize;
use std::fmt;

/// Which chipset to use (x86).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChipsetPolicy {
    #[default]
    Auto,
    Q35,
    I440fx,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FirmwarePolicy {
    #[default]
    Auto,
    Bios,
    Efi,
}

/// Whether virtio drivers the OS does not ship are available at install time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriversPolicy {
    #[default]
    None,
    VirtioWin,
}

/// Plain `virtio` models (they become transitional or modern by where
/// they are plugged) or explicit `virtio-transitional` /
/// `virtio-non-transitional` ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelsPolicy {
    #[default]
    Plain,
    Explicit,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Policy {
    pub chipset: ChipsetPolicy,
    pub firmware: FirmwarePolicy,
    /// Turn Secure Boot on even when the OS does not require it.
    pub secure_boot: bool,
    pub drivers: DriversPolicy,
    pub models: ModelsPolicy,
}

/// What a recommendation is for.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub arch: &'a str,
    /// The host the VM runs on first, then every host it must migrate to.
    pub hosts: &'a [Host],
    pub policy: Policy,
    /// Today, for end-of-life warnings; `None` gives none.
    pub today: Option<Date>,
}

/// The chosen machine type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Machine {
    pub name: String,
    pub family: String,
    /// The unversioned name that points to it on the first host, if any.
    pub alias: Option<String>,
    pub deprecated: bool,
    /// The QEMU release that added it (upstream types).
    pub qemu_version: Option<String>,
    /// `upstream` or the distribution line (`rhel`, `ubuntu`).
    pub origin: String,
}

/// The TPM the guest gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TpmChoice {
    pub model: String,
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirmwareChoice {
    /// `bios` or `efi`.
    #[serde(rename = "type")]
    pub kind: String,
    pub secure_boot: bool,
    /// System management mode (needed by Secure Boot on q35).
    pub smm: bool,
    pub tpm: Option<TpmChoice>,
    /// The first host's firmware files, where it names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vars: Option<String>,
}

/// Where a device sits, as the guest sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Behind its own PCI Express root port (q35, virt).
    PcieRootPort,
    /// On a conventional PCI slot behind a pcie-to-pci-bridge (q35).
    PciBridge,
    /// On a conventional PCI slot of the root bus (i440fx, pseries).
    PciSlot,
    /// On the PCI Express root complex itself (root ports).
    PcieRoot,
    /// Part of the chipset (q35's AHCI at 00:1f.2, i440fx's IDE at 00:01.1).
    Integrated,
    /// A disk or CD-ROM on a storage controller (SATA, IDE, SCSI).
    Controller,
    Usb,
    Isa,
    Ps2,
    /// On the s390x channel subsystem (no PCI).
    Ccw,
    /// A platform device of the board (no PCI).
    Platform,
    /// A port of the virtio-serial controller.
    VirtioSerial,
    /// Not present: a device libvirt would add, turned off (`model='none'`).
    Absent,
}

impl Placement {
    pub fn name(self) -> &'static str {
        match self {
            Placement::PcieRootPort => "pcie-root-port",
            Placement::PciBridge => "pci-bridge",
            Placement::PciSlot => "pci-slot",
            Placement::PcieRoot => "pcie-root",
            Placement::Integrated => "integrated",
            Placement::Controller => "controller",
            Placement::Usb => "usb",
            Placement::Isa => "isa",
            Placement::Ps2 => "ps2",
            Placement::Ccw => "ccw",
            Placement::Platform => "platform",
            Placement::VirtioSerial => "virtio-serial",
            Placement::Absent => "none",
        }
    }

    /// Whether a device here is a PCI function the guest enumerates.
    pub fn is_pci(self) -> bool {
        matches!(
            self,
            Placement::PcieRootPort
                | Placement::PciBridge
                | Placement::PciSlot
                | Placement::PcieRoot
                | Placement::Integrated
        )
    }
}

/// One device of the recommendation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Device {
    /// `disk`, `cdrom`, `net`, `rng`, `balloon`, `console`, `scsi`, `input`,
    /// `video`, `usb`, `tpm`, `controller` (storage and PCI infrastructure).
    pub class: &'static str,
    /// What it is for, in words (`system disk`, `guest agent channel`).
    pub role: String,
    /// A short id renderers use (`disk0`, `net0`, `rp1`).
    pub id: String,
    /// The device this one plugs into (a controller or bridge id), if any.
    pub parent: Option<String>,
    /// The libvirt model (`virtio-transitional`, `e1000e`, `qemu-xhci`, `none`).
    pub libvirt_model: Option<String>,
    /// The libvirt bus of a disk, CD-ROM or input device (`virtio`, `sata`, `usb`).
    pub libvirt_bus: Option<String>,
    /// The QEMU device name (`virtio-net-pci-transitional`, `ide-cd`).
    pub qemu_device: Option<String>,
    pub placement: Placement,
    /// The PCI vendor:device the guest sees, for PCI functions.
    pub pci_id: Option<String>,
    /// For virtio devices: the interfaces it offers (`legacy`, `modern`).
    pub interfaces: Vec<&'static str>,
    /// The catalogue device (data/devices.xml) it is.
    pub catalogue: Option<String>,
    /// The rule that chose it.
    pub rule: &'static str,
}

/// Something the caller should know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `end-of-life`, `fallback`, `deprecated-machine`, `unsupported`,
    /// `emulated-fallback`, `assumed`.
    pub code: &'static str,
    pub message: String,
}

/// One rule's decision, the reasons, and the facts it read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleTrace {
    pub rule: &'static str,
    pub decision: String,
    pub reasons: Vec<String>,
    pub facts: Vec<FactRef>,
}

/// Memory, CPUs and disk for the VM, from the OS's resources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resources {
    pub memory_mib: u64,
    pub vcpus: u64,
    pub disk_gib: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsRef {
    pub id: String,
    pub short_id: String,
    pub name: String,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    pub os: OsRef,
    pub arch: String,
    pub host: String,
    pub migrate_to: Vec<String>,
    pub policy: Policy,
    pub machine: Machine,
    pub firmware: FirmwareChoice,
    pub resources: Resources,
    pub devices: Vec<Device>,
    pub warnings: Vec<Warning>,
    pub rules: Vec<RuleTrace>,
}

impl Recommendation {
    /// The devices of a class.
    pub fn of_class<'r>(&'r self, class: &'r str) -> impl Iterator<Item = &'r Device> + 'r {
        self.devices.iter().filter(move |d| d.class == class)
    }

    pub fn device(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }
}

/// Why no recommendation exists (no common machine type, an unsupported
/// architecture, a requirement no host meets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoRecommendation {
    pub rule: &'static str,
    pub message: String,
    pub rules: Vec<RuleTrace>,
}

impl fmt::Display for NoRecommendation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no recommendation ({} rule): {}",
            self.rule, self.message
        )
    }
}

impl std::error::Error for NoRecommendation {}

/// Recommends machine, firmware and devices for `os` on `target`, using the
/// device catalogue `devices`. Pure: same inputs, same answer.
pub fn recommend(
    os: &OsFacts,
    devices: &[DeviceModel],
    target: &Target,
) -> Result<Recommendation, NoRecommendation> {
    rules::run(os, devices, target)
}
