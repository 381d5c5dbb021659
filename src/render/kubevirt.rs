//! The recommendation as KubeVirt objects: a `VirtualMachineClusterPreference`
//! (instancetype.kubevirt.io/v1beta1) and, on request, a `VirtualMachine`
//! (kubevirt.io/v1) that uses it, in YAML. Field names are those of
//! KubeVirt's `staging/src/kubevirt.io/api/instancetype/v1beta1/types.go`;
//! the values are those its admission webhooks accept (DESIGN.md §2.7).
//!
//! What KubeVirt cannot state (a local-time clock offset without a named
//! zone, Hyper-V enlightenments it has no field for, SPICE's QXL display)
//! is said in a warning at the top of the output, a YAML comment, naming
//! the choice and what the output states instead.

use super::Options;
use crate::recommend::Recommendation;
use serde_json::{json, Map, Value};

/// The KubeVirt objects and the warnings about what they cannot state.
pub struct Objects {
    /// The `VirtualMachineClusterPreference`.
    pub preference: Value,
    /// The `VirtualMachine`, when asked for.
    pub vm: Option<Value>,
    /// What KubeVirt cannot state, the recommendation's warnings first.
    pub warnings: Vec<String>,
}

/// A Kubernetes object name (a DNS subdomain) from the VM's name.
pub fn object_name(name: &str) -> String {
    let mut s: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    s = s
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_string();
    s.truncate(253);
    if s.is_empty() {
        "guest".to_string()
    } else {
        s
    }
}

/// KubeVirt's name of a libvirt Hyper-V enlightenment, if it has one
/// (`stimer` is `synictimer`; `hypervclock` is a timer).
fn hyperv_field(name: &str) -> Option<&'static str> {
    Some(match name {
        "relaxed" => "relaxed",
        "vapic" => "vapic",
        "spinlocks" => "spinlocks",
        "vpindex" => "vpindex",
        "runtime" => "runtime",
        "synic" => "synic",
        "stimer" => "synictimer",
        "reset" => "reset",
        "frequencies" => "frequencies",
        "reenlightenment" => "reenlightenment",
        "tlbflush" => "tlbflush",
        "ipi" => "ipi",
        "evmcs" => "evmcs",
        _ => return None,
    })
}

/// KubeVirt's architecture name.
fn architecture(arch: &str) -> Option<&'static str> {
    match arch {
        "x86_64" => Some("amd64"),
        "aarch64" => Some("arm64"),
        "s390x" => Some("s390x"),
        _ => None,
    }
}

/// Builds the objects. `vm`: also the `VirtualMachine`.
pub fn objects(rec: &Recommendation, opts: &Options, vm: bool) -> Objects {
    let mut warnings: Vec<String> = rec.warnings.iter().map(|w| w.message.clone()).collect();
    let name = object_name(&opts.name(rec));
    let model = |class: &str| -> Option<(String, String)> {
        rec.of_class(class).next().map(|d| {
            (
                d.libvirt_model.clone().unwrap_or_default(),
                d.libvirt_bus.clone().unwrap_or_default(),
            )
        })
    };
    let transitional = rec.devices.iter().any(|d| {
        d.libvirt_model
            .as_deref()
            .is_some_and(|m| m == "virtio-transitional")
    });

    // devices
    let mut dev = Map::new();
    if let Some((_, bus)) = model("disk") {
        dev.insert(
            "preferredDiskBus".into(),
            json!(disk_bus(&bus, &mut warnings, "disk")),
        );
    }
    if let Some((_, bus)) = rec
        .of_class("cdrom")
        .find(|d| d.medium != Some("drivers"))
        .map(|d| ((), d.libvirt_bus.clone().unwrap_or_default()))
    {
        dev.insert(
            "preferredCdromBus".into(),
            json!(disk_bus(&bus, &mut warnings, "CD-ROM")),
        );
    }
    if let Some((m, _)) = model("net") {
        let m = if m.starts_with("virtio") {
            "virtio".to_string()
        } else {
            m
        };
        dev.insert("preferredInterfaceModel".into(), json!(m));
    }
    if let Some(t) = rec
        .of_class("input")
        .find(|d| d.libvirt_model.as_deref() == Some("tablet"))
    {
        let bus = t.libvirt_bus.clone().unwrap_or_else(|| "usb".into());
        // A VM gets an input device only when it lists one or asks for
        // one (autoattachInputDevice defaults to false: KubeVirt's
        // core/v1 schema.go, virt-controller's AutoAttachInputDevice).
        dev.insert("preferredAutoattachInputDevice".into(), json!(true));
        dev.insert("preferredInputBus".into(), json!(bus));
        dev.insert("preferredInputType".into(), json!("tablet"));
    }
    if let Some((m, _)) = model("video") {
        let v = match m.as_str() {
            "vga" | "cirrus" | "virtio" | "ramfb" | "bochs" => Some(m.clone()),
            "qxl" => {
                warnings.push("KubeVirt has no SPICE display and no QXL video device: vga (standard VGA), which every x86 guest drives".into());
                Some("vga".into())
            }
            "none" => None,
            other => {
                warnings.push(format!(
                    "KubeVirt has no '{other}' video device: its default"
                ));
                None
            }
        };
        if let Some(v) = v {
            dev.insert("preferredVideoType".into(), json!(v));
        }
    }
    if model("rng").is_some_and(|(m, _)| m != "none") {
        dev.insert("preferredRng".into(), json!({}));
    }
    if let Some((m, _)) = model("balloon") {
        dev.insert("preferredAutoattachMemBalloon".into(), json!(m != "none"));
    }
    if transitional {
        dev.insert("preferredUseVirtioTransitional".into(), json!(true));
        warnings.push("KubeVirt has no per-device placement: preferredUseVirtioTransitional makes every virtio device of the VM transitional, as the guest's legacy-only drivers need".into());
    }
    if let Some(t) = &rec.firmware.tpm {
        if t.version != "2.0" {
            warnings.push(format!(
                "KubeVirt emulates only TPM 2.0: a TPM {} is not possible, the guest gets TPM 2.0",
                t.version
            ));
        }
        dev.insert(
            "preferredTPM".into(),
            json!({ "persistent": t.model == "tpm-crb" }),
        );
    }
    if let Some((m, _)) = model("sound") {
        let s = match m.as_str() {
            "ich9" | "ac97" => m.clone(),
            _ => {
                warnings.push(format!(
                    "KubeVirt's sound models are ich9 and ac97: ich9 instead of {m}"
                ));
                "ich9".into()
            }
        };
        dev.insert("preferredSoundModel".into(), json!(s));
    }

    // features: the APIC every x86 domain of guestdb states. KubeVirt's
    // converter writes <apic/> only when the VM states it
    // (virt-launcher's converter/compute/hypervisor_features.go); ACPI is
    // on by default (core/v1 defaults.go), so it is not stated.
    let mut feat = Map::new();
    if guestdb_data::model::is_x86_arch(&rec.arch) {
        feat.insert("preferredApic".into(), json!({ "enabled": true }));
    }
    if rec.firmware.smm {
        feat.insert("preferredSmm".into(), json!({ "enabled": true }));
    }
    let mut hv = Map::new();
    let mut hyperv_timer = false;
    if rec.hyperv.mode == "passthrough" {
        warnings.push("a preference cannot pass every Hyper-V enlightenment of the host through (hypervPassthrough is a VirtualMachine feature): none stated".into());
    }
    let direct = rec.hyperv.has("stimer-direct");
    let mut missing = Vec::new();
    for f in &rec.hyperv.features {
        if f.name == "hypervclock" {
            hyperv_timer = true;
            continue;
        }
        if f.name == "stimer-direct" {
            continue;
        }
        match hyperv_field(&f.name) {
            Some("spinlocks") => {
                let mut s = json!({ "enabled": true });
                if let Some(n) = f.value.as_deref().and_then(|v| v.parse::<u32>().ok()) {
                    s["spinlocks"] = json!(n);
                }
                hv.insert("spinlocks".into(), s);
            }
            Some("synictimer") => {
                let mut s = json!({ "enabled": true });
                if direct {
                    s["direct"] = json!({ "enabled": true });
                }
                hv.insert("synictimer".into(), s);
            }
            Some(field) => {
                hv.insert(field.into(), json!({ "enabled": true }));
            }
            None => missing.push(f.name.clone()),
        }
    }
    if !missing.is_empty() {
        warnings.push(format!(
            "KubeVirt has no field for the Hyper-V enlightenments {}: left out",
            missing.join(", ")
        ));
    }
    if !hv.is_empty() {
        feat.insert("preferredHyperv".into(), Value::Object(hv));
    }

    // firmware
    let mut fw = Map::new();
    if rec.firmware.kind == "efi" {
        fw.insert(
            "preferredEfi".into(),
            json!({ "secureBoot": rec.firmware.secure_boot, "persistent": true }),
        );
    } else if rec.arch == "x86_64" || rec.arch == "i686" {
        fw.insert("preferredUseBios".into(), json!(true));
    }

    // clock
    let mut clock = Map::new();
    if rec.clock.offset == "localtime" {
        warnings.push("KubeVirt states a clock offset only as UTC or a named time zone, not the host's local time: utc (set the Windows guest's RealTimeIsUniversal registry value, or give spec.domain.clock.timezone in the VirtualMachine)".into());
    }
    clock.insert("preferredClockOffset".into(), json!({ "utc": {} }));
    let mut timer = Map::new();
    for t in &rec.clock.timers {
        let mut v = Map::new();
        if let Some(p) = &t.tickpolicy {
            v.insert("tickPolicy".into(), json!(p));
        }
        if let Some(p) = t.present {
            v.insert("present".into(), json!(p));
        }
        match t.name.as_str() {
            "rtc" | "pit" | "hpet" => {
                timer.insert(t.name.clone(), Value::Object(v));
            }
            "hypervclock" => hyperv_timer = true,
            other => warnings.push(format!("KubeVirt has no '{other}' timer: left out")),
        }
    }
    if hyperv_timer {
        timer.insert("hyperv".into(), json!({ "present": true }));
    }
    if !timer.is_empty() {
        clock.insert("preferredTimer".into(), Value::Object(timer));
    }

    // CPU: a preference states required features, not a model; and the
    // topology of guestdb's VirtualMachine (one socket, `cores` vCPUs),
    // which every OS handles: Windows' client editions use at most one or
    // two sockets, and KubeVirt's default spreads vCPUs over sockets
    // (instancetype v1beta1 CPUPreferences: "defaults to PreferSockets").
    let mut cpu = Map::new();
    cpu.insert("preferredCPUTopology".into(), json!("cores"));
    if !rec.cpu.features.is_empty() {
        let f: Vec<Value> = rec
            .cpu
            .features
            .iter()
            .map(|f| json!({ "name": f, "policy": "require" }))
            .collect();
        cpu.insert("preferredCPUFeatures".into(), Value::Array(f));
    }

    // requirements: what an instancetype or the VM must give at least, the
    // OS's minimum; and the architecture the machine type is of.
    let mut req = Map::new();
    if let Some(n) = rec.resources.minimum_vcpus {
        req.insert("cpu".into(), json!({ "guest": n }));
    }
    if let Some(m) = rec.resources.minimum_memory_mib {
        req.insert("memory".into(), json!({ "guest": quantity_mib(m) }));
    }

    let mut spec = Map::new();
    if let Some(a) = architecture(&rec.arch) {
        spec.insert("preferredArchitecture".into(), json!(a));
        req.insert("architecture".into(), json!(a));
    }
    if !req.is_empty() {
        spec.insert("requirements".into(), Value::Object(req));
    }
    spec.insert(
        "machine".into(),
        json!({ "preferredMachineType": rec.machine.name }),
    );
    if rec.machine.origin == "upstream" && rec.arch == "x86_64" {
        warnings.push(format!(
            "{} is upstream QEMU's name: KubeVirt runs the QEMU of its virt-launcher image, which must offer it (give that host with --host, e.g. a RHEL profile for pc-q35-rhelX.Y.0)",
            rec.machine.name
        ));
    }
    for (k, v) in [
        ("devices", dev),
        ("features", feat),
        ("firmware", fw),
        ("clock", clock),
        ("cpu", cpu),
    ] {
        if !v.is_empty() {
            spec.insert(k.into(), Value::Object(v));
        }
    }
    let windows = rec.os.family.as_deref() == Some("winnt");
    let os_type = if windows { "windows" } else { "linux" };
    let preference = json!({
        "apiVersion": "instancetype.kubevirt.io/v1beta1",
        "kind": "VirtualMachineClusterPreference",
        "metadata": {
            "name": name,
            "annotations": {
                "guestdb/os": rec.os.id,
                "guestdb/host": rec.host,
            },
            "labels": { "instancetype.kubevirt.io/os-type": os_type },
        },
        "spec": spec,
    });
    let vm = vm.then(|| virtual_machine(rec, opts, &name, &mut warnings));
    Objects {
        preference,
        vm,
        warnings,
    }
}

/// A Kubernetes quantity of `mib` MiB, in GiB where that is exact.
fn quantity_mib(mib: u64) -> String {
    if mib % 1024 == 0 {
        format!("{}Gi", mib / 1024)
    } else {
        format!("{mib}Mi")
    }
}

/// KubeVirt's disk bus for libvirt's `bus` (it has no IDE).
fn disk_bus(bus: &str, warnings: &mut Vec<String>, what: &str) -> String {
    match bus {
        "virtio" | "sata" | "scsi" | "usb" => bus.to_string(),
        other => {
            warnings.push(format!("KubeVirt has no {other} bus for the {what}: sata"));
            "sata".to_string()
        }
    }
}

/// The `VirtualMachine` that uses the preference `name`.
fn virtual_machine(
    rec: &Recommendation,
    opts: &Options,
    name: &str,
    warnings: &mut Vec<String>,
) -> Value {
    let mut cpu = Map::new();
    cpu.insert("cores".into(), json!(rec.resources.vcpus));
    match rec.cpu.mode.as_str() {
        "host-passthrough" | "host-model" => {
            cpu.insert("model".into(), json!(rec.cpu.mode));
        }
        "custom" => {
            if let Some(m) = &rec.cpu.model {
                cpu.insert("model".into(), json!(m));
            }
        }
        "maximum" => warnings.push(
            "KubeVirt runs guests with KVM only: the CPU model for software emulation (maximum) is left out".into(),
        ),
        _ => {}
    }
    let mut disks = vec![json!({ "name": "rootdisk", "disk": {} })];
    let mut volumes = vec![json!({
        "name": "rootdisk",
        "persistentVolumeClaim": { "claimName": format!("{name}-rootdisk") },
    })];
    if opts.cdrom.is_some() {
        disks.push(json!({ "name": "install", "cdrom": {}, "bootOrder": 1 }));
        volumes.push(json!({
            "name": "install",
            "persistentVolumeClaim": { "claimName": format!("{name}-install") },
        }));
    }
    let mut devices = json!({
        "disks": disks,
        "interfaces": [{ "name": "default", "masquerade": {} }],
    });
    if rec.firmware.tpm.is_some() {
        devices["tpm"] = json!({});
    }
    json!({
        "apiVersion": "kubevirt.io/v1",
        "kind": "VirtualMachine",
        "metadata": { "name": name },
        "spec": {
            "runStrategy": "Halted",
            "preference": { "kind": "VirtualMachineClusterPreference", "name": name },
            "template": {
                "spec": {
                    "domain": {
                        "cpu": cpu,
                        "memory": { "guest": format!("{}Mi", rec.resources.memory_mib) },
                        "devices": devices,
                    },
                    "networks": [{ "name": "default", "pod": {} }],
                    "volumes": volumes,
                },
            },
        },
    })
}

/// The objects as YAML: the warnings as comments, then the preference and,
/// when asked for, the `VirtualMachine` as a second document.
pub fn render(rec: &Recommendation, opts: &Options, vm: bool) -> String {
    let o = objects(rec, opts, vm);
    let mut s = String::new();
    s.push_str(&super::shell::comment(&format!(
        "guestdb recommend {} for KubeVirt (host {})",
        rec.os.short_id, rec.host
    )));
    for w in &o.warnings {
        s.push_str(&super::shell::comment(&format!("warning: {w}")));
    }
    s.push_str(&yaml(&o.preference));
    if let Some(vm) = &o.vm {
        s.push_str("---\n");
        s.push_str(&yaml(vm));
    }
    s
}

fn yaml(v: &Value) -> String {
    // Serialising a JSON value cannot fail: every key is a string.
    serde_saphyr::to_string(v).unwrap_or_default()
}
