//! The records of the dataset as they stand in the data files, before
//! inheritance is resolved. Every record keeps the place it was read from.

use crate::diag::Loc;
use std::fmt;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub loc: Loc,
}

impl<T> Located<T> {
    pub fn new(value: T, loc: Loc) -> Located<T> {
        Located { value, loc }
    }
}

/// A calendar date (proleptic Gregorian), validated when read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`; `None` for anything else or a day that does not exist.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if year == 0 || day == 0 || day > days {
            return None;
        }
        Some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Where a fact came from: a source declared in `dataset.xml` and a free note
/// (the derivation, a URL, a reason). Either may be absent; the OS element's
/// own `source` applies to facts that name none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    pub source: Option<Located<String>>,
    pub note: Option<String>,
}

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

/// The virtio device classes of DESIGN.md §2.1, keyed by their short names.
/// `legacy_pci` is the pre-1.0 (transitional) device ID, where one exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VirtioClass {
    pub name: &'static str,
    pub virtio_type: u16,
    pub legacy_pci: Option<u16>,
}

impl VirtioClass {
    pub const ALL: [VirtioClass; 15] = [
        VirtioClass::new("net", 1, Some(0x1000)),
        VirtioClass::new("block", 2, Some(0x1001)),
        VirtioClass::new("console", 3, Some(0x1003)),
        VirtioClass::new("rng", 4, Some(0x1005)),
        VirtioClass::new("balloon", 5, Some(0x1002)),
        VirtioClass::new("scsi", 8, Some(0x1004)),
        VirtioClass::new("9p", 9, Some(0x1009)),
        VirtioClass::new("gpu", 16, None),
        VirtioClass::new("input", 18, None),
        VirtioClass::new("vsock", 19, None),
        VirtioClass::new("iommu", 23, None),
        VirtioClass::new("mem", 24, None),
        VirtioClass::new("sound", 25, None),
        VirtioClass::new("fs", 26, None),
        VirtioClass::new("pmem", 27, None),
    ];

    const fn new(name: &'static str, virtio_type: u16, legacy_pci: Option<u16>) -> VirtioClass {
        VirtioClass {
            name,
            virtio_type,
            legacy_pci,
        }
    }

    pub fn by_name(name: &str) -> Option<VirtioClass> {
        VirtioClass::ALL.into_iter().find(|c| c.name == name)
    }

    pub fn by_type(virtio_type: u16) -> Option<VirtioClass> {
        VirtioClass::ALL
            .into_iter()
            .find(|c| c.virtio_type == virtio_type)
    }

    /// The virtio 1.0 PCI device ID: 0x1040 + type.
    pub fn modern_pci(self) -> u16 {
        0x1040 + self.virtio_type
    }
}

/// Which virtio generation a device's PCI ID belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generation {
    /// The pre-1.0 ID (1af4:1000…103f) that legacy drivers bind to.
    Legacy,
    /// The virtio 1.0 ID (1af4:1040 + type).
    Modern,
}

impl Generation {
    pub fn name(self) -> &'static str {
        match self {
            Generation::Legacy => "legacy",
            Generation::Modern => "modern",
        }
    }
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

/// `<virtio class="net" legacy="true" modern="false" driver="virtio-win"/>`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VirtioFact {
    pub class: VirtioClass,
    pub arch: String,
    pub legacy: bool,
    pub modern: bool,
    /// `None`: the driver is in the OS (in-box). Otherwise the driver package.
    pub driver: Option<String>,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `<chipset name="q35" supported="true"/>`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChipsetFact {
    pub chipset: Chipset,
    pub arch: String,
    pub supported: bool,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `<firmware arch="x86_64" type="efi" supported="true"/>`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirmwareFact {
    pub arch: String,
    pub kind: FirmwareType,
    pub supported: bool,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `<device ref="virtio-net"/>`: the OS supports (or, with
/// `supported="false"`, no longer supports) a catalogue device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceLink {
    pub device: String,
    pub supported: bool,
    pub provenance: Provenance,
    pub loc: Loc,
}

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
    pub loc: Loc,
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
    pub derives_from: Vec<Located<String>>,
    pub clones: Vec<Located<String>>,
    pub upgrades: Vec<Located<String>>,
    pub virtio: Vec<VirtioFact>,
    pub chipsets: Vec<ChipsetFact>,
    pub firmware: Vec<FirmwareFact>,
    pub devices: Vec<DeviceLink>,
    pub drivers: Vec<Driver>,
    pub variants: Vec<Variant>,
    pub media: Vec<Media>,
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
            derives_from: Vec::new(),
            clones: Vec::new(),
            upgrades: Vec::new(),
            virtio: Vec::new(),
            chipsets: Vec::new(),
            firmware: Vec::new(),
            devices: Vec::new(),
            drivers: Vec::new(),
            variants: Vec::new(),
            media: Vec::new(),
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

    /// Every name the OS answers to besides its id: short-ids first, then aliases.
    pub fn names(&self) -> impl Iterator<Item = &Located<String>> {
        self.short_ids.iter().chain(self.aliases.iter())
    }
}

/// Where a catalogue device's ID can be seen: on any slot, only on a
/// conventional PCI slot, or only behind a PCI Express port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Slot {
    Any,
    Pci,
    Pcie,
}

impl Slot {
    pub fn name(self) -> &'static str {
        match self {
            Slot::Any => "any",
            Slot::Pci => "pci",
            Slot::Pcie => "pcie",
        }
    }

    pub fn parse(s: &str) -> Option<Slot> {
        match s {
            "any" => Some(Slot::Any),
            "pci" => Some(Slot::Pci),
            "pcie" => Some(Slot::Pcie),
            _ => None,
        }
    }
}

/// A name (QEMU device or libvirt model) that yields a catalogue device,
/// and where it must be plugged for that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Realisation {
    pub name: String,
    pub slot: Slot,
    pub loc: Loc,
}

/// A PCI vendor:device pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PciId {
    pub vendor: u16,
    pub device: u16,
}

impl PciId {
    /// Parses `1af4:1000` (exactly four lowercase or uppercase hex digits each).
    ///
    /// ```
    /// use guestdb_data::model::PciId;
    /// let id = PciId::parse("1AF4:1041").expect("valid");
    /// assert_eq!((id.vendor, id.device), (0x1af4, 0x1041));
    /// assert_eq!(id.to_string(), "1af4:1041");
    /// assert!(PciId::parse("1af4:10410").is_none());
    /// ```
    pub fn parse(s: &str) -> Option<PciId> {
        let (v, d) = s.split_once(':')?;
        let hex = |p: &str| {
            (p.len() == 4 && p.bytes().all(|c| c.is_ascii_hexdigit()))
                .then(|| u16::from_str_radix(p, 16).ok())?
        };
        Some(PciId {
            vendor: hex(v)?,
            device: hex(d)?,
        })
    }
}

impl fmt::Display for PciId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}:{:04x}", self.vendor, self.device)
    }
}

/// A device model in `data/devices.xml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// The name OS files refer to (`<device ref="..."/>`).
    pub name: Located<String>,
    /// The id osinfo-db uses for the same device, for import and comparison.
    pub osinfo_id: Option<Located<String>>,
    pub class: String,
    pub bus: String,
    pub pci: Option<Located<PciId>>,
    pub usb: Option<Located<PciId>>,
    pub virtio_type: Option<u16>,
    pub generation: Option<Generation>,
    pub vendor: Option<String>,
    pub product: Option<String>,
    pub qemu_devices: Vec<Realisation>,
    pub libvirt_models: Vec<Realisation>,
    pub note: Option<String>,
    pub loc: Loc,
}

/// A source of facts, declared in `data/dataset.xml`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    pub id: Located<String>,
    pub name: String,
    pub url: Option<String>,
    pub license: Option<String>,
    /// The date of the source's contents that facts were taken from.
    pub snapshot: Option<Date>,
    pub loc: Loc,
}

/// `data/dataset.xml`: the dataset's version and its sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatasetInfo {
    /// Date-stamped, e.g. `2026.11.22`.
    pub version: Located<String>,
    pub schema_version: Located<u32>,
    pub sources: Vec<Source>,
    pub loc: Loc,
}

/// A deliberate difference from osinfo-db, with the reason for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    /// What differs: `device:<name>` or `os:<id>`.
    pub subject: String,
    /// Which field: `pci`, `device`, `firmware`, ...
    pub field: String,
    pub osinfo: String,
    pub guestdb: String,
    pub reason: String,
    pub loc: Loc,
}

/// Everything in a data directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    pub info: DatasetInfo,
    pub devices: Vec<Device>,
    pub corrections: Vec<Correction>,
    pub oses: Vec<OsRecord>,
}

/// Compares strings the way people order versions and names: runs of digits
/// as numbers, the rest as text (`rhel5.6` < `rhel5.10`, `6.9` < `6.10`).
///
/// ```
/// use guestdb_data::model::natural_cmp;
/// use std::cmp::Ordering;
/// assert_eq!(natural_cmp("rhel5.6", "rhel5.10"), Ordering::Less);
/// let mut v = vec!["6.10", "6.9", "6.1"];
/// v.sort_by(|a, b| natural_cmp(a, b));
/// assert_eq!(v, ["6.1", "6.9", "6.10"]);
/// ```
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> impl Iterator<Item = &str> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digit = first.is_ascii_digit();
            let end = rest
                .find(|c: char| c.is_ascii_digit() != digit)
                .unwrap_or(rest.len());
            let (chunk, tail) = rest.split_at(end);
            rest = tail;
            Some(chunk)
        })
    }
    let (mut x, mut y) = (chunks(a), chunks(b));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(p), Some(q)) => {
                let numeric = p.as_bytes()[0].is_ascii_digit() && q.as_bytes()[0].is_ascii_digit();
                let ord = if numeric {
                    let (p, q) = (p.trim_start_matches('0'), q.trim_start_matches('0'));
                    p.len().cmp(&q.len()).then_with(|| p.cmp(q))
                } else {
                    p.cmp(q)
                };
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// The schema version this compiler reads and the store carries.
pub const SCHEMA_VERSION: u32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers_as_numbers() {
        use std::cmp::Ordering::*;
        assert_eq!(natural_cmp("rhel5.6", "rhel5.10"), Less);
        assert_eq!(natural_cmp("6.10", "6.9"), Greater);
        assert_eq!(natural_cmp("win10", "win2k"), Greater);
        assert_eq!(natural_cmp("7", "7.1"), Less);
        assert_eq!(natural_cmp("22.04", "22.04"), Equal);
        assert_eq!(natural_cmp("a01", "a1"), Less, "ties broken by text");
        let huge = "9".repeat(40);
        assert_eq!(
            natural_cmp(&huge, "1"),
            Greater,
            "no overflow on long numbers"
        );
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(
            Date::parse("2024-02-29").map(|d| d.to_string()),
            Some("2024-02-29".into())
        );
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "24-01-01",
            "2024-1-01",
            "2024-01-32",
            "+024-01-01",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn modern_virtio_ids_are_0x1040_plus_type() {
        let net = VirtioClass::by_name("net").unwrap();
        assert_eq!(net.modern_pci(), 0x1041);
        assert_eq!(VirtioClass::by_name("gpu").unwrap().modern_pci(), 0x1050);
        assert_eq!(VirtioClass::by_name("fs").unwrap().modern_pci(), 0x105a);
    }

    #[test]
    fn pci_ids_are_four_hex_digits_each() {
        assert_eq!(
            PciId::parse("1AF4:1000").map(|p| p.to_string()),
            Some("1af4:1000".into())
        );
        for bad in [
            "1af4:100",
            "1af4-1000",
            "1af4:10000",
            "zzzz:1000",
            "1af4:+100",
        ] {
            assert_eq!(PciId::parse(bad), None, "{bad}");
        }
    }
}
