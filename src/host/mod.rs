//! The hosts a recommendation is for: what each offers guests (machine
//! types, firmware, TPM, device models), from one of three inputs:
//!
//! - [`profile`]: a named host profile of the dataset (`--host debian-12`);
//! - [`domcaps`]: a `virsh domcapabilities` XML file (`--domcaps FILE`);
//! - [`probe`]: a QEMU binary asked directly (`--qemu PATH`).
//!
//! The recommendation engine sees only [`Host`]; it never reads files.

pub mod domcaps;
pub mod probe;
pub mod profile;

use crate::machine::{MachineCatalogue, MachineType};
use guestdb_data::doc::catalogue::{CpuModel, HypervFeature};
use guestdb_data::model::Version;
use serde::Serialize;

/// The catalogues a host description is computed from: QEMU's machine
/// types, the Hyper-V enlightenments and the x86 CPU models.
#[derive(Clone, Copy, Debug)]
pub struct Catalogues<'a> {
    /// Machine types per QEMU release and distribution line.
    pub machines: &'a MachineCatalogue,
    /// The Hyper-V enlightenments with the QEMU and libvirt releases that added them.
    pub hyperv: &'a [HypervFeature],
    /// The named x86 CPU models.
    pub cpus: &'a [CpuModel],
}

/// Which accelerators a host runs guests with (libvirt's domain types).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Accel {
    /// Hardware virtualization (`<domain type='kvm'>`, `-accel kvm`).
    pub kvm: bool,
    /// QEMU's software emulation (`<domain type='qemu'>`, `-accel tcg`).
    pub tcg: bool,
    /// What says so.
    pub why: String,
}

/// The CPU models a host can give guests.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HostCpu {
    /// The host CPU's vendor (`intel`, `amd`), when known (domcaps).
    pub vendor: Option<String>,
    /// libvirt's `host-model` mode.
    pub host_model: bool,
    /// The named model libvirt's `host-model` starts from (`EPYC-Rome`),
    /// when known (domcaps): the QEMU command line's stand-in for host-model.
    pub host_model_name: Option<String>,
    /// libvirt's `maximum` mode (QEMU's `-cpu max`).
    pub maximum: bool,
    /// Named models it offers, newest first within a vendor as the
    /// catalogue orders them.
    pub models: Vec<String>,
    /// The models were checked runnable on this host's CPU (domcaps
    /// `usable='yes'`); else they are only what its QEMU has.
    pub usable_known: bool,
}

/// Where a host's description came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "from")]
pub enum HostSource {
    /// A host profile of the dataset, with its file.
    Profile(String),
    /// A `virsh domcapabilities` file.
    Domcaps(String),
    /// A QEMU binary that was run.
    Probe(String),
}

/// Firmware a host can give guests of one architecture, and a TPM model
/// with its versions (as host profiles state them).
pub use guestdb_data::doc::catalogue::{HostFirmware as Firmware, HostTpm as Tpm};

/// Whether a host can realise a capability, and the fact that says so.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Capability {
    /// Whether every part of it is there.
    pub available: bool,
    /// The fact that says so, with where it comes from.
    pub why: String,
}

/// Which QEMU device names a host has.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceSet {
    /// Every device of the catalogue except these.
    AllBut(Vec<String>),
    /// Exactly these (a probed QEMU's `-device help`).
    Only(Vec<String>),
}

impl DeviceSet {
    /// Whether the host has QEMU device `qemu_device`.
    pub fn has(&self, qemu_device: &str) -> bool {
        match self {
            DeviceSet::AllBut(missing) => !missing.iter().any(|m| m == qemu_device),
            DeviceSet::Only(present) => present.iter().any(|p| p == qemu_device),
        }
    }
}

/// A host as the recommendation engine sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Host {
    /// `debian-12`, or a name derived from the file or binary.
    pub name: String,
    /// What it is, in words (`Debian 12 (bookworm)`).
    pub description: String,
    /// Where the description came from.
    pub source: HostSource,
    /// Its QEMU version, where known.
    pub qemu: Option<Version>,
    /// Its libvirt version, where known.
    pub libvirt: Option<Version>,
    /// The guest architectures it runs.
    pub arches: Vec<String>,
    /// The machine types offered, for every arch of `arches`.
    #[serde(skip)]
    pub machines: Vec<(String, Vec<MachineType>)>,
    /// The firmware it offers guests.
    pub firmware: Vec<Firmware>,
    /// The TPM models it offers guests.
    pub tpm: Vec<Tpm>,
    /// The QEMU device names it has.
    pub devices: DeviceSet,
    /// libvirt's `virtio-transitional`/`virtio-non-transitional` models and
    /// QEMU's `-transitional`/`-non-transitional` devices.
    pub transitional: Capability,
    /// KVM and/or TCG.
    pub accel: Accel,
    /// SPICE remote display (VNC always).
    pub spice: Capability,
    /// The Hyper-V enlightenments it offers (libvirt's names).
    pub hyperv: Vec<String>,
    /// Where the Hyper-V list comes from.
    pub hyperv_why: String,
    /// The CPU models it offers.
    pub cpu: HostCpu,
    /// The osinfo-db release its virt-install reads, where known.
    pub osinfo: Option<HostOsinfo>,
}

/// The OSes a host's virt-install knows (its osinfo-db release).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostOsinfo {
    /// The release (`0.20221130`).
    pub version: String,
    /// The OS ids it knows.
    #[serde(skip)]
    pub knows: std::sync::Arc<Vec<String>>,
    /// Where that list comes from.
    pub why: String,
}

impl Host {
    /// The machine types offered for `arch`.
    pub fn machines_for(&self, arch: &str) -> &[MachineType] {
        self.machines
            .iter()
            .find(|(a, _)| a == arch)
            .map(|(_, m)| m.as_slice())
            .unwrap_or(&[])
    }

    /// The firmware offered for guests of `arch`.
    pub fn firmware_for<'h>(&'h self, arch: &'h str) -> impl Iterator<Item = &'h Firmware> + 'h {
        self.firmware.iter().filter(move |f| f.arch == arch)
    }

    /// The TPM models offered for guests of `arch`.
    pub fn tpm_for<'h>(&'h self, arch: &'h str) -> impl Iterator<Item = &'h Tpm> + 'h {
        self.tpm.iter().filter(move |t| t.arch == arch)
    }
}

/// QEMU ≥ 4.0 has the `-transitional`/`-non-transitional` devices; libvirt
/// ≥ 5.2 has the models that select them (DESIGN.md §2.1).
pub const TRANSITIONAL_QEMU: Version = Version::new(4, 0);
/// The libvirt version that added the transitional models.
pub const TRANSITIONAL_LIBVIRT: Version = Version::new(5, 2);

/// The architecture names a QEMU binary is called by (`qemu-system-NAME`).
pub fn qemu_target(arch: &str) -> &str {
    match arch {
        "x86_64" => "x86_64",
        "i686" => "i386",
        "aarch64" => "aarch64",
        "ppc64le" | "ppc64" => "ppc64",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}

/// The Hyper-V enlightenments QEMU `qemu` with libvirt `libvirt` offers (a
/// version not known does not limit), leaving out those of another vendor's
/// hardware than `vendor` (all vendor-specific ones when it is not known).
pub fn hyperv_by_versions(
    features: &[HypervFeature],
    qemu: Option<Version>,
    libvirt: Option<Version>,
    vendor: Option<&str>,
) -> Vec<String> {
    features
        .iter()
        .filter(|f| qemu.is_none_or(|q| f.qemu_since <= q))
        .filter(|f| libvirt.is_none_or(|l| f.libvirt_since <= l))
        .filter(|f| f.vendor.as_deref().is_none_or(|v| Some(v) == vendor))
        .map(|f| f.name.clone())
        .collect()
}

/// The named CPU models QEMU `qemu` has, by the catalogue.
pub fn cpus_by_version(cpus: &[CpuModel], qemu: Option<Version>) -> Vec<String> {
    cpus.iter()
        .filter(|m| qemu.is_none_or(|q| m.qemu_since <= q))
        .map(|m| m.name.clone())
        .collect()
}

/// libvirt's `<cpu mode='maximum'>` (7.1.0).
pub const CPU_MAXIMUM_LIBVIRT: Version = Version::new(7, 1);
