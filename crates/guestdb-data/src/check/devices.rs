//! Rules about the device catalogue.

use super::dup;
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use std::collections::HashMap;

pub(super) fn check_devices(data: &Dataset, findings: &mut Findings) {
    let mut names: HashMap<&str, &Loc> = HashMap::new();
    let mut osinfo: HashMap<&str, &Loc> = HashMap::new();
    for d in &data.devices {
        if let Some(first) = names.insert(&d.name.value, &d.name.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &d.name.loc,
                first,
                format!("device '{}' is defined twice", d.name.value),
            );
        }
        if let Some(id) = &d.osinfo_id {
            if let Some(first) = osinfo.insert(&id.value, &id.loc) {
                dup(
                    findings,
                    Rule::DuplicateId,
                    &id.loc,
                    first,
                    format!("osinfo id '{}' is claimed by two devices", id.value),
                );
            }
        }
        // A virtio device's PCI ID follows from its type and generation.
        if let (Some(t), Some(g)) = (d.virtio_type, d.generation) {
            let Some(class) = VirtioClass::by_type(t) else {
                findings.push(Finding::new(
                    Rule::InvalidValue,
                    d.loc.clone(),
                    format!("virtio type {t} is not a known virtio device type"),
                ));
                continue;
            };
            let expected = match g {
                Generation::Legacy => class.legacy_pci,
                Generation::Modern => Some(class.modern_pci()),
            };
            let Some(expected) = expected else {
                findings.push(Finding::new(
                    Rule::InvalidValue,
                    d.loc.clone(),
                    format!(
                        "virtio {} devices have no legacy PCI ID; generation must be modern",
                        class.name
                    ),
                ));
                continue;
            };
            let expected = PciId {
                vendor: 0x1af4,
                device: expected,
            };
            match &d.pci {
                Some(pci) if pci.value != expected => findings.push(Finding::new(
                    Rule::InvalidPciId,
                    pci.loc.clone(),
                    format!(
                        "{} virtio {} shows PCI ID {expected}, not {}",
                        g.name(),
                        class.name,
                        pci.value
                    ),
                )),
                None => findings.push(Finding::new(
                    Rule::MissingAttribute,
                    d.loc.clone(),
                    format!(
                        "virtio device '{}' needs its PCI ID (pci=\"{expected}\")",
                        d.name.value
                    ),
                )),
                _ => {}
            }
        }
    }
}
