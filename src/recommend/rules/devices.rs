//! The device-class rules: disk, CD-ROM, network, RNG, balloon, console,
//! video, USB and input.

use super::*;

pub(super) fn disk(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let class = vclass("block");
    let added = ctx.add_virtio(VirtioDevice {
        class: "block",
        device_class: "disk",
        role: "system disk",
        prefix: "disk",
        bus: Some("virtio"),
        what: "virtio-blk",
        reason: None,
    })?;
    let Err((why, facts)) = added else {
        return Ok(());
    };
    let (bus, controller) = match ctx.board {
        Board::Pcie if ctx.x86 => ("sata", "ich9-ahci"),
        Board::Pci if ctx.x86 => ("ide", "piix3-ide"),
        Board::Ccw if known_none(ctx.os.virtio(class)) => {
            // The data says the kernel drives no virtio device here
            // (no virtio-ccw transport): nothing would find a disk.
            let note = facts
                .first()
                .and_then(|f| f.note.clone())
                .unwrap_or_default();
            ctx.trace("none", vec![why.clone()], facts);
            return Err(ctx.fail(format!(
                "{why} on {arch} ({note}); {family} offers disks only as virtio devices, so {os} cannot be installed on any machine these hosts offer",
                arch = ctx.arch,
                family = ctx.family,
                os = ctx.os.short_id
            )));
        }
        Board::Pcie if usb_storage_fallback(ctx) => {
            // virt has no emulated disk controller; USB mass storage on the
            // xHCI controller needs only in-box class drivers.
            ctx.add_plain(
                "disk",
                "system disk (USB mass storage)",
                "disk",
                "usb-storage",
                None,
                Some("usb"),
                Placement::Usb,
                None,
            );
            ctx.warn(
                "drivers",
                format!(
                    "{why}: the disk is USB mass storage until the virtio drivers are installed (then virtio-blk)"
                ),
            );
            ctx.trace(
                "usb disk",
                vec![
                    why,
                    format!("{} has no emulated disk controller", ctx.family),
                    USB_STORAGE_REASON.to_string(),
                ],
                facts,
            );
            return Ok(());
        }
        _ => {
            // Boards without emulated disk controllers: virtio anyway.
            let r = ctx.virtio_device(class, Mode::Plain, None)?;
            ctx.warn(
                "assumed",
                format!(
                    "{why}; {} has no emulated disk controller, so virtio-blk anyway",
                    ctx.family
                ),
            );
            ctx.add("disk", "system disk", "disk", r, Some("virtio"), None);
            ctx.trace("virtio-blk (assumed)", vec![why], facts);
            return Ok(());
        }
    };
    let id = storage_controller(ctx, controller)?;
    ctx.add_plain(
        "disk",
        "system disk",
        "disk",
        "ide-hd",
        None,
        Some(bus),
        Placement::Controller,
        Some(id),
    );
    ctx.trace(
        format!("{bus} disk"),
        vec![
            why,
            format!("{} drives the chipset's {bus} controller", ctx.os.short_id),
        ],
        facts,
    );
    Ok(())
}

/// Why USB mass storage serves where virtio cannot.
const USB_STORAGE_REASON: &str = "USB mass storage (bulk-only) on the xHCI controller: Windows (usbstor.sys, usbxhci.sys) and Linux drive it with in-box class drivers";

/// On aarch64/riscv64 `virt` (no emulated disk controller): the OS drives
/// xHCI, so its install medium and disk can be USB mass storage.
fn usb_storage_fallback(ctx: &Ctx) -> bool {
    !ctx.x86
        && ctx.family == "virt"
        && (ctx.os.device("qemu-xhci").is_some() || ctx.os.device("nec-xhci").is_some())
}

/// Whether the data states that the OS drives neither generation (a fact
/// that is not "unknown").
fn known_none(v: &VirtioFacts) -> bool {
    v.fact.is_some() && !v.unknown && !v.legacy && !v.modern
}

/// The chipset's storage controller (integrated), added once, by the rule
/// that needs it first.
fn storage_controller(ctx: &mut Ctx, name: &str) -> Result<String, NoRecommendation> {
    if let Some(d) = ctx
        .devices
        .iter()
        .find(|d| d.catalogue.as_deref() == Some(name))
    {
        return Ok(d.id.clone());
    }
    let role = if name == "ich9-ahci" {
        "SATA controller (integrated at 00:1f.2)"
    } else {
        "IDE controller (integrated at 00:01.1)"
    };
    let r = ctx.named(name, Placement::Integrated)?;
    Ok(ctx.add("controller", role, "ctl", r, None, None))
}

pub(super) fn cdrom(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let mut reasons = Vec::new();
    let mut facts = Vec::new();
    if ctx.x86 && matches!(ctx.board, Board::Pcie | Board::Pci) {
        let (bus, controller, why) = if ctx.board == Board::Pcie {
            (
                "sata",
                "ich9-ahci",
                "q35's SATA controller: every OS that supports q35 drives it, installers included",
            )
        } else {
            ("ide", "piix3-ide", "i440fx's IDE controller")
        };
        let id = storage_controller(ctx, controller)?;
        reasons.push(why.to_string());
        let drivers = add_media(ctx, "ide-cd", bus, Some(id), &mut reasons);
        ctx.trace(format!("{bus}{drivers}"), reasons, facts);
        return Ok(());
    }
    // SCSI: virtio-scsi where the OS drives it; pseries has spapr-vscsi.
    let class = vclass("scsi");
    if let Some(pkg) = ctx.os.virtio(class).driver.clone() {
        if usb_storage_fallback(ctx) {
            // The installer reads its medium before any driver from a
            // package is loaded (virtio-win's medium included).
            reasons.push(format!(
                "{}'s SCSI driver comes from {pkg}, which its installer loads only after it runs from the medium; {} has no SATA or IDE",
                ctx.os.short_id, ctx.family
            ));
            reasons.push(USB_STORAGE_REASON.to_string());
            let drivers = add_media(ctx, "usb-storage", "usb", None, &mut reasons);
            ctx.trace(format!("usb (usb-storage){drivers}"), reasons, facts);
            return Ok(());
        }
    }
    let controller = match ctx.virtio_mode(class) {
        Ok((mode, r, f)) => {
            reasons.extend(r);
            facts.extend(f);
            Some(ctx.virtio_device(class, mode, None)?)
        }
        Err((why, f)) => {
            facts.extend(f);
            reasons.push(why);
            None
        }
    };
    if controller.is_none() && usb_storage_fallback(ctx) {
        reasons.push(format!(
            "{} has no SATA or IDE, and {} drives no SCSI controller guestdb knows",
            ctx.family, ctx.os.short_id
        ));
        reasons.push(USB_STORAGE_REASON.to_string());
        let drivers = add_media(ctx, "usb-storage", "usb", None, &mut reasons);
        ctx.trace(format!("usb (usb-storage){drivers}"), reasons, facts);
        return Ok(());
    }
    let controller = match (controller, ctx.family) {
        (Some(r), _) => r,
        (None, "pseries") => Realised {
            catalogue: None,
            qemu_device: Some("spapr-vscsi".into()),
            libvirt_model: Some("ibmvscsi".into()),
            placement: Placement::Platform,
            pci_id: None,
            interfaces: Vec::new(),
        },
        (None, _) => {
            ctx.warn(
                "assumed",
                format!(
                    "{} drives no SCSI controller guestdb knows; virtio-scsi anyway",
                    ctx.os.short_id
                ),
            );
            ctx.virtio_device(class, Mode::Plain, None)?
        }
    };
    let decision = format!(
        "scsi ({})",
        controller.qemu_device.clone().unwrap_or_default()
    );
    let id = ctx.add(
        "scsi",
        "SCSI controller (install medium)",
        "scsi",
        controller,
        None,
        None,
    );
    reasons.push(format!("{} has no SATA or IDE", ctx.family));
    let drivers = add_media(ctx, "scsi-cd", "scsi", Some(id), &mut reasons);
    ctx.trace(format!("{decision}{drivers}"), reasons, facts);
    Ok(())
}

/// Adds the install medium on controller `parent` (none: on USB), and with `--drivers
/// virtio-win` a second CD-ROM for the driver medium when the OS takes a
/// driver from it (its installer loads them from there). Returns the
/// decision's suffix.
fn add_media(
    ctx: &mut Ctx,
    qemu_device: &str,
    bus: &str,
    parent: Option<String>,
    reasons: &mut Vec<String>,
) -> &'static str {
    let placement = if parent.is_some() {
        Placement::Controller
    } else {
        Placement::Usb
    };
    let install = ctx.add_plain(
        "cdrom",
        "install medium",
        "cd",
        qemu_device,
        None,
        Some(bus),
        placement,
        parent.clone(),
    );
    set_medium(ctx, &install, "install");
    let os = ctx.os;
    let packaged: Vec<&str> = VirtioClass::ALL
        .iter()
        .filter(|c| os.virtio(**c).driver.is_some())
        .map(|c| c.name)
        .collect();
    if ctx.target.policy.drivers != DriversPolicy::VirtioWin
        || (packaged.is_empty() && os.driver_devices.is_empty())
    {
        return "";
    }
    let drivers = ctx.add_plain(
        "cdrom",
        "virtio-win driver medium",
        "cd",
        qemu_device,
        None,
        Some(bus),
        placement,
        parent,
    );
    set_medium(ctx, &drivers, "drivers");
    reasons.push(format!(
        "a second CD-ROM with virtio-win's driver medium (--drivers virtio-win): {}'s installer loads the {} drivers from it",
        os.short_id,
        if packaged.is_empty() {
            "device".to_string()
        } else {
            format!("virtio {}", packaged.join(", "))
        }
    ));
    " + virtio-win driver CD-ROM"
}

fn set_medium(ctx: &mut Ctx, id: &str, medium: &'static str) {
    if let Some(d) = ctx.devices.iter_mut().find(|d| d.id == id) {
        d.medium = Some(medium);
    }
}

pub(super) fn net(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let added = ctx.add_virtio(VirtioDevice {
        class: "net",
        device_class: "net",
        role: "network interface",
        prefix: "net",
        bus: None,
        what: "virtio-net",
        reason: None,
    })?;
    let Err((why, mut facts)) = added else {
        return Ok(());
    };
    let order: &[&str] = if ctx.board == Board::Pcie {
        &["e1000e", "e1000", "rtl8139"]
    } else {
        &["e1000", "rtl8139", "e1000e"]
    };
    let mut reasons = vec![why];
    let listed = order.iter().find(|n| {
        ctx.os.device(n).is_some() && ctx.all_have(&super::display::qemu_of(ctx.catalogue, n))
    });
    let name = match listed {
        Some(n) => {
            facts.extend(ctx.os.device(n).cloned());
            reasons.push(format!("{} drives {n}", ctx.os.short_id));
            *n
        }
        None => {
            let n = order[0];
            ctx.warn(
                "assumed",
                format!(
                    "the dataset lists no network card {} drives; {n} assumed",
                    ctx.os.short_id
                ),
            );
            reasons.push(format!(
                "no network card listed for {}; {n}, the chipset's usual one",
                ctx.os.short_id
            ));
            n
        }
    };
    let placement = placement::emulated_placement(ctx.board, name == "e1000e");
    let r = ctx.named(name, placement)?;
    ctx.add("net", "network interface", "net", r, None, None);
    ctx.trace(name, reasons, facts);
    Ok(())
}

pub(super) fn rng(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let added = ctx.add_virtio(VirtioDevice {
        class: "rng",
        device_class: "rng",
        role: "entropy source (host /dev/urandom)",
        prefix: "rng",
        bus: None,
        what: "virtio-rng",
        reason: None,
    })?;
    if let Err((why, facts)) = added {
        ctx.trace("none", vec![why], facts);
    }
    Ok(())
}

pub(super) fn balloon(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let added = ctx.add_virtio(VirtioDevice {
        class: "balloon",
        device_class: "balloon",
        role: "memory balloon",
        prefix: "balloon",
        bus: None,
        what: "virtio-balloon",
        reason: None,
    })?;
    let Err((why, facts)) = added else {
        return Ok(());
    };
    ctx.add(
        "balloon",
        "memory balloon: none",
        "balloon",
        Realised {
            catalogue: None,
            qemu_device: None,
            libvirt_model: Some("none".into()),
            placement: Placement::Absent,
            pci_id: None,
            interfaces: Vec::new(),
        },
        None,
        None,
    );
    ctx.trace(
        "none",
        vec![
            why,
            "model='none': libvirt would otherwise add a plain virtio balloon".into(),
        ],
        facts,
    );
    Ok(())
}

pub(super) fn console(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    // The serial console the board has.
    let (qemu, placement, model) = match ctx.family {
        // riscv64's virt has an NS16550A UART where aarch64's has a PL011.
        "virt" if ctx.arch == "riscv64" => ("16550a", Placement::Platform, "16550a"),
        "virt" => ("pl011", Placement::Platform, "pl011"),
        "pseries" => ("spapr-vty", Placement::Platform, "spapr-vio-serial"),
        "s390-ccw-virtio" => ("sclpconsole", Placement::Platform, "sclp"),
        _ => ("isa-serial", Placement::Isa, "isa-serial"),
    };
    let r = if qemu == "isa-serial" {
        ctx.named(qemu, placement)?
    } else {
        Realised {
            catalogue: None,
            qemu_device: Some(qemu.to_string()),
            libvirt_model: Some(model.to_string()),
            placement,
            pci_id: None,
            interfaces: Vec::new(),
        }
    };
    ctx.add("console", "serial console", "serial", r, None, None);
    let what = format!("{qemu} and virtio-serial");
    let added = ctx.add_virtio(VirtioDevice {
        class: "console",
        device_class: "console",
        role: "virtio-serial controller (guest agent)",
        prefix: "vserial",
        bus: None,
        what: &what,
        reason: Some("a channel for the QEMU guest agent"),
    })?;
    match added {
        Ok(controller) => {
            ctx.add_plain(
                "console",
                "guest agent channel org.qemu.guest_agent.0",
                "channel",
                "virtserialport",
                None,
                Some("virtio"),
                Placement::VirtioSerial,
                Some(controller),
            );
        }
        Err((why, facts)) => ctx.trace(
            qemu,
            vec![
                why,
                "no virtio-serial controller (libvirt would add a plain virtio one for a channel)"
                    .into(),
            ],
            facts,
        ),
    }
    Ok(())
}

pub(super) fn usb(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    if ctx.family == "s390-ccw-virtio" {
        ctx.trace("none", vec!["s390x has no USB".into()], Vec::new());
        return Ok(());
    }
    let os = ctx.os;
    let xhci = os
        .device("qemu-xhci")
        .or_else(|| os.device("nec-xhci"))
        .cloned();
    let mut facts = Vec::new();
    let mut reasons = Vec::new();
    if xhci.is_some() || !ctx.x86 {
        match &xhci {
            Some(f) => {
                facts.push(f.clone());
                reasons.push(format!("{} has an xHCI driver", os.short_id));
            }
            None => reasons.push(format!("{} boards use xHCI (assumed driven)", ctx.family)),
        }
        let placement = placement::emulated_placement(ctx.board, true);
        let r = ctx.named("qemu-xhci", placement)?;
        let id = ctx.add("usb", "USB 3 controller", "usb", r, None, None);
        ctx.usb = Some(id);
        ctx.trace("qemu-xhci", reasons, facts);
        return Ok(());
    }
    reasons.push(format!(
        "the dataset lists no xHCI driver for {}",
        os.short_id
    ));
    if ctx.board == Board::Pcie {
        // libvirt places the ICH9 set at 00:1d on the root complex.
        let mut ids = Vec::new();
        for name in ["ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3"] {
            let r = ctx.named(name, Placement::PcieRoot)?;
            let role = if name == "ich9-ehci1" {
                "USB 2 controller (EHCI)"
            } else {
                "USB 1 companion (UHCI)"
            };
            let parent = ids.first().cloned();
            ids.push(ctx.add("usb", role, "usb", r, None, parent));
        }
        ctx.usb = ids.first().cloned();
        reasons
            .push("ICH9 EHCI with its UHCI companions, as libvirt's ich9-ehci1 model gives".into());
        ctx.trace("ich9-ehci1", reasons, facts);
    } else {
        let r = ctx.named("piix3-uhci", Placement::Integrated)?;
        let id = ctx.add(
            "usb",
            "USB 1 controller (integrated at 00:01.2)",
            "usb",
            r,
            None,
            None,
        );
        ctx.usb = Some(id);
        reasons.push("i440fx's PIIX3 UHCI".into());
        ctx.trace("piix3-uhci", reasons, facts);
    }
    Ok(())
}

pub(super) fn input(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let os = ctx.os;
    let mut reasons = Vec::new();
    let mut facts = Vec::new();
    let mut decision = Vec::new();
    if ctx.x86 {
        for (name, role) in [
            ("ps2-keyboard", "PS/2 keyboard"),
            ("ps2-mouse", "PS/2 mouse"),
        ] {
            let r = ctx.named(name, Placement::Ps2)?;
            ctx.add("input", role, "input", r, Some("ps2"), None);
        }
        reasons.push(
            "the chipset's PS/2 keyboard and mouse (libvirt adds them by itself; stated here)"
                .into(),
        );
        decision.push("ps2");
    }
    let Some(usb) = ctx.usb.clone() else {
        ctx.trace(
            if decision.is_empty() {
                "none".into()
            } else {
                decision.join(" + ")
            },
            reasons,
            facts,
        );
        return Ok(());
    };
    if !ctx.x86 {
        let r = ctx.named("usb-keyboard", Placement::Usb)?;
        ctx.add(
            "input",
            "USB keyboard",
            "input",
            r,
            Some("usb"),
            Some(usb.clone()),
        );
        decision.push("usb keyboard");
        reasons.push(format!("{} has no PS/2", ctx.family));
    }
    let tablet = os.device("tablet").cloned();
    if tablet.is_some() || !ctx.x86 {
        if let Some(f) = tablet {
            facts.push(f);
            reasons.push(format!(
                "{} drives the USB tablet (absolute pointer)",
                os.short_id
            ));
        }
        let r = ctx.named("tablet", Placement::Usb)?;
        ctx.add("input", "USB tablet", "input", r, Some("usb"), Some(usb));
        decision.push("usb tablet");
    } else {
        reasons.push(format!(
            "no USB tablet: the dataset does not say {} drives one",
            os.short_id
        ));
    }
    ctx.trace(decision.join(" + "), reasons, facts);
    Ok(())
}
