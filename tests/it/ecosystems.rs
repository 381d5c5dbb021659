//! The kubevirt, openstack and proxmox formats of `guestdb recommend`,
//! checked against the consumers' own schemas and enums: the fixtures in
//! tests/it/ecosystems/ are generated from KubeVirt's, Nova's and
//! qemu-server's sources by tools/ecosystems/extract.py (each records the
//! repository and commit it was read from). KubeVirt's objects are
//! validated with the python3-jsonschema package (tools/test-setup.sh
//! installs it); Nova's property names and values and Proxmox's keys are
//! compared here, key by key.

use crate::common::{self, recommend_on, root, run};
use guestdb::recommend::{Ecosystem, Policy, Recommendation};
use guestdb::render::{self, Options};
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

/// How many OSes each format is checked for.
const COUNT: usize = 40;

pub fn fixture(name: &str) -> Value {
    let path = root()
        .join("tests/it/ecosystems")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (generate it with tools/ecosystems/extract.py)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// 40 x86_64 OSes spread over the dataset (every n-th of `guestdb list`,
/// newest first), with the cases the formats treat specially always in.
fn oses() -> Vec<String> {
    let must = ["win11", "win2k22", "win10", "win7", "rhel6.10", "centos7.0"];
    let db = common::db();
    let all: Vec<String> = db
        .list(&Default::default())
        .expect("list")
        .into_iter()
        .map(|o| o.short_id().to_string())
        .collect();
    let mut out: Vec<String> = must.iter().map(|s| s.to_string()).collect();
    let step = (all.len() / (COUNT - must.len())).max(1);
    for id in all.iter().step_by(step) {
        if out.len() == COUNT {
            break;
        }
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    assert_eq!(out.len(), COUNT, "the dataset has fewer than {COUNT} OSes");
    out
}

/// The recommendation for `os` on the default host for `eco`; `None` when
/// there is none (printed, not hidden: the caller counts them).
fn rec_for(os: &str, eco: Ecosystem, host: &str) -> Option<Recommendation> {
    let policy = Policy {
        ecosystem: eco,
        ..Default::default()
    };
    match recommend_on(os, "x86_64", &[common::profile(host)], policy) {
        Ok(r) => Some(r),
        Err(no) => {
            eprintln!("{os}: no recommendation for {}: {no}", eco.name());
            None
        }
    }
}

fn opts() -> Options {
    Options {
        cdrom: Some("/srv/iso/install.iso".into()),
        ..Options::default()
    }
}

// --- KubeVirt ---------------------------------------------------------------

/// The YAML documents of a kubevirt output, parsed back.
fn parse_yaml(text: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(text)
        .unwrap_or_else(|e| panic!("the kubevirt output is not YAML: {e}\n{text}"))
}

/// Validates `objects` (name, root definition, object) with KubeVirt's
/// schema; the errors, one per line.
fn kubevirt_schema_errors(objects: &[(String, &str, Value)]) -> Vec<String> {
    let python = std::path::Path::new("/usr/bin/python3");
    assert!(
        python.is_file(),
        "/usr/bin/python3 is missing: run tools/test-setup.sh"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let list: Vec<Value> = objects
        .iter()
        .map(|(name, root, o)| serde_json::json!({ "name": name, "root": root, "object": o }))
        .collect();
    let file = dir.path().join("objects.json");
    std::fs::write(&file, serde_json::to_vec(&list).expect("json")).expect("write");
    let out = Command::new(python)
        .arg(root().join("tools/ecosystems/kubevirt_validate.py"))
        .arg(root().join("tests/it/ecosystems/kubevirt.json"))
        .arg(&file)
        .output()
        .expect("python3 runs");
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The values of the preference that KubeVirt's admission webhooks check,
/// compared with the values they accept; the errors.
fn kubevirt_value_errors(name: &str, pref: &Value, values: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let allowed = |key: &str| -> Vec<String> {
        values[key]
            .as_array()
            .unwrap_or_else(|| panic!("kubevirt.json has no values.{key}"))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let mut check = |field: &str, value: &Value, key: &str| {
        if let Some(v) = value.as_str() {
            if !allowed(key).iter().any(|a| a == v) {
                errors.push(format!(
                    "{name}: {field} '{v}' is not one KubeVirt accepts ({})",
                    allowed(key).join(", ")
                ));
            }
        }
    };
    let d = &pref["spec"]["devices"];
    check("preferredDiskBus", &d["preferredDiskBus"], "diskBus");
    check("preferredCdromBus", &d["preferredCdromBus"], "diskBus");
    check(
        "preferredInterfaceModel",
        &d["preferredInterfaceModel"],
        "interfaceModel",
    );
    check("preferredInputBus", &d["preferredInputBus"], "inputBus");
    check("preferredInputType", &d["preferredInputType"], "inputType");
    check("preferredVideoType", &d["preferredVideoType"], "videoType");
    check(
        "preferredSoundModel",
        &d["preferredSoundModel"],
        "soundModel",
    );
    let t = &pref["spec"]["clock"]["preferredTimer"];
    check("rtc tickPolicy", &t["rtc"]["tickPolicy"], "rtcTickPolicy");
    check("pit tickPolicy", &t["pit"]["tickPolicy"], "pitTickPolicy");
    check(
        "hpet tickPolicy",
        &t["hpet"]["tickPolicy"],
        "hpetTickPolicy",
    );
    // The machine type must match a default emulated machine (a glob).
    if let Some(m) = pref["spec"]["machine"]["preferredMachineType"].as_str() {
        let globs = allowed("amd64EmulatedMachines");
        let ok = globs.iter().any(|g| match g.strip_suffix('*') {
            Some(prefix) => m.starts_with(prefix),
            None => m == g,
        });
        if !ok {
            errors.push(format!(
                "{name}: machine type '{m}' is not among KubeVirt's default emulated machines ({})",
                globs.join(", ")
            ));
        }
    }
    errors
}

#[test]
#[ignore = "needs python3-jsonschema (tools/test-setup.sh)"]
fn kubevirt_outputs_validate_against_kubevirts_schema_and_webhook_values() {
    let fx = fixture("kubevirt");
    let mut objects = Vec::new();
    let mut value_errors = Vec::new();
    let mut done = 0;
    for os in oses() {
        let Some(rec) = rec_for(&os, Ecosystem::Kubevirt, "rhel-9.6") else {
            continue;
        };
        done += 1;
        let yaml = render::kubevirt::render(&rec, &opts(), true);
        let docs = parse_yaml(&yaml);
        assert_eq!(docs.len(), 2, "{os}: preference and VirtualMachine\n{yaml}");
        // What was parsed back is what was built.
        let built = render::kubevirt::objects(&rec, &opts(), true);
        assert_eq!(docs[0], built.preference, "{os}: YAML round trip");
        assert_eq!(Some(&docs[1]), built.vm.as_ref(), "{os}: YAML round trip");
        value_errors.extend(kubevirt_value_errors(&os, &docs[0], &fx["values"]));
        objects.push((
            os.clone(),
            "v1beta1.VirtualMachineClusterPreference",
            docs[0].clone(),
        ));
        objects.push((os.clone(), "v1.VirtualMachine", docs[1].clone()));
    }
    assert_eq!(done, COUNT, "every OS has a KubeVirt recommendation");
    let errors = kubevirt_schema_errors(&objects);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(value_errors.is_empty(), "{}", value_errors.join("\n"));
}

#[test]
#[ignore = "needs python3-jsonschema (tools/test-setup.sh)"]
fn kubevirt_checks_reject_what_kubevirt_rejects() {
    let fx = fixture("kubevirt");
    let rec = rec_for("win11", Ecosystem::Kubevirt, "rhel-9.6").expect("win11");
    let mut pref = render::kubevirt::objects(&rec, &opts(), false).preference;
    pref["spec"]["devices"]["preferredDiskBus"] = "ide".into();
    pref["spec"]["machine"]["preferredMachineType"] = "pc-i440fx-rhel7.6.0".into();
    let errors = kubevirt_value_errors("broken", &pref, &fx["values"]);
    assert_eq!(errors.len(), 2, "{errors:?}");
    pref["spec"]["devices"]["preferredDiskBuss"] = "sata".into();
    let errors = kubevirt_schema_errors(&[(
        "broken".into(),
        "v1beta1.VirtualMachineClusterPreference",
        pref,
    )]);
    assert!(
        errors.iter().any(|e| e.contains("preferredDiskBuss")),
        "a field KubeVirt does not define is an error: {errors:?}"
    );
}

// --- OpenStack --------------------------------------------------------------

/// Nova's oslo FlexibleBooleanField accepts oslo.utils' boolean strings.
const FLEXIBLE_BOOLEAN: &[&str] = &[
    "1", "t", "true", "on", "y", "yes", "0", "f", "false", "off", "n", "no",
];

/// Property names and values Nova does not accept; the errors.
fn nova_errors(name: &str, props: &[(String, String)], nova: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    for (k, v) in props {
        let Some(p) = nova["properties"].get(k) else {
            errors.push(format!("{name}: {k} is no ImageMetaProps field"));
            continue;
        };
        match &p["enum"] {
            Value::Array(values) => {
                if !values.iter().any(|a| a.as_str() == Some(v)) {
                    errors.push(format!(
                        "{name}: {k}={v} is not one of Nova's {} values",
                        p["field"]
                    ));
                }
            }
            Value::Null => {
                if p["field"] == "FlexibleBooleanField" && !FLEXIBLE_BOOLEAN.contains(&v.as_str()) {
                    errors.push(format!("{name}: {k}={v} is not a boolean string"));
                }
            }
            other => errors.push(format!(
                "{name}: {k}: the fixture does not know its values ({other})"
            )),
        }
    }
    errors
}

#[test]
fn openstack_outputs_use_only_novas_property_names_and_values() {
    let nova = fixture("nova");
    let mut errors = Vec::new();
    let mut done = 0;
    for os in oses() {
        let Some(rec) = rec_for(&os, Ecosystem::Openstack, "debian-12") else {
            continue;
        };
        done += 1;
        let p = render::openstack::properties(&rec, &opts());
        errors.extend(nova_errors(&os, &p.properties, &nova));
        // The command line states the same properties.
        let cli = render::openstack::render_cli(&rec, &opts());
        let stated: Vec<(String, String)> = cli
            .lines()
            .filter_map(|l| l.trim().strip_prefix("--property "))
            .map(|kv| {
                let kv = kv.trim_end_matches(" \\").trim_matches('\'');
                let (k, v) = kv.split_once('=').expect("k=v");
                (k.to_string(), v.to_string())
            })
            .collect();
        assert_eq!(stated, p.properties, "{os}: openstack-cli\n{cli}");
    }
    assert_eq!(done, COUNT, "every OS has an OpenStack recommendation");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The check can fail.
    let bad = [
        ("hw_disk_bus".to_string(), "nvme0".to_string()),
        ("hw_cpu_model".to_string(), "x".to_string()),
    ];
    assert_eq!(nova_errors("broken", &bad, &nova).len(), 2);
}

// --- Proxmox ----------------------------------------------------------------

/// The schema of configuration key `key` (numbered keys by their family).
fn proxmox_key<'a>(key: &str, px: &'a Value) -> Option<&'a Value> {
    if let Some(s) = px["keys"].get(key) {
        return Some(s);
    }
    let digits = key.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let prefix = &key[..key.len() - digits.len()];
    let n: u64 = digits.parse().ok()?;
    let family = px["numbered"].get(prefix)?;
    (n < family["count"].as_u64()?).then(|| &family["schema"])
}

/// Checks one value against a schema entry (type, enum, pattern, range).
fn proxmox_value(what: &str, v: &str, s: &Value, px: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    match s["type"].as_str() {
        Some("boolean") if !["0", "1"].contains(&v) => {
            errors.push(format!("{what}: '{v}' is not a boolean (0 or 1)"))
        }
        Some("integer") | Some("number") => match v.parse::<f64>() {
            Ok(n) => {
                if s["minimum"].as_f64().is_some_and(|m| n < m)
                    || s["maximum"].as_f64().is_some_and(|m| n > m)
                {
                    errors.push(format!("{what}: {v} is out of range"));
                }
            }
            Err(_) => errors.push(format!("{what}: '{v}' is not a number")),
        },
        _ => {}
    }
    if let Some(e) = s["enum"].as_array() {
        if !e.iter().any(|a| a.as_str() == Some(v)) {
            errors.push(format!("{what}: '{v}' is not one of {e:?}"));
        }
    }
    if let Some(p) = s["pattern"].as_str() {
        // PVE::JSONSchema anchors a pattern as ^(?:PATTERN)$.
        let re = fancy_regex::Regex::new(&format!("^(?:{p})$")).expect("pattern");
        if !re.is_match(v).unwrap_or(false) {
            errors.push(format!("{what}: '{v}' does not match {p}"));
        }
    }
    if what.ends_with("cputype") {
        let models = px["cpu_models"].as_array().expect("cpu_models");
        if !models.iter().any(|m| m.as_str() == Some(v)) {
            errors.push(format!("{what}: '{v}' is no CPU model Proxmox VE knows"));
        }
    }
    errors
}

/// Checks a `key: value` of a configuration against qemu-server's schema.
fn proxmox_errors(name: &str, key: &str, value: &str, px: &Value) -> Vec<String> {
    let Some(schema) = proxmox_key(key, px) else {
        return vec![format!("{name}: {key} is no configuration key")];
    };
    let what = format!("{name}: {key}");
    let Some(format) = schema["format"].as_object() else {
        return proxmox_value(&what, value, schema, px);
    };
    // A property string: KEY=VALUE parts, the default key's value bare.
    let mut errors = Vec::new();
    for part in value.split(',') {
        let (k, v) = match part.split_once('=') {
            Some((k, v)) => (k.to_string(), v),
            None => match format
                .iter()
                .find(|(_, s)| s["default_key"].as_u64() == Some(1))
            {
                Some((k, _)) => (k.clone(), part),
                None => {
                    errors.push(format!(
                        "{what}: '{part}' has no key and {key} no default key"
                    ));
                    continue;
                }
            },
        };
        let Some(mut s) = format.get(&k) else {
            errors.push(format!("{what}: '{k}' is no key of its format"));
            continue;
        };
        if let Some(alias) = s["alias"].as_str() {
            s = &format[alias];
        }
        errors.extend(proxmox_value(&format!("{what}.{k}"), v, s, px));
    }
    errors
}

#[test]
fn proxmox_outputs_pass_qemu_servers_confdesc_key_by_key() {
    let px = fixture("proxmox");
    let mut errors = Vec::new();
    let mut done = 0;
    for os in oses() {
        let Some(rec) = rec_for(&os, Ecosystem::Proxmox, "debian-13") else {
            continue;
        };
        done += 1;
        let c = render::proxmox::config(&rec, &opts());
        let conf = render::proxmox::render_conf(&rec, &opts());
        let mut keys = BTreeSet::new();
        for line in conf.lines().filter(|l| !l.starts_with('#')) {
            let (k, v) = line.split_once(": ").expect("key: value");
            assert!(keys.insert(k.to_string()), "{os}: {k} twice\n{conf}");
            errors.extend(proxmox_errors(&os, k, v, &px));
        }
        for (k, v) in &c.create {
            // qm create allocates disks as STORAGE:SIZE (the volume key).
            errors.extend(proxmox_errors(&os, k, v, &px));
        }
        assert!(
            keys.contains("ostype") && keys.contains("machine"),
            "{conf}"
        );
    }
    assert_eq!(done, COUNT, "every OS has a Proxmox recommendation");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The check can fail.
    let bad = proxmox_errors("broken", "ostype", "win12", &px).len()
        + proxmox_errors("broken", "tpmstate0", "local-lvm:1,version=v3.0", &px).len()
        + proxmox_errors("broken", "machine", "pc-q35-rhel9.6.0", &px).len()
        + proxmox_errors("broken", "virtio16", "local-lvm:1", &px).len();
    assert_eq!(bad, 4);
}

// --- What each target cannot state ------------------------------------------

#[test]
fn legacy_only_guest_gets_i440fx_and_plain_virtio_where_no_transitional_model() {
    // RHEL 9 offers only a deprecated i440fx type: libvirt gets q35 with
    // transitional devices; Nova and Proxmox have no transitional model.
    let libvirt = rec_for("rhel6.10", Ecosystem::Libvirt, "rhel-9.6").expect("libvirt");
    assert_eq!(libvirt.machine.family, "q35");
    assert!(libvirt
        .devices
        .iter()
        .any(|d| d.libvirt_model.as_deref() == Some("virtio-transitional")));
    for eco in [Ecosystem::Openstack, Ecosystem::Proxmox] {
        let r = rec_for("rhel6.10", eco, "rhel-9.6").expect("recommendation");
        assert_eq!(r.machine.family, "i440fx", "{}", eco.name());
        for d in r.devices.iter().filter(|d| !d.interfaces.is_empty()) {
            assert!(
                d.interfaces.contains(&"legacy"),
                "{}: {} is modern-only",
                eco.name(),
                d.id
            );
            assert_eq!(d.libvirt_model.as_deref(), Some("virtio"), "{}", d.id);
        }
        assert!(
            r.warnings
                .iter()
                .any(|w| w.message.contains("no transitional virtio model")),
            "{}: {:?}",
            eco.name(),
            r.warnings
        );
    }
    let props = render::openstack::properties(
        &rec_for("rhel6.10", Ecosystem::Openstack, "rhel-9.6").expect("nova"),
        &opts(),
    );
    assert!(props
        .properties
        .contains(&("hw_machine_type".into(), "pc-i440fx-rhel7.6.0".into())));
    assert!(props
        .properties
        .contains(&("hw_disk_bus".into(), "virtio".into())));
    // KubeVirt runs only q35: one switch makes every virtio device transitional.
    let kv = rec_for("rhel6.10", Ecosystem::Kubevirt, "rhel-9.6").expect("kubevirt");
    let o = render::kubevirt::objects(&kv, &opts(), false);
    assert_eq!(
        o.preference["spec"]["devices"]["preferredUseVirtioTransitional"],
        true
    );
    assert!(o.warnings.iter().any(|w| w.contains("per-device")));
}

#[test]
fn targets_say_what_they_cannot_state() {
    // Proxmox's TPM is tpm-tis only; Windows 11 otherwise gets tpm-crb.
    let r = rec_for("win11", Ecosystem::Proxmox, "debian-13").expect("win11");
    assert_eq!(r.firmware.tpm.as_ref().expect("tpm").model, "tpm-tis");
    assert!(r
        .warnings
        .iter()
        .any(|w| w.code == "ecosystem" && w.message.contains("tpm-crb")));
    let conf = render::proxmox::render_conf(&r, &opts());
    assert!(
        conf.contains("tpmstate0: ") && conf.contains("version=v2.0"),
        "{conf}"
    );
    assert!(conf.contains("pre-enrolled-keys=1"), "{conf}");
    assert!(
        conf.contains("# warning: Proxmox VE sets the Hyper-V"),
        "{conf}"
    );
    // KubeVirt has no local-time clock offset.
    let r = rec_for("win11", Ecosystem::Kubevirt, "rhel-9.6").expect("win11");
    let o = render::kubevirt::objects(&r, &opts(), false);
    assert!(o.warnings.iter().any(|w| w.contains("local time")));
    assert_eq!(
        o.preference["spec"]["features"]["preferredSmm"]["enabled"],
        true
    );
    assert_eq!(
        o.preference["spec"]["firmware"]["preferredEfi"]["secureBoot"],
        true
    );
    assert!(o.preference["spec"]["features"]["preferredHyperv"]["synic"]["enabled"] == true);
    // --chipset i440fx cannot run on KubeVirt.
    let out = run(&[
        "recommend",
        "rhel6.10",
        "--format",
        "kubevirt",
        "--chipset",
        "i440fx",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("KubeVirt runs only q35"),
        "{}",
        out.stderr
    );
}

#[test]
fn cli_formats_and_their_errors() {
    for (format, needle) in [
        ("kubevirt", "kind: VirtualMachineClusterPreference"),
        ("openstack", "\"hw_machine_type\""),
        ("openstack-cli", "openstack image set"),
        ("proxmox", "qm create 100"),
        ("proxmox-conf", "ostype: win11"),
    ] {
        let out = run(&["recommend", "win11", "--format", format]);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        assert!(out.stdout.contains(needle), "{format}: {}", out.stdout);
    }
    let out = run(&[
        "recommend",
        "win11",
        "--format",
        "kubevirt",
        "--kubevirt-vm",
    ]);
    assert_eq!(parse_yaml(&out.stdout).len(), 2, "{}", out.stdout);
    let out = run(&["recommend", "win11", "--kubevirt-vm"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--format kubevirt"), "{}", out.stderr);
    let out = run(&["recommend", "win11", "--format", "vmware"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("proxmox-conf"), "{}", out.stderr);
}
