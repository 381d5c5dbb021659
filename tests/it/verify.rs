//! Recommendations proven on real components (DESIGN.md §5): QEMU 7.2 starts
//! each recommended command line and shows the predicted, drivable PCI IDs;
//! libvirt 9.0 validates, defines and starts each recommended domain XML and
//! shows the same; virt-install accepts the recommended arguments; and the
//! host inputs read real domcapabilities output (the running libvirtd's, and
//! the fixtures of ../shared/libvirt-domcaps).

use crate::common::{require, run, shared};
use std::path::PathBuf;
use std::process::Command;

/// OSes across families: old and new Linux, Windows (with and without
/// virtio-win), the BSDs and others, each with extra recommend arguments.
const OSES: &[(&str, &[&str])] = &[
    ("rhel5.11", &[]),
    ("rhel6.10", &[]),
    ("rhel6.10", &["--chipset", "i440fx"]),
    ("centos6.10", &[]),
    ("rhel7.0", &[]),
    ("centos7.0", &[]),
    ("rhel7.9", &[]),
    ("rhel8.10", &[]),
    ("rhel9.6", &["--models", "explicit"]),
    ("rhel10.0", &[]),
    ("fedora20", &[]),
    ("fedora43", &[]),
    ("debian8", &[]),
    ("debian11", &[]),
    ("debian13", &[]),
    ("ubuntu14.04", &[]),
    ("ubuntu18.04", &[]),
    ("ubuntu22.04", &[]),
    ("ubuntu24.04", &["--firmware", "efi"]),
    ("opensuse15.6", &[]),
    ("opensusetumbleweed", &[]),
    ("sles12sp5", &[]),
    ("sles16.0", &[]),
    ("alpinelinux3.20", &[]),
    ("archlinux", &[]),
    ("almalinux9", &[]),
    ("rocky9", &[]),
    ("ol8.10", &[]),
    ("centos-stream9", &[]),
    ("mageia9", &[]),
    ("slackware15.0", &[]),
    ("winxp", &[]),
    ("win7", &[]),
    ("win8.1", &[]),
    ("win10", &["--drivers", "virtio-win"]),
    ("win11", &[]),
    ("win11", &["--drivers", "virtio-win"]),
    ("win2k8r2", &[]),
    ("win2k12r2", &[]),
    ("win2k16", &[]),
    ("win2k19", &["--drivers", "virtio-win"]),
    ("win2k22", &[]),
    ("win2k25", &["--secure-boot"]),
    ("freebsd13.0", &[]),
    ("freebsd14.0", &[]),
    ("openbsd7.5", &[]),
    ("netbsd10.0", &[]),
    ("dragonflybsd5.6", &[]),
    ("solaris11", &[]),
    ("msdos6.22", &[]),
    ("freedos1.3", &[]),
];

fn args(os: &str, extra: &[&str], tail: &[&str]) -> Vec<String> {
    let mut a = vec![
        "verify".to_string(),
        os.to_string(),
        "--host".into(),
        "debian-12".into(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    a.extend(tail.iter().map(|s| s.to_string()));
    a
}

/// Runs `guestdb verify` for every OS of [`OSES`] with `tail`; returns the failures.
fn verify_all(tail: &[&str]) -> Vec<String> {
    let mut failures = Vec::new();
    for (os, extra) in OSES {
        let a = args(os, extra, tail);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        let r = run(&refs);
        if r.code != 0 {
            failures.push(format!(
                "guestdb {}: exit {}\n{}{}",
                refs.join(" "),
                r.code,
                r.stdout,
                r.stderr
            ));
        }
    }
    failures
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_recommended_qemu_command_line_shows_the_predicted_drivable_pci_ids() {
    require("qemu-system-x86_64", "qemu-system-x86");
    require("swtpm", "swtpm");
    assert!(OSES.len() >= 40);
    let failures = verify_all(&[]);
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        OSES.len(),
        failures.join("\n")
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn verify_fails_on_a_guest_that_cannot_drive_what_qemu_shows() {
    // The check can fail: rhel6.10's legacy-only drivers cannot bind the
    // modern-only IDs plain virtio shows behind PCIe root ports.
    let db = crate::common::db();
    let os = db.lookup("rhel6.10").expect("store").expect("rhel6.10");
    let facts = db.os_facts(os, "x86_64").expect("facts");
    let mut rec = crate::common::recommend_on(
        "fedora43",
        "x86_64",
        &[crate::common::profile("debian-12")],
        guestdb::recommend::Policy {
            virt_type: guestdb::recommend::VirtTypePolicy::Qemu,
            ..Default::default()
        },
    )
    .expect("fedora43");
    rec.os.short_id = "rhel6.10".into();
    let qemu = require("qemu-system-x86_64", "qemu-system-x86");
    let v = guestdb::verify::on_qemu(&rec, &facts, &qemu).expect("QEMU runs");
    assert!(
        !v.ok,
        "a legacy-only guest must fail on modern-only devices"
    );
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.device.as_str())
        .collect();
    assert!(
        failed.contains(&"net0") && failed.contains(&"disk0"),
        "{failed:?}"
    );
}

pub fn libvirt_uri() -> &'static str {
    require("virsh", "libvirt-clients");
    let r = Command::new("virsh")
        .args(["-c", "qemu:///system", "version"])
        .output()
        .expect("virsh runs");
    assert!(
        r.status.success(),
        "libvirtd does not answer on qemu:///system; tools/test-setup.sh starts it (tools/libvirtd-start.sh): {}",
        String::from_utf8_lossy(&r.stderr)
    );
    "qemu:///system"
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_recommended_libvirt_domain_validates_starts_and_shows_only_drivable_pci_ids() {
    let uri = libvirt_uri();
    let validate = require("virt-xml-validate", "libvirt-clients");
    let mut failures = Vec::new();
    for (os, extra) in OSES {
        let mut a: Vec<&str> = vec![
            "recommend",
            os,
            "--host",
            "debian-12",
            "--format",
            "libvirt",
            "--virt-type",
            "qemu",
            "--network",
            "user",
        ];
        a.extend(extra.iter());
        let r = run(&a);
        assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
        let file = tempfile::NamedTempFile::new().expect("tempfile");
        std::fs::write(file.path(), &r.stdout).expect("write");
        let v = Command::new(&validate)
            .arg(file.path())
            .arg("domain")
            .output()
            .expect("virt-xml-validate runs");
        if !v.status.success() {
            failures.push(format!(
                "{os} {extra:?}: virt-xml-validate rejects the XML: {}{}\n{}",
                String::from_utf8_lossy(&v.stdout),
                String::from_utf8_lossy(&v.stderr),
                r.stdout
            ));
        }
    }
    let _ = uri;
    failures.extend(verify_all(&["--libvirt"]));
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn virt_install_accepts_the_recommended_arguments_and_keeps_machine_and_models() {
    let uri = libvirt_uri();
    let virt_install = require("virt-install", "virtinst");
    let mut failures = Vec::new();
    // OSes Debian 12's osinfo-db (which virt-install reads) knows.
    for (os, extra) in [
        ("rhel6.10", &[][..]),
        ("fedora37", &[]),
        ("win11", &[]),
        ("winxp", &[]),
        ("win10", &["--drivers", "virtio-win"]),
    ] {
        let rec =
            crate::common::recommend_on(os, "x86_64", &[crate::common::profile("debian-12")], {
                let mut p = guestdb::recommend::Policy {
                    virt_type: guestdb::recommend::VirtTypePolicy::Qemu,
                    ..Default::default()
                };
                if extra.contains(&"virtio-win") {
                    p.drivers = guestdb::recommend::DriversPolicy::VirtioWin;
                }
                p
            })
            .expect("recommendation");
        let dir = tempfile::tempdir().expect("tempdir");
        // virtio-win's driver medium (virt-install checks that it exists).
        let drivers = dir.path().join("virtio-win.iso");
        std::fs::write(&drivers, b"").expect("write");
        let opts = guestdb::render::Options {
            disk: Some(dir.path().join("disk.qcow2").display().to_string()),
            network: guestdb::render::Network::User,
            drivers_iso: Some(drivers.display().to_string()),
            ..Default::default()
        };
        let args = guestdb::render::virt_install::args(&rec, &opts);
        let out = Command::new(&virt_install)
            .args(["--connect", uri, "--dry-run", "--print-xml"])
            .args(&args)
            .output()
            .expect("virt-install runs");
        let xml = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            failures.push(format!(
                "{os}: virt-install {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let root = guestdb::data::xml::parse(&xml).expect("virt-install prints XML");
        let machine = crate::common::domain_machine(&root);
        if machine.as_deref() != Some(rec.machine.name.as_str()) {
            failures.push(format!(
                "{os}: machine {machine:?}, recommended {}",
                rec.machine.name
            ));
        }
        let devices = root
            .children
            .iter()
            .find(|c| c.name == "devices")
            .expect("<devices>");
        let disk_model = devices
            .children
            .iter()
            .find(|c| c.name == "disk" && c.attr("device").is_some_and(|a| a.value == "disk"))
            .and_then(|d| d.attr("model"))
            .map(|a| a.value.clone());
        let want_disk = rec
            .of_class("disk")
            .next()
            .filter(|d| d.libvirt_bus.as_deref() == Some("virtio"))
            .and_then(|d| d.libvirt_model.clone());
        if disk_model != want_disk {
            failures.push(format!(
                "{os}: disk model {disk_model:?}, recommended {want_disk:?}"
            ));
        }
        let nic_model = devices
            .children
            .iter()
            .find(|c| c.name == "interface")
            .and_then(|i| i.children.iter().find(|c| c.name == "model"))
            .and_then(|m| m.attr("type"))
            .map(|a| a.value.clone());
        let want_nic = rec
            .of_class("net")
            .next()
            .and_then(|d| d.libvirt_model.clone());
        if nic_model != want_nic {
            failures.push(format!(
                "{os}: NIC model {nic_model:?}, recommended {want_nic:?}"
            ));
        }
        let balloon = devices
            .children
            .iter()
            .find(|c| c.name == "memballoon")
            .and_then(|m| m.attr("model"))
            .map(|a| a.value.clone());
        let want_balloon = rec
            .of_class("balloon")
            .next()
            .and_then(|d| d.libvirt_model.clone());
        if balloon != want_balloon {
            failures.push(format!(
                "{os}: memballoon {balloon:?}, recommended {want_balloon:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn domcaps_of_the_real_libvirtd_describe_its_qemu() {
    let uri = libvirt_uri();
    let out = Command::new("virsh")
        .args([
            "-c",
            uri,
            "domcapabilities",
            "--virttype",
            "qemu",
            "--machine",
            "q35",
        ])
        .output()
        .expect("virsh domcapabilities");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = tempfile::NamedTempFile::new().expect("tempfile");
    std::fs::write(file.path(), &out.stdout).expect("write");
    let path = file.path().to_str().expect("utf8");
    // Oracle Linux 7.2: legacy-only virtio drivers, q35, no vendor preference.
    let r = run(&["recommend", "ol7.2", "--domcaps", path, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["machine"]["name"], "pc-q35-7.2", "{v}");
    assert_eq!(v["domain_type"], "qemu", "a TCG domain's capabilities");
    let disk = v["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["class"] == "disk")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        disk["libvirt_model"], "virtio-transitional",
        "libvirt 9.0 has the transitional models: {disk}"
    );
    let m = run(&["machines", "--domcaps", path, "--json"]);
    assert_eq!(m.code, 0, "{}", m.stderr);
    let list: serde_json::Value = serde_json::from_str(&m.stdout).expect("JSON");
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert!(
        names.contains(&"pc-q35-7.2") && names.contains(&"pc-i440fx-7.2"),
        "{names:?}"
    );
}

fn fixture(name: &str) -> PathBuf {
    let p = shared().join("libvirt-domcaps").join(name);
    assert!(p.is_file(), "missing domcaps fixture {}", p.display());
    p
}

#[test]
fn domcaps_fixtures_from_qemu_7_2_to_11_0_give_their_machine_firmware_and_devices() {
    // (fixture, arch, OS, machine, firmware, secure boot possible)
    let cases = [
        (
            "qemu_7.2.0-q35.x86_64.xml",
            "win11",
            "pc-q35-7.2",
            "efi",
            true,
        ),
        (
            "qemu_8.2.0-q35.x86_64.xml",
            "rhel6.10",
            "pc-i440fx-8.2",
            "bios",
            false,
        ),
        (
            "qemu_9.2.0-q35.x86_64.xml",
            "fedora43",
            "pc-q35-9.2",
            "bios",
            false,
        ),
        (
            "qemu_10.2.0-q35.x86_64.xml",
            "win11",
            "pc-q35-10.2",
            "efi",
            true,
        ),
        (
            "qemu_11.0.0-q35.x86_64.xml",
            "debian13",
            "pc-q35-11.0",
            "bios",
            false,
        ),
        (
            "qemu_11.0.0.x86_64.xml",
            "winxp",
            "pc-i440fx-11.0",
            "bios",
            false,
        ),
        (
            "qemu_10.2.0-virt.aarch64.xml",
            "fedora43",
            "virt-10.2",
            "efi",
            false,
        ),
        (
            "qemu_11.0.0.s390x.xml",
            "rhel9.4",
            "s390-ccw-virtio-11.0",
            "bios",
            false,
        ),
    ];
    let mut failures = Vec::new();
    for (file, os, machine, firmware, secure) in cases {
        let path = fixture(file);
        let r = run(&[
            "recommend",
            os,
            "--domcaps",
            path.to_str().unwrap(),
            "--json",
        ]);
        if r.code != 0 {
            failures.push(format!("{file} {os}: exit {}: {}", r.code, r.stderr));
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        if v["machine"]["name"] != machine {
            failures.push(format!(
                "{file} {os}: machine {}, expected {machine}",
                v["machine"]["name"]
            ));
        }
        if v["firmware"]["type"] != firmware {
            failures.push(format!(
                "{file} {os}: firmware {}, expected {firmware}",
                v["firmware"]["type"]
            ));
        }
        if v["firmware"]["secure_boot"] != secure {
            failures.push(format!(
                "{file} {os}: secure boot {}, expected {secure}",
                v["firmware"]["secure_boot"]
            ));
        }
        if file.contains("s390x") {
            let ccw = v["devices"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["placement"] == "ccw")
                .count();
            if ccw < 3 {
                failures.push(format!("{file}: only {ccw} ccw devices"));
            }
        }
    }
    // The 11.0 i440fx file has no Secure Boot firmware: --secure-boot warns.
    let path = fixture("qemu_11.0.0.x86_64.xml");
    let r = run(&[
        "recommend",
        "fedora43",
        "--domcaps",
        path.to_str().unwrap(),
        "--chipset",
        "q35",
        "--secure-boot",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap_or_default();
    if v["firmware"]["secure_boot"] != false {
        failures.push(format!(
            "11.0 i440fx domcaps offers no secure boot, got {}",
            v["firmware"]
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn broken_domcaps_files_are_errors_that_say_where() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &[u8], &str)] = &[
        ("syntax.xml", b"<domainCapabilities>\n  <machine>pc-q35-7.2</machin>\n", "syntax.xml:2:"),
        ("root.xml", b"<capabilities/>", "not <domainCapabilities>"),
        ("nomachine.xml", b"<domainCapabilities><arch>x86_64</arch></domainCapabilities>", "has no <machine>"),
        ("unknown.xml", b"<domainCapabilities><machine>acme-9</machine><arch>x86_64</arch></domainCapabilities>", "cannot tell which QEMU"),
        ("binary.xml", b"\xff\xfe\x00garbage", "not UTF-8"),
    ];
    for (name, bytes, expect) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let r = run(&["recommend", "rhel6.10", "--domcaps", path.to_str().unwrap()]);
        assert_eq!(r.code, 2, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(expect), "{name}: {}", r.stderr);
    }
    let r = run(&[
        "recommend",
        "rhel6.10",
        "--domcaps",
        "/nonexistent/caps.xml",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/nonexistent/caps.xml"), "{}", r.stderr);
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn probing_the_real_qemu_gives_the_same_machine_as_its_profile() {
    let qemu = require("qemu-system-x86_64", "qemu-system-x86");
    let q = qemu.to_str().unwrap();
    let r = run(&["recommend", "ol7.2", "--qemu", q, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["machine"]["name"], "pc-q35-7.2");
    let disk = v["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["class"] == "disk")
        .cloned()
        .unwrap_or_default();
    assert_eq!(disk["qemu_device"], "virtio-blk-pci-transitional");
    let m = run(&["machines", "--qemu", q, "--json"]);
    let list: serde_json::Value = serde_json::from_str(&m.stdout).expect("JSON");
    let deprecated: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["deprecated"] == true)
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert_eq!(
        deprecated,
        [
            "pc-i440fx-1.7",
            "pc-i440fx-1.6",
            "pc-i440fx-1.5",
            "pc-i440fx-1.4"
        ]
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_os_a_hardware_correction_names_runs_as_corrected_on_qemu() {
    // Each OS whose device links or firmware data/corrections.xml changes:
    // the recommended guest starts on QEMU 7.2 and shows only PCI IDs the
    // corrected facts say it drives (guestdb verify), none of the removed
    // IDs, and not on q35 where q35 was removed; where UEFI was added, the
    // guest starts with OVMF and the same holds.
    require("qemu-system-x86_64", "qemu-system-x86");
    use std::collections::BTreeMap;
    #[derive(Default)]
    struct Claim {
        removed: Vec<String>,
        no_q35: bool,
        efi: bool,
    }
    let mut claims: BTreeMap<String, Claim> = BTreeMap::new();
    for c in crate::common::corrections(&crate::common::root().join("data")) {
        let Some(id) = c.subject.strip_prefix("os:") else {
            continue;
        };
        let claim = claims.entry(id.to_string()).or_default();
        match (c.field.as_str(), c.osinfo.as_str(), c.guestdb.as_str()) {
            ("device", "http://qemu.org/chipset/x86/q35", "-") => claim.no_q35 = true,
            ("device", uri, "-") => {
                let pci = crate::qemu::pcisig_id(uri)
                    .unwrap_or_else(|| panic!("{id}: removed link {uri} is not a PCI ID"));
                claim.removed.push(pci.to_string());
            }
            ("firmware", "-", added) if added.contains(" efi true") => claim.efi = true,
            ("device" | "firmware", o, g) => panic!("{id}: a {} correction this test does not know how to check ({o} -> {g}); extend it", c.field),
            _ => {}
        }
    }
    claims.retain(|_, c| !c.removed.is_empty() || c.no_q35 || c.efi);
    assert!(
        claims.len() >= 40,
        "only {} OSes with hardware corrections",
        claims.len()
    );
    let mut failures = Vec::new();
    for (id, claim) in &claims {
        let mut runs: Vec<Vec<&str>> =
            vec![vec!["verify", id.as_str(), "--host", "debian-12", "--json"]];
        if claim.efi {
            runs.push(vec![
                "verify",
                id.as_str(),
                "--host",
                "debian-12",
                "--firmware",
                "efi",
                "--json",
            ]);
        }
        for a in runs {
            let r = run(&a);
            let what = a.join(" ");
            if r.code != 0 {
                failures.push(format!(
                    "guestdb {what}: exit {}\n{}{}",
                    r.code, r.stdout, r.stderr
                ));
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("verify --json");
            let command = v["command"].as_str().unwrap_or_default();
            let seen: Vec<&str> = v["checks"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c["seen"].as_str())
                .collect();
            for gone in &claim.removed {
                if seen.contains(&gone.as_str()) {
                    failures.push(format!("guestdb {what}: QEMU shows {gone}, which the correction says {id} cannot drive"));
                }
            }
            if claim.no_q35 && command.contains("-machine pc-q35") {
                failures.push(format!(
                    "guestdb {what}: runs on q35, which the correction removed: {command}"
                ));
            }
            if a.contains(&"efi") && !command.contains("OVMF") {
                failures.push(format!(
                    "guestdb {what}: does not start with OVMF: {command}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corrected OSes:\n{}",
        failures.len(),
        claims.len(),
        failures.join("\n")
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn verify_checks_s390x_ccw_devices_and_their_transport_revision_on_real_qemu() {
    // guestdb verify on s390x: every recommended -ccw device is the QEMU
    // device predicted and offers a revision the guest's drivers speak.
    require("qemu-system-s390x", "qemu-system-misc");
    let r = run(&[
        "verify",
        "rhel9.4",
        "--arch",
        "s390x",
        "--host",
        "debian-12",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    let checks: Vec<&serde_json::Value> = v["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter(|c| c["expected"].as_str().is_some_and(|e| e.ends_with("-ccw")))
        .collect();
    assert!(checks.len() >= 5, "{checks:?}");
    for c in checks {
        assert!(
            c["seen"]
                .as_str()
                .is_some_and(|s| s.contains("-ccw (revisions 0-2)")),
            "{c}"
        );
    }
    // It can fail: a guest whose drivers speak only virtio 1.0 cannot use
    // s390-ccw-virtio-2.4's devices, which stay at revision 0.
    let db = crate::common::db();
    let os = db.lookup("rhel9.4").expect("store").expect("rhel9.4");
    let mut facts = (*db.os_facts(os, "s390x").expect("facts")).clone();
    for (_, f) in facts.virtio.iter_mut() {
        f.legacy = false;
    }
    let mut rec = crate::common::recommend_on(
        "rhel9.4",
        "s390x",
        &[crate::common::profile("debian-12")],
        guestdb::recommend::Policy {
            virt_type: guestdb::recommend::VirtTypePolicy::Qemu,
            ..Default::default()
        },
    )
    .expect("rhel9.4 on s390x");
    rec.machine.name = "s390-ccw-virtio-2.4".into();
    let qemu = require("qemu-system-s390x", "qemu-system-misc");
    let v = guestdb::verify::on_qemu(&rec, &facts, &qemu).expect("QEMU runs");
    assert!(!v.ok, "{:?}", v.checks);
    assert!(
        v.checks
            .iter()
            .filter(|c| !c.ok)
            .all(|c| c.drivers.contains("only revision 0")),
        "{:?}",
        v.checks
    );
    assert!(v.checks.iter().filter(|c| !c.ok).count() >= 5);
}

/// Each OS's recommended libvirt domain for `arch` (TCG on the debian-12
/// profile, with its extra options but `--libvirt`), checked by
/// virt-xml-validate against libvirt's schema: every rejection.
fn libvirt_domains_validate(
    validate: &std::path::Path,
    arch: &str,
    oses: &[(&str, &[&str])],
) -> Vec<String> {
    let mut failures = Vec::new();
    for (os, extra) in oses {
        let mut a = vec![
            "recommend",
            os,
            "--arch",
            arch,
            "--host",
            "debian-12",
            "--format",
            "libvirt",
            "--virt-type",
            "qemu",
        ];
        a.extend(extra.iter().filter(|e| **e != "--libvirt"));
        let r = run(&a);
        assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
        let file = tempfile::NamedTempFile::new().expect("tempfile");
        std::fs::write(file.path(), &r.stdout).expect("write");
        let v = Command::new(validate)
            .arg(file.path())
            .arg("domain")
            .output()
            .expect("virt-xml-validate runs");
        if !v.status.success() {
            failures.push(format!(
                "{os} {extra:?}: virt-xml-validate rejects the XML: {}{}",
                String::from_utf8_lossy(&v.stdout),
                String::from_utf8_lossy(&v.stderr)
            ));
        }
    }
    failures
}

/// Runs `guestdb verify OS --arch ARCH --host debian-12 --json` for each
/// of `oses` (with extra arguments) on the real emulator; returns the
/// failures. Each run must pass and have checked every predicted PCI
/// function, each seen with the predicted ID.
fn verify_arch(arch: &str, oses: &[(&str, &[&str])]) -> Vec<String> {
    let mut failures = Vec::new();
    for (os, extra) in oses {
        let mut a = vec![
            "verify",
            os,
            "--arch",
            arch,
            "--host",
            "debian-12",
            "--json",
        ];
        a.extend(extra.iter());
        let r = run(&a);
        let what = a.join(" ");
        if r.code != 0 {
            failures.push(format!(
                "guestdb {what}: exit {}\n{}{}",
                r.code, r.stdout, r.stderr
            ));
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("verify --json");
        let checks = v["checks"].as_array().cloned().unwrap_or_default();
        let predicted = checks.iter().filter(|c| c["expected"].is_string()).count();
        if predicted < 3 {
            failures.push(format!(
                "guestdb {what}: only {predicted} predicted functions checked: {v}"
            ));
        }
        for c in &checks {
            if c["ok"] != true || (c["expected"].is_string() && c["seen"] != c["expected"]) {
                failures.push(format!("guestdb {what}: {c}"));
            }
        }
        if !v["version"]
            .as_str()
            .is_some_and(|s| s.starts_with("7.2.") || s.contains("Running hypervisor: QEMU 7.2."))
        {
            failures.push(format!("guestdb {what}: not QEMU 7.2: {}", v["version"]));
        }
    }
    failures
}

/// aarch64 guests on `virt` with AAVMF: Linux of several families and ages,
/// the BSDs, and Windows 11 on Arm.
const AARCH64_OSES: &[(&str, &[&str])] = &[
    ("rhel8.10", &[]),
    ("rhel9.6", &[]),
    ("rhel10.0", &[]),
    ("fedora43", &[]),
    ("debian12", &[]),
    ("debian13", &[]),
    ("ubuntu22.04", &[]),
    ("ubuntu24.04", &[]),
    ("opensuse15.6", &[]),
    ("alpinelinux3.20", &[]),
    ("freebsd14.0", &[]),
    ("netbsd10.0", &[]),
    ("openbsd7.5", &[]),
    ("win11", &[]),
];

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_recommended_aarch64_command_line_shows_the_predicted_pci_ids_on_real_qemu() {
    // qemu-system-aarch64 7.2 under TCG with AAVMF: the firmware numbers
    // the root ports' buses, and every function query-pci shows is the one
    // predicted (the gpex host bridge included), driven by the guest.
    require("qemu-system-aarch64", "qemu-system-arm");
    assert!(
        std::path::Path::new("/usr/share/AAVMF/AAVMF_CODE.fd").is_file(),
        "AAVMF missing (Debian package qemu-efi-aarch64); run tools/test-setup.sh"
    );
    assert!(AARCH64_OSES.len() >= 8);
    let failures = verify_arch("aarch64", AARCH64_OSES);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn aarch64_verify_fails_on_drivers_that_cannot_bind_and_on_a_run_that_checks_nothing() {
    let qemu = require("qemu-system-aarch64", "qemu-system-arm");
    let db = crate::common::db();
    let os = db.lookup("fedora43").expect("store").expect("fedora43");
    let policy = guestdb::recommend::Policy {
        virt_type: guestdb::recommend::VirtTypePolicy::Qemu,
        ..Default::default()
    };
    let rec = crate::common::recommend_on(
        "fedora43",
        "aarch64",
        &[crate::common::profile("debian-12")],
        policy,
    )
    .expect("fedora43 on aarch64");
    // A guest whose virtio drivers are legacy-only cannot bind the
    // modern-only IDs behind the root ports.
    let mut facts = (*db.os_facts(os, "aarch64").expect("facts")).clone();
    for (_, f) in facts.virtio.iter_mut() {
        f.modern = false;
    }
    let v = guestdb::verify::on_qemu(&rec, &facts, &qemu).expect("QEMU runs");
    assert!(!v.ok, "{:?}", v.checks);
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.device.as_str())
        .collect();
    assert!(
        failed.contains(&"net0") && failed.contains(&"disk0"),
        "{failed:?}"
    );
    // No devices, nothing checked: not a pass.
    let facts = db.os_facts(os, "aarch64").expect("facts");
    let mut empty = rec.clone();
    empty.devices.clear();
    let v = guestdb::verify::on_qemu(&empty, &facts, &qemu).expect("QEMU runs");
    assert!(v.checks.is_empty() && !v.ok, "{v:?}");
}

/// ppc64le guests on pseries with SLOF.
const PPC64LE_OSES: &[(&str, &[&str])] = &[
    ("rhel7.9", &[]),
    ("rhel8.10", &[]),
    ("rhel9.6", &[]),
    ("rhel10.0", &[]),
    ("fedora43", &[]),
    ("debian12", &[]),
    ("debian13", &[]),
    ("ubuntu20.04", &[]),
    ("ubuntu24.04", &[]),
    ("opensuse15.6", &[]),
    ("alpinelinux3.20", &[]),
    ("almalinux9", &[]),
    ("freebsd14.0", &[]),
];

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_recommended_ppc64le_command_line_shows_the_predicted_devices_on_real_qemu() {
    // qemu-system-ppc64 7.2 under TCG on pseries (SLOF from
    // qemu-system-data): every PCI function on the PHB is the one
    // predicted, and the spapr-vty console, the SCSI CD-ROM and the USB
    // input devices are the QEMU devices predicted.
    require("qemu-system-ppc64", "qemu-system-ppc");
    assert!(
        std::path::Path::new("/usr/share/qemu/slof.bin").is_file(),
        "SLOF missing (Debian package qemu-system-data); run tools/test-setup.sh"
    );
    assert!(PPC64LE_OSES.len() >= 8);
    let mut failures = verify_arch("ppc64le", PPC64LE_OSES);
    let r = run(&[
        "verify",
        "fedora43",
        "--arch",
        "ppc64le",
        "--host",
        "debian-12",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("verify --json");
    let seen: Vec<&str> = v["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["seen"].as_str())
        .collect();
    if !seen.contains(&"spapr-vty") {
        failures.push(format!("no spapr-vty console checked: {v}"));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn ppc64le_verify_fails_on_a_guest_without_virtio_drivers() {
    let qemu = require("qemu-system-ppc64", "qemu-system-ppc");
    let db = crate::common::db();
    let os = db.lookup("fedora43").expect("store").expect("fedora43");
    let rec = crate::common::recommend_on(
        "fedora43",
        "ppc64le",
        &[crate::common::profile("debian-12")],
        guestdb::recommend::Policy {
            virt_type: guestdb::recommend::VirtTypePolicy::Qemu,
            ..Default::default()
        },
    )
    .expect("fedora43 on ppc64le");
    let mut facts = (*db.os_facts(os, "ppc64le").expect("facts")).clone();
    for (_, f) in facts.virtio.iter_mut() {
        f.legacy = false;
        f.modern = false;
    }
    let v = guestdb::verify::on_qemu(&rec, &facts, &qemu).expect("QEMU runs");
    assert!(!v.ok, "{:?}", v.checks);
    let failed: Vec<&str> = v
        .checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.device.as_str())
        .collect();
    assert!(
        failed.contains(&"net0") && failed.contains(&"disk0"),
        "{failed:?}"
    );
}

/// riscv64 guests on virt (OpenSBI starting U-Boot): the OSes whose data
/// names riscv64 install media (openSUSE Tumbleweed's by its directory
/// only), and Fedora 43, whose riscv64 media the data does not know
/// (recommended with a warning, and still started).
const RISCV64_OSES: &[(&str, &[&str])] = &[
    ("debian13", &[]),
    ("ubuntu24.04", &[]),
    ("ubuntu25.04", &[]),
    ("ubuntu25.10", &[]),
    ("ubuntu26.04", &[]),
    ("alpinelinux3.23", &[]),
    ("alpinelinux3.24", &[]),
    ("alpinelinux3.25", &[]),
    ("fedora43", &[]),
    ("opensusetumbleweed", &[]),
];

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_recommended_riscv64_command_line_shows_the_predicted_pci_ids_on_real_qemu() {
    // qemu-system-riscv64 7.2 under TCG on virt: OpenSBI (QEMU's default
    // firmware) starts U-Boot (-kernel, package u-boot-qemu), which numbers
    // the root ports' buses; every function is the one predicted.
    require("qemu-system-riscv64", "qemu-system-misc");
    assert!(
        std::path::Path::new("/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf").is_file(),
        "U-Boot for riscv64 missing (Debian package u-boot-qemu); run tools/test-setup.sh"
    );
    assert!(RISCV64_OSES.len() >= 8);
    let mut failures = verify_arch("riscv64", RISCV64_OSES);
    // The devices behind root ports are only seen once U-Boot has run.
    let r = run(&[
        "verify",
        "debian13",
        "--arch",
        "riscv64",
        "--host",
        "debian-12",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("verify --json");
    let command = v["command"].as_str().unwrap_or_default();
    if !command.contains("-kernel /usr/lib/u-boot/qemu-riscv64_smode/uboot.elf")
        || !command.contains("-machine virt,")
    {
        failures.push(format!("not virt with U-Boot: {command}"));
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn riscv64_is_a_recommendation_target_with_its_board_firmware_and_console() {
    let r = run(&[
        "recommend",
        "debian13",
        "--arch",
        "riscv64",
        "--host",
        "debian-12",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["machine"]["name"], "virt", "riscv64 virt is unversioned");
    assert_eq!(v["firmware"]["type"], "efi");
    assert_eq!(
        v["firmware"]["kernel"],
        "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf"
    );
    let devices = v["devices"].as_array().expect("devices");
    assert!(
        devices.iter().any(|d| d["qemu_device"] == "16550a"),
        "riscv64 virt's UART: {v}"
    );
    assert!(!devices.iter().any(|d| d["qemu_device"] == "pl011"));
    // An OS the data knows no riscv64 media of gets a warning.
    let r = run(&[
        "recommend",
        "win11",
        "--arch",
        "riscv64",
        "--host",
        "debian-12",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert!(
        v["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|w| w["message"]
                .as_str()
                .is_some_and(|m| m.contains("for riscv64"))),
        "{v}"
    );
    // openSUSE Tumbleweed's riscv64 medium is known (no warning); Fedora
    // publishes no riscv64 install media (a warning).
    for (os, warned) in [("opensusetumbleweed", false), ("fedora43", true)] {
        let r = run(&[
            "recommend",
            os,
            "--arch",
            "riscv64",
            "--host",
            "debian-12",
            "--json",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        let assumed = v["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|w| w["code"] == "assumed");
        assert_eq!(assumed, warned, "{os}: {}", v["warnings"]);
    }
    // The libvirt domain names U-Boot as the kernel and asks for no UEFI image.
    let r = run(&[
        "recommend",
        "debian13",
        "--arch",
        "riscv64",
        "--host",
        "debian-12",
        "--format",
        "libvirt",
    ]);
    assert!(
        r.stdout
            .contains("<kernel>/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf</kernel>")
            && !r.stdout.contains("firmware='efi'"),
        "{}",
        r.stdout
    );
}

#[test]
fn riscv64_edk2_is_a_firmware_choice_on_the_hosts_that_have_it() {
    // `--firmware edk2` on riscv64: EDK2's flash image (pflash) instead of
    // U-Boot as -kernel, where the host profile lists one.
    let json = |host: &str, firmware: &str| {
        let r = run(&[
            "recommend",
            "debian13",
            "--arch",
            "riscv64",
            "--host",
            host,
            "--firmware",
            firmware,
            "--json",
        ]);
        assert_eq!(r.code, 0, "{host} {firmware}: {}", r.stderr);
        serde_json::from_str::<serde_json::Value>(&r.stdout).expect("JSON")
    };
    for host in ["debian-13", "ubuntu-24.04", "ubuntu-26.04"] {
        let v = json(host, "edk2");
        assert_eq!(v["policy"]["firmware"], "edk2");
        assert_eq!(v["firmware"]["type"], "efi");
        assert_eq!(
            v["firmware"]["code"], "/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd",
            "{host}: {}",
            v["firmware"]
        );
        assert!(v["firmware"]["kernel"].is_null(), "{}", v["firmware"]);
        // Without it, U-Boot stays the choice (the one verified on QEMU).
        let v = json(host, "auto");
        assert_eq!(
            v["firmware"]["kernel"],
            "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf"
        );
        assert!(v["firmware"]["code"].is_null(), "{}", v["firmware"]);
    }
    let r = run(&[
        "recommend",
        "debian13",
        "--arch",
        "riscv64",
        "--host",
        "debian-13",
        "--firmware",
        "edk2",
        "--format",
        "qemu",
    ]);
    assert!(
        r.stdout.contains(
            "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/qemu-efi-riscv64/RISCV_VIRT_CODE.fd"
        ) && !r.stdout.contains("-kernel"),
        "{}",
        r.stdout
    );
    // Debian 12 has no EDK2 for riscv64: an error that says so.
    let r = run(&[
        "recommend",
        "debian13",
        "--arch",
        "riscv64",
        "--host",
        "debian-12",
        "--firmware",
        "edk2",
    ]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("debian-12 has no EDK2 flash image for riscv64"),
        "{}",
        r.stderr
    );
    // On x86, edk2 is OVMF, as efi.
    let r = run(&[
        "recommend",
        "fedora43",
        "--host",
        "debian-12",
        "--firmware",
        "edk2",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert!(
        v["firmware"]["code"]
            .as_str()
            .is_some_and(|c| c.contains("OVMF_CODE")),
        "{}",
        v["firmware"]
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn windows_11_on_arm_starts_with_its_installer_medium_on_usb_and_secure_boot_aavmf() {
    // Windows 11 on Arm: its installer has no virtio drivers, so the
    // medium (and, without virtio-win, the disk) is USB mass storage; the
    // display ramfb, input USB; AAVMF with Microsoft's keys and a TPM. The
    // recommended command line starts and AAVMF enumerates every device.
    require("qemu-system-aarch64", "qemu-system-arm");
    require("swtpm", "swtpm");
    let mut failures = verify_arch(
        "aarch64",
        &[("win11", &[]), ("win11", &["--drivers", "virtio-win"])],
    );
    for (extra, disk) in [
        (&[][..], "usb-storage"),
        (&["--drivers", "virtio-win"][..], "virtio-blk-pci"),
    ] {
        let mut a = vec![
            "recommend",
            "win11",
            "--arch",
            "aarch64",
            "--host",
            "debian-12",
            "--json",
        ];
        a.extend(extra);
        let r = run(&a);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        let devices = v["devices"].as_array().expect("devices");
        let of = |class: &str| -> Vec<&str> {
            devices
                .iter()
                .filter(|d| d["class"] == class)
                .filter_map(|d| d["qemu_device"].as_str())
                .collect()
        };
        if of("disk") != [disk] {
            failures.push(format!("{extra:?}: disk {:?}, expected {disk}", of("disk")));
        }
        if of("cdrom").is_empty() || of("cdrom").iter().any(|c| *c != "usb-storage") {
            failures.push(format!(
                "{extra:?}: CD-ROMs {:?}, expected USB",
                of("cdrom")
            ));
        }
        if !of("scsi").is_empty() {
            failures.push(format!("{extra:?}: a SCSI controller {:?}", of("scsi")));
        }
        if extra.is_empty() && of("video") != ["ramfb"] {
            failures.push(format!("{extra:?}: video {:?}", of("video")));
        }
        if of("input") != ["usb-kbd", "usb-tablet"] {
            failures.push(format!("{extra:?}: input {:?}", of("input")));
        }
        if v["firmware"]["secure_boot"] != true || v["firmware"]["tpm"]["version"] != "2.0" {
            failures.push(format!("{extra:?}: firmware {}", v["firmware"]));
        }
    }
    // The Secure Boot command line keeps the flash visible to AAVMF: no
    // pflash secure=on (an x86 SMM setting) on Arm.
    let r = run(&[
        "recommend",
        "win11",
        "--arch",
        "aarch64",
        "--host",
        "debian-12",
        "--format",
        "qemu",
    ]);
    if r.stdout.contains("property=secure") {
        failures.push(format!("pflash secure=on on aarch64:\n{}", r.stdout));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_recommended_aarch64_libvirt_domain_validates_defines_and_starts() {
    // libvirt 9.0 with qemu-system-aarch64 7.2: each recommended domain
    // validates against libvirt's schema, is defined and started (AAVMF
    // picked by libvirt's firmware auto-selection, Secure Boot with a TPM
    // for Windows 11), and every PCI function it shows, libvirt's own
    // additions included, is drivable and, where predicted, as predicted.
    libvirt_uri();
    let validate = require("virt-xml-validate", "libvirt-clients");
    require("qemu-system-aarch64", "qemu-system-arm");
    let oses: &[(&str, &[&str])] = &[
        ("rhel9.6", &["--libvirt"]),
        ("rhel10.0", &["--libvirt"]),
        ("fedora43", &["--libvirt"]),
        ("debian12", &["--libvirt"]),
        ("ubuntu22.04", &["--libvirt"]),
        ("ubuntu24.04", &["--libvirt"]),
        ("opensuse15.6", &["--libvirt"]),
        ("freebsd14.0", &["--libvirt"]),
        ("win11", &["--libvirt"]),
        ("win11", &["--libvirt", "--drivers", "virtio-win"]),
    ];
    let mut failures = libvirt_domains_validate(&validate, "aarch64", oses);
    failures.extend(verify_arch("aarch64", oses));
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// A domain the test defined itself; destroyed and undefined on drop.
struct Defined<'u> {
    uri: &'u str,
    name: &'u str,
}

impl Drop for Defined<'_> {
    fn drop(&mut self) {
        let _ = guestdb::verify::virsh(self.uri, &["destroy", self.name]);
        let _ = guestdb::verify::virsh(self.uri, &["undefine", self.name]);
    }
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn every_recommended_riscv64_libvirt_domain_validates_defines_starts_and_boots_u_boot() {
    // libvirt 9.0 with qemu-system-riscv64 7.2: each recommended domain
    // (virt, U-Boot as <kernel>, OpenSBI as QEMU's default -bios) validates
    // against libvirt's schema, is defined and started, and every PCI
    // function it shows is the one predicted. One domain is then read back
    // while it runs: its live XML, the command line libvirt gave QEMU, and
    // its serial console, where OpenSBI starts U-Boot, which finds the disk.
    let uri = libvirt_uri();
    let validate = require("virt-xml-validate", "libvirt-clients");
    require("qemu-system-riscv64", "qemu-system-misc");
    require("qemu-img", "qemu-utils");
    let uboot = "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf";
    assert!(
        std::path::Path::new(uboot).is_file(),
        "U-Boot for riscv64 missing (Debian package u-boot-qemu); run tools/test-setup.sh"
    );
    let oses: Vec<(&str, &[&str])> = RISCV64_OSES
        .iter()
        .map(|(os, _)| (*os, &["--libvirt"][..]))
        .collect();
    assert!(oses.len() >= 8);
    let mut failures = libvirt_domains_validate(&validate, "riscv64", &oses);
    failures.extend(verify_arch("riscv64", &oses));

    // One running domain, read back.
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = dir.path().join("disk.qcow2");
    let made = Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("1G")
        .output()
        .expect("qemu-img runs");
    assert!(made.status.success(), "{made:?}");
    let name = "guestdb-test-riscv64-boot";
    let r = run(&[
        "recommend",
        "debian13",
        "--arch",
        "riscv64",
        "--host",
        "debian-12",
        "--format",
        "libvirt",
        "--virt-type",
        "qemu",
        "--name",
        name,
        "--disk",
        disk.to_str().expect("utf8"),
        "--network",
        "user",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = dir.path().join("domain.xml");
    std::fs::write(&file, &r.stdout).expect("write");
    let virsh = guestdb::verify::virsh;
    let _ = virsh(uri, &["destroy", name]);
    let _ = virsh(uri, &["undefine", name]);
    virsh(uri, &["define", file.to_str().expect("utf8")]).expect("virsh define");
    let _defined = Defined { uri, name };
    virsh(uri, &["start", name, "--paused"]).expect("virsh start");
    let live = virsh(uri, &["dumpxml", name]).expect("virsh dumpxml");
    for want in [
        "<type arch='riscv64' machine='virt'>hvm</type>".to_string(),
        format!("<kernel>{uboot}</kernel>"),
    ] {
        if !live.contains(&want) {
            failures.push(format!("live XML lacks {want}:\n{live}"));
        }
    }
    if live.contains("<loader") {
        failures.push(format!("live XML has a UEFI loader:\n{live}"));
    }
    // The command line libvirt started QEMU with (its log of the domain).
    let log =
        std::fs::read_to_string(format!("/var/log/libvirt/qemu/{name}.log")).unwrap_or_default();
    // The last start's command line, continued over lines ending in '\'.
    let command: String = log
        .rsplit_once("qemu-system-riscv64")
        .map(|(_, tail)| tail)
        .unwrap_or_default()
        .lines()
        .scan(true, |more, line| {
            let keep = *more;
            *more = line.trim_end().ends_with('\\');
            keep.then(|| line.trim_end().trim_end_matches('\\').to_string())
        })
        .collect::<Vec<_>>()
        .join(" ");
    if !command.contains(&format!("-kernel {uboot}")) || command.contains("-bios") {
        failures.push(format!(
            "QEMU not started with U-Boot as -kernel and the default OpenSBI: {command}"
        ));
    }
    // The serial console: read its pty while the guest runs.
    let pty = live
        .split("<source path='")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .filter(|p| p.starts_with("/dev/pts/"))
        .unwrap_or_else(|| panic!("no pty console in the live XML:\n{live}"))
        .to_string();
    let mut reader = Command::new("cat")
        .arg(&pty)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("cat runs");
    let mut out = reader.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = std::io::Read::read(&mut out, &mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    // Let cat open the pty before the guest writes to it.
    std::thread::sleep(std::time::Duration::from_millis(500));
    virsh(uri, &["resume", name]).expect("virsh resume");
    let wanted = ["OpenSBI v", "U-Boot 20", "VirtIO Block Device"];
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
    let mut console = String::new();
    while !wanted.iter().all(|w| console.contains(w)) {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            break;
        }
        if let Ok(chunk) = rx.recv_timeout(left.min(std::time::Duration::from_secs(1))) {
            console.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
    let _ = reader.kill();
    let _ = reader.wait();
    for w in wanted {
        if !console.contains(w) {
            failures.push(format!("serial console lacks {w:?}:\n{console}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn domcaps_of_the_real_libvirtd_for_aarch64_and_ppc64le_give_the_profiles_machine_and_devices() {
    // The running libvirtd's capabilities for its qemu-system-aarch64 and
    // -ppc64 give the machine, firmware type, TPM model and devices the
    // debian-12 profile gives (Secure Boot aside: libvirt 9.0's domcaps
    // say nothing of Arm's enrolled-keys firmware).
    let uri = libvirt_uri();
    let mut failures = Vec::new();
    for (arch, machine, os) in [
        ("aarch64", "virt", "win11"),
        ("ppc64le", "pseries", "rhel9.6"),
    ] {
        let out = Command::new("virsh")
            .args([
                "-c",
                uri,
                "domcapabilities",
                "--arch",
                arch,
                "--virttype",
                "qemu",
                "--machine",
                machine,
            ])
            .output()
            .expect("virsh domcapabilities");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = tempfile::NamedTempFile::new().expect("tempfile");
        std::fs::write(file.path(), &out.stdout).expect("write");
        let path = file.path().to_str().expect("utf8");
        let by_caps = run(&["recommend", os, "--domcaps", path, "--json"]);
        let by_profile = run(&[
            "recommend",
            os,
            "--arch",
            arch,
            "--host",
            "debian-12",
            "--virt-type",
            "qemu",
            "--json",
        ]);
        assert_eq!(by_caps.code, 0, "{}", by_caps.stderr);
        let a: serde_json::Value = serde_json::from_str(&by_caps.stdout).expect("JSON");
        let b: serde_json::Value = serde_json::from_str(&by_profile.stdout).expect("JSON");
        for key in ["arch", "domain_type"] {
            if a[key] != b[key] {
                failures.push(format!("{arch}: {key} {} vs {}", a[key], b[key]));
            }
        }
        if a["machine"]["name"] != b["machine"]["name"] {
            failures.push(format!(
                "{arch}: machine {} vs {}",
                a["machine"]["name"], b["machine"]["name"]
            ));
        }
        if a["firmware"]["type"] != b["firmware"]["type"]
            || a["firmware"]["tpm"] != b["firmware"]["tpm"]
        {
            failures.push(format!(
                "{arch}: firmware {} vs {}",
                a["firmware"], b["firmware"]
            ));
        }
        let devices = |v: &serde_json::Value| -> Vec<String> {
            v["devices"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|d| format!("{} {}", d["class"], d["qemu_device"]))
                .collect()
        };
        if devices(&a) != devices(&b) {
            failures.push(format!(
                "{arch}: devices {:?} vs {:?}",
                devices(&a),
                devices(&b)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
