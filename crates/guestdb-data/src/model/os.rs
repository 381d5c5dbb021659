//! An OS release as its data file states it.

use super::*;
use crate::diag::Loc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReleaseStatus {
    Released,
    Prerelease,
    Snapshot,
    Rolling,
}

impl ReleaseStatus {
    pub const ALL: [ReleaseStatus; 4] = [
        ReleaseStatus::Released,
        ReleaseStatus::Prerelease,
        ReleaseStatus::Snapshot,
        ReleaseStatus::Rolling,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ReleaseStatus::Released => "released",
            ReleaseStatus::Prerelease => "prerelease",
            ReleaseStatus::Snapshot => "snapshot",
            ReleaseStatus::Rolling => "rolling",
        }
    }

    pub fn parse(s: &str) -> Option<ReleaseStatus> {
        ReleaseStatus::ALL.into_iter().find(|r| r.name() == s)
    }
}

/// Whether an architecture name is x86 (as osinfo-db and guestdb spell them).
pub fn is_x86_arch(arch: &str) -> bool {
    matches!(arch, "i386" | "i486" | "i586" | "i686" | "x86_64")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Chipset {
    I440fx,
    Q35,
}

impl Chipset {
    pub const ALL: [Chipset; 2] = [Chipset::I440fx, Chipset::Q35];

    pub fn name(self) -> &'static str {
        match self {
            Chipset::I440fx => "i440fx",
            Chipset::Q35 => "q35",
        }
    }

    pub fn parse(s: &str) -> Option<Chipset> {
        Chipset::ALL.into_iter().find(|c| c.name() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FirmwareType {
    Bios,
    Efi,
}

impl FirmwareType {
    pub fn name(self) -> &'static str {
        match self {
            FirmwareType::Bios => "bios",
            FirmwareType::Efi => "efi",
        }
    }

    pub fn parse(s: &str) -> Option<FirmwareType> {
        match s {
            "bios" => Some(FirmwareType::Bios),
            "efi" => Some(FirmwareType::Efi),
            _ => None,
        }
    }
}

/// `<virtio class="net" legacy="true" modern="false" driver="virtio-win"/>`,
/// or `<virtio class="gpu" unknown="true" note="why"/>`: which virtio
/// interfaces the OS's drivers speak for one device class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Virtio {
    pub class: VirtioClass,
    pub legacy: bool,
    pub modern: bool,
    /// Nobody knows (yet): no source says either way. `legacy` and `modern`
    /// are false; a recommendation treats the class as having no driver.
    pub unknown: bool,
    /// `None`: the driver is in the OS (in-box). Otherwise the driver package.
    pub driver: Option<String>,
    /// The first release of the driver package that drives the class on
    /// this OS (`since="0.1.215"` of virtio-win).
    pub since: Option<String>,
}

/// A virtio fact (see [`Virtio`]).
pub type VirtioFact = Fact<Virtio>;

impl VirtioFact {
    /// A fact for every architecture, of the OS's own (in-box) driver, or of
    /// the driver package `driver`.
    pub fn new(
        class: VirtioClass,
        (legacy, modern): (bool, bool),
        driver: Option<String>,
        note: String,
        loc: Loc,
    ) -> VirtioFact {
        Fact::with(
            "all",
            Virtio {
                class,
                legacy,
                modern,
                unknown: false,
                driver,
                since: None,
            },
            Provenance::noted(note, loc),
        )
    }
}

/// `<kernel version="4.18" package="4.18.0-80.el8"/>`: the Linux kernel the
/// release ships (the one its installer boots and installs by default). Its
/// architecture is `all`, or one whose kernel differs, as RHEL 7's
/// kernel-alt on aarch64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kernel {
    /// The upstream version the distribution kernel is based on.
    pub version: Version,
    /// The distribution's package version, where it matters (backports).
    pub package: Option<String>,
}

/// A kernel fact (see [`Kernel`]).
pub type KernelFact = Fact<Kernel>;

/// A phase of a release's support lifecycle, in the order they end. The
/// release's general availability is its `<release-date>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    /// Standard (full) support: the vendor's first phase (RHEL Full
    /// Support, Microsoft mainstream support, Ubuntu standard support).
    Standard,
    /// Security maintenance without a paid add-on: what `eol-date` means.
    Security,
    /// Extended support that costs extra (RHEL ELS, Ubuntu Pro ESM, Windows
    /// ESU, SUSE LTSS, Oracle Extended Support).
    Extended,
}

impl Phase {
    pub const ALL: [Phase; 3] = [Phase::Standard, Phase::Security, Phase::Extended];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Standard => "standard",
            Phase::Security => "security",
            Phase::Extended => "extended",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.name() == s)
    }

    /// What the phase is called when the data gives it no vendor's name.
    pub fn default_label(self) -> &'static str {
        match self {
            Phase::Standard => "standard support",
            Phase::Security => "security maintenance",
            Phase::Extended => "extended support",
        }
    }
}

/// When a lifecycle phase ends: a day, or `unknown` (the phase ended or its
/// end is fixed, but no source gives the day), or `tba` (not announced yet).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PhaseEnd {
    On(Date),
    Unknown,
    Tba,
}

impl PhaseEnd {
    /// `YYYY-MM-DD`, `unknown` or `tba`.
    pub fn parse(s: &str) -> Option<PhaseEnd> {
        match s {
            "unknown" => Some(PhaseEnd::Unknown),
            "tba" => Some(PhaseEnd::Tba),
            _ => Date::parse(s).map(PhaseEnd::On),
        }
    }

    /// The day, when it is known.
    pub fn date(self) -> Option<Date> {
        match self {
            PhaseEnd::On(d) => Some(d),
            _ => None,
        }
    }
}

impl fmt::Display for PhaseEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PhaseEnd::On(d) => d.fmt(f),
            PhaseEnd::Unknown => f.pad("unknown"),
            PhaseEnd::Tba => f.pad("tba"),
        }
    }
}

/// `<phase name="security" end="2024-06-30" label="maintenance support"/>`
/// in an OS's `<lifecycle>`: when one phase of the release's support ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LifecyclePhase {
    pub phase: Phase,
    pub end: PhaseEnd,
    /// The vendor's name for the phase ("maintenance support", "Extended
    /// Security Updates (ESU)"); `None`: [`Phase::default_label`].
    pub label: Option<String>,
    /// For an end not announced yet (`tba`): the day by which it is
    /// expected (the vendor's plan, or when the release that ends it is
    /// due). The freshness test reports it once that day has passed.
    pub expected: Option<Date>,
}

/// A lifecycle phase fact (see [`LifecyclePhase`]); its architecture is `all`.
pub type PhaseFact = Fact<LifecyclePhase>;

/// `<chipset name="q35" supported="true"/>`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChipsetSupport {
    pub chipset: Chipset,
    pub supported: bool,
    /// The OS's vendor prefers it (`preferred="true"`, with the source
    /// that says so): the chipset rule follows it where every host offers it.
    pub preferred: bool,
}

/// A chipset fact (see [`ChipsetSupport`]).
pub type ChipsetFact = Fact<ChipsetSupport>;

impl ChipsetFact {
    /// "Supported", for every architecture, with its reason.
    pub fn supported(chipset: Chipset, note: String, loc: Loc) -> ChipsetFact {
        Fact::with(
            "all",
            ChipsetSupport {
                chipset,
                supported: true,
                preferred: false,
            },
            Provenance::noted(note, loc),
        )
    }
}

/// `<firmware arch="x86_64" type="efi" supported="true"/>`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwareSupport {
    pub kind: FirmwareType,
    pub supported: bool,
    /// The OS installs and runs best with this firmware when both are
    /// supported (`preferred="true"`).
    pub preferred: bool,
}

/// A firmware fact (see [`FirmwareSupport`]).
pub type FirmwareFact = Fact<FirmwareSupport>;

/// `<secure-boot arch="x86_64" supported="true" required="false"/>`: whether
/// the OS boots with UEFI Secure Boot enabled (a signed shim or boot loader),
/// and whether it requires it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecureBoot {
    pub supported: bool,
    pub required: bool,
}

/// A Secure Boot fact (see [`SecureBoot`]).
pub type SecureBootFact = Fact<SecureBoot>;

/// The TPM versions an OS can use.
pub const TPM_VERSIONS: &[&str] = &["1.2", "2.0"];

/// `<tpm arch="all" version="2.0" supported="true" required="true"/>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tpm {
    pub version: String,
    pub supported: bool,
    pub required: bool,
}

/// A TPM fact (see [`Tpm`]).
pub type TpmFact = Fact<Tpm>;

/// `<device ref="virtio-net"/>`: the OS supports (or, with
/// `supported="false"`, no longer supports) a catalogue device. Its
/// architecture is always `all`; its place is the `ref` attribute's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceSupport {
    pub device: String,
    pub supported: bool,
}

/// A device link (see [`DeviceSupport`]).
pub type DeviceLink = Fact<DeviceSupport>;

/// A driver package for devices the OS has no in-box driver for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Driver {
    pub arch: String,
    pub location: String,
    pub pre_installable: bool,
    pub signed: bool,
    pub devices: Vec<Located<String>>,
    pub loc: Loc,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub id: String,
    pub name: String,
    pub loc: Loc,
}

/// How the installer language is found on a medium.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Language {
    pub value: String,
    /// `value` is a regex whose first group, looked up in `map`, gives the language.
    pub regex: bool,
    pub map: Option<String>,
    pub loc: Loc,
}

/// What an install ISO's primary volume descriptor looks like. The ids are
/// regexes searched unanchored in their field, as libosinfo does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IsoPattern {
    pub volume_id: Option<Located<String>>,
    pub system_id: Option<Located<String>>,
    pub publisher_id: Option<Located<String>>,
    pub application_id: Option<Located<String>>,
    pub volume_size: Option<u64>,
    pub languages: Vec<Language>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    pub arch: String,
    pub variants: Vec<Located<String>>,
    pub live: bool,
    pub installer: bool,
    pub installer_reboots: Option<u32>,
    pub installer_script: bool,
    pub url: Option<String>,
    pub kernel: Option<String>,
    pub initrd: Option<String>,
    pub iso: Option<IsoPattern>,
    pub loc: Loc,
}

/// What an install tree's `.treeinfo` says: regexes searched unanchored in
/// its family, version, arch and variant, as libosinfo does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeinfoPattern {
    pub family: Option<Located<String>>,
    pub version: Option<Located<String>>,
    pub arch: Option<Located<String>>,
    pub variant: Option<Located<String>>,
}

/// A network install tree of an OS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    pub arch: String,
    pub variants: Vec<Located<String>>,
    pub url: Option<String>,
    pub kernel: Option<String>,
    pub initrd: Option<String>,
    pub boot_iso: Option<String>,
    pub treeinfo: Option<TreeinfoPattern>,
    pub loc: Loc,
}

/// Amounts in bytes (ram, storage), hertz (cpu) and count (n-cpus).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceSet {
    pub n_cpus: Option<u64>,
    pub cpu: Option<u64>,
    pub ram: Option<u64>,
    pub storage: Option<u64>,
    pub loc: Option<Loc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceKind {
    Minimum,
    Recommended,
    Maximum,
    NetworkInstall,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 4] = [
        ResourceKind::Minimum,
        ResourceKind::Recommended,
        ResourceKind::Maximum,
        ResourceKind::NetworkInstall,
    ];

    pub fn parse(s: &str) -> Option<ResourceKind> {
        ResourceKind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::Minimum => "minimum",
            ResourceKind::Recommended => "recommended",
            ResourceKind::Maximum => "maximum",
            ResourceKind::NetworkInstall => "network-install",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resources {
    pub arch: String,
    /// Take this architecture's resources from the OS this one derives from.
    pub inherit: bool,
    pub sets: Vec<(ResourceKind, ResourceSet)>,
    pub loc: Loc,
}

impl Resources {
    pub fn get(&self, kind: ResourceKind) -> Option<&ResourceSet> {
        self.sets.iter().find(|(k, _)| *k == kind).map(|(_, s)| s)
    }
}

/// The provenance given to one of an OS's plain facts (its name, a date, a
/// relation, a medium...), where it states one. `fact` names the fact:
/// the element name for single facts (`name`, `release-date`), the element
/// name and value for listed ones (`short-id rhel6.10`, `derives-from <id>`,
/// `variant server`), the element name and position for media, resources
/// and drivers (`media 0`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactSource {
    pub fact: String,
    pub provenance: Provenance,
}

/// One OS release, as written in `data/os/<vendor-domain>/<name>.xml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsRecord {
    pub loc: Loc,
    pub id: Located<String>,
    /// The source of every fact in the file that names none.
    pub source: Option<Located<String>>,
    pub short_ids: Vec<Located<String>>,
    pub aliases: Vec<Located<String>>,
    pub name: Located<String>,
    pub vendor: Option<Located<String>>,
    pub family: Option<Located<String>>,
    pub distro: Option<Located<String>>,
    pub version: Option<Located<String>>,
    pub codename: Option<Located<String>>,
    pub release_date: Option<Located<Date>>,
    pub eol_date: Option<Located<Date>>,
    pub release_status: ReleaseStatus,
    /// The release's support phases (`<lifecycle>`), in file order; empty
    /// when the file states none. Not inherited.
    pub lifecycle: Vec<PhaseFact>,
    pub derives_from: Vec<Located<String>>,
    pub clones: Vec<Located<String>>,
    pub upgrades: Vec<Located<String>>,
    pub kernel: Option<KernelFact>,
    /// Kernels of architectures whose kernel differs from `kernel`.
    pub arch_kernels: Vec<KernelFact>,
    pub virtio: Vec<VirtioFact>,
    pub chipsets: Vec<ChipsetFact>,
    pub firmware: Vec<FirmwareFact>,
    pub secure_boot: Vec<SecureBootFact>,
    pub tpm: Vec<TpmFact>,
    pub devices: Vec<DeviceLink>,
    pub clock: Vec<ClockFact>,
    pub roles: Vec<RoleFact>,
    pub cpu_levels: Vec<CpuLevelFact>,
    pub agents: Vec<AgentFact>,
    pub drivers: Vec<Driver>,
    pub variants: Vec<Variant>,
    pub media: Vec<Media>,
    pub trees: Vec<Tree>,
    pub resources: Vec<Resources>,
    /// Provenance stated on plain facts (virtio, chipset, firmware and device
    /// facts carry theirs themselves).
    pub fact_sources: Vec<FactSource>,
}

impl OsRecord {
    /// An OS with only its id (and an empty name), at the id's place.
    pub fn new(id: Located<String>) -> OsRecord {
        OsRecord {
            loc: id.loc.clone(),
            name: Located::new(String::new(), id.loc.clone()),
            id,
            source: None,
            short_ids: Vec::new(),
            aliases: Vec::new(),
            vendor: None,
            family: None,
            distro: None,
            version: None,
            codename: None,
            release_date: None,
            eol_date: None,
            release_status: ReleaseStatus::Released,
            lifecycle: Vec::new(),
            derives_from: Vec::new(),
            clones: Vec::new(),
            upgrades: Vec::new(),
            kernel: None,
            arch_kernels: Vec::new(),
            virtio: Vec::new(),
            chipsets: Vec::new(),
            firmware: Vec::new(),
            secure_boot: Vec::new(),
            tpm: Vec::new(),
            devices: Vec::new(),
            clock: Vec::new(),
            roles: Vec::new(),
            cpu_levels: Vec::new(),
            agents: Vec::new(),
            drivers: Vec::new(),
            variants: Vec::new(),
            media: Vec::new(),
            trees: Vec::new(),
            resources: Vec::new(),
            fact_sources: Vec::new(),
        }
    }

    /// The provenance stated on a plain fact, if any.
    pub fn fact_source(&self, fact: &str) -> Option<&Provenance> {
        self.fact_sources
            .iter()
            .find(|f| f.fact == fact)
            .map(|f| &f.provenance)
    }

    /// The provenance of every fact the OS states (and of those derived
    /// for it), kind by kind: kernels, virtio, chipsets, firmware, Secure
    /// Boot, TPM, device links, lifecycle phases, then the plain facts
    /// that state one.
    pub fn provenances(&self) -> impl Iterator<Item = &Provenance> {
        fn of<T>(facts: &[Fact<T>]) -> impl Iterator<Item = &Provenance> {
            facts.iter().map(|f| &f.provenance)
        }
        self.kernel
            .iter()
            .map(|k| &k.provenance)
            .chain(of(&self.arch_kernels))
            .chain(of(&self.virtio))
            .chain(of(&self.chipsets))
            .chain(of(&self.firmware))
            .chain(of(&self.secure_boot))
            .chain(of(&self.tpm))
            .chain(of(&self.devices))
            .chain(of(&self.clock))
            .chain(of(&self.roles))
            .chain(of(&self.cpu_levels))
            .chain(of(&self.agents))
            .chain(of(&self.lifecycle))
            .chain(self.fact_sources.iter().map(|f| &f.provenance))
    }

    /// Every name the OS answers to besides its id: short-ids first, then aliases.
    pub fn names(&self) -> impl Iterator<Item = &Located<String>> {
        self.short_ids.iter().chain(self.aliases.iter())
    }
}
