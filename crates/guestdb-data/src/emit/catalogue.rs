//! The catalogues beside the OSes (devices, machine types) and the host
//! profiles, each a JSON document (shapes in schema/store.sql).

use super::{opt, texts};
use crate::model::*;
use rusqlite::{params, Connection};
use serde_json::{json, Map, Value};

fn at(path: &str, loc: &crate::diag::Loc) -> Value {
    json!({"path": path, "line": loc.line})
}

fn put(tx: &Connection, name: &str, doc: &Value) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO catalogue (name, doc) VALUES (?1, ?2)",
        params![name, doc.to_string()],
    )?;
    Ok(())
}

pub(super) fn emit_devices(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let realisations = |list: &[Realisation]| -> Vec<Value> {
        list.iter()
            .map(|r| json!({"name": r.name, "slot": r.slot.name()}))
            .collect()
    };
    let devices: Vec<Value> = data
        .devices
        .iter()
        .map(|d| {
            let mut o = Map::new();
            o.insert("name".into(), d.name.value.clone().into());
            opt(
                &mut o,
                "osinfo_id",
                d.osinfo_id.as_ref().map(|x| x.value.clone()),
            );
            o.insert("class".into(), d.class.clone().into());
            o.insert("bus".into(), d.bus.clone().into());
            opt(&mut o, "pci", d.pci.as_ref().map(|p| p.value.to_string()));
            opt(&mut o, "usb", d.usb.as_ref().map(|p| p.value.to_string()));
            opt(&mut o, "virtio_type", d.virtio_type);
            opt(&mut o, "generation", d.generation.map(|g| g.name()));
            opt(&mut o, "vendor", d.vendor.clone());
            opt(&mut o, "product", d.product.clone());
            o.insert("qemu_devices".into(), realisations(&d.qemu_devices).into());
            o.insert(
                "libvirt_models".into(),
                realisations(&d.libvirt_models).into(),
            );
            opt(&mut o, "note", d.note.clone());
            Value::Object(o)
        })
        .collect();
    put(tx, "devices", &Value::Array(devices))
}

pub(super) fn emit_machines(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let m = &data.machines;
    let file = crate::read::UPSTREAM_MACHINES_FILE;
    let v = |v: Version| Value::String(v.to_string());
    let releases: Vec<Value> = m
        .releases
        .iter()
        .map(|r| {
            let mut o = Map::new();
            o.insert("version".into(), v(r.version));
            opt(&mut o, "date", r.date.map(|d| d.to_string()));
            o.insert("at".into(), at(file, &r.loc));
            Value::Object(o)
        })
        .collect();
    let families: Vec<Value> = m
        .families
        .iter()
        .map(|f| {
            let mut o = Map::new();
            o.insert("name".into(), f.name.value.clone().into());
            o.insert("arches".into(), f.arches.clone().into());
            o.insert("prefix".into(), f.prefix.clone().into());
            opt(&mut o, "alias", f.alias.clone());
            opt(&mut o, "alias_since", f.alias_since.map(v));
            o.insert("first".into(), v(f.first));
            o.insert("default_machine".into(), f.default_machine.into());
            o.insert("at".into(), at(file, &f.loc));
            Value::Object(o)
        })
        .collect();
    let extras: Vec<Value> = m
        .extras
        .iter()
        .map(|e| {
            json!({
                "name": e.name.value,
                "family": e.family.value,
                "version": v(e.version),
                "added": v(e.added),
                "at": at(file, &e.loc),
            })
        })
        .collect();
    let changes: Vec<Value> = m
        .changes
        .iter()
        .map(|c| {
            let mut o = Map::new();
            o.insert("removed".into(), (c.kind == ChangeKind::Removed).into());
            o.insert("family".into(), c.family.value.clone().into());
            o.insert("from".into(), v(c.from));
            o.insert("to".into(), v(c.to));
            o.insert("release".into(), v(c.release));
            opt(&mut o, "note", c.provenance.note.clone());
            o.insert("at".into(), at(file, &c.loc));
            Value::Object(o)
        })
        .collect();
    let lifecycle = m.lifecycle.as_ref().map(|l| {
        json!({
            "since": v(l.since),
            "deprecate_after": l.deprecate_after,
            "delete_after": l.delete_after,
            "delete_since": v(l.delete_since),
            "at": at(file, &l.loc),
        })
    });
    put(
        tx,
        "machines",
        &json!({
            "releases": releases,
            "families": families,
            "extras": extras,
            "changes": changes,
            "lifecycle": lifecycle,
        }),
    )?;
    for l in &data.lines {
        let file = format!("machines/{}.xml", l.id.value);
        let machines: Vec<Value> = l
            .machines
            .iter()
            .map(|mt| {
                let mut o = Map::new();
                o.insert("name".into(), mt.name.value.clone().into());
                o.insert("family".into(), mt.family.value.clone().into());
                o.insert("arches".into(), mt.arches.clone().into());
                o.insert("since".into(), texts(&mt.since));
                o.insert("deprecated_since".into(), texts(&mt.deprecated_since));
                opt(&mut o, "variant", mt.variant.clone());
                o.insert("at".into(), at(&file, &mt.loc));
                Value::Object(o)
            })
            .collect();
        let aliases: Vec<Value> = l.aliases.iter().map(|(a, f)| json!([a, f])).collect();
        put(
            tx,
            &format!("line/{}", l.id.value),
            &json!({
                "id": l.id.value,
                "name": l.name,
                "with_upstream": l.with_upstream,
                "aliases": aliases,
                "machines": machines,
                "at": at(&file, &l.loc),
            }),
        )?;
    }
    Ok(())
}

pub(super) fn emit_hosts(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare("INSERT INTO host (id, is_default, doc) VALUES (?1, ?2, ?3)")?;
    for h in &data.hosts {
        let file = format!("hosts/{}.xml", h.id.value);
        let firmware: Vec<Value> = h
            .firmware
            .iter()
            .map(|f| {
                let mut o = Map::new();
                o.insert("arch".into(), f.arch.clone().into());
                o.insert("type".into(), f.kind.name().into());
                o.insert("secure_boot".into(), f.secure_boot.into());
                opt(&mut o, "code", f.code.clone());
                opt(&mut o, "vars", f.vars.clone());
                Value::Object(o)
            })
            .collect();
        let tpm: Vec<Value> = h
            .tpm
            .iter()
            .map(|t| json!({"arch": t.arch, "model": t.model, "versions": t.versions}))
            .collect();
        let mut o = Map::new();
        o.insert("id".into(), h.id.value.clone().into());
        o.insert("name".into(), h.name.clone().into());
        opt(&mut o, "released", h.released.map(|d| d.to_string()));
        o.insert("qemu".into(), h.qemu.to_string().into());
        opt(&mut o, "qemu_package", h.qemu_package.clone());
        opt(&mut o, "libvirt", h.libvirt.map(|v| v.to_string()));
        opt(&mut o, "libvirt_package", h.libvirt_package.clone());
        o.insert("upstream_machines".into(), h.machines.upstream.into());
        opt(
            &mut o,
            "machine_line",
            h.machines
                .downstream
                .as_ref()
                .map(|(l, r)| json!([l.value, r])),
        );
        o.insert("arches".into(), texts(&h.arches));
        o.insert("default".into(), h.default.into());
        o.insert("firmware".into(), firmware.into());
        o.insert("tpm".into(), tpm.into());
        o.insert(
            "missing_devices".into(),
            h.missing_devices
                .iter()
                .map(|d| d.name.clone())
                .collect::<Vec<_>>()
                .into(),
        );
        opt(
            &mut o,
            "source",
            h.provenance.source.as_ref().map(|s| s.value.clone()),
        );
        opt(&mut o, "note", h.provenance.note.clone());
        o.insert("at".into(), at(&file, &h.loc));
        stmt.execute(params![h.id.value, h.default, Value::Object(o).to_string()])?;
    }
    Ok(())
}
