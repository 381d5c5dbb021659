//! OS rows: identity and summary columns, and every effective fact (after
//! inheritance, each with where it was declared) as one JSON document.

use super::words;
use crate::check::os_path_for_id;
use crate::doc;
use crate::model::*;
use crate::resolve::{Effective, Index, ResolvedOs};
use rusqlite::{params, Connection};
use std::collections::{BTreeSet, HashMap};

/// Bit of a virtio class in the `os.virtio_*` masks.
pub fn virtio_bit(class: VirtioClass) -> u32 {
    let i = VirtioClass::ALL
        .iter()
        .position(|c| *c == class)
        .unwrap_or(0);
    1 << i
}

pub fn chipset_bit(chipset: Chipset) -> u32 {
    match chipset {
        Chipset::I440fx => 1,
        Chipset::Q35 => 2,
    }
}

fn names(list: &[Located<String>]) -> String {
    words(list.iter().map(|n| n.value.as_str()))
}

/// What every fact's provenance needs: the dataset, the store order and paths.
struct Ctx<'d> {
    data: &'d Dataset,
    paths: Vec<String>,
}

impl Ctx<'_> {
    fn short_id(&self, i: usize) -> &str {
        let os = &self.data.oses[i];
        os.short_ids
            .first()
            .map(|s| s.value.as_str())
            .unwrap_or(&os.id.value)
    }

    /// The stored provenance of a fact of OS `os` declared by `from`
    /// (itself when `None`): every fact kind's provenance is written here.
    fn provenance(&self, os: usize, from: Option<usize>, p: &Provenance) -> doc::Provenance {
        let declarer = from.unwrap_or(os);
        doc::Provenance {
            source: p
                .source
                .as_ref()
                .or(self.data.oses[declarer].source.as_ref())
                .map(|s| s.value.clone()),
            note: p.note.clone(),
            inherited_from: from.map(|f| self.short_id(f).to_string()),
            declared_at: format!("{}:{}", self.paths[declarer], p.loc.line),
        }
    }

    /// The provenance of an effective fact.
    fn of<T>(&self, os: usize, e: &Effective<Fact<T>>) -> doc::Provenance {
        self.provenance(os, e.inherited_from, &e.fact.provenance)
    }
}

/// Whether a chipset fact for `arch` speaks for x86 (the chipsets are x86's).
fn counts_for_x86(arch: &str) -> bool {
    arch == "all" || arch == "x86_64"
}

/// The architectures an OS names (media, resources, firmware, drivers).
pub fn arches<'a>(os: &'a OsRecord, r: &'a ResolvedOs) -> BTreeSet<&'a str> {
    os.media
        .iter()
        .map(|m| m.arch.as_str())
        .chain(r.resources.iter().map(|e| e.arch.as_str()))
        .chain(r.firmware.iter().map(|e| e.fact.arch.as_str()))
        .chain(os.drivers.iter().map(|d| d.arch.as_str()))
        .filter(|a| *a != "all")
        .collect()
}

/// Whether an OS with these [`arches`] runs on x86: it names an x86
/// architecture, or none at all (the oldest releases osinfo-db lists, all
/// PC operating systems).
pub fn is_x86(arches: &BTreeSet<&str>) -> bool {
    arches.is_empty() || arches.iter().any(|a| is_x86_arch(a))
}

fn text(v: &Option<Located<String>>) -> Option<String> {
    v.as_ref().map(|v| v.value.clone())
}

fn texts(list: &[Located<String>]) -> Vec<String> {
    list.iter().map(|v| v.value.clone()).collect()
}

/// A medium's language patterns.
pub(super) fn languages(list: &[Language]) -> Vec<doc::Language> {
    list.iter()
        .map(|l| doc::Language {
            value: l.value.clone(),
            regex: l.regex,
            map: l.map.clone(),
        })
        .collect()
}

/// The `facts` document of OS `i`.
fn facts(
    ctx: &Ctx,
    i: usize,
    r: &ResolvedOs,
    index: &Index,
    devices: &HashMap<&str, &Device>,
    arches: &BTreeSet<&str>,
) -> doc::OsFacts {
    let os = &ctx.data.oses[i];
    let relations: Vec<doc::Relation> = [
        (doc::RelationKind::DerivesFrom, &os.derives_from),
        (doc::RelationKind::Clones, &os.clones),
        (doc::RelationKind::Upgrades, &os.upgrades),
    ]
    .iter()
    .flat_map(|(kind, targets)| {
        targets.iter().map(move |t| doc::Relation {
            kind: *kind,
            target: t.value.clone(),
            short_id: index
                .by_id
                .get(t.value.as_str())
                .map(|&j| ctx.short_id(j).to_string()),
        })
    })
    .collect();
    let mut virtio: Vec<doc::VirtioFact> = r
        .virtio
        .iter()
        .map(|e| {
            let v = e.fact;
            // An exception is the fact's reason: the note when it has none.
            let mut p = v.provenance.clone();
            if p.note.is_none() {
                p.note = p.exception.clone();
            }
            doc::VirtioFact {
                class: v.class,
                arch: v.arch.clone(),
                legacy: v.legacy,
                modern: v.modern,
                unknown: v.unknown,
                derived: v.derived(),
                driver: v.driver.clone(),
                since: v.since.clone(),
                exception: v.provenance.exception.clone(),
                provenance: ctx.provenance(i, e.inherited_from, &p),
            }
        })
        .collect();
    let x86 = is_x86(arches);
    // The provenance of an answer no fact gives.
    let unknown = |what: String| {
        let p = Provenance {
            source: Some(Located::new("guestdb".into(), os.loc.clone())),
            note: Some(format!(
                "unknown: no source in the dataset says whether {} {what}; treated as not supported (emulated devices are used instead)",
                ctx.short_id(i)
            )),
            ..Provenance::noted(String::new(), os.loc.clone())
        };
        ctx.provenance(i, None, &p)
    };
    if x86 {
        for class in VirtioClass::ALL {
            // A fact for one architecture answers too (Windows: the driver
            // package's per-architecture facts).
            if !r.virtio.iter().any(|v| v.fact.class == class) {
                virtio.push(doc::VirtioFact {
                    class,
                    arch: "all".into(),
                    legacy: false,
                    modern: false,
                    unknown: true,
                    derived: false,
                    driver: None,
                    since: None,
                    exception: None,
                    provenance: unknown(format!("drives virtio {}", class.name)),
                });
            }
        }
    }
    let mut chipsets: Vec<doc::ChipsetFact> = r
        .chipsets
        .iter()
        .map(|e| doc::ChipsetFact {
            chipset: e.fact.chipset,
            arch: e.fact.arch.clone(),
            supported: e.fact.supported,
            preferred: e.fact.preferred,
            unknown: false,
            derived: e.fact.derived(),
            exception: e.fact.provenance.exception.clone(),
            provenance: ctx.of(i, e),
        })
        .collect();
    if x86 {
        for chipset in Chipset::ALL {
            let stated = r
                .chipsets
                .iter()
                .any(|c| c.fact.chipset == chipset && counts_for_x86(&c.fact.arch));
            if !stated {
                chipsets.push(doc::ChipsetFact {
                    chipset,
                    arch: "all".into(),
                    supported: false,
                    preferred: false,
                    unknown: true,
                    derived: false,
                    exception: None,
                    provenance: unknown(format!("boots on the {} chipset", chipset.name())),
                });
            }
        }
    }
    let kernel = |k: &KernelFact| doc::KernelFact {
        version: k.version,
        package: k.package.clone(),
        provenance: ctx.provenance(i, None, &k.provenance),
    };
    let firmware = r
        .firmware
        .iter()
        .map(|e| doc::FirmwareFact {
            arch: e.fact.arch.clone(),
            kind: e.fact.kind,
            supported: e.fact.supported,
            preferred: e.fact.preferred,
            provenance: ctx.of(i, e),
        })
        .collect();
    let secure_boot = r.secure_boot.iter().map(|e| doc::BootSecurityFact {
        kind: doc::BootSecurity::SecureBoot,
        arch: e.fact.arch.clone(),
        version: None,
        supported: e.fact.supported,
        required: e.fact.required,
        provenance: ctx.of(i, e),
    });
    let tpm = r.tpm.iter().map(|e| doc::BootSecurityFact {
        kind: doc::BootSecurity::Tpm,
        arch: e.fact.arch.clone(),
        version: Some(e.fact.version.clone()),
        supported: e.fact.supported,
        required: e.fact.required,
        provenance: ctx.of(i, e),
    });
    let linked = r
        .devices
        .iter()
        .filter_map(|e| {
            let dev = devices.get(e.fact.device.as_str())?;
            Some(doc::DeviceFact {
                name: dev.name.value.clone(),
                class: dev.class.clone(),
                pci: dev.pci.as_ref().map(|p| p.value.to_string()),
                provenance: ctx.of(i, e),
            })
        })
        .collect();
    let drivers = os
        .drivers
        .iter()
        .map(|d| doc::Driver {
            arch: d.arch.clone(),
            location: d.location.clone(),
            pre_installable: d.pre_installable,
            signed: d.signed,
            devices: d
                .devices
                .iter()
                .filter(|x| devices.contains_key(x.value.as_str()))
                .map(|x| x.value.clone())
                .collect(),
        })
        .collect();
    let variants = os
        .variants
        .iter()
        .map(|v| doc::Variant {
            id: v.id.clone(),
            name: v.name.clone(),
        })
        .collect();
    let media = os
        .media
        .iter()
        .map(|m| {
            let iso = m.iso.as_ref();
            let pat = |f: fn(&IsoPattern) -> &Option<Located<String>>| iso.and_then(|i| text(f(i)));
            doc::Medium {
                arch: m.arch.clone(),
                variants: texts(&m.variants),
                live: m.live,
                installer: m.installer,
                installer_reboots: m.installer_reboots,
                installer_script: m.installer_script,
                url: m.url.clone(),
                volume_id: pat(|i| &i.volume_id),
                system_id: pat(|i| &i.system_id),
                publisher_id: pat(|i| &i.publisher_id),
                application_id: pat(|i| &i.application_id),
                volume_size: iso.and_then(|i| i.volume_size),
                languages: languages(iso.map(|i| &i.languages[..]).unwrap_or(&[])),
                kernel: m.kernel.clone(),
                initrd: m.initrd.clone(),
            }
        })
        .collect();
    let trees = os
        .trees
        .iter()
        .map(|t| {
            let info = t.treeinfo.as_ref();
            let pat =
                |f: fn(&TreeinfoPattern) -> &Option<Located<String>>| info.and_then(|i| text(f(i)));
            doc::Tree {
                arch: t.arch.clone(),
                variants: texts(&t.variants),
                url: t.url.clone(),
                kernel: t.kernel.clone(),
                initrd: t.initrd.clone(),
                boot_iso: t.boot_iso.clone(),
                treeinfo_family: pat(|i| &i.family),
                treeinfo_version: pat(|i| &i.version),
                treeinfo_arch: pat(|i| &i.arch),
                treeinfo_variant: pat(|i| &i.variant),
            }
        })
        .collect();
    let parent = os
        .derives_from
        .last()
        .or(os.clones.last())
        .and_then(|t| index.by_id.get(t.value.as_str()))
        .map(|&p| ctx.short_id(p).to_string());
    let mut resources = Vec::new();
    for res in &r.resources {
        for (kind, set) in &res.sets {
            resources.push(doc::Resources {
                arch: res.arch.clone(),
                kind: *kind,
                amounts: doc::Amounts {
                    n_cpus: set.n_cpus,
                    cpu: set.cpu,
                    ram: set.ram,
                    storage: set.storage,
                },
                inherited_from: if res.inherited { parent.clone() } else { None },
            });
        }
    }
    let clock = r
        .clock
        .iter()
        .map(|e| doc::ClockFact {
            arch: e.fact.arch.clone(),
            offset: e.fact.offset,
            provenance: ctx.of(i, e),
        })
        .collect();
    let roles = r
        .roles
        .iter()
        .map(|e| doc::RoleFact {
            role: e.fact.role,
            supported: e.fact.supported,
            provenance: ctx.of(i, e),
        })
        .collect();
    let cpu_levels = r
        .cpu_levels
        .iter()
        .map(|e| doc::CpuLevelFact {
            arch: e.fact.arch.clone(),
            min: CPU_LEVELS[usize::from(e.fact.min.clamp(1, 4)) - 1].to_string(),
            provenance: ctx.of(i, e),
        })
        .collect();
    let agents = r
        .agents
        .iter()
        .map(|e| doc::AgentFact {
            name: e.fact.name.clone(),
            arch: e.fact.arch.clone(),
            supported: e.fact.supported,
            driver: e.fact.driver.clone(),
            provenance: ctx.of(i, e),
        })
        .collect();
    let mut lifecycle: Vec<doc::PhaseFact> = os
        .lifecycle
        .iter()
        .map(|p| doc::PhaseFact {
            phase: p.phase,
            end: p.end,
            label: p.label.clone(),
            expected: p.expected,
            provenance: ctx.provenance(i, None, &p.provenance),
        })
        .collect();
    lifecycle.sort_by_key(|p| p.phase);
    let fact_sources = os
        .fact_sources
        .iter()
        .map(|f| doc::FactSource {
            fact: f.fact.clone(),
            provenance: ctx.provenance(i, None, &f.provenance),
        })
        .collect();
    doc::OsFacts {
        source: None,
        path: String::new(),
        relations,
        lifecycle,
        kernel: os.kernel.as_ref().map(kernel),
        arch_kernels: os
            .arch_kernels
            .iter()
            .map(|k| doc::ArchKernelFact {
                arch: k.arch.clone(),
                kernel: kernel(k),
            })
            .collect(),
        virtio,
        chipsets,
        firmware,
        boot_security: secure_boot.chain(tpm).collect(),
        devices: linked,
        clock,
        roles,
        cpu_levels,
        agents,
        hyperv: hyperv_uses(ctx, i, index),
        drivers,
        variants,
        media,
        trees,
        resources,
        fact_sources,
    }
}

/// The Hyper-V enlightenments OS `i` uses: those whose first Windows
/// releases (`data/hyperv.xml`) include it or an OS it derives from.
fn hyperv_uses(ctx: &Ctx, i: usize, index: &Index) -> Vec<doc::HypervUse> {
    let data = ctx.data;
    if data.hyperv.is_empty() {
        return Vec::new();
    }
    let lineage = index.lineage(data, i);
    let mut out = Vec::new();
    for f in &data.hyperv {
        let first = f.windows.iter().find_map(|w| {
            let j = *index.by_id.get(w.value.as_str())?;
            lineage.contains(&j).then_some(j)
        });
        if let Some(j) = first {
            out.push(doc::HypervUse {
                feature: f.name.value.clone(),
                provenance: doc::Provenance {
                    source: f.provenance.source.as_ref().map(|s| s.value.clone()),
                    note: Some(format!(
                        "{} uses it from {} on{}",
                        ctx.short_id(i),
                        ctx.short_id(j),
                        f.provenance
                            .note
                            .as_ref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    )),
                    inherited_from: None,
                    declared_at: format!("{}:{}", crate::read::HYPERV_FILE, f.loc.line),
                },
            });
        }
    }
    out
}

/// Inserts every OS, in natural id order (rhel/5.6 before rhel/5.10), and
/// returns each dataset OS's store index.
pub(super) fn emit_oses(
    tx: &Connection,
    data: &Dataset,
    index: &Index,
    resolved: &[ResolvedOs],
) -> rusqlite::Result<Vec<u32>> {
    // `order[k]` is the dataset index of the k-th OS in the store.
    let mut order: Vec<usize> = (0..data.oses.len()).collect();
    order.sort_by(|a, b| natural_cmp(&data.oses[*a].id.value, &data.oses[*b].id.value));
    let mut store_idx = vec![0u32; data.oses.len()];
    for (k, &i) in order.iter().enumerate() {
        store_idx[i] = k as u32;
    }
    let ctx = Ctx {
        data,
        paths: data
            .oses
            .iter()
            .map(|os| {
                os_path_for_id(&os.id.value)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default()
            })
            .collect(),
    };
    let devices: HashMap<&str, &Device> = data
        .devices
        .iter()
        .map(|d| (d.name.value.as_str(), d))
        .collect();
    let mut os_stmt = tx.prepare(
        "INSERT INTO os (idx, id, name, vendor, family, distro, version, codename, release_date,
         eol_date, release_status, source, path, virtio_legacy, virtio_modern, virtio_driver,
         chipsets, arches, short_ids, aliases, standard_end, security_end, extended_end)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,
                 ?21, ?22, ?23)",
    )?;
    let mut facts_stmt = tx.prepare("INSERT INTO os_facts (os, facts) VALUES (?1, ?2)")?;
    let mut name_stmt =
        tx.prepare("INSERT INTO os_name (name, os, kind, ord) VALUES (?1, ?2, ?3, ?4)")?;
    let mut rel_stmt = tx.prepare(
        "INSERT INTO os_relation (os, ord, kind, target, target_os) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for &i in &order {
        let os = &data.oses[i];
        let r = &resolved[i];
        let k = store_idx[i];
        let (mut legacy, mut modern, mut driver, mut chipsets) = (0u32, 0u32, 0u32, 0u32);
        for v in r.virtio.iter().filter(|v| v.fact.arch == "all") {
            let bit = virtio_bit(v.fact.class);
            if v.fact.legacy {
                legacy |= bit;
            }
            if v.fact.modern {
                modern |= bit;
            }
            if v.fact.driver.is_some() && (v.fact.legacy || v.fact.modern) {
                driver |= bit;
            }
        }
        for c in r
            .chipsets
            .iter()
            .filter(|c| c.fact.supported && counts_for_x86(&c.fact.arch))
        {
            chipsets |= chipset_bit(c.fact.chipset);
        }
        let arches = arches(os, r);
        let text = |v: &Option<Located<String>>| v.as_ref().map(|v| v.value.clone());
        let end = |phase: Phase| {
            os.lifecycle
                .iter()
                .find(|p| p.phase == phase)
                .map(|p| p.end.to_string())
        };
        os_stmt.execute(params![
            k,
            os.id.value,
            os.name.value,
            text(&os.vendor),
            text(&os.family),
            text(&os.distro),
            text(&os.version),
            text(&os.codename),
            os.release_date.as_ref().map(|d| d.value.to_string()),
            os.eol_date.as_ref().map(|d| d.value.to_string()),
            os.release_status.name(),
            text(&os.source),
            ctx.paths[i],
            legacy,
            modern,
            driver,
            chipsets,
            words(arches.iter().copied()),
            names(&os.short_ids),
            names(&os.aliases),
            end(Phase::Standard),
            end(Phase::Security),
            end(Phase::Extended),
        ])?;
        facts_stmt.execute(params![
            k,
            serde_json::to_string(&facts(&ctx, i, r, index, &devices, &arches))
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?
        ])?;
        for (n, s) in os.short_ids.iter().enumerate() {
            name_stmt.execute(params![s.value, k, "short-id", n as i64])?;
        }
        for (n, a) in os.aliases.iter().enumerate() {
            name_stmt.execute(params![a.value, k, "alias", n as i64])?;
        }
        let relations = [
            ("derives-from", &os.derives_from),
            ("clones", &os.clones),
            ("upgrades", &os.upgrades),
        ];
        let all = relations
            .iter()
            .flat_map(|(kind, targets)| targets.iter().map(move |t| (*kind, t)));
        for (ord, (kind, t)) in all.enumerate() {
            let target = index.by_id.get(t.value.as_str()).map(|&j| store_idx[j]);
            rel_stmt.execute(params![k, ord as i64, kind, t.value, target])?;
        }
    }
    Ok(store_idx)
}
