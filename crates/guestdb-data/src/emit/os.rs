//! OS rows and their facts, after inheritance, each with where it was declared.

use super::words;
use crate::check::os_path_for_id;
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

/// The `INSERT` statements of the OS tables, prepared once.
struct Statements<'c> {
    os: rusqlite::Statement<'c>,
    name: rusqlite::Statement<'c>,
    relation: rusqlite::Statement<'c>,
    virtio: rusqlite::Statement<'c>,
    chipset: rusqlite::Statement<'c>,
    firmware: rusqlite::Statement<'c>,
    boot_security: rusqlite::Statement<'c>,
    device: rusqlite::Statement<'c>,
    driver: rusqlite::Statement<'c>,
    driver_device: rusqlite::Statement<'c>,
    variant: rusqlite::Statement<'c>,
    media: rusqlite::Statement<'c>,
    media_item: rusqlite::Statement<'c>,
    fact: rusqlite::Statement<'c>,
    resources: rusqlite::Statement<'c>,
}

impl<'c> Statements<'c> {
    fn new(tx: &'c Connection) -> rusqlite::Result<Statements<'c>> {
        Ok(Statements {
            os: tx.prepare(
                "INSERT INTO os (idx, id, name, vendor, family, distro, version, codename, release_date,
                 eol_date, release_status, source, path, virtio_legacy, virtio_modern, virtio_driver,
                 chipsets, arches, short_ids, aliases)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )?,
            name: tx.prepare("INSERT INTO os_name (name, os, kind, ord) VALUES (?1, ?2, ?3, ?4)")?,
            relation: tx.prepare(
                "INSERT INTO os_relation (os, ord, kind, target, target_os) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?,
            virtio: tx.prepare(
                "INSERT INTO os_virtio (os, ord, class, arch, legacy, modern, driver, source, note, from_os, path, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?,
            chipset: tx.prepare(
                "INSERT INTO os_chipset (os, ord, chipset, arch, supported, source, note, from_os, path, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?,
            firmware: tx.prepare(
                "INSERT INTO os_firmware (os, ord, arch, type, supported, preferred, source, note, from_os, path, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?,
            boot_security: tx.prepare(
                "INSERT INTO os_boot_security (os, ord, kind, arch, version, supported, required, source, note,
                 from_os, path, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?,
            device: tx.prepare(
                "INSERT INTO os_device (os, ord, device, source, note, from_os, path, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?,
            driver: tx.prepare(
                "INSERT INTO os_driver (os, idx, arch, location, pre_installable, signed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?,
            driver_device: tx.prepare(
                "INSERT INTO os_driver_device (os, ord, driver, device) VALUES (?1, ?2, ?3, ?4)",
            )?,
            variant: tx
                .prepare("INSERT INTO os_variant (os, ord, id, name) VALUES (?1, ?2, ?3, ?4)")?,
            media: tx.prepare(
                "INSERT INTO os_media (os, idx, arch, live, installer, installer_reboots, installer_script, url,
                 kernel, initrd, volume_id, system_id, publisher_id, application_id, volume_size)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?,
            media_item: tx.prepare(
                "INSERT INTO os_media_item (os, ord, media, kind, value, regex, map)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            fact: tx.prepare(
                "INSERT INTO os_fact_source (os, ord, fact, source, note, path, line)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            resources: tx.prepare(
                "INSERT INTO os_resources (os, ord, arch, kind, n_cpus, cpu, ram, storage, from_os)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?,
        })
    }
}

/// Inserts every OS, in natural id order (rhel/5.6 before rhel/5.10).
pub(super) fn emit_oses(
    tx: &Connection,
    data: &Dataset,
    index: &Index,
    resolved: &[ResolvedOs],
    device_idx: &HashMap<&str, i64>,
) -> rusqlite::Result<()> {
    // `order[k]` is the dataset index of the k-th OS in the store.
    let mut order: Vec<usize> = (0..data.oses.len()).collect();
    order.sort_by(|a, b| natural_cmp(&data.oses[*a].id.value, &data.oses[*b].id.value));
    let mut store_idx = vec![0i64; data.oses.len()];
    for (k, &i) in order.iter().enumerate() {
        store_idx[i] = k as i64;
    }
    let rel_path = |i: usize| {
        os_path_for_id(&data.oses[i].id.value)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default()
    };
    // (from_os, path) of a fact declared by `e_from`, or by `os` itself.
    let from = |os: usize, e_from: Option<usize>| -> (Option<i64>, String) {
        (e_from.map(|f| store_idx[f]), rel_path(e_from.unwrap_or(os)))
    };
    let source_of = |os: usize, e_from: Option<usize>, p: &Provenance| -> Option<String> {
        p.source
            .as_ref()
            .or(data.oses[e_from.unwrap_or(os)].source.as_ref())
            .map(|s| s.value.clone())
    };
    let mut st = Statements::new(tx)?;

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
            .filter(|c| c.fact.supported && (c.fact.arch == "all" || c.fact.arch == "x86_64"))
        {
            chipsets |= chipset_bit(c.fact.chipset);
        }
        let arches: BTreeSet<&str> = os
            .media
            .iter()
            .map(|m| m.arch.as_str())
            .chain(r.resources.iter().map(|e| e.arch.as_str()))
            .chain(r.firmware.iter().map(|e| e.fact.arch.as_str()))
            .chain(os.drivers.iter().map(|d| d.arch.as_str()))
            .filter(|a| *a != "all")
            .collect();
        let text = |v: &Option<Located<String>>| v.as_ref().map(|v| v.value.clone());
        st.os.execute(params![
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
            rel_path(i),
            legacy,
            modern,
            driver,
            chipsets,
            words(arches.into_iter()),
            names(&os.short_ids),
            names(&os.aliases),
        ])?;
        for (n, s) in os.short_ids.iter().enumerate() {
            st.name.execute(params![s.value, k, "short-id", n as i64])?;
        }
        for (n, a) in os.aliases.iter().enumerate() {
            st.name.execute(params![a.value, k, "alias", n as i64])?;
        }
        let relations = [
            ("derives-from", &os.derives_from),
            ("clones", &os.clones),
            ("upgrades", &os.upgrades),
        ];
        let all_relations = relations
            .iter()
            .flat_map(|(kind, targets)| targets.iter().map(move |t| (*kind, t)));
        for (ord, (kind, t)) in all_relations.enumerate() {
            let target = index.by_id.get(t.value.as_str()).map(|&j| store_idx[j]);
            st.relation
                .execute(params![k, ord as i64, kind, t.value, target])?;
        }
        let line = |loc: &crate::diag::Loc| loc.line as i64;
        for (
            ord,
            Effective {
                fact: v,
                inherited_from,
            },
        ) in r.virtio.iter().enumerate()
        {
            let (f, p) = from(i, *inherited_from);
            st.virtio.execute(params![
                k,
                ord as i64,
                v.class.name,
                v.arch,
                v.legacy,
                v.modern,
                v.driver,
                source_of(i, *inherited_from, &v.provenance),
                v.provenance.note,
                f,
                p,
                line(&v.loc)
            ])?;
        }
        for (
            ord,
            Effective {
                fact: c,
                inherited_from,
            },
        ) in r.chipsets.iter().enumerate()
        {
            let (f, p) = from(i, *inherited_from);
            st.chipset.execute(params![
                k,
                ord as i64,
                c.chipset.name(),
                c.arch,
                c.supported,
                source_of(i, *inherited_from, &c.provenance),
                c.provenance.note,
                f,
                p,
                line(&c.loc)
            ])?;
        }
        for (
            ord,
            Effective {
                fact: fw,
                inherited_from,
            },
        ) in r.firmware.iter().enumerate()
        {
            let (f, p) = from(i, *inherited_from);
            st.firmware.execute(params![
                k,
                ord as i64,
                fw.arch,
                fw.kind.name(),
                fw.supported,
                fw.preferred,
                source_of(i, *inherited_from, &fw.provenance),
                fw.provenance.note,
                f,
                p,
                line(&fw.loc)
            ])?;
        }
        let secure_boot = r.secure_boot.iter().map(|e| {
            let s = e.fact;
            (
                "secure-boot",
                &s.arch,
                None,
                s.supported,
                s.required,
                &s.provenance,
                &s.loc,
                e.inherited_from,
            )
        });
        let tpm = r.tpm.iter().map(|e| {
            let t = e.fact;
            (
                "tpm",
                &t.arch,
                Some(&t.version),
                t.supported,
                t.required,
                &t.provenance,
                &t.loc,
                e.inherited_from,
            )
        });
        for (ord, (kind, arch, version, supported, required, prov, loc, inherited_from)) in
            secure_boot.chain(tpm).enumerate()
        {
            let (f, p) = from(i, inherited_from);
            st.boot_security.execute(params![
                k,
                ord as i64,
                kind,
                arch,
                version,
                supported,
                required,
                source_of(i, inherited_from, prov),
                prov.note,
                f,
                p,
                line(loc)
            ])?;
        }
        let known_devices = r
            .devices
            .iter()
            .filter_map(|e| device_idx.get(e.fact.device.as_str()).map(|&dev| (dev, e)));
        for (
            ord,
            (
                dev,
                Effective {
                    fact: d,
                    inherited_from,
                },
            ),
        ) in known_devices.enumerate()
        {
            let (f, p) = from(i, *inherited_from);
            st.device.execute(params![
                k,
                ord as i64,
                dev,
                source_of(i, *inherited_from, &d.provenance),
                d.provenance.note,
                f,
                p,
                line(&d.loc)
            ])?;
        }
        for (ord, f) in os.fact_sources.iter().enumerate() {
            st.fact.execute(params![
                k,
                ord as i64,
                f.fact,
                source_of(i, None, &f.provenance),
                f.provenance.note,
                rel_path(i),
                f.loc.line as i64
            ])?;
        }
        let mut ord = 0i64;
        for (n, drv) in os.drivers.iter().enumerate() {
            st.driver.execute(params![
                k,
                n as i64,
                drv.arch,
                drv.location,
                drv.pre_installable,
                drv.signed
            ])?;
            for d in &drv.devices {
                if let Some(&dev) = device_idx.get(d.value.as_str()) {
                    st.driver_device.execute(params![k, ord, n as i64, dev])?;
                    ord += 1;
                }
            }
        }
        for (ord, v) in os.variants.iter().enumerate() {
            st.variant.execute(params![k, ord as i64, v.id, v.name])?;
        }
        let mut ord = 0i64;
        for (n, m) in os.media.iter().enumerate() {
            let iso = m.iso.as_ref();
            let pat = |f: fn(&IsoPattern) -> &Option<Located<String>>| {
                iso.and_then(|i| f(i).as_ref()).map(|p| p.value.clone())
            };
            st.media.execute(params![
                k,
                n as i64,
                m.arch,
                m.live,
                m.installer,
                m.installer_reboots,
                m.installer_script,
                m.url,
                m.kernel,
                m.initrd,
                pat(|i| &i.volume_id),
                pat(|i| &i.system_id),
                pat(|i| &i.publisher_id),
                pat(|i| &i.application_id),
                iso.and_then(|i| i.volume_size).map(|s| s as i64),
            ])?;
            for v in &m.variants {
                st.media_item.execute(params![
                    k,
                    ord,
                    n as i64,
                    "variant",
                    v.value,
                    false,
                    None::<String>
                ])?;
                ord += 1;
            }
            for l in iso.map(|i| &i.languages[..]).unwrap_or(&[]) {
                st.media_item.execute(params![
                    k, ord, n as i64, "language", l.value, l.regex, l.map
                ])?;
                ord += 1;
            }
        }
        let parent = os
            .derives_from
            .last()
            .or(os.clones.last())
            .and_then(|t| index.by_id.get(t.value.as_str()));
        let mut ord = 0i64;
        for res in &r.resources {
            let inherited_from = if res.inherited {
                parent.map(|&p| store_idx[p])
            } else {
                None
            };
            for (kind, set) in &res.sets {
                st.resources.execute(params![
                    k,
                    ord,
                    res.arch,
                    kind.name(),
                    set.n_cpus.map(|v| v as i64),
                    set.cpu.map(|v| v as i64),
                    set.ram.map(|v| v as i64),
                    set.storage.map(|v| v as i64),
                    inherited_from,
                ])?;
                ord += 1;
            }
        }
    }
    Ok(())
}
