//! Invariants of the dataset. Each test states one and lists every offender.

use crate::common::db;
use guestdb::{Chipset, VirtioClass};

fn assert_none(what: &str, offenders: Vec<String>) {
    assert!(
        offenders.is_empty(),
        "{} {what}:\n  {}",
        offenders.len(),
        offenders.join("\n  ")
    );
}

#[test]
fn every_os_has_a_short_id() {
    let db = db();
    assert_none(
        "OSes without a short-id",
        db.oses()
            .expect("OSes")
            .into_iter()
            .filter(|o| o.short_ids.is_empty())
            .map(|o| o.id.clone())
            .collect(),
    );
}

#[test]
fn every_virtio_and_chipset_fact_says_where_it_came_from() {
    let db = db();
    let mut offenders = Vec::new();
    for os in db.oses().expect("OSes") {
        let d = db.details(os).expect("details");
        for v in &d.virtio {
            if v.provenance.source.is_none() || v.provenance.note.is_none() {
                offenders.push(format!(
                    "{} virtio {} ({})",
                    os.short_id(),
                    v.class,
                    v.provenance.declared_at
                ));
            }
        }
        for c in &d.chipsets {
            if c.provenance.source.is_none() || c.provenance.note.is_none() {
                offenders.push(format!(
                    "{} chipset {} ({})",
                    os.short_id(),
                    c.chipset,
                    c.provenance.declared_at
                ));
            }
        }
    }
    assert_none("facts without a source and a note", offenders);
}

#[test]
fn rhel_and_centos_5_and_6_never_speak_virtio_1_0_and_6_speaks_legacy() {
    // The seeds' example: these guests cannot bind a modern-only virtio device.
    // (RHEL 5 gained virtio drivers only in later minor releases.)
    let db = db();
    let net = VirtioClass::by_name("net").expect("net");
    let block = VirtioClass::by_name("block").expect("block");
    let mut offenders = Vec::new();
    for os in db
        .oses()
        .expect("OSes")
        .into_iter()
        .filter(|o| matches!(o.distro.as_deref(), Some("rhel" | "centos")))
    {
        let major: u32 = os
            .version
            .as_deref()
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse().ok())
            .unwrap_or(99);
        if !(5..=6).contains(&major) {
            continue;
        }
        for class in [net, block] {
            let v = os.virtio(class);
            if v.modern || (major == 6 && !v.legacy) {
                offenders.push(format!(
                    "{} virtio {}: legacy {} modern {}",
                    os.short_id(),
                    class.name,
                    v.legacy,
                    v.modern
                ));
            }
        }
    }
    assert_none(
        "RHEL/CentOS 5-6 releases with virtio 1.0, or RHEL/CentOS 6 without legacy virtio",
        offenders,
    );
}

#[test]
fn windows_virtio_support_needs_the_virtio_win_drivers() {
    let db = db();
    let mut offenders = Vec::new();
    for os in db
        .oses()
        .expect("OSes")
        .into_iter()
        .filter(|o| o.family.as_deref() == Some("winnt"))
    {
        for class in VirtioClass::ALL {
            let v = os.virtio(class);
            if (v.legacy || v.modern) && !v.needs_driver {
                offenders.push(format!("{} virtio {}", os.short_id(), class.name));
            }
        }
    }
    assert_none("Windows releases with in-box virtio drivers", offenders);
}

#[test]
fn every_q35_capable_os_is_an_x86_os() {
    let db = db();
    let offenders = db
        .oses()
        .expect("OSes")
        .into_iter()
        .filter(|o| o.supports_chipset(Chipset::Q35))
        .filter(|o| {
            !o.arches.is_empty()
                && !o
                    .arches
                    .iter()
                    .any(|a| matches!(a.as_str(), "i386" | "i486" | "i586" | "i686" | "x86_64"))
        })
        .map(|o| format!("{} ({})", o.short_id(), o.arches.join(" ")))
        .collect();
    assert_none("OSes with q35 support but no x86 architecture", offenders);
}

#[test]
fn every_virtio_pci_device_in_the_catalogue_names_its_qemu_device_and_libvirt_model() {
    let db = db();
    let offenders = db
        .device_models()
        .expect("devices")
        .iter()
        .filter(|m| {
            m.virtio_type.is_some() && (m.qemu_devices.is_empty() || m.libvirt_models.is_empty())
        })
        .map(|m| m.name.clone())
        .collect();
    assert_none(
        "virtio devices without QEMU device or libvirt model",
        offenders,
    );
}

#[test]
fn every_transitional_virtio_id_has_the_modern_counterpart() {
    let db = db();
    let models = db.device_models().expect("devices");
    let offenders = models
        .iter()
        .filter(|m| m.generation == Some(guestdb::data::model::Generation::Legacy))
        .filter(|m| {
            !models.iter().any(|n| {
                n.virtio_type == m.virtio_type
                    && n.generation == Some(guestdb::data::model::Generation::Modern)
            })
        })
        .map(|m| m.name.clone())
        .collect();
    assert_none("legacy virtio IDs without a modern entry", offenders);
}

#[test]
fn lookups_and_relations() {
    let db = db();
    let rhel = db.lookup("rhel6.10").expect("store").expect("rhel6.10");
    assert!(db.lookup("rhel6.1o").expect("store").is_none());
    assert_eq!(
        db.lookup("http://redhat.com/rhel/6.10").expect("store"),
        Some(rhel)
    );
    let parents = db
        .related(rhel, guestdb::os::RelationKind::DerivesFrom)
        .expect("relations");
    assert_eq!(
        parents.iter().map(|o| o.short_id()).collect::<Vec<_>>(),
        ["rhel6.9"]
    );
    let children = db
        .related_to(
            db.lookup("rhel6.9").expect("store").expect("rhel6.9"),
            guestdb::os::RelationKind::DerivesFrom,
        )
        .expect("relations");
    assert!(children.iter().any(|o| o.short_id() == "rhel6.10"));
    let newest = db.newest("rhel").expect("store").expect("a newest RHEL");
    assert!(db
        .oses()
        .expect("OSes")
        .into_iter()
        .filter(|o| o.distro.as_deref() == Some("rhel")
            && o.release_status == guestdb::ReleaseStatus::Released)
        .all(|o| o.release_date <= newest.release_date));
}

#[test]
#[ignore = "depends on today's date: run tools/test.sh"]
fn every_recorded_distribution_is_fresh() {
    // data/dataset.xml records, per distribution, its newest release and the
    // date the next is expected by. The newest entry must be that release,
    // and once the expected date is 60 days past the data is stale: add the
    // release (and move the record on).
    let info = dataset_info();
    assert!(
        !info.freshness.is_empty(),
        "dataset.xml records no <fresh> entry"
    );
    let db = db();
    let today = guestdb::cli::today().expect("the system clock gives today");
    let mut offenders = Vec::new();
    for f in &info.freshness {
        // The recorded release must be the distribution's newest released
        // entry, as the library answers it (Database::newest).
        let newest = db
            .newest(&f.distro)
            .expect("store")
            .map(|o| o.short_id().to_string())
            .unwrap_or_default();
        if newest != f.newest {
            offenders.push(format!(
                "{}: the newest released entry is {newest}, dataset.xml records {}",
                f.distro, f.newest
            ));
        }
        let mut due = f.next;
        for _ in 0..60 {
            due = next_day(due);
        }
        if today > due {
            offenders.push(format!(
                "{}: a release after {} was expected by {}; the data is stale",
                f.distro, f.newest, f.next
            ));
        }
    }
    assert_none("distributions whose data is not fresh", offenders);
}

fn next_day(d: guestdb::Date) -> guestdb::Date {
    let (y, m, day) = (d.year, d.month, d.day + 1);
    let s = format!("{y:04}-{m:02}-{day:02}");
    guestdb::Date::parse(&s)
        .or_else(|| guestdb::Date::parse(&format!("{y:04}-{:02}-01", m + 1)))
        .or_else(|| guestdb::Date::parse(&format!("{:04}-01-01", y + 1)))
        .expect("a next day")
}

#[test]
fn the_readme_lists_every_freshness_record() {
    // The README's table of the newest release per distribution is the
    // freshness records of data/dataset.xml, row for row.
    let info = dataset_info();
    let readme = std::fs::read_to_string(crate::common::root().join("README.md")).expect("README");
    let rows: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| distribution | newest covered |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let want: Vec<String> = info
        .freshness
        .iter()
        .map(|f| format!("| {} | {} | {} |", f.distro, f.newest, f.next))
        .collect();
    assert_eq!(
        rows, want,
        "README's freshness table differs from data/dataset.xml"
    );
}

/// What data/dataset.xml says about the dataset (versions, sources, freshness).
fn dataset_info() -> guestdb::data::model::DatasetInfo {
    let bytes = std::fs::read(crate::common::root().join("data/dataset.xml")).expect("dataset.xml");
    let mut findings = guestdb::data::diag::Findings::default();
    guestdb::data::read::read_dataset_info(
        &std::sync::Arc::from("dataset.xml"),
        &bytes,
        &mut findings,
    )
    .expect("dataset.xml reads")
}

#[test]
fn a_kernel_stated_for_one_architecture_gives_that_architecture_its_own_facts() {
    // RHEL 7.4-7.6 for ARM run kernel-alt (4.11/4.14), x86_64 runs 3.10:
    // every file that states an architecture's kernel gets, for each class it
    // states nothing about, that architecture's derived answer, and the
    // others keep theirs.
    let db = db();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for os in db.oses().expect("OSes") {
        let d = db.details(os).expect("details");
        for k in &d.arch_kernels {
            checked += 1;
            let facts = db.os_facts(os, &k.arch).expect("facts");
            for (class, v) in &facts.virtio {
                let per_arch = d
                    .virtio
                    .iter()
                    .find(|f| f.class.name == class && f.arch == k.arch);
                let stated_for_all = d
                    .virtio
                    .iter()
                    .any(|f| f.class.name == class && f.arch == "all" && !f.derived);
                match per_arch {
                    Some(f) if (f.legacy, f.modern) != (v.legacy, v.modern) => {
                        offenders.push(format!(
                            "{} {class} on {}: the {} fact says {}/{}, the facts for {} say {}/{}",
                            os.short_id(),
                            k.arch,
                            k.arch,
                            f.legacy,
                            f.modern,
                            k.arch,
                            v.legacy,
                            v.modern
                        ))
                    }
                    None if !stated_for_all => offenders.push(format!(
                        "{} {class}: no {} answer although {} has its own kernel",
                        os.short_id(),
                        k.arch,
                        k.arch
                    )),
                    _ => {}
                }
            }
        }
    }
    assert!(
        checked >= 3,
        "only {checked} architecture kernels in the data"
    );
    let rhel = db.lookup("rhel7.6").expect("store").expect("rhel7.6");
    let arm = db.os_facts(rhel, "aarch64").expect("facts");
    let x86 = db.os_facts(rhel, "x86_64").expect("facts");
    let vsock = |f: &guestdb::recommend::OsFacts| {
        f.virtio
            .iter()
            .find(|(c, _)| c == "vsock")
            .map(|(_, v)| v.modern)
            .expect("vsock")
    };
    assert!(
        vsock(&arm),
        "rhel7.6 on aarch64 (kernel-alt 4.14) drives virtio-vsock"
    );
    assert!(
        !vsock(&x86),
        "rhel7.6 on x86_64 (3.10) is derived without virtio-vsock"
    );
    assert_none(
        "per-architecture answers that differ from the facts",
        offenders,
    );
}

#[test]
fn s390x_releases_older_than_virtio_ccw_drive_no_virtio_there_and_newer_ones_keep_their_facts() {
    // On s390x virtio reaches the guest over channel I/O (virtio_ccw, Linux
    // 3.8); QEMU removed the older s390-virtio machine in 2.6. A release on
    // s390x with an older kernel must answer "none" for every class there,
    // and one with a newer kernel must have no such transport answer.
    use guestdb::data::model::Version;
    let db = db();
    let since = Version::parse("3.8").expect("version");
    let mut offenders = Vec::new();
    let (mut old, mut new) = (0, 0);
    for os in db.oses().expect("OSes") {
        if !os.arches.iter().any(|a| a == "s390x") {
            continue;
        }
        let d = db.details(os).expect("details");
        let kernel = d
            .arch_kernels
            .iter()
            .find(|k| k.arch == "s390x")
            .map(|k| &k.kernel)
            .or(d.kernel.as_ref());
        let Some(kernel) = kernel.map(|k| k.version) else {
            continue;
        };
        let facts = db.os_facts(os, "s390x").expect("facts");
        for (class, v) in &facts.virtio {
            let note = v
                .fact
                .as_ref()
                .and_then(|f| f.note.clone())
                .unwrap_or_default();
            let transport = note.contains("no virtio-ccw transport");
            if kernel < since && !(transport && !v.legacy && !v.modern && !v.unknown) {
                offenders.push(format!(
                    "{} {class}: kernel {kernel} < 3.8 on s390x, but the answer is legacy={} modern={} ({note})",
                    os.short_id(),
                    v.legacy,
                    v.modern
                ));
            }
            if kernel >= since && transport {
                offenders.push(format!(
                    "{} {class}: kernel {kernel} has virtio-ccw, but the answer says it has none",
                    os.short_id()
                ));
            }
        }
        if kernel < since {
            old += 1;
        } else {
            new += 1;
        }
    }
    assert!(
        old >= 1 && new >= 20,
        "s390x releases with a kernel: {old} older than 3.8, {new} newer"
    );
    assert_none(
        "s390x answers that contradict the virtio-ccw transport",
        offenders,
    );
}
