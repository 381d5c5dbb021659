//! The catalogues of the VM profile beside the devices: Hyper-V
//! enlightenments (`hyperv.xml`) and x86 CPU models (`cpus.xml`), and the
//! per-OS facts the profile reads (clock, role, CPU level, guest agents).

use super::*;
use crate::diag::Loc;

/// `<feature name="synic" .../>` of `hyperv.xml`: one Hyper-V
/// enlightenment, what runs it and which Windows uses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HypervFeature {
    /// libvirt's name (the `<hyperv>` child, or `hypervclock` for the timer).
    pub name: Located<String>,
    /// QEMU's CPU property (`hv-synic`).
    pub qemu_property: String,
    /// The QEMU release that added the property.
    pub qemu_since: Version,
    /// The libvirt release that added the element.
    pub libvirt_since: Version,
    /// Features it needs enabled too (QEMU refuses it without them under KVM).
    pub requires: Vec<Located<String>>,
    /// `intel` or `amd` when only that vendor's hardware runs it.
    pub vendor: Option<String>,
    /// QEMU runs it without KVM (TCG).
    pub tcg: bool,
    /// The recommendation enables it by default for a Windows that uses it
    /// (off: only for nested virtualization, or not recommended upstream).
    pub default: bool,
    /// A value it takes (`8191` spinlock retries).
    pub value: Option<String>,
    /// The first Windows releases (client and server ids) that use it: an
    /// OS uses it when it is one of them or derives from one.
    pub windows: Vec<Located<String>>,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `data/osinfo-db/VERSION.xml`: the OSes one osinfo-db release knows (what
/// virt-install with that release accepts as `--osinfo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsinfoRelease {
    pub version: Located<String>,
    /// OS ids.
    pub oses: Vec<Located<String>>,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// The x86-64 microarchitecture levels (x86-64-v1 to -v4).
pub const CPU_LEVELS: &[&str] = &["x86-64-v1", "x86-64-v2", "x86-64-v3", "x86-64-v4"];

/// The level (1 to 4) a name of [`CPU_LEVELS`] stands for.
pub fn cpu_level(name: &str) -> Option<u8> {
    CPU_LEVELS
        .iter()
        .position(|l| *l == name)
        .map(|i| i as u8 + 1)
}

/// `<model name="Nehalem" .../>` of `cpus.xml`: a named x86 CPU model QEMU
/// offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuModel {
    pub name: Located<String>,
    /// `intel`, `amd`, or `any` for generic models (qemu64, kvm64).
    pub vendor: String,
    /// The x86-64 microarchitecture level it reaches (1 to 4).
    pub level: u8,
    /// The QEMU release that added it.
    pub qemu_since: Version,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// How a guest keeps its real-time clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClockOffset {
    /// In UTC (Unix-like systems).
    Utc,
    /// In local time (Windows, DOS, Solaris on x86).
    Localtime,
}

impl ClockOffset {
    pub fn name(self) -> &'static str {
        match self {
            ClockOffset::Utc => "utc",
            ClockOffset::Localtime => "localtime",
        }
    }

    pub fn parse(s: &str) -> Option<ClockOffset> {
        match s {
            "utc" => Some(ClockOffset::Utc),
            "localtime" => Some(ClockOffset::Localtime),
            _ => None,
        }
    }
}

/// `<clock offset="localtime"/>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    pub offset: ClockOffset,
}

/// A clock fact (see [`Clock`]).
pub type ClockFact = Fact<Clock>;

/// What a release is made for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleName {
    Desktop,
    Server,
}

impl RoleName {
    pub const ALL: [RoleName; 2] = [RoleName::Desktop, RoleName::Server];

    pub fn name(self) -> &'static str {
        match self {
            RoleName::Desktop => "desktop",
            RoleName::Server => "server",
        }
    }

    pub fn parse(s: &str) -> Option<RoleName> {
        RoleName::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// `<role name="server"/>`, or `<role name="desktop" supported="false"/>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub role: RoleName,
    pub supported: bool,
}

/// A role fact (see [`Role`]).
pub type RoleFact = Fact<Role>;

/// `<cpu-level arch="x86_64" min="x86-64-v2"/>`: the least CPU the release
/// runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuLevel {
    /// 1 to 4 (x86-64-v1 to -v4).
    pub min: u8,
}

/// A CPU-level fact (see [`CpuLevel`]).
pub type CpuLevelFact = Fact<CpuLevel>;

/// `<agent name="spice-vdagent"/>`: a guest agent the release ships (or,
/// with `driver`, a package installs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub name: String,
    pub supported: bool,
    /// The package that brings it, when not in-box (`spice-guest-tools`).
    pub driver: Option<String>,
}

/// A guest-agent fact (see [`Agent`]).
pub type AgentFact = Fact<Agent>;

/// The guest agents guestdb knows.
pub const AGENTS: &[&str] = &["spice-vdagent"];
