//! The recommendation as a QEMU command line. Devices are placed where the
//! recommendation says (and where libvirt would put them): PCI Express
//! devices each behind a `pcie-root-port`, conventional PCI ones behind a
//! `pcie-pci-bridge`, the primary display at 00:01.0 and the ICH9 USB set at
//! 00:1d on q35; everything on `pci.0` on i440fx.

use super::{shell, Network, Options};
use crate::recommend::{Device, Placement, Recommendation};

/// The QEMU binary for an architecture.
pub fn binary(arch: &str) -> String {
    format!("qemu-system-{}", crate::host::qemu_target(arch))
}

/// Escapes a value inside a QEMU `-device a=b,c=d` list (commas double).
fn opt(v: &str) -> String {
    v.replace(',', ",,")
}

/// The bus and address options of a device at its recommended place.
fn bus_of(rec: &Recommendation, d: &Device, bridge_slot: &mut u32) -> String {
    match d.placement {
        Placement::PcieRootPort => match &d.parent {
            Some(p) => format!(",bus={p}"),
            None => String::new(),
        },
        Placement::PciBridge => {
            *bridge_slot += 1;
            match &d.parent {
                Some(p) => format!(",bus={p},addr=0x{:x}", *bridge_slot),
                None => String::new(),
            }
        }
        Placement::PcieRoot => {
            let root = "pcie.0";
            match (d.class, d.libvirt_model.as_deref()) {
                ("video", _) => format!(",bus={root},addr=0x1"),
                ("sound", Some("ich9")) => format!(",bus={root},addr=0x1b"),
                ("usb", Some("ich9-ehci1")) => format!(",bus={root},addr=0x1d.0x7"),
                ("usb", Some(m)) if m.starts_with("ich9-uhci") => {
                    let n: u32 = m.trim_start_matches("ich9-uhci").parse().unwrap_or(1);
                    let master = rec
                        .of_class("usb")
                        .find(|u| u.libvirt_model.as_deref() == Some("ich9-ehci1"))
                        .map(|u| u.id.clone())
                        .unwrap_or_else(|| "usb0".into());
                    format!(
                        ",bus={root},addr=0x1d.0x{},masterbus={master}.0,firstport={}{}",
                        n - 1,
                        (n - 1) * 2,
                        if n == 1 { ",multifunction=on" } else { "" }
                    )
                }
                ("controller", Some("pcie-root-port")) | (_, _) => format!(",bus={root}"),
            }
        }
        Placement::PciSlot => match d.class {
            "video" => ",bus=pci.0,addr=0x2".to_string(),
            _ => ",bus=pci.0".to_string(),
        },
        Placement::Integrated => match d.catalogue.as_deref() {
            Some("piix3-uhci") => ",bus=pci.0,addr=0x1.0x2".to_string(),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// The command line as arguments (the binary first).
pub fn argv(rec: &Recommendation, opts: &Options) -> Vec<String> {
    let mut a: Vec<String> = vec![binary(&rec.arch)];
    let mut push = |v: &[&str]| a.extend(v.iter().map(|s| s.to_string()));
    let name = opts.name(rec);
    let kvm = rec.domain_type == "kvm";
    let mut machine = format!(
        "{},accel={}",
        rec.machine.name,
        if kvm { "kvm" } else { "tcg" }
    );
    if rec.firmware.smm {
        machine.push_str(",smm=on");
    }
    if rec.platform.vmport == Some(false) {
        machine.push_str(",vmport=off");
    }
    if rec
        .clock
        .timers
        .iter()
        .any(|t| t.name == "hpet" && t.present == Some(false))
    {
        machine.push_str(",hpet=off");
    }
    push(&["-name", &opt(&name), "-machine", &machine]);
    if let Some(cpu) = cpu_arg(rec) {
        push(&["-cpu", &cpu]);
    }
    let r = &rec.resources;
    push(&[
        "-m",
        &format!("{}M", r.memory_mib),
        "-smp",
        &r.vcpus.to_string(),
        "-nodefaults",
        "-no-user-config",
    ]);
    push(&["-rtc", &rtc_arg(rec)]);
    if kvm
        && rec
            .clock
            .timers
            .iter()
            .any(|t| t.name == "pit" && t.tickpolicy.as_deref() == Some("delay"))
    {
        // As libvirt does; QEMU's emulated PIT (TCG) delays already.
        push(&["-global", "kvm-pit.lost_tick_policy=delay"]);
    }
    let pm_device = if rec.machine.family == "q35" {
        "ICH9-LPC"
    } else {
        "PIIX4_PM"
    };
    for (state, off) in [
        ("disable_s3", rec.platform.suspend_to_mem == Some(false)),
        ("disable_s4", rec.platform.suspend_to_disk == Some(false)),
    ] {
        if off {
            push(&["-global", &format!("{pm_device}.{state}=1")]);
        }
    }
    if let Some(kernel) = &rec.firmware.kernel {
        // The board's own firmware (riscv64: OpenSBI, QEMU's default -bios)
        // starts this payload (U-Boot), which offers UEFI to the OS.
        push(&["-kernel", &opt(kernel)]);
    } else if rec.firmware.kind == "efi" {
        if let Some(code) = &rec.firmware.code {
            push(&[
                "-drive",
                &format!("if=pflash,format=raw,unit=0,readonly=on,file={}", opt(code)),
            ]);
            let vars = opts
                .efi_vars
                .clone()
                .unwrap_or_else(|| format!("{name}_VARS.fd"));
            push(&[
                "-drive",
                &format!("if=pflash,format=raw,unit=1,file={}", opt(&vars)),
            ]);
        }
        // Flash writable only from SMM: the x86 Secure Boot builds need it.
        // On Arm `secure=on` would hide the flash from the non-secure world
        // AAVMF runs in, and the firmware would never start.
        if rec.firmware.secure_boot && rec.firmware.smm {
            push(&["-global", "driver=cfi.pflash01,property=secure,value=on"]);
        }
    }
    let chardev = |id: &str| -> String {
        if opts.for_test {
            format!("null,id={id}")
        } else {
            format!("pty,id={id}")
        }
    };
    let mut bridge_slot = 0u32;
    let mut cds = 0u32;
    // Buses before the devices on them (root ports, then the bridge), and
    // devices at fixed addresses (display, ICH9 USB) before the automatically
    // placed ones, which would otherwise take those slots.
    let rank = |d: &Device| match (d.catalogue.as_deref(), d.class) {
        (Some("pcie-root-port"), _) => 0,
        (Some("pcie-pci-bridge"), _) => 1,
        (_, "video") => 2,
        (_, "usb") => 3,
        _ => 4,
    };
    let mut ordered: Vec<&Device> = rec.devices.iter().collect();
    ordered.sort_by_key(|d| rank(d));
    for d in ordered {
        let Some(qemu) = d.qemu_device.clone() else {
            continue;
        };
        let at = bus_of(rec, d, &mut bridge_slot);
        let id = &d.id;
        match d.class {
            "controller" => match d.catalogue.as_deref() {
                Some("pcie-root-port") => {
                    // As libvirt does: eight ports per slot from 00:02.0, multifunction.
                    let k = id.trim_start_matches("rp").parse::<u32>().unwrap_or(0);
                    let (slot, function) = (2 + k / 8, k % 8);
                    let multi = if function == 0 {
                        ",multifunction=on"
                    } else {
                        ""
                    };
                    push(&[
                        "-device",
                        &format!(
                            "pcie-root-port,id={id},chassis={},bus=pcie.0,addr=0x{slot:x}.0x{function}{multi}",
                            k + 1
                        ),
                    ]);
                }
                Some("pcie-pci-bridge") => {
                    push(&["-device", &format!("pcie-pci-bridge,id={id}{at}")]);
                }
                _ => {} // integrated in the chipset
            },
            "disk" => {
                let drive = if opts.for_test {
                    format!("if=none,id={id}-drive,driver=null-co")
                } else {
                    format!(
                        "if=none,id={id}-drive,file={},format={}",
                        opt(&opts.disk(rec)),
                        opts.disk_format(rec)
                    )
                };
                push(&["-drive", &drive]);
                let extra = match d.libvirt_bus.as_deref() {
                    Some("sata") => ",bus=ide.0".to_string(),
                    Some("ide") => ",bus=ide.0,unit=0".to_string(),
                    Some("usb") => format!(",bus={}.0", d.parent.as_deref().unwrap_or("usb0")),
                    _ => at,
                };
                push(&[
                    "-device",
                    &format!("{qemu},id={id},drive={id}-drive{extra},bootindex=2"),
                ]);
            }
            "cdrom" => {
                let mut drive = format!("if=none,id={id}-drive,media=cdrom,readonly=on");
                if let Some(iso) = opts.medium(d) {
                    drive.push_str(&format!(",file={},format=raw", opt(&iso)));
                }
                push(&["-drive", &drive]);
                // The install medium first (the AHCI port or IDE unit after
                // the disk's), the driver medium after it.
                let extra = match (d.libvirt_bus.as_deref(), &d.parent) {
                    (Some("sata"), _) => format!(",bus=ide.{}", 1 + cds),
                    (Some("ide"), _) => format!(",bus=ide.1,unit={cds}"),
                    (Some("scsi"), Some(p)) => format!(",bus={p}.0"),
                    (Some("usb"), p) => format!(",bus={}.0", p.as_deref().unwrap_or("usb0")),
                    _ => String::new(),
                };
                let boot = if d.medium == Some("drivers") {
                    String::new()
                } else {
                    ",bootindex=1".to_string()
                };
                cds += 1;
                push(&[
                    "-device",
                    &format!("{qemu},id={id},drive={id}-drive{extra}{boot}"),
                ]);
            }
            "scsi" => push(&["-device", &format!("{qemu},id={id}{at}")]),
            "net" => {
                let netdev = match (&opts.network, opts.for_test) {
                    (Network::Bridge(b), false) => format!("bridge,id={id}-netdev,br={}", opt(b)),
                    _ => format!("user,id={id}-netdev"),
                };
                push(&["-netdev", &netdev]);
                push(&["-device", &format!("{qemu},id={id},netdev={id}-netdev{at}")]);
            }
            "rng" => {
                push(&[
                    "-object",
                    &format!("rng-random,id={id}-backend,filename=/dev/urandom"),
                ]);
                push(&["-device", &format!("{qemu},id={id},rng={id}-backend{at}")]);
            }
            "balloon" => push(&["-device", &format!("{qemu},id={id}{at}")]),
            "console" => match qemu.as_str() {
                "isa-serial" | "spapr-vty" | "sclpconsole" => {
                    push(&["-chardev", &chardev(&format!("{id}-chr"))]);
                    push(&["-device", &format!("{qemu},id={id},chardev={id}-chr")]);
                }
                "pl011" | "16550a" => {
                    let backend = if opts.for_test { "null" } else { "pty" };
                    push(&["-serial", backend]);
                }
                "virtserialport" if id.starts_with("spicech") => {
                    let parent = d.parent.clone().unwrap_or_default();
                    let chr = if opts.for_test {
                        format!("null,id={id}-chr")
                    } else {
                        format!("spicevmc,id={id}-chr,name=vdagent")
                    };
                    push(&["-chardev", &chr]);
                    push(&[
                        "-device",
                        &format!(
                            "virtserialport,bus={parent}.0,nr=2,chardev={id}-chr,name=com.redhat.spice.0"
                        ),
                    ]);
                }
                "virtserialport" => {
                    let parent = d.parent.clone().unwrap_or_default();
                    let chr = if opts.for_test {
                        format!("null,id={id}-chr")
                    } else {
                        format!(
                            "socket,id={id}-chr,path=/run/{}-qga.sock,server=on,wait=off",
                            opt(&name)
                        )
                    };
                    push(&["-chardev", &chr]);
                    push(&[
                        "-device",
                        &format!(
                            "virtserialport,bus={parent}.0,nr=1,chardev={id}-chr,name=org.qemu.guest_agent.0"
                        ),
                    ]);
                }
                _ => push(&["-device", &format!("{qemu},id={id}{at}")]),
            },
            "usb" => push(&["-device", &format!("{qemu},id={id}{at}")]),
            "input" if d.placement == Placement::Usb => {
                let bus = d.parent.clone().unwrap_or_else(|| "usb0".into());
                push(&["-device", &format!("{qemu},id={id},bus={bus}.0")]);
            }
            "video" => {
                if qemu == "ramfb" {
                    push(&["-device", &format!("ramfb,id={id}")]);
                } else {
                    push(&["-device", &format!("{qemu},id={id}{at}")]);
                }
            }
            "sound" => {
                let audiodev = format!("audiodev={AUDIODEV}");
                if d.libvirt_model.as_deref() == Some("ac97") {
                    push(&["-device", &format!("{qemu},id={id},{audiodev}{at}")]);
                } else {
                    push(&["-device", &format!("{qemu},id={id}{at}")]);
                    push(&[
                        "-device",
                        &format!("hda-duplex,id={id}-codec0,bus={id}.0,cad=0,{audiodev}"),
                    ]);
                }
            }
            "tpm" => {
                let socket = opts
                    .tpm_socket
                    .clone()
                    .unwrap_or_else(|| format!("/run/{name}-swtpm.sock"));
                push(&[
                    "-chardev",
                    &format!("socket,id={id}-chr,path={}", opt(&socket)),
                ]);
                push(&["-tpmdev", &format!("emulator,id={id}-dev,chardev={id}-chr")]);
                push(&["-device", &format!("{qemu},tpmdev={id}-dev")]);
            }
            _ => {}
        }
    }
    let sound = rec.of_class("sound").next().is_some();
    if opts.for_test {
        push(&["-display", "none"]);
        if sound {
            push(&["-audiodev", &format!("none,id={AUDIODEV}")]);
        }
    } else if rec.of_class("video").next().is_some() {
        if rec.graphics.kind == "spice" {
            push(&["-spice", "port=5900,addr=127.0.0.1,disable-ticketing=on"]);
            if sound {
                push(&["-audiodev", &format!("spice,id={AUDIODEV}")]);
            }
        } else {
            push(&["-vnc", "127.0.0.1:0"]);
        }
    } else {
        push(&["-nographic"]);
    }
    a
}

/// The id of the audio backend the sound device plays through.
const AUDIODEV: &str = "audio0";

/// `-cpu`: the model (`host` for host-passthrough, `max` for maximum, the
/// named model for custom and, as QEMU has no host-model, for host-model),
/// its features, and the Hyper-V enlightenments as `hv-*` properties.
pub fn cpu_arg(rec: &Recommendation) -> Option<String> {
    let c = &rec.cpu;
    let mut arg = match c.mode.as_str() {
        "host-passthrough" => "host".to_string(),
        "maximum" => "max".to_string(),
        "custom" | "host-model" => c.model.clone().unwrap_or_else(|| "qemu64".into()),
        _ if rec.hyperv.mode == "custom" && rec.hyperv.features.is_empty() => return None,
        _ => "qemu64".to_string(),
    };
    for f in &c.features {
        arg.push_str(&format!(",{}=on", opt(f)));
    }
    if rec.hyperv.mode == "passthrough" {
        arg.push_str(",hv-passthrough=on");
    }
    for f in &rec.hyperv.features {
        match &f.value {
            Some(v) => arg.push_str(&format!(",{}={}", f.qemu_property, opt(v))),
            None => arg.push_str(&format!(",{}=on", f.qemu_property)),
        }
    }
    Some(arg)
}

/// `-rtc`: the clock's base, and slewing (libvirt's RTC `catchup`).
fn rtc_arg(rec: &Recommendation) -> String {
    let catchup = rec
        .clock
        .timers
        .iter()
        .any(|t| t.name == "rtc" && t.tickpolicy.as_deref() == Some("catchup"));
    format!(
        "base={}{}",
        rec.clock.offset,
        if catchup { ",driftfix=slew" } else { "" }
    )
}

/// The command line for a shell, one option per line, with the set-up it
/// needs (UEFI variables copy, swtpm) as comments.
pub fn render(rec: &Recommendation, opts: &Options) -> String {
    let name = opts.name(rec);
    let mut out = shell::comment(&format!(
        "{} on {} ({}): machine {}",
        rec.os.short_id, rec.host, rec.arch, rec.machine.name
    ));
    if rec.firmware.kind == "efi" && rec.firmware.kernel.is_none() {
        match (&rec.firmware.code, &rec.firmware.vars) {
            (Some(_), Some(vars)) => out.push_str(&shell::comment(&format!(
                "first: cp {} {}",
                shell::quote(vars),
                shell::quote(
                    &opts
                        .efi_vars
                        .clone()
                        .unwrap_or_else(|| format!("{name}_VARS.fd"))
                )
            ))),
            _ => out.push_str(&shell::comment(
                "the host profile names no UEFI firmware files: add -drive if=pflash for them",
            )),
        }
    }
    if rec.firmware.tpm.is_some() {
        let socket = opts
            .tpm_socket
            .clone()
            .unwrap_or_else(|| format!("/run/{name}-swtpm.sock"));
        out.push_str(&shell::comment(&format!(
            "first: swtpm socket --tpm2 --tpmstate dir={} --ctrl type=unixio,path={}",
            shell::quote(&format!("/var/lib/{name}-tpm")),
            shell::quote(&socket)
        )));
    }
    let args = argv(rec, opts);
    let mut line = shell::quote(&args[0]);
    let mut i = 1;
    while i < args.len() {
        out.push_str(&line);
        out.push_str(" \\\n");
        line = format!("    {}", shell::quote(&args[i]));
        if args[i].starts_with('-') && i + 1 < args.len() && !args[i + 1].starts_with('-') {
            line.push(' ');
            line.push_str(&shell::quote(&args[i + 1]));
            i += 1;
        }
        i += 1;
    }
    out.push_str(&line);
    out.push('\n');
    out
}
