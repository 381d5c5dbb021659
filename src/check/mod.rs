//! Checking a VM that already exists (DESIGN.md §2.8): a libvirt domain
//! XML is read ([`domain`]), its OS found from libosinfo's metadata (or
//! named by the caller), and what the domain asks for is compared with
//! what the OS drives and the hosts offer. The facts are the ones the
//! recommendation reads ([`crate::recommend::OsFacts`]) and the answers
//! that need the rules (Hyper-V, timers, the common machine type, end of
//! life) come from the recommendation itself for the domain's chipset on
//! the same hosts, so `check` and `recommend` never disagree. [`fix`]
//! turns the findings' fixes into the smallest edit of the original text.

pub mod cmdline;
pub mod domain;
pub mod fix;

use crate::host::Host;
use crate::machine::MachineCatalogue;
use crate::recommend::{
    drivable, ChipsetPolicy, DriversPolicy, FactRef, OsFacts, Placement, Policy, Recommendation,
    Target, VirtTypePolicy,
};
use crate::{Database, Date, Error};
use domain::{Domain, DomainDevice, VirtioMode};
use guestdb_data::diag::LineIndex;
use guestdb_data::model::{Version, VirtioClass};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Broken now or on a named host: exit status 1.
    Error,
    /// Works, but something should change.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A change of the domain a fix makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Set the model of a device (its `model` attribute, `<model type>`).
    Model {
        /// Where the model is written.
        at: domain::ModelAt,
        /// The new model.
        model: String,
        /// Remove this `<address>` (a PCI address the new model cannot keep).
        drop_address: Option<usize>,
    },
    /// A disk moves from virtio to another bus (`sata`): target bus and
    /// dev, its address dropped.
    DiskBus {
        /// The `<disk>` element's offset.
        disk: usize,
        /// The new bus.
        bus: String,
    },
    /// Add an element at the end of `<devices>`.
    AddDevice(String),
    /// Set `<type machine=...>`.
    Machine(String),
    /// Turn UEFI on (`<os firmware='efi'>`).
    Efi,
    /// Turn Secure Boot on (firmware feature and SMM).
    SecureBoot,
}

/// Something wrong or worth knowing about a domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable code (`virtio-modern-only`).
    pub code: &'static str,
    /// `error` or `warning`.
    pub severity: Severity,
    /// The element it concerns, in words (`interface 52:54:00:...`).
    pub element: String,
    /// Its line in the input (1-based); `None` for what libvirt adds.
    pub line: Option<u32>,
    /// Its column.
    pub col: Option<u32>,
    /// What is wrong, in words.
    pub message: String,
    /// The recommendation rule whose facts and reasoning it uses.
    pub rule: &'static str,
    /// The facts it used, each with where it is declared.
    pub facts: Vec<FactRef>,
    /// What `--fix` changes, in words (`None`: no automatic fix).
    pub fix: Option<String>,
    /// The fix changes hardware the guest sees (a PCI address, a machine version).
    pub guest_visible: bool,
    #[serde(skip)]
    /// The change `--fix` makes.
    pub change: Option<Change>,
}

/// The OS a report is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OsRef {
    /// Its id.
    pub id: String,
    /// Its first short-id.
    pub short_id: String,
    /// Its name.
    pub name: String,
    /// Where the OS came from: `metadata` (libosinfo's) or `--os`.
    pub from: &'static str,
}

/// The answer for one domain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The file (`-` for standard input).
    pub file: String,
    /// The domain's `<name>`.
    pub name: Option<String>,
    /// The OS, when known.
    pub os: Option<OsRef>,
    /// The machine type as written.
    pub machine: Option<String>,
    /// The hosts checked against: the first, then the others.
    pub hosts: Vec<String>,
    /// What was found, errors first.
    pub findings: Vec<Finding>,
    /// How many findings are errors.
    pub errors: usize,
    /// How many are warnings.
    pub warnings: usize,
}

/// OS id, arch, chipset family, TCG.
type CacheKey = (String, String, String, bool);

/// What a domain is checked against.
pub struct Context<'a> {
    /// The database.
    pub db: &'a Database,
    /// The host the VM runs on, then every host it must also run on.
    pub hosts: &'a [Host],
    /// For each host after the first: `migrate-to` or `upgrade-to`.
    pub roles: Vec<&'static str>,
    /// The OS when the caller names it (overrides the metadata).
    pub os: Option<String>,
    /// Driver packages installed in the guest.
    pub drivers: DriversPolicy,
    /// Today (end-of-life), `None` for no end-of-life findings.
    pub today: Option<Date>,
    /// Recommendations already computed, per OS, arch, chipset and accelerator.
    cache: std::cell::RefCell<HashMap<CacheKey, (OsFacts, Option<Recommendation>)>>,
}

impl<'a> Context<'a> {
    /// A context for `hosts` (the first, then those the VM must also run on).
    pub fn new(db: &'a Database, hosts: &'a [Host], roles: Vec<&'static str>) -> Context<'a> {
        Context {
            db,
            hosts,
            roles,
            os: None,
            drivers: DriversPolicy::None,
            today: None,
            cache: Default::default(),
        }
    }

    /// The OS's facts on `arch` and the recommendation for it on the hosts
    /// with the domain's chipset (`None` when the rules find none), cached.
    fn facts_and_recommendation(
        &self,
        os: &crate::query::Resolved<'_>,
        arch: &str,
        family: Option<&str>,
        tcg: bool,
    ) -> Result<(OsFacts, Option<Recommendation>), Error> {
        let key = (
            os.os.id.to_string(),
            arch.to_string(),
            family.unwrap_or("").to_string(),
            tcg,
        );
        if let Some(r) = self.cache.borrow().get(&key) {
            return Ok(r.clone());
        }
        let mut facts = self.db.os_facts(os.os, arch)?;
        facts.fallback = os.fallback.clone();
        let catalogue = self.db.recommend_catalogue()?;
        let chipset = match family {
            Some("q35") => ChipsetPolicy::Q35,
            Some("i440fx") => ChipsetPolicy::I440fx,
            _ => ChipsetPolicy::Auto,
        };
        let mut policy = Policy {
            chipset,
            drivers: self.drivers,
            virt_type: if tcg {
                VirtTypePolicy::Qemu
            } else {
                VirtTypePolicy::Auto
            },
            ..Policy::default()
        };
        let target = |policy| Target {
            arch,
            hosts: self.hosts,
            policy,
            today: self.today,
        };
        let mut rec = crate::recommend::recommend(&facts, &catalogue, &target(policy));
        if rec.is_err() {
            policy.chipset = ChipsetPolicy::Auto;
            rec = crate::recommend::recommend(&facts, &catalogue, &target(policy));
        }
        let value = (facts, rec.ok());
        self.cache.borrow_mut().insert(key, value.clone());
        Ok(value)
    }
}

/// Whether a virtio device of `class` asked for as `mode` at `placement`
/// shows the guest its transitional (legacy) PCI ID: QEMU turns the legacy
/// interface off behind a PCI Express port unless the model is
/// transitional; `-non-transitional` never has it.
fn shows_legacy(class: VirtioClass, mode: VirtioMode, placement: Placement) -> bool {
    class.legacy_pci.is_some()
        && match mode {
            VirtioMode::Transitional => true,
            VirtioMode::NonTransitional => false,
            VirtioMode::Plain => placement != Placement::PcieRootPort,
        }
}

/// The PCI device ID (vendor 1af4) the guest sees for a virtio device.
fn virtio_pci_id(class: VirtioClass, mode: VirtioMode, placement: Placement) -> u16 {
    match class.legacy_pci {
        Some(legacy) if shows_legacy(class, mode, placement) => legacy,
        _ => 0x1040 + class.virtio_type,
    }
}

struct Checker<'c, 'a> {
    ctx: &'c Context<'a>,
    lines: LineIndex<'c>,
    path: Arc<str>,
    findings: Vec<Finding>,
}

impl Checker<'_, '_> {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        code: &'static str,
        severity: Severity,
        element: impl Into<String>,
        pos: Option<usize>,
        message: String,
        rule: &'static str,
        facts: Vec<FactRef>,
        fix: Option<(String, Change, bool)>,
    ) {
        let loc = pos.map(|p| self.lines.loc(&self.path, p));
        let (fix, change, guest_visible) = match fix {
            Some((f, c, g)) => (Some(f), Some(c), g),
            None => (None, None, false),
        };
        self.findings.push(Finding {
            code,
            severity,
            element: element.into(),
            line: loc.as_ref().map(|l| l.line),
            col: loc.as_ref().map(|l| l.col),
            message,
            rule,
            facts,
            fix,
            guest_visible,
            change,
        });
    }
}

/// Checks the domain XML `text` (shown as `file`). An error when it cannot
/// be read as a domain.
pub fn check(ctx: &Context<'_>, file: &str, text: &str) -> Result<(Report, Domain), Error> {
    let d = domain::read(text).map_err(|e| read_error(file, text, e))?;
    check_read(ctx, file, text, d)
}

/// Checks the QEMU command line `text` (shown as `file`): the same checks
/// as for a domain XML (the OS must be named: a command line has no
/// metadata). An error when it is no QEMU command line.
pub fn check_cmdline(ctx: &Context<'_>, file: &str, text: &str) -> Result<Report, Error> {
    let d = cmdline::read(text, ctx.db.device_models()?).map_err(|e| read_error(file, text, e))?;
    check_read(ctx, file, text, d).map(|(r, _)| r)
}

fn read_error(file: &str, text: &str, e: domain::ReadError) -> Error {
    let path: Arc<str> = Arc::from(file);
    Error::input(format!(
        "{}: {}",
        LineIndex::new(text).loc(&path, e.pos),
        e.message
    ))
}

fn check_read(
    ctx: &Context<'_>,
    file: &str,
    text: &str,
    d: Domain,
) -> Result<(Report, Domain), Error> {
    let path: Arc<str> = Arc::from(file);
    let mut c = Checker {
        ctx,
        lines: LineIndex::new(text),
        path,
        findings: Vec::new(),
    };
    let arch = d.arch.clone().unwrap_or_else(|| "x86_64".to_string());
    let family = d
        .machine
        .as_ref()
        .and_then(|(m, _)| domain::machine_family(m));
    let tcg = d.domain_type.as_deref() == Some("qemu");

    // The OS.
    let named = ctx.os.as_ref().map(|o| (o.clone(), None, "--os"));
    let from_metadata = d
        .os_id
        .as_ref()
        .map(|(id, pos)| (id.clone(), Some(*pos), "metadata"));
    let mut os_ref = None;
    let mut facts_rec: Option<(OsFacts, Option<Recommendation>)> = None;
    match named.or(from_metadata) {
        None => c.add(
            "os-unknown",
            Severity::Warning,
            "domain",
            Some(d.root.pos),
            if d.root.name == "domain" {
                "the domain names no OS (no <libosinfo:os id=...> in its <metadata>, which virt-install, virt-manager and cockpit write); name it with --os ID to check what the OS drives".into()
            } else {
                "a QEMU command line names no OS; name it with --os ID to check what the OS drives".into()
            },
            "os",
            Vec::new(),
            None,
        ),
        Some((name, pos, from)) => match ctx.db.resolve(&name)? {
            None => c.add(
                "os-unknown",
                Severity::Warning,
                "libosinfo:os",
                pos.or(Some(d.root.pos)),
                format!("guestdb does not know the OS '{name}'; name a known one with --os ID ('guestdb list' shows them)"),
                "os",
                Vec::new(),
                None,
            ),
            Some(resolved) => {
                let (facts, rec) = ctx.facts_and_recommendation(&resolved, &arch, family, tcg)?;
                os_ref = Some(OsRef {
                    id: facts.id.clone(),
                    short_id: facts.short_id.clone(),
                    name: facts.name.clone(),
                    from,
                });
                facts_rec = Some((facts, rec));
            }
        },
    }

    machine_checks(
        &mut c,
        &d,
        &arch,
        family,
        facts_rec.as_ref().and_then(|f| f.1.as_ref()),
    )?;
    if let Some((os, rec)) = &facts_rec {
        device_checks(&mut c, &d, os, rec.as_ref());
        firmware_checks(&mut c, &d, os, family);
        if let Some(rec) = rec {
            platform_checks(&mut c, &d, os, rec);
            lifecycle_checks(&mut c, &d, rec);
        }
    }
    let mut findings = c.findings;
    findings.sort_by_key(|f| (f.severity, f.line.unwrap_or(u32::MAX)));
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    Ok((
        Report {
            file: file.to_string(),
            name: d.name.clone(),
            os: os_ref,
            machine: d.machine.as_ref().map(|m| m.0.clone()),
            hosts: ctx.hosts.iter().map(|h| h.name.clone()).collect(),
            findings,
            errors,
            warnings,
        },
        d,
    ))
}

/// The first QEMU release after `after` whose machine types no longer
/// include `name` (upstream types), if the catalogue knows one.
fn removed_in(
    catalogue: &MachineCatalogue,
    name: &str,
    arch: &str,
    after: Version,
) -> Option<Version> {
    let newest = catalogue.newest_release()?;
    let mut v = after;
    for _ in 0..64 {
        v = [
            Version::new(v.major, v.minor + 1),
            Version::new(v.major + 1, 0),
        ]
        .into_iter()
        .find(|n| catalogue.release(*n).is_some())?;
        if v > newest {
            return None;
        }
        let offered = catalogue.upstream(v, arch)?;
        if !offered.iter().any(|m| m.name == name) {
            return Some(v);
        }
    }
    None
}

fn host_role(c: &Checker<'_, '_>, i: usize) -> String {
    let h = &c.ctx.hosts[i];
    let role = if i == 0 {
        "the host"
    } else {
        c.ctx.roles.get(i - 1).copied().unwrap_or("migrate-to")
    };
    let qemu = h.qemu.map(|q| format!(", QEMU {q}")).unwrap_or_default();
    format!("{} ({role}{qemu})", h.name)
}

fn machine_checks(
    c: &mut Checker<'_, '_>,
    d: &Domain,
    arch: &str,
    family: Option<&str>,
    rec: Option<&Recommendation>,
) -> Result<(), Error> {
    let Some((machine, pos)) = &d.machine else {
        return Ok(());
    };
    let catalogue = c.ctx.db.machine_catalogue()?;
    let mut missing = Vec::new();
    for (i, host) in c.ctx.hosts.iter().enumerate() {
        let offered = host.machines_for(arch);
        match offered
            .iter()
            .find(|m| &m.name == machine || m.aliases.iter().any(|a| a == machine))
        {
            None => {
                let mut why = format!("{} does not offer machine type {machine}", host_role(c, i));
                let own = offered.iter().find(|m| m.family == family.unwrap_or(""));
                if let (Some(q), Some(_)) = (host.qemu, own) {
                    let upstream_version = catalogue
                        .upstream(q, arch)
                        .and(machine.rsplit('-').next().and_then(Version::parse));
                    if let Some(gone) = upstream_version
                        .and_then(|v| removed_in(catalogue, machine, arch, v))
                        .filter(|g| *g <= q)
                    {
                        why.push_str(&format!(" (QEMU {gone} removed it)"));
                    }
                }
                missing.push((why, i));
            }
            Some(m) if m.deprecated => {
                let role = host_role(c, i);
                c.add(
                    "machine-deprecated",
                    Severity::Warning,
                    format!("machine {machine}"),
                    Some(*pos),
                    format!(
                        "{role} marks machine type {machine} deprecated: {}",
                        m.deprecated_by.as_deref().unwrap_or("deprecated")
                    ),
                    "machine-version",
                    vec![FactRef::new(
                        format!("{}: {} deprecated", host.name, m.name),
                        m.at.to_string(),
                    )],
                    None,
                );
            }
            Some(_) => {}
        }
    }
    if !missing.is_empty() {
        let fix = rec
            .filter(|r| Some(r.machine.family.as_str()) == family)
            .map(|r| {
                (
                    format!(
                        "machine type {} (the newest {} type every host offers; guest-visible: a new machine version)",
                        r.machine.name, r.machine.family
                    ),
                    Change::Machine(r.machine.name.clone()),
                    true,
                )
            });
        let message = missing
            .iter()
            .map(|(w, _)| w.clone())
            .collect::<Vec<_>>()
            .join("; ");
        c.add(
            "machine-not-offered",
            Severity::Error,
            format!("machine {machine}"),
            Some(*pos),
            message,
            "machine-version",
            Vec::new(),
            fix,
        );
    }
    Ok(())
}

fn device_checks(c: &mut Checker<'_, '_>, d: &Domain, os: &OsFacts, rec: Option<&Recommendation>) {
    let drivers = c.ctx.drivers;
    for dev in &d.devices {
        let Some((class, mode)) = dev.virtio else {
            continue;
        };
        if dev.placement == Placement::Ccw {
            continue;
        }
        let id = virtio_pci_id(class, mode, dev.placement);
        let Err(why) = drivable(os, drivers, id) else {
            continue;
        };
        let v = os.virtio(class);
        let facts: Vec<FactRef> = v.fact.iter().cloned().collect();
        let seen = format!(
            "the guest sees 1af4:{id:04x} ({})",
            if shows_legacy(class, mode, dev.placement) {
                "transitional".to_string()
            } else {
                format!(
                    "modern only{}",
                    match (mode, dev.placement) {
                        (VirtioMode::Plain, Placement::PcieRootPort) =>
                            ": plain virtio behind a PCI Express root port",
                        _ => "",
                    }
                )
            }
        );
        let needs_package = v.driver.is_some() && drivers == DriversPolicy::None;
        let code = if needs_package {
            "virtio-driver-missing"
        } else if v.legacy && !v.modern {
            "virtio-modern-only"
        } else {
            "virtio-no-driver"
        };
        let fix = device_fix(dev, class, os, drivers, rec);
        // Without a disk, SCSI or network driver the guest does not boot or
        // has no network; without the others it runs with a device it
        // cannot use.
        let severity = if matches!(class.name, "block" | "scsi" | "net") {
            Severity::Error
        } else {
            Severity::Warning
        };
        c.add(
            code,
            severity,
            dev.what.clone(),
            dev.pos,
            format!("{seen}; {why}"),
            class_rule(class),
            facts,
            fix,
        );
    }
}

fn class_rule(class: VirtioClass) -> &'static str {
    match class.name {
        "block" | "scsi" => "disk",
        "net" => "net",
        "rng" => "rng",
        "balloon" => "balloon",
        "console" => "console",
        "gpu" => "video",
        "input" => "input",
        _ => "disk",
    }
}

/// The smallest change that makes `dev` drivable: the transitional model
/// where the OS has a legacy driver, else a model the OS drives without
/// virtio (or the device turned off, where that is allowed).
fn device_fix(
    dev: &DomainDevice,
    class: VirtioClass,
    os: &OsFacts,
    drivers: DriversPolicy,
    rec: Option<&Recommendation>,
) -> Option<(String, Change, bool)> {
    let v = os.virtio(class);
    let usable = v.driver.is_none() || drivers != DriversPolicy::None;
    if usable && v.legacy && class.legacy_pci.is_some() {
        let moves = dev.address.is_some() && dev.placement == Placement::PcieRootPort;
        let what = format!(
            "model virtio-transitional (the guest sees the transitional ID 1af4:{:04x}){}",
            class.legacy_pci.unwrap_or(0),
            if moves {
                "; its PCI address is dropped so libvirt plugs it into a conventional PCI slot (guest-visible: the device moves)"
            } else {
                ""
            }
        );
        return match (&dev.model_at, dev.pos) {
            (Some(at), Some(_)) => Some((
                what,
                Change::Model {
                    at: at.clone(),
                    model: "virtio-transitional".into(),
                    drop_address: dev.address.filter(|_| moves),
                },
                moves,
            )),
            (None, None) => {
                let el = match class.name {
                    "balloon" => "<memballoon model='virtio-transitional'/>".to_string(),
                    "console" => {
                        "<controller type='virtio-serial' index='0' model='virtio-transitional'/>"
                            .to_string()
                    }
                    _ => return None,
                };
                Some((format!("add {el}"), Change::AddDevice(el), false))
            }
            _ => None,
        };
    }
    // No virtio driver for this class.
    match class.name {
        "balloon" => {
            let el = "<memballoon model='none'/>";
            match (&dev.model_at, dev.pos) {
                (Some(at), Some(_)) => Some((
                    "model none (no balloon: the OS has no driver for one)".into(),
                    Change::Model {
                        at: at.clone(),
                        model: "none".into(),
                        drop_address: dev.address,
                    },
                    true,
                )),
                _ => Some((format!("add {el}"), Change::AddDevice(el.into()), false)),
            }
        }
        "block" => {
            let disk = dev.pos?;
            let bus = rec
                .and_then(|r| r.of_class("disk").next())
                .and_then(|d| d.libvirt_bus.clone())
                .filter(|b| b != "virtio")
                .unwrap_or_else(|| "sata".into());
            Some((
                format!("bus {bus} (the OS drives it without virtio; guest-visible: the disk moves to the {bus} controller)"),
                Change::DiskBus { disk, bus },
                true,
            ))
        }
        "net" => {
            let at = dev.model_at.clone()?;
            let model = rec
                .and_then(|r| r.of_class("net").next())
                .and_then(|d| d.libvirt_model.clone())
                .filter(|m| !m.starts_with("virtio"))
                .or_else(|| {
                    ["e1000e", "e1000", "rtl8139"]
                        .into_iter()
                        .find(|m| os.device(m).is_some())
                        .map(str::to_string)
                })?;
            Some((
                format!("model {model} (an emulated NIC the OS drives; guest-visible: a new NIC, the MAC address is kept)"),
                Change::Model {
                    at,
                    model,
                    drop_address: dev.address,
                },
                true,
            ))
        }
        "gpu" => {
            let at = dev.model_at.clone()?;
            let model = rec
                .and_then(|r| r.of_class("video").next())
                .and_then(|d| d.libvirt_model.clone())
                .filter(|m| m != "virtio")
                .unwrap_or_else(|| "vga".into());
            Some((
                format!("video model {model} (a display the OS drives)"),
                Change::Model {
                    at,
                    model,
                    drop_address: None,
                },
                true,
            ))
        }
        "input" => {
            let pos = dev.pos?;
            Some((
                "bus usb (a USB input device the OS drives)".into(),
                Change::Model {
                    at: domain::ModelAt::Attr(pos, "bus"),
                    model: "usb".into(),
                    drop_address: dev.address,
                },
                true,
            ))
        }
        _ => None,
    }
}

fn firmware_checks(c: &mut Checker<'_, '_>, d: &Domain, os: &OsFacts, family: Option<&str>) {
    let at = d.os_pos.or(Some(d.root.pos));
    if let Some(flag) = match family {
        Some("q35") => os.q35.as_ref(),
        Some("i440fx") => os.i440fx.as_ref(),
        _ => None,
    } {
        if !flag.yes {
            c.add(
                "chipset-unsupported",
                Severity::Warning,
                format!(
                    "machine {}",
                    d.machine.as_ref().map(|m| m.0.as_str()).unwrap_or("")
                ),
                d.machine.as_ref().map(|m| m.1),
                format!(
                    "{} is not known to support the {} chipset",
                    os.short_id,
                    family.unwrap_or("")
                ),
                "chipset",
                vec![flag.fact.clone()],
                None,
            );
        }
    }
    let efi_only = os.bios.as_ref().is_some_and(|b| !b.supported)
        && os.efi.as_ref().is_some_and(|e| e.supported);
    if efi_only && !d.firmware.efi {
        let facts = os.bios.iter().map(|b| b.fact.clone()).collect();
        c.add(
            "firmware-required",
            Severity::Error,
            "os",
            at,
            format!("{} boots only with UEFI; the domain uses BIOS", os.short_id),
            "firmware",
            facts,
            Some((
                "<os firmware='efi'> (guest-visible: a disk installed for BIOS does not boot with UEFI)".into(),
                Change::Efi,
                true,
            )),
        );
    }
    if d.firmware.efi && os.efi.as_ref().is_some_and(|e| !e.supported) {
        let facts = os.efi.iter().map(|e| e.fact.clone()).collect();
        c.add(
            "firmware-unsupported",
            Severity::Error,
            "os",
            at,
            format!(
                "{} does not boot with UEFI; the domain uses it",
                os.short_id
            ),
            "firmware",
            facts,
            None,
        );
    }
    if let Some(sb) = os.secure_boot.as_ref().filter(|s| s.required) {
        if d.firmware.efi && !d.firmware.secure_boot && !d.firmware.secure_boot_off {
            c.add(
                "secure-boot-unstated",
                Severity::Warning,
                "os",
                at,
                format!(
                    "{} requires UEFI Secure Boot; the domain leaves it to libvirt's firmware autoselection (state <feature enabled='yes' name='secure-boot'/>)",
                    os.short_id
                ),
                "firmware",
                vec![sb.fact.clone()],
                None,
            );
        } else if !d.firmware.secure_boot {
            let fix = (family == Some("q35")).then(|| {
                (
                    "UEFI with Secure Boot (firmware features secure-boot and enrolled-keys) and SMM".to_string(),
                    Change::SecureBoot,
                    true,
                )
            });
            c.add(
                "secure-boot-required",
                Severity::Error,
                "os",
                at,
                format!(
                    "{} requires UEFI Secure Boot; the domain does not turn it on",
                    os.short_id
                ),
                "firmware",
                vec![sb.fact.clone()],
                fix,
            );
        }
    }
    if let Some(req) = os.tpm.iter().find(|t| t.required) {
        let has = d.tpm.iter().any(|t| {
            t.version
                .as_deref()
                .unwrap_or(if t.model == "tpm-crb" { "2.0" } else { "" })
                == req.version
                || t.version.is_none() && t.model != "tpm-crb"
        });
        if !has {
            let model = if matches!(family, Some("q35" | "i440fx")) {
                "tpm-crb"
            } else {
                "tpm-tis"
            };
            let el = format!(
                "<tpm model='{model}'><backend type='emulator' version='{}'/></tpm>",
                req.version
            );
            c.add(
                "tpm-required",
                Severity::Error,
                "devices",
                d.devices_pos.or(Some(d.root.pos)),
                format!(
                    "{} requires a TPM {}; the domain has {}",
                    os.short_id,
                    req.version,
                    if d.tpm.is_empty() {
                        "none"
                    } else {
                        "another version"
                    }
                ),
                "tpm",
                vec![req.fact.clone()],
                d.tpm
                    .is_empty()
                    .then(|| (format!("add {el}"), Change::AddDevice(el), true)),
            );
        }
    }
}

fn rule_facts(rec: &Recommendation, rule: &str) -> Vec<FactRef> {
    rec.rules
        .iter()
        .filter(|r| r.rule == rule)
        .flat_map(|r| r.facts.iter().cloned())
        .collect()
}

fn platform_checks(c: &mut Checker<'_, '_>, d: &Domain, os: &OsFacts, rec: &Recommendation) {
    if os.windows {
        let has: &[String] = d.hyperv.as_ref().map(|h| h.0.as_slice()).unwrap_or(&[]);
        if !has.iter().any(|h| h == "passthrough") {
            let missing: Vec<&str> = rec
                .hyperv
                .features
                .iter()
                .map(|f| f.name.as_str())
                .filter(|n| *n != "hypervclock" && !has.iter().any(|h| h == n))
                .collect();
            if !missing.is_empty() {
                c.add(
                    "hyperv-missing",
                    Severity::Warning,
                    "features",
                    d.hyperv
                        .as_ref()
                        .map(|h| h.1)
                        .or(d.features_pos)
                        .or(Some(d.root.pos)),
                    format!(
                        "{} runs better with Hyper-V enlightenments the domain lacks: {}",
                        os.short_id,
                        missing.join(", ")
                    ),
                    "hyperv",
                    rule_facts(rec, "hyperv"),
                    None,
                );
            }
        }
    }
    let missing: Vec<String> = rec
        .clock
        .timers
        .iter()
        .filter(|t| {
            !d.timers.iter().any(|(n, tick, present)| {
                *n == t.name
                    && (t.tickpolicy.is_none() || *tick == t.tickpolicy)
                    && (t.present.is_none() || *present == t.present)
            })
        })
        .map(|t| {
            let mut s = t.name.clone();
            if let Some(p) = &t.tickpolicy {
                s.push_str(&format!(" tickpolicy={p}"));
            }
            if let Some(p) = t.present {
                s.push_str(if p { " present" } else { " absent" });
            }
            s
        })
        .collect();
    if os.windows && !missing.is_empty() {
        c.add(
            "timers-missing",
            Severity::Warning,
            "clock",
            d.clock.as_ref().map(|c| c.1).or(Some(d.root.pos)),
            format!(
                "the timers {} uses are not set as recommended: {}",
                os.short_id,
                missing.join(", ")
            ),
            "clock",
            rule_facts(rec, "clock"),
            None,
        );
    }
    if let Some((mode, model, pos)) = &d.cpu {
        if mode == "host-passthrough" && c.ctx.roles.contains(&"migrate-to") {
            c.add(
                "cpu-not-migratable",
                Severity::Warning,
                "cpu",
                Some(*pos),
                "host-passthrough gives the guest this host's exact CPU; it cannot live-migrate to hosts with another CPU (a named model or host-model can)".into(),
                "cpu",
                Vec::new(),
                None,
            );
        }
        if mode == "custom" {
            if let Some(model) = model.as_ref().filter(|m| !m.is_empty()) {
                for (i, h) in c.ctx.hosts.iter().enumerate() {
                    if !h.cpu.models.is_empty() && !h.cpu.models.iter().any(|m| m == model) {
                        let role = host_role(c, i);
                        c.add(
                            "cpu-model-not-offered",
                            Severity::Error,
                            "cpu",
                            Some(*pos),
                            format!("{role} does not offer CPU model {model}"),
                            "cpu",
                            Vec::new(),
                            None,
                        );
                    }
                }
            }
        }
    }
}

fn lifecycle_checks(c: &mut Checker<'_, '_>, d: &Domain, rec: &Recommendation) {
    for w in rec.warnings.iter().filter(|w| w.code == "end-of-life") {
        c.add(
            "end-of-life",
            Severity::Warning,
            "libosinfo:os",
            d.os_id.as_ref().map(|o| o.1).or(Some(d.root.pos)),
            w.message.clone(),
            "end-of-life",
            rule_facts(rec, "end-of-life"),
            None,
        );
    }
}
