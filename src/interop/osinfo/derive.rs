//! The facts guestdb states explicitly and osinfo-db implies: the virtio
//! generation of each device class and the chipsets, from an OS's effective
//! device links and driver lists (each with a note naming the links).

use guestdb_data::model::*;
use guestdb_data::resolve::{Effective, Index};
use std::collections::{BTreeSet, HashMap};

use super::ArchHints;

fn describe(data: &Dataset, dev: &Device, from: Option<usize>) -> String {
    let pci = dev
        .pci
        .as_ref()
        .map(|p| format!(" ({})", p.value))
        .unwrap_or_default();
    match from.and_then(|i| data.oses.get(i)) {
        Some(o) => {
            let who = o
                .short_ids
                .first()
                .map(|s| s.value.as_str())
                .unwrap_or(&o.id.value);
            format!("{}{pci} inherited from {who}", dev.name.value)
        }
        None => format!("{}{pci}", dev.name.value),
    }
}

/// Adds the virtio and chipset facts that osinfo-db's device links imply;
/// the i440fx fact only for OSes with an x86 architecture (of media,
/// resources, firmware, drivers, or the trees and images in `arch_hints`);
/// for an OS whose architectures osinfo-db does not name, no chipset is
/// stated (unknown).
pub fn derive_facts(data: &mut Dataset, arch_hints: &ArchHints) {
    let index = Index::new(data);
    let catalogue: HashMap<&str, &Device> = data
        .devices
        .iter()
        .map(|d| (d.name.value.as_str(), d))
        .collect();
    let mut derived: Vec<(Vec<VirtioFact>, Vec<ChipsetFact>)> = Vec::new();
    for (i, os) in data.oses.iter().enumerate() {
        let resolved = guestdb_data::resolve::resolve(data, &index, i);
        let mut virtio = Vec::new();
        for class in VirtioClass::ALL {
            let links: Vec<(&Effective<DeviceLink>, &Device, Generation)> = resolved
                .devices
                .iter()
                .filter_map(|e| {
                    let dev = *catalogue.get(e.fact.device.as_str())?;
                    (dev.virtio_type == Some(class.virtio_type)).then_some((
                        e,
                        dev,
                        dev.generation?,
                    ))
                })
                .collect();
            let legacy = links.iter().any(|(_, _, g)| *g == Generation::Legacy);
            let modern = links.iter().any(|(_, _, g)| *g == Generation::Modern);
            if legacy || modern {
                let what: Vec<String> = links
                    .iter()
                    .map(|(e, d, _)| describe(data, d, e.inherited_from))
                    .collect();
                virtio.push(VirtioFact::new(
                    class,
                    (legacy, modern),
                    None,
                    format!("derived from osinfo-db device links: {}", what.join(", ")),
                    os.loc.clone(),
                ));
                continue;
            }
            // No in-box driver: a driver package osinfo-db lists for this OS.
            let mut arches = BTreeSet::new();
            let (mut legacy, mut modern, mut package) = (false, false, None);
            for drv in &os.drivers {
                for d in &drv.devices {
                    let Some(dev) = catalogue.get(d.value.as_str()) else {
                        continue;
                    };
                    if dev.virtio_type != Some(class.virtio_type) {
                        continue;
                    }
                    arches.insert(drv.arch.as_str());
                    legacy |= dev.generation == Some(Generation::Legacy);
                    modern |= dev.generation == Some(Generation::Modern);
                    if drv.location.contains("virtio-win") {
                        package = Some("virtio-win");
                    }
                }
            }
            if !(legacy || modern) {
                // osinfo-db removes this class's devices here (supported="false"):
                // say so, or the facts of the OSes it derives from would apply.
                let removed: Vec<&str> = os
                    .devices
                    .iter()
                    .filter(|l| !l.supported)
                    .filter(|l| {
                        catalogue
                            .get(l.device.as_str())
                            .is_some_and(|d| d.virtio_type == Some(class.virtio_type))
                    })
                    .map(|l| l.device.as_str())
                    .collect();
                if !removed.is_empty() {
                    virtio.push(VirtioFact::new(
                        class,
                        (false, false),
                        None,
                        format!(
                            "derived from osinfo-db, which marks {} unsupported here",
                            removed.join(", ")
                        ),
                        os.loc.clone(),
                    ));
                }
                continue;
            }
            let arches: Vec<&str> = arches.into_iter().collect();
            virtio.push(VirtioFact::new(
                class,
                (legacy, modern),
                Some(package.unwrap_or("vendor-driver").to_string()),
                format!(
                    "derived from the driver packages osinfo-db lists for {}",
                    arches.join(", ")
                ),
                os.loc.clone(),
            ));
        }
        let mut chipsets = Vec::new();
        let x86 = os
            .media
            .iter()
            .map(|m| m.arch.as_str())
            .chain(os.resources.iter().map(|r| r.arch.as_str()))
            .chain(resolved.firmware.iter().map(|f| f.fact.arch.as_str()))
            .chain(os.drivers.iter().map(|d| d.arch.as_str()))
            .chain(
                arch_hints
                    .get(&os.id.value)
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            )
            .any(is_x86_arch);
        if x86 {
            let mut fact = ChipsetFact::supported(
                Chipset::I440fx,
                "osinfo-db states no i440fx fact; every x86 guest it lists boots on QEMU's default i440fx PC machine".into(),
                os.loc.clone(),
            );
            fact.provenance.source = Some(Located::new("guestdb".into(), os.loc.clone()));
            chipsets.push(fact);
        }
        if let Some(e) = resolved.devices.iter().find(|e| {
            catalogue
                .get(e.fact.device.as_str())
                .is_some_and(|d| d.class == "chipset" && d.name.value == "qemu-x86-q35")
        }) {
            let dev = catalogue[e.fact.device.as_str()];
            chipsets.push(ChipsetFact::supported(
                Chipset::Q35,
                format!(
                    "derived from osinfo-db device link {}",
                    describe(data, dev, e.inherited_from)
                ),
                os.loc.clone(),
            ));
        }
        derived.push((virtio, chipsets));
    }
    for (os, (virtio, chipsets)) in data.oses.iter_mut().zip(derived) {
        os.virtio = virtio;
        os.chipsets = chipsets;
    }
}
