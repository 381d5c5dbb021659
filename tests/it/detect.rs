//! Media detection against real data: every isoinfo dump of ../shared/isodata
//! and every .treeinfo of ../shared/treeinfodata must be identified as the
//! OS its folder names (the best match, and the only one unless the corpus
//! holds the same dump for several OSes), with the languages its .lng file
//! lists; the exceptions are listed, with reasons, in detect-exceptions.txt.

use crate::common::{root, shared};
use guestdb::detect::{read_path, Input};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn files(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e} (the corpus comes from ../shared)", dir.display()))
        .map(|e| e.expect("entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, keep, out);
        } else if keep(&p) {
            out.push(p);
        }
    }
}

/// The committed exceptions: corpus path (relative to ../shared) → reason.
fn exceptions() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join("tests/it/detect-exceptions.txt"))
        .expect("tests/it/detect-exceptions.txt");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (path, why) = l.split_once("  ").unwrap_or((l, ""));
            assert!(!why.trim().is_empty(), "an exception without a reason: {l}");
            (path.trim().to_string(), why.trim().to_string())
        })
        .collect()
}

struct Outcome {
    checked: usize,
    failures: Vec<(String, String)>,
}

/// Checks every file of `corpus` whose expected short-id `expected` gives.
fn check_corpus(
    corpus: &str,
    keep: &dyn Fn(&Path) -> bool,
    expected: &dyn Fn(&[&str]) -> Option<String>,
) -> Outcome {
    let db = crate::common::db();
    let base = shared().join(corpus);
    let mut all = Vec::new();
    files(&base, keep, &mut all);
    let mut failures = Vec::new();
    for f in &all {
        let rel = f
            .strip_prefix(&base)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let parts: Vec<&str> = rel.split('/').collect();
        let Some(want) = expected(&parts) else {
            continue;
        };
        // The corpus marks a medium ambiguous by filing the same file under
        // each OS it fits (osinfo-db's tests accept a match of any of them).
        let mut allowed: BTreeSet<String> = BTreeSet::from([want.clone()]);
        if let (Some(dir), Some(name)) = (f.parent().and_then(Path::parent), f.file_name()) {
            for e in std::fs::read_dir(dir).expect("corpus dir").flatten() {
                if e.path().join(name).is_file() {
                    allowed.insert(e.file_name().to_string_lossy().into_owned());
                }
            }
        }
        let key = format!("{corpus}/{rel}");
        let input = match read_path(f) {
            Ok(i) => i,
            Err(e) => {
                failures.push((key, format!("not read: {e}")));
                continue;
            }
        };
        let found = db.identify(&input).expect("identify");
        let best = found.first().map(|m| m.short_id.clone());
        let others: BTreeSet<String> = found
            .iter()
            .filter(|m| !m.fallback)
            .map(|m| m.short_id.clone())
            .filter(|s| !allowed.contains(s))
            .collect();
        let problem = match &best {
            None => Some("nothing matched".to_string()),
            Some(b) if !allowed.contains(b) => Some(format!(
                "best match {b}, not {want}; all: {:?}",
                found
                    .iter()
                    .map(|m| m.short_id.as_str())
                    .collect::<Vec<_>>()
            )),
            Some(_) if !others.is_empty() => Some(format!("also matches {others:?}")),
            _ => None,
        };
        if let Some(p) = problem {
            failures.push((key, p));
            continue;
        }
        // Languages, where the corpus states them.
        let lng = f.with_extension("lng");
        if let (Input::Iso(_) | Input::Isoinfo(_), Ok(text)) =
            (&input, std::fs::read_to_string(&lng))
        {
            let want: BTreeSet<String> = text
                .lines()
                .filter_map(|l| l.strip_prefix("l10n-language="))
                .map(|l| l.trim().to_string())
                .collect();
            let got: BTreeSet<String> = found[0].languages.iter().cloned().collect();
            if got != want {
                failures.push((key, format!("languages {got:?}, the corpus says {want:?}")));
            }
        }
    }
    Outcome {
        checked: all
            .iter()
            .filter(|f| {
                let rel = f
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                expected(&rel.split('/').collect::<Vec<_>>()).is_some()
            })
            .count(),
        failures,
    }
}

fn report(name: &str, o: Outcome) {
    let exceptions = exceptions();
    let unexpected: Vec<String> = o
        .failures
        .iter()
        .filter(|(k, _)| !exceptions.contains_key(k))
        .map(|(k, p)| format!("{k}: {p}"))
        .collect();
    let passed = o.checked - o.failures.len();
    println!(
        "{name}: {passed} of {} identified ({:.1} %), {} listed exceptions",
        o.checked,
        100.0 * passed as f64 / o.checked as f64,
        o.failures.len() - unexpected.len()
    );
    let stale: Vec<&String> = exceptions
        .keys()
        .filter(|k| k.starts_with(name) && !o.failures.iter().any(|(f, _)| f == *k))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{} of {} not identified and not in detect-exceptions.txt:\n{}\nexceptions that now pass (remove them): {stale:?}",
        unexpected.len(),
        o.checked,
        unexpected.join("\n")
    );
}

#[test]
fn every_isoinfo_dump_of_the_corpus_is_identified_as_its_os() {
    let o = check_corpus(
        "isodata",
        &|p| p.extension().is_some_and(|e| e == "txt"),
        // isodata/<distro>/<short-id>/<dump>; dumps elsewhere name no OS.
        &|parts| (parts.len() == 3).then(|| parts[1].to_string()),
    );
    assert!(
        o.checked > 2000,
        "only {} dumps in ../shared/isodata",
        o.checked
    );
    report("isodata", o);
}

#[test]
fn every_treeinfo_of_the_corpus_is_identified_as_its_os() {
    let o = check_corpus(
        "treeinfodata",
        &|p| p.file_name().is_some_and(|n| n == ".treeinfo"),
        &|parts| (parts.len() >= 3).then(|| parts[1].to_string()),
    );
    assert!(
        o.checked > 300,
        "only {} trees in ../shared/treeinfodata",
        o.checked
    );
    report("treeinfodata", o);
}

/// osinfo-db's data tree as libosinfo loads it: a copy with `*.xml.in`
/// named `*.xml` (`*.xml.in.in` templates left out).
fn osinfo_system_dir() -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.path().is_dir() {
                copy(&e.path(), &to.join(&name));
            } else if let Some(stem) = name.strip_suffix(".xml.in") {
                if !stem.ends_with(".xml") {
                    std::fs::copy(e.path(), to.join(format!("{stem}.xml"))).unwrap();
                }
            } else if !name.ends_with(".in") {
                std::fs::copy(e.path(), to.join(&name)).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    copy(&shared().join("osinfo-db/data"), dir.path());
    dir
}

/// An ISO 9660 field as the descriptor stores it: space-padded to `len`.
fn padded(value: &Option<String>, len: usize) -> Vec<u8> {
    let mut b = value.clone().unwrap_or_default().into_bytes();
    b.resize(len, b' ');
    b
}

/// A real, bootable ISO image built with xorriso, whose primary volume
/// descriptor then carries exactly the fields of `media` (xorriso restricts
/// some characters and sizes; the descriptor is patched in place).
fn build_iso(dir: &Path, media: &guestdb::detect::MediaInfo) -> PathBuf {
    let xorriso = crate::common::require("xorriso", "xorriso");
    let tree = dir.join("tree");
    std::fs::create_dir_all(&tree).unwrap();
    std::fs::write(tree.join("boot.img"), vec![0u8; 2048]).unwrap();
    let iso = dir.join("media.iso");
    let out = std::process::Command::new(xorriso)
        .args(["-as", "mkisofs", "-o"])
        .arg(&iso)
        .args([
            "-V",
            "PLACEHOLDER",
            "-b",
            "boot.img",
            "-no-emul-boot",
            "-boot-load-size",
            "4",
        ])
        .arg(&tree)
        .output()
        .expect("xorriso runs");
    assert!(
        out.status.success(),
        "xorriso: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut bytes = std::fs::read(&iso).unwrap();
    let pvd = 16 * 2048;
    assert_eq!(
        &bytes[pvd..pvd + 6],
        b"\x01CD001",
        "xorriso wrote no primary volume descriptor"
    );
    bytes[pvd + 8..pvd + 40].copy_from_slice(&padded(&media.system_id, 32));
    bytes[pvd + 40..pvd + 72].copy_from_slice(&padded(&media.volume_id, 32));
    bytes[pvd + 318..pvd + 446].copy_from_slice(&padded(&media.publisher_id, 128));
    bytes[pvd + 574..pvd + 702].copy_from_slice(&padded(&media.application_id, 128));
    if let Some(size) = media.volume_size {
        let blocks = u32::try_from(size / 2048).expect("size fits");
        bytes[pvd + 80..pvd + 84].copy_from_slice(&blocks.to_le_bytes());
        bytes[pvd + 84..pvd + 88].copy_from_slice(&blocks.to_be_bytes());
    }
    std::fs::write(&iso, bytes).unwrap();
    iso
}

#[test]
#[ignore = "needs xorriso and osinfo-detect: run tools/test.sh"]
fn real_iso_images_are_named_as_the_real_osinfo_detect_names_them() {
    let osinfo_detect = crate::common::require("osinfo-detect", "libosinfo-bin");
    let system = osinfo_system_dir();
    let db = crate::common::db();
    let dumps = [
        "fedora/fedora36/Fedora-Everything-netinst-aarch64-36-1.5.iso.txt",
        "rhel/rhel8.6/RHEL-8.6.0-20220420.3-BaseOS-aarch64-boot.iso.txt",
        "ubuntu/ubuntu22.04/ubuntu-22.04-desktop-amd64-iso.txt",
        "debian/debian11/debian-11.0.0-amd64-netinst.iso.txt",
        "opensuse/opensuse15.4/openSUSE-Leap-15.4-DVD-s390x-Media.iso.txt",
        "freebsd/freebsd13.1/FreeBSD-13.1-RELEASE-i386-disc1.iso.txt",
        "win/win10/14393.0.160715-1616.RS1_RELEASE_CLIENTENTERPRISE_S_EVAL_X64FRE_EN-US.ISO.txt",
        "alpinelinux/alpinelinux3.16/alpine-extended-3.16.0-x86_64.iso.txt",
        "centos/centos7.0/CentOS-7-x86_64-DVD-1511.iso.txt",
        "almalinux/almalinux9/AlmaLinux-9.0-aarch64-boot.iso.txt",
        "rocky/rocky9/Rocky-9.0-20220728.0-ppc64le-dvd.iso.txt",
        "win/win7/Win7ProX86.iso.txt",
        "openbsd/openbsd7.2/openbsd-7.2-amd64-bootonly.txt",
        "mageia/mageia8/Mageia-8-Live-GNOME-x86_64.iso.txt",
    ];
    let mut problems = Vec::new();
    for rel in dumps {
        let dump = shared().join("isodata").join(rel);
        let want = rel.split('/').nth(1).unwrap();
        let Input::Isoinfo(fields) = read_path(&dump).expect("dump reads") else {
            panic!("{rel} is not an isoinfo dump");
        };
        let tmp = tempfile::tempdir().unwrap();
        let iso = build_iso(tmp.path(), &fields);
        // guestdb reads back exactly the fields, and the boot record.
        let Input::Iso(read) = read_path(&iso).expect("the image reads") else {
            panic!("{rel}: not read as an ISO image");
        };
        assert!(
            read.bootable,
            "{rel}: the El Torito boot record was not seen"
        );
        assert_eq!(
            (
                &read.volume_id,
                &read.system_id,
                &read.publisher_id,
                &read.application_id,
                read.volume_size
            ),
            (
                &fields.volume_id,
                &fields.system_id,
                &fields.publisher_id,
                &fields.application_id,
                fields.volume_size
            ),
            "{rel}"
        );
        let found = db.identify_media(&read).expect("identify");
        let Some(best) = found.first() else {
            problems.push(format!("{rel}: guestdb found nothing"));
            continue;
        };
        if best.short_id != want {
            problems.push(format!(
                "{rel}: guestdb says {}, the corpus {want}",
                best.short_id
            ));
        }
        // What osinfo-detect prints: the variant's name when the medium has
        // exactly one, else the OS's name; and the medium's arch.
        let details = db.details(best.os).expect("details");
        let name = match best.variants.as_slice() {
            [v] => details
                .variants
                .iter()
                .find(|x| &x.id == v)
                .map(|x| x.name.clone())
                .unwrap_or_else(|| best.name.clone()),
            _ => best.name.clone(),
        };
        let ours = format!("'{name} ({})'", best.arch);
        let empty = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(&osinfo_detect)
            .arg(&iso)
            .env("OSINFO_SYSTEM_DIR", system.path())
            .env("OSINFO_LOCAL_DIR", empty.path())
            .env("OSINFO_USER_DIR", empty.path())
            .output()
            .expect("osinfo-detect runs");
        let theirs = String::from_utf8_lossy(&out.stdout).into_owned();
        if !theirs.contains("Media is bootable") || !theirs.contains(&ours) {
            problems.push(format!(
                "{rel}: guestdb {ours}, osinfo-detect said: {}",
                theirs.trim()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn paths_that_are_no_media_are_clear_errors_with_exit_status_2() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.iso");
    std::fs::write(&empty, b"").unwrap();
    let short = tmp.path().join("short.iso");
    std::fs::write(&short, vec![0u8; 4096]).unwrap();
    let no_cd001 = tmp.path().join("zeros.iso");
    std::fs::write(&no_cd001, vec![0u8; 40_000]).unwrap();
    let mut truncated = vec![0u8; 17 * 2048 + 100];
    truncated[16 * 2048..16 * 2048 + 6].copy_from_slice(b"\x01CD001");
    let cut = tmp.path().join("truncated.iso");
    std::fs::write(&cut, truncated).unwrap();
    let bad_tree = tmp.path().join(".treeinfo");
    std::fs::write(&bad_tree, b"[general]\nthis line has no equals sign\n").unwrap();
    let dir = tmp.path().join("dir");
    std::fs::create_dir(&dir).unwrap();
    for (path, want) in [
        (empty, "the file is empty"),
        (
            short,
            "an ISO 9660 image has its first volume descriptor at byte 32768",
        ),
        (no_cd001, "no ISO 9660 volume descriptor at sector 16"),
        (cut, "inside the volume descriptor set"),
        (bad_tree, "line 2 is neither [section] nor key = value"),
        (dir, "a directory without a .treeinfo file"),
        (tmp.path().join("missing.iso"), "No such file or directory"),
    ] {
        let r = crate::common::run(&["detect", path.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{}: {}{}", path.display(), r.stdout, r.stderr);
        assert!(r.stderr.contains(want), "{}: {}", path.display(), r.stderr);
    }
}

#[test]
fn a_release_newer_than_known_is_named_with_low_confidence() {
    let db = crate::common::db();
    let media = guestdb::detect::MediaInfo {
        // fedora-unknown's patterns take 45-99; 100 fits only Fedora's naming.
        volume_id: Some("Fedora-S-dvd-x86_64-100".into()),
        system_id: Some("LINUX".into()),
        ..Default::default()
    };
    let found = db.identify_media(&media).expect("identify");
    let m = found.first().expect("a guess");
    let newer = m
        .newer_than_known
        .as_ref()
        .expect("marked newer than known");
    assert_eq!(
        (newer.distro.as_str(), newer.version.as_str()),
        ("fedora", "100")
    );
    assert_eq!(m.confidence, guestdb::detect::Confidence::Low);
    assert!(db.lookup(&newer.nearest_short_id).expect("store").is_some());
    let tree = guestdb::detect::TreeInfo {
        family: Some("AlmaLinux".into()),
        version: Some("11.0".into()),
        arch: Some("x86_64".into()),
        variant: Some("BaseOS".into()),
    };
    let found = db.identify_tree(&tree).expect("identify");
    let m = found.first().expect("a guess for the tree");
    let newer = m.newer_than_known.as_ref().expect("newer than known");
    assert_eq!(
        (newer.distro.as_str(), newer.version.as_str()),
        ("almalinux", "11.0")
    );
    assert_eq!(newer.nearest_short_id, "almalinux10");
    // A name that fits no naming is not guessed at.
    let none = guestdb::detect::MediaInfo {
        volume_id: Some("NOTHING-LIKE-ANY-OS".into()),
        ..Default::default()
    };
    assert!(db.identify_media(&none).expect("identify").is_empty());
}

#[test]
fn detect_json_and_recommend_media_use_the_detected_os_and_arch() {
    let dump =
        shared().join("isodata/fedora/fedora36/Fedora-Everything-netinst-aarch64-36-1.5.iso.txt");
    let dump = dump.to_str().unwrap();
    let r = crate::common::run(&["detect", dump, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    let first = &v.as_array().expect("an array of candidates")[0];
    for key in [
        "path",
        "short_id",
        "id",
        "arch",
        "variant",
        "languages",
        "confidence",
        "matched",
    ] {
        assert!(
            first.get(key).is_some(),
            "detect --json lacks '{key}': {first}"
        );
    }
    assert_eq!(first["short_id"], "fedora36");
    assert_eq!(first["arch"], "aarch64");
    assert_eq!(first["confidence"], "high");
    let r = crate::common::run(&["recommend", "--media", dump, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["os"]["short_id"], "fedora36");
    assert_eq!(v["arch"], "aarch64");
    assert_eq!(v["machine"]["family"], "virt");
    let none = crate::common::run(&[
        "detect",
        "--json",
        shared()
            .join("isodata/slem/SUSE-MicroOS-5.0-DVD-ppc64le-GM-Media.iso.txt")
            .to_str()
            .unwrap(),
    ]);
    assert_eq!(none.code, 1, "{}", none.stderr);
    assert_eq!(none.stdout.trim(), "[]");
}
