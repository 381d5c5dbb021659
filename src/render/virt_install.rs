//! The recommendation as virt-install arguments (virt-install 4.x). Models
//! virt-install has no option for (a disk's `model`) are set with its
//! generic `xpathN.set` sub-options; what virt-install would add by itself
//! (an RNG, the guest-agent channel, a memballoon, a video device) is stated
//! or turned off with `none`.

use super::{Network, Options};
use crate::recommend::Recommendation;

/// `v` as the value of a virt-install sub-option (`--disk path=V,...`):
/// virt-install splits an option's text at commas with Python's `shlex`
/// (POSIX rules), so a value holding a comma, a quote, a backslash or
/// nothing is written in single quotes (a single quote in it as `"'"`),
/// and then means itself, not more sub-options.
pub fn value(v: &str) -> String {
    if !v.is_empty() && !v.contains([',', '\'', '"', '\\']) {
        return v.to_string();
    }
    format!("'{}'", v.replace('\'', "'\"'\"'"))
}

/// The first character of `v` that virt-install 4.1 cannot carry into an
/// XML attribute (a disk's or network's source): it escapes `&'"<>` itself
/// and then libxml2 escapes the `&` again, so libvirt would get
/// `&apos;` for `'`. A path or name holding one is refused, not mangled.
pub fn unrepresentable(v: &str) -> Option<char> {
    v.chars().find(|c| "&'\"<>".contains(*c))
}

/// The recommendation as virt-install's arguments, one per element.
pub fn args(rec: &Recommendation, opts: &Options) -> Vec<String> {
    let mut a: Vec<String> = Vec::new();
    // An option and its value; an empty value is a flag (`--import`).
    let mut push = |k: &str, v: String| {
        a.push(k.to_string());
        if !v.is_empty() {
            a.push(v);
        }
    };
    let name = opts.name(rec);
    push("--name", name.clone());
    push("--osinfo", rec.os.short_id.clone());
    push("--arch", rec.arch.clone());
    push("--virt-type", rec.domain_type.clone());
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
    }
    // How the guest starts: from the install medium (virt-install adds the
    // CD-ROM and boots it first), else from its disk. virt-install 4.1 does
    // not count --boot as an install method.
    match &opts.cdrom {
        Some(iso) => push("--cdrom", iso.clone()),
        None => push("--import", String::new()),
    }
    let (features, xml) = features(rec);
    if !features.is_empty() {
        push("--features", features.join(","));
    }
    for x in xml {
        push("--xml", x);
    }
    if let Some(cpu) = cpu(rec) {
        push("--cpu", cpu);
    }
    push("--clock", clock(rec));
    let pm: Vec<String> = [
        ("suspend_to_mem", rec.platform.suspend_to_mem),
        ("suspend_to_disk", rec.platform.suspend_to_disk),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|on| format!("{k}.enabled={}", if on { "on" } else { "off" })))
    .collect();
    if !pm.is_empty() {
        push("--pm", pm.join(","));
    }
    let mut seen_balloon = false;
    let mut seen_channel = false;
    let mut seen_video = false;
    let mut seen_rng = false;
    let mut seen_usb = false;
    let mut seen_sound = false;
    for d in &rec.devices {
        let model = d.libvirt_model.clone().unwrap_or_default();
        let bus = d.libvirt_bus.clone().unwrap_or_default();
        match d.class {
            "disk" => {
                let mut v = format!(
                    "path={},size={},format={},bus={bus}",
                    value(&opts.disk(rec)),
                    rec.resources.disk_gib,
                    opts.disk_format(rec)
                );
                if bus == "virtio" && !model.is_empty() {
                    v.push_str(&format!(",xpath0.set=./@model={model}"));
                }
                push("--disk", v);
            }
            // --cdrom adds the install medium's CD-ROM.
            "cdrom" if d.medium == Some("install") && opts.cdrom.is_some() => {}
            "cdrom" => {
                let mut v = format!("device=cdrom,bus={bus}");
                if let Some(iso) = opts.medium(d) {
                    v = format!("path={},{v}", value(&iso));
                }
                push("--disk", v);
            }
            "sound" => {
                seen_sound = true;
                push("--sound", model);
            }
            "scsi" => push("--controller", format!("type=scsi,model={model}")),
            "net" => {
                let source = match &opts.network {
                    Network::User => "user".to_string(),
                    Network::Libvirt(n) => format!("network={}", value(n)),
                    Network::Bridge(b) => format!("bridge={}", value(b)),
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
                } else if d.id.starts_with("spicech") {
                    seen_channel = true;
                    push(
                        "--channel",
                        "spicevmc,target.type=virtio,target.name=com.redhat.spice.0".into(),
                    );
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
        let kind = if rec.graphics.kind == "spice" {
            "spice"
        } else {
            "vnc"
        };
        push("--graphics", format!("{kind},listen=127.0.0.1"));
    } else {
        push("--graphics", "none".into());
        if rec.arch != "s390x" {
            push("--video", "none".into());
        }
    }
    if !seen_sound {
        push("--sound", "none".into());
    }
    a.push("--noautoconsole".into());
    a
}

/// The Hyper-V features virt-install 4.1 has `--features` names for.
const NAMED_HYPERV: &[&str] = &["relaxed", "vapic", "spinlocks", "synic", "reset"];

/// `--features` sub-options, and `--xml` settings for what `--features`
/// has no name for (most Hyper-V features).
fn features(rec: &Recommendation) -> (Vec<String>, Vec<String>) {
    let mut f = Vec::new();
    let mut xml = Vec::new();
    let h = &rec.hyperv;
    if h.mode == "passthrough" {
        xml.push("./features/hyperv/@mode=passthrough".to_string());
    }
    for e in &h.features {
        match e.name.as_str() {
            "hypervclock" => {} // a clock timer
            "stimer-direct" => xml.push("./features/hyperv/stimer/direct/@state=on".into()),
            name if NAMED_HYPERV.contains(&name) => {
                f.push(format!("hyperv.{name}.state=on"));
                if let (Some(v), "spinlocks") = (&e.value, name) {
                    f.push(format!("hyperv.spinlocks.retries={v}"));
                }
            }
            name => xml.push(format!("./features/hyperv/{name}/@state=on")),
        }
    }
    if rec.platform.vmport == Some(false) {
        f.push("vmport.state=off".into());
    }
    if rec.firmware.smm {
        f.push("smm.state=on".into());
    }
    (f, xml)
}

/// `--cpu`: the mode, or the named model with its required features.
fn cpu(rec: &Recommendation) -> Option<String> {
    let c = &rec.cpu;
    match c.mode.as_str() {
        "default" => None,
        "custom" => {
            let mut v = format!(
                "{},match=exact,model.fallback=forbid",
                c.model.as_deref().unwrap_or("qemu64")
            );
            for feature in &c.features {
                v.push_str(&format!(",require={feature}"));
            }
            Some(v)
        }
        "host-passthrough" | "host-model" => Some(c.mode.clone()),
        mode => Some(format!("mode={mode}")),
    }
}

/// `--clock`: the offset and the timers.
fn clock(rec: &Recommendation) -> String {
    let mut v = format!("offset={}", rec.clock.offset);
    for t in &rec.clock.timers {
        if let Some(p) = &t.tickpolicy {
            v.push_str(&format!(",{}_tickpolicy={p}", t.name));
        }
        if let Some(present) = t.present {
            v.push_str(&format!(
                ",{}_present={}",
                t.name,
                if present { "yes" } else { "no" }
            ));
        }
    }
    v
}

/// Where the set-up lines put guestdb's osinfo-db export.
pub const OSINFO_EXPORT_DIR: &str = "\"$HOME/.cache/guestdb/osinfo\"";

/// The virt-install command for a shell. Where the host's virt-install
/// does not know the OS (its osinfo-db is older, or which OSes it knows is
/// not known), set-up lines first write guestdb's osinfo-db export and the
/// command runs with `OSINFO_SYSTEM_DIR` pointing at it.
pub fn render(rec: &Recommendation, opts: &Options) -> String {
    let args = args(rec, opts);
    let mut out = String::new();
    if rec.osinfo.known != Some(true) {
        out.push_str(&super::shell::comment(&format!(
            "{}: virt-install takes the OS from guestdb's osinfo-db export",
            rec.osinfo.reason
        )));
        out.push_str(&format!(
            "guestdb export-osinfo {OSINFO_EXPORT_DIR} >/dev/null\nOSINFO_SYSTEM_DIR={OSINFO_EXPORT_DIR} "
        ));
    }
    out.push_str("virt-install");
    let mut i = 0;
    while i < args.len() {
        out.push_str(" \\\n    ");
        out.push_str(&super::shell::quote(&args[i]));
        if args[i].starts_with("--") && i + 1 < args.len() && !args[i + 1].starts_with("--") {
            out.push(' ');
            out.push_str(&super::shell::quote(&args[i + 1]));
            i += 1;
        }
        i += 1;
    }
    out.push('\n');
    out
}
