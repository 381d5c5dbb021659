//! The recommendation as a complete libvirt domain XML. Every device libvirt
//! would otherwise add by itself (memballoon, USB controller, video, input,
//! serial console, the virtio-serial controller a channel needs) is stated
//! with a model the OS drives, or disabled with `model='none'`. PCI
//! controllers and addresses are left to libvirt, which places PCI Express
//! devices behind root ports and conventional PCI ones (transitional virtio,
//! e1000) behind a pcie-to-pci-bridge on q35, as the recommendation says.

use super::{Network, Options};
use crate::recommend::{Device, Recommendation};
use std::fmt::Write;

use super::xml::escape as esc;

fn model_attr(d: &Device) -> String {
    match &d.libvirt_model {
        Some(m) => format!(" model='{}'", esc(m)),
        None => String::new(),
    }
}

/// Disk target names: vda.. for virtio, sda.. for SATA/SCSI, hda.. for IDE.
fn target_dev(bus: &str, n: &mut [usize; 3]) -> String {
    let (prefix, k) = match bus {
        "virtio" => ("vd", 0),
        "ide" => ("hd", 2),
        _ => ("sd", 1),
    };
    let letter = (b'a' + (n[k] as u8 % 26)) as char;
    n[k] += 1;
    format!("{prefix}{letter}")
}

/// The recommendation as a libvirt domain XML.
pub fn render(rec: &Recommendation, opts: &Options) -> String {
    let name = opts.name(rec);
    let mut x = String::new();
    let _ = writeln!(x, "<domain type='{}'>", esc(&rec.domain_type));
    let _ = writeln!(x, "  <name>{}</name>", esc(&name));
    let _ = writeln!(
        x,
        "  <metadata>\n    <libosinfo:libosinfo xmlns:libosinfo='http://libosinfo.org/xmlns/libvirt/domain/1.0'>\n      <libosinfo:os id='{}'/>\n    </libosinfo:libosinfo>\n  </metadata>",
        esc(&rec.os.id)
    );
    let r = &rec.resources;
    let _ = writeln!(x, "  <memory unit='MiB'>{}</memory>", r.memory_mib);
    let _ = writeln!(
        x,
        "  <currentMemory unit='MiB'>{}</currentMemory>",
        r.memory_mib
    );
    let _ = writeln!(x, "  <vcpu placement='static'>{}</vcpu>", r.vcpus);
    // With a payload (riscv64's U-Boot) the board's own firmware starts it
    // and it offers UEFI: libvirt is not to look for a UEFI firmware image.
    let efi = rec.firmware.kind == "efi" && rec.firmware.kernel.is_none();
    let _ = writeln!(x, "  <os{}>", if efi { " firmware='efi'" } else { "" });
    let _ = writeln!(
        x,
        "    <type arch='{}' machine='{}'>hvm</type>",
        esc(&rec.arch),
        esc(&rec.machine.name)
    );
    if let Some(kernel) = &rec.firmware.kernel {
        let _ = writeln!(x, "    <kernel>{}</kernel>", esc(kernel));
    }
    if efi {
        let on = if rec.firmware.secure_boot {
            "yes"
        } else {
            "no"
        };
        let _ = writeln!(
            x,
            "    <firmware>\n      <feature enabled='{on}' name='secure-boot'/>\n      <feature enabled='{on}' name='enrolled-keys'/>\n    </firmware>"
        );
    }
    if rec.of_class("cdrom").next().is_some() && opts.cdrom.is_some() {
        let _ = writeln!(x, "    <boot dev='cdrom'/>");
    }
    let _ = writeln!(x, "    <boot dev='hd'/>");
    let _ = writeln!(x, "  </os>");
    let x86 = guestdb_data::model::is_x86_arch(&rec.arch);
    if x86 || rec.arch == "aarch64" {
        let _ = writeln!(x, "  <features>");
        let _ = writeln!(x, "    <acpi/>");
        if x86 {
            let _ = writeln!(x, "    <apic/>");
        }
        hyperv(&mut x, rec);
        if rec.platform.vmport == Some(false) {
            let _ = writeln!(x, "    <vmport state='off'/>");
        }
        if rec.firmware.smm {
            let _ = writeln!(x, "    <smm state='on'/>");
        }
        let _ = writeln!(x, "  </features>");
    }
    cpu(&mut x, rec);
    clock(&mut x, rec);
    let _ = writeln!(x, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>");
    let pm = |v: Option<bool>, name: &str| {
        v.map(|on| {
            format!(
                "\n    <{name} enabled='{}'/>",
                if on { "yes" } else { "no" }
            )
        })
    };
    let states: String = [
        pm(rec.platform.suspend_to_mem, "suspend-to-mem"),
        pm(rec.platform.suspend_to_disk, "suspend-to-disk"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !states.is_empty() {
        let _ = writeln!(x, "  <pm>{states}\n  </pm>");
    }
    let _ = writeln!(x, "  <devices>");
    let mut targets = [0usize; 3];
    for d in &rec.devices {
        let bus = d.libvirt_bus.as_deref().unwrap_or("");
        match d.class {
            "disk" => {
                let model = if bus == "virtio" {
                    model_attr(d)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    x,
                    "    <disk type='file' device='disk'{model}>\n      <driver name='qemu' type='{}'/>\n      <source file='{}'/>\n      <target dev='{}' bus='{}'/>\n    </disk>",
                    opts.disk_format(rec),
                    esc(&opts.disk(rec)),
                    target_dev(bus, &mut targets),
                    esc(bus)
                );
            }
            "cdrom" => {
                let source = opts
                    .medium(d)
                    .map(|c| format!("\n      <source file='{}'/>", esc(&c)))
                    .unwrap_or_default();
                let _ = writeln!(
                    x,
                    "    <disk type='file' device='cdrom'>\n      <driver name='qemu' type='raw'/>{source}\n      <target dev='{}' bus='{}'/>\n      <readonly/>\n    </disk>",
                    target_dev(bus, &mut targets),
                    esc(bus)
                );
            }
            "scsi" => {
                let _ = writeln!(
                    x,
                    "    <controller type='scsi' index='0'{}/>",
                    model_attr(d)
                );
            }
            "net" => {
                let (kind, source) = match &opts.network {
                    Network::User => ("user", String::new()),
                    Network::Libvirt(n) => {
                        ("network", format!("\n      <source network='{}'/>", esc(n)))
                    }
                    Network::Bridge(b) => {
                        ("bridge", format!("\n      <source bridge='{}'/>", esc(b)))
                    }
                };
                let _ = writeln!(
                    x,
                    "    <interface type='{kind}'>{source}\n      <model type='{}'/>\n    </interface>",
                    esc(d.libvirt_model.as_deref().unwrap_or("virtio"))
                );
            }
            "rng" => {
                let _ = writeln!(
                    x,
                    "    <rng{}>\n      <backend model='random'>/dev/urandom</backend>\n    </rng>",
                    model_attr(d)
                );
            }
            "balloon" => {
                let _ = writeln!(x, "    <memballoon{}/>", model_attr(d));
            }
            "console" => match d.id.as_str() {
                id if id.starts_with("serial") => match d.libvirt_model.as_deref() {
                    Some("sclp") => {
                        let _ = writeln!(x, "    <console type='pty'>\n      <target type='sclp' port='0'/>\n    </console>");
                    }
                    Some(model) => {
                        let target = match model {
                            "pl011" | "16550a" => "system-serial",
                            "spapr-vio-serial" => "spapr-vio-serial",
                            _ => "isa-serial",
                        };
                        let model_name = if model == "spapr-vio-serial" {
                            "spapr-vty"
                        } else {
                            model
                        };
                        let _ = writeln!(
                            x,
                            "    <serial type='pty'>\n      <target type='{target}' port='0'>\n        <model name='{model_name}'/>\n      </target>\n    </serial>\n    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>"
                        );
                    }
                    None => {}
                },
                id if id.starts_with("spicech") => {
                    let _ = writeln!(
                        x,
                        "    <channel type='spicevmc'>\n      <target type='virtio' name='com.redhat.spice.0'/>\n    </channel>"
                    );
                }
                id if id.starts_with("vserial") => {
                    let _ = writeln!(
                        x,
                        "    <controller type='virtio-serial' index='0'{}/>",
                        model_attr(d)
                    );
                }
                _ => {
                    let _ = writeln!(
                        x,
                        "    <channel type='unix'>\n      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>"
                    );
                }
            },
            "usb" => {
                let model = d.libvirt_model.as_deref().unwrap_or("qemu-xhci");
                let startport = match model {
                    "ich9-uhci1" => Some(0),
                    "ich9-uhci2" => Some(2),
                    "ich9-uhci3" => Some(4),
                    _ => None,
                };
                match startport {
                    Some(p) => {
                        let _ = writeln!(
                            x,
                            "    <controller type='usb' index='0' model='{model}'>\n      <master startport='{p}'/>\n    </controller>"
                        );
                    }
                    None => {
                        let _ = writeln!(
                            x,
                            "    <controller type='usb' index='0' model='{}'/>",
                            esc(model)
                        );
                    }
                }
            }
            "input" => {
                let kind = match d.libvirt_model.as_deref() {
                    Some("tablet") => "tablet",
                    Some("keyboard") => "keyboard",
                    _ => "mouse",
                };
                let _ = writeln!(
                    x,
                    "    <input type='{kind}' bus='{}'/>",
                    esc(if bus.is_empty() { "ps2" } else { bus })
                );
            }
            "video" => {
                let model = d.libvirt_model.as_deref().unwrap_or("vga");
                let _ = writeln!(
                    x,
                    "    <video>\n      <model type='{}' primary='yes'/>\n    </video>",
                    esc(model)
                );
            }
            "sound" => {
                let _ = writeln!(x, "    <sound{}/>", model_attr(d));
            }
            "tpm" => {
                let version = rec
                    .firmware
                    .tpm
                    .as_ref()
                    .map(|t| t.version.as_str())
                    .unwrap_or("2.0");
                let _ = writeln!(
                    x,
                    "    <tpm{}>\n      <backend type='emulator' version='{}'/>\n    </tpm>",
                    model_attr(d),
                    esc(version)
                );
            }
            "controller" if d.catalogue.as_deref() == Some("ich9-ahci") => {
                let _ = writeln!(x, "    <controller type='sata' index='0'/>");
            }
            _ => {}
        }
    }
    if rec.of_class("usb").next().is_none() {
        let _ = writeln!(x, "    <controller type='usb' model='none'/>");
    }
    if rec.of_class("video").next().is_some() {
        let extra = if rec.graphics.kind == "spice" {
            "\n      <image compression='off'/>"
        } else {
            ""
        };
        let kind = if rec.graphics.kind == "spice" {
            "spice"
        } else {
            "vnc"
        };
        let _ = writeln!(
            x,
            "    <graphics type='{kind}' autoport='yes' listen='127.0.0.1'>\n      <listen type='address' address='127.0.0.1'/>{extra}\n    </graphics>"
        );
    } else if rec.arch != "s390x" {
        let _ = writeln!(x, "    <video>\n      <model type='none'/>\n    </video>");
    }
    let _ = writeln!(x, "  </devices>");
    let _ = writeln!(x, "</domain>");
    x
}

/// `<hyperv>` inside `<features>`: the enlightenments (`hypervclock` is a
/// clock timer; `stimer-direct` the `<direct>` child of `<stimer>`).
fn hyperv(x: &mut String, rec: &Recommendation) {
    let h = &rec.hyperv;
    if h.mode == "passthrough" {
        let _ = writeln!(x, "    <hyperv mode='passthrough'/>");
        return;
    }
    let features: Vec<_> = h
        .features
        .iter()
        .filter(|f| f.name != "hypervclock" && f.name != "stimer-direct")
        .collect();
    if features.is_empty() {
        return;
    }
    let _ = writeln!(x, "    <hyperv mode='custom'>");
    for f in features {
        let name = esc(&f.name);
        match (f.name.as_str(), &f.value) {
            ("spinlocks", Some(v)) => {
                let _ = writeln!(x, "      <{name} state='on' retries='{}'/>", esc(v));
            }
            ("stimer", _) if h.has("stimer-direct") => {
                let _ = writeln!(
                    x,
                    "      <{name} state='on'>\n        <direct state='on'/>\n      </{name}>"
                );
            }
            _ => {
                let _ = writeln!(x, "      <{name} state='on'/>");
            }
        }
    }
    let _ = writeln!(x, "    </hyperv>");
}

/// `<cpu>`: the mode, and for `custom` the model with the features it is
/// raised with; nothing for `default`.
fn cpu(x: &mut String, rec: &Recommendation) {
    let c = &rec.cpu;
    match c.mode.as_str() {
        "default" => {}
        "custom" => {
            let model = c.model.as_deref().unwrap_or("qemu64");
            let _ = write!(
                x,
                "  <cpu mode='custom' match='exact' check='none'>\n    <model fallback='forbid'>{}</model>\n",
                esc(model)
            );
            for f in &c.features {
                let _ = writeln!(x, "    <feature policy='require' name='{}'/>", esc(f));
            }
            let _ = writeln!(x, "  </cpu>");
        }
        mode => {
            let _ = writeln!(x, "  <cpu mode='{}'/>", esc(mode));
        }
    }
}

/// `<clock>` with its timers.
fn clock(x: &mut String, rec: &Recommendation) {
    let c = &rec.clock;
    if c.timers.is_empty() {
        let _ = writeln!(x, "  <clock offset='{}'/>", esc(&c.offset));
        return;
    }
    let _ = writeln!(x, "  <clock offset='{}'>", esc(&c.offset));
    for t in &c.timers {
        let mut attrs = format!("name='{}'", esc(&t.name));
        if let Some(p) = &t.tickpolicy {
            attrs.push_str(&format!(" tickpolicy='{}'", esc(p)));
        }
        if let Some(present) = t.present {
            attrs.push_str(&format!(
                " present='{}'",
                if present { "yes" } else { "no" }
            ));
        }
        let _ = writeln!(x, "    <timer {attrs}/>");
    }
    let _ = writeln!(x, "  </clock>");
}
