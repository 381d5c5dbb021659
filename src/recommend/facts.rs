//! The facts about one OS on one architecture that the rules read, each
//! with where it was declared. Built from the store ([`Database::os_facts`]);
//! the rules never touch the store.

use crate::os::{BootSecurity, Os, OsDetails, Provenance};
use guestdb_data::model::{
    Chipset, ClockOffset, Date, FirmwareType, Phase, PhaseEnd, ReleaseStatus, ResourceKind,
    RoleName, VirtioClass,
};
use serde::Serialize;

/// A fact a rule used: what it says and where it is declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FactRef {
    /// `rhel6.10: virtio net legacy only`.
    pub fact: String,
    /// `path:line`, relative to the data directory.
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The source id (`data/dataset.xml`).
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// Why, in words.
    pub note: Option<String>,
}

impl FactRef {
    /// A fact stated at `at` (`path:line`) with no source or note.
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
    /// The drivers speak the legacy interface.
    pub legacy: bool,
    /// The drivers speak the virtio 1.0 interface.
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
    /// What the fact says.
    pub yes: bool,
    /// The fact.
    pub fact: FactRef,
}

/// Support for a chipset, and whether the OS's vendor prefers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChipsetFlag {
    /// The OS boots on it.
    pub yes: bool,
    /// Its vendor prefers it.
    pub preferred: bool,
    /// The fact.
    pub fact: FactRef,
}

/// A value with the fact that states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Stated<T> {
    /// The value.
    pub value: T,
    /// The fact.
    pub fact: FactRef,
}

/// Support for one firmware type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FirmwareFacts {
    /// The OS boots with it.
    pub supported: bool,
    /// The OS prefers it when both are supported.
    pub preferred: bool,
    /// The fact.
    pub fact: FactRef,
}

/// Support for, and requirement of, a feature (Secure Boot).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Requirement {
    /// The OS works with it.
    pub supported: bool,
    /// The OS needs it.
    pub required: bool,
    /// The fact.
    pub fact: FactRef,
}

/// Support for, and requirement of, one TPM version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TpmFacts {
    /// The TPM version (`1.2`, `2.0`).
    pub version: String,
    /// The OS works with it.
    pub supported: bool,
    /// The OS needs it.
    pub required: bool,
    /// The fact.
    pub fact: FactRef,
}

/// When one phase of the OS's support ends, with its declaration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhaseRef {
    /// Standard, security or extended.
    pub phase: Phase,
    /// A day, `unknown` or `tba`.
    pub end: PhaseEnd,
    /// The vendor's name for the phase (or its usual name).
    pub label: String,
    /// The fact.
    pub fact: FactRef,
}

/// Amounts the OS needs or recommends (bytes, count).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Sizes {
    /// Memory, bytes.
    pub ram: Option<u64>,
    /// Virtual CPUs.
    pub n_cpus: Option<u64>,
    /// Disk, bytes.
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
    /// Its id.
    pub id: String,
    /// Its first short-id.
    pub short_id: String,
    /// Its name.
    pub name: String,
    /// Its family (`linux`, `winnt`).
    pub family: Option<String>,
    /// Its distribution.
    pub distro: Option<String>,
    /// When its security maintenance ends.
    pub eol_date: Option<Date>,
    /// Its support phases, in phase order (empty: the data states none).
    pub lifecycle: Vec<PhaseRef>,
    /// Released, prerelease, snapshot or rolling.
    pub release_status: ReleaseStatus,
    /// The architecture the facts are for.
    pub arch: String,
    /// Every architecture the data knows the OS on (media, trees,
    /// resources, firmware, drivers).
    pub arches: Vec<String>,
    /// Every class of [`VirtioClass::ALL`], in that order.
    pub virtio: Vec<(String, VirtioFacts)>,
    /// Whether it supports q35.
    pub q35: Option<ChipsetFlag>,
    /// Whether it supports i440fx.
    pub i440fx: Option<ChipsetFlag>,
    /// Whether it boots with BIOS.
    pub bios: Option<FirmwareFacts>,
    /// Whether it boots with UEFI.
    pub efi: Option<FirmwareFacts>,
    /// Whether it supports or requires Secure Boot.
    pub secure_boot: Option<Requirement>,
    /// Which TPM versions it supports or requires.
    pub tpm: Vec<TpmFacts>,
    /// Catalogue devices the OS drives in-box, with their declarations.
    pub devices: Vec<(String, FactRef)>,
    /// Catalogue devices a driver package adds (name, pre-installable).
    pub driver_devices: Vec<(String, bool)>,
    /// What it needs at least.
    pub minimum: Sizes,
    /// A Windows release (Hyper-V enlightenments, a local-time clock).
    pub windows: bool,
    /// How it keeps its real-time clock, where the data says.
    pub clock: Option<Stated<ClockOffset>>,
    /// Whether it is made for desktops, where the data says.
    pub desktop: Option<Flag>,
    /// Whether it is made for servers, where the data says.
    pub server: Option<Flag>,
    /// The least x86-64 level it runs on (1 to 4), where the data says.
    pub cpu_level: Option<Stated<u8>>,
    /// Whether it has the SPICE agent, where the data says.
    pub spice_agent: Option<Flag>,
    /// The Hyper-V enlightenments it uses, each with where that is stated.
    pub hyperv: Vec<Stated<String>>,
    /// What its vendor recommends.
    pub recommended: Sizes,
    /// Set when these facts stand in for a release the caller asked for.
    pub fallback: Option<Fallback>,
}

impl OsFacts {
    /// What the OS's drivers speak for virtio `class`.
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
                    details.virtio.iter().filter(|f| f.class == *class),
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
        let chipset = |chipset: Chipset| {
            let name = chipset.name();
            let f = for_arch(
                details
                    .chipsets
                    .iter()
                    .filter(|c| c.chipset == chipset && !c.unknown),
                arch_family(arch),
                |c| &c.arch,
            )
            .or_else(|| {
                for_arch(
                    details
                        .chipsets
                        .iter()
                        .filter(|c| c.chipset == chipset && !c.unknown),
                    arch,
                    |c| &c.arch,
                )
            })?;
            Some(ChipsetFlag {
                yes: f.supported,
                preferred: f.preferred,
                fact: FactRef::from(
                    format!(
                        "{short}: chipset {name} {}{}",
                        if f.supported {
                            "supported"
                        } else {
                            "not supported"
                        },
                        if f.preferred {
                            ", preferred by its vendor"
                        } else {
                            ""
                        }
                    ),
                    &f.provenance,
                ),
            })
        };
        let firmware = |kind: FirmwareType| {
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
                        "{short}: {} on {} {}{}",
                        kind.name(),
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
                .filter(|b| b.kind == BootSecurity::SecureBoot),
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
                details.boot_security.iter().filter(|b| {
                    b.kind == BootSecurity::Tpm && b.version.as_deref() == Some(version)
                }),
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
        let role = |name: RoleName| {
            details.roles.iter().find(|r| r.role == name).map(|r| Flag {
                yes: r.supported,
                fact: FactRef::from(
                    format!(
                        "{short}: {} {} release",
                        if r.supported { "a" } else { "not a" },
                        name.name()
                    ),
                    &r.provenance,
                ),
            })
        };
        let sizes = |kind: ResourceKind| {
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
        let lifecycle = details
            .lifecycle
            .iter()
            .map(|p| PhaseRef {
                phase: p.phase,
                end: p.end,
                label: p.label().to_string(),
                fact: FactRef::from(
                    format!("{short}: {} ({}) ends {}", p.label(), p.phase, p.end),
                    &p.provenance,
                ),
            })
            .collect();
        OsFacts {
            id: os.id.clone(),
            short_id,
            name: os.name.clone(),
            family: os.family.clone(),
            distro: os.distro.clone(),
            eol_date: os.eol_date,
            lifecycle,
            release_status: os.release_status,
            arch: arch.to_string(),
            arches: os.arches.clone(),
            virtio,
            q35: chipset(Chipset::Q35),
            i440fx: chipset(Chipset::I440fx),
            bios: firmware(FirmwareType::Bios),
            efi: firmware(FirmwareType::Efi),
            secure_boot,
            tpm,
            devices,
            driver_devices,
            minimum: sizes(ResourceKind::Minimum),
            windows: matches!(
                os.family.as_deref(),
                Some("winnt") | Some("win9x") | Some("win16")
            ),
            clock: for_arch(details.clock.iter(), arch, |c| &c.arch).map(|c| Stated {
                value: c.offset,
                fact: FactRef::from(
                    format!("{short}: clock in {}", c.offset.name()),
                    &c.provenance,
                ),
            }),
            desktop: role(RoleName::Desktop),
            server: role(RoleName::Server),
            cpu_level: for_arch(details.cpu_levels.iter(), arch, |c| &c.arch).and_then(|c| {
                Some(Stated {
                    value: guestdb_data::model::cpu_level(&c.min)?,
                    fact: FactRef::from(
                        format!("{short}: runs on {} and later", c.min),
                        &c.provenance,
                    ),
                })
            }),
            spice_agent: for_arch(
                details.agents.iter().filter(|a| a.name == "spice-vdagent"),
                arch,
                |a| &a.arch,
            )
            .map(|a| Flag {
                yes: a.supported,
                fact: FactRef::from(
                    format!(
                        "{short}: SPICE agent {}",
                        if a.supported {
                            "available"
                        } else {
                            "not available"
                        }
                    ),
                    &a.provenance,
                ),
            }),
            hyperv: details
                .hyperv
                .iter()
                .map(|h| Stated {
                    value: h.feature.clone(),
                    fact: FactRef::from(
                        format!("{short}: uses the Hyper-V enlightenment {}", h.feature),
                        &h.provenance,
                    ),
                })
                .collect(),
            recommended: sizes(ResourceKind::Recommended),
            fallback: None,
        }
    }
}

/// Whether the guest drives the virtio PCI ID `device` (vendor 1af4):
/// a transitional ID (1000..103f) needs a legacy or modern driver, a modern
/// one (1040 + type) a modern driver, in-box or from an available package.
pub fn drivable(
    os: &OsFacts,
    drivers: super::DriversPolicy,
    device: u16,
) -> Result<String, String> {
    let (class, transitional) = if (0x1000..=0x103f).contains(&device) {
        let class = VirtioClass::ALL
            .into_iter()
            .find(|c| c.legacy_pci == Some(device))
            .ok_or_else(|| format!("1af4:{device:04x} is no virtio device guestdb knows"))?;
        (class, true)
    } else if (0x1040..=0x107f).contains(&device) {
        let class = VirtioClass::by_type(device - 0x1040)
            .ok_or_else(|| format!("1af4:{device:04x} is no virtio device guestdb knows"))?;
        (class, false)
    } else {
        return Err(format!("1af4:{device:04x} is not a virtio device ID"));
    };
    let v = os.virtio(class);
    if let Some(pkg) = &v.driver {
        if drivers == super::DriversPolicy::None {
            return Err(format!(
                "virtio {}: the driver comes from {pkg}, not available (--drivers none)",
                class.name
            ));
        }
    }
    let via = if v.driver.is_some() {
        " (virtio-win)"
    } else {
        ""
    };
    match (transitional, v.legacy, v.modern) {
        (true, true, _) => Ok(format!("transitional {}: legacy driver{via}", class.name)),
        (true, false, true) => Ok(format!("transitional {}: modern driver{via}", class.name)),
        (false, _, true) => Ok(format!("modern {}: modern driver{via}", class.name)),
        (false, true, false) => Err(format!(
            "modern-only {}: {} has only a legacy virtio {} driver",
            class.name, os.short_id, class.name
        )),
        (_, false, false) => Err(format!(
            "virtio {}: {} has no driver for it",
            class.name, os.short_id
        )),
    }
}
