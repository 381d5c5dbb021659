//! What `recommend` must answer (issue: the recommendation engine), each a
//! test on the embedded dataset, the real host profiles and the real device
//! catalogue. Whole-dataset invariants list every offender.

use crate::common::{db, profile, recommend, recommend_on, run};
use guestdb::host::Host;
use guestdb::recommend::{
    ChipsetPolicy, DriversPolicy, ModelsPolicy, Placement, Policy, Recommendation,
};
use guestdb::VirtioClass;

fn virtio_devices(r: &Recommendation) -> Vec<&guestdb::recommend::Device> {
    r.devices
        .iter()
        .filter(|d| d.pci_id.as_deref().is_some_and(|p| p.starts_with("1af4:")))
        .collect()
}

fn pci(r: &Recommendation, class: &str) -> Option<String> {
    r.of_class(class).find_map(|d| d.pci_id.clone())
}

/// A host profile without the i440fx machine types (as KubeVirt runs only q35).
fn without_i440fx(name: &str) -> Host {
    let mut host = profile(name);
    for (_, machines) in host.machines.iter_mut() {
        machines.retain(|m| m.family != "i440fx");
    }
    host
}

#[test]
fn rhel6_follows_red_hats_preference_for_i440fx_where_every_host_offers_it() {
    for os in ["rhel6.10", "centos6.10", "ol6.10"] {
        let r = recommend(os, "debian-12");
        assert_eq!(r.machine.name, "pc-i440fx-7.2", "{os}");
        let chipset = r.rules.iter().find(|t| t.rule == "chipset").expect("trace");
        assert!(
            chipset
                .reasons
                .iter()
                .any(|x| x.contains("vendor prefers i440fx")
                    && x.contains("Considerations in adopting RHEL 8")),
            "{os}: {chipset:?}"
        );
        assert!(
            chipset
                .facts
                .iter()
                .any(|f| f.source.as_deref() == Some("redhat-docs")),
            "{os}: the preference's fact and source: {chipset:?}"
        );
        assert!(
            r.warnings.iter().all(|w| w.code != "vendor-preference"),
            "{os}"
        );
        // On i440fx plain virtio is transitional: the legacy IDs the drivers bind.
        for d in virtio_devices(&r) {
            assert_eq!(d.placement, Placement::PciSlot, "{os}: {}", d.role);
            assert_eq!(
                d.libvirt_model.as_deref(),
                Some("virtio"),
                "{os}: {}",
                d.role
            );
            assert_eq!(d.interfaces, ["legacy", "modern"], "{os}: {}", d.role);
        }
    }
}

#[test]
fn rhel6_on_a_host_without_i440fx_gets_q35_with_transitional_virtio_and_a_warning_quoting_red_hat()
{
    for os in ["rhel6.10", "centos6.10"] {
        let r = recommend_on(
            os,
            "x86_64",
            &[without_i440fx("debian-12")],
            Policy::default(),
        )
        .unwrap_or_else(|e| panic!("{os}: {e}"));
        assert_eq!(r.machine.family, "q35", "{os}");
        assert_eq!(r.machine.name, "pc-q35-7.2", "{os}");
        let warning = r
            .warnings
            .iter()
            .find(|w| w.code == "vendor-preference")
            .unwrap_or_else(|| panic!("{os}: no vendor-preference warning: {:?}", r.warnings));
        assert!(
            warning.message.contains("hot-plugged PCI devices")
                && warning.message.contains("transitional"),
            "{os}: {}",
            warning.message
        );
        let disk = r.of_class("disk").next().expect("a disk");
        assert_eq!(
            disk.libvirt_model.as_deref(),
            Some("virtio-transitional"),
            "{os}"
        );
        assert_eq!(disk.pci_id.as_deref(), Some("1af4:1001"), "{os}");
        assert_eq!(disk.placement, Placement::PciBridge, "{os}");
        let net = r.of_class("net").next().expect("a NIC");
        assert_eq!(
            net.libvirt_model.as_deref(),
            Some("virtio-transitional"),
            "{os}"
        );
        assert_eq!(net.pci_id.as_deref(), Some("1af4:1000"), "{os}");
        // Every virtio device is transitional (legacy ID) and asked for as such.
        for d in virtio_devices(&r) {
            let id = u16::from_str_radix(&d.pci_id.clone().unwrap()[5..], 16).unwrap();
            assert!(
                id < 0x1040,
                "{os}: {} shows modern-only {:?}",
                d.role,
                d.pci_id
            );
            assert_eq!(
                d.libvirt_model.as_deref(),
                Some("virtio-transitional"),
                "{os}: {}",
                d.role
            );
        }
        // RHEL 6's 2.6.32 kernels drive the legacy balloon and rng devices
        // (derived from the kernel: data/linux.xml), so both are there,
        // transitional like the rest.
        let balloon = r.of_class("balloon").next().expect("balloon entry");
        assert_eq!(balloon.pci_id.as_deref(), Some("1af4:1002"), "{os}");
        let rng = r.of_class("rng").next().expect("rng entry");
        assert_eq!(rng.pci_id.as_deref(), Some("1af4:1005"), "{os}");
        let console = r
            .devices
            .iter()
            .find(|d| d.id.starts_with("vserial"))
            .expect("virtio-serial");
        assert_eq!(console.pci_id.as_deref(), Some("1af4:1003"), "{os}");
    }
}

#[test]
fn rhel6_with_chipset_i440fx_gets_plain_virtio() {
    let policy = Policy {
        chipset: ChipsetPolicy::I440fx,
        ..Default::default()
    };
    let r = recommend_on("rhel6.10", "x86_64", &[profile("debian-12")], policy)
        .expect("recommendation");
    assert_eq!(r.machine.name, "pc-i440fx-7.2");
    for class in ["disk", "net"] {
        let d = r.of_class(class).next().expect(class);
        assert_eq!(d.libvirt_model.as_deref(), Some("virtio"), "{class}");
        assert_eq!(d.placement, Placement::PciSlot, "{class}");
    }
    assert_eq!(pci(&r, "disk").as_deref(), Some("1af4:1001"));
}

/// A host whose QEMU or libvirt predates the transitional models.
fn old_host(qemu: &str, libvirt: &str) -> Host {
    let db = db();
    let mut p = db
        .host_profile("debian-12")
        .expect("store")
        .expect("debian-12");
    p.id = format!("old-qemu{qemu}-libvirt{libvirt}");
    p.qemu = guestdb::data::model::Version::parse(qemu);
    p.libvirt = guestdb::data::model::Version::parse(libvirt);
    let catalogues = db
        .catalogues(db.machine_catalogue().expect("catalogue"))
        .expect("catalogues");
    guestdb::host::profile::host(&p, &catalogues, None).expect("host")
}

#[test]
fn legacy_only_os_on_a_host_without_transitional_models_gets_i440fx_with_a_warning() {
    // Oracle Linux 7.2: q35 supported, legacy-only virtio drivers, no
    // vendor preference.
    for host in [old_host("3.1", "9.0"), old_host("7.2", "5.0")] {
        let r = recommend_on(
            "ol7.2",
            "x86_64",
            std::slice::from_ref(&host),
            Policy::default(),
        )
        .expect("recommendation");
        assert_eq!(r.machine.family, "i440fx", "{}", host.name);
        assert!(
            r.warnings.iter().any(|w| w.code == "no-transitional"),
            "{}: {:?}",
            host.name,
            r.warnings
        );
        assert!(virtio_devices(&r)
            .iter()
            .all(|d| d.libvirt_model.as_deref() == Some("virtio")));
    }
    // Forcing q35 there falls back to emulated disk and NIC, never to modern-only virtio.
    let host = old_host("3.1", "9.0");
    let policy = Policy {
        chipset: ChipsetPolicy::Q35,
        ..Default::default()
    };
    let r = recommend_on("ol7.2", "x86_64", &[host], policy).expect("recommendation");
    assert_eq!(
        r.of_class("disk")
            .next()
            .and_then(|d| d.libvirt_bus.clone())
            .as_deref(),
        Some("sata")
    );
    assert_eq!(pci(&r, "net").as_deref(), Some("8086:10d3"));
    assert!(virtio_devices(&r).is_empty(), "{:?}", virtio_devices(&r));
}

/// Whether a PCI ID is a modern-only virtio ID the OS has no driver for.
fn undrivable(r: &Recommendation, facts: &guestdb::recommend::OsFacts) -> Vec<String> {
    virtio_devices(r)
        .iter()
        .filter_map(|d| {
            let dev = u16::from_str_radix(&d.pci_id.clone()?[5..], 16).ok()?;
            guestdb::verify::drivable(facts, r.policy.drivers, dev)
                .err()
                .map(|e| format!("{} ({}): {e}", d.role, d.pci_id.clone().unwrap_or_default()))
        })
        .collect()
}

#[test]
fn no_os_ever_gets_a_virtio_device_its_drivers_cannot_bind() {
    // Every OS, on every host profile it can run on, under each chipset and
    // models policy: each virtio ID is one the OS's drivers speak.
    let db = db();
    let recommend_catalogue = db.recommend_catalogue().expect("catalogues");
    let catalogue = db
        .catalogues(db.machine_catalogue().expect("catalogue"))
        .expect("catalogues");
    let catalogue = &catalogue;
    let hosts: Vec<Host> = db
        .host_profiles()
        .expect("hosts")
        .iter()
        .map(|p| guestdb::host::profile::host(p, catalogue, None).expect("host"))
        .collect();
    let policies = [
        Policy::default(),
        Policy {
            chipset: ChipsetPolicy::Q35,
            ..Default::default()
        },
        Policy {
            chipset: ChipsetPolicy::I440fx,
            ..Default::default()
        },
        Policy {
            models: ModelsPolicy::Explicit,
            ..Default::default()
        },
        Policy {
            drivers: DriversPolicy::VirtioWin,
            ..Default::default()
        },
    ];
    let mut offenders = Vec::new();
    let mut checked = 0;
    for os in db.oses().expect("oses") {
        let facts = db.os_facts(os, "x86_64").expect("facts");
        for host in hosts
            .iter()
            .filter(|h| h.arches.iter().any(|a| a == "x86_64"))
        {
            for policy in &policies {
                let target = guestdb::recommend::Target {
                    arch: "x86_64",
                    hosts: std::slice::from_ref(host),
                    policy: *policy,
                    today: None,
                };
                let Ok(r) = guestdb::recommend::recommend(&facts, &recommend_catalogue, &target)
                else {
                    continue;
                };
                checked += 1;
                for bad in undrivable(&r, &facts) {
                    offenders.push(format!(
                        "{} on {} {:?}: {bad}",
                        os.short_id(),
                        host.name,
                        policy
                    ));
                }
            }
        }
    }
    assert!(checked > 50_000, "only {checked} recommendations checked");
    assert!(
        offenders.is_empty(),
        "{} undrivable virtio devices:\n{}",
        offenders.len(),
        offenders.join("\n")
    );
}

#[test]
fn modern_linux_gets_q35_virtio_everywhere_qemu_xhci_and_virtio_rng() {
    for (os, host) in [
        ("fedora43", "fedora-45"),
        ("rhel9.6", "rhel-9.6"),
        ("ubuntu24.04", "ubuntu-24.04"),
        ("debian13", "debian-13"),
    ] {
        let r = recommend(os, host);
        assert_eq!(r.machine.family, "q35", "{os}");
        for class in ["disk", "net", "rng", "balloon"] {
            let d = r
                .of_class(class)
                .next()
                .unwrap_or_else(|| panic!("{os}: no {class}"));
            assert_eq!(d.libvirt_model.as_deref(), Some("virtio"), "{os} {class}");
            assert_eq!(d.placement, Placement::PcieRootPort, "{os} {class}");
            let id = d.pci_id.clone().unwrap_or_default();
            assert!(
                id.as_str() >= "1af4:1040",
                "{os} {class}: {id} is not a modern ID"
            );
        }
        let usb = r.of_class("usb").next().expect("usb");
        assert_eq!(usb.libvirt_model.as_deref(), Some("qemu-xhci"), "{os}");
    }
}

#[test]
fn virtio_gpu_only_where_the_os_supports_it() {
    // ubuntu22.04's data marks virtio1.0-gpu unsupported.
    let r = recommend("ubuntu22.04", "ubuntu-22.04");
    let video = r.of_class("video").next().expect("video");
    assert_ne!(video.libvirt_model.as_deref(), Some("virtio"), "{video:?}");
    let r = recommend("fedora43", "fedora-45");
    let video = r.of_class("video").next().expect("video");
    assert_eq!(video.libvirt_model.as_deref(), Some("virtio"));
    assert_eq!(video.pci_id.as_deref(), Some("1af4:1050"));
    // Across the dataset: a virtio display only for OSes with a modern gpu driver.
    let db = db();
    let gpu = VirtioClass::by_name("gpu").unwrap();
    let mut offenders = Vec::new();
    for os in db.oses().expect("oses") {
        let r = recommend_on(
            os.short_id(),
            "x86_64",
            &[profile("debian-12")],
            Policy::default(),
        );
        let Ok(r) = r else { continue };
        let virtio_video = r
            .of_class("video")
            .any(|d| d.libvirt_model.as_deref() == Some("virtio"));
        if virtio_video && !os.virtio(gpu).modern {
            offenders.push(os.short_id().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "virtio video for OSes without a modern gpu driver: {offenders:?}"
    );
}

#[test]
fn windows_11_gets_q35_uefi_secure_boot_and_tpm_2_and_emulated_devices_without_drivers() {
    let r = recommend("win11", "debian-12");
    assert_eq!(r.machine.family, "q35");
    assert_eq!(r.firmware.kind, "efi");
    assert!(r.firmware.secure_boot && r.firmware.smm);
    let tpm = r.firmware.tpm.clone().expect("a TPM");
    assert_eq!(
        (tpm.model.as_str(), tpm.version.as_str()),
        ("tpm-crb", "2.0")
    );
    assert_eq!(
        r.of_class("disk")
            .next()
            .and_then(|d| d.libvirt_bus.clone())
            .as_deref(),
        Some("sata")
    );
    assert_eq!(pci(&r, "net").as_deref(), Some("8086:10d3"), "e1000e");
    assert!(virtio_devices(&r).is_empty());
    let policy = Policy {
        drivers: DriversPolicy::VirtioWin,
        ..Default::default()
    };
    let r =
        recommend_on("win11", "x86_64", &[profile("debian-12")], policy).expect("recommendation");
    assert_eq!(
        r.of_class("disk")
            .next()
            .and_then(|d| d.libvirt_bus.clone())
            .as_deref(),
        Some("virtio")
    );
    assert_eq!(pci(&r, "net").as_deref(), Some("1af4:1041"));
    assert!(r.firmware.secure_boot);
}

#[test]
fn windows_xp_gets_i440fx_ide_and_the_nic_its_data_lists() {
    let r = recommend("winxp", "debian-12");
    assert_eq!(r.machine.family, "i440fx");
    assert_eq!(r.firmware.kind, "bios");
    assert_eq!(
        r.of_class("disk")
            .next()
            .and_then(|d| d.libvirt_bus.clone())
            .as_deref(),
        Some("ide")
    );
    assert_eq!(
        r.of_class("cdrom")
            .next()
            .and_then(|d| d.libvirt_bus.clone())
            .as_deref(),
        Some("ide")
    );
    let net = r.of_class("net").next().expect("NIC");
    assert!(
        matches!(
            net.libvirt_model.as_deref(),
            Some("e1000") | Some("rtl8139")
        ),
        "{net:?}"
    );
    assert!(r.warnings.iter().any(|w| w.code == "end-of-life"));
}

#[test]
fn aarch64_gets_virt_and_uefi_and_s390x_gets_ccw_devices() {
    let r = recommend_on(
        "fedora43",
        "aarch64",
        &[profile("fedora-45")],
        Policy::default(),
    )
    .expect("aarch64");
    assert!(r.machine.name.starts_with("virt-"), "{}", r.machine.name);
    assert_eq!(r.machine.family, "virt");
    assert_eq!(r.firmware.kind, "efi");
    let r = recommend_on(
        "rhel9.4",
        "s390x",
        &[profile("rhel-9.6")],
        Policy::default(),
    )
    .expect("s390x");
    assert_eq!(r.machine.name, "s390-ccw-virtio-rhel9.6.0");
    for class in ["disk", "net"] {
        let d = r.of_class(class).next().expect(class);
        assert_eq!(d.placement, Placement::Ccw, "{class}");
        assert!(
            d.qemu_device
                .as_deref()
                .is_some_and(|q| q.ends_with("-ccw")),
            "{d:?}"
        );
        assert!(d.pci_id.is_none());
    }
}

#[test]
fn an_s390x_kernel_without_virtio_ccw_gets_no_recommendation_and_says_why() {
    // RHEL 6's 2.6.32 predates virtio_ccw (3.8); its transport, the
    // s390-virtio machine, left QEMU in 2.6. No disk would be found.
    let e = recommend_on(
        "rhel6.10",
        "s390x",
        &[profile("debian-12")],
        Policy::default(),
    )
    .expect_err("rhel6.10 on s390x");
    assert_eq!(e.rule, "disk");
    assert!(
        e.message
            .contains("no virtio-ccw transport: kernel 2.6.32 < 3.8"),
        "{}",
        e.message
    );
    let r = run(&["recommend", "rhel6.10", "--arch", "s390x"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("cannot be installed"), "{}", r.stderr);
    // RHEL 7.0 (3.10) has virtio_ccw: its legacy drivers negotiate
    // revision 0 with the same devices.
    let r = recommend_on(
        "rhel7.0",
        "s390x",
        &[profile("debian-12")],
        Policy::default(),
    )
    .expect("rhel7.0 on s390x");
    let disk = r.of_class("disk").next().expect("disk");
    assert_eq!(disk.qemu_device.as_deref(), Some("virtio-blk-ccw"));
}

#[test]
fn releases_newer_than_known_fall_back_with_a_warning_naming_the_fallback() {
    for (asked, distro) in [("rhel10.9", "rhel"), ("fedora60", "fedora")] {
        let r = recommend(asked, "debian-12");
        let newest = db()
            .newest(distro)
            .expect("store")
            .expect("a release")
            .short_id()
            .to_string();
        assert_eq!(r.os.short_id, newest, "{asked}");
        let w = r
            .warnings
            .iter()
            .find(|w| w.code == "fallback")
            .unwrap_or_else(|| panic!("{asked}: {:?}", r.warnings));
        assert!(
            w.message.contains(asked) && w.message.contains(&newest),
            "{}",
            w.message
        );
    }
}

#[test]
fn an_unknown_os_is_an_error_with_a_suggestion() {
    let r = run(&["recommend", "rhel6.1o"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("unknown OS 'rhel6.1o'; did you mean 'rhel6.10'?"),
        "{}",
        r.stderr
    );
}

#[test]
fn migration_picks_the_newest_type_every_host_offers_or_says_why_none_exists() {
    let r = recommend_on(
        "rhel9.6",
        "x86_64",
        &[profile("rhel-9.6"), profile("rhel-9.4")],
        Policy::default(),
    )
    .expect("rhel 9.6 to 9.4");
    assert_eq!(r.machine.name, "pc-q35-rhel9.4.0");
    let r = recommend_on(
        "debian12",
        "x86_64",
        &[profile("debian-12"), profile("ubuntu-24.04")],
        Policy::default(),
    )
    .expect("debian-12 with ubuntu-24.04");
    assert_eq!(r.machine.name, "pc-q35-7.2");
    let no = recommend_on(
        "rhel9.6",
        "x86_64",
        &[profile("rhel-9.6"), profile("debian-12")],
        Policy::default(),
    )
    .expect_err("rhel and debian share no machine type");
    assert_eq!(no.rule, "machine-version");
    assert!(
        no.message.contains("rhel-9.6") && no.message.contains("debian-12"),
        "{}",
        no.message
    );
    let cli = run(&[
        "recommend",
        "rhel9.6",
        "--host",
        "rhel-9.6",
        "--migrate-to",
        "debian-12",
    ]);
    assert_eq!(cli.code, 1, "{}", cli.stderr);
    assert!(
        cli.stderr
            .contains("no q35 machine type is offered by every host"),
        "{}",
        cli.stderr
    );
}

#[test]
fn the_chosen_machine_is_never_deprecated_when_a_common_non_deprecated_one_exists() {
    let db = db();
    let catalogue = db
        .catalogues(db.machine_catalogue().expect("catalogue"))
        .expect("catalogues");
    let catalogue = &catalogue;
    let hosts: Vec<Host> = db
        .host_profiles()
        .expect("hosts")
        .iter()
        .map(|p| guestdb::host::profile::host(p, catalogue, None).expect("host"))
        .collect();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for a in &hosts {
        for b in &hosts {
            for (os, chipset) in [
                ("rhel6.10", ChipsetPolicy::I440fx),
                ("debian12", ChipsetPolicy::Q35),
            ] {
                let policy = Policy {
                    chipset,
                    ..Default::default()
                };
                let pair = [a.clone(), b.clone()];
                let Ok(r) = recommend_on(os, "x86_64", &pair, policy) else {
                    continue;
                };
                checked += 1;
                if !r.machine.deprecated {
                    continue;
                }
                let common_free = a.machines_for("x86_64").iter().any(|m| {
                    m.family == r.machine.family
                        && m.variant.is_none()
                        && !m.deprecated
                        && b.machines_for("x86_64")
                            .iter()
                            .any(|o| o.name == m.name && !o.deprecated)
                });
                if common_free {
                    offenders.push(format!("{} + {}: {}", a.name, b.name, r.machine.name));
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} pairs");
    assert!(
        offenders.is_empty(),
        "deprecated although a free common type exists:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_recommendation_is_a_pure_function_of_its_inputs() {
    // The same inputs give the same answer whatever else differs: the
    // order of the calls, the thread, earlier calls (caches), and the
    // process's working directory, environment and time zone.
    let oses = [
        "rhel6.10",
        "win11",
        "fedora43",
        "winxp",
        "centos7.0",
        "freebsd14.0",
        "ubuntu24.04",
        "debian13",
        "rhel10.0",
        "msdos6.22",
    ];
    let hosts = [profile("debian-12")];
    let run = |order: Vec<&'static str>| {
        let hosts = hosts.clone();
        std::thread::spawn(move || {
            // One database for all calls: what it cached answers the later ones.
            let db = crate::common::db();
            let target = guestdb::recommend::Target {
                arch: "x86_64",
                hosts: &hosts,
                policy: Policy::default(),
                today: Some(crate::common::test_day()),
            };
            let mut out: Vec<(String, String)> = order
                .into_iter()
                .map(|os| {
                    let resolved = db.resolve(os).expect("store").expect("known");
                    let r = db.recommend(&resolved, &target).expect("answer");
                    (os.to_string(), format!("{r:?}"))
                })
                .collect();
            out.sort();
            out
        })
        .join()
        .expect("no panic")
    };
    let forward = run(oses.to_vec());
    let backward = run(oses.iter().rev().copied().collect());
    assert_eq!(
        forward, backward,
        "the order or thread of the calls changed an answer"
    );
    // Whole processes in different surroundings (the date is the clock's;
    // both run on the same day).
    let elsewhere = tempfile::tempdir().expect("tempdir");
    for os in oses {
        let args = [
            "recommend",
            os,
            "--host",
            "debian-12",
            "--json",
            "--explain",
        ];
        let here = crate::common::guestdb().args(args).output().expect("run");
        let there = crate::common::guestdb()
            .args(args)
            .current_dir(elsewhere.path())
            .env_clear()
            .env("HOME", elsewhere.path())
            .env("TZ", "Pacific/Kiritimati")
            .env("LANG", "de_DE.UTF-8")
            .output()
            .expect("run");
        assert_eq!(here.status.code(), Some(0), "{os}");
        assert_eq!(
            String::from_utf8_lossy(&here.stdout),
            String::from_utf8_lossy(&there.stdout),
            "{os}: the answer depends on the working directory or the environment"
        );
    }
}

#[test]
fn every_rule_is_documented_in_order_in_docs_recommend_rules_md() {
    let doc = std::fs::read_to_string(crate::common::root().join("docs/recommend-rules.md"))
        .expect("docs/recommend-rules.md");
    let headings: Vec<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .flat_map(|h| {
            h.split(',')
                .map(|s| s.trim().split(' ').next().unwrap_or("").to_string())
        })
        .collect();
    let rules: Vec<&str> = guestdb::recommend::rules::RULES
        .iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        headings, rules,
        "docs/recommend-rules.md headings must name the rules of src/recommend/rules/ in order"
    );
}

#[test]
fn every_rule_traces_its_decision_once_in_order() {
    // os-fallback traces only when a release stands in for another.
    for (os, host, expect_fallback) in [
        ("rhel6.10", "debian-12", false),
        ("win11", "debian-12", false),
        ("rhel10.9", "rhel-10.0", true),
        ("fedora43", "fedora-45", false),
    ] {
        let r = recommend(os, host);
        let traced: Vec<&str> = r.rules.iter().map(|t| t.rule).collect();
        let expected: Vec<&str> = guestdb::recommend::rules::RULES
            .iter()
            .map(|r| r.name)
            .filter(|n| expect_fallback || *n != "os-fallback")
            .collect();
        assert_eq!(traced, expected, "{os} on {host}");
    }
}

#[test]
fn every_device_a_rule_asks_for_is_in_the_catalogue() {
    let db = crate::common::db();
    let catalogue = db.device_models().expect("devices");
    let offenders: Vec<String> = guestdb::recommend::rules::RULES
        .iter()
        .flat_map(|r| r.devices.iter().map(move |d| (r.name, *d)))
        .filter(|(_, d)| !catalogue.iter().any(|m| m.name == *d))
        .map(|(rule, d)| format!("rule {rule} asks for '{d}'"))
        .collect();
    assert!(
        offenders.is_empty(),
        "devices missing from data/devices.xml:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn every_device_records_the_rule_that_added_it() {
    // The SATA controller belongs to the rule that needs it first: the
    // disk rule when the disk is SATA, the CD-ROM rule when the disk is virtio.
    let sata_of = |r: &guestdb::recommend::Recommendation| {
        r.devices
            .iter()
            .find(|d| d.catalogue.as_deref() == Some("ich9-ahci"))
            .map(|d| d.rule)
    };
    assert_eq!(sata_of(&recommend("rhel9.6", "debian-12")), Some("cdrom"));
    assert_eq!(sata_of(&recommend("win11", "debian-12")), Some("disk"));
    let names: Vec<&str> = guestdb::recommend::rules::RULES
        .iter()
        .map(|r| r.name)
        .collect();
    for os in ["rhel6.10", "win11", "fedora43", "winxp"] {
        let r = recommend(os, "debian-12");
        for d in &r.devices {
            assert!(
                names.contains(&d.rule),
                "{os}: {} has rule {}",
                d.id,
                d.rule
            );
        }
    }
}

#[test]
fn json_output_has_the_documented_keys() {
    let r = run(&["recommend", "rhel6.10", "--host", "debian-12", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    for key in [
        "os", "arch", "host", "machine", "firmware", "devices", "warnings", "rules",
    ] {
        assert!(v.get(key).is_some(), "no '{key}' in {v}");
    }
    for key in ["name", "family", "alias", "deprecated"] {
        assert!(v["machine"].get(key).is_some(), "no machine.{key}");
    }
    for key in ["type", "secure_boot", "tpm"] {
        assert!(v["firmware"].get(key).is_some(), "no firmware.{key}");
    }
    for d in v["devices"].as_array().expect("devices") {
        for key in [
            "class",
            "libvirt_model",
            "qemu_device",
            "placement",
            "pci_id",
        ] {
            assert!(d.get(key).is_some(), "no devices[].{key} in {d}");
        }
    }
}

#[test]
fn a_family_name_without_an_entry_falls_back_to_its_generic_entry() {
    // (asked, the entry that stands in)
    for (asked, generic) in [
        ("linux", "linux-kernel2.6"),
        ("linux5.15", "linux-kernel5"),
        ("linux-6.1", "linux-kernel6"),
        ("linux9.2", "linux-kernel6"),
        ("linux2.6.18", "unknown"),
        ("windows", "windows-generic"),
        ("freebsd", "freebsd-generic"),
        ("openbsd", "openbsd-generic"),
        ("netbsd", "netbsd-generic"),
    ] {
        let r = recommend(asked, "debian-12");
        assert_eq!(r.os.short_id, generic, "{asked}");
        let w = r
            .warnings
            .iter()
            .find(|w| w.code == "fallback")
            .unwrap_or_else(|| panic!("{asked}: no fallback warning: {:?}", r.warnings));
        assert!(
            w.message.contains(asked) && w.message.contains(generic),
            "{asked}: {}",
            w.message
        );
    }
    // A Linux of kernel 2.6.25 or later gets legacy virtio on i440fx; one
    // older than Linux's virtio drivers, and the explicit unknown entry,
    // get emulated devices only.
    let old = recommend("linux", "debian-12");
    assert!(
        old.machine.name.starts_with("pc-i440fx"),
        "{}",
        old.machine.name
    );
    let net = old.of_class("net").next().expect("a NIC");
    assert_eq!(net.pci_id.as_deref(), Some("1af4:1000"), "{net:?}");
    for asked in ["linux2.6.18", "unknown"] {
        let r = recommend(asked, "debian-12");
        let virtio: Vec<_> = r
            .devices
            .iter()
            .filter(|d| d.pci_id.as_deref().is_some_and(|p| p.starts_with("1af4:")))
            .collect();
        assert!(virtio.is_empty(), "{asked} gets virtio devices: {virtio:?}");
    }
    // A kernel of the 4.x generation or later drives virtio 1.0 and q35.
    let new = recommend("linux5.15", "debian-12");
    assert!(
        new.machine.name.starts_with("pc-q35"),
        "{}",
        new.machine.name
    );
}
