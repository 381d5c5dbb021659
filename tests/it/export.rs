//! `guestdb export-osinfo`: the export validates with the real
//! osinfo-db-validate, the real libosinfo loads it and reports what guestdb
//! says, and the real virt-install decides from it, also for an OS only
//! guestdb knows.

use crate::common::{copy_dir, require, root, run};
use guestdb::{Chipset, Database, VirtioClass};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn export_to(out: &Path) {
    let r = run(&["export-osinfo", arg(out)]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// The real libosinfo's view of an export; it must load it without a warning.
fn libosinfo(tree: &Path) -> Vec<Value> {
    let (oses, stderr) = crate::common::libosinfo_dump(tree);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("WARNING") && !l.contains("install-script"))
        .collect();
    assert!(
        warnings.is_empty(),
        "libosinfo warns about the export:\n{}",
        warnings.join("\n")
    );
    oses
}

/// The device ids guestdb's facts say libosinfo should report for `os`:
/// its device links, and for each virtio class it states (in-box, not
/// unknown) the legacy and virtio 1.0 PCI IDs it drives, and q35.
fn expected_devices(
    db: &Database,
    os: &guestdb::Os,
    ids: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let details = db.details(os).expect("details");
    let mut set: BTreeSet<String> = details
        .devices
        .iter()
        .filter_map(|d| ids.get(&d.name).cloned())
        .collect();
    for class in VirtioClass::ALL {
        let Some(f) = details
            .virtio
            .iter()
            .find(|f| f.class == class && f.arch == "all")
        else {
            continue;
        };
        if f.unknown || f.driver.is_some() {
            continue;
        }
        let uri = |d: u16| format!("http://pcisig.com/pci/1af4/{d:04x}");
        let modern = uri(0x1040 + class.virtio_type);
        if f.modern {
            set.insert(modern);
        } else {
            set.remove(&modern);
        }
        if let Some(l) = class.legacy_pci {
            if f.legacy {
                set.insert(uri(l));
            } else {
                set.remove(&uri(l));
            }
        }
    }
    let q35 = "http://qemu.org/chipset/x86/q35".to_string();
    if details
        .chipsets
        .iter()
        .any(|c| c.chipset == Chipset::Q35 && c.arch == "all")
    {
        if os.supports_chipset(Chipset::Q35) {
            set.insert(q35);
        } else {
            set.remove(&q35);
        }
    }
    set
}

#[test]
#[ignore = "needs osinfo-db-validate and libosinfo: run tools/test.sh"]
fn the_export_validates_and_libosinfo_reports_what_guestdb_says() {
    let validate = require("osinfo-db-validate", "osinfo-db-tools");
    let out = tempfile::tempdir().expect("tempdir");
    export_to(out.path());
    let v = Command::new(validate)
        .args(["--dir", arg(out.path())])
        .output()
        .expect("osinfo-db-validate runs");
    assert!(
        v.status.success() && v.stderr.is_empty() && v.stdout.is_empty(),
        "osinfo-db-validate: {}{}",
        String::from_utf8_lossy(&v.stdout),
        String::from_utf8_lossy(&v.stderr)
    );

    let db = Database::embedded().expect("store");
    let ids: BTreeMap<String, String> = db
        .device_models()
        .expect("catalogue")
        .iter()
        .filter_map(|d| {
            let id = d.osinfo_id.clone().or_else(|| {
                d.pci
                    .as_ref()
                    .filter(|_| d.bus == "pci")
                    .map(|p| format!("http://pcisig.com/pci/{}", p.replace(':', "/")))
            })?;
            Some((d.name.clone(), id))
        })
        .collect();
    let theirs: BTreeMap<String, Value> = libosinfo(out.path())
        .into_iter()
        .map(|o| (o["id"].as_str().unwrap_or_default().to_string(), o))
        .collect();
    let ours = db.oses().expect("OSes");
    assert_eq!(
        theirs.len(),
        ours.len(),
        "libosinfo loads another number of OSes"
    );
    let text = |v: &Value| v.as_str().map(str::to_string);
    let mut problems = Vec::new();
    for os in ours {
        let Some(t) = theirs.get(&os.id) else {
            problems.push(format!("{}: libosinfo does not list it", os.id));
            continue;
        };
        let mut short: Vec<String> = Vec::new();
        for s in t["short_ids"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s.as_str())
        {
            if !short.iter().any(|x| x == s) {
                short.push(s.to_string());
            }
        }
        let checks = [
            (
                "short-ids",
                Some(short.join(" ")),
                Some(os.short_ids.join(" ")),
            ),
            ("name", text(&t["name"]), Some(os.name.clone())),
            ("version", text(&t["version"]), os.version.clone()),
            (
                "release-date",
                text(&t["release_date"]),
                os.release_date.map(|d| d.to_string()),
            ),
            (
                "eol-date",
                text(&t["eol_date"]),
                os.eol_date.map(|d| d.to_string()),
            ),
            (
                "release-status",
                text(&t["release_status"]),
                Some(os.release_status.name().to_string()),
            ),
        ];
        for (field, got, want) in checks {
            if got != want {
                problems.push(format!(
                    "{}: {field}: libosinfo {got:?}, guestdb {want:?}",
                    os.short_id()
                ));
            }
        }
        let got: BTreeSet<String> = t["devices"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d.as_str().map(str::to_string))
            .collect();
        let want = expected_devices(&db, os, &ids);
        if got != want {
            problems.push(format!(
                "{}: devices: libosinfo has {:?} more and {:?} fewer than guestdb's facts say",
                os.short_id(),
                got.difference(&want).collect::<Vec<_>>(),
                want.difference(&got).collect::<Vec<_>>()
            ));
        }
        let got: BTreeSet<(String, String)> = t["firmware_supported"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["supported"].as_bool() == Some(true))
            .map(|f| {
                (
                    f["arch"].as_str().unwrap_or_default().into(),
                    f["type"].as_str().unwrap_or_default().into(),
                )
            })
            .collect();
        let want: BTreeSet<(String, String)> = db
            .details(os)
            .expect("details")
            .firmware
            .iter()
            .filter(|f| f.supported)
            .map(|f| (f.arch.clone(), f.kind.name().to_string()))
            .collect();
        if got != want {
            problems.push(format!(
                "{}: firmware: libosinfo {got:?}, guestdb {want:?}",
                os.short_id()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// `virt-install --dry-run --print-xml` for `os` with libosinfo reading `db`
/// (None: the system's osinfo-db): (machine, interface models) or the error.
fn virt_install(os: &str, db: Option<&Path>) -> Result<(String, Vec<String>), String> {
    let virt_install = require("virt-install", "virtinst");
    let disk = tempfile::tempdir().expect("tempdir");
    let mut cmd = Command::new(virt_install);
    if let Some(db) = db {
        cmd.env("OSINFO_SYSTEM_DIR", db);
    }
    let out = cmd
        .args([
            "--connect",
            "qemu:///system",
            "--dry-run",
            "--print-xml",
            "--osinfo",
            os,
        ])
        .args([
            "--name",
            "guestdb-export-test",
            "--memory",
            "2048",
            "--network",
            "user",
            "--virt-type",
            "qemu",
        ])
        .arg("--disk")
        .arg(format!(
            "size=1,path={}",
            disk.path().join("d.qcow2").display()
        ))
        .output()
        .expect("virt-install runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let xml = String::from_utf8_lossy(&out.stdout).into_owned();
    let root = guestdb::data::xml::parse(&xml).expect("virt-install prints XML");
    let machine = crate::common::domain_machine(&root).unwrap_or_default();
    let devices = root.children.iter().find(|c| c.name == "devices");
    let models = devices
        .into_iter()
        .flat_map(|d| d.children.iter().filter(|c| c.name == "interface"))
        .flat_map(|i| i.children.iter().filter(|c| c.name == "model"))
        .filter_map(|m| m.attr("type").map(|a| a.value.clone()))
        .collect();
    Ok((machine, models))
}

#[test]
#[ignore = "needs virt-install and libvirtd: run tools/test.sh"]
fn virt_install_decides_from_the_export_even_for_an_os_only_guestdb_knows() {
    crate::verify::libvirt_uri();
    let out = tempfile::tempdir().expect("tempdir");
    export_to(out.path());

    // fedora45 is newer than Debian 12's osinfo-db (2022): virt-install does
    // not know it, and knows it from the export.
    let system = virt_install("fedora45", None);
    assert!(
        system
            .as_ref()
            .is_err_and(|e| e.contains("Unknown OS name")),
        "the system osinfo-db knows fedora45: {system:?}"
    );
    let (machine, models) =
        virt_install("fedora45", Some(out.path())).expect("virt-install with the export");
    assert!(machine.contains("q35"), "fedora45 on {machine}");
    assert_eq!(models, ["virtio"], "fedora45's network model");

    // CentOS 7 (every 7.x release; 7.0 and 7.1 without virtio 1.0): osinfo-db
    // claims q35, guestdb's corrected facts do not, and virt-install follows.
    let (machine, _) = virt_install("centos7.0", None).expect("system osinfo-db");
    assert!(machine.contains("q35"), "system osinfo-db: {machine}");
    let (machine, models) = virt_install("centos7.0", Some(out.path())).expect("export");
    assert!(
        !machine.contains("q35"),
        "with the export centos7.0 is on {machine}"
    );
    assert_eq!(models, ["virtio"]);
}

#[test]
fn exporting_again_replaces_the_earlier_export_and_nothing_else() {
    let data = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("data"), data.path());
    let out = tempfile::tempdir().expect("tempdir");
    let target = out.path().join("osinfo");
    let export_json = || {
        let r = run(&[
            "export-osinfo",
            arg(&target),
            "--from",
            arg(data.path()),
            "--json",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str::<Value>(&r.stdout).expect("JSON")
    };
    let v = export_json();
    assert_eq!(
        v["oses"].as_u64(),
        Some(Database::embedded().unwrap().len() as u64)
    );

    std::fs::remove_file(data.path().join("os/fedoraproject.org/fedora-46.xml")).expect("rm");
    let v = export_json();
    assert_eq!(
        v["removed"],
        serde_json::json!(["os/fedoraproject.org/fedora-46.xml"])
    );
    assert!(!target.join("os/fedoraproject.org/fedora-46.xml").exists());

    // A directory with files of its own is not overwritten.
    let other = out.path().join("other");
    std::fs::create_dir_all(&other).expect("mkdir");
    std::fs::write(other.join("notes.xml"), "<mine/>").expect("write");
    let r = run(&["export-osinfo", arg(&other)]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("which no earlier 'guestdb export-osinfo' wrote"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(other.join("notes.xml")).unwrap(),
        "<mine/>"
    );
}
