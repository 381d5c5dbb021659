//! The catalogues beside the OSes: devices, machine types, host profiles.

use super::words;
use crate::model::*;
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// Inserts the device catalogue; returns each device's row index by name.
pub(super) fn emit_devices<'d>(
    tx: &Connection,
    data: &'d Dataset,
) -> rusqlite::Result<HashMap<&'d str, i64>> {
    let mut idx = HashMap::new();
    let mut stmt = tx.prepare(
        "INSERT INTO device (idx, name, osinfo_id, class, bus, pci, usb, virtio_type, generation, vendor, product, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let mut real = tx.prepare(
        "INSERT INTO device_realisation (device, ord, kind, name, slot) VALUES (?1, ?2, ?3, ?4, ?5)",
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
        let all = d
            .qemu_devices
            .iter()
            .map(|r| ("qemu", r))
            .chain(d.libvirt_models.iter().map(|r| ("libvirt", r)));
        for (ord, (kind, r)) in all.enumerate() {
            real.execute(params![n, ord as i64, kind, r.name, r.slot.name()])?;
        }
    }
    Ok(idx)
}

/// The source a record names, or the one its file names.
fn source(p: &Provenance, file: Option<&Provenance>) -> Option<String> {
    p.source
        .as_ref()
        .or(file.and_then(|f| f.source.as_ref()))
        .map(|s| s.value.clone())
}

/// One row of `upstream_machine_fact`; which columns a kind uses is in store.sql.
#[derive(Default)]
struct UpstreamRow<'a> {
    kind: &'a str,
    name: Option<&'a str>,
    family: Option<&'a str>,
    arches: Option<String>,
    prefix: Option<&'a str>,
    alias: Option<&'a str>,
    version: Option<Version>,
    since: Option<Version>,
    until: Option<Version>,
    date: Option<Date>,
    flag: Option<bool>,
    deprecate_after: Option<u16>,
    delete_after: Option<u16>,
}

pub(super) fn emit_machines(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let m = &data.machines;
    let mut stmt = tx.prepare(
        "INSERT INTO upstream_machine_fact (ord, kind, name, family, arches, prefix, alias, version, since,
         until, date, flag, deprecate_after, delete_after, source, note, path, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    let mut rows: Vec<(UpstreamRow, &Provenance, u32)> = Vec::new();
    for r in &m.releases {
        let row = UpstreamRow {
            kind: "release",
            version: Some(r.version),
            date: r.date,
            ..Default::default()
        };
        rows.push((row, &r.provenance, r.loc.line));
    }
    for f in &m.families {
        let row = UpstreamRow {
            kind: "family",
            name: Some(&f.name.value),
            family: Some(&f.name.value),
            arches: Some(words(f.arches.iter().map(String::as_str))),
            prefix: Some(&f.prefix),
            alias: f.alias.as_deref(),
            version: Some(f.first),
            since: f.alias_since,
            flag: Some(f.default_machine),
            ..Default::default()
        };
        rows.push((row, &f.provenance, f.loc.line));
    }
    for e in &m.extras {
        let row = UpstreamRow {
            kind: "machine",
            name: Some(&e.name.value),
            family: Some(&e.family.value),
            version: Some(e.version),
            since: Some(e.added),
            ..Default::default()
        };
        rows.push((row, &e.provenance, e.loc.line));
    }
    for c in &m.changes {
        let row = UpstreamRow {
            kind: c.kind.name(),
            family: Some(&c.family.value),
            version: Some(c.from),
            until: Some(c.to),
            since: Some(c.release),
            ..Default::default()
        };
        rows.push((row, &c.provenance, c.loc.line));
    }
    if let Some(l) = &m.lifecycle {
        let row = UpstreamRow {
            kind: "lifecycle",
            since: Some(l.since),
            until: Some(l.delete_since),
            deprecate_after: Some(l.deprecate_after),
            delete_after: Some(l.delete_after),
            ..Default::default()
        };
        rows.push((row, &l.provenance, l.loc.line));
    }
    let text = |v: Option<Version>| v.map(|v| v.to_string());
    for (ord, (r, p, line)) in rows.into_iter().enumerate() {
        stmt.execute(params![
            ord as i64,
            r.kind,
            r.name,
            r.family,
            r.arches,
            r.prefix,
            r.alias,
            text(r.version),
            text(r.since),
            text(r.until),
            r.date.map(|d| d.to_string()),
            r.flag,
            r.deprecate_after,
            r.delete_after,
            source(p, None),
            p.note,
            crate::read::UPSTREAM_MACHINES_FILE,
            line as i64,
        ])?;
    }

    let mut line_stmt = tx.prepare(
        "INSERT INTO downstream_line (id, name, upstream, aliases, source, note, path, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut machine_stmt = tx.prepare(
        "INSERT INTO downstream_machine (line_id, ord, name, family, arches, since, deprecated_since,
         variant, source, note, path, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for l in &data.lines {
        let path = format!("machines/{}.xml", l.id.value);
        let aliases: Vec<String> = l.aliases.iter().map(|(a, f)| format!("{a}={f}")).collect();
        line_stmt.execute(params![
            l.id.value,
            l.name,
            l.with_upstream,
            aliases.join(" "),
            source(&l.provenance, None),
            l.provenance.note,
            path,
            l.loc.line as i64,
        ])?;
        for (ord, mt) in l.machines.iter().enumerate() {
            machine_stmt.execute(params![
                l.id.value,
                ord as i64,
                mt.name.value,
                mt.family.value,
                words(mt.arches.iter().map(String::as_str)),
                words(mt.since.iter().map(|s| s.value.as_str())),
                words(mt.deprecated_since.iter().map(|s| s.value.as_str())),
                mt.variant,
                source(&mt.provenance, Some(&l.provenance)),
                mt.provenance.note,
                path,
                mt.loc.line as i64,
            ])?;
        }
    }
    Ok(())
}

pub(super) fn emit_hosts(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let mut host_stmt = tx.prepare(
        "INSERT INTO host (id, name, released, qemu, qemu_package, libvirt, libvirt_package, upstream,
         machine_line, machine_release, arches, is_default, source, note, path, line)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?;
    let mut item_stmt = tx.prepare(
        "INSERT INTO host_item (host, ord, kind, arch, name, type, secure_boot, code, vars, versions,
         source, note, path, line) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?;
    for h in &data.hosts {
        let path = format!("hosts/{}.xml", h.id.value);
        let (line, release) = match &h.machines.downstream {
            Some((l, r)) => (Some(l.value.as_str()), Some(r.as_str())),
            None => (None, None),
        };
        host_stmt.execute(params![
            h.id.value,
            h.name,
            h.released.map(|d| d.to_string()),
            h.qemu.to_string(),
            h.qemu_package,
            h.libvirt.map(|v| v.to_string()),
            h.libvirt_package,
            h.machines.upstream,
            line,
            release,
            words(h.arches.iter().map(|a| a.value.as_str())),
            h.default,
            source(&h.provenance, None),
            h.provenance.note,
            path,
            h.loc.line as i64,
        ])?;
        let mut ord = 0i64;
        for f in &h.firmware {
            item_stmt.execute(params![
                h.id.value,
                ord,
                "firmware",
                f.arch,
                None::<String>,
                f.kind.name(),
                f.secure_boot,
                f.code,
                f.vars,
                None::<String>,
                source(&f.provenance, Some(&h.provenance)),
                f.provenance.note,
                path,
                f.loc.line as i64,
            ])?;
            ord += 1;
        }
        for t in &h.tpm {
            item_stmt.execute(params![
                h.id.value,
                ord,
                "tpm",
                t.arch,
                t.model,
                None::<String>,
                None::<bool>,
                None::<String>,
                None::<String>,
                t.versions.join(" "),
                source(&t.provenance, Some(&h.provenance)),
                t.provenance.note,
                path,
                t.loc.line as i64,
            ])?;
            ord += 1;
        }
        for d in &h.missing_devices {
            item_stmt.execute(params![
                h.id.value,
                ord,
                "missing-device",
                None::<String>,
                d.name,
                None::<String>,
                None::<bool>,
                None::<String>,
                None::<String>,
                None::<String>,
                source(&d.provenance, Some(&h.provenance)),
                d.provenance.note,
                path,
                d.loc.line as i64,
            ])?;
            ord += 1;
        }
    }
    Ok(())
}
