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

pub use facts::{drivable, FactRef, Fallback, OsFacts};

use crate::device::DeviceModel;
use crate::host::Host;
use guestdb_data::doc::catalogue::{CpuModel, HypervFeature};
use guestdb_data::model::Date;
use serde::Serialize;
use std::fmt;

/// Which chipset to use (x86).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChipsetPolicy {
    #[default]
    /// q35 where the rules allow, else i440fx.
    Auto,
    /// q35 (`--chipset q35`).
    Q35,
    /// i440fx (`--chipset i440fx`).
    I440fx,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
/// Which firmware to use.
pub enum FirmwarePolicy {
    #[default]
    /// What the OS requires or prefers, else BIOS (x86).
    Auto,
    /// BIOS (`--firmware bios`).
    Bios,
    /// UEFI (`--firmware efi`).
    Efi,
    /// UEFI from EDK2's flash image (`--firmware edk2`): on riscv64 instead
    /// of U-Boot started by OpenSBI; elsewhere the same as `efi`.
    Edk2,
}

impl FirmwarePolicy {
    /// `edk2` asks for UEFI as `efi` does, with the file chosen differently.
    pub fn as_kind(self) -> FirmwarePolicy {
        if self == FirmwarePolicy::Edk2 {
            FirmwarePolicy::Efi
        } else {
            self
        }
    }
}

/// Whether virtio drivers the OS does not ship are available at install time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriversPolicy {
    #[default]
    /// Only what the OS ships.
    None,
    /// virtio-win's drivers (attached or pre-installed).
    VirtioWin,
}

/// Plain `virtio` models (they become transitional or modern by where
/// they are plugged) or explicit `virtio-transitional` /
/// `virtio-non-transitional` ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelsPolicy {
    #[default]
    /// `virtio`.
    Plain,
    /// `virtio-transitional` or `virtio-non-transitional`.
    Explicit,
}

/// How Hyper-V enlightenments are chosen (Windows guests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HypervPolicy {
    /// Every enlightenment the OS uses and every host offers, with its
    /// dependencies (those of data/hyperv.xml marked default).
    #[default]
    Auto,
    /// None.
    Off,
    /// Everything the host's KVM offers (libvirt's passthrough mode; one KVM host only).
    Passthrough,
}

/// What the VM is for: sound only for a desktop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfilePolicy {
    /// As the OS's role facts say (a release not known to be server-only is a desktop).
    #[default]
    Auto,
    /// A server: no sound.
    Server,
    /// A desktop: sound.
    Desktop,
}

/// Which accelerator runs the guest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VirtTypePolicy {
    /// KVM where every host has it, else TCG.
    #[default]
    Auto,
    /// KVM (an error where a host has none).
    Kvm,
    /// QEMU's software emulation (TCG).
    Qemu,
}

/// The system that will run the VM, whose vocabulary the answer must fit
/// (`--format kubevirt|openstack|proxmox` chooses it): each can express
/// fewer choices than libvirt, and the `ecosystem` rule narrows the
/// recommendation to what it can.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    /// libvirt, QEMU or virt-install: every choice can be stated.
    #[default]
    Libvirt,
    /// KubeVirt (a `VirtualMachineClusterPreference`).
    Kubevirt,
    /// OpenStack Nova (Glance image properties).
    Openstack,
    /// Proxmox VE (`qm create`, `/etc/pve/qemu-server/VMID.conf`).
    Proxmox,
}

impl Ecosystem {
    /// Its name (`kubevirt`).
    pub fn name(self) -> &'static str {
        match self {
            Ecosystem::Libvirt => "libvirt",
            Ecosystem::Kubevirt => "kubevirt",
            Ecosystem::Openstack => "openstack",
            Ecosystem::Proxmox => "proxmox",
        }
    }

    /// Its name in sentences (`Proxmox VE`).
    pub fn title(self) -> &'static str {
        match self {
            Ecosystem::Libvirt => "libvirt",
            Ecosystem::Kubevirt => "KubeVirt",
            Ecosystem::Openstack => "OpenStack Nova",
            Ecosystem::Proxmox => "Proxmox VE",
        }
    }

    /// Whether it is libvirt (left out of the JSON answer).
    pub fn is_libvirt(&self) -> bool {
        *self == Ecosystem::Libvirt
    }
}

/// The architectures guestdb recommends for.
pub const ARCHES: &[&str] = &["x86_64", "i686", "aarch64", "ppc64le", "s390x", "riscv64"];

/// Each policy's words, as the command line and the Python package take
/// them: `parse` gives the value a word names, `None` for an unknown word;
/// `WORDS` says what is accepted.
macro_rules! policy_words {
    ($ty:ident, $expected:literal, $($word:literal => $value:ident),+ $(,)?) => {
        impl $ty {
            /// The accepted words, as an error message lists them.
            pub const WORDS: &'static str = $expected;
            /// The value `word` names (see [`Self::WORDS`]).
            pub fn parse(word: &str) -> Option<$ty> {
                match word {
                    $($word => Some($ty::$value),)+
                    _ => None,
                }
            }
        }
    };
}

policy_words!(ChipsetPolicy, "auto, q35 or i440fx", "auto" => Auto, "q35" => Q35, "i440fx" => I440fx);
policy_words!(FirmwarePolicy, "auto, bios, efi or edk2", "auto" => Auto, "bios" => Bios, "efi" => Efi, "uefi" => Efi, "edk2" => Edk2);
policy_words!(DriversPolicy, "none or virtio-win", "none" => None, "virtio-win" => VirtioWin);
policy_words!(ModelsPolicy, "plain or explicit", "plain" => Plain, "explicit" => Explicit);
policy_words!(HypervPolicy, "auto, off or passthrough", "auto" => Auto, "off" => Off, "passthrough" => Passthrough);
policy_words!(ProfilePolicy, "auto, server or desktop", "auto" => Auto, "server" => Server, "desktop" => Desktop);
policy_words!(Ecosystem, "libvirt, kubevirt, openstack or proxmox", "libvirt" => Libvirt, "kubevirt" => Kubevirt, "openstack" => Openstack, "proxmox" => Proxmox);
policy_words!(VirtTypePolicy, "auto, kvm or qemu", "auto" => Auto, "kvm" => Kvm, "qemu" => Qemu, "tcg" => Qemu);

/// The caller's choices (the command line's policy options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Policy {
    /// Which chipset.
    pub chipset: ChipsetPolicy,
    /// Which firmware.
    pub firmware: FirmwarePolicy,
    /// Turn Secure Boot on even when the OS does not require it.
    pub secure_boot: bool,
    /// Which driver packages are available.
    pub drivers: DriversPolicy,
    /// Plain or explicit virtio models.
    pub models: ModelsPolicy,
    /// Hyper-V enlightenments.
    pub hyperv: HypervPolicy,
    /// Server or desktop.
    pub profile: ProfilePolicy,
    /// KVM or TCG.
    pub virt_type: VirtTypePolicy,
    /// The system that will run the VM (chosen by the output format).
    #[serde(skip_serializing_if = "Ecosystem::is_libvirt")]
    pub ecosystem: Ecosystem,
}

/// What a recommendation is for.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The guest architecture (`x86_64`).
    pub arch: &'a str,
    /// The host the VM runs on first, then every host it must migrate to.
    pub hosts: &'a [Host],
    /// The caller's choices.
    pub policy: Policy,
    /// Today, for end-of-life warnings; `None` gives none.
    pub today: Option<Date>,
}

/// The chosen machine type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Machine {
    /// Its versioned name (`pc-q35-7.2`).
    pub name: String,
    /// Its family (`q35`, `i440fx`, `virt`, `pseries`, `s390-ccw-virtio`).
    pub family: String,
    /// The unversioned name that points to it on the first host, if any.
    pub alias: Option<String>,
    /// Some host marks it deprecated.
    pub deprecated: bool,
    /// The QEMU release that added it (upstream types).
    pub qemu_version: Option<String>,
    /// `upstream` or the distribution line (`rhel`, `ubuntu`).
    pub origin: String,
}

/// The TPM the guest gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TpmChoice {
    /// The device model (`tpm-crb`).
    pub model: String,
    /// The TPM version (`2.0`).
    pub version: String,
}

/// The chosen firmware.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirmwareChoice {
    /// `bios` or `efi`.
    #[serde(rename = "type")]
    pub kind: String,
    /// UEFI Secure Boot is on.
    pub secure_boot: bool,
    /// System management mode (needed by Secure Boot on q35).
    pub smm: bool,
    /// The TPM the guest gets, if any.
    pub tpm: Option<TpmChoice>,
    /// The first host's firmware files, where it names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The first host's template of the UEFI variable store, where it names one.
    pub vars: Option<String>,
    /// The payload the board's own firmware starts (riscv64: U-Boot), where
    /// the first host names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
}

/// The CPU the guest gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CpuChoice {
    /// libvirt's mode: `host-passthrough`, `host-model`, `custom` (a named
    /// model), `maximum` (everything the accelerator emulates), or
    /// `default` (the board's own CPU: nothing stated).
    pub mode: String,
    /// The named model, for `custom`; for `host-model`, the model the
    /// first host's host-model starts from, where known (QEMU command lines
    /// have no host-model).
    pub model: Option<String>,
    /// CPU features the model is raised with (x86-64 level baselines).
    pub features: Vec<String>,
}

/// One Hyper-V enlightenment the guest gets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HypervChoice {
    /// libvirt's name (`synic`; `hypervclock` is a clock timer).
    pub name: String,
    /// QEMU's CPU property (`hv-synic`).
    pub qemu_property: String,
    /// Its value (spinlock retries), if it takes one.
    pub value: Option<String>,
}

/// The Hyper-V enlightenments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Enlightenments {
    /// `custom` (the list) or `passthrough` (all the host's KVM has).
    pub mode: String,
    /// The features, in data/hyperv.xml's order (empty: none).
    pub features: Vec<HypervChoice>,
}

impl Enlightenments {
    /// Whether the guest gets feature `name`.
    pub fn has(&self, name: &str) -> bool {
        self.mode == "passthrough" || self.features.iter().any(|f| f.name == name)
    }

    /// The listed features' libvirt names (`relaxed, vapic, ...`).
    pub fn names(&self) -> Vec<&str> {
        self.features.iter().map(|f| f.name.as_str()).collect()
    }
}

/// A clock timer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Timer {
    /// `rtc`, `pit`, `hpet`, `hypervclock`.
    pub name: String,
    /// `catchup`, `delay`, ...
    pub tickpolicy: Option<String>,
    /// Present or not (`hpet` off).
    pub present: Option<bool>,
}

/// The guest's clock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClockChoice {
    /// `utc` or `localtime`.
    pub offset: String,
    /// Timers stated (x86).
    pub timers: Vec<Timer>,
}

/// Platform features.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PlatformChoice {
    /// VMware's I/O port: `Some(false)` turns it off (x86).
    pub vmport: Option<bool>,
    /// Suspend to RAM (S3): `Some(false)` turns it off.
    pub suspend_to_mem: Option<bool>,
    /// Suspend to disk (S4): `Some(false)` turns it off.
    pub suspend_to_disk: Option<bool>,
}

/// The remote display.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GraphicsChoice {
    /// `spice`, `vnc`, or `none`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// What virt-install on the first host needs to know the OS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsinfoChoice {
    /// The first host's osinfo-db knows the OS (`None`: not known which).
    pub known: Option<bool>,
    /// Why.
    pub reason: String,
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
    /// On a USB controller.
    Usb,
    /// On the ISA bus.
    Isa,
    /// On the PS/2 controller.
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
    /// Its name in the JSON and text answers (`pcie-root-port`).
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
    /// Where it sits, as the guest sees it.
    pub placement: Placement,
    /// The PCI vendor:device the guest sees, for PCI functions.
    pub pci_id: Option<String>,
    /// For virtio devices: the interfaces it offers (`legacy`, `modern`).
    pub interfaces: Vec<&'static str>,
    /// The catalogue device (data/devices.xml) it is.
    pub catalogue: Option<String>,
    /// The rule that chose it.
    pub rule: &'static str,
    /// For a CD-ROM: `install` (the install medium) or `drivers` (virtio-win's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub medium: Option<&'static str>,
}

/// Something the caller should know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `end-of-life`, `end-of-life-unknown`, `not-released`, `fallback`,
    /// `deprecated-machine`, `unsupported`,
    /// `emulated-fallback`, `assumed`.
    pub code: &'static str,
    /// What happened, in words.
    pub message: String,
}

/// One rule's decision, the reasons, and the facts it read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleTrace {
    /// The rule's name.
    pub rule: &'static str,
    /// What it chose.
    pub decision: String,
    /// Why.
    pub reasons: Vec<String>,
    /// The facts it read, each with where it is declared.
    pub facts: Vec<FactRef>,
}

/// Memory, CPUs and disk for the VM, from the OS's resources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// Memory, MiB.
    pub memory_mib: u64,
    /// Virtual CPUs.
    pub vcpus: u64,
    /// Disk, GiB.
    pub disk_gib: u64,
    /// The least memory the OS runs in, MiB, where its facts say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_memory_mib: Option<u64>,
    /// The fewest CPUs the OS runs on, where its facts say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum_vcpus: Option<u64>,
}

/// The OS a recommendation is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsRef {
    /// Its id.
    pub id: String,
    /// Its first short-id.
    pub short_id: String,
    /// Its name.
    pub name: String,
    /// Its family (`linux`, `winnt`), for the formats of other ecosystems.
    #[serde(skip)]
    pub family: Option<String>,
    /// Its distribution (`rhel`, `win`), for the formats of other ecosystems.
    #[serde(skip)]
    pub distro: Option<String>,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Recommendation {
    /// The OS (the stand-in, when a fallback was used).
    pub os: OsRef,
    /// The guest architecture.
    pub arch: String,
    /// The host the VM runs on first.
    pub host: String,
    /// The hosts it must be able to live-migrate to.
    pub migrate_to: Vec<String>,
    /// The caller's choices.
    pub policy: Policy,
    /// libvirt's domain type: `kvm` or `qemu` (TCG).
    pub domain_type: String,
    /// The machine type.
    pub machine: Machine,
    /// The firmware, Secure Boot and TPM.
    pub firmware: FirmwareChoice,
    /// Memory, CPUs and disk.
    pub resources: Resources,
    /// The CPU model.
    pub cpu: CpuChoice,
    /// Hyper-V enlightenments (Windows).
    pub hyperv: Enlightenments,
    /// The clock and its timers.
    pub clock: ClockChoice,
    /// Platform features (vmport, power management).
    pub platform: PlatformChoice,
    /// The remote display.
    pub graphics: GraphicsChoice,
    /// Whether virt-install on the first host knows the OS.
    pub osinfo: OsinfoChoice,
    /// Every device the guest sees, and those turned off.
    pub devices: Vec<Device>,
    /// What the caller should know.
    pub warnings: Vec<Warning>,
    /// Each rule's decision, reasons and facts, in order.
    pub rules: Vec<RuleTrace>,
}

impl Recommendation {
    /// The devices of a class.
    pub fn of_class<'r>(&'r self, class: &'r str) -> impl Iterator<Item = &'r Device> + 'r {
        self.devices.iter().filter(move |d| d.class == class)
    }

    /// The device with id `id` (`disk0`).
    pub fn device(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }
}

/// Why no recommendation exists (no common machine type, an unsupported
/// architecture, a requirement no host meets).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoRecommendation {
    /// The rule that found no possible choice.
    pub rule: &'static str,
    /// Why, in words.
    pub message: String,
    /// The decisions of the rules before it.
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

/// The catalogues the rules read beside the OS's facts.
#[derive(Clone, Copy, Debug)]
pub struct Catalogue<'a> {
    /// Device models (data/devices.xml).
    pub devices: &'a [DeviceModel],
    /// Hyper-V enlightenments (data/hyperv.xml).
    pub hyperv: &'a [HypervFeature],
    /// Named x86 CPU models (data/cpus.xml).
    pub cpus: &'a [CpuModel],
}

/// Recommends machine, firmware and devices for `os` on `target`, using the
/// catalogues. Pure: same inputs, same answer.
pub fn recommend(
    os: &OsFacts,
    catalogue: &Catalogue,
    target: &Target,
) -> Result<Recommendation, NoRecommendation> {
    rules::run(os, catalogue, target)
}
