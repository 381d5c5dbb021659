//! OS rows: identity and summary columns, and every effective fact (after
//! inheritance, each with where it was declared) as one JSON document.

use super::{languages_json, opt, texts, words};
use crate::check::os_path_for_id;
use crate::model::*;
use crate::resolve::{Effective, Index, ResolvedOs};
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};
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

    /// `{source?, note?, inherited_from?, declared_at}` of a fact of OS `os`
    /// declared by `from` (itself when `None`) at `line`.
    fn provenance(&self, os: usize, from: Option<usize>, p: &Provenance, line: u32) -> Value {
        let declarer = from.unwrap_or(os);
        let mut o = Map::new();
        opt(
            &mut o,
            "source",
            p.source
                .as_ref()
                .or(self.data.oses[declarer].source.as_ref())
                .map(|s| s.value.clone()),
        );
        opt(&mut o, "note", p.note.clone());
        opt(
            &mut o,
            "inherited_from",
            from.map(|f| self.short_id(f).to_string()),
        );
        o.insert(
            "declared_at".into(),
            Value::String(format!("{}:{line}", self.paths[declarer])),
        );
        Value::Object(o)
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

/// The `facts` document of OS `i`.
fn facts(
    ctx: &Ctx,
    i: usize,
    r: &ResolvedOs,
    index: &Index,
    devices: &HashMap<&str, &Device>,
    arches: &BTreeSet<&str>,
) -> Value {
    let os = &ctx.data.oses[i];
    let relations: Vec<Value> = [
        ("derives-from", &os.derives_from),
        ("clones", &os.clones),
        ("upgrades", &os.upgrades),
    ]
    .iter()
    .flat_map(|(kind, targets)| {
        targets.iter().map(move |t| {
            let short = index
                .by_id
                .get(t.value.as_str())
                .map(|&j| ctx.short_id(j).to_string());
            json!({"kind": kind, "target": t.value, "short_id": short})
        })
    })
    .collect();
    let mut virtio: Vec<Value> = r
        .virtio
        .iter()
        .map(
            |Effective {
                 fact: v,
                 inherited_from,
             }| {
                let mut o = Map::new();
                o.insert("class".into(), v.class.name.into());
                o.insert("arch".into(), v.arch.clone().into());
                o.insert("legacy".into(), v.legacy.into());
                o.insert("modern".into(), v.modern.into());
                if v.unknown {
                    o.insert("unknown".into(), true.into());
                }
                if v.derived {
                    o.insert("derived".into(), true.into());
                }
                opt(&mut o, "driver", v.driver.clone());
                opt(&mut o, "since", v.since.clone());
                opt(&mut o, "exception", v.exception.clone());
                // An exception is the fact's reason: the note when it has none.
                let mut p = v.provenance.clone();
                if p.note.is_none() {
                    p.note = v.exception.clone();
                }
                o.insert(
                    "provenance".into(),
                    ctx.provenance(i, *inherited_from, &p, v.loc.line),
                );
                Value::Object(o)
            },
        )
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
        };
        ctx.provenance(i, None, &p, os.loc.line)
    };
    if x86 {
        for class in VirtioClass::ALL {
            // A fact for one architecture answers too (Windows: the driver
            // package's per-architecture facts).
            if !r.virtio.iter().any(|v| v.fact.class == class) {
                virtio.push(json!({
                    "class": class.name,
                    "arch": "all",
                    "legacy": false,
                    "modern": false,
                    "unknown": true,
                    "provenance": unknown(format!("drives virtio {}", class.name)),
                }));
            }
        }
    }
    let mut chipsets: Vec<Value> = r
        .chipsets
        .iter()
        .map(
            |Effective {
                 fact: c,
                 inherited_from,
             }| {
                let mut o = json!({
                    "chipset": c.chipset.name(),
                    "arch": c.arch,
                    "supported": c.supported,
                    "provenance": ctx.provenance(i, *inherited_from, &c.provenance, c.loc.line),
                });
                if c.derived {
                    o["derived"] = true.into();
                }
                if let Some(e) = &c.exception {
                    o["exception"] = e.clone().into();
                }
                o
            },
        )
        .collect();
    if x86 {
        for chipset in Chipset::ALL {
            let stated = r
                .chipsets
                .iter()
                .any(|c| c.fact.chipset == chipset && counts_for_x86(&c.fact.arch));
            if !stated {
                chipsets.push(json!({
                    "chipset": chipset.name(),
                    "arch": "all",
                    "supported": false,
                    "unknown": true,
                    "provenance": unknown(format!("boots on the {} chipset", chipset.name())),
                }));
            }
        }
    }
    let kernel_json = |k: &KernelFact| {
        let mut o = json!({
            "version": k.version.to_string(),
            "provenance": ctx.provenance(i, None, &k.provenance, k.loc.line),
        });
        if let Some(p) = &k.package {
            o["package"] = p.clone().into();
        }
        o
    };
    let kernel = os.kernel.as_ref().map(kernel_json);
    let arch_kernels: Vec<Value> = os
        .arch_kernels
        .iter()
        .map(|k| {
            let mut o = kernel_json(k);
            o["arch"] = k.arch.clone().into();
            o
        })
        .collect();
    let firmware: Vec<Value> = r
        .firmware
        .iter()
        .map(
            |Effective {
                 fact: f,
                 inherited_from,
             }| {
                json!({
                    "arch": f.arch,
                    "type": f.kind.name(),
                    "supported": f.supported,
                    "preferred": f.preferred,
                    "provenance": ctx.provenance(i, *inherited_from, &f.provenance, f.loc.line),
                })
            },
        )
        .collect();
    let secure_boot = r.secure_boot.iter().map(|e| {
        json!({
            "kind": "secure-boot",
            "arch": e.fact.arch,
            "supported": e.fact.supported,
            "required": e.fact.required,
            "provenance": ctx.provenance(i, e.inherited_from, &e.fact.provenance, e.fact.loc.line),
        })
    });
    let tpm = r.tpm.iter().map(|e| {
        json!({
            "kind": "tpm",
            "arch": e.fact.arch,
            "version": e.fact.version,
            "supported": e.fact.supported,
            "required": e.fact.required,
            "provenance": ctx.provenance(i, e.inherited_from, &e.fact.provenance, e.fact.loc.line),
        })
    });
    let boot_security: Vec<Value> = secure_boot.chain(tpm).collect();
    let linked: Vec<Value> = r
        .devices
        .iter()
        .filter_map(
            |Effective {
                 fact: d,
                 inherited_from,
             }| {
                let dev = devices.get(d.device.as_str())?;
                let mut o = Map::new();
                o.insert("name".into(), dev.name.value.clone().into());
                o.insert("class".into(), dev.class.clone().into());
                opt(&mut o, "pci", dev.pci.as_ref().map(|p| p.value.to_string()));
                o.insert(
                    "provenance".into(),
                    ctx.provenance(i, *inherited_from, &d.provenance, d.loc.line),
                );
                Some(Value::Object(o))
            },
        )
        .collect();
    let drivers: Vec<Value> = os
        .drivers
        .iter()
        .map(|d| {
            let devs: Vec<&str> = d
                .devices
                .iter()
                .filter(|x| devices.contains_key(x.value.as_str()))
                .map(|x| x.value.as_str())
                .collect();
            json!({
                "arch": d.arch,
                "location": d.location,
                "pre_installable": d.pre_installable,
                "signed": d.signed,
                "devices": devs,
            })
        })
        .collect();
    let variants: Vec<Value> = os
        .variants
        .iter()
        .map(|v| json!({"id": v.id, "name": v.name}))
        .collect();
    let media: Vec<Value> = os
        .media
        .iter()
        .map(|m| {
            let mut o = Map::new();
            o.insert("arch".into(), m.arch.clone().into());
            o.insert("variants".into(), texts(&m.variants));
            o.insert("live".into(), m.live.into());
            o.insert("installer".into(), m.installer.into());
            opt(&mut o, "installer_reboots", m.installer_reboots);
            o.insert("installer_script".into(), m.installer_script.into());
            opt(&mut o, "url", m.url.clone());
            opt(&mut o, "kernel", m.kernel.clone());
            opt(&mut o, "initrd", m.initrd.clone());
            let iso = m.iso.as_ref();
            let pat = |f: fn(&IsoPattern) -> &Option<Located<String>>| {
                iso.and_then(|i| f(i).as_ref()).map(|p| p.value.clone())
            };
            opt(&mut o, "volume_id", pat(|i| &i.volume_id));
            opt(&mut o, "system_id", pat(|i| &i.system_id));
            opt(&mut o, "publisher_id", pat(|i| &i.publisher_id));
            opt(&mut o, "application_id", pat(|i| &i.application_id));
            opt(&mut o, "volume_size", iso.and_then(|i| i.volume_size));
            o.insert(
                "languages".into(),
                languages_json(iso.map(|i| &i.languages[..]).unwrap_or(&[])),
            );
            Value::Object(o)
        })
        .collect();
    let trees: Vec<Value> = os
        .trees
        .iter()
        .map(|t| {
            let mut o = Map::new();
            o.insert("arch".into(), t.arch.clone().into());
            o.insert("variants".into(), texts(&t.variants));
            opt(&mut o, "url", t.url.clone());
            opt(&mut o, "kernel", t.kernel.clone());
            opt(&mut o, "initrd", t.initrd.clone());
            opt(&mut o, "boot_iso", t.boot_iso.clone());
            let info = t.treeinfo.as_ref();
            let pat = |f: fn(&TreeinfoPattern) -> &Option<Located<String>>| {
                info.and_then(|i| f(i).as_ref()).map(|p| p.value.clone())
            };
            opt(&mut o, "treeinfo_family", pat(|i| &i.family));
            opt(&mut o, "treeinfo_version", pat(|i| &i.version));
            opt(&mut o, "treeinfo_arch", pat(|i| &i.arch));
            opt(&mut o, "treeinfo_variant", pat(|i| &i.variant));
            Value::Object(o)
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
            let mut o = Map::new();
            o.insert("arch".into(), res.arch.clone().into());
            o.insert("kind".into(), kind.name().into());
            opt(&mut o, "n_cpus", set.n_cpus);
            opt(&mut o, "cpu", set.cpu);
            opt(&mut o, "ram", set.ram);
            opt(&mut o, "storage", set.storage);
            if res.inherited {
                opt(&mut o, "inherited_from", parent.clone());
            }
            resources.push(Value::Object(o));
        }
    }
    let fact_sources: Vec<Value> = os
        .fact_sources
        .iter()
        .map(|f| {
            json!({
                "fact": f.fact,
                "provenance": ctx.provenance(i, None, &f.provenance, f.loc.line),
            })
        })
        .collect();
    json!({
        "relations": relations,
        "kernel": kernel,
        "arch_kernels": arch_kernels,
        "virtio": virtio,
        "chipsets": chipsets,
        "firmware": firmware,
        "boot_security": boot_security,
        "devices": linked,
        "drivers": drivers,
        "variants": variants,
        "media": media,
        "trees": trees,
        "resources": resources,
        "fact_sources": fact_sources,
    })
}

/// Inserts every OS, in natural id order (rhel/5.6 before rhel/5.10), and
/// returns each dataset OS's store index.
pub(super) fn emit_oses(
    tx: &Connection,
    data: &Dataset,
    index: &Index,
    resolved: &[ResolvedOs],
) -> rusqlite::Result<Vec<i64>> {
    // `order[k]` is the dataset index of the k-th OS in the store.
    let mut order: Vec<usize> = (0..data.oses.len()).collect();
    order.sort_by(|a, b| natural_cmp(&data.oses[*a].id.value, &data.oses[*b].id.value));
    let mut store_idx = vec![0i64; data.oses.len()];
    for (k, &i) in order.iter().enumerate() {
        store_idx[i] = k as i64;
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
         chipsets, arches, short_ids, aliases)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
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
        ])?;
        facts_stmt.execute(params![
            k,
            facts(&ctx, i, r, index, &devices, &arches).to_string()
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
