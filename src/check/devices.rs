//! The device checks: each virtio device against the OS's drivers where the domain places it, and the fix that makes it one the guest drives.

use super::*;
/// Whether a virtio device of `class` asked for as `mode` at `placement`
/// shows the guest its transitional (legacy) PCI ID: QEMU turns the legacy
/// interface off behind a PCI Express port unless the model is
/// transitional; `-non-transitional` never has it.
pub(super) fn shows_legacy(class: VirtioClass, mode: VirtioMode, placement: Placement) -> bool {
    class.legacy_pci.is_some()
        && match mode {
            VirtioMode::Transitional => true,
            VirtioMode::NonTransitional => false,
            VirtioMode::Plain => placement != Placement::PcieRootPort,
        }
}

/// The PCI device ID (vendor 1af4) the guest sees for a virtio device.
pub(super) fn virtio_pci_id(class: VirtioClass, mode: VirtioMode, placement: Placement) -> u16 {
    match class.legacy_pci {
        Some(legacy) if shows_legacy(class, mode, placement) => legacy,
        _ => 0x1040 + class.virtio_type,
    }
}

pub(super) fn device_checks(
    c: &mut Checker<'_, '_>,
    d: &Domain,
    os: &OsFacts,
    rec: Option<&Recommendation>,
) {
    let drivers = c.ctx.drivers;
    for dev in &d.devices {
        let Some((class, mode)) = dev.virtio else {
            continue;
        };
        if dev.placement == Placement::Ccw {
            continue;
        }
        let id = virtio_pci_id(class, mode, dev.placement);
        let Err(why) = drivable(os, drivers, id) else {
            continue;
        };
        let v = os.virtio(class);
        let facts: Vec<FactRef> = v.fact.iter().cloned().collect();
        let seen = format!(
            "the guest sees 1af4:{id:04x} ({})",
            if shows_legacy(class, mode, dev.placement) {
                "transitional".to_string()
            } else {
                format!(
                    "modern only{}",
                    match (mode, dev.placement) {
                        (VirtioMode::Plain, Placement::PcieRootPort) =>
                            ": plain virtio behind a PCI Express root port",
                        _ => "",
                    }
                )
            }
        );
        let needs_package = v.driver.is_some() && drivers == DriversPolicy::None;
        let code = if needs_package {
            "virtio-driver-missing"
        } else if v.legacy && !v.modern {
            "virtio-modern-only"
        } else {
            "virtio-no-driver"
        };
        let fix = device_fix(dev, class, os, drivers, rec);
        // Without a disk, SCSI or network driver the guest does not boot or
        // has no network; without the others it runs with a device it
        // cannot use.
        let severity = if matches!(class.name, "block" | "scsi" | "net") {
            Severity::Error
        } else {
            Severity::Warning
        };
        c.add(
            code,
            severity,
            dev.what.clone(),
            dev.pos,
            format!("{seen}; {why}"),
            class_rule(class),
            facts,
            fix,
        );
    }
}

pub(super) fn class_rule(class: VirtioClass) -> &'static str {
    match class.name {
        "block" | "scsi" => "disk",
        "net" => "net",
        "rng" => "rng",
        "balloon" => "balloon",
        "console" => "console",
        "gpu" => "video",
        "input" => "input",
        _ => "disk",
    }
}

/// The smallest change that makes `dev` drivable: the transitional model
/// where the OS has a legacy driver, else a model the OS drives without
/// virtio (or the device turned off, where that is allowed).
pub(super) fn device_fix(
    dev: &DomainDevice,
    class: VirtioClass,
    os: &OsFacts,
    drivers: DriversPolicy,
    rec: Option<&Recommendation>,
) -> Option<(String, Change, bool)> {
    let v = os.virtio(class);
    let usable = v.driver.is_none() || drivers != DriversPolicy::None;
    if usable && v.legacy && class.legacy_pci.is_some() {
        let moves = dev.address.is_some() && dev.placement == Placement::PcieRootPort;
        let what = format!(
            "model virtio-transitional (the guest sees the transitional ID 1af4:{:04x}){}",
            class.legacy_pci.unwrap_or(0),
            if moves {
                "; its PCI address is dropped so libvirt plugs it into a conventional PCI slot (guest-visible: the device moves)"
            } else {
                ""
            }
        );
        return match (&dev.model_at, dev.pos) {
            (Some(at), Some(_)) => Some((
                what,
                Change::Model {
                    at: at.clone(),
                    model: "virtio-transitional".into(),
                    drop_address: dev.address.filter(|_| moves),
                },
                moves,
            )),
            (None, None) => {
                let el = match class.name {
                    "balloon" => "<memballoon model='virtio-transitional'/>".to_string(),
                    "console" => {
                        "<controller type='virtio-serial' index='0' model='virtio-transitional'/>"
                            .to_string()
                    }
                    _ => return None,
                };
                Some((format!("add {el}"), Change::AddDevice(el), false))
            }
            _ => None,
        };
    }
    // No virtio driver for this class.
    match class.name {
        "balloon" => {
            let el = "<memballoon model='none'/>";
            match (&dev.model_at, dev.pos) {
                (Some(at), Some(_)) => Some((
                    "model none (no balloon: the OS has no driver for one)".into(),
                    Change::Model {
                        at: at.clone(),
                        model: "none".into(),
                        drop_address: dev.address,
                    },
                    true,
                )),
                _ => Some((format!("add {el}"), Change::AddDevice(el.into()), false)),
            }
        }
        "block" => {
            let disk = dev.pos?;
            let bus = rec
                .and_then(|r| r.of_class("disk").next())
                .and_then(|d| d.libvirt_bus.clone())
                .filter(|b| b != "virtio")
                .unwrap_or_else(|| "sata".into());
            Some((
                format!("bus {bus} (the OS drives it without virtio; guest-visible: the disk moves to the {bus} controller)"),
                Change::DiskBus { disk, bus },
                true,
            ))
        }
        "net" => {
            let at = dev.model_at.clone()?;
            let model = rec
                .and_then(|r| r.of_class("net").next())
                .and_then(|d| d.libvirt_model.clone())
                .filter(|m| !m.starts_with("virtio"))
                .or_else(|| {
                    ["e1000e", "e1000", "rtl8139"]
                        .into_iter()
                        .find(|m| os.device(m).is_some())
                        .map(str::to_string)
                })?;
            Some((
                format!("model {model} (an emulated NIC the OS drives; guest-visible: a new NIC, the MAC address is kept)"),
                Change::Model {
                    at,
                    model,
                    drop_address: dev.address,
                },
                true,
            ))
        }
        "gpu" => {
            let at = dev.model_at.clone()?;
            let model = rec
                .and_then(|r| r.of_class("video").next())
                .and_then(|d| d.libvirt_model.clone())
                .filter(|m| m != "virtio")
                .unwrap_or_else(|| "vga".into());
            Some((
                format!("video model {model} (a display the OS drives)"),
                Change::Model {
                    at,
                    model,
                    drop_address: None,
                },
                true,
            ))
        }
        "input" => {
            let pos = dev.pos?;
            Some((
                "bus usb (a USB input device the OS drives)".into(),
                Change::Model {
                    at: domain::ModelAt::Attr(pos, "bus"),
                    model: "usb".into(),
                    drop_address: dev.address,
                },
                true,
            ))
        }
        _ => None,
    }
}
