//! The recommendation as the Glance image properties OpenStack Nova's
//! libvirt driver reads (names in Nova's `nova/objects/image_meta.py`,
//! values in `nova/objects/fields.py`; DESIGN.md §2.7): as JSON, and as
//! `openstack image set` arguments.
//!
//! What an image property cannot state (a CPU model, the Hyper-V
//! enlightenments one by one, an RNG without the flavor's consent) is said
//! in a warning naming the choice and what Nova does instead.

use super::Options;
use crate::recommend::Recommendation;
use serde::Serialize;

/// The image properties and what they cannot state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Properties {
    /// The image the properties are for (the VM's name).
    pub image: String,
    /// Property name and value, in the order Nova's `ImageMetaProps` lists them.
    pub properties: Vec<(String, String)>,
    /// What the properties cannot state, the recommendation's warnings first.
    pub warnings: Vec<String>,
}

/// Nova's video models (`VideoModel` in nova/objects/fields.py).
const VIDEO: &[&str] = &[
    "vga", "cirrus", "vmvga", "xen", "qxl", "virtio", "gop", "none", "bochs",
];

/// Builds the properties.
pub fn properties(rec: &Recommendation, opts: &Options) -> Properties {
    let mut warnings: Vec<String> = rec.warnings.iter().map(|w| w.message.clone()).collect();
    let mut p: Vec<(String, String)> = Vec::new();
    let mut set = |k: &str, v: &str| p.push((k.to_string(), v.to_string()));
    let first = |class: &'static str| rec.of_class(class).next();
    let windows = rec.os.family.as_deref() == Some("winnt");
    set("hw_machine_type", &rec.machine.name);
    if let Some(d) = first("disk") {
        set("hw_disk_bus", d.libvirt_bus.as_deref().unwrap_or("virtio"));
    }
    if let Some(d) = rec.of_class("cdrom").find(|d| d.medium != Some("drivers")) {
        set("hw_cdrom_bus", d.libvirt_bus.as_deref().unwrap_or("ide"));
    }
    if rec.of_class("cdrom").any(|d| d.medium == Some("drivers")) {
        warnings.push("an image has one CD-ROM property: the virtio-win driver medium must be attached as a volume".into());
    }
    if let Some(s) = first("scsi").and_then(|d| d.libvirt_model.clone()) {
        set("hw_scsi_model", &s);
    }
    if let Some(m) = first("net").and_then(|d| d.libvirt_model.clone()) {
        let m = if m.starts_with("virtio") {
            "virtio".to_string()
        } else {
            m
        };
        set("hw_vif_model", &m);
    }
    if let Some(m) = first("video").and_then(|d| d.libvirt_model.clone()) {
        if VIDEO.contains(&m.as_str()) {
            set("hw_video_model", &m);
        } else {
            warnings.push(format!(
                "Nova has no '{m}' video model: vga, which every x86 guest drives"
            ));
            set("hw_video_model", "vga");
        }
    }
    let tablet = rec
        .of_class("input")
        .find(|d| d.libvirt_model.as_deref() == Some("tablet"));
    if let Some(t) = tablet {
        let bus = t.libvirt_bus.as_deref().unwrap_or("usb");
        if bus == "virtio" {
            set("hw_input_bus", "virtio");
        } else if !rec
            .of_class("input")
            .any(|d| d.libvirt_bus.as_deref() == Some("ps2"))
        {
            set("hw_input_bus", "usb");
        }
        set("hw_pointer_model", "usbtablet");
    }
    set(
        "hw_firmware_type",
        if rec.firmware.kind == "efi" {
            "uefi"
        } else {
            "bios"
        },
    );
    if rec.firmware.kind == "efi" {
        set(
            "os_secure_boot",
            if rec.firmware.secure_boot {
                "required"
            } else {
                "disabled"
            },
        );
    }
    if let Some(t) = &rec.firmware.tpm {
        set("hw_tpm_version", &t.version);
        set("hw_tpm_model", &t.model);
    }
    if rec
        .devices
        .iter()
        .any(|d| d.class == "console" && d.id.starts_with("channel"))
    {
        set("hw_qemu_guest_agent", "yes");
    }
    if first("rng").is_some_and(|d| d.libvirt_model.as_deref() != Some("none")) {
        set("hw_rng_model", "virtio");
        warnings.push(
            "Nova adds the virtio RNG only where the flavor allows it (hw_rng:allowed=True)".into(),
        );
    }
    match rec.os.family.as_deref() {
        Some("winnt") => set("os_type", "windows"),
        Some("linux") => set("os_type", "linux"),
        _ => {}
    }
    // libosinfo's short-id: what nova/virt/osinfo.py looks up.
    set("os_distro", &rec.os.short_id);
    // What an image property cannot state.
    if windows && !rec.hyperv.features.is_empty() {
        let names = rec.hyperv.names();
        warnings.push(format!(
            "Nova chooses the Hyper-V enlightenments itself for os_type=windows (with local time and the RTC, PIT and HPET timers); no property states guestdb's list: {}",
            names.join(", ")
        ));
    } else if !windows && rec.clock.offset == "localtime" {
        warnings.push("Nova keeps a local-time clock only for os_type=windows: utc".into());
    }
    match rec.cpu.mode.as_str() {
        "custom" | "host-model" | "host-passthrough" => warnings.push(format!(
            "the CPU model ({}{}) is the compute host's setting (nova.conf [libvirt] cpu_mode, cpu_models), not an image property",
            rec.cpu.mode,
            rec.cpu.model.as_deref().map(|m| format!(" {m}")).unwrap_or_default()
        )),
        _ => {}
    }
    if first("balloon").is_some_and(|d| d.libvirt_model.as_deref() == Some("none")) {
        warnings.push("Nova adds a virtio memory balloon by its own setting ([libvirt] mem_stats_period_seconds); no image property removes it".into());
    }
    Properties {
        image: opts.name(rec),
        properties: p,
        warnings,
    }
}

/// The properties as JSON: `{"image", "properties": {...}, "warnings"}`.
pub fn render_json(rec: &Recommendation, opts: &Options) -> serde_json::Value {
    let p = properties(rec, opts);
    let mut map = serde_json::Map::new();
    for (k, v) in &p.properties {
        map.insert(k.clone(), serde_json::Value::String(v.clone()));
    }
    serde_json::json!({
        "image": p.image,
        "properties": map,
        "warnings": p.warnings,
    })
}

/// The `openstack image set` command, the warnings as shell comments before it.
pub fn render_cli(rec: &Recommendation, opts: &Options) -> String {
    let p = properties(rec, opts);
    let mut s = String::new();
    for w in &p.warnings {
        s.push_str(&super::shell::comment(&format!("warning: {w}")));
    }
    s.push_str("openstack image set");
    for (k, v) in &p.properties {
        s.push_str(&format!(
            " \\\n    --property {}",
            super::shell::quote(&format!("{k}={v}"))
        ));
    }
    s.push_str(&format!(" \\\n    {}\n", super::shell::quote(&p.image)));
    s
}
