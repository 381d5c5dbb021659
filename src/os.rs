//! What the database says about an OS: a summary kept in memory ([`Os`]) and
//! the full facts with their provenance, read on demand ([`OsDetails`]).

use crate::lifecycle::{Phase, PhaseEnds};
use guestdb_data::model::{Chipset, Date, ReleaseStatus, VirtioClass};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One OS release: identity, dates and a summary of its virtio and chipset
/// support (effective, after inheritance, for all architectures).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Os {
    /// Its row in the store (0-based, in natural id order).
    pub idx: u32,
    /// Its id (`http://redhat.com/rhel/6.10`).
    pub id: String,
    /// Its short-ids (`rhel6.10`), the preferred first.
    pub short_ids: Vec<String>,
    /// Other names it answers to.
    pub aliases: Vec<String>,
    /// Its name (`Red Hat Enterprise Linux 6.10`).
    pub name: String,
    /// Who makes it.
    pub vendor: Option<String>,
    /// Its family (`linux`, `winnt`, `freebsd`).
    pub family: Option<String>,
    /// Its distribution (`rhel`, `win`).
    pub distro: Option<String>,
    /// Its version (`6.10`).
    pub version: Option<String>,
    /// Its codename (`Santiago`).
    pub codename: Option<String>,
    /// When it was released.
    pub release_date: Option<Date>,
    /// When its security maintenance without a paid add-on ends (or ended).
    pub eol_date: Option<Date>,
    /// Released, prerelease, snapshot or rolling.
    pub release_status: ReleaseStatus,
    /// When each of its support phases ends (none stated: no lifecycle).
    pub lifecycle: PhaseEnds,
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
    /// The drivers speak the legacy (pre-1.0) interface.
    pub legacy: bool,
    /// The drivers speak the virtio 1.0 interface.
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

    /// What the OS's drivers speak for virtio `class` (for every architecture).
    pub fn virtio(&self, class: VirtioClass) -> VirtioSupport {
        let bit = guestdb_data::emit::virtio_bit(class);
        VirtioSupport {
            legacy: self.virtio_legacy & bit != 0,
            modern: self.virtio_modern & bit != 0,
            needs_driver: self.virtio_driver & bit != 0,
        }
    }

    /// The architectures on which the OS's answer for virtio `class`
    /// differs from its OS-wide summary ([`Os::virtio`]), each with its own
    /// answer (from `details`, its per-architecture facts), in architecture
    /// order: what a summary must show beside itself (Windows' virtio-win
    /// answers exist only per architecture).
    pub fn virtio_differing(
        &self,
        details: &OsDetails,
        class: VirtioClass,
    ) -> Vec<(String, VirtioSupport)> {
        let summary = self.virtio(class);
        let mut out: Vec<(String, VirtioSupport)> = details
            .virtio
            .iter()
            .filter(|f| f.class == class && f.arch != "all")
            .map(|f| {
                (
                    f.arch.clone(),
                    VirtioSupport {
                        legacy: f.legacy,
                        modern: f.modern,
                        needs_driver: f.driver.is_some(),
                    },
                )
            })
            .filter(|(_, v)| *v != summary)
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Whether the OS supports `chipset` (on x86).
    pub fn supports_chipset(&self, chipset: Chipset) -> bool {
        self.chipsets & guestdb_data::emit::chipset_bit(chipset) != 0
    }

    /// Released and in security maintenance (without a paid add-on) on
    /// `date`: [`Os::supported_at`] with [`Phase::Security`].
    pub fn supported_on(&self, date: Date) -> bool {
        self.supported_at(date, Phase::Security)
    }

    /// Released and supported on `date` at `level` (standard support,
    /// security maintenance, or any support including paid extensions);
    /// see [`crate::lifecycle::supported_on`].
    pub fn supported_at(&self, date: Date, level: Phase) -> bool {
        crate::lifecycle::supported_on(
            self.release_date,
            self.eol_date,
            &self.lifecycle,
            date,
            level,
        )
    }
}

pub use guestdb_data::doc::{
    Amounts as ResourceAmounts, ArchKernelFact as ArchKernelInfo, BootSecurity, BootSecurityFact,
    ChipsetFact, DeviceFact, Driver as DriverInfo, FactSource, FirmwareFact,
    KernelFact as KernelInfo, Language as LanguagePattern, Medium as MediumFacts, PhaseFact,
    Provenance, Relation, RelationKind, Resources as ResourceInfo, Tree as TreeFacts,
    Variant as VariantInfo, VirtioFact,
};

/// Everything the store holds about one OS: every effective fact with
/// where it was declared (the store's `os_facts` document).
pub type OsDetails = guestdb_data::doc::OsFacts;

/// Adds to a JSON answer what qualifies a virtio fact: the driver package
/// (and from which release), unknown, derived.
fn mark(f: &VirtioFact, entry: &mut Value) {
    if let Some(driver) = &f.driver {
        entry["driver"] = json!(driver);
        if let Some(since) = &f.since {
            entry["since"] = json!(since);
        }
    }
    if f.unknown {
        entry["unknown"] = json!(true);
    }
    if f.derived {
        entry["derived"] = json!(true);
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
                .find(|f| f.class == class && f.arch == "all");
            if let Some(f) = fact {
                mark(f, &mut entry);
            }
            // Where an architecture answers otherwise, the summary says so.
            let differing = os.virtio_differing(details, class);
            if !differing.is_empty() {
                entry["by_arch"] = differing
                    .iter()
                    .map(|(arch, v)| {
                        (
                            arch.clone(),
                            json!({"legacy": v.legacy, "modern": v.modern, "needs_driver": v.needs_driver}),
                        )
                    })
                    .collect::<Map<_, _>>()
                    .into();
            }
            virtio.insert(class.name.to_string(), entry);
        }
        // Facts of one architecture (per-arch kernels and transports,
        // driver packages per architecture), class by class.
        let mut by_arch: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
        for f in details.virtio.iter().filter(|f| f.arch != "all") {
            let mut entry = json!({"legacy": f.legacy, "modern": f.modern});
            mark(f, &mut entry);
            by_arch
                .entry(f.arch.as_str())
                .or_default()
                .insert(f.class.name.to_string(), entry);
        }
        let relation = |kind: RelationKind| -> Vec<&str> {
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
            "lifecycle": details.lifecycle.iter().map(|p| {
                let mut v = json!({"end": p.end, "label": p.label()});
                if let Some(e) = p.expected {
                    v["expected"] = json!(e);
                }
                (p.phase.name().to_string(), v)
            }).collect::<Map<_, _>>(),
            "derives_from": relation(RelationKind::DerivesFrom),
            "clones": relation(RelationKind::Clones),
            "upgrades": relation(RelationKind::Upgrades),
            "arches": os.arches,
            "kernel": details.kernel.as_ref().map(|k| json!({"version": k.version, "package": k.package})),
            "kernels_by_arch": details.arch_kernels.iter().map(|k| json!({"arch": k.arch, "version": k.kernel.version, "package": k.kernel.package})).collect::<Vec<_>>(),
            "virtio": virtio,
            "virtio_by_arch": by_arch,
            "chipsets": {"q35": os.supports_chipset(Chipset::Q35), "i440fx": os.supports_chipset(Chipset::I440fx)},
            "firmware": firmware,
            "boot_security": details.boot_security.iter().map(|b| json!({"kind": b.kind, "arch": b.arch, "version": b.version, "supported": b.supported, "required": b.required})).collect::<Vec<_>>(),
            "chipset_preferred": details.chipsets.iter().find(|c| c.preferred).map(|c| c.chipset.name()),
            "clock": details.clock.iter().map(|c| json!({"arch": c.arch, "offset": c.offset})).collect::<Vec<_>>(),
            "roles": details.roles.iter().map(|r| json!({"role": r.role, "supported": r.supported})).collect::<Vec<_>>(),
            "cpu_levels": details.cpu_levels.iter().map(|l| json!({"arch": l.arch, "min": l.min})).collect::<Vec<_>>(),
            "agents": details.agents.iter().map(|a| json!({"name": a.name, "arch": a.arch, "supported": a.supported, "driver": a.driver})).collect::<Vec<_>>(),
            "hyperv": details.hyperv.iter().map(|h| h.feature.as_str()).collect::<Vec<_>>(),
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
                "lifecycle": details.lifecycle,
                "virtio": details.virtio,
                "chipsets": details.chipsets,
                "firmware": details.firmware,
                "devices": details.devices,
                "clock": details.clock,
                "roles": details.roles,
                "cpu_levels": details.cpu_levels,
                "agents": details.agents,
                "hyperv": details.hyperv,
                "facts": details.fact_sources,
            });
        }
        v
    }
}
