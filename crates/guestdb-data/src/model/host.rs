//! Host profiles: a named virtualization host (a distribution release, or an
//! upstream QEMU + libvirt pair), with what it offers guests.

use super::*;
use crate::diag::Loc;

/// Where a host's machine types come from: QEMU upstream's (computed from
/// its QEMU version) and/or a distribution's own line at one release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostMachines {
    pub upstream: bool,
    /// (`rhel`, `9.6`): the downstream line and the release of it.
    pub downstream: Option<(Located<String>, String)>,
    pub loc: Loc,
}

/// Firmware a host ships for one architecture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostFirmware {
    pub arch: String,
    pub kind: FirmwareType,
    /// A Secure Boot capable build (with SMM, and with Microsoft's keys enrolled
    /// in its variable template).
    pub secure_boot: bool,
    /// The code and variable-template files (for QEMU command lines).
    pub code: Option<String>,
    pub vars: Option<String>,
    /// The payload the board's own firmware starts (`-kernel`): riscv64's
    /// OpenSBI starts U-Boot, which offers UEFI to the OS.
    pub kernel: Option<String>,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// A TPM model the host can give guests (`tpm-crb`, `tpm-tis`) and the
/// versions its emulator offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostTpm {
    pub arch: String,
    pub model: String,
    pub versions: Vec<String>,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `<graphics spice="false"/>`: which remote displays the host's QEMU and
/// libvirt offer guests (VNC always).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostGraphics {
    pub spice: bool,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// A QEMU device the distribution's build leaves out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingDevice {
    pub name: String,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `data/hosts/<id>.xml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostProfile {
    /// `debian-12`, `rhel-9.6`.
    pub id: Located<String>,
    pub name: String,
    pub released: Option<Date>,
    pub qemu: Version,
    pub qemu_package: Option<String>,
    pub libvirt: Option<Version>,
    pub libvirt_package: Option<String>,
    pub machines: HostMachines,
    pub arches: Vec<Located<String>>,
    pub firmware: Vec<HostFirmware>,
    pub tpm: Vec<HostTpm>,
    pub missing_devices: Vec<MissingDevice>,
    /// What it offers for remote display (SPICE when the profile does not say).
    pub graphics: Option<HostGraphics>,
    /// The osinfo-db release its virt-install reads (`data/osinfo-db/VERSION.xml`).
    pub osinfo_db: Option<Located<String>>,
    /// The profile the tool uses when the caller names no host.
    pub default: bool,
    pub provenance: Provenance,
    pub loc: Loc,
}
