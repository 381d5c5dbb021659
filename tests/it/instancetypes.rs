//! guestdb's KubeVirt preferences compared, field by field, with the ones
//! kubevirt/common-instancetypes writes by hand
//! (tests/it/ecosystems/kubevirt-preferences.json, built from its
//! `preferences/` tree by tools/ecosystems/extract.py). For every
//! preference the crosswalk (data/crosswalk/kubevirt.xml) maps to an OS,
//! guestdb's preference for that OS and the preference's architecture is
//! rendered on the rhel-9.6 host (KubeVirt's virt-launcher image is built
//! on CentOS Stream 9). The `.virtio` variants are compared with `--drivers
//! virtio-win`, the `.desktop` ones with `--profile desktop`; the others
//! (`.dpdk`, `.realtime`, `.secex`) have no guestdb option and are compared
//! with the plain recommendation.
//!
//! Only what KubeVirt's API defines as the same is normalised, on both
//! sides: an absent value and its documented default (see `DEFAULTS`).
//! Every remaining difference must be a row of the README's table
//! "Compared with common-instancetypes", and every row must still match a
//! difference.

use crate::common::{self, recommend_on, root};
use guestdb::recommend::{DriversPolicy, Ecosystem, Policy, ProfilePolicy};
use guestdb::render::{self, Options};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The host every preference is rendered for.
const HOST: &str = "rhel-9.6";

/// The README section holding the table of differences.
const SECTION: &str = "#### Compared with common-instancetypes";

/// Documented defaults of KubeVirt's API
/// (`staging/src/kubevirt.io/api/core/v1/schema.go` unless said), as
/// (field path, default, architecture it holds for or `*`). An absent field
/// means its default, so it is filled in on both sides before comparing;
/// `*` in a path is any key. A field is filled only where its parent
/// object is present.
const DEFAULTS: &[(&str, &str, &str)] = &[
    // FeatureState.Enabled: "Defaults to true."
    ("features.preferredAcpi.enabled", "true", "*"),
    ("features.preferredApic.enabled", "true", "*"),
    ("features.preferredSmm.enabled", "true", "*"),
    ("features.preferredHyperv.*.enabled", "true", "*"),
    // core/v1 defaults.go SetDefaults_FeatureSpinlocks: 4096 retries.
    ("features.preferredHyperv.spinlocks.spinlocks", "4096", "*"),
    (
        "features.preferredHyperv.synictimer.direct.enabled",
        "true",
        "*",
    ),
    // HypervTimer/RTCTimer/PITTimer/HPETTimer.Enabled (`present`):
    // "Defaults to true."
    ("clock.preferredTimer.*.present", "true", "*"),
    // EFI: SecureBoot "Defaults to true", Persistent "Defaults to false".
    ("firmware.preferredEfi.secureBoot", "true", "*"),
    ("firmware.preferredEfi.persistent", "false", "*"),
    // TPMDevice.Persistent: "Defaults to false".
    ("devices.preferredTPM.persistent", "false", "*"),
    // Devices: AutoattachMemBalloon, AutoattachGraphicsDevice,
    // AutoattachSerialConsole "Defaults to true"; AutoattachInputDevice
    // "Defaults to false".
    ("devices.preferredAutoattachMemBalloon", "true", "*"),
    ("devices.preferredAutoattachGraphicsDevice", "true", "*"),
    ("devices.preferredAutoattachSerialConsole", "true", "*"),
    ("devices.preferredAutoattachInputDevice", "false", "*"),
    // Interface.Model: "Defaults to virtio."
    ("devices.preferredInterfaceModel", "virtio", "*"),
    // pkg/defaults/amd64.go setDefaultAmd64DisksBus: a disk's and a
    // CD-ROM's bus is sata on amd64.
    ("devices.preferredDiskBus", "sata", "amd64"),
    ("devices.preferredCdromBus", "sata", "amd64"),
    // pkg/defaults/arm64.go and s390x.go: virtio there (QEMU has no SATA).
    ("devices.preferredDiskBus", "virtio", "arm64"),
    ("devices.preferredCdromBus", "virtio", "arm64"),
    ("devices.preferredDiskBus", "virtio", "s390x"),
    ("devices.preferredCdromBus", "virtio", "s390x"),
    // instancetype/v1beta1/types.go CPUPreferences.PreferredCPUTopology:
    // "defaults to PreferSockets".
    ("cpu.preferredCPUTopology", "sockets", "*"),
];

/// Top-level objects whose defaults apply even where a preference has none.
const ALWAYS: &[&str] = &["devices", "cpu"];

/// The guestdb options that correspond to a preference variant, and what
/// they are called in the README.
fn policy_for(name: &str) -> Policy {
    let mut p = Policy {
        ecosystem: Ecosystem::Kubevirt,
        ..Default::default()
    };
    if name.ends_with(".virtio") {
        p.drivers = DriversPolicy::VirtioWin;
    }
    if name.ends_with(".desktop") {
        p.profile = ProfilePolicy::Desktop;
    }
    p
}

/// A spec's leaves as `a.b.c` paths: scalars, empty objects (`{}`) and
/// arrays (as JSON text).
fn flatten(prefix: &str, v: &Value, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&p, v, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Fills `DEFAULTS` into a spec where the parent object is present.
fn normalise(spec: &mut Value, arch: &str) {
    // core/v1 defaults.go: every VMI gets features, and ACPI on
    // (SetDefaults_VirtualMachineInstance, SetDefaults_FeatureState), except
    // on s390x (pkg/defaults/s390x.go: off).
    if arch != "s390x" && spec["features"].get("preferredAcpi").is_none() {
        spec["features"]["preferredAcpi"] = serde_json::json!({});
    }
    // core/v1 schema.go Bootloader.BIOS: "If set (default), BIOS will be
    // used" (amd64; arm64 below).
    if arch == "amd64"
        && spec["firmware"].get("preferredEfi").is_none()
        && spec["firmware"].get("preferredUseBios").is_none()
    {
        spec["firmware"]["preferredUseBios"] = Value::Bool(true);
    }
    // pkg/defaults/arm64.go setDefaultArm64Bootloader: no bootloader is
    // UEFI without Secure Boot on arm64.
    if arch == "arm64" && spec.get("firmware").is_none() {
        spec["firmware"] = serde_json::json!({ "preferredEfi": { "secureBoot": false } });
    }
    for (path, default, for_arch) in DEFAULTS {
        if *for_arch != "*" && *for_arch != arch {
            continue;
        }
        let parts: Vec<&str> = path.split('.').collect();
        fill(spec, &parts, default);
    }
    // A memory quantity in MiB (Kubernetes' resource.Quantity: `1.5Gi` is
    // `1536Mi`).
    if let Some(q) = spec["requirements"]["memory"]["guest"].as_str() {
        let bytes = quantity_bytes(q).unwrap_or_else(|| panic!("quantity {q}"));
        spec["requirements"]["memory"]["guest"] = Value::String(format!("{}Mi", bytes >> 20));
    }
    // An input device KubeVirt attaches (autoattachInputDevice) gets the
    // bus usb and the type tablet, its only type, when no preference says
    // otherwise (virt-launcher's converter/compute/input_device.go; the
    // VMI admitter accepts only `tablet`).
    let d = &mut spec["devices"];
    if d["preferredAutoattachInputDevice"] == Value::Bool(true) {
        for (k, v) in [
            ("preferredInputBus", "usb"),
            ("preferredInputType", "tablet"),
        ] {
            if d.get(k).is_none() {
                d[k] = Value::String(v.into());
            }
        }
    }
}

/// The bytes of a binary-suffixed Kubernetes quantity (`512Mi`, `1.5Gi`).
fn quantity_bytes(q: &str) -> Option<u64> {
    let units = [
        ("Ki", 1u64 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
    ];
    let (num, unit) = units
        .iter()
        .find_map(|(s, u)| q.strip_suffix(s).map(|n| (n, *u)))
        .unwrap_or((q, 1));
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    let whole = int.parse::<u64>().ok()?.checked_mul(unit)?;
    if frac.is_empty() {
        return Some(whole);
    }
    let denominator = 10u64.checked_pow(u32::try_from(frac.len()).ok()?)?;
    let part = frac.parse::<u64>().ok()?.checked_mul(unit)?;
    (part % denominator == 0).then(|| whole + part / denominator)
}

fn fill(v: &mut Value, parts: &[&str], default: &str) {
    let Value::Object(m) = v else { return };
    match parts {
        [] => {}
        [last] => {
            if !m.contains_key(*last) {
                let d = serde_json::from_str(default).unwrap_or(Value::String(default.into()));
                m.insert(last.to_string(), d);
            }
        }
        ["*", rest @ ..] => {
            for (_, child) in m.iter_mut() {
                fill(child, rest, default);
            }
        }
        [first, rest @ ..] => {
            // Only into a parent that is there (`ALWAYS` are made).
            if ALWAYS.contains(first) && !m.contains_key(*first) {
                m.insert(first.to_string(), Value::Object(Map::new()));
            }
            if let Some(child) = m.get_mut(*first) {
                fill(child, rest, default);
            }
        }
    }
}

/// One difference: preference, field, theirs, guestdb's (`None`: absent).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Difference {
    preference: String,
    field: String,
    theirs: Option<String>,
    ours: Option<String>,
}

fn show(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

/// Every difference between common-instancetypes' preferences and
/// guestdb's, and the number of preferences compared.
fn differences() -> (Vec<Difference>, usize) {
    let fx = crate::ecosystems::fixture("kubevirt-preferences");
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let host = common::profile(HOST);
    let mut out = Vec::new();
    let mut compared = 0;
    let prefs = fx["preferences"].as_object().expect("preferences");
    for (name, pref) in prefs {
        let found = cw
            .lookup(&format!("kubevirt:{name}"))
            .unwrap_or_else(|| panic!("kubevirt:{name} is not in the crosswalk"));
        let Some((os, _quality)) = found.best() else {
            continue; // a gap: no single OS (crosswalk.rs lists them)
        };
        let mut theirs = pref["spec"].clone();
        let karch = theirs["preferredArchitecture"]
            .as_str()
            .or(theirs["requirements"]["architecture"].as_str())
            .map(str::to_string);
        // The architecture kubevirt:NAME gives (crosswalk.rs checks it is
        // the preference's own), x86_64 where it names none.
        let arch = found.arch().unwrap_or("x86_64");
        let rec = recommend_on(os, arch, std::slice::from_ref(&host), policy_for(name))
            .unwrap_or_else(|e| panic!("{name} ({os} on {arch}): no recommendation: {e}"));
        compared += 1;
        let mut ours =
            render::kubevirt::objects(&rec, &Options::default(), false).preference["spec"].clone();
        let karch = karch.unwrap_or_else(|| "amd64".into());
        normalise(&mut theirs, &karch);
        normalise(&mut ours, &karch);
        let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
        flatten("", &theirs, &mut a);
        flatten("", &ours, &mut b);
        let fields: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for f in fields {
            let (t, o) = (a.get(f), b.get(f));
            if t != o {
                out.push(Difference {
                    preference: name.clone(),
                    field: f.clone(),
                    theirs: t.cloned(),
                    ours: o.cloned(),
                });
            }
        }
    }
    (out, compared)
}

/// A row of the README's table: preference globs, field glob, theirs,
/// guestdb's (`*`: any, `—`: absent), and its line in the README.
#[derive(Debug)]
struct Row {
    line: usize,
    preferences: Vec<String>,
    field: String,
    theirs: String,
    ours: String,
}

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(i) => rest = &rest[i + p.len()..],
            None => return false,
        }
    }
    true
}

/// A cell's text without its backticks.
fn cell(s: &str) -> String {
    s.trim().trim_matches('`').trim().to_string()
}

/// The README section's own count: "N differences in M rows".
fn readme_counts() -> (usize, usize) {
    let text = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let section = &text[text.find(SECTION).expect("section")..];
    let words: Vec<&str> = section.split_whitespace().collect();
    let at = words
        .windows(4)
        .position(|w| w[1] == "differences" && w[2] == "in")
        .unwrap_or_else(|| panic!("README.md: '{SECTION}' states no 'N differences in M rows'"));
    let n = |s: &str| -> usize {
        s.trim_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .expect("a number")
    };
    (n(words[at]), n(words[at + 3]))
}

/// The rows of the README's table.
fn readme_rows() -> Vec<Row> {
    let path = root().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let start = text
        .find(SECTION)
        .unwrap_or_else(|| panic!("README.md has no section '{SECTION}'"));
    let first_line = text[..start].lines().count();
    let mut rows = Vec::new();
    let mut in_table = false;
    for (i, line) in text[start..].lines().enumerate().skip(1) {
        if line.starts_with('#') {
            break;
        }
        if !line.starts_with('|') {
            if in_table {
                break;
            }
            continue;
        }
        in_table = true;
        if line.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ')) {
            continue; // the header's rule
        }
        let cells: Vec<&str> = line.trim().trim_matches('|').split(" | ").collect();
        if cells.len() != 5 {
            panic!(
                "README.md:{}: a row of '{SECTION}' has 5 cells (preferences, field, theirs, guestdb, why): {line}",
                first_line + i + 1
            );
        }
        if cells[0].trim() == "Preferences" {
            continue;
        }
        assert!(
            !cells[4].trim().is_empty(),
            "README.md:{}: a row without its reason",
            first_line + i + 1
        );
        rows.push(Row {
            line: first_line + i + 1,
            preferences: cells[0].split(',').map(cell).collect(),
            field: cell(cells[1]),
            theirs: cell(cells[2]),
            ours: cell(cells[3]),
        });
    }
    assert!(!rows.is_empty(), "README.md: '{SECTION}' has no table");
    rows
}

/// `—` is absent, `*` anything (absent too), else a glob of the value.
fn value_matches(pattern: &str, v: &Option<String>) -> bool {
    match v {
        None => pattern == "—" || pattern == "*",
        Some(v) => pattern != "—" && glob(pattern, v),
    }
}

fn row_matches(r: &Row, d: &Difference) -> bool {
    r.preferences.iter().any(|p| glob(p, &d.preference))
        && glob(&r.field, &d.field)
        && value_matches(&r.theirs, &d.theirs)
        && value_matches(&r.ours, &d.ours)
}

#[test]
fn kubevirt_preferences_differ_from_common_instancetypes_only_as_the_readme_lists() {
    let (diffs, compared) = differences();
    let rows = readme_rows();
    let unlisted: Vec<String> = diffs
        .iter()
        .filter(|d| !rows.iter().any(|r| row_matches(r, d)))
        .map(|d| {
            format!(
                "| `{}` | `{}` | `{}` | `{}` | ? |",
                d.preference,
                d.field,
                show(&d.theirs),
                show(&d.ours)
            )
        })
        .collect();
    let stale: Vec<String> = rows
        .iter()
        .filter(|r| !diffs.iter().any(|d| row_matches(r, d)))
        .map(|r| format!("README.md:{}: {:?} matches no difference", r.line, r))
        .collect();
    eprintln!(
        "{compared} preferences compared, {} differences, {} README rows",
        diffs.len(),
        rows.len()
    );
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "differences the README does not list ({}):\n{}\nstale README rows ({}):\n{}",
        unlisted.len(),
        unlisted.join("\n"),
        stale.len(),
        stale.join("\n")
    );
    assert_eq!(
        readme_counts(),
        (diffs.len(), rows.len()),
        "README.md: '{SECTION}' states its counts of differences and rows"
    );
    // Every preference of the fixture that is not a gap was compared.
    assert!(compared >= 50, "only {compared} preferences compared");
}

#[test]
fn the_comparison_finds_a_difference_and_normalises_only_defaults() {
    // An absent FeatureState is enabled; an absent EFI persistence is off.
    let mut a = serde_json::json!({
        "features": { "preferredSmm": {} },
        "firmware": { "preferredEfi": {} },
    });
    normalise(&mut a, "amd64");
    assert_eq!(a["features"]["preferredSmm"]["enabled"], true);
    assert_eq!(a["firmware"]["preferredEfi"]["secureBoot"], true);
    assert_eq!(a["firmware"]["preferredEfi"]["persistent"], false);
    // A missing parent is not made up.
    assert!(a["clock"].is_null());
    // A row matches by globs and values; `—` is absent.
    let d = Difference {
        preference: "windows.2k3".into(),
        field: "features.preferredHyperv.reset.enabled".into(),
        theirs: Some("true".into()),
        ours: None,
    };
    let r = Row {
        line: 0,
        preferences: vec!["windows.*".into()],
        field: "features.preferredHyperv.reset.*".into(),
        theirs: "true".into(),
        ours: "—".into(),
    };
    assert!(row_matches(&r, &d));
    let r = Row {
        ours: "true".into(),
        ..r
    };
    assert!(!row_matches(&r, &d));
    assert_eq!(quantity_bytes("1.5Gi"), quantity_bytes("1536Mi"));
    assert_eq!(quantity_bytes("512Mi"), Some(512 << 20));
    assert!(glob("windows.*.virtio", "windows.2k22.virtio"));
    assert!(!glob("windows.*.virtio", "windows.2k22"));
}
