//! The facts about one OS on one architecture that the rules read, each
//! with where it was declared. Built from the store ([`Database::os_facts`]);
//! the rules never touch the store.

use crate::error::Error;
use crate::os::{Os, OsDetails, Provenance};
use crate::store::Database;
use guestdb_data::model::{Date, ReleaseStatus, VirtioClass};
use serde::Serialize;

/// A fact a rule used: what it says and where it is declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactRef {
    /// `rhel6.10: virtio net legacy only`.
    pub fact: String,
    /// `path:line`, relative to the data directory.
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl FactRef {
    pub fn new(fact: impl Into<String>, at: impl Into<String>) -> FactRef {
        FactRef {
            fact: fact.into(),
            at: at.into(),
            source: None,
            note: None,
        }
    }

    fn from(fact: String, p: &Provenance) -> FactRef {
        FactRef {
            fact,
            at: p.declared_at.clone(),
            source: p.source.clone(),
            note: p.note.clone(),
        }
    }
}

/// What the OS's drivers speak for one virtio class.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VirtioFacts {
    pub legacy: bool,
    pub modern: bool,
    /// The driver package the support needs (`virtio-win`); `None`: in-box.
    pub driver: Option<String>,
    /// The data says it does not know (stored as `unknown`, read as none).
    pub unknown: bool,
    /// The declaration; `None` when the data states nothing (no driver).
    pub fact: Option<FactRef>,
}

/// A yes/no fact with its declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub yes: bool,
    pub fact: FactRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirmwareFacts {
    pub supported: bool,
    pub preferred: bool,
    pub fact: FactRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub supported: bool,
    pub required: bool,
    pub fact: FactRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TpmFacts {
    pub version: String,
    pub supported: bool,
    pub required: bool,
    pub fact: FactRef,
}

/// Amounts the OS needs or recommends (bytes, count).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub ram: Option<u64>,
    pub n_cpus: Option<u64>,
    pub storage: Option<u64>,
}

/// The release the facts belong to, when the caller asked for another one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fallback {
    /// What the caller asked for (`rhel10.9`).
    pub requested: String,
    /// Why this release stands in for it.
    pub reason: String,
}

/// Everything the recommendation needs to know about one OS on one arch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsFacts {
    pub id: String,
    pub short_id: String,
    pub name: String,
    pub family: Option<String>,
    pub distro: Option<String>,
    pub eol_date: Option<Date>,
    pub release_status: ReleaseStatus,
    pub arch: String,
    /// Every class of [`VirtioClass::ALL`], in that order.
    pub virtio: Vec<(String, VirtioFacts)>,
    pub q35: Option<Flag>,
    pub i440fx: Option<Flag>,
    pub bios: Option<FirmwareFacts>,
    pub efi: Option<FirmwareFacts>,
    pub secure_boot: Option<Requirement>,
    pub tpm: Vec<TpmFacts>,
    /// Catalogue devices the OS drives in-box, with their declarations.
    pub devices: Vec<(String, FactRef)>,
    /// Catalogue devices a driver package adds (name, pre-installable).
    pub driver_devices: Vec<(String, bool)>,
    pub minimum: Sizes,
    pub recommended: Sizes,
    pub fallback: Option<Fallback>,
}

impl OsFacts {
    pub fn virtio(&self, class: VirtioClass) -> &VirtioFacts {
        self.virtio
            .iter()
            .find(|(c, _)| c == class.name)
            .map(|(_, v)| v)
            .unwrap_or(&NO_VIRTIO)
    }

    /// The in-box device `name`, with its declaration.
    pub fn device(&self, name: &str) -> Option<&FactRef> {
        self.devices.iter().find(|(d, _)| d == name).map(|(_, f)| f)
    }

    /// Whether a driver package adds device `name`.
    pub fn driver_device(&self, name: &str) -> bool {
        self.driver_devices.iter().any(|(d, _)| d == name)
    }
}

static NO_VIRTIO: VirtioFacts = VirtioFacts {
    legacy: false,
    modern: false,
    driver: None,
    unknown: false,
    fact: None,
};

/// Picks, per key, the fact for `arch` over the one for all architectures.
fn for_arch<'a, T>(
    items: impl Iterator<Item = &'a T>,
    arch: &str,
    arch_of: impl Fn(&T) -> &str,
) -> Option<&'a T>
where
    T: 'a,
{
    let mut all = None;
    for item in items {
        match arch_of(item) {
            a if a == arch => return Some(item),
            "all" => all = all.or(Some(item)),
            _ => {}
        }
    }
    all
}

/// x86 facts (chipsets, firmware) that osinfo-db states for x86_64 also
/// hold for i686 when nothing says otherwise.
fn arch_family(arch: &str) -> &str {
    if arch == "i686" {
        "x86_64"
    } else {
        arch
    }
}

impl OsFacts {
    /// Builds the facts of `os` for `arch` from its store details.
    pub fn from_details(os: &Os, details: &OsDetails, arch: &str) -> OsFacts {
        let short = os.short_id().to_string();
        let short_id = short.clone();
        let virtio = VirtioClass::ALL
            .iter()
            .map(|class| {
                let fact = for_arch(
                    details.virtio.iter().filter(|f| f.class == class.name),
                    arch,
                    |f| &f.arch,
                );
                let v = match fact {
                    Some(f) => VirtioFacts {
                        legacy: f.legacy,
                        modern: f.modern,
                        driver: f.driver.clone(),
                        unknown: f.unknown,
                        fact: Some(FactRef::from(
                            format!(
                                "{short}: virtio {} {}{}",
                                class.name,
                                match (f.unknown, f.legacy, f.modern) {
                                    (true, _, _) => "unknown (treated as none)",
                                    (_, true, true) => "legacy and modern",
                                    (_, true, false) => "legacy only",
                                    (_, false, true) => "modern only",
                                    (_, false, false) => "none",
                                },
                                f.driver
                                    .as_ref()
                                    .map(|d| format!(" with driver package {d}"))
                                    .unwrap_or_default()
                            ),
                            &f.provenance,
                        )),
                    },
                    None => NO_VIRTIO.clone(),
                };
                (class.name.to_string(), v)
            })
            .collect();
        // An unknown chipset fact is as good as none: the rule says the
        // dataset says nothing.
        let chipset = |name: &str| {
            let f = for_arch(
                details
                    .chipsets
                    .iter()
                    .filter(|c| c.chipset == name && !c.unknown),
                arch_family(arch),
                |c| &c.arch,
            )
            .or_else(|| {
                for_arch(
                    details
                        .chipsets
                        .iter()
                        .filter(|c| c.chipset == name && !c.unknown),
                    arch,
                    |c| &c.arch,
                )
            })?;
            Some(Flag {
                yes: f.supported,
                fact: FactRef::from(
                    format!(
                        "{short}: chipset {name} {}",
                        if f.supported {
                            "supported"
                        } else {
                            "not supported"
                        }
                    ),
                    &f.provenance,
                ),
            })
        };
        let firmware = |kind: &str| {
            let f = details
                .firmware
                .iter()
                .find(|f| f.kind == kind && f.arch == arch)
                .or_else(|| {
                    details
                        .firmware
                        .iter()
                        .find(|f| f.kind == kind && f.arch == arch_family(arch))
                })?;
            Some(FirmwareFacts {
                supported: f.supported,
                preferred: f.preferred,
                fact: FactRef::from(
                    format!(
                        "{short}: {kind} on {} {}{}",
                        f.arch,
                        if f.supported {
                            "supported"
                        } else {
                            "not supported"
                        },
                        if f.preferred { ", preferred" } else { "" }
                    ),
                    &f.provenance,
                ),
            })
        };
        let secure_boot = for_arch(
            details
                .boot_security
                .iter()
                .filter(|b| b.kind == "secure-boot"),
            arch,
            |b| &b.arch,
        )
        .map(|b| Requirement {
            supported: b.supported,
            required: b.required,
            fact: FactRef::from(
                format!(
                    "{short}: Secure Boot {}",
                    if b.required {
                        "required"
                    } else if b.supported {
                        "supported"
                    } else {
                        "not supported"
                    }
                ),
                &b.provenance,
            ),
        });
        let mut tpm: Vec<TpmFacts> = Vec::new();
        for version in guestdb_data::model::TPM_VERSIONS {
            let fact = for_arch(
                details
                    .boot_security
                    .iter()
                    .filter(|b| b.kind == "tpm" && b.version.as_deref() == Some(version)),
                arch,
                |b| &b.arch,
            );
            if let Some(b) = fact {
                tpm.push(TpmFacts {
                    version: version.to_string(),
                    supported: b.supported,
                    required: b.required,
                    fact: FactRef::from(
                        format!(
                            "{short}: TPM {version} {}",
                            if b.required {
                                "required"
                            } else if b.supported {
                                "supported"
                            } else {
                                "not supported"
                            }
                        ),
                        &b.provenance,
                    ),
                });
            }
        }
        let devices = details
            .devices
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    FactRef::from(
                        format!("{short}: supports device {}", d.name),
                        &d.provenance,
                    ),
                )
            })
            .collect();
        let mut driver_devices: Vec<(String, bool)> = Vec::new();
        for d in details
            .drivers
            .iter()
            .filter(|d| d.arch == arch || d.arch == "all")
        {
            for dev in &d.devices {
                match driver_devices.iter_mut().find(|(n, _)| n == dev) {
                    Some(entry) => entry.1 |= d.pre_installable,
                    None => driver_devices.push((dev.clone(), d.pre_installable)),
                }
            }
        }
        let sizes = |kind: &str| {
            let mut s = Sizes::default();
            // The arch's own entry first, then "all" for what it leaves out.
            for r in details
                .resources
                .iter()
                .filter(|r| r.kind == kind && r.arch == arch)
                .chain(
                    details
                        .resources
                        .iter()
                        .filter(|r| r.kind == kind && r.arch == "all"),
                )
            {
                s.ram = s.ram.or(r.amounts.ram);
                s.n_cpus = s.n_cpus.or(r.amounts.n_cpus);
                s.storage = s.storage.or(r.amounts.storage);
            }
            s
        };
        OsFacts {
            id: os.id.clone(),
            short_id,
            name: os.name.clone(),
            family: os.family.clone(),
            distro: os.distro.clone(),
            eol_date: os.eol_date,
            release_status: os.release_status,
            arch: arch.to_string(),
            virtio,
            q35: chipset("q35"),
            i440fx: chipset("i440fx"),
            bios: firmware("bios"),
            efi: firmware("efi"),
            secure_boot,
            tpm,
            devices,
            driver_devices,
            minimum: sizes("minimum"),
            recommended: sizes("recommended"),
            fallback: None,
        }
    }
}

impl Database {
    /// The facts of `os` on `arch` that a recommendation reads.
    pub fn os_facts(&self, os: &Os, arch: &str) -> Result<OsFacts, Error> {
        let details = self.details(os)?;
        Ok(OsFacts::from_details(os, &details, arch))
    }
}
