//! The catalogues beside the OSes (devices, machine types) and the host
//! profiles, each a document of [`crate::doc::catalogue`].

use crate::doc::catalogue as d;
use crate::doc::Place;
use crate::model::*;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashMap;

fn at(path: &str, loc: &crate::diag::Loc) -> Place {
    Place {
        path: path.to_string(),
        line: loc.line,
    }
}

/// A document as the text the store keeps.
pub(super) fn json(doc: &impl Serialize) -> rusqlite::Result<String> {
    serde_json::to_string(doc).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

fn put(tx: &Connection, name: &str, doc: &impl Serialize) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO catalogue (name, doc) VALUES (?1, ?2)",
        params![name, json(doc)?],
    )?;
    Ok(())
}

fn texts(list: &[Located<String>]) -> Vec<String> {
    list.iter().map(|v| v.value.clone()).collect()
}

/// The major version of a `<version>`: up to its first `.` or `-`
/// (`6.10` and `6-unknown`: `6`).
fn major(version: &str) -> &str {
    version.split(['.', '-']).next().unwrap_or(version)
}

/// The releases of `id`'s series: those it derives from, transitively,
/// while they keep its distro and major version (`rhel6-unknown`: rhel6.10
/// back to rhel6.0; `rhel10.0` derives from rhel9.5, which ends the walk),
/// newest first. Empty when the OS states no distro or version.
fn series(by_id: &HashMap<&str, &OsRecord>, id: &str) -> Vec<String> {
    let Some(os) = by_id.get(id) else {
        return Vec::new();
    };
    fn text(v: &Option<Located<String>>) -> Option<&str> {
        v.as_ref().map(|v| v.value.as_str())
    }
    let (Some(distro), Some(version)) = (text(&os.distro), text(&os.version)) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    let mut todo: Vec<&str> = os.derives_from.iter().map(|d| d.value.as_str()).collect();
    while let Some(next) = todo.pop() {
        let Some(o) = by_id.get(next) else {
            continue;
        };
        let same = text(&o.distro) == Some(distro)
            && text(&o.version).is_some_and(|v| major(v) == major(version));
        if !same || next == id || out.iter().any(|x| x == next) {
            continue;
        }
        out.push(next.to_string());
        todo.extend(o.derives_from.iter().rev().map(|d| d.value.as_str()));
    }
    out
}

pub(super) fn emit_devices(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let realisations = |list: &[Realisation]| -> Vec<d::Realisation> {
        list.iter()
            .map(|r| d::Realisation {
                name: r.name.clone(),
                slot: r.slot,
            })
            .collect()
    };
    let devices: Vec<d::DeviceModel> = data
        .devices
        .iter()
        .map(|dev| d::DeviceModel {
            name: dev.name.value.clone(),
            osinfo_id: dev.osinfo_id.as_ref().map(|x| x.value.clone()),
            class: dev.class.clone(),
            bus: dev.bus.clone(),
            pci: dev.pci.as_ref().map(|p| p.value.to_string()),
            usb: dev.usb.as_ref().map(|p| p.value.to_string()),
            virtio_type: dev.virtio_type,
            generation: dev.generation,
            vendor: dev.vendor.clone(),
            product: dev.product.clone(),
            qemu_devices: realisations(&dev.qemu_devices),
            libvirt_models: realisations(&dev.libvirt_models),
            note: dev.note.clone(),
        })
        .collect();
    put(tx, "devices", &devices)
}

/// The VM-profile catalogues: `hyperv` and `cpus`.
pub(super) fn emit_profile(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let hyperv: Vec<d::HypervFeature> = data
        .hyperv
        .iter()
        .map(|f| d::HypervFeature {
            name: f.name.value.clone(),
            qemu_property: f.qemu_property.clone(),
            qemu_since: f.qemu_since,
            libvirt_since: f.libvirt_since,
            requires: texts(&f.requires),
            vendor: f.vendor.clone(),
            tcg: f.tcg,
            default: f.default,
            value: f.value.clone(),
            windows: texts(&f.windows),
            source: f.provenance.source.as_ref().map(|s| s.value.clone()),
            note: f.provenance.note.clone(),
            at: at(crate::read::HYPERV_FILE, &f.loc),
        })
        .collect();
    put(tx, "hyperv", &hyperv)?;
    let by_id: HashMap<&str, &OsRecord> =
        data.oses.iter().map(|o| (o.id.value.as_str(), o)).collect();
    let schemes: Vec<d::Scheme> = data
        .crosswalks
        .iter()
        .map(|c| {
            let path = c.loc.path.replace('\\', "/");
            let rel = path
                .rfind("crosswalk/")
                .map_or(path.as_str(), |i| &path[i..])
                .to_string();
            d::Scheme {
                scheme: c.scheme.value.clone(),
                title: c.title.clone(),
                source: c.provenance.source.as_ref().map(|s| s.value.clone()),
                note: c.provenance.note.clone(),
                names: c
                    .names
                    .iter()
                    .map(|n| d::SchemeName {
                        name: n.value.value.clone(),
                        arch: n.arch.as_ref().map(|a| a.value.clone()),
                        note: n.note.clone(),
                        gap: n.gap.clone(),
                        oses: n
                            .oses
                            .iter()
                            .map(|o| d::SchemeOs {
                                id: o.id.value.clone(),
                                quality: o.quality.value.clone(),
                            })
                            .collect(),
                        family: match n.oses.as_slice() {
                            [one] if one.quality.value == "family" => series(&by_id, &one.id.value),
                            _ => Vec::new(),
                        },
                        at: at(&rel, &n.loc),
                    })
                    .collect(),
            }
        })
        .collect();
    put(tx, "crosswalk", &schemes)?;
    let cpus: Vec<d::CpuModel> = data
        .cpus
        .iter()
        .map(|m| d::CpuModel {
            name: m.name.value.clone(),
            vendor: m.vendor.clone(),
            level: m.level,
            qemu_since: m.qemu_since,
            at: at(crate::read::CPUS_FILE, &m.loc),
        })
        .collect();
    put(tx, "cpus", &cpus)?;
    for r in &data.osinfo_releases {
        let doc = d::OsinfoRelease {
            version: r.version.value.clone(),
            oses: texts(&r.oses),
            source: r.provenance.source.as_ref().map(|s| s.value.clone()),
            note: r.provenance.note.clone(),
            at: at(&format!("osinfo-db/{}.xml", r.version.value), &r.loc),
        };
        put(tx, &format!("osinfo/{}", r.version.value), &doc)?;
    }
    Ok(())
}

pub(super) fn emit_machines(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let m = &data.machines;
    let file = crate::read::UPSTREAM_MACHINES_FILE;
    let machines = d::Machines {
        releases: m
            .releases
            .iter()
            .map(|r| d::Release {
                version: r.version,
                date: r.date,
                at: at(file, &r.loc),
            })
            .collect(),
        families: m
            .families
            .iter()
            .map(|f| d::Family {
                name: f.name.value.clone(),
                arches: f.arches.clone(),
                prefix: f.prefix.clone(),
                alias: f.alias.clone(),
                alias_since: f.alias_since,
                first: f.first,
                default_machine: f.default_machine,
                versioned: f.versioned,
                at: at(file, &f.loc),
            })
            .collect(),
        extras: m
            .extras
            .iter()
            .map(|e| d::Extra {
                name: e.name.value.clone(),
                family: e.family.value.clone(),
                version: e.version,
                added: e.added,
                at: at(file, &e.loc),
            })
            .collect(),
        changes: m
            .changes
            .iter()
            .map(|c| d::Change {
                removed: c.kind == ChangeKind::Removed,
                family: c.family.value.clone(),
                from: c.from,
                to: c.to,
                release: c.release,
                note: c.provenance.note.clone(),
                at: at(file, &c.loc),
            })
            .collect(),
        lifecycle: m.lifecycle.as_ref().map(|l| d::Lifecycle {
            since: l.since,
            deprecate_after: l.deprecate_after,
            delete_after: l.delete_after,
            delete_since: l.delete_since,
            at: at(file, &l.loc),
        }),
    };
    put(tx, "machines", &machines)?;
    for l in &data.lines {
        let file = format!("machines/{}.xml", l.id.value);
        let line = d::Line {
            id: l.id.value.clone(),
            name: l.name.clone(),
            with_upstream: l.with_upstream,
            aliases: l.aliases.clone(),
            machines: l
                .machines
                .iter()
                .map(|mt| d::LineMachine {
                    name: mt.name.value.clone(),
                    family: mt.family.value.clone(),
                    arches: mt.arches.clone(),
                    since: texts(&mt.since),
                    deprecated_since: texts(&mt.deprecated_since),
                    variant: mt.variant.clone(),
                    at: at(&file, &mt.loc),
                })
                .collect(),
            at: at(&file, &l.loc),
        };
        put(tx, &format!("line/{}", l.id.value), &line)?;
    }
    Ok(())
}

pub(super) fn emit_hosts(tx: &Connection, data: &Dataset) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare("INSERT INTO host (id, is_default, doc) VALUES (?1, ?2, ?3)")?;
    for h in &data.hosts {
        let file = format!("hosts/{}.xml", h.id.value);
        let doc = d::HostProfile {
            id: h.id.value.clone(),
            name: h.name.clone(),
            released: h.released,
            qemu: Some(h.qemu),
            qemu_package: h.qemu_package.clone(),
            libvirt: h.libvirt,
            libvirt_package: h.libvirt_package.clone(),
            upstream_machines: h.machines.upstream,
            machine_line: h
                .machines
                .downstream
                .as_ref()
                .map(|(l, r)| (l.value.clone(), r.clone())),
            arches: texts(&h.arches),
            default: h.default,
            firmware: h
                .firmware
                .iter()
                .map(|f| d::HostFirmware {
                    arch: f.arch.clone(),
                    kind: f.kind,
                    secure_boot: f.secure_boot,
                    code: f.code.clone(),
                    vars: f.vars.clone(),
                    kernel: f.kernel.clone(),
                })
                .collect(),
            tpm: h
                .tpm
                .iter()
                .map(|t| d::HostTpm {
                    arch: t.arch.clone(),
                    model: t.model.clone(),
                    versions: t.versions.clone(),
                })
                .collect(),
            missing_devices: h.missing_devices.iter().map(|m| m.name.clone()).collect(),
            spice: h.graphics.as_ref().is_none_or(|g| g.spice),
            osinfo_db: h.osinfo_db.as_ref().map(|v| v.value.clone()),
            source: h.provenance.source.as_ref().map(|s| s.value.clone()),
            note: h.provenance.note.clone(),
            at: at(&file, &h.loc),
        };
        stmt.execute(params![h.id.value, h.default, json(&doc)?])?;
    }
    Ok(())
}
