//! The records of the dataset as they stand in the data files, before
//! inheritance is resolved. Every record keeps the place it was read from.
//!
//! - [`os`]: an OS release and its facts;
//! - [`virtio`]: the virtio device classes and generations;
//! - [`device`]: the device catalogue;
//! - [`machine`]: QEMU machine types (upstream releases, lifecycle, downstream lines);
//! - [`host`]: host profiles;
//! - [`linux`]: the Linux driver table (kernel versions of virtio drivers).

mod crosswalk;
mod device;
mod host;
mod linux;
mod machine;
mod os;
mod profile;
mod virtio;

pub use crosswalk::*;
pub use device::*;
pub use host::*;
pub use linux::*;
pub use machine::*;
pub use os::*;
pub use profile::*;
pub use virtio::*;

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

    /// The date `days` days after 1970-01-01 (Howard Hinnant's civil-date
    /// algorithm); `None` outside years 1 to 9999.
    ///
    /// ```
    /// use guestdb_data::model::Date;
    /// let d = Date::parse("2000-02-29").unwrap();
    /// assert_eq!(d.days(), 11_016);
    /// assert_eq!(Date::from_days(d.days() + 1), Date::parse("2000-03-01"));
    /// assert_eq!(Date::from_days(0), Date::parse("1970-01-01"));
    /// assert_eq!(Date::from_days(-719_162), Date::parse("0001-01-01"));
    /// assert_eq!(Date::from_days(-719_163), None);
    /// ```
    pub fn from_days(days: i64) -> Option<Date> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        let (y, m, d) = (
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        );
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A software version `major.minor` or `major.minor.micro` (QEMU 7.2,
/// libvirt 9.0, `pc-q35-4.0.1`), ordered numerically.
///
/// ```
/// use guestdb_data::model::Version;
/// let v = Version::parse("4.0.1").expect("valid");
/// assert!(Version::parse("4.0").unwrap() < v && v < Version::parse("4.1").unwrap());
/// assert!(Version::parse("2.9").unwrap() < Version::parse("2.12").unwrap());
/// assert_eq!(v.to_string(), "4.0.1");
/// assert!(Version::parse("4").is_none() && Version::parse("4.x").is_none());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
    pub micro: Option<u16>,
}

impl Version {
    pub const fn new(major: u16, minor: u16) -> Version {
        Version {
            major,
            minor,
            micro: None,
        }
    }

    /// Parses `X.Y` or `X.Y.Z` (decimal numbers up to 65535).
    pub fn parse(s: &str) -> Option<Version> {
        let num = |p: &str| -> Option<u16> {
            if p.is_empty() || p.len() > 5 || !p.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            p.parse().ok()
        };
        let parts: Vec<&str> = s.split('.').collect();
        match parts[..] {
            [a, b] => Some(Version::new(num(a)?, num(b)?)),
            [a, b, c] => Some(Version {
                major: num(a)?,
                minor: num(b)?,
                micro: Some(num(c)?),
            }),
            _ => None,
        }
    }

    /// The version without its micro part (`4.0` for `4.0.1`).
    pub fn release(self) -> Version {
        Version::new(self.major, self.minor)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> std::cmp::Ordering {
        (self.major, self.minor, self.micro.unwrap_or(0)).cmp(&(
            other.major,
            other.minor,
            other.micro.unwrap_or(0),
        ))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        if let Some(m) = self.micro {
            write!(f, ".{m}")?;
        }
        Ok(())
    }
}

/// Where a fact came from: a source declared in `dataset.xml` and a free note
/// (the derivation, a URL, a reason). Either may be absent; the OS element's
/// own `source` applies to facts that name none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The source id (`data/dataset.xml`) the fact names, if any; facts
    /// naming none take their file's.
    pub source: Option<Located<String>>,
    pub note: Option<String>,
    /// Why the fact differs from what the OS's kernel implies (a backport,
    /// a driver the distribution leaves out).
    pub exception: Option<String>,
    /// Not written in the data but derived (from the OS's `<kernel>` and the
    /// driver table `data/linux.xml`, or by the importer) when it was loaded.
    pub derived: bool,
    /// Where the fact is declared.
    pub loc: Loc,
}

impl Provenance {
    /// A provenance that says only why, declared at `loc`.
    pub fn noted(note: String, loc: Loc) -> Provenance {
        Provenance {
            note: Some(note),
            loc,
            ..Provenance::default()
        }
    }
}

/// A fact with where it came from: the value of its kind, the architecture
/// it holds for (`all`, or one), and the provenance every kind shares.
/// It reads as its value (`fact.legacy` is `fact.value.legacy`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact<T> {
    pub arch: String,
    pub value: T,
    pub provenance: Provenance,
}

impl<T> Fact<T> {
    pub fn with(arch: &str, value: T, provenance: Provenance) -> Fact<T> {
        Fact {
            arch: arch.to_string(),
            value,
            provenance,
        }
    }

    /// The same fact with its value turned into another kind's.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        Fact {
            arch: self.arch,
            value: f(self.value),
            provenance: self.provenance,
        }
    }

    /// Where the fact is declared.
    pub fn loc(&self) -> &Loc {
        &self.provenance.loc
    }

    /// Derived, not written in the data.
    pub fn derived(&self) -> bool {
        self.provenance.derived
    }
}

impl<T> std::ops::Deref for Fact<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> std::ops::DerefMut for Fact<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

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
    /// How current the data is kept, per distribution.
    pub freshness: Vec<Freshness>,
    pub loc: Loc,
}

/// `<fresh distro="fedora" newest="fedora45" checked="2026-12-01"
/// next="2027-04-13"/>`: on `checked` the newest release of the
/// distribution was `newest`, and the next one is expected by `next`. Once
/// `next` has passed without a newer entry, the data is stale (a data test
/// fails).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Freshness {
    pub distro: String,
    pub newest: String,
    pub checked: Date,
    pub next: Date,
    pub note: Option<String>,
    pub loc: Loc,
}

/// A value map, as osinfo-db's datamaps: media language patterns capture a
/// code (`ENU`) that the map turns into a locale (`en_US`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datamap {
    pub id: Located<String>,
    /// (in, out, where), in file order.
    pub entries: Vec<(String, String, Loc)>,
    pub provenance: Provenance,
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
    pub machines: UpstreamMachines,
    pub lines: Vec<DownstreamLine>,
    pub hosts: Vec<HostProfile>,
    /// Value maps (`data/datamaps/`), e.g. Windows ISO language codes to locales.
    pub datamaps: Vec<Datamap>,
    /// `data/linux.xml`: which kernel drives what.
    pub linux: LinuxTable,
    /// The Hyper-V enlightenments (`data/hyperv.xml`).
    pub hyperv: Vec<HypervFeature>,
    /// The x86 CPU models (`data/cpus.xml`).
    pub cpus: Vec<CpuModel>,
    /// What osinfo-db releases know (`data/osinfo-db/`).
    pub osinfo_releases: Vec<OsinfoRelease>,
    /// The names other tools give the OSes (`data/crosswalk/`).
    pub crosswalks: Vec<Crosswalk>,
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
pub const SCHEMA_VERSION: u32 = 6;

/// Dates, versions and firmware types travel as their text (`2024-05-01`,
/// `7.2`, `efi`) in JSON: the store's documents and the command line's output.
macro_rules! as_text {
    ($t:ty, $what:literal, $show:expr, $parse:expr) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&$show(self))
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$t, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                $parse(&text)
                    .ok_or_else(|| serde::de::Error::custom(format!("'{text}' is not {}", $what)))
            }
        }
    };
}
as_text!(
    Date,
    "a date (YYYY-MM-DD)",
    |d: &Date| d.to_string(),
    Date::parse
);
as_text!(
    Version,
    "a version (X.Y or X.Y.Z)",
    |v: &Version| v.to_string(),
    Version::parse
);
as_text!(
    FirmwareType,
    "a firmware type",
    |k: &FirmwareType| k.name(),
    FirmwareType::parse
);
/// Displays a named value as its name (padding and alignment respected).
macro_rules! display_name {
    ($($t:ty => $name:expr),* $(,)?) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad($name(self))
            }
        }
    )*};
}
display_name!(
    VirtioClass => |c: &VirtioClass| c.name,
    Chipset => |c: &Chipset| c.name(),
    FirmwareType => |k: &FirmwareType| k.name(),
    ResourceKind => |k: &ResourceKind| k.name(),
    ReleaseStatus => |r: &ReleaseStatus| r.name(),
    Phase => |p: &Phase| p.name(),
    Slot => |s: &Slot| s.name(),
    Generation => |g: &Generation| g.name(),
);

as_text!(
    VirtioClass,
    "a virtio class",
    |c: &VirtioClass| c.name,
    VirtioClass::by_name
);
as_text!(Chipset, "a chipset", |c: &Chipset| c.name(), Chipset::parse);
as_text!(
    ClockOffset,
    "a clock offset (utc, localtime)",
    |c: &ClockOffset| c.name(),
    ClockOffset::parse
);
as_text!(
    RoleName,
    "a role (desktop, server)",
    |r: &RoleName| r.name(),
    RoleName::parse
);
as_text!(
    ResourceKind,
    "a resource kind",
    |k: &ResourceKind| k.name(),
    ResourceKind::parse
);
as_text!(Slot, "a slot", |s: &Slot| s.name(), Slot::parse);
as_text!(
    Generation,
    "a virtio generation",
    |g: &Generation| g.name(),
    Generation::parse
);
as_text!(
    Phase,
    "a lifecycle phase",
    |p: &Phase| p.name(),
    Phase::parse
);
as_text!(
    PhaseEnd,
    "a phase end (YYYY-MM-DD, unknown or tba)",
    |e: &PhaseEnd| e.to_string(),
    PhaseEnd::parse
);
as_text!(
    ReleaseStatus,
    "a release status",
    |r: &ReleaseStatus| r.name(),
    ReleaseStatus::parse
);

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
}
