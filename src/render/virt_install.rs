//! The recommendation as virt-install arguments (virt-install 4.x). Models
//! virt-install has no option for (a disk's `model`) are set with its
//! generic `xpathN.set` sub-options; what virt-install would add by itself
//! (an RNG, the guest-agent channel, a memballoon, a video device) is stated
//! or turned off with `none`.

use super::{Network, Options};
use crate::recommend::Recommendation;

/// The recommendation as virt-install's arguments, one per element.
pub fn args(rec: &Recommendation, opts: &Options) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    let mut push = |k: &str, v: String| {
        a.push(k.to_string());
        a.push(v);
    };
    let name = opts.name(rec);
    push("--name", name.clone());
    push("--osinfo", rec.os.short_id.clone());
    push("--arch", rec.arch.clone());
    push("--virt-type", opts.virt_type.clone());
    push("--machine", rec.machine.name.clone());
    push("--memory", rec.resources.memory_mib.to_string());
    push("--vcpus", rec.resources.vcpus.to_string());
    if rec.firmware.kind == "efi" {
        let on = if rec.firmware.secure_boot {
            "yes"
        } else {
            "no"
        };
        push(
            "--boot",
            format!(
                "firmware=efi,firmware.feature0.name=secure-boot,firmware.feature0.enabled={on},firmware.feature1.name=enrolled-keys,firmware.feature1.enabled={on}"
            ),
        );
    } else {
        push("--boot", "hd".into());
    }
    if rec.firmware.smm {
        push("--features", "smm.state=on".into());
    }
    let mut seen_balloon = false;
    let mut seen_channel = false;
    let mut seen_video = false;
    let mut seen_rng = false;
    let mut seen_usb = false;
    for d in &rec.devices {
        let model = d.libvirt_model.clone().unwrap_or_default();
        let bus = d.libvirt_bus.clone().unwrap_or_default();
        match d.class {
            "disk" => {
                let mut v = format!(
                    "path={},size={},format={},bus={bus}",
                    opts.disk(rec),
                    rec.resources.disk_gib,
                    opts.disk_format(rec)
                );
                if bus == "virtio" && !model.is_empty() {
                    v.push_str(&format!(",xpath0.set=./@model={model}"));
                }
                push("--disk", v);
            }
            "cdrom" => {
                let mut v = format!("device=cdrom,bus={bus}");
                if let Some(iso) = &opts.cdrom {
                    v = format!("path={iso},{v}");
                }
                push("--disk", v);
            }
            "scsi" => push("--controller", format!("type=scsi,model={model}")),
            "net" => {
                let source = match &opts.network {
                    Network::User => "user".to_string(),
                    Network::Libvirt(n) => format!("network={n}"),
                    Network::Bridge(b) => format!("bridge={b}"),
                };
                push("--network", format!("{source},model={model}"));
            }
            "rng" => {
                seen_rng = true;
                push("--rng", format!("/dev/urandom,model={model}"));
            }
            "balloon" => {
                seen_balloon = true;
                if model == "none" {
                    push("--memballoon", "none".into());
                } else {
                    push("--memballoon", format!("model={model}"));
                }
            }
            "console" => {
                if d.id.starts_with("vserial") {
                    push("--controller", format!("type=virtio-serial,model={model}"));
                } else if d.id.starts_with("channel") {
                    seen_channel = true;
                    push(
                        "--channel",
                        "unix,target.type=virtio,name=org.qemu.guest_agent.0".into(),
                    );
                } else if model == "sclp" {
                    push("--console", "pty,target.type=sclp".into());
                } else {
                    push("--serial", "pty".into());
                    push("--console", "pty,target.type=serial".into());
                }
            }
            "usb" => {
                seen_usb = true;
                let start = match model.as_str() {
                    "ich9-uhci1" => ",master.startport=0",
                    "ich9-uhci2" => ",master.startport=2",
                    "ich9-uhci3" => ",master.startport=4",
                    _ => "",
                };
                push(
                    "--controller",
                    format!("type=usb,index=0,model={model}{start}"),
                );
            }
            "input" => {
                let kind = match model.as_str() {
                    "tablet" => "tablet",
                    "keyboard" => "keyboard",
                    _ => "mouse",
                };
                push("--input", format!("{kind},bus={bus}"));
            }
            "video" => {
                seen_video = true;
                push("--video", format!("model.type={model}"));
            }
            "tpm" => {
                let version = rec
                    .firmware
                    .tpm
                    .as_ref()
                    .map(|t| t.version.clone())
                    .unwrap_or_else(|| "2.0".into());
                push(
                    "--tpm",
                    format!("backend.type=emulator,backend.version={version},model={model}"),
                );
            }
            _ => {}
        }
    }
    if !seen_balloon {
        push("--memballoon", "none".into());
    }
    if !seen_channel {
        push("--channel", "none".into());
    }
    if !seen_rng {
        push("--rng", "none".into());
    }
    if !seen_usb {
        push("--controller", "type=usb,model=none".into());
    }
    if seen_video {
        push("--graphics", "vnc,listen=127.0.0.1".into());
    } else {
        push("--graphics", "none".into());
        if rec.arch != "s390x" {
            push("--video", "none".into());
        }
    }
    push("--sound", "none".into());
    a.push("--noautoconsole".into());
    a
}

/// The virt-install command for a shell.
pub fn render(rec: &Recommendation, opts: &Options) -> String {
    let args = args(rec, opts);
    let mut out = String::from("virt-install");
    let mut i = 0;
    while i < args.len() {
        out.push_str(" \\\n    ");
        out.push_str(&super::qemu::shell_quote(&args[i]));
        if args[i].starts_with("--") && i + 1 < args.len() && !args[i + 1].starts_with("--") {
            out.push(' ');
            out.push_str(&super::qemu::shell_quote(&args[i + 1]));
            i += 1;
        }
        i += 1;
    }
    out.push('\n');
    out
}
