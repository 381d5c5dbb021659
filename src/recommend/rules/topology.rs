//! The PCI topology rule: root ports, the pcie-to-pci-bridge and the
//! chipset's integrated functions.

use super::*;

pub(super) fn pci_topology(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    if ctx.board != Board::Pcie {
        let slots = ctx
            .devices
            .iter()
            .filter(|d| d.placement == Placement::PciSlot)
            .count();
        ctx.trace(
            if ctx.board == Board::Pci {
                "root bus"
            } else {
                "none"
            },
            vec![if ctx.board == Board::Pci {
                format!("{slots} devices on conventional PCI slots of the root bus")
            } else {
                "no PCI: virtio devices on the channel subsystem".to_string()
            }],
            Vec::new(),
        );
        if ctx.x86 && ctx.board == Board::Pci {
            add_internals(
                ctx,
                &["i440fx-host-bridge", "piix3-isa", "piix3-ide", "piix4-acpi"],
            )?;
        }
        return Ok(());
    }
    let mut reasons = Vec::new();
    let needs_bridge = ctx
        .devices
        .iter()
        .any(|d| d.placement == Placement::PciBridge);
    let mut ports = 0;
    let mut bridge_id = None;
    if needs_bridge {
        ports += 1;
        let port = ctx.named("pcie-root-port", Placement::PcieRoot)?;
        let port_id = ctx.add(
            "controller",
            "PCIe root port (for the pcie-to-pci-bridge)",
            "rp",
            port,
            None,
            None,
        );
        let bridge = ctx.named("pcie-pci-bridge", Placement::PcieRootPort)?;
        bridge_id = Some(ctx.add(
            "controller",
            "pcie-to-pci-bridge (conventional PCI slots)",
            "pcibr",
            bridge,
            None,
            Some(port_id),
        ));
        reasons.push("conventional PCI devices (transitional virtio, PCI-only emulated cards) go behind a pcie-to-pci-bridge".into());
    }
    let endpoints: Vec<usize> = ctx
        .devices
        .iter()
        .enumerate()
        .filter(|(_, d)| d.placement == Placement::PcieRootPort && d.class != "controller")
        .map(|(i, _)| i)
        .collect();
    let root_port = ctx.named("pcie-root-port", Placement::PcieRoot)?;
    for i in endpoints {
        ports += 1;
        let port = ctx.add(
            "controller",
            "PCIe root port",
            "rp",
            root_port.clone(),
            None,
            None,
        );
        ctx.devices[i].parent = Some(port);
    }
    if let Some(b) = bridge_id {
        for d in ctx
            .devices
            .iter_mut()
            .filter(|d| d.placement == Placement::PciBridge && d.class != "controller")
        {
            d.parent = Some(b.clone());
        }
    }
    // A free port for hot-plugging a device later; libvirt adds one by itself.
    ports += 1;
    ctx.add(
        "controller",
        "PCIe root port (free, for hot-plug)",
        "rp",
        root_port,
        None,
        None,
    );
    reasons.push(format!(
        "{ports} pcie-root-port(s): one per PCI Express device, as libvirt plugs them, and a free one for hot-plug (libvirt adds it by itself)"
    ));
    if ctx.x86 {
        add_internals(
            ctx,
            &["q35-host-bridge", "ich9-lpc", "ich9-ahci", "ich9-smbus"],
        )?;
    } else {
        add_internals(ctx, &["gpex-host-bridge"])?;
    }
    ctx.trace(
        format!(
            "{ports} root ports{}",
            if needs_bridge {
                " and a pcie-to-pci-bridge"
            } else {
                ""
            }
        ),
        reasons,
        Vec::new(),
    );
    Ok(())
}

/// The chipset's integrated PCI functions the guest always sees.
pub(super) fn add_internals(ctx: &mut Ctx, names: &[&str]) -> Result<(), NoRecommendation> {
    for name in names {
        if ctx
            .devices
            .iter()
            .any(|d| d.catalogue.as_deref() == Some(*name))
        {
            continue;
        }
        let r = ctx.named(name, Placement::Integrated)?;
        {
            let role = match *name {
                "q35-host-bridge" | "i440fx-host-bridge" | "gpex-host-bridge" => {
                    "chipset: host bridge (00:00.0)"
                }
                "ich9-lpc" => "chipset: LPC/ISA bridge (00:1f.0)",
                "ich9-smbus" => "chipset: SMBus (00:1f.3)",
                "piix3-isa" => "chipset: ISA bridge (00:01.0)",
                "piix4-acpi" => "chipset: ACPI/power management (00:01.3)",
                _ => "chipset",
            };
            ctx.add("controller", role, "chip", r, None, None);
        }
    }
    Ok(())
}
