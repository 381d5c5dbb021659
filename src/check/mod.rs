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

mod devices;
mod firmware;
mod machine;
mod platform;

use devices::*;
use firmware::*;
use machine::*;
use platform::*;

use crate::host::Host;
use crate::machine::MachineCatalogue;
use crate::recommend::{
    drivable, ChipsetPolicy, DriversPolicy, FactRef, OsFacts, Placement, Policy, Recommendation,
    Target, VirtTypePolicy,
};
use crate::{Database, Date, Error, RecommendError};
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

/// An OS's facts and the recommendation for it (`None` when the rules
/// find none).
type FactsAndRecommendation = (Arc<OsFacts>, Option<Recommendation>);

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
    cache: std::cell::RefCell<HashMap<CacheKey, FactsAndRecommendation>>,
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
    ) -> Result<FactsAndRecommendation, Error> {
        let key = (
            os.os.id.to_string(),
            arch.to_string(),
            family.unwrap_or("").to_string(),
            tcg,
        );
        if let Some(r) = self.cache.borrow().get(&key) {
            return Ok(r.clone());
        }
        let facts = self.db.resolved_facts(os, arch)?;
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
        let recommend = |policy| match self.db.recommend(os, &target(policy)) {
            Ok(rec) => Ok(Some(rec)),
            Err(RecommendError::No(_)) => Ok(None),
            Err(RecommendError::Failed(e)) => Err(e),
        };
        let mut rec = recommend(policy)?;
        if rec.is_none() {
            policy.chipset = ChipsetPolicy::Auto;
            rec = recommend(policy)?;
        }
        let value = (facts, rec);
        self.cache.borrow_mut().insert(key, value.clone());
        Ok(value)
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
    let mut facts_rec: Option<FactsAndRecommendation> = None;
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
