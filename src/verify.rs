//! Proving a recommendation on a real QEMU or libvirt: start the guest it
//! describes paused (software emulation), let the firmware run briefly,
//! read every PCI function with `query-pci`, and check that each is where
//! the recommendation said, shows the ID it predicted, and (for virtio
//! devices) shows an interface the guest's drivers speak.

use crate::qmp::{self, PciFunction, Qemu};
use crate::recommend::{Device, DriversPolicy, OsFacts, Placement, Recommendation};
use crate::render::{self, Options};
use guestdb_data::model::VirtioClass;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One PCI function: what was predicted, what was seen, and the verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    /// The recommendation's device id (`net0`), or `-` for one it did not list.
    pub device: String,
    /// What the device is for.
    pub role: String,
    /// What the recommendation predicts (a PCI ID or device type).
    pub expected: Option<String>,
    /// What the guest showed.
    pub seen: Option<String>,
    /// How the guest's drivers meet it (`transitional: legacy driver`), or why not.
    pub drivers: String,
    /// They agree and the guest drives it.
    pub ok: bool,
}

/// The outcome of starting a recommended guest and reading what it sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// `qemu` or `libvirt`.
    pub via: &'static str,
    /// The QEMU (or libvirt) version that ran it.
    pub version: String,
    /// The command line or domain it ran.
    pub command: String,
    /// Each device checked.
    pub checks: Vec<Check>,
    /// Every check passed and at least one ran.
    pub ok: bool,
}

pub use crate::recommend::facts::drivable;

/// Compares the PCI functions seen with the recommendation. `by_qdev`:
/// the devices carry the recommendation's ids (a guestdb QEMU command
/// line), so each is matched by id; else (libvirt) by PCI ID. Functions
/// the recommendation did not list fail when `strict`, else pass when the
/// guest drives them.
pub fn compare(
    rec: &Recommendation,
    os: &OsFacts,
    seen: &[PciFunction],
    by_qdev: bool,
    strict: bool,
) -> Vec<Check> {
    let mut left: Vec<&PciFunction> = seen.iter().collect();
    let mut checks = Vec::new();
    let drivers = rec.policy.drivers;
    let driver_check = |id: &str| -> (bool, String) {
        match id.split_once(':') {
            Some(("1af4", dev)) => match u16::from_str_radix(dev, 16)
                .map_err(|e| e.to_string())
                .and_then(|d| drivable(os, drivers, d))
            {
                Ok(s) => (true, s),
                Err(s) => (false, s),
            },
            _ => (true, "-".to_string()),
        }
    };
    for d in rec.devices.iter().filter(|d| d.pci_id.is_some()) {
        let expected = d.pci_id.clone();
        let pos = left
            .iter()
            .position(|f| by_qdev && f.qdev_id == d.id)
            .or_else(|| {
                left.iter().position(|f| {
                    Some(f.id()) == expected
                        && (!by_qdev || f.qdev_id.is_empty() || f.qdev_id == d.id)
                })
            })
            .or_else(|| left.iter().position(|f| Some(f.id()) == expected));
        let f = pos.map(|p| left.remove(p));
        let seen_id = f.map(|f| f.id());
        let (drives, how) = seen_id
            .as_deref()
            .map(driver_check)
            .unwrap_or((false, "not seen".into()));
        let matches = seen_id == expected;
        checks.push(Check {
            device: d.id.clone(),
            role: d.role.clone(),
            expected,
            seen: seen_id,
            drivers: how,
            ok: matches && drives,
        });
    }
    for f in left {
        let (drives, how) = driver_check(&f.id());
        checks.push(Check {
            device: if f.qdev_id.is_empty() {
                "-".into()
            } else {
                f.qdev_id.clone()
            },
            role: "not in the recommendation".into(),
            expected: None,
            seen: Some(f.id()),
            drivers: how,
            ok: drives && !strict,
        });
    }
    checks
}

/// The QEMU binary to run for `arch`: `qemu`, else `qemu-system-ARCH` on PATH.
pub fn qemu_binary(qemu: Option<&Path>, arch: &str) -> Result<PathBuf, String> {
    if let Some(q) = qemu {
        return Ok(q.to_path_buf());
    }
    let name = render::qemu::binary(arch);
    let package = match arch {
        "x86_64" | "i686" => "qemu-system-x86",
        "aarch64" => "qemu-system-arm",
        "ppc64le" | "ppc64" => "qemu-system-ppc",
        _ => "qemu-system-misc",
    };
    qmp::search_path(&name).ok_or_else(|| {
        format!("{name} not found on PATH; install QEMU (Debian: {package}) or pass --qemu PATH")
    })
}

/// A swtpm process serving an emulated TPM 2.0 on a socket; killed on drop.
struct Swtpm(Child);

impl Drop for Swtpm {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_swtpm(dir: &Path, version: &str) -> Result<(Swtpm, PathBuf), String> {
    let swtpm = qmp::search_path("swtpm")
        .ok_or("swtpm not found on PATH (Debian package swtpm); a TPM needs it")?;
    let state = dir.join("tpm");
    std::fs::create_dir_all(&state).map_err(|e| format!("{}: {e}", state.display()))?;
    let socket = dir.join("swtpm.sock");
    let mut cmd = Command::new(&swtpm);
    cmd.arg("socket");
    if version == "2.0" {
        cmd.arg("--tpm2");
    }
    cmd.arg("--tpmstate")
        .arg(format!("dir={}", state.display()))
        .arg("--ctrl")
        .arg(format!("type=unixio,path={}", socket.display()))
        .arg("--terminate")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = Swtpm(
        cmd.spawn()
            .map_err(|e| format!("cannot run {}: {e}", swtpm.display()))?,
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while !socket.exists() {
        if Instant::now() > deadline {
            return Err("swtpm did not create its socket within 10 s".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok((child, socket))
}

/// The checks run QEMU's software emulation: a recommendation for KVM
/// (`--virt-type qemu` gives one for TCG) is refused.
fn tcg_only(rec: &Recommendation) -> Result<(), String> {
    if rec.domain_type == "qemu" {
        Ok(())
    } else {
        Err(format!(
            "the recommendation is for a '{}' domain; verify runs QEMU's software emulation (recommend with --virt-type qemu)",
            rec.domain_type
        ))
    }
}

/// Starts the recommendation's QEMU command line (TCG, paused, null disk)
/// and checks every PCI function.
pub fn on_qemu(rec: &Recommendation, os: &OsFacts, binary: &Path) -> Result<Verification, String> {
    let dir = tempfile::Builder::new()
        .prefix("guestdb-verify-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    tcg_only(rec)?;
    let mut opts = Options {
        for_test: true,
        ..Options::default()
    };
    if rec.firmware.kind == "efi" && rec.firmware.kernel.is_none() {
        let (Some(_), Some(vars)) = (&rec.firmware.code, &rec.firmware.vars) else {
            return Err(
                "UEFI is recommended, but the host names no firmware files to run it with".into(),
            );
        };
        let copy = dir.path().join("VARS.fd");
        std::fs::copy(vars, &copy).map_err(|e| format!("cannot copy {vars}: {e}"))?;
        opts.efi_vars = Some(copy.display().to_string());
    }
    let _tpm = match &rec.firmware.tpm {
        Some(t) => {
            let (child, socket) = start_swtpm(dir.path(), &t.version)?;
            opts.tpm_socket = Some(socket.display().to_string());
            Some(child)
        }
        None => None,
    };
    let argv = render::qemu::argv(rec, &opts);
    let mut q = Qemu::start(binary, &argv[1..])?;
    let expected: Vec<String> = rec
        .devices
        .iter()
        .filter(|d| d.pci_id.is_some() && d.qemu_device.is_some() && d.class != "controller")
        .map(|d| d.id.clone())
        .collect();
    let want = rec.devices.iter().filter(|d| d.pci_id.is_some()).count();
    let mut checks = if want > 0 {
        let seen = q.pci_functions(&expected, want)?;
        compare(rec, os, &seen, true, true)
    } else {
        Vec::new()
    };
    for d in rec.devices.iter().filter(|d| d.placement == Placement::Ccw) {
        checks.push(ccw_check(&mut q, d, os, rec.policy.drivers));
    }
    // Devices off PCI and CCW (USB, SCSI, platform devices such as ramfb or
    // spapr-vty) that the command line creates with an id: QEMU made the
    // device predicted.
    let ids = device_ids(&argv);
    for d in rec.devices.iter().filter(|d| {
        d.pci_id.is_none() && d.placement != Placement::Ccw && ids.contains(&d.id.as_str())
    }) {
        checks.push(qom_check(&mut q, d));
    }
    // A run that checked nothing proves nothing.
    let ok = !checks.is_empty() && checks.iter().all(|c| c.ok);
    Ok(Verification {
        via: "qemu",
        version: q.version.clone(),
        command: q.cmdline.clone(),
        checks,
        ok,
    })
}

/// The ids the command line gives its `-device` options.
fn device_ids(argv: &[String]) -> Vec<&str> {
    argv.windows(2)
        .filter(|w| w[0] == "-device")
        .filter_map(|w| w[1].split(',').find_map(|f| f.strip_prefix("id=")))
        .collect()
}

/// A device off PCI and CCW: QEMU's object for its id is of the predicted type.
fn qom_check(q: &mut Qemu, d: &Device) -> Check {
    let expected = d.qemu_device.clone().unwrap_or_default();
    let (seen, how) = match q.qom_get(&d.id, "type") {
        Ok(t) => (t.as_str().map(str::to_string), "-".to_string()),
        Err(e) => (
            None,
            format!("not seen: {}", e.lines().next().unwrap_or_default()),
        ),
    };
    Check {
        device: d.id.clone(),
        role: d.role.clone(),
        ok: seen.as_deref() == Some(expected.as_str()),
        expected: Some(expected),
        seen,
        drivers: how,
    }
}

/// The virtio class of a device of the catalogue, by its osinfo-style name
/// (`virtio1.0-block`, `virtio-net`: the names the export writes too).
fn catalogue_class(catalogue: &str) -> Option<VirtioClass> {
    let name = catalogue
        .strip_prefix("virtio1.0-")
        .or_else(|| catalogue.strip_prefix("virtio-"))?;
    VirtioClass::by_name(name)
}

/// One s390x virtio-ccw device: QEMU made the predicted device, and the
/// transport revisions it offers (QOM `max_revision`: 0 legacy only, 1 or
/// more virtio 1.0 too; a legacy driver negotiates 0 with the same device)
/// include one the guest's driver speaks.
fn ccw_check(q: &mut Qemu, d: &Device, os: &OsFacts, drivers: DriversPolicy) -> Check {
    let expected = d.qemu_device.clone().unwrap_or_default();
    let (seen_type, revision) = match (q.qom_get(&d.id, "type"), q.qom_get(&d.id, "max_revision")) {
        (Ok(t), Ok(r)) => (t.as_str().unwrap_or_default().to_string(), r.as_u64()),
        (Err(e), _) | (_, Err(e)) => {
            return Check {
                device: d.id.clone(),
                role: d.role.clone(),
                expected: Some(expected),
                seen: None,
                drivers: format!("not seen: {}", e.lines().next().unwrap_or_default()),
                ok: false,
            }
        }
    };
    let seen = match revision {
        Some(r) => format!("{seen_type} (revisions 0-{r})"),
        None => seen_type.clone(),
    };
    let class = d.catalogue.as_deref().and_then(catalogue_class);
    let verdict = match (class, revision) {
        (Some(class), Some(r)) => {
            let v = os.virtio(class);
            if v.driver.is_some() && drivers == DriversPolicy::None {
                Err(format!(
                    "virtio {}: the driver comes from a package not available (--drivers none)",
                    class.name
                ))
            } else if v.modern && r >= 1 {
                Ok(format!(
                    "{}: virtio 1.0 driver, revision 1 or more",
                    class.name
                ))
            } else if v.legacy && class.legacy_pci.is_some() {
                Ok(format!("{}: legacy driver, revision 0", class.name))
            } else if v.modern {
                Err(format!(
                    "{}: the device offers only revision 0 (legacy) here, and {} drives only virtio 1.0",
                    class.name, os.short_id
                ))
            } else {
                Err(format!(
                    "virtio {}: {} has no driver for it",
                    class.name, os.short_id
                ))
            }
        }
        (None, _) => Err(format!("{expected} is no virtio-ccw device guestdb knows")),
        (_, None) => Err("QEMU reports no max_revision".to_string()),
    };
    let type_ok = seen_type == expected;
    let (drives, how) = match verdict {
        Ok(s) => (true, s),
        Err(s) => (false, s),
    };
    Check {
        device: d.id.clone(),
        role: d.role.clone(),
        expected: Some(expected),
        seen: Some(seen),
        drivers: how,
        ok: type_ok && drives,
    }
}

/// How long virsh or qemu-img may take (starting a domain under TCG on a
/// busy machine included), and the most output read of them.
const PROGRAM_LIMITS: crate::process::Limits = crate::process::Limits {
    deadline: std::time::Duration::from_secs(300),
    max_stdout: 16 << 20,
};

/// Runs `virsh -c URI ARGS` through the program runner
/// ([`crate::process::run`]); its standard output, or an error quoting the
/// start of what it said.
pub fn virsh(uri: &str, args: &[&str]) -> Result<String, String> {
    let mut all = vec!["-c", uri];
    all.extend_from_slice(args);
    crate::process::run(std::path::Path::new("virsh"), &all, PROGRAM_LIMITS).map_err(|e| {
        if e.starts_with("cannot run") {
            format!("{e} (Debian package libvirt-clients)")
        } else {
            e
        }
    })
}

/// A defined libvirt domain; destroyed and undefined on drop.
struct Domain<'u> {
    uri: &'u str,
    name: String,
}

impl Drop for Domain<'_> {
    fn drop(&mut self) {
        let _ = virsh(self.uri, &["destroy", &self.name]);
        let _ = virsh(self.uri, &["undefine", &self.name, "--nvram", "--tpm"]);
        let _ = virsh(self.uri, &["undefine", &self.name]);
    }
}

fn monitor_query_pci(uri: &str, name: &str) -> Result<Vec<PciFunction>, String> {
    let out = virsh(
        uri,
        &["qemu-monitor-command", name, r#"{"execute":"query-pci"}"#],
    )?;
    let v: serde_json::Value =
        serde_json::from_str(&out).map_err(|e| format!("query-pci reply is not JSON: {e}"))?;
    qmp::parse_query_pci(&v["return"])
}

/// Defines the domain XML `file` (named `name`) on `uri`, starts it
/// paused, lets the firmware run until at least `want` PCI functions are
/// seen (or [`qmp::FIRMWARE_TIMEOUT`] passes), and returns every PCI
/// function through `query-pci`; the domain is destroyed and undefined
/// afterwards.
pub fn libvirt_pci_functions(
    uri: &str,
    file: &Path,
    name: &str,
    want: usize,
) -> Result<Vec<PciFunction>, String> {
    let file_arg = file.display().to_string();
    virsh(uri, &["define", &file_arg])?;
    let _domain = Domain {
        uri,
        name: name.to_string(),
    };
    virsh(uri, &["start", name, "--paused"])?;
    let deadline = Instant::now() + qmp::FIRMWARE_TIMEOUT;
    let mut pause = Duration::from_millis(200);
    loop {
        let seen = monitor_query_pci(uri, name)?;
        if seen.len() >= want || Instant::now() >= deadline {
            return Ok(seen);
        }
        virsh(uri, &["resume", name])?;
        std::thread::sleep(pause);
        virsh(uri, &["suspend", name])?;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}

/// Defines the recommendation's libvirt XML on `uri` (software emulation, a
/// fresh disk image in a temporary directory), starts it paused, lets the
/// firmware run briefly and checks every PCI function, including those
/// libvirt added by itself.
pub fn on_libvirt(
    rec: &Recommendation,
    os: &OsFacts,
    uri: &str,
    name: &str,
) -> Result<Verification, String> {
    let dir = tempfile::Builder::new()
        .prefix("guestdb-verify-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let disk = dir.path().join("disk.qcow2");
    let disk_arg = disk.to_string_lossy().into_owned();
    crate::process::run(
        std::path::Path::new("qemu-img"),
        &["create", "-q", "-f", "qcow2", &disk_arg, "1G"],
        PROGRAM_LIMITS,
    )?;
    // libvirt 9.0 starts an empty USB CD-ROM as usb-storage without a
    // drive, which QEMU refuses: the media get a blank image each.
    let blank = dir.path().join("blank.iso");
    std::fs::write(&blank, vec![0u8; 2048]).map_err(|e| format!("{}: {e}", blank.display()))?;
    let blank = blank.display().to_string();
    let opts = Options {
        name: Some(name.to_string()),
        disk: Some(disk.display().to_string()),
        cdrom: Some(blank.clone()),
        drivers_iso: Some(blank),
        network: render::Network::User,
        for_test: true,
        ..Options::default()
    };
    let xml = render::libvirt::render(rec, &opts);
    let file = dir.path().join("domain.xml");
    std::fs::write(&file, &xml).map_err(|e| format!("{}: {e}", file.display()))?;
    let file_arg = file.display().to_string();
    let want = rec.devices.iter().filter(|d| d.pci_id.is_some()).count();
    let seen = libvirt_pci_functions(uri, &file, name, want)?;
    let checks = compare(rec, os, &seen, false, false);
    // As on QEMU: a run that checked nothing proves nothing.
    let ok = !checks.is_empty() && checks.iter().all(|c| c.ok);
    let version = virsh(uri, &["version", "--daemon"]).unwrap_or_default();
    Ok(Verification {
        via: "libvirt",
        version: version
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("; "),
        command: format!("virsh -c {uri} define {file_arg}"),
        checks,
        ok,
    })
}
