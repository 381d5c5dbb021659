//! The recommendation for Proxmox VE: a `qm create` command line and the
//! equivalent `/etc/pve/qemu-server/VMID.conf` body (keys of qemu-server's
//! `$confdesc` in `src/PVE/QemuServer.pm`; DESIGN.md §2.7).
//!
//! Proxmox derives some choices from `ostype` itself (the Hyper-V
//! enlightenments, the local-time clock and timers of Windows); what the
//! configuration cannot state is said in a warning (a comment) naming the
//! choice and what Proxmox does instead. The VM id, storage and bridge are
//! Proxmox's usual defaults ([`VMID`], [`STORAGE`], [`BRIDGE`]) unless the
//! options name a bridge.

use super::{Network, Options};
use crate::recommend::Recommendation;

/// The VM id of the output.
pub const VMID: u32 = 100;
/// The storage disks are allocated on (a default Proxmox VE installation's).
pub const STORAGE: &str = "local-lvm";
/// The bridge the network interface is attached to.
pub const BRIDGE: &str = "vmbr0";

/// The configuration: keys with their values, and what it cannot state.
pub struct Config {
    /// `qm create` option (and configuration key), value; disks in the
    /// `STORAGE:SIZE` allocation form `qm create` takes.
    pub create: Vec<(String, String)>,
    /// The same as configuration lines (disks as allocated volumes).
    pub conf: Vec<(String, String)>,
    /// What it cannot state, the recommendation's warnings first.
    pub warnings: Vec<String>,
}

/// Proxmox's `ostype` of an OS: its family and, for Windows, its release.
pub fn ostype(family: Option<&str>, short_id: &str) -> Option<&'static str> {
    match family {
        Some("linux") => Some("l26"),
        Some("solaris") => Some("solaris"),
        Some("winnt") => {
            let base = short_id.split('-').next().unwrap_or(short_id);
            Some(match base {
                "winxp" => "wxp",
                "win2k" => "w2k",
                "win2k3" | "win2k3r2" => "w2k3",
                "win2k8" => "w2k8",
                "winvista" => "wvista",
                "win7" | "win2k8r2" => "win7",
                "win8" | "win8.1" | "win2k12" | "win2k12r2" => "win8",
                "win10" | "win2k16" | "win2k19" => "win10",
                "win11" | "win2k22" | "win2k25" => "win11",
                _ => return None,
            })
        }
        _ => None,
    }
}

/// Proxmox's `vga` type of a libvirt video model.
fn vga(model: &str) -> Option<&'static str> {
    Some(match model {
        "vga" => "std",
        "cirrus" => "cirrus",
        "vmvga" => "vmware",
        "qxl" => "qxl",
        "virtio" => "virtio",
        "none" => "none",
        _ => return None,
    })
}

/// Proxmox's disk key prefix of a libvirt disk bus.
fn disk_key(bus: &str) -> Option<&'static str> {
    Some(match bus {
        "virtio" => "virtio",
        "sata" => "sata",
        "ide" => "ide",
        "scsi" => "scsi",
        _ => return None,
    })
}

/// Builds the configuration.
pub fn config(rec: &Recommendation, opts: &Options) -> Config {
    let mut warnings: Vec<String> = rec.warnings.iter().map(|w| w.message.clone()).collect();
    let mut both: Vec<(String, String)> = Vec::new();
    let mut create: Vec<(String, String)> = Vec::new();
    let mut conf: Vec<(String, String)> = Vec::new();
    let mut disk_no = 0;
    let mut volume = |size: &str| {
        let v = (
            format!("{STORAGE}:{size}"),
            format!("{STORAGE}:vm-{VMID}-disk-{disk_no}"),
        );
        disk_no += 1;
        v
    };
    let name = super::kubevirt::object_name(&opts.name(rec));
    both.push(("name".into(), name));
    let os = ostype(rec.os.family.as_deref(), &rec.os.short_id);
    if os.is_none() && rec.os.family.as_deref() == Some("winnt") {
        warnings.push(format!(
            "Proxmox VE has no ostype for {}: other (no Windows optimisations)",
            rec.os.short_id
        ));
    }
    both.push(("ostype".into(), os.unwrap_or("other").into()));
    match rec.arch.as_str() {
        "x86_64" | "i686" => {}
        "aarch64" => both.push(("arch".into(), "aarch64".into())),
        other => warnings.push(format!("Proxmox VE runs no {other} guests")),
    }
    let machine = if rec.machine.origin == "upstream" {
        rec.machine.name.clone()
    } else {
        let alias = match rec.machine.family.as_str() {
            "i440fx" => "pc",
            f => f,
        };
        warnings.push(format!(
            "{} is a {} machine type; Proxmox VE's QEMU has upstream ones: {alias} (pinned to the newest on its first start)",
            rec.machine.name, rec.machine.origin
        ));
        alias.to_string()
    };
    both.push(("machine".into(), machine));
    let efi = rec.firmware.kind == "efi";
    both.push(("bios".into(), if efi { "ovmf" } else { "seabios" }.into()));
    if efi {
        let keys = if rec.firmware.secure_boot { "1" } else { "0" };
        let (c, f) = volume("1");
        create.push((
            "efidisk0".into(),
            format!("{c},efitype=4m,pre-enrolled-keys={keys}"),
        ));
        conf.push((
            "efidisk0".into(),
            format!("{f},efitype=4m,pre-enrolled-keys={keys},size=4M"),
        ));
    }
    if rec.firmware.smm && !efi {
        warnings.push(
            "Proxmox VE has no SMM option: it turns SMM on itself where OVMF needs it".into(),
        );
    }
    if let Some(t) = &rec.firmware.tpm {
        let version = format!("v{}", t.version);
        let (c, f) = volume("1");
        create.push(("tpmstate0".into(), format!("{c},version={version}")));
        conf.push(("tpmstate0".into(), format!("{f},size=4M,version={version}")));
    }
    both.push(("memory".into(), rec.resources.memory_mib.to_string()));
    both.push(("cores".into(), rec.resources.vcpus.to_string()));
    match rec.cpu.mode.as_str() {
        "host-passthrough" => both.push(("cpu".into(), "host".into())),
        "maximum" => both.push(("cpu".into(), "max".into())),
        "custom" => {
            let m = rec.cpu.model.clone().unwrap_or_else(|| "qemu64".into());
            let mut v = m;
            let flags: Vec<String> = rec.cpu.features.iter().map(|f| format!("+{f}")).collect();
            if !flags.is_empty() {
                warnings.push(format!(
                    "Proxmox VE's cpu flags accept a fixed list: the x86-64 level's features ({}) are not stated; its x86-64-vN models carry them",
                    flags.join(" ")
                ));
            }
            if v.is_empty() {
                v = "qemu64".into();
            }
            both.push(("cpu".into(), v));
        }
        "host-model" => warnings.push(format!(
            "Proxmox VE has no host-model CPU: its default CPU type{}",
            rec.cpu
                .model
                .as_deref()
                .map(|m| format!(" (host-model would start from {m})"))
                .unwrap_or_default()
        )),
        _ => {}
    }
    let mut scsi = false;
    for d in &rec.devices {
        let bus = d.libvirt_bus.as_deref().unwrap_or("");
        let model = d.libvirt_model.as_deref().unwrap_or("");
        match d.class {
            "disk" | "cdrom" => {
                let Some(prefix) = disk_key(bus) else {
                    warnings.push(format!(
                        "Proxmox VE has no {bus} bus for the {}: left out",
                        d.role
                    ));
                    continue;
                };
                scsi |= prefix == "scsi";
                let index = if d.class == "cdrom" && prefix == "ide" {
                    2 + rec.of_class("cdrom").take_while(|c| c.id != d.id).count()
                } else {
                    rec.devices
                        .iter()
                        .take_while(|c| c.id != d.id)
                        .filter(|c| {
                            matches!(c.class, "disk" | "cdrom")
                                && c.libvirt_bus.as_deref() == Some(bus)
                        })
                        .count()
                };
                let key = format!("{prefix}{index}");
                if d.class == "disk" {
                    let (c, f) = volume(&rec.resources.disk_gib.to_string());
                    create.push((key.clone(), c));
                    conf.push((key, format!("{f},size={}G", rec.resources.disk_gib)));
                } else {
                    let medium = opts
                        .medium(d)
                        .map(|p| {
                            let file = p.rsplit('/').next().unwrap_or(&p).to_string();
                            format!("local:iso/{file}")
                        })
                        .unwrap_or_else(|| "none".into());
                    both.push((key, format!("{medium},media=cdrom")));
                }
            }
            "net" => {
                let m = if model.starts_with("virtio") {
                    "virtio"
                } else {
                    model
                };
                let bridge = match &opts.network {
                    Network::Bridge(b) => b.clone(),
                    _ => BRIDGE.to_string(),
                };
                both.push(("net0".into(), format!("model={m},bridge={bridge}")));
            }
            "rng" if model != "none" => {
                both.push(("rng0".into(), "source=/dev/urandom".into()));
            }
            "balloon" if model == "none" => {
                both.push(("balloon".into(), "0".into()));
            }
            "video" => match vga(model) {
                Some(v) => both.push(("vga".into(), v.into())),
                None => {
                    warnings.push(format!(
                        "Proxmox VE has no '{model}' display: std (standard VGA)"
                    ));
                    both.push(("vga".into(), "std".into()));
                }
            },
            "console" if d.id.starts_with("channel") => {
                both.push(("agent".into(), "enabled=1".into()));
            }
            _ => {}
        }
    }
    if scsi {
        both.push(("scsihw".into(), "virtio-scsi-single".into()));
    }
    let tablet = rec
        .of_class("input")
        .any(|d| d.libvirt_model.as_deref() == Some("tablet"));
    both.push(("tablet".into(), if tablet { "1" } else { "0" }.into()));
    let localtime = rec.clock.offset == "localtime";
    both.push(("localtime".into(), if localtime { "1" } else { "0" }.into()));
    if !rec.hyperv.features.is_empty() || rec.hyperv.mode == "passthrough" {
        let names = rec.hyperv.names();
        warnings.push(format!(
            "Proxmox VE sets the Hyper-V enlightenments itself from ostype={}; no key states guestdb's list: {}",
            os.unwrap_or("other"),
            if names.is_empty() {
                "passthrough".to_string()
            } else {
                names.join(", ")
            }
        ));
    }
    if !rec.clock.timers.is_empty() {
        warnings.push(
            "Proxmox VE sets the clock's timers itself (no key states the RTC, PIT or HPET policy)"
                .into(),
        );
    }
    create.splice(0..0, both.iter().cloned());
    conf.splice(0..0, both);
    Config {
        create,
        conf,
        warnings,
    }
}

/// The `qm create` command, the warnings as shell comments before it.
pub fn render_create(rec: &Recommendation, opts: &Options) -> String {
    let c = config(rec, opts);
    let mut s = String::new();
    for w in &c.warnings {
        s.push_str(&super::shell::comment(&format!("warning: {w}")));
    }
    s.push_str(&format!("qm create {VMID}"));
    for (k, v) in &c.create {
        s.push_str(&format!(" \\\n    --{k} {}", super::shell::quote(v)));
    }
    s.push('\n');
    s
}

/// The `VMID.conf` body, the warnings first as comment lines (Proxmox
/// shows a configuration's leading comments as the VM's description).
pub fn render_conf(rec: &Recommendation, opts: &Options) -> String {
    let c = config(rec, opts);
    let mut s = String::new();
    for w in &c.warnings {
        s.push_str(&super::shell::comment(&format!("warning: {w}")));
    }
    for (k, v) in &c.conf {
        s.push_str(&format!("{k}: {v}\n"));
    }
    s
}
