//! The store's JSON documents (`schema/store.sql`), one set of serde types
//! that the emitter writes and the library reads:
//!
//! - [`OsFacts`]: every effective fact of one OS (`os_facts.facts`);
//! - [`catalogue`]: the device catalogue, the machine types, the
//!   distributions' machine lines and the host profiles;
//! - [`detect`]: the rows detection reads.
//!
//! Values the data types name (virtio classes, chipsets, firmware types,
//! dates, versions) are typed here and spelled in the JSON as in the data
//! files. Field order is the JSON's order; `show --json` prints these types
//! as they are.

pub mod catalogue;
pub mod detect;

use crate::model::{
    Chipset, ClockOffset, Date, FirmwareType, Phase, PhaseEnd, ResourceKind, RoleName, Version,
    VirtioClass,
};
use serde::{Deserialize, Serialize};

/// Where a fact came from, as the store keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The source id from `data/dataset.xml` (e.g. `osinfo-db`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The OS (its short-id) it was inherited from, when not declared by this OS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
    /// `path:line` of the declaration, relative to the data directory.
    pub declared_at: String,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Which virtio interfaces an OS's drivers speak for one class on one
/// architecture (`all`, or one whose answer differs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtioFact {
    pub class: VirtioClass,
    pub arch: String,
    pub legacy: bool,
    pub modern: bool,
    /// No source says either way (legacy and modern are false).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unknown: bool,
    /// Derived from the OS's kernel through `data/linux.xml`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub derived: bool,
    /// The driver package the support needs (`virtio-win`); none: in-box.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// The first release of the driver package that drives the class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// Why the fact differs from what the kernel implies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    pub provenance: Provenance,
}

/// The Linux kernel a release ships.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelFact {
    /// The upstream version (`4.18`).
    pub version: Version,
    /// The distribution package (`4.18.0-80.el8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    pub provenance: Provenance,
}

/// The kernel of one architecture whose kernel differs (RHEL 7's kernel-alt).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchKernelFact {
    pub arch: String,
    #[serde(flatten)]
    pub kernel: KernelFact,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipsetFact {
    pub chipset: Chipset,
    pub arch: String,
    pub supported: bool,
    /// The OS's vendor prefers this chipset.
    #[serde(default, skip_serializing_if = "is_false")]
    pub preferred: bool,
    /// No source says either way (`supported` is false).
    #[serde(default, skip_serializing_if = "is_false")]
    pub unknown: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub derived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareFact {
    pub arch: String,
    #[serde(rename = "type")]
    pub kind: FirmwareType,
    pub supported: bool,
    pub preferred: bool,
    pub provenance: Provenance,
}

/// What a [`BootSecurityFact`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BootSecurity {
    SecureBoot,
    Tpm,
}

/// Secure Boot or TPM (with its version) support and requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootSecurityFact {
    pub kind: BootSecurity,
    pub arch: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub supported: bool,
    pub required: bool,
    pub provenance: Provenance,
}

/// A catalogue device the OS drives (after inheritance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFact {
    pub name: String,
    pub class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pci: Option<String>,
    pub provenance: Provenance,
}

/// How the OS keeps its real-time clock, on one architecture (`all`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockFact {
    pub arch: String,
    pub offset: ClockOffset,
    pub provenance: Provenance,
}

/// What the release is made for (or, `supported` false, not made for).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleFact {
    pub role: RoleName,
    pub supported: bool,
    pub provenance: Provenance,
}

/// The least x86-64 level the release runs on, on one architecture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuLevelFact {
    pub arch: String,
    /// `x86-64-v2`.
    pub min: String,
    pub provenance: Provenance,
}

/// A guest agent the release ships, or a package brings (`driver`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentFact {
    pub name: String,
    pub arch: String,
    pub supported: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    pub provenance: Provenance,
}

/// A Hyper-V enlightenment the OS uses: it is, or derives from, the first
/// Windows release `data/hyperv.xml` names for the feature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HypervUse {
    /// The feature's name (libvirt's).
    pub feature: String,
    pub provenance: Provenance,
}

/// A driver package for devices the OS has no in-box driver for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Driver {
    pub arch: String,
    pub location: String,
    pub pre_installable: bool,
    pub signed: bool,
    pub devices: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: String,
    pub name: String,
}

/// How a medium's installer language is found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Language {
    pub value: String,
    pub regex: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
}

/// An install tree and the `.treeinfo` patterns that identify it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tree {
    pub arch: String,
    pub variants: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initrd: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boot_iso: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treeinfo_family: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treeinfo_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treeinfo_arch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treeinfo_variant: Option<String>,
}

/// An install medium and the ISO patterns that identify it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medium {
    pub arch: String,
    pub variants: Vec<String>,
    pub live: bool,
    pub installer: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installer_reboots: Option<u32>,
    pub installer_script: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<Language>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initrd: Option<String>,
}

/// Amounts in bytes (ram, storage), hertz (cpu) and count (n_cpus).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amounts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n_cpus: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ram: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<u64>,
}

/// One kind of resources for one architecture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resources {
    pub arch: String,
    pub kind: ResourceKind,
    #[serde(flatten)]
    pub amounts: Amounts,
    /// The OS (short-id) amounts this entry did not state came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
}

/// How releases relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationKind {
    DerivesFrom,
    Clones,
    Upgrades,
}

impl RelationKind {
    /// The element name in the data files (`derives-from`).
    pub fn name(self) -> &'static str {
        match self {
            RelationKind::DerivesFrom => "derives-from",
            RelationKind::Clones => "clones",
            RelationKind::Upgrades => "upgrades",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub kind: RelationKind,
    /// The target's id.
    pub target: String,
    /// The target's short-id, when the dataset has the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_id: Option<String>,
}

/// When one phase of a release's support ends (`<lifecycle>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseFact {
    pub phase: Phase,
    /// `YYYY-MM-DD`, `unknown` or `tba`.
    pub end: PhaseEnd,
    /// The vendor's name for the phase; none: the phase's usual name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// For an end not announced yet: the day it is expected by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Date>,
    pub provenance: Provenance,
}

impl PhaseFact {
    /// The vendor's name for the phase, or its usual name.
    pub fn label(&self) -> &str {
        self.label
            .as_deref()
            .unwrap_or_else(|| self.phase.default_label())
    }
}

/// The provenance an OS states for one of its plain facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactSource {
    /// `name`, `release-date`, `short-id rhel6.10`, `derives-from <id>`, `media 0`, ...
    pub fact: String,
    pub provenance: Provenance,
}

/// Every effective fact of one OS (after inheritance), each with where it
/// was declared: the `facts` document of `os_facts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsFacts {
    /// The OS's own source, from its row (not in the document).
    #[serde(skip)]
    pub source: Option<String>,
    /// Its data file relative to the data directory, from its row (not in the document).
    #[serde(skip)]
    pub path: String,
    pub relations: Vec<Relation>,
    /// The release's support phases, in phase order (standard, security,
    /// extended); empty when the data states none.
    #[serde(default)]
    pub lifecycle: Vec<PhaseFact>,
    /// The Linux kernel the release ships, where the data states it.
    pub kernel: Option<KernelFact>,
    /// Kernels of architectures whose kernel differs.
    #[serde(default)]
    pub arch_kernels: Vec<ArchKernelFact>,
    pub virtio: Vec<VirtioFact>,
    pub chipsets: Vec<ChipsetFact>,
    pub firmware: Vec<FirmwareFact>,
    pub boot_security: Vec<BootSecurityFact>,
    pub devices: Vec<DeviceFact>,
    /// How it keeps its clock (x86: `localtime` for Windows).
    #[serde(default)]
    pub clock: Vec<ClockFact>,
    /// What it is made for.
    #[serde(default)]
    pub roles: Vec<RoleFact>,
    /// The least CPU it runs on, per architecture.
    #[serde(default)]
    pub cpu_levels: Vec<CpuLevelFact>,
    /// Guest agents it has.
    #[serde(default)]
    pub agents: Vec<AgentFact>,
    /// The Hyper-V enlightenments it uses (Windows).
    #[serde(default)]
    pub hyperv: Vec<HypervUse>,
    pub drivers: Vec<Driver>,
    pub variants: Vec<Variant>,
    pub media: Vec<Medium>,
    pub trees: Vec<Tree>,
    pub resources: Vec<Resources>,
    /// Provenance stated on plain facts (the others carry theirs).
    pub fact_sources: Vec<FactSource>,
}

/// Where a catalogue entry was declared: `path:line` relative to the data directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub path: String,
    pub line: u32,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

/// Dates in documents are typed; the type is re-exported for readers.
pub type DocDate = Date;
