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

use crate::machine::MachineType;
use guestdb_data::model::Version;
use serde::Serialize;

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
