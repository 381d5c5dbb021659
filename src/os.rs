//! What the database says about an OS: a summary kept in memory ([`Os`]) and
//! the full facts with their provenance, read on demand ([`OsDetails`]).

use crate::error::Error;
use crate::store::Database;
use guestdb_data::model::{Chipset, Date, ReleaseStatus, VirtioClass};
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VirtioFact {
    pub class: String,
    pub arch: String,
    pub legacy: bool,
    pub modern: bool,
    /// No source says either way (legacy and modern are false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
    /// Derived from the OS's kernel through `data/linux.xml`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
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
pub struct ArchKernelInfo {
    pub arch: String,
    #[serde(flatten)]
    pub kernel: KernelInfo,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelInfo {
    /// The upstream version (`4.18`).
    pub version: String,
    /// The distribution package (`4.18.0-80.el8`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChipsetFact {
    pub chipset: String,
    pub arch: String,
    pub supported: bool,
    /// No source says either way (`supported` is false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unknown: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derived: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<String>,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BootSecurityFact {
    pub kind: String,
    pub arch: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub supported: bool,
    pub required: bool,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceFact {
    pub name: String,
    pub class: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pci: Option<String>,
    pub provenance: Provenance,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriverInfo {
    pub arch: String,
    pub location: String,
    pub pre_installable: bool,
    pub signed: bool,
    pub devices: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantInfo {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LanguagePattern {
    pub value: String,
    pub regex: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub map: Option<String>,
}

/// An install tree and the `.treeinfo` patterns that identify it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeFacts {
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediumFacts {
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

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceInfo {
    pub arch: String,
    pub kind: String,
    #[serde(flatten)]
    pub amounts: ResourceAmounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub kind: String,
    pub target: String,
    /// The target's short-id, when the dataset has the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_id: Option<String>,
}

/// The provenance an OS states for one of its plain facts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactSource {
    /// `name`, `release-date`, `short-id rhel6.10`, `derives-from <id>`, `media 0`, ...
    pub fact: String,
    pub provenance: Provenance,
}

/// Everything the store holds about one OS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsDetails {
    /// The OS's own source and file (from its row; not in the facts document).
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub path: String,
    pub relations: Vec<Relation>,
    /// The Linux kernel the release ships, where the data states it.
    pub kernel: Option<KernelInfo>,
    /// Kernels of architectures whose kernel differs (RHEL 7's kernel-alt).
    #[serde(default)]
    pub arch_kernels: Vec<ArchKernelInfo>,
    pub virtio: Vec<VirtioFact>,
    pub chipsets: Vec<ChipsetFact>,
    pub firmware: Vec<FirmwareFact>,
    pub boot_security: Vec<BootSecurityFact>,
    pub devices: Vec<DeviceFact>,
    pub drivers: Vec<DriverInfo>,
    pub variants: Vec<VariantInfo>,
    pub media: Vec<MediumFacts>,
    pub trees: Vec<TreeFacts>,
    pub resources: Vec<ResourceInfo>,
    /// Provenance stated on plain facts (the others carry theirs).
    pub fact_sources: Vec<FactSource>,
}

impl Database {
    /// Reads every fact about `os` from the store (one JSON document).
    pub fn details(&self, os: &Os) -> Result<OsDetails, Error> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT facts FROM os_facts WHERE os = ?1")?;
        let text: String = stmt.query_row([os.idx], |r| r.get(0))?;
        // The facts document (schema/store.sql) is OsDetails without the
        // row's source and path.
        let mut details: OsDetails = self.parse_doc(&format!("the facts of {}", os.id), &text)?;
        details.source = os.source.clone();
        details.path = os.path.clone();
        Ok(details)
    }

    /// OSes that `os` names in `kind` (`derives-from`, `clones`, `upgrades`).
    pub fn related(&self, os: &Os, kind: &str) -> Result<Vec<&Os>, Error> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT target_os FROM os_relation WHERE os = ?1 AND kind = ?2 AND target_os IS NOT NULL ORDER BY ord",
        )?;
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

impl VirtioFact {
    /// Adds to a JSON answer what qualifies it: the driver package (and
    /// from which release), unknown, derived.
    fn mark(&self, entry: &mut Value) {
        if let Some(driver) = &self.driver {
            entry["driver"] = json!(driver);
            if let Some(since) = &self.since {
                entry["since"] = json!(since);
            }
        }
        if self.unknown {
            entry["unknown"] = json!(true);
        }
        if self.derived {
            entry["derived"] = json!(true);
        }
    }
}

impl Os {
    /// The JSON form of an OS: what `show --json` prints and `diff`
    /// compares (`explain` adds the facts with their provenance).
    pub fn to_json(&self, details: &OsDetails, explain: bool) -> Value {
        let os = self;
        let mut virtio = Map::new();
        for class in VirtioClass::ALL {
            let v = os.virtio(class);
            let mut entry = json!({"legacy": v.legacy, "modern": v.modern});
            let fact = details
                .virtio
                .iter()
                .find(|f| f.class == class.name && f.arch == "all");
            if let Some(f) = fact {
                f.mark(&mut entry);
            }
            virtio.insert(class.name.to_string(), entry);
        }
        // Facts of one architecture (per-arch kernels and transports,
        // driver packages per architecture), class by class.
        let mut by_arch: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        for f in details.virtio.iter().filter(|f| f.arch != "all") {
            let mut entry = json!({"legacy": f.legacy, "modern": f.modern});
            f.mark(&mut entry);
            by_arch
                .entry(f.arch.as_str())
                .or_default()
                .insert(f.class.clone(), entry);
        }
        let relation = |kind: &str| -> Vec<&str> {
            details
                .relations
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.target.as_str())
                .collect()
        };
        let firmware: Vec<Value> = details
            .firmware
            .iter()
            .map(|f| json!({"arch": f.arch, "type": f.kind, "supported": f.supported, "preferred": f.preferred}))
            .collect();
        let mut v = json!({
            "id": os.id,
            "short_ids": os.short_ids,
            "aliases": os.aliases,
            "name": os.name,
            "vendor": os.vendor,
            "family": os.family,
            "distro": os.distro,
            "version": os.version,
            "codename": os.codename,
            "release_date": os.release_date.map(|d| d.to_string()),
            "eol_date": os.eol_date.map(|d| d.to_string()),
            "release_status": os.release_status.name(),
            "derives_from": relation("derives-from"),
            "clones": relation("clones"),
            "upgrades": relation("upgrades"),
            "arches": os.arches,
            "kernel": details.kernel.as_ref().map(|k| json!({"version": k.version, "package": k.package})),
            "kernels_by_arch": details.arch_kernels.iter().map(|k| json!({"arch": k.arch, "version": k.kernel.version, "package": k.kernel.package})).collect::<Vec<_>>(),
            "virtio": virtio,
            "virtio_by_arch": by_arch,
            "chipsets": {"q35": os.supports_chipset(Chipset::Q35), "i440fx": os.supports_chipset(Chipset::I440fx)},
            "firmware": firmware,
            "boot_security": details.boot_security.iter().map(|b| json!({"kind": b.kind, "arch": b.arch, "version": b.version, "supported": b.supported, "required": b.required})).collect::<Vec<_>>(),
            "devices": details.devices.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
            "drivers": details.drivers,
            "variants": details.variants,
            "media": details.media,
            "trees": details.trees,
            "resources": details.resources,
            "source": details.source,
            "path": details.path,
        });
        if explain {
            v["explain"] = json!({
                "virtio": details.virtio,
                "chipsets": details.chipsets,
                "firmware": details.firmware,
                "devices": details.devices,
                "facts": details.fact_sources,
            });
        }
        v
    }
}
