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
    // The name shown for an OS and an architecture resolves to that OS and
    // that architecture; a family name shown for a release of its series
    // (vmware:rhel6_64Guest for rhel6.10) resolves, as documented, to the
    // OS the crosswalk names (rhel6-unknown), whose series holds the release.
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let (mut checked, mut with_arch, mut by_family) = (0, 0, 0);
    for os in db.oses().expect("oses") {
        let mut seen = BTreeSet::new();
        for n in cw.names_of(&os.id) {
            let text = format!("{}:{}", n.scheme, n.name);
            assert!(
                seen.insert((n.scheme, n.arch)),
                "{}: two {} names for {:?}",
                os.short_id(),
                n.scheme,
                n.arch
            );
            let found = cw.lookup(&text).expect("shown names resolve");
            let (id, quality) = found.best().expect("not a gap");
            assert_eq!(found.arch(), n.arch, "{text}: architecture");
            match n.resolves_to {
                None => {
                    assert_eq!(id, os.id, "{text} does not resolve back to {}", os.id);
                    assert_eq!(quality, n.quality, "{text}");
                }
                Some(to) => {
                    assert_eq!(id, to, "{text}");
                    let listed = found.name.oses.iter().any(|o| o.id == os.id);
                    let series = found.name.family.contains(&os.id);
                    assert!(
                        listed || series,
                        "{text} neither lists {} nor covers it",
                        os.id
                    );
                    if series {
                        assert_eq!(n.quality, "family", "{text}");
                        by_family += 1;
                    }
                }
            }
            if let Some(arch) = n.arch {
                assert!(
                    guestdb::recommend::ARCHES.contains(&arch),
                    "{text}: arch {arch} is none guestdb recommends for"
                );
                with_arch += 1;
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} names");
    assert!(
        with_arch > 100,
        "only {with_arch} names with an architecture"
    );
    assert!(by_family > 50, "only {by_family} names by family");
}

#[test]
fn kubevirt_names_carry_the_architecture_of_their_preference() {
    // common-instancetypes' own preferredArchitecture, in guestdb's words.
    let prefs = fixture("kubevirt-preferences");
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let mut arm = 0;
    for (name, p) in prefs["preferences"].as_object().expect("preferences") {
        let want = match p["spec"]["preferredArchitecture"].as_str() {
            None => None,
            Some("amd64") => Some("x86_64"),
            Some("arm64") => Some("aarch64"),
            Some("s390x") => Some("s390x"),
            Some(other) => panic!("{name}: unexpected preferredArchitecture {other}"),
        };
        let found = cw
            .lookup(&format!("kubevirt:{name}"))
            .unwrap_or_else(|| panic!("kubevirt:{name}"));
        assert_eq!(found.arch(), want, "kubevirt:{name}");
        arm += usize::from(want == Some("aarch64"));
    }
    assert_eq!(arm, 3, "rhel.9.arm64, rhel.10.arm64, fedora.arm64");
}

#[test]
fn virtualbox_types_carry_the_architecture_of_their_description() {
    // VirtualBox's description ends "(32-bit)", "(64-bit)" or "(ARM
    // 64-bit)"; a type whose OS is not known on that architecture says none
    // (the file's note lists them).
    let vbox = fixture("virtualbox");
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let mut with = 0;
    for (name, desc) in vbox["os_types"].as_object().expect("os_types") {
        let desc = desc.as_str().expect("description");
        let want = if desc.ends_with("(ARM 64-bit)") {
            Some("aarch64")
        } else if desc.ends_with("(64-bit)") {
            Some("x86_64")
        } else if desc.ends_with("(32-bit)") {
            Some("i686")
        } else {
            None
        };
        let found = cw
            .lookup(&format!("virtualbox:{name}"))
            .unwrap_or_else(|| panic!("virtualbox:{name}"));
        match found.arch() {
            Some(a) => {
                assert_eq!(Some(a), want, "virtualbox:{name} ({desc})");
                with += 1;
            }
            None => {
                let os = found
                    .best()
                    .and_then(|(id, _)| db.lookup(id).expect("store"));
                let known =
                    os.is_some_and(|os| want.is_some_and(|w| os.arches.iter().any(|a| a == w)));
                assert!(
                    !known,
                    "virtualbox:{name} ({desc}) says no architecture, but its OS is known on {want:?}"
                );
            }
        }
    }
    assert!(with > 150, "only {with} types with an architecture");
}

/// Checks each name of `scheme` against the architecture its source gives
/// it (`want`): a name carries it, or says none because its OS is not known
/// on it, which the scheme's note then lists. Returns how many carry one.
fn names_carry_their_source_architecture(scheme: &str, want: &[(String, Option<&str>)]) -> usize {
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    let note = cw
        .scheme(scheme)
        .and_then(|s| s.note.clone())
        .unwrap_or_default();
    let mut with = 0;
    for (name, want) in want {
        let found = cw
            .lookup(&format!("{scheme}:{name}"))
            .unwrap_or_else(|| panic!("{scheme}:{name}"));
        match (found.arch(), want) {
            (Some(a), _) => {
                assert_eq!(Some(a), *want, "{scheme}:{name}");
                with += 1;
            }
            (None, None) => {}
            (None, Some(w)) => {
                let os = found
                    .best()
                    .and_then(|(id, _)| db.lookup(id).expect("store"))
                    .unwrap_or_else(|| panic!("{scheme}:{name} is a gap and could say {w}"));
                assert!(
                    !os.arches.is_empty() && !os.arches.iter().any(|a| a == w),
                    "{scheme}:{name} says no architecture, but its OS {} is known on {w}",
                    os.short_id()
                );
                let listed = [",", ")"].iter().any(|end| {
                    note.contains(&format!("({name}{end}"))
                        || note.contains(&format!(" {name}{end}"))
                });
                assert!(
                    listed,
                    "{scheme}:{name} has no {w} and the note does not say so: {note}"
                );
            }
        }
    }
    with
}

#[test]
fn vmware_guest_ids_carry_the_architecture_of_their_doc_comment() {
    // govmomi's doc comment says "(64 bit)", "(64-bit)", "x64" or "(32
    // bit)", or the id is one of a pair: rhel6Guest, whose comment states
    // no width, is the 32-bit one beside rhel6_64Guest. govmomi has no ARM
    // ids.
    let vm = fixture("vmware");
    let ids = strings(&vm["guest_ids"]);
    let described = vm["descriptions"]
        .as_object()
        .expect("descriptions (extract.py)");
    let mut want = Vec::new();
    for id in &ids {
        let desc = described[id].as_str().expect("a description");
        let width64 = desc.contains("64 bit")
            || desc.contains("64-bit")
            || desc.split_whitespace().any(|w| w == "x64")
            || id.ends_with("64Guest")
            || id.ends_with("Guest64");
        let paired = ["64Guest", "_64Guest", "Guest64"]
            .iter()
            .any(|to| ids.contains(&id.replace("Guest", to)));
        let arch = if width64 {
            Some("x86_64")
        } else if desc.contains("32 bit") || paired {
            Some("i686")
        } else {
            None
        };
        want.push((id.clone(), arch));
    }
    let with = names_carry_their_source_architecture("vmware", &want);
    assert!(with > 150, "only {with} guest ids with an architecture");
    let db = common::db();
    let cw = db.crosswalk().expect("crosswalk");
    for (id, arch) in [
        ("rhel6_64Guest", Some("x86_64")),
        ("rhel6Guest", Some("i686")),
        ("windows11_64Guest", Some("x86_64")),
        ("win2000ProGuest", None),
    ] {
        let found = cw.lookup(&format!("vmware:{id}")).expect(id);
        assert_eq!(found.arch(), arch, "vmware:{id}");
    }
}

#[test]
fn ovirt_names_carry_the_architecture_of_their_cpu_architecture_and_bus() {
    // osinfo-defaults.properties keeps the CPU architecture apart from the
    // bus width; extract.py records both as set or inherited. ppc64 is
    // oVirt's POWER of either byte order, ppc64le the one guestdb knows.
    let ovirt = fixture("ovirt");
    let mut want = Vec::new();
    for (name, o) in ovirt["os_names"].as_object().expect("os_names") {
        let cpu = o["cpu_architecture"]
            .as_str()
            .expect("cpu_architecture (extract.py)");
        let bus = o["bus"].as_str().expect("bus (extract.py)");
        let arch = match (cpu, bus) {
            ("x86_64", "32") => "i686",
            ("x86_64", "64") => "x86_64",
            ("ppc64", _) => "ppc64le",
            ("s390x", _) => "s390x",
            other => panic!("ovirt:{name}: unexpected cpuArchitecture and bus {other:?}"),
        };
        want.push((name.clone(), Some(arch)));
    }
    let with = names_carry_their_source_architecture("ovirt", &want);
    assert!(with > 50, "only {with} oVirt names with an architecture");
    // A POWER name recommends for POWER.
    let out = run(&["recommend", "ovirt:rhel_8_ppc64", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["arch"], "ppc64le", "{}", out.stdout);
}

#[test]
fn show_gives_the_x86_64_names_of_an_x86_64_release_beside_the_others() {
    // rhel6.10 is known on i686 and x86_64: VMware's and oVirt's names for
    // each, not the 32-bit or the POWER one alone.
    let out = run(&["show", "rhel6.10"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for shown in [
        "vmware:rhel6_64Guest (family, x86_64, resolves to rhel6-unknown)",
        "vmware:rhel6Guest (family, i686, resolves to rhel6-unknown)",
        "ovirt:rhel_6x64 (family, x86_64, resolves to rhel6-unknown)",
        "ovirt:rhel_6 (family, i686, resolves to rhel6-unknown)",
    ] {
        assert!(out.stdout.contains(shown), "{shown}: {}", out.stdout);
    }
    let out = run(&["show", "rhel6.10", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let names = v["other_names"].as_array().expect("other_names");
    for scheme in ["vmware", "ovirt"] {
        let x86: Vec<&Value> = names
            .iter()
            .filter(|n| n["scheme"] == scheme && n["arch"] == "x86_64")
            .collect();
        assert_eq!(x86.len(), 1, "{scheme}: {x86:?}");
    }
    // Recommending from them: the architecture each names.
    for (name, arch) in [
        ("vmware:rhel6_64Guest", "x86_64"),
        ("vmware:rhel6Guest", "i686"),
        ("ovirt:rhel_6x64", "x86_64"),
    ] {
        let out = run(&["recommend", name, "--json"]);
        assert_eq!(out.code, 0, "{name}: {}", out.stderr);
        let v: Value = serde_json::from_str(&out.stdout).expect("json");
        assert_eq!(v["arch"], arch, "{name}");
    }
}

#[test]
fn a_name_for_an_architecture_recommends_for_it() {
    // No --arch: the name's.
    let out = run(&["recommend", "kubevirt:rhel.9.arm64", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["arch"], "aarch64", "{}", out.stdout);
    let out = run(&["recommend", "kubevirt:rhel.9.arm64", "--format", "kubevirt"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("preferredArchitecture: arm64"),
        "{}",
        out.stdout
    );
    let out = run(&["recommend", "virtualbox:Debian12_arm64", "--json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["arch"], "aarch64");
    // A name for none: x86_64 as before; an --arch that agrees is fine.
    let out = run(&["recommend", "vmware:rhel9_64Guest", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(v["arch"], "x86_64");
    let out = run(&[
        "recommend",
        "kubevirt:rhel.9.arm64",
        "--arch",
        "aarch64",
        "--json",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // One that contradicts it: a usage error naming both.
    for cmd in ["recommend", "verify"] {
        let out = run(&[cmd, "kubevirt:rhel.9.arm64", "--arch", "x86_64"]);
        assert_eq!(out.code, 2, "{cmd}: {}", out.stderr);
        for needle in ["--arch x86_64", "kubevirt:rhel.9.arm64", "aarch64"] {
            assert!(out.stderr.contains(needle), "{cmd}: {}", out.stderr);
        }
    }
    // An --arch that is no architecture is said to be one first.
    let out = run(&["recommend", "kubevirt:rhel.9.arm64", "--arch", "nope"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("unknown architecture 'nope'"),
        "{}",
        out.stderr
    );
    // show and list --scheme print it.
    let out = run(&["show", "rhel9.6"]);
    assert!(
        out.stdout
            .contains("kubevirt:rhel.9.arm64 (family, aarch64, resolves to rhel9-unknown)"),
        "{}",
        out.stdout
    );
    let out = run(&["show", "debian12", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let names = v["other_names"].as_array().expect("other_names");
    assert!(names.iter().any(|n| n["name"] == "Debian12_arm64"
        && n["arch"] == "aarch64"
        && n["quality"] == "exact"));
    let out = run(&["list", "--scheme", "kubevirt"]);
    assert!(out.stdout.starts_with("NAME "), "{}", out.stdout);
    assert!(out
        .stdout
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>()[..3]
            == ["rhel.9.arm64", "aarch64", "rhel9-unknown"]));
    let out = run(&["list", "--scheme", "kubevirt", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let n = v["names"]
        .as_array()
        .expect("names")
        .iter()
        .find(|n| n["name"] == "rhel.10.s390x")
        .expect("rhel.10.s390x");
    assert_eq!(n["arch"], "s390x");
}

#[test]
fn a_family_name_is_shown_for_every_release_of_its_series() {
    // vmware:rhel6_64Guest names rhel6-unknown; rhel6-unknown derives from
    // rhel6.10, which derives from rhel6.9, ... back to rhel6.0.
    let out = run(&["show", "rhel6.10"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("vmware:rhel6_64Guest (family, x86_64, resolves to rhel6-unknown)"),
        "{}",
        out.stdout
    );
    let out = run(&["show", "rhel6.0", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let names = v["other_names"].as_array().expect("other_names");
    let vm = names
        .iter()
        .find(|n| n["scheme"] == "vmware")
        .expect("a vmware name for rhel6.0");
    assert_eq!(vm["quality"], "family");
    assert_eq!(vm["resolves_to"], "http://redhat.com/rhel/6-unknown");
    // The series stops where the major version changes: rhel10.0 derives
    // from rhel9.5, which is no RHEL 10.
    let out = run(&["list", "--scheme", "vmware", "--json"]);
    let v: Value = serde_json::from_str(&out.stdout).expect("json");
    let rhel10 = v["names"]
        .as_array()
        .expect("names")
        .iter()
        .find(|n| n["name"] == "rhel10_64Guest")
        .expect("rhel10_64Guest");
    let family: Vec<&str> = rhel10["family"]
        .as_array()
        .expect("family")
        .iter()
        .map(|f| f.as_str().expect("short-id"))
        .collect();
    assert!(family.contains(&"rhel10.0"), "{family:?}");
    assert!(!family.iter().any(|f| f.starts_with("rhel9")), "{family:?}");
    // Resolving the name still gives the entry the crosswalk names.
    let out = run(&["show", "vmware:rhel6_64Guest"]);
    assert!(out.stdout.starts_with("rhel6-unknown "), "{}", out.stdout);
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
        .contains("vmware:windows2019srvNext_64Guest (exact, x86_64)"));
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
  <name value="win10" arch="all"><os id="http://microsoft.com/win/10" quality="family"/></name>
  <name value="win7" arch="s390x"><os id="http://microsoft.com/win/7" quality="exact"/></name>
  <name value="win8" arch="ARM 64"><os id="http://microsoft.com/win/8" quality="exact"/></name>
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
        "crosswalk/proxmox.xml:7:",
        "proxmox name 'win10': arch=\"all\" says nothing",
        "crosswalk/proxmox.xml:8:",
        "proxmox name 'win7' is for s390x, but the OS 'http://microsoft.com/win/7' is known on",
        "crosswalk/proxmox.xml:9:",
        "arch 'ARM 64' is not an architecture name",
    ] {
        assert!(text.contains(needle), "missing '{needle}' in:\n{text}");
    }
}
