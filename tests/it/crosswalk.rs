//! The crosswalk (`data/crosswalk/`): every name of a scheme's own list is
//! in the data, resolving to an OS or stated as a gap with its reason; the
//! names guestdb shows for an OS resolve back to it; `SCHEME:NAME` works
//! wherever an OS is taken. The schemes' lists are the fixtures
//! tools/ecosystems/extract.py generates from govmomi, qemu-server,
//! common-instancetypes, Glance's admin guide, oVirt engine and
//! VirtualBox's Global.cpp.

use crate::common::{self, root, run};
use serde_json::Value;
use std::collections::BTreeSet;

fn fixture(name: &str) -> Value {
    let path = root()
        .join("tests/it/ecosystems")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (tools/ecosystems/extract.py)", path.display()));
    serde_json::from_str(&text).expect("fixture JSON")
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

/// Compares a scheme's names with its source's list; prints its gaps.
fn scheme_covers(scheme: &str, source: &BTreeSet<String>) {
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let s = cw
        .scheme(scheme)
        .unwrap_or_else(|| panic!("no scheme {scheme}"));
    let data: BTreeSet<String> = s.names.iter().map(|n| n.name.clone()).collect();
    let missing: Vec<&String> = source.difference(&data).collect();
    let unknown: Vec<&String> = data.difference(source).collect();
    assert!(
        missing.is_empty(),
        "{scheme} names the data does not map (to an OS or a gap): {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "{scheme} names its source does not have: {unknown:?}"
    );
    let mut gaps = Vec::new();
    for n in &s.names {
        let found = cw
            .lookup(&format!("{scheme}:{}", n.name))
            .expect("each name resolves");
        match found.best() {
            Some((id, _)) => assert!(
                db.lookup(id).expect("store").is_some(),
                "{scheme}:{} resolves to the unknown OS {id}",
                n.name
            ),
            None => {
                let why = n.gap.as_deref().unwrap_or_default();
                assert!(
                    !why.is_empty(),
                    "{scheme}:{} is a gap without a reason",
                    n.name
                );
                gaps.push(format!("{}: {why}", n.name));
            }
        }
    }
    eprintln!("{scheme}: {} names, {} gaps:", s.names.len(), gaps.len());
    for g in &gaps {
        eprintln!("  {g}");
    }
}

#[test]
fn every_govmomi_guest_id_resolves_to_an_os_or_is_an_explicit_gap() {
    scheme_covers("vmware", &strings(&fixture("vmware")["guest_ids"]));
}

#[test]
fn every_proxmox_ostype_resolves_to_an_os_or_is_an_explicit_gap() {
    let px = fixture("proxmox");
    scheme_covers("proxmox", &strings(&px["keys"]["ostype"]["enum"]));
}

#[test]
fn every_common_instancetypes_preference_resolves_to_an_os_or_is_an_explicit_gap() {
    let prefs = fixture("kubevirt-preferences");
    let names = prefs["preferences"]
        .as_object()
        .expect("preferences")
        .keys()
        .cloned()
        .collect();
    scheme_covers("kubevirt", &names);
}

#[test]
fn every_documented_glance_os_distro_resolves_to_an_os_or_is_an_explicit_gap() {
    let glance = fixture("glance");
    let values = glance["os_distro"]
        .as_object()
        .expect("os_distro")
        .keys()
        .cloned()
        .collect();
    scheme_covers("glance", &values);
}

#[test]
fn every_ovirt_os_name_resolves_to_an_os_or_is_an_explicit_gap() {
    let ovirt = fixture("ovirt");
    let names = ovirt["os_names"]
        .as_object()
        .expect("os_names")
        .keys()
        .cloned()
        .collect();
    scheme_covers("ovirt", &names);
}

#[test]
fn every_virtualbox_os_type_resolves_to_an_os_or_is_an_explicit_gap() {
    let vbox = fixture("virtualbox");
    let types = vbox["os_types"]
        .as_object()
        .expect("os_types")
        .keys()
        .cloned()
        .collect();
    scheme_covers("virtualbox", &types);
}

#[test]
fn the_names_shown_for_an_os_resolve_back_to_it() {
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let mut checked = 0;
    for os in db.oses().expect("oses") {
        for n in cw.names_of(&os.id) {
            let text = format!("{}:{}", n.scheme, n.name);
            let found = cw.lookup(&text).expect("shown names resolve");
            let (id, quality) = found.best().expect("not a gap");
            // The name names the OS; an exact name, or one the OS is
            // listed first for, resolves to it.
            assert!(found.name.oses.iter().any(|o| o.id == os.id), "{text}");
            if n.quality == "exact" || found.name.oses[0].id == os.id {
                assert_eq!(id, os.id, "{text} does not resolve back to {}", os.id);
                assert_eq!(quality, n.quality, "{text}");
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} names");
}

#[test]
fn proxmox_ostype_of_the_renderer_agrees_with_the_crosswalk() {
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let s = cw.scheme("proxmox").expect("proxmox");
    for n in &s.names {
        for o in &n.oses {
            let os = db.lookup(&o.id).expect("store").expect("os");
            assert_eq!(
                guestdb::render::proxmox::ostype(os.family.as_deref(), os.short_id()),
                Some(n.name.as_str()),
                "{}",
                os.short_id()
            );
        }
    }
}

#[test]
fn scheme_names_work_wherever_an_os_is_taken() {
    // An exact name: no warning.
    let out = run(&["show", "vmware:windows2019srvNext_64Guest"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("win2k22 "), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(out
        .stdout
        .contains("vmware:windows2019srvNext_64Guest (exact)"));
    // A family name: the OS listed first, and a warning naming the match.
    let out = run(&["recommend", "proxmox:win11", "--format", "proxmox-conf"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("ostype: win11"), "{}", out.stdout);
    assert!(
        out.stderr.contains("family match for win11"),
        "{}",
        out.stderr
    );
    // Any case.
    let out = run(&["show", "--json", "VMWARE:RHEL9_64GUEST"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["short_ids"][0], "rhel9-unknown");
    // A gap and an unknown name: not found.
    let out = run(&["show", "vmware:otherGuest"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("names no OS"), "{}", out.stderr);
    let out = run(&["show", "vmware:rhel99_64Guest"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("list --scheme vmware"),
        "{}",
        out.stderr
    );
    // show --json lists the names.
    let out = run(&["show", "win11", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let names = v["other_names"].as_array().expect("other_names");
    assert!(names.iter().any(|n| n["scheme"] == "vmware"
        && n["name"] == "windows11_64Guest"
        && n["quality"] == "exact"));
}

#[test]
fn list_scheme_lists_names_with_their_os_and_gaps() {
    let out = run(&["list", "--scheme", "vmware", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let names = v["names"].as_array().expect("names");
    let rhel9 = names
        .iter()
        .find(|n| n["name"] == "rhel9_64Guest")
        .expect("rhel9_64Guest");
    assert_eq!(rhel9["os"], "rhel9-unknown");
    assert_eq!(rhel9["quality"], "family");
    let other = names
        .iter()
        .find(|n| n["name"] == "otherGuest")
        .expect("gap");
    assert!(other["os"].is_null() && other["gap"].is_string());
    let out = run(&["list", "--scheme", "proxmox"]);
    assert!(out
        .stdout
        .lines()
        .any(|l| l.starts_with("win11 ") && l.contains("family")));
    let out = run(&["list", "--scheme", "nope"]);
    assert_eq!(out.code, 1);
    // Every scheme file's name, in name order.
    let mut files: Vec<String> = std::fs::read_dir(root().join("data/crosswalk"))
        .expect("data/crosswalk")
        .map(|e| {
            let p = e.expect("entry").path();
            p.file_stem().expect("stem").to_string_lossy().into_owned()
        })
        .collect();
    files.sort();
    assert!(
        out.stderr.contains(&format!("known: {}", files.join(", "))),
        "{}",
        out.stderr
    );
    let out = run(&["list", "--scheme", "kubevirt", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let names = v["names"].as_array().expect("names");
    let win = names
        .iter()
        .find(|n| n["name"] == "windows.2k22.virtio")
        .expect("windows.2k22.virtio");
    assert_eq!(win["os"], "win2k22");
    assert_eq!(win["quality"], "exact");
    let out = run(&["show", "glance:rhel"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("rhel10-unknown "), "{}", out.stdout);
    assert!(out.stderr.contains("generic match"), "{}", out.stderr);
    let out = run(&["show", "--json", "ovirt:windows_2019x64"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["short_ids"][0], "win2k19");
    let out = run(&["show", "virtualbox:Windows11_64"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("win11 "), "{}", out.stdout);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
}

#[test]
fn a_broken_crosswalk_file_is_a_finding_at_its_place() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let data = tmp.path().join("data");
    common::copy_dir(&root().join("data"), &data);
    std::fs::write(
        data.join("crosswalk/proxmox.xml"),
        r#"<crosswalk scheme="proxmox" title="t" source="proxmox-qemu-server">
  <name value="win11"><os id="http://microsoft.com/win/11" quality="great"/></name>
  <name value="win11" gap="twice"/>
  <name value="l26"><os id="http://example.org/nope" quality="exact"/></name>
  <name value="w2k" gap="both"><os id="http://microsoft.com/win/2k" quality="exact"/></name>
  <name value="other"/>
</crosswalk>
"#,
    )
    .expect("write");
    std::fs::write(
        data.join("crosswalk/extra.xml"),
        r#"<crosswalk scheme="vmware" title="t" source="nope"><name value="x" gap="y"/></crosswalk>"#,
    )
    .expect("write");
    let out = run(&["validate", data.to_str().expect("utf8")]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    let text = format!("{}{}", out.stdout, out.stderr);
    for needle in [
        "crosswalk/proxmox.xml:2:",
        "quality 'great' is unknown",
        "proxmox name 'win11' is listed twice",
        "names the OS 'http://example.org/nope', which the dataset does not have",
        "name 'w2k' is a gap and names OSes",
        "name 'other' names no OS",
        "scheme 'vmware' is defined twice",
        "scheme 'vmware' belongs in crosswalk/vmware.xml",
        "'nope'",
    ] {
        assert!(text.contains(needle), "missing '{needle}' in:\n{text}");
    }
}
