//! The emitter: a checked, resolved dataset into the SQLite store
//! (`schema/store.sql`).

use crate::check::os_path_for_id;
use crate::model::*;
use crate::resolve::{Effective, Index, ResolvedOs};
use rusqlite::{params, Connection};
use std::collections::{BTreeSet, HashMap};

/// The DDL of the store.
pub const STORE_SQL: &str = include_str!("../../../schema/store.sql");

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

/// Names joined by spaces (the reader refuses names with white space).
fn words(names: &[Located<String>]) -> String {
    names
        .iter()
        .map(|n| n.value.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the dataset into an empty database.
pub fn emit(
    conn: &Connection,
    data: &Dataset,
    index: &Index,
    resolved: &[ResolvedOs],
) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
    conn.execute_batch(STORE_SQL)?;
    let tx = conn.unchecked_transaction()?;
    // Rows refer to OSes inserted later; references are checked at commit.
    tx.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
    {
        let mut meta = tx.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
        meta.execute(params!["schema_version", SCHEMA_VERSION.to_string()])?;
        meta.execute(params!["dataset_version", data.info.version.value])?;
        meta.execute(params!["os_count", data.oses.len().to_string()])?;
        meta.execute(params![
            "generator",
            concat!("guestdb-data ", env!("CARGO_PKG_VERSION"))
        ])?;
        let mut src = tx.prepare(
            "INSERT INTO source (id, name, url, license, snapshot) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for s in &data.info.sources {
            src.execute(params![
                s.id.value,
                s.name,
                s.url,
                s.license,
                s.snapshot.map(|d| d.to_string())
            ])?;
        }
    }
    let device_idx = emit_devices(&tx, data)?;

    // OSes in natural id order (rhel/5.6 before rhel/5.10); `order[k]` is
    // the dataset index of the k-th.
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
    let from = |os: usize, e_from: Option<usize>| -> (Option<i64>, String) {
        (e_from.map(|f| store_idx[f]), rel_path(e_from.unwrap_or(os)))
    };
    let source_of = |os: usize, e_from: Option<usize>, p: &Provenance| -> Option<String> {
        p.source
            .as_ref()
            .or(data.oses[e_from.unwrap_or(os)].source.as_ref())
            .map(|s| s.value.clone())
    };

    let mut os_stmt = tx.prepare(
        "INSERT INTO os (idx, id, name, vendor, family, distro, version, codename, release_date, eol_date,
         release_status, source, path, virtio_legacy, virtio_modern, virtio_driver, chipsets, arches,
         short_ids, aliases)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
    )?;
    let mut name_stmt =
        tx.prepare("INSERT INTO os_name (name, os, kind, ord) VALUES (?1, ?2, ?3, ?4)")?;
    let mut rel_stmt = tx
        .prepare("INSERT INTO os_relation (os, kind, target, target_os) VALUES (?1, ?2, ?3, ?4)")?;
    let mut virtio_stmt = tx.prepare(
        "INSERT INTO os_virtio (os, class, arch, legacy, modern, driver, source, note, from_os, path, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut chipset_stmt = tx.prepare(
        "INSERT INTO os_chipset (os, chipset, arch, supported, source, note, from_os, path, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut fw_stmt = tx.prepare(
        "INSERT INTO os_firmware (os, arch, type, supported, source, note, from_os, path, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut dev_stmt = tx.prepare(
        "INSERT INTO os_device (os, device, source, note, from_os, path, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut drv_stmt = tx.prepare(
        "INSERT INTO os_driver (os, idx, arch, location, pre_installable, signed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut drv_dev_stmt =
        tx.prepare("INSERT INTO os_driver_device (os, driver, device) VALUES (?1, ?2, ?3)")?;
    let mut var_stmt = tx.prepare("INSERT INTO os_variant (os, id, name) VALUES (?1, ?2, ?3)")?;
    let mut media_stmt = tx.prepare(
        "INSERT INTO os_media (os, idx, arch, live, installer, installer_reboots, installer_script, url, kernel,
         initrd, volume_id, system_id, publisher_id, application_id, volume_size)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?;
    let mut mvar_stmt =
        tx.prepare("INSERT INTO os_media_variant (os, media, variant) VALUES (?1, ?2, ?3)")?;
    let mut lang_stmt = tx.prepare(
        "INSERT INTO os_media_language (os, media, value, regex, map) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    let mut fact_stmt = tx.prepare(
        "INSERT INTO os_fact_source (os, fact, source, note, path, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut res_stmt = tx.prepare(
        "INSERT INTO os_resources (os, arch, kind, n_cpus, cpu, ram, storage, from_os) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
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
            rel_path(i),
            legacy,
            modern,
            driver,
            chipsets,
            arches.into_iter().collect::<Vec<_>>().join(" "),
            words(&os.short_ids),
            words(&os.aliases),
        ])?;
        for (n, s) in os.short_ids.iter().enumerate() {
            name_stmt.execute(params![s.value, k, "short-id", n as i64])?;
        }
        for (n, a) in os.aliases.iter().enumerate() {
            name_stmt.execute(params![a.value, k, "alias", n as i64])?;
        }
        for (kind, targets) in [
            ("derives-from", &os.derives_from),
            ("clones", &os.clones),
            ("upgrades", &os.upgrades),
        ] {
            for t in targets {
                let target = index.by_id.get(t.value.as_str()).map(|&j| store_idx[j]);
                rel_stmt.execute(params![k, kind, t.value, target])?;
            }
        }
        let line = |e_loc: &crate::diag::Loc| e_loc.line as i64;
        for Effective {
            fact: v,
            inherited_from,
        } in &r.virtio
        {
            let (f, p) = from(i, *inherited_from);
            virtio_stmt.execute(params![
                k,
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
        for Effective {
            fact: c,
            inherited_from,
        } in &r.chipsets
        {
            let (f, p) = from(i, *inherited_from);
            chipset_stmt.execute(params![
                k,
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
        for Effective {
            fact: fw,
            inherited_from,
        } in &r.firmware
        {
            let (f, p) = from(i, *inherited_from);
            fw_stmt.execute(params![
                k,
                fw.arch,
                fw.kind.name(),
                fw.supported,
                source_of(i, *inherited_from, &fw.provenance),
                fw.provenance.note,
                f,
                p,
                line(&fw.loc)
            ])?;
        }
        for Effective {
            fact: d,
            inherited_from,
        } in &r.devices
        {
            let Some(&dev) = device_idx.get(d.device.as_str()) else {
                continue;
            };
            let (f, p) = from(i, *inherited_from);
            dev_stmt.execute(params![
                k,
                dev,
                source_of(i, *inherited_from, &d.provenance),
                d.provenance.note,
                f,
                p,
                line(&d.loc)
            ])?;
        }
        for f in &os.fact_sources {
            fact_stmt.execute(params![
                k,
                f.fact,
                source_of(i, None, &f.provenance),
                f.provenance.note,
                rel_path(i),
                f.loc.line as i64
            ])?;
        }
        for (n, drv) in os.drivers.iter().enumerate() {
            drv_stmt.execute(params![
                k,
                n as i64,
                drv.arch,
                drv.location,
                drv.pre_installable,
                drv.signed
            ])?;
            for d in &drv.devices {
                if let Some(&dev) = device_idx.get(d.value.as_str()) {
                    drv_dev_stmt.execute(params![k, n as i64, dev])?;
                }
            }
        }
        for v in &os.variants {
            var_stmt.execute(params![k, v.id, v.name])?;
        }
        for (n, m) in os.media.iter().enumerate() {
            let iso = m.iso.as_ref();
            let pat = |f: fn(&IsoPattern) -> &Option<Located<String>>| {
                iso.and_then(|i| f(i).as_ref()).map(|p| p.value.clone())
            };
            media_stmt.execute(params![
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
                mvar_stmt.execute(params![k, n as i64, v.value])?;
            }
            for l in iso.map(|i| &i.languages[..]).unwrap_or(&[]) {
                lang_stmt.execute(params![k, n as i64, l.value, l.regex, l.map])?;
            }
        }
        let parent = os
            .derives_from
            .last()
            .or(os.clones.last())
            .and_then(|t| index.by_id.get(t.value.as_str()));
        for res in &r.resources {
            let inherited_from = if res.inherited {
                parent.map(|&p| store_idx[p])
            } else {
                None
            };
            for (kind, set) in &res.sets {
                res_stmt.execute(params![
                    k,
                    res.arch,
                    kind.name(),
                    set.n_cpus.map(|v| v as i64),
                    set.cpu.map(|v| v as i64),
                    set.ram.map(|v| v as i64),
                    set.storage.map(|v| v as i64),
                    inherited_from,
                ])?;
            }
        }
    }
    drop((
        os_stmt,
        name_stmt,
        rel_stmt,
        virtio_stmt,
        chipset_stmt,
        fw_stmt,
        dev_stmt,
        drv_stmt,
        drv_dev_stmt,
        var_stmt,
        media_stmt,
        mvar_stmt,
        lang_stmt,
        res_stmt,
        fact_stmt,
    ));
    tx.commit()?;
    // No ANALYZE: loading sqlite_stat1 at open costs more than any plan it
    // would improve (every query is a lookup by primary key or index).
    conn.execute_batch("VACUUM;")?;
    Ok(())
}

fn emit_devices<'d>(tx: &Connection, data: &'d Dataset) -> rusqlite::Result<HashMap<&'d str, i64>> {
    let mut idx = HashMap::new();
    let mut stmt = tx.prepare(
        "INSERT INTO device (idx, name, osinfo_id, class, bus, pci, usb, virtio_type, generation, vendor, product, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut real = tx.prepare(
        "INSERT INTO device_realisation (device, kind, name, slot) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (n, d) in data.devices.iter().enumerate() {
        let n = n as i64;
        idx.insert(d.name.value.as_str(), n);
        stmt.execute(params![
            n,
            d.name.value,
            d.osinfo_id.as_ref().map(|o| o.value.clone()),
            d.class,
            d.bus,
            d.pci.as_ref().map(|p| p.value.to_string()),
            d.usb.as_ref().map(|p| p.value.to_string()),
            d.virtio_type,
            d.generation.map(|g| g.name()),
            d.vendor,
            d.product,
            d.note,
        ])?;
        for (kind, list) in [("qemu", &d.qemu_devices), ("libvirt", &d.libvirt_models)] {
            for r in list {
                real.execute(params![n, kind, r.name, r.slot.name()])?;
            }
        }
    }
    Ok(idx)
}
