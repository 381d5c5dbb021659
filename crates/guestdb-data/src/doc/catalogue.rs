//! The catalogue documents: the device catalogue (`devices`), QEMU's
//! machine types (`machines`), each distribution's machine line
//! (`line/ID`) and the host profiles (rows of `host`).

use super::Place;
use crate::model::{Date, FirmwareType, Generation, Slot, Version};
use serde::{Deserialize, Serialize};

/// A name that yields a device model, and where it must be plugged for that.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Realisation {
    pub name: String,
    /// Any slot, a conventional PCI slot only, behind a PCIe port only, or
    /// the root complex.
    pub slot: Slot,
}

/// A device model: the PCI ID QEMU shows and the QEMU device names and
/// libvirt models that produce it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceModel {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub osinfo_id: Option<String>,
    pub class: String,
    pub bus: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pci: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usb: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtio_type: Option<u16>,
    /// For virtio devices: which interface the PCI ID belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<Generation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    pub qemu_devices: Vec<Realisation>,
    pub libvirt_models: Vec<Realisation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A Hyper-V enlightenment (`data/hyperv.xml`): the `hyperv` document is a list of these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HypervFeature {
    /// libvirt's name (`synic`; `hypervclock` for the timer).
    pub name: String,
    /// QEMU's CPU property (`hv-synic`).
    pub qemu_property: String,
    pub qemu_since: Version,
    pub libvirt_since: Version,
    /// Features it needs enabled too.
    pub requires: Vec<String>,
    /// `intel` or `amd` when only that vendor's hardware runs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// QEMU runs it without KVM.
    pub tcg: bool,
    /// Enabled by default for a Windows that uses it.
    pub default: bool,
    /// A value it takes (spinlock retries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The first Windows releases that use it (ids).
    pub windows: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: Place,
}

/// A named x86 CPU model (`data/cpus.xml`): the `cpus` document is a list of these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuModel {
    pub name: String,
    /// `intel`, `amd` or `any`.
    pub vendor: String,
    /// The x86-64 level it reaches (1 to 4).
    pub level: u8,
    pub qemu_since: Version,
    pub at: Place,
}

/// The OSes one osinfo-db release knows: the `osinfo/VERSION` document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsinfoRelease {
    pub version: String,
    /// OS ids.
    pub oses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: Place,
}

/// A QEMU release.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    pub version: Version,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    pub at: Place,
}

/// A family of versioned machine types (`pc-q35-X.Y`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    pub name: String,
    pub arches: Vec<String>,
    pub prefix: String,
    /// The unversioned name of the newest (`q35`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias_since: Option<Version>,
    /// The first QEMU release with a type of the family.
    pub first: Version,
    pub default_machine: bool,
    /// One type per release; else one type named `prefix`.
    #[serde(default = "yes")]
    pub versioned: bool,
    pub at: Place,
}

/// A machine type outside a family's one-per-release pattern (bug-fix types).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extra {
    pub name: String,
    pub family: String,
    pub version: Version,
    pub added: Version,
    pub at: Place,
}

/// A deliberate removal or deprecation of a range of a family's types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub removed: bool,
    pub family: String,
    pub from: Version,
    pub to: Version,
    pub release: Version,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: Place,
}

/// QEMU's lifecycle rule for versioned machine types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    pub since: Version,
    pub deprecate_after: u16,
    pub delete_after: u16,
    pub delete_since: Version,
    pub at: Place,
}

/// Upstream QEMU's machine types: the `machines` document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machines {
    pub releases: Vec<Release>,
    pub families: Vec<Family>,
    pub extras: Vec<Extra>,
    pub changes: Vec<Change>,
    pub lifecycle: Option<Lifecycle>,
}

/// One machine type of a distribution's line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineMachine {
    pub name: String,
    pub family: String,
    pub arches: Vec<String>,
    /// The releases of the line that offer it (`9.4`; the first of each
    /// series it is in).
    pub since: Vec<String>,
    pub deprecated_since: Vec<String>,
    /// A variant (`hpb`, `maxcpus`): never chosen unless named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    pub at: Place,
}

/// A distribution's own machine types: the `line/ID` document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub id: String,
    pub name: String,
    /// Its QEMU also offers the upstream types.
    pub with_upstream: bool,
    /// (alias, family) pairs.
    pub aliases: Vec<(String, String)>,
    pub machines: Vec<LineMachine>,
    pub at: Place,
}

/// Firmware a host can give guests of one architecture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostFirmware {
    pub arch: String,
    #[serde(rename = "type")]
    pub kind: FirmwareType,
    pub secure_boot: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vars: Option<String>,
    /// The payload the board's firmware starts (`-kernel`, libvirt `<kernel>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
}

/// A TPM model a host can give guests, and its versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostTpm {
    pub arch: String,
    pub model: String,
    pub versions: Vec<String>,
}

/// A host profile (`data/hosts/ID.xml`): a row of `host`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostProfile {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub released: Option<Date>,
    pub qemu: Option<Version>,
    #[serde(default)]
    pub qemu_package: Option<String>,
    #[serde(default)]
    pub libvirt: Option<Version>,
    #[serde(default)]
    pub libvirt_package: Option<String>,
    /// Offers the upstream machine types of its QEMU version.
    pub upstream_machines: bool,
    /// A distribution line and release whose own types it offers.
    #[serde(default)]
    pub machine_line: Option<(String, String)>,
    pub arches: Vec<String>,
    pub default: bool,
    pub firmware: Vec<HostFirmware>,
    pub tpm: Vec<HostTpm>,
    pub missing_devices: Vec<String>,
    /// Its QEMU and libvirt offer SPICE (VNC always).
    #[serde(default = "yes")]
    pub spice: bool,
    /// The osinfo-db release its virt-install reads.
    #[serde(default)]
    pub osinfo_db: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub at: Place,
}

fn yes() -> bool {
    true
}

/// A name scheme (`data/crosswalk/SCHEME.xml`): the `crosswalk` document is a list of these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scheme {
    /// The prefix of `SCHEME:NAME` (`vmware`).
    pub scheme: String,
    /// What its names are (`VMware guest OS identifier`).
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub names: Vec<SchemeName>,
}

/// One name of a scheme and the OSes it names, best first (none: a gap).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeName {
    pub name: String,
    /// The architecture the name is for (`aarch64`), where it says one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// What the scheme says the name is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why no OS guestdb knows matches it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gap: Option<String>,
    pub oses: Vec<SchemeOs>,
    /// For a family name that names one OS (`rhel6_64Guest`: rhel6-unknown):
    /// the other releases of that OS's series, the ones it derives from
    /// with its distro and major version. They are listed under the name
    /// (quality `family`); the name still resolves to its OS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub family: Vec<String>,
    pub at: Place,
}

/// An OS a scheme's name names, and how well (`exact`, `family`, `generic`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemeOs {
    /// The OS's id.
    pub id: String,
    pub quality: String,
}
