//! The display rules: the remote display (SPICE or VNC) with the SPICE
//! agent channel, the video device, and sound.

use super::*;

pub(super) fn graphics(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    if ctx.family == "s390-ccw-virtio" {
        ctx.graphics = "none";
        ctx.trace(
            "none",
            vec!["s390x guests use the serial (SCLP) console".into()],
            Vec::new(),
        );
        return Ok(());
    }
    let mut reasons = Vec::new();
    let spice = ctx.hosts().iter().all(|h| h.spice.available);
    for h in ctx.hosts() {
        reasons.push(h.spice.why.clone());
    }
    ctx.graphics = if spice { "spice" } else { "vnc" };
    reasons.push(if spice {
        "SPICE: every host offers it (clipboard, resizing and sound through the SPICE agent and client)".to_string()
    } else {
        format!(
            "VNC: not every host ({}) offers SPICE",
            ctx.host_names()
        )
    });
    let mut facts = Vec::new();
    // The SPICE agent's channel sits on the virtio-serial controller.
    let controller = ctx
        .devices
        .iter()
        .find(|d| d.id.starts_with("vserial"))
        .map(|d| d.id.clone());
    if let Some(f) = &ctx.os.spice_agent {
        facts.push(f.fact.clone());
    }
    let agent = ctx.os.spice_agent.as_ref().is_none_or(|f| f.yes);
    let decision = match (spice, controller, agent) {
        (true, Some(controller), true) => {
            ctx.add_plain(
                "console",
                "SPICE agent channel com.redhat.spice.0",
                "spicech",
                "virtserialport",
                None,
                Some("virtio"),
                Placement::VirtioSerial,
                Some(controller),
            );
            reasons.push(
                "a SPICE agent channel on the virtio-serial controller (clipboard, display resizing)"
                    .into(),
            );
            "spice + agent channel"
        }
        (true, None, _) => {
            reasons.push(format!(
                "no SPICE agent channel: {} drives no virtio-serial controller",
                ctx.os.short_id
            ));
            "spice"
        }
        (true, Some(_), false) => {
            reasons.push(format!(
                "no SPICE agent channel: {} has no SPICE agent",
                ctx.os.short_id
            ));
            "spice"
        }
        (false, _, _) => "vnc",
    };
    ctx.trace(decision, reasons, facts);
    Ok(())
}

pub(super) fn video(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let os = ctx.os;
    let gpu = vclass("gpu");
    let mut reasons = Vec::new();
    let mut facts = Vec::new();
    if ctx.family == "s390-ccw-virtio" {
        ctx.trace(
            "none",
            vec!["s390x guests use the serial (SCLP) console".into()],
            facts,
        );
        return Ok(());
    }
    // Modern-only: virtio-gpu only when the OS drives its modern interface.
    match ctx.virtio_mode(gpu) {
        Ok((mode, r, f)) if os.virtio(gpu).modern => {
            let prefer = if ctx.x86 {
                "virtio-vga"
            } else {
                "virtio-gpu-pci"
            };
            if ctx.all_have(prefer) {
                let mut dev = ctx.virtio_device(gpu, mode, Some(prefer))?;
                if ctx.x86 {
                    // The primary display sits on the root bus like other VGA devices.
                    dev.placement = if ctx.board == Board::Pcie {
                        Placement::PcieRoot
                    } else {
                        Placement::PciSlot
                    };
                }
                reasons.extend(r);
                reasons.push(format!("{} has a modern virtio-gpu driver", os.short_id));
                facts.extend(f);
                ctx.add("video", "display", "video", dev, None, None);
                ctx.trace("virtio", reasons, facts);
                return Ok(());
            }
        }
        Ok((_, _, f)) | Err((_, f)) => {
            facts.extend(f);
            reasons.push(format!(
                "no modern virtio-gpu driver for {} (a modern-only device)",
                os.short_id
            ));
        }
    }
    let primary = if ctx.board == Board::Pcie {
        Placement::PcieRoot
    } else {
        Placement::PciSlot
    };
    let qxl_inbox = os.device("qxl").cloned();
    let qxl_driver =
        os.driver_device("qxl") && ctx.target.policy.drivers == DriversPolicy::VirtioWin;
    let qxl_os = qxl_inbox.is_some() || qxl_driver;
    if ctx.x86 && qxl_os && ctx.graphics != "spice" {
        reasons.push(format!(
            "{} drives QXL, but the display is {}: QXL's acceleration needs SPICE",
            os.short_id, ctx.graphics
        ));
    }
    if ctx.x86 && qxl_os && ctx.graphics == "spice" && ctx.all_have("qxl-vga") {
        facts.extend(qxl_inbox);
        reasons.push(if qxl_driver {
            "the QXL driver comes with virtio-win's guest tools (--drivers virtio-win)".to_string()
        } else {
            format!("{} drives QXL", os.short_id)
        });
        let mut r = ctx.named("qxl", primary)?;
        r.qemu_device = Some("qxl-vga".into());
        ctx.add("video", "display", "video", r, None, None);
        ctx.trace("qxl", reasons, facts);
        return Ok(());
    }
    if ctx.x86 || ctx.family == "pseries" {
        reasons.push("standard VGA: every x86 OS drives it (VESA/VGA), installers included".into());
        let r = ctx.named("vga", primary)?;
        ctx.add("video", "display", "video", r, None, None);
        ctx.trace("vga", reasons, facts);
    } else {
        reasons.push("ramfb: a boot framebuffer without PCI".into());
        ctx.add_plain(
            "video",
            "display (boot framebuffer)",
            "video",
            "ramfb",
            Some("ramfb"),
            None,
            Placement::Platform,
            None,
        );
        ctx.trace("ramfb", reasons, facts);
    }
    Ok(())
}

/// The sound devices, best first, for a chipset: HD Audio as ICH9 (q35's
/// own), ICH6, then AC97; on i440fx ICH6 first.
fn sound_order(pcie: bool) -> [&'static str; 3] {
    if pcie {
        ["ich9-hda", "ich6", "ac97"]
    } else {
        ["ich6", "ich9-hda", "ac97"]
    }
}

pub(super) fn sound(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let os = ctx.os;
    let mut facts = Vec::new();
    if !ctx.x86 {
        ctx.trace(
            "none",
            vec![format!("no emulated sound device on {}", ctx.family)],
            facts,
        );
        return Ok(());
    }
    if ctx.graphics != "spice" {
        ctx.trace(
            "none",
            vec![format!(
                "the display is {}, which carries no sound",
                ctx.graphics
            )],
            facts,
        );
        return Ok(());
    }
    let (desktop, why) = match ctx.target.policy.profile {
        ProfilePolicy::Desktop => (true, "--profile desktop".to_string()),
        ProfilePolicy::Server => (false, "--profile server".to_string()),
        ProfilePolicy::Auto => match &os.desktop {
            Some(f) => {
                facts.push(f.fact.clone());
                (
                    f.yes,
                    format!(
                        "{} {} a desktop release",
                        os.short_id,
                        if f.yes { "is" } else { "is not" }
                    ),
                )
            }
            None => (
                true,
                format!(
                    "the data does not say {} is a server-only release",
                    os.short_id
                ),
            ),
        },
    };
    if !desktop {
        ctx.trace("none", vec![why, "no sound for a server".into()], facts);
        return Ok(());
    }
    let pcie = ctx.board == Board::Pcie;
    let choice = sound_order(pcie)
        .into_iter()
        .find(|n| os.device(n).is_some() && ctx.all_have(&qemu_of(ctx.catalogue, n)));
    let Some(name) = choice else {
        ctx.trace(
            "none",
            vec![
                why,
                format!(
                    "the data lists no sound device {} drives that every host has",
                    os.short_id
                ),
            ],
            facts,
        );
        return Ok(());
    };
    facts.extend(os.device(name).cloned());
    // libvirt puts ICH9 HD Audio on q35's root complex (00:1b), like the
    // real chipset; the others are conventional PCI cards.
    let placement = match (name, pcie) {
        ("ich9-hda", true) => Placement::PcieRoot,
        (_, true) => Placement::PciBridge,
        _ => Placement::PciSlot,
    };
    let r = ctx.named(name, placement)?;
    let role = if name == "ac97" {
        "sound (AC97)"
    } else {
        "sound (HD Audio, codec hda-duplex)"
    };
    ctx.add("sound", role, "sound", r, None, None);
    ctx.trace(
        name,
        vec![
            why,
            format!("{} drives {name}, heard through SPICE", os.short_id),
        ],
        facts,
    );
    Ok(())
}

/// The first QEMU device name of catalogue device `name`.
pub(super) fn qemu_of(catalogue: &[DeviceModel], name: &str) -> String {
    catalogue
        .iter()
        .find(|d| d.name == name)
        .and_then(|d| d.qemu_devices.first())
        .map(|r| r.name.clone())
        .unwrap_or_else(|| name.to_string())
}
