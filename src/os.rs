//! What the database says about an OS: a summary kept in memory ([`Os`]) and
//! the full facts with their provenance, read on demand ([`OsDetails`]).

use crate::error::Error;
use crate::store::Database;
use guestdb_data::model::{Chipset, Date, ReleaseStatus, VirtioClass};
use rusqlite::params;
use serde::Serialize;

/// One OS release: identity, dates and a summary of its virtio and chipset
/// support (effective, after inheritance, for all architectures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Os {
    pub idx: u32,
    pub id: String,
    pub short_ids: Vec<String>,
    pub aliases: Vec<String>,
    pub name: String,
    pub vendor: Option<String>,
    pub family: Option<String>,
    pub distro: Option<String>,
    pub version: Option<String>,
    pub codename: Option<String>,
    pub release_date: Option<Date>,
    pub eol_date: Option<Date>,
    pub release_status: ReleaseStatus,
    pub(crate) virtio_legacy: u32,
    pub(crate) virtio_modern: u32,
    pub(crate) virtio_driver: u32,
    pub(crate) chipsets: u32,
    /// Architectures the OS is known on (from media, resources, firmware, drivers).
    pub arches: Vec<String>,
    /// The source its file names.
    pub source: Option<String>,
    /// Its data file, relative to the data directory.
    pub path: String,
}

/// Which virtio interfaces an OS's drivers speak for one device class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct VirtioSupport {
    pub legacy: bool,
    pub modern: bool,
    /// The support needs a driver package that is not in the OS (virtio-win).
    pub needs_driver: bool,
}

impl Os {
    /// The first short-id, or the id when the OS has none.
    pub fn short_id(&self) -> &str {
        self.short_ids
            .first()
            .map(String::as_str)
            .unwrap_or(&self.id)
    }

    pub fn virtio(&self, class: VirtioClass) -> VirtioSupport {
        let bit = guestdb_data::emit::virtio_bit(class);
        VirtioSupport {
            legacy: self.virtio_legacy & bit != 0,
            modern: self.virtio_modern & bit != 0,
            needs_driver: self.virtio_driver & bit != 0,
        }
    }

    pub fn supports_chipset(&self, chipset: Chipset) -> bool {
        self.chipsets & guestdb_data::emit::chipset_bit(chipset) != 0
    }

    /// Released and not past its end of life on `date`.
    pub fn supported_on(&self, date: Date) -> bool {
        self.release_date.is_some_and(|r| r <= date) && self.eol_date.is_none_or(|e| e >= date)
    }
}

/// Where a fact came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The source id from `data/dataset.xml` (e.g. `osinfo-db`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The OS it was inherited from, when not declared by this OS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
    /// `path:line` of the declaration, relative to the data directory.
    pub declared_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VirtioFact {
    pub class: String,
    pub arch: String,
    pub legacy: bool,
    pub modern: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChipsetFact {
    pub chipset: String,
    pub arch: String,
    pub supported: bool,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirmwareFact {
    pub arch: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub supported: bool,
    pub preferred: bool,
    pub provenance: Provenance,
}

/// Secure Boot (`kind` `secure-boot`) or TPM (`tpm`, with its version)
/// support and requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BootSecurityFact {
    pub kind: String,
    pub arch: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub supported: bool,
    pub required: bool,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceFact {
    pub name: String,
    pub class: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pci: Option<String>,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriverInfo {
    pub arch: String,
    pub location: String,
    pub pre_installable: bool,
    pub signed: bool,
    pub devices: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VariantInfo {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LanguagePattern {
    pub value: String,
    pub regex: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MediaInfo {
    pub arch: String,
    pub variants: Vec<String>,
    pub live: bool,
    pub installer: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub installer_reboots: Option<u32>,
    pub installer_script: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<LanguagePattern>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initrd: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ResourceAmounts {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_cpus: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ram: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResourceInfo {
    pub arch: String,
    pub kind: String,
    #[serde(flatten)]
    pub amounts: ResourceAmounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Relation {
    pub kind: String,
    pub target: String,
}

/// The provenance an OS states for one of its plain facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactSource {
    /// `name`, `release-date`, `short-id rhel6.10`, `derives-from <id>`, `media 0`, ...
    pub fact: String,
    pub provenance: Provenance,
}

/// Everything the store holds about one OS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsDetails {
    pub source: Option<String>,
    pub path: String,
    pub relations: Vec<Relation>,
    pub virtio: Vec<VirtioFact>,
    pub chipsets: Vec<ChipsetFact>,
    pub firmware: Vec<FirmwareFact>,
    pub boot_security: Vec<BootSecurityFact>,
    pub devices: Vec<DeviceFact>,
    pub drivers: Vec<DriverInfo>,
    pub variants: Vec<VariantInfo>,
    pub media: Vec<MediaInfo>,
    pub resources: Vec<ResourceInfo>,
    /// Provenance stated on plain facts (the others carry theirs).
    pub fact_sources: Vec<FactSource>,
}

/// The facts [`Database::hardware_details`] reads.
struct HardwareFacts {
    virtio: Vec<VirtioFact>,
    chipsets: Vec<ChipsetFact>,
    firmware: Vec<FirmwareFact>,
    boot_security: Vec<BootSecurityFact>,
    devices: Vec<DeviceFact>,
    drivers: Vec<DriverInfo>,
    resources: Vec<ResourceInfo>,
}

/// An optional non-negative integer column.
fn unsigned(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<u64>> {
    Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as u64))
}

impl Database {
    fn id_of(&self, idx: Option<u32>) -> Option<String> {
        idx.and_then(|i| self.get(i))
            .map(|o| o.short_id().to_string())
    }

    fn provenance(
        &self,
        source: Option<String>,
        note: Option<String>,
        from: Option<u32>,
        path: String,
        line: i64,
    ) -> Provenance {
        Provenance {
            source,
            note,
            inherited_from: self.id_of(from),
            declared_at: format!("{path}:{line}"),
        }
    }

    /// Reads every fact about `os` from the store.
    pub fn details(&self, os: &Os) -> Result<OsDetails, Error> {
        let k = os.idx;
        let c = &self.conn;
        let mut relations = Vec::new();
        let mut stmt =
            c.prepare_cached("SELECT kind, target FROM os_relation WHERE os = ?1 ORDER BY ord")?;
        for r in stmt.query_map([k], |r| {
            Ok(Relation {
                kind: r.get(0)?,
                target: r.get(1)?,
            })
        })? {
            relations.push(r?);
        }
        let facts = self.hardware_facts(k)?;
        let mut variants = Vec::new();
        let mut stmt =
            c.prepare_cached("SELECT id, name FROM os_variant WHERE os = ?1 ORDER BY ord")?;
        for v in stmt.query_map([k], |r| {
            Ok(VariantInfo {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })? {
            variants.push(v?);
        }
        let media = self.media(k)?;
        let mut fact_sources = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT fact, source, note, path, line FROM os_fact_source WHERE os = ?1 ORDER BY ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            fact_sources.push(FactSource {
                fact: r.get(0)?,
                provenance: self.provenance(r.get(1)?, r.get(2)?, None, r.get(3)?, r.get(4)?),
            });
        }
        Ok(OsDetails {
            source: os.source.clone(),
            path: os.path.clone(),
            relations,
            virtio: facts.virtio,
            chipsets: facts.chipsets,
            firmware: facts.firmware,
            boot_security: facts.boot_security,
            devices: facts.devices,
            drivers: facts.drivers,
            variants,
            media,
            resources: facts.resources,
            fact_sources,
        })
    }

    /// The facts a recommendation reads: virtio, chipsets, firmware, boot
    /// security, devices, drivers and resources (not names, media or
    /// relations). The other fields of the result are empty.
    pub fn hardware_details(&self, os: &Os) -> Result<OsDetails, Error> {
        let facts = self.hardware_facts(os.idx)?;
        Ok(OsDetails {
            source: os.source.clone(),
            path: os.path.clone(),
            relations: Vec::new(),
            virtio: facts.virtio,
            chipsets: facts.chipsets,
            firmware: facts.firmware,
            boot_security: facts.boot_security,
            devices: facts.devices,
            drivers: facts.drivers,
            variants: Vec::new(),
            media: Vec::new(),
            resources: facts.resources,
            fact_sources: Vec::new(),
        })
    }

    fn hardware_facts(&self, k: u32) -> Result<HardwareFacts, Error> {
        let c = &self.conn;
        let mut virtio = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT class, arch, legacy, modern, driver, source, note, from_os, path, line FROM os_virtio WHERE os = ?1 ORDER BY ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            virtio.push(VirtioFact {
                class: r.get(0)?,
                arch: r.get(1)?,
                legacy: r.get(2)?,
                modern: r.get(3)?,
                driver: r.get(4)?,
                provenance: self.provenance(r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
            });
        }
        let mut chipsets = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT chipset, arch, supported, source, note, from_os, path, line FROM os_chipset WHERE os = ?1 ORDER BY ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            chipsets.push(ChipsetFact {
                chipset: r.get(0)?,
                arch: r.get(1)?,
                supported: r.get(2)?,
                provenance: self.provenance(r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?),
            });
        }
        let mut firmware = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT arch, type, supported, preferred, source, note, from_os, path, line FROM os_firmware WHERE os = ?1 ORDER BY ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            firmware.push(FirmwareFact {
                arch: r.get(0)?,
                kind: r.get(1)?,
                supported: r.get(2)?,
                preferred: r.get(3)?,
                provenance: self.provenance(r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?),
            });
        }
        let mut boot_security = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT kind, arch, version, supported, required, source, note, from_os, path, line
             FROM os_boot_security WHERE os = ?1 ORDER BY ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            boot_security.push(BootSecurityFact {
                kind: r.get(0)?,
                arch: r.get(1)?,
                version: r.get(2)?,
                supported: r.get(3)?,
                required: r.get(4)?,
                provenance: self.provenance(r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?),
            });
        }
        let mut devices = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT d.name, d.class, d.pci, o.source, o.note, o.from_os, o.path, o.line
             FROM os_device o JOIN device d ON d.idx = o.device WHERE o.os = ?1 ORDER BY o.ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            devices.push(DeviceFact {
                name: r.get(0)?,
                class: r.get(1)?,
                pci: r.get(2)?,
                provenance: self.provenance(r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?),
            });
        }
        // Drivers with their devices in one pass (a driver without devices
        // still has its row, with a NULL device).
        let mut drivers: Vec<DriverInfo> = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT x.idx, x.arch, x.location, x.pre_installable, x.signed, d.name
             FROM os_driver x
             LEFT JOIN os_driver_device y ON y.os = x.os AND y.driver = x.idx
             LEFT JOIN device d ON d.idx = y.device
             WHERE x.os = ?1 ORDER BY x.idx, y.ord",
        )?;
        let mut rows = stmt.query([k])?;
        let mut last: Option<i64> = None;
        while let Some(r) = rows.next()? {
            let n: i64 = r.get(0)?;
            if last != Some(n) {
                drivers.push(DriverInfo {
                    arch: r.get(1)?,
                    location: r.get(2)?,
                    pre_installable: r.get(3)?,
                    signed: r.get(4)?,
                    devices: Vec::new(),
                });
                last = Some(n);
            }
            if let (Some(d), Some(name)) = (drivers.last_mut(), r.get::<_, Option<String>>(5)?) {
                d.devices.push(name);
            }
        }
        let mut resources = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT arch, kind, n_cpus, cpu, ram, storage, from_os FROM os_resources WHERE os = ?1 ORDER BY ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            resources.push(ResourceInfo {
                arch: r.get(0)?,
                kind: r.get(1)?,
                amounts: ResourceAmounts {
                    n_cpus: unsigned(r, 2)?,
                    cpu: unsigned(r, 3)?,
                    ram: unsigned(r, 4)?,
                    storage: unsigned(r, 5)?,
                },
                inherited_from: self.id_of(r.get(6)?),
            });
        }
        Ok(HardwareFacts {
            virtio,
            chipsets,
            firmware,
            boot_security,
            devices,
            drivers,
            resources,
        })
    }

    fn media(&self, k: u32) -> Result<Vec<MediaInfo>, Error> {
        let c = &self.conn;
        let mut media: Vec<MediaInfo> = Vec::new();
        let mut stmt = c.prepare_cached(
            "SELECT arch, live, installer, installer_reboots, installer_script, url, kernel, initrd,
                    volume_id, system_id, publisher_id, application_id, volume_size
             FROM os_media WHERE os = ?1 ORDER BY idx",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            media.push(MediaInfo {
                arch: r.get(0)?,
                variants: Vec::new(),
                live: r.get(1)?,
                installer: r.get(2)?,
                installer_reboots: r.get(3)?,
                installer_script: r.get(4)?,
                url: r.get(5)?,
                kernel: r.get(6)?,
                initrd: r.get(7)?,
                volume_id: r.get(8)?,
                system_id: r.get(9)?,
                publisher_id: r.get(10)?,
                application_id: r.get(11)?,
                volume_size: unsigned(r, 12)?,
                languages: Vec::new(),
            });
        }
        let mut stmt = c.prepare_cached(
            "SELECT media, kind, value, regex, map FROM os_media_item WHERE os = ?1 ORDER BY ord",
        )?;
        let mut rows = stmt.query([k])?;
        while let Some(r) = rows.next()? {
            let n = r.get::<_, i64>(0)? as usize;
            let kind: String = r.get(1)?;
            let Some(m) = media.get_mut(n) else { continue };
            if kind == "variant" {
                m.variants.push(r.get(2)?);
            } else {
                m.languages.push(LanguagePattern {
                    value: r.get(2)?,
                    regex: r.get(3)?,
                    map: r.get(4)?,
                });
            }
        }
        Ok(media)
    }

    /// OSes that `os` names in `kind` (`derives-from`, `clones`, `upgrades`).
    pub fn related(&self, os: &Os, kind: &str) -> Result<Vec<&Os>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT target_os FROM os_relation WHERE os = ?1 AND kind = ?2 AND target_os IS NOT NULL ORDER BY ord")?;
        let idx: Vec<u32> = stmt
            .query_map(params![os.idx, kind], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(idx.into_iter().filter_map(|i| self.get(i)).collect())
    }

    /// OSes that name `os` in `kind` (e.g. the releases deriving from it).
    pub fn related_to(&self, os: &Os, kind: &str) -> Result<Vec<&Os>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT os FROM os_relation WHERE target_os = ?1 AND kind = ?2 ORDER BY os",
        )?;
        let idx: Vec<u32> = stmt
            .query_map(params![os.idx, kind], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(idx.into_iter().filter_map(|i| self.get(i)).collect())
    }
}
