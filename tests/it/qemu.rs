//! The device catalogue checked against a real QEMU (DESIGN.md §2.1, §5).
//!
//! Every PCI ID in `data/devices.xml` is a claim about what QEMU shows the
//! guest; these tests start `qemu-system-x86_64` (QEMU 7.2, installed by
//! `tools/test-setup.sh`) paused, plug the devices in where the catalogue says,
//! and read the IDs back with QMP `query-pci` (the client is guestdb::qmp).
//! The s390x test runs `qemu-system-s390x` (QEMU 7.2, same installer) and
//! reads CCW devices' properties with `qom-get`.
//!
//! Environment:
//! * `GUESTDB_QEMU`: the QEMU binary (default: `qemu-system-x86_64` on PATH).
//!   A missing QEMU fails the tests; they never pass without running it.
//! * `GUESTDB_DATA_DIR`: the data directory (default: `$CARGO_MANIFEST_DIR/data`).

use guestdb::qmp::{is_executable, search_path, Qemu, HUNG};
use guestdb_data::diag::Findings;
use guestdb_data::model::{PciId, Slot};
use guestdb_data::read::read_devices;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

/// Most devices put into one QEMU (each gets its own slot or root port).
const BATCH_CAPACITY: usize = 24;

const NOT_FOUND: &str = "qemu-system-x86_64 not found; run tools/test-setup.sh (installs QEMU 7.2)";

/// QEMU devices of the catalogue that cannot be started on this machine, with
/// the reason. The catalogue test checks that every name here is still a
/// `<qemu-device>` of a catalogue device with a PCI ID, so the list cannot go stale.
const SKIP: &[(&str, &str)] = &[
    ("vhost-vsock-pci", "needs the host's /dev/vhost-vsock (vhost_vsock kernel module); tested instead when it exists"),
    ("vhost-user-fs-pci", "needs a running virtiofsd serving a vhost-user socket (chardev=)"),
];

const VHOST_VSOCK_DEV: &str = "/dev/vhost-vsock";

/// Why `qemu_device` is not tested here, or `None` if it is.
fn skip_reason(qemu_device: &str) -> Option<&'static str> {
    if qemu_device == "vhost-vsock-pci" && Path::new(VHOST_VSOCK_DEV).exists() {
        return None;
    }
    SKIP.iter()
        .find(|(name, _)| *name == qemu_device)
        .map(|(_, reason)| *reason)
}

#[test]
fn the_readme_names_every_device_the_qemu_test_skips_and_why() {
    // The README's claim about this test must list what it does not check.
    let readme =
        std::fs::read_to_string(crate::common::root().join("README.md")).expect("README.md");
    let tests = readme
        .split("## Tests")
        .nth(1)
        .and_then(|t| t.split("\n## ").next())
        .expect("README has a Tests section");
    let unnamed: Vec<&str> = SKIP
        .iter()
        .filter(|(name, _)| !tests.contains(&format!("`{name}`")))
        .map(|(name, _)| *name)
        .collect();
    assert!(
        unnamed.is_empty(),
        "README.md's Tests section does not say that the QEMU test skips {unnamed:?} ({:?})",
        SKIP
    );
    println!("the QEMU catalogue test skips:");
    for (name, reason) in SKIP {
        println!("  {name}: {reason}");
    }
}

// ------------------------------------------------------------------ finding QEMU

/// The QEMU binary: `$GUESTDB_QEMU` if set, else `qemu-system-x86_64` on PATH.
/// Panics (fails the test) when there is none.
pub fn qemu_binary() -> PathBuf {
    if let Some(var) = std::env::var_os("GUESTDB_QEMU").filter(|v| !v.is_empty()) {
        let p = PathBuf::from(&var);
        let found = if p.components().count() > 1 {
            is_executable(&p).then_some(p)
        } else {
            search_path(&var.to_string_lossy())
        };
        return found.unwrap_or_else(|| {
            panic!(
                "GUESTDB_QEMU={}: no such executable; {NOT_FOUND}",
                var.to_string_lossy()
            )
        });
    }
    search_path("qemu-system-x86_64").unwrap_or_else(|| panic!("{NOT_FOUND}"))
}

// ------------------------------------------------------------------ placements and batches

/// Where a device under test is plugged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Placement {
    /// A conventional PCI slot: the root bus pci.0 of `pc` (i440fx).
    PcRootBus,
    /// Behind its own pcie-root-port on pcie.0 of `q35`.
    Q35RootPort,
    /// Directly on q35's root complex pcie.0 (root ports themselves).
    Q35Root,
}

impl Placement {
    /// The placements a catalogue slot attribute stands for.
    fn for_slot(slot: Slot) -> &'static [Placement] {
        match slot {
            Slot::Any => &[Placement::PcRootBus, Placement::Q35RootPort],
            Slot::Pci => &[Placement::PcRootBus],
            Slot::Pcie => &[Placement::Q35RootPort],
            Slot::Root => &[Placement::Q35Root],
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Placement::PcRootBus => "pc (i440fx) root bus pci.0",
            Placement::Q35RootPort => "q35 behind a pcie-root-port",
            Placement::Q35Root => "q35 root complex pcie.0",
        }
    }
}

/// Devices of one group cannot share a machine; `None`: combines with anything.
fn exclusive_group(qemu_device: &str) -> Option<&'static str> {
    if qemu_device.starts_with("virtio-balloon-pci") {
        Some("balloon") // "Only one balloon device is supported"
    } else if qemu_device == "qxl-vga" {
        Some("qxl-vga") // "primary qxl-vga device must be console 0"
    } else {
        None
    }
}

/// Splits device indices into as few QEMU runs as possible: first fit, at most
/// [`BATCH_CAPACITY`] per run and one device of each exclusive group per run.
fn plan_batches(names: &[&str]) -> Vec<Vec<usize>> {
    let mut batches: Vec<Vec<usize>> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let group = exclusive_group(name);
        let fits = |b: &Vec<usize>| {
            b.len() < BATCH_CAPACITY
                && group.is_none_or(|g| b.iter().all(|&o| exclusive_group(names[o]) != Some(g)))
        };
        match batches.iter_mut().find(|b| fits(b)) {
            Some(b) => b.push(i),
            None => batches.push(vec![i]),
        }
    }
    batches
}

/// What one device of a run showed: its ID, or why it could not be read.
type Seen = Result<PciId, String>;

/// Starts one QEMU with all of `names` plugged in at `placement` and returns
/// what each shows, in order. `Err` when QEMU itself fails (start, a device
/// that does not realize, QMP), with QEMU's stderr.
fn run_batch(
    qemu: &Path,
    placement: Placement,
    names: &[&str],
) -> Result<(Vec<Seen>, String), String> {
    let share =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let mut globals: Vec<String> = Vec::new();
    let mut devices: Vec<String> = Vec::new();
    // (index in `names`, qdev id, qdev id of the root port it must sit behind)
    let mut expected: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut mem_devices = 0;
    // qxl-vga must be the first display device on the command line.
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| names[i] != "qxl-vga");
    for i in order {
        let name = names[i];
        let id = format!("dut{i}");
        let mut props = String::new();
        if name.starts_with("virtio-blk-pci") {
            globals.extend([
                "-blockdev".into(),
                format!("driver=null-co,node-name=blk{i}"),
            ]);
            let _ = write!(props, ",drive=blk{i}");
        } else if name.starts_with("virtio-9p-pci") {
            let path = share.path().display();
            globals.extend([
                "-fsdev".into(),
                format!("local,id=fs{i},path={path},security_model=none"),
            ]);
            let _ = write!(props, ",fsdev=fs{i},mount_tag=tag{i}");
        } else if name.starts_with("virtio-mem-pci") {
            globals.extend([
                "-object".into(),
                format!("memory-backend-ram,id=mem{i},size=128M"),
            ]);
            let _ = write!(props, ",memdev=mem{i}");
            mem_devices += 1;
        } else if name == "AC97" || name == "ES1370" {
            globals.extend(["-audiodev".into(), format!("none,id=snd{i}")]);
            let _ = write!(props, ",audiodev=snd{i}");
        } else if name.starts_with("vhost-vsock-pci") {
            let cid = 3 + (u64::from(std::process::id()) * 64 + i as u64) % 0xffff_0000;
            let _ = write!(props, ",guest-cid={cid}");
        }
        match placement {
            Placement::PcRootBus => {
                devices.extend(["-device".into(), format!("{name},id={id},bus=pci.0{props}")]);
                expected.push((i, id, None));
            }
            Placement::Q35RootPort => {
                let port = format!("rp{i}");
                devices.extend([
                    "-device".into(),
                    format!("pcie-root-port,id={port},bus=pcie.0,chassis={}", i + 1),
                ]);
                devices.extend([
                    "-device".into(),
                    format!("{name},id={id},bus={port}{props}"),
                ]);
                expected.push((i, id, Some(port)));
            }
            Placement::Q35Root => {
                if name == "pcie-root-port" {
                    let _ = write!(props, ",chassis={}", i + 1);
                }
                devices.extend([
                    "-device".into(),
                    format!("{name},id={id},bus=pcie.0{props}"),
                ]);
                expected.push((i, id, None));
            }
        }
    }
    // Back to the order of `names` (the command line put qxl-vga first).
    expected.sort_by_key(|(i, _, _)| *i);
    let memory = if mem_devices == 0 {
        "128M".to_string()
    } else {
        format!("128M,maxmem={}M", 128 * (1 + mem_devices))
    };
    let machine = match placement {
        Placement::PcRootBus => "pc",
        Placement::Q35RootPort | Placement::Q35Root => "q35",
    };
    let mut args: Vec<String> = ["-accel", "tcg", "-nodefaults", "-display", "none"]
        .map(String::from)
        .to_vec();
    args.extend(["-machine".into(), machine.into(), "-m".into(), memory]);
    args.extend(globals);
    args.extend(devices);

    let mut q = Qemu::start(qemu, &args)?;
    let ids: Vec<String> = expected.iter().map(|(_, id, _)| id.clone()).collect();
    let functions = q.pci_functions(&ids, 0)?;
    let seen = expected
        .iter()
        .map(
            |(_, id, parent)| match functions.iter().find(|f| &f.qdev_id == id) {
                None => Err(format!(
                    "no PCI function with id '{id}' in query-pci ({})",
                    q.cmdline
                )),
                Some(f) if &f.parent != parent => Err(format!(
                    "found at {:02x}:{:02x}.{} behind {:?}, not behind {:?} ({})",
                    f.bus, f.slot, f.function, f.parent, parent, q.cmdline
                )),
                Some(f) => Ok(PciId {
                    vendor: f.vendor,
                    device: f.device,
                }),
            },
        )
        .collect();
    Ok((seen, q.version.clone()))
}

/// Runs `names` at `placement` in as few QEMUs as possible; when a combined
/// run fails, runs its devices one by one so a failure names its device.
/// Once a QEMU hangs, nothing more is run: the remaining devices get that error.
/// Returns what each device showed, the number of QEMU runs and the version.
fn run_all(
    qemu: &Path,
    placement: Placement,
    names: &[&str],
) -> (Vec<Seen>, usize, Option<String>) {
    let mut seen: Vec<Option<Seen>> = vec![None; names.len()];
    let mut runs = 0;
    let mut version = None;
    let mut hung: Option<String> = None;
    for batch in plan_batches(names) {
        if hung.is_some() {
            for &i in &batch {
                seen[i] = Some(Err("not run: an earlier QEMU hung (see above)".into()));
            }
            continue;
        }
        let batch_names: Vec<&str> = batch.iter().map(|&i| names[i]).collect();
        runs += 1;
        match run_batch(qemu, placement, &batch_names) {
            Ok((results, v)) => {
                version = Some(v);
                for (&i, r) in batch.iter().zip(results) {
                    seen[i] = Some(r);
                }
            }
            Err(e) if batch.len() == 1 || e.starts_with(HUNG) => {
                // The whole message once, on the first device of the run.
                for (k, &i) in batch.iter().enumerate() {
                    seen[i] = Some(Err(if k == 0 {
                        format!("QEMU failed: {e}")
                    } else {
                        format!(
                            "QEMU failed (the run with qemu device '{}', see above)",
                            names[batch[0]]
                        )
                    }));
                }
                if e.starts_with(HUNG) {
                    hung = Some(e);
                }
            }
            Err(e) => {
                eprintln!(
                    "note: {} devices on {} failed together, retrying one by one: {e}",
                    batch.len(),
                    placement.describe()
                );
                for &i in &batch {
                    if hung.is_some() {
                        seen[i] = Some(Err("not run: an earlier QEMU hung (see above)".into()));
                        continue;
                    }
                    runs += 1;
                    seen[i] = Some(match run_batch(qemu, placement, &[names[i]]) {
                        Ok((mut r, v)) => {
                            version = Some(v);
                            r.remove(0)
                        }
                        Err(e) => {
                            if e.starts_with(HUNG) {
                                hung = Some(e.clone());
                            }
                            Err(format!("QEMU failed: {e}"))
                        }
                    });
                }
            }
        }
    }
    (
        seen.into_iter()
            .map(|s| s.expect("every device was run"))
            .collect(),
        runs,
        version,
    )
}

// ------------------------------------------------------------------ tests

fn data_dir() -> PathBuf {
    match std::env::var_os("GUESTDB_DATA_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
    }
}

/// One claim of the catalogue: `device` realised by `qemu_device` shows `pci` at `placement`.
struct Case {
    device: String,
    qemu_device: String,
    placement: Placement,
    pci: PciId,
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn catalogue_pci_ids_match_real_qemu() {
    let qemu = qemu_binary();
    let file = data_dir().join("devices.xml");
    let bytes =
        std::fs::read(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let path: Arc<str> = Arc::from(file.to_string_lossy().as_ref());
    let mut findings = Findings::default();
    let devices = read_devices(&path, &bytes, &mut findings);
    assert!(
        findings.is_empty(),
        "{} does not read cleanly:\n{}",
        file.display(),
        findings
            .sorted()
            .iter()
            .map(|f| f.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );

    let mut problems: Vec<String> = Vec::new();
    // The skip list may only name QEMU devices the catalogue claims a PCI ID for.
    for (name, _) in SKIP {
        let used = devices
            .iter()
            .any(|d| d.pci.is_some() && d.qemu_devices.iter().any(|r| r.name == *name));
        if !used {
            problems.push(format!(
                "skip list names qemu device '{name}', which no catalogue device with a PCI ID uses; remove it from SKIP"
            ));
        }
    }

    let mut cases: Vec<Case> = Vec::new();
    let mut skipped: Vec<String> = Vec::new();
    for d in &devices {
        let Some(pci) = &d.pci else { continue };
        for r in &d.qemu_devices {
            if let Some(reason) = skip_reason(&r.name) {
                skipped.push(format!("{} via {}: {reason}", d.name.value, r.name));
                continue;
            }
            for &placement in Placement::for_slot(r.slot) {
                cases.push(Case {
                    device: d.name.value.clone(),
                    qemu_device: r.name.clone(),
                    placement,
                    pci: pci.value,
                });
            }
        }
    }
    assert!(
        cases.len() >= 10,
        "only {} cases from {}: the catalogue did not read as expected",
        cases.len(),
        file.display()
    );

    let started = Instant::now();
    let mut runs = 0;
    let mut version = None;
    for placement in [
        Placement::PcRootBus,
        Placement::Q35RootPort,
        Placement::Q35Root,
    ] {
        let here: Vec<&Case> = cases.iter().filter(|c| c.placement == placement).collect();
        let names: Vec<&str> = here.iter().map(|c| c.qemu_device.as_str()).collect();
        let (seen, n, v) = run_all(&qemu, placement, &names);
        runs += n;
        version = version.or(v);
        for (case, seen) in here.iter().zip(seen) {
            let what = format!(
                "device '{}' via qemu device '{}' on {}",
                case.device,
                case.qemu_device,
                placement.describe()
            );
            match seen {
                Ok(id) if id == case.pci => {}
                Ok(id) => problems.push(format!(
                    "{what}: catalogue says {}, QEMU shows {id}",
                    case.pci
                )),
                Err(e) => problems.push(format!(
                    "{what}: catalogue says {}, QEMU shows nothing: {e}",
                    case.pci
                )),
            }
        }
    }
    let version = version.unwrap_or_else(|| "unknown version".into());
    eprintln!(
        "compared {} (device, qemu device, placement) cases in {runs} QEMU runs, {:.1?}, QEMU {version}",
        cases.len(),
        started.elapsed()
    );
    for s in &skipped {
        println!("skipped {s}");
    }
    assert!(
        problems.is_empty(),
        "{} problems checking {} against QEMU {version}:\n{}",
        problems.len(),
        file.display(),
        problems.join("\n")
    );
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn plain_virtio_is_transitional_on_pci_and_modern_behind_root_port() {
    let qemu = qemu_binary();
    // DESIGN.md §2.1: plain virtio-*-pci is transitional (legacy ID) on a
    // conventional PCI slot and modern-only behind a PCIe root port;
    // -transitional is legacy and -non-transitional modern wherever plugged.
    let expect: &[(Placement, &[(&str, u16)])] = &[
        (
            Placement::PcRootBus,
            &[
                ("virtio-net-pci", 0x1000),
                ("virtio-blk-pci", 0x1001),
                ("virtio-net-pci-non-transitional", 0x1041),
                ("virtio-blk-pci-non-transitional", 0x1042),
            ],
        ),
        (
            Placement::Q35RootPort,
            &[
                ("virtio-net-pci", 0x1041),
                ("virtio-blk-pci", 0x1042),
                ("virtio-net-pci-transitional", 0x1000),
                ("virtio-blk-pci-transitional", 0x1001),
            ],
        ),
    ];
    let mut problems = Vec::new();
    for (placement, rows) in expect {
        let names: Vec<&str> = rows.iter().map(|(n, _)| *n).collect();
        let (seen, _, _) = run_all(&qemu, *placement, &names);
        for ((name, device), seen) in rows.iter().zip(seen) {
            let want = PciId {
                vendor: 0x1af4,
                device: *device,
            };
            match seen {
                Ok(id) if id == want => {}
                Ok(id) => problems.push(format!(
                    "{name} on {}: expected {want}, QEMU shows {id}",
                    placement.describe()
                )),
                Err(e) => problems.push(format!(
                    "{name} on {}: expected {want}, QEMU shows nothing: {e}",
                    placement.describe()
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "virtio IDs differ from DESIGN.md §2.1:\n{}",
        problems.join("\n")
    );
}

/// `http://pcisig.com/pci/1af4/1049` as a PCI ID.
pub fn pcisig_id(uri: &str) -> Option<PciId> {
    let rest = uri.strip_prefix("http://pcisig.com/pci/")?;
    PciId::parse(&rest.replace('/', ":"))
}

#[test]
#[ignore = "needs QEMU 7.2 and libosinfo: run tools/test.sh"]
fn every_device_id_a_correction_removes_is_that_device_on_real_qemu() {
    // A correction that removes an osinfo-db device link (virtio 9p from
    // RHEL and its rebuilds, CentOS 7's virtio 1.0 devices) claims the OS
    // cannot drive the device with that PCI ID. Which device that is, is a
    // fact about QEMU: start the catalogue's device for each removed ID and
    // read the ID back.
    let qemu = qemu_binary();
    let file = data_dir().join("devices.xml");
    let bytes = std::fs::read(&file).expect("devices.xml");
    let mut findings = Findings::default();
    let devices = read_devices(
        &Arc::from(file.to_string_lossy().as_ref()),
        &bytes,
        &mut findings,
    );
    let mut removed: Vec<PciId> = crate::common::corrections(&data_dir())
        .iter()
        .filter(|c| c.field == "device" && c.guestdb == "-")
        .filter_map(|c| pcisig_id(&c.osinfo))
        .collect();
    removed.sort_by_key(|id| (id.vendor, id.device));
    removed.dedup();
    assert!(
        removed.len() >= 5,
        "only {} removed PCI IDs in corrections.xml",
        removed.len()
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for id in &removed {
        let Some(d) = devices
            .iter()
            .find(|d| d.pci.as_ref().is_some_and(|p| p.value == *id))
        else {
            problems.push(format!("{id}: no catalogue device has this PCI ID"));
            continue;
        };
        for r in d
            .qemu_devices
            .iter()
            .filter(|r| skip_reason(&r.name).is_none())
        {
            for &placement in Placement::for_slot(r.slot) {
                let (seen, _, _) = run_all(&qemu, placement, &[r.name.as_str()]);
                checked += 1;
                match &seen[0] {
                    Ok(got) if got == id => {}
                    Ok(got) => problems.push(format!(
                        "{id} ({} via {} on {}): QEMU shows {got}",
                        d.name.value,
                        r.name,
                        placement.describe()
                    )),
                    Err(e) => problems.push(format!("{id} ({}): {e}", d.name.value)),
                }
            }
        }
    }
    assert!(
        checked >= removed.len(),
        "checked {checked} of {} IDs",
        removed.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
#[ignore = "needs qemu-system-s390x 7.2: run tools/test.sh"]
fn s390x_virtio_is_ccw_only_with_revision_0_up_to_machine_2_4_on_real_qemu() {
    // The s390x facts in data/linux.xml, on QEMU 7.2's qemu-system-s390x:
    // there is no s390-virtio machine (the transport kernels before
    // virtio_ccw used; removed in QEMU 2.6), the recommended guest's virtio
    // devices are CCW devices that offer transport revisions up to 2 (a
    // legacy driver negotiates 0 with the same device), and on
    // s390-ccw-virtio-2.4 and older they stay at revision 0 (legacy only).
    let bin = crate::common::require("qemu-system-s390x", "qemu-system-misc");
    let help = std::process::Command::new(&bin)
        .args(["-machine", "help"])
        .output()
        .expect("qemu-system-s390x -machine help");
    let help = String::from_utf8_lossy(&help.stdout);
    let machines: Vec<&str> = help
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        !machines.contains(&"s390-virtio"),
        "QEMU 7.2 still has the s390-virtio machine: {machines:?}"
    );
    for m in [
        "s390-ccw-virtio-2.4",
        "s390-ccw-virtio-2.5",
        "s390-ccw-virtio-7.2",
    ] {
        assert!(machines.contains(&m), "{m} missing: {machines:?}");
    }

    let rec = crate::common::recommend_on(
        "rhel9.4",
        "s390x",
        &[crate::common::profile("debian-12")],
        guestdb::recommend::Policy {
            virt_type: guestdb::recommend::VirtTypePolicy::Qemu,
            ..Default::default()
        },
    )
    .expect("rhel9.4 on s390x");
    let ccw: Vec<&guestdb::recommend::Device> = rec
        .devices
        .iter()
        .filter(|d| d.placement == guestdb::recommend::Placement::Ccw)
        .collect();
    assert!(ccw.len() >= 5, "{:?}", rec.devices);
    let opts = guestdb::render::Options {
        for_test: true,
        ..Default::default()
    };
    let argv = guestdb::render::qemu::argv(&rec, &opts);
    let mut failures = Vec::new();
    for (machine, revision) in [(rec.machine.name.as_str(), 2), ("s390-ccw-virtio-2.4", 0)] {
        let args: Vec<String> = argv[1..]
            .iter()
            .map(|a| match a.split_once(',') {
                Some((m, rest)) if m == rec.machine.name && rest.starts_with("accel=") => {
                    format!("{machine},{rest}")
                }
                _ => a.clone(),
            })
            .collect();
        let mut q = match Qemu::start(&bin, &args) {
            Ok(q) => q,
            Err(e) => panic!("{machine}: {e}"),
        };
        for d in &ccw {
            let want = d.qemu_device.as_deref().expect("a QEMU device");
            match q.qom_get(&d.id, "type") {
                Ok(t) if t == want => {}
                Ok(t) => failures.push(format!("{machine} {}: type {t}, expected {want}", d.id)),
                Err(e) => failures.push(format!("{machine} {}: {e}", d.id)),
            }
            match q.qom_get(&d.id, "max_revision") {
                Ok(r) if r == revision => {}
                Ok(r) => failures.push(format!(
                    "{machine} {} ({want}): max_revision {r}, expected {revision}",
                    d.id
                )),
                Err(e) => failures.push(format!("{machine} {}: {e}", d.id)),
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
