//! The rules of the recommendation, one named unit each, applied in the
//! order of [`RULES`] (documented in `docs/recommend-rules.md`). Each rule
//! reads the OS facts, the hosts and the policy, may add devices and
//! warnings, and records its decision with its reasons and the facts it used.

use super::facts::{FactRef, OsFacts};
use super::placement::{self, Board, Mode, Realised};
use super::*;
use crate::device::DeviceModel;
use crate::machine::{MachineType, Origin};
use guestdb_data::model::{FirmwareType, VirtioClass};

/// The rules, in the order they are applied.
pub const RULES: &[(&str, &str)] = &[
    ("os-fallback", "a release newer than the dataset knows stands in for the nearest known one"),
    ("arch", "every host must run guests of the architecture"),
    ("chipset", "q35 when the OS supports it and every host offers it (and legacy-only virtio can be made transitional); i440fx otherwise; Secure Boot needs q35"),
    ("disk", "virtio-blk the OS drives (transitional on q35 for legacy-only OSes), else SATA (q35) or IDE (i440fx)"),
    ("cdrom", "the install medium on SATA (q35), IDE (i440fx) or SCSI (virt, s390x, pseries)"),
    ("net", "virtio-net the OS drives, else e1000e (q35), e1000 or rtl8139 as the OS supports"),
    ("rng", "virtio-rng when the OS drives it"),
    ("balloon", "virtio-balloon when the OS drives it, else none (libvirt would add a plain virtio one)"),
    ("console", "a serial console, and a virtio-serial guest-agent channel when the OS drives virtio console"),
    ("video", "virtio-gpu only for OSes with a modern virtio-gpu driver; else QXL where the OS drives it; else standard VGA"),
    ("usb", "qemu-xhci for OSes with an xHCI driver; else EHCI with UHCI companions (q35) or PIIX3 UHCI (i440fx)"),
    ("input", "PS/2 keyboard and mouse (x86), a USB tablet where the OS drives it; USB keyboard and tablet on boards without PS/2"),
    ("machine-version", "the newest non-deprecated versioned type of the chosen family that every host offers"),
    ("firmware", "UEFI when the OS requires or prefers it, the policy asks for it, or the board has no BIOS; Secure Boot (with SMM) when the OS requires it or the policy asks"),
    ("tpm", "TPM 2.0 (tpm-crb on x86) when the OS requires a TPM"),
    ("pci-topology", "a root port per PCI Express device and a pcie-to-pci-bridge for conventional ones (q35, virt)"),
    ("end-of-life", "a warning when the OS is past its end of life or not released"),
];

struct Ctx<'a> {
    os: &'a OsFacts,
    catalogue: &'a [DeviceModel],
    target: &'a Target<'a>,
    arch: &'a str,
    x86: bool,
    /// The chosen family (`q35`, `i440fx`, `virt`, `pseries`, `s390-ccw-virtio`).
    family: &'static str,
    board: Board,
    /// Every host offers libvirt's and QEMU's transitional models.
    transitional: bool,
    /// The SCSI controller for the CD-ROM, once added.
    scsi: Option<String>,
    usb: Option<String>,
    rules: Vec<RuleTrace>,
    warnings: Vec<Warning>,
    devices: Vec<Device>,
    counters: std::collections::HashMap<&'static str, usize>,
}

impl<'a> Ctx<'a> {
    fn trace(
        &mut self,
        rule: &'static str,
        decision: impl Into<String>,
        reasons: Vec<String>,
        facts: Vec<FactRef>,
    ) {
        self.rules.push(RuleTrace {
            rule,
            decision: decision.into(),
            reasons,
            facts,
        });
    }

    fn warn(&mut self, code: &'static str, message: String) {
        self.warnings.push(Warning { code, message });
    }

    fn fail(&self, rule: &'static str, message: String) -> NoRecommendation {
        NoRecommendation {
            rule,
            message,
            rules: self.rules.clone(),
        }
    }

    fn id(&mut self, prefix: &'static str) -> String {
        let n = self.counters.entry(prefix).or_insert(0);
        let id = format!("{prefix}{n}");
        *n += 1;
        id
    }

    /// Adds a device realised as `r`.
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        class: &'static str,
        role: &str,
        prefix: &'static str,
        r: Realised,
        bus: Option<&str>,
        parent: Option<String>,
        rule: &'static str,
    ) -> String {
        let id = self.id(prefix);
        self.devices.push(Device {
            class,
            role: role.to_string(),
            id: id.clone(),
            parent,
            libvirt_model: r.libvirt_model,
            libvirt_bus: bus.map(str::to_string),
            qemu_device: r.qemu_device,
            placement: r.placement,
            pci_id: r.pci_id,
            interfaces: r.interfaces,
            catalogue: r.catalogue,
            rule,
        });
        id
    }

    /// A device of no catalogue entry (a disk on a controller, a channel).
    #[allow(clippy::too_many_arguments)]
    fn add_plain(
        &mut self,
        class: &'static str,
        role: &str,
        prefix: &'static str,
        qemu_device: &str,
        libvirt_model: Option<&str>,
        bus: Option<&str>,
        placement: Placement,
        parent: Option<String>,
        rule: &'static str,
    ) -> String {
        self.add(
            class,
            role,
            prefix,
            Realised {
                catalogue: None,
                qemu_device: Some(qemu_device.to_string()),
                libvirt_model: libvirt_model.map(str::to_string),
                placement,
                pci_id: None,
                interfaces: Vec::new(),
            },
            bus,
            parent,
            rule,
        )
    }

    fn named(&self, name: &str, placement: Placement) -> Option<Realised> {
        placement::named(self.catalogue, name, placement)
    }

    fn hosts(&self) -> &'a [Host] {
        self.target.hosts
    }

    fn host_names(&self) -> String {
        self.hosts()
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every host has QEMU device `qemu_device`.
    fn all_have(&self, qemu_device: &str) -> bool {
        self.hosts().iter().all(|h| h.devices.has(qemu_device))
    }

    /// Whether the OS drives virtio `class`, and how to ask for it here.
    /// `Err` explains why not (no driver, or a driver the policy rules out,
    /// or legacy-only on PCI Express without transitional models).
    fn virtio_mode(
        &self,
        class: VirtioClass,
    ) -> Result<(Mode, Vec<String>, Vec<FactRef>), (String, Vec<FactRef>)> {
        let v = self.os.virtio(class);
        let facts: Vec<FactRef> = v.fact.iter().cloned().collect();
        if !v.legacy && !v.modern {
            return Err((
                format!("{} has no virtio {} driver", self.os.short_id, class.name),
                facts,
            ));
        }
        let mut reasons = Vec::new();
        if let Some(driver) = &v.driver {
            if self.target.policy.drivers == DriversPolicy::None {
                return Err((
                    format!(
                        "the virtio {} driver comes from {driver}, which is not available at install time (--drivers none)",
                        class.name
                    ),
                    facts,
                ));
            }
            reasons.push(format!(
                "the driver comes from {driver} (--drivers virtio-win)"
            ));
        }
        let explicit = self.target.policy.models == ModelsPolicy::Explicit;
        let mode = match self.board {
            Board::Ccw => Mode::Plain,
            Board::Pci => {
                if explicit && class.legacy_pci.is_some() {
                    if v.modern {
                        Mode::NonTransitional
                    } else {
                        Mode::Transitional
                    }
                } else {
                    reasons.push(format!(
                        "plain virtio on a conventional PCI slot is transitional: {} drivers bind it",
                        if v.modern { "modern" } else { "legacy" }
                    ));
                    Mode::Plain
                }
            }
            Board::Pcie => {
                if v.modern {
                    reasons.push("the OS drives the modern (virtio 1.0) interface, which PCI Express devices show".into());
                    if explicit && class.legacy_pci.is_some() {
                        Mode::NonTransitional
                    } else {
                        Mode::Plain
                    }
                } else if self.transitional {
                    reasons.push(format!(
                        "legacy-only driver: plain virtio behind a root port would be modern-only ({}), so virtio-transitional on a conventional PCI slot",
                        class_modern_id(class)
                    ));
                    Mode::Transitional
                } else {
                    return Err((
                        format!(
                            "{} drives only the legacy virtio {} interface and not every host ({}) has the transitional models (QEMU >= 4.0 and libvirt >= 5.2)",
                            self.os.short_id,
                            class.name,
                            self.host_names()
                        ),
                        facts,
                    ));
                }
            }
        };
        Ok((mode, reasons, facts))
    }

    fn virtio_device(
        &self,
        class: VirtioClass,
        mode: Mode,
        prefer: Option<&str>,
    ) -> Option<Realised> {
        placement::virtio(self.catalogue, class, mode, self.board, prefer)
    }
}

fn class_modern_id(class: VirtioClass) -> String {
    format!("1af4:{:04x}", class.modern_pci())
}

fn vclass(name: &str) -> VirtioClass {
    VirtioClass::by_name(name).unwrap_or(VirtioClass::ALL[0])
}

/// Applies every rule in order.
pub(super) fn run(
    os: &OsFacts,
    catalogue: &[DeviceModel],
    target: &Target,
) -> Result<Recommendation, NoRecommendation> {
    let arch = target.arch;
    let mut ctx = Ctx {
        os,
        catalogue,
        target,
        arch,
        x86: matches!(arch, "x86_64" | "i686"),
        family: "",
        board: Board::Pci,
        transitional: false,
        scsi: None,
        usb: None,
        rules: Vec::new(),
        warnings: Vec::new(),
        devices: Vec::new(),
        counters: Default::default(),
    };
    if target.hosts.is_empty() {
        return Err(ctx.fail("arch", "no host given".into()));
    }
    os_fallback(&mut ctx);
    check_arch(&mut ctx)?;
    chipset(&mut ctx)?;
    disk(&mut ctx);
    cdrom(&mut ctx);
    net(&mut ctx);
    rng(&mut ctx);
    balloon(&mut ctx);
    console(&mut ctx);
    video(&mut ctx);
    usb(&mut ctx);
    input(&mut ctx);
    let machine = machine_version(&mut ctx)?;
    let mut firmware = firmware(&mut ctx)?;
    firmware.tpm = tpm(&mut ctx);
    if firmware.tpm.is_some() {
        let model = firmware
            .tpm
            .as_ref()
            .map(|t| t.model.clone())
            .unwrap_or_default();
        let placement = if model == "tpm-tis" {
            Placement::Isa
        } else {
            Placement::Platform
        };
        let r = ctx.named(&model, placement).unwrap_or(Realised {
            catalogue: None,
            qemu_device: Some(model.clone()),
            libvirt_model: Some(model.clone()),
            placement,
            pci_id: None,
            interfaces: Vec::new(),
        });
        ctx.add("tpm", "TPM", "tpm", r, None, None, "tpm");
    }
    pci_topology(&mut ctx);
    end_of_life(&mut ctx);
    let resources = resources(os);
    Ok(Recommendation {
        os: OsRef {
            id: os.id.clone(),
            short_id: os.short_id.clone(),
            name: os.name.clone(),
        },
        arch: arch.to_string(),
        host: target.hosts[0].name.clone(),
        migrate_to: target.hosts[1..].iter().map(|h| h.name.clone()).collect(),
        policy: target.policy,
        machine,
        firmware,
        resources,
        devices: ctx.devices,
        warnings: ctx.warnings,
        rules: ctx.rules,
    })
}

fn os_fallback(ctx: &mut Ctx) {
    if let Some(f) = &ctx.os.fallback {
        let message = format!(
            "'{}' is not in the dataset; {} ({}) stands in for it: {}",
            f.requested, ctx.os.short_id, ctx.os.name, f.reason
        );
        ctx.warn("fallback", message.clone());
        ctx.trace(
            "os-fallback",
            format!("use {}", ctx.os.short_id),
            vec![message],
            Vec::new(),
        );
    }
}

fn check_arch(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let lacking: Vec<&str> = ctx
        .hosts()
        .iter()
        .filter(|h| !h.arches.iter().any(|a| a == ctx.arch))
        .map(|h| h.name.as_str())
        .collect();
    if !lacking.is_empty() {
        return Err(ctx.fail(
            "arch",
            format!(
                "{} cannot run {} guests (it offers {})",
                lacking.join(", "),
                ctx.arch,
                ctx.hosts()
                    .iter()
                    .find(|h| lacking.contains(&h.name.as_str()))
                    .map(|h| h.arches.join(", "))
                    .unwrap_or_default()
            ),
        ));
    }
    let t: Vec<String> = ctx
        .hosts()
        .iter()
        .map(|h| h.transitional.why.clone())
        .collect();
    ctx.transitional = ctx.hosts().iter().all(|h| h.transitional.available);
    ctx.trace(
        "arch",
        ctx.arch.to_string(),
        vec![
            format!("every host runs {} guests: {}", ctx.arch, ctx.host_names()),
            format!(
                "transitional virtio models {} on every host: {}",
                if ctx.transitional {
                    "available"
                } else {
                    "not available"
                },
                t.join("; ")
            ),
        ],
        Vec::new(),
    );
    Ok(())
}

/// The machine family of a non-x86 board.
fn board_family(arch: &str) -> Option<(&'static str, Board)> {
    match arch {
        "aarch64" | "riscv64" => Some(("virt", Board::Pcie)),
        "ppc64le" | "ppc64" => Some(("pseries", Board::Pci)),
        "s390x" => Some(("s390-ccw-virtio", Board::Ccw)),
        _ => None,
    }
}

fn offered_by_all(ctx: &Ctx, family: &str) -> bool {
    ctx.hosts().iter().all(|h| {
        h.machines_for(ctx.arch)
            .iter()
            .any(|m| m.family == family && m.variant.is_none())
    })
}

/// The virtio classes the recommendation would use whose OS driver is
/// legacy-only (and usable under the policy).
fn legacy_only_classes(ctx: &Ctx) -> Vec<&'static str> {
    ["block", "net", "console", "rng", "balloon", "scsi"]
        .into_iter()
        .filter(|name| {
            let v = ctx.os.virtio(vclass(name));
            let usable =
                v.driver.is_none() || ctx.target.policy.drivers == DriversPolicy::VirtioWin;
            v.legacy && !v.modern && usable
        })
        .collect()
}

fn chipset(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    if !ctx.x86 {
        let Some((family, board)) = board_family(ctx.arch) else {
            return Err(ctx.fail(
                "chipset",
                format!("guestdb has no machine family for {} guests", ctx.arch),
            ));
        };
        ctx.family = family;
        ctx.board = board;
        ctx.trace(
            "chipset",
            family,
            vec![format!(
                "{} guests have one standard machine: {family}",
                ctx.arch
            )],
            Vec::new(),
        );
        return Ok(());
    }
    let os = ctx.os;
    let mut facts: Vec<FactRef> = Vec::new();
    facts.extend(os.q35.iter().map(|f| f.fact.clone()));
    facts.extend(os.i440fx.iter().map(|f| f.fact.clone()));
    let q35_os = os.q35.as_ref().map(|f| f.yes);
    let i440fx_os = os.i440fx.as_ref().map(|f| f.yes);
    let q35_hosts = offered_by_all(ctx, "q35");
    let i440fx_hosts = offered_by_all(ctx, "i440fx");
    let sb_required = os.secure_boot.as_ref().is_some_and(|s| s.required);
    if let Some(sb) = &os.secure_boot {
        facts.push(sb.fact.clone());
    }
    let legacy_only = legacy_only_classes(ctx);
    let mut reasons = Vec::new();
    let choice: &'static str = match ctx.target.policy.chipset {
        ChipsetPolicy::Q35 | ChipsetPolicy::I440fx => {
            let (c, os_says, hosts) = if ctx.target.policy.chipset == ChipsetPolicy::Q35 {
                ("q35", q35_os, q35_hosts)
            } else {
                ("i440fx", i440fx_os, i440fx_hosts)
            };
            reasons.push(format!("--chipset {c}"));
            if !hosts {
                return Err(ctx.fail(
                    "chipset",
                    format!(
                        "--chipset {c}, but not every host ({}) offers a {c} machine type",
                        ctx.host_names()
                    ),
                ));
            }
            match os_says {
                Some(false) => ctx.warn(
                    "unsupported",
                    format!(
                        "{} does not support the {c} chipset, but --chipset {c} asks for it",
                        os.short_id
                    ),
                ),
                None => ctx.warn(
                    "assumed",
                    format!(
                        "the dataset says nothing about {} on {c}; it may not boot",
                        os.short_id
                    ),
                ),
                Some(true) => {}
            }
            c
        }
        ChipsetPolicy::Auto => {
            let sb_wanted = sb_required || ctx.target.policy.secure_boot;
            if sb_wanted && q35_hosts {
                reasons.push(format!(
                    "Secure Boot is {} and needs q35 (SMM)",
                    if sb_required {
                        "required by the OS"
                    } else {
                        "asked for (--secure-boot)"
                    }
                ));
                if q35_os == Some(false) {
                    ctx.warn(
                        "unsupported",
                        format!("{} needs Secure Boot, which needs q35, but the data says it does not support q35", os.short_id),
                    );
                }
                "q35"
            } else if q35_os == Some(true)
                && q35_hosts
                && (legacy_only.is_empty() || ctx.transitional)
            {
                reasons.push(format!(
                    "{} supports q35 and every host offers it",
                    os.short_id
                ));
                if !legacy_only.is_empty() {
                    reasons.push(format!(
                        "its virtio {} drivers are legacy-only; the transitional models keep them working on q35",
                        legacy_only.join(", ")
                    ));
                }
                "q35"
            } else if q35_os == Some(true) && q35_hosts && i440fx_hosts && i440fx_os != Some(false)
            {
                let message = format!(
                    "{} supports q35, but its virtio {} drivers are legacy-only and not every host has the transitional models (QEMU >= 4.0 and libvirt >= 5.2): i440fx, where plain virtio is transitional",
                    os.short_id,
                    legacy_only.join(", ")
                );
                reasons.push(message.clone());
                ctx.warn("no-transitional", message);
                "i440fx"
            } else if i440fx_hosts && i440fx_os != Some(false) {
                reasons.push(match q35_os {
                    Some(false) => format!("{} does not support q35", os.short_id),
                    None => format!("the dataset does not say that {} supports q35", os.short_id),
                    Some(true) => "not every host offers a q35 machine type".to_string(),
                });
                "i440fx"
            } else if q35_hosts {
                reasons.push("not every host offers an i440fx machine type".into());
                if q35_os != Some(true) {
                    ctx.warn(
                        "assumed",
                        format!(
                            "{} is not known to support q35, the only chipset every host offers",
                            os.short_id
                        ),
                    );
                }
                "q35"
            } else {
                return Err(ctx.fail(
                    "chipset",
                    format!(
                        "no chipset both {} supports and every host ({}) offers",
                        os.short_id,
                        ctx.host_names()
                    ),
                ));
            }
        }
    };
    ctx.family = choice;
    ctx.board = if choice == "q35" {
        Board::Pcie
    } else {
        Board::Pci
    };
    ctx.trace("chipset", choice, reasons, facts);
    Ok(())
}

fn disk(ctx: &mut Ctx) {
    let class = vclass("block");
    match ctx.virtio_mode(class) {
        Ok((mode, reasons, facts)) => {
            if let Some(r) = ctx.virtio_device(class, mode, None) {
                let decision = format!(
                    "virtio-blk ({})",
                    r.libvirt_model.clone().unwrap_or_default()
                );
                ctx.add(
                    "disk",
                    "system disk",
                    "disk",
                    r,
                    Some("virtio"),
                    None,
                    "disk",
                );
                ctx.trace("disk", decision, reasons, facts);
                return;
            }
        }
        Err((why, facts)) => {
            let (bus, controller) = match ctx.board {
                Board::Pcie if ctx.x86 => ("sata", "ich9-ahci"),
                Board::Pci if ctx.x86 => ("ide", "piix3-ide"),
                _ => {
                    // Boards without emulated disk controllers: virtio anyway.
                    let r = ctx.virtio_device(class, Mode::Plain, None);
                    ctx.warn(
                        "assumed",
                        format!(
                            "{why}; {} has no emulated disk controller, so virtio-blk anyway",
                            ctx.family
                        ),
                    );
                    if let Some(r) = r {
                        ctx.add(
                            "disk",
                            "system disk",
                            "disk",
                            r,
                            Some("virtio"),
                            None,
                            "disk",
                        );
                    }
                    ctx.trace("disk", "virtio-blk (assumed)", vec![why], facts);
                    return;
                }
            };
            let id = storage_controller(ctx, controller);
            let qemu = "ide-hd";
            ctx.add_plain(
                "disk",
                "system disk",
                "disk",
                qemu,
                None,
                Some(bus),
                Placement::Controller,
                Some(id),
                "disk",
            );
            ctx.trace(
                "disk",
                format!("{bus} disk"),
                vec![
                    why,
                    format!("{} drives the chipset's {bus} controller", ctx.os.short_id),
                ],
                facts,
            );
        }
    }
}

/// The chipset's storage controller (integrated), added once.
fn storage_controller(ctx: &mut Ctx, name: &str) -> String {
    if let Some(d) = ctx
        .devices
        .iter()
        .find(|d| d.catalogue.as_deref() == Some(name))
    {
        return d.id.clone();
    }
    let role = if name == "ich9-ahci" {
        "SATA controller (integrated at 00:1f.2)"
    } else {
        "IDE controller (integrated at 00:01.1)"
    };
    let r = ctx.named(name, Placement::Integrated).unwrap_or(Realised {
        catalogue: None,
        qemu_device: Some(name.to_string()),
        libvirt_model: None,
        placement: Placement::Integrated,
        pci_id: None,
        interfaces: Vec::new(),
    });
    ctx.add("controller", role, "ctl", r, None, None, "disk")
}

fn cdrom(ctx: &mut Ctx) {
    let mut reasons = Vec::new();
    let mut facts = Vec::new();
    match ctx.board {
        Board::Pcie if ctx.x86 => {
            let id = storage_controller(ctx, "ich9-ahci");
            ctx.add_plain(
                "cdrom",
                "install medium",
                "cd",
                "ide-cd",
                None,
                Some("sata"),
                Placement::Controller,
                Some(id),
                "cdrom",
            );
            reasons.push(
                "q35's SATA controller: every OS that supports q35 drives it, installers included"
                    .into(),
            );
            ctx.trace("cdrom", "sata", reasons, facts);
        }
        Board::Pci if ctx.x86 => {
            let id = storage_controller(ctx, "piix3-ide");
            ctx.add_plain(
                "cdrom",
                "install medium",
                "cd",
                "ide-cd",
                None,
                Some("ide"),
                Placement::Controller,
                Some(id),
                "cdrom",
            );
            reasons.push("i440fx's IDE controller".into());
            ctx.trace("cdrom", "ide", reasons, facts);
        }
        _ => {
            // SCSI: virtio-scsi where the OS drives it; pseries has spapr-vscsi.
            let class = vclass("scsi");
            let controller = match ctx.virtio_mode(class) {
                Ok((mode, r, f)) => {
                    reasons.extend(r);
                    facts.extend(f);
                    ctx.virtio_device(class, mode, None)
                }
                Err((why, f)) => {
                    facts.extend(f);
                    reasons.push(why);
                    None
                }
            };
            let controller = match (controller, ctx.family) {
                (Some(r), _) => Some(r),
                (None, "pseries") => Some(Realised {
                    catalogue: None,
                    qemu_device: Some("spapr-vscsi".into()),
                    libvirt_model: Some("ibmvscsi".into()),
                    placement: Placement::Platform,
                    pci_id: None,
                    interfaces: Vec::new(),
                }),
                (None, _) => {
                    ctx.warn(
                        "assumed",
                        format!(
                            "{} drives no SCSI controller guestdb knows; virtio-scsi anyway",
                            ctx.os.short_id
                        ),
                    );
                    ctx.virtio_device(class, Mode::Plain, None)
                }
            };
            if let Some(r) = controller {
                let decision = format!("scsi ({})", r.qemu_device.clone().unwrap_or_default());
                let id = ctx.add(
                    "scsi",
                    "SCSI controller (install medium)",
                    "scsi",
                    r,
                    None,
                    None,
                    "cdrom",
                );
                ctx.scsi = Some(id.clone());
                ctx.add_plain(
                    "cdrom",
                    "install medium",
                    "cd",
                    "scsi-cd",
                    None,
                    Some("scsi"),
                    Placement::Controller,
                    Some(id),
                    "cdrom",
                );
                reasons.push(format!("{} has no SATA or IDE", ctx.family));
                ctx.trace("cdrom", decision, reasons, facts);
            }
        }
    }
}

fn net(ctx: &mut Ctx) {
    let class = vclass("net");
    match ctx.virtio_mode(class) {
        Ok((mode, reasons, facts)) => {
            if let Some(r) = ctx.virtio_device(class, mode, None) {
                let decision = format!(
                    "virtio-net ({})",
                    r.libvirt_model.clone().unwrap_or_default()
                );
                ctx.add("net", "network interface", "net", r, None, None, "net");
                ctx.trace("net", decision, reasons, facts);
            }
        }
        Err((why, mut facts)) => {
            let order: &[&str] = if ctx.board == Board::Pcie {
                &["e1000e", "e1000", "rtl8139"]
            } else {
                &["e1000", "rtl8139", "e1000e"]
            };
            let mut reasons = vec![why];
            let listed = order
                .iter()
                .find(|n| ctx.os.device(n).is_some() && ctx.all_have(&qemu_of(ctx.catalogue, n)));
            let name = match listed {
                Some(n) => {
                    facts.extend(ctx.os.device(n).cloned());
                    reasons.push(format!("{} drives {n}", ctx.os.short_id));
                    *n
                }
                None => {
                    let n = order[0];
                    ctx.warn(
                        "assumed",
                        format!(
                            "the dataset lists no network card {} drives; {n} assumed",
                            ctx.os.short_id
                        ),
                    );
                    reasons.push(format!(
                        "no network card listed for {}; {n}, the chipset's usual one",
                        ctx.os.short_id
                    ));
                    n
                }
            };
            let placement = placement::emulated_placement(ctx.board, name == "e1000e");
            if let Some(r) = ctx.named(name, placement) {
                ctx.add("net", "network interface", "net", r, None, None, "net");
            }
            ctx.trace("net", name, reasons, facts);
        }
    }
}

fn qemu_of(catalogue: &[DeviceModel], name: &str) -> String {
    catalogue
        .iter()
        .find(|d| d.name == name)
        .and_then(|d| d.qemu_devices.first())
        .map(|r| r.name.clone())
        .unwrap_or_else(|| name.to_string())
}

fn rng(ctx: &mut Ctx) {
    let class = vclass("rng");
    match ctx.virtio_mode(class) {
        Ok((mode, reasons, facts)) => {
            if let Some(r) = ctx.virtio_device(class, mode, None) {
                let decision = format!(
                    "virtio-rng ({})",
                    r.libvirt_model.clone().unwrap_or_default()
                );
                ctx.add(
                    "rng",
                    "entropy source (host /dev/urandom)",
                    "rng",
                    r,
                    None,
                    None,
                    "rng",
                );
                ctx.trace("rng", decision, reasons, facts);
            }
        }
        Err((why, facts)) => ctx.trace("rng", "none", vec![why], facts),
    }
}

fn balloon(ctx: &mut Ctx) {
    let class = vclass("balloon");
    match ctx.virtio_mode(class) {
        Ok((mode, reasons, facts)) => {
            if let Some(r) = ctx.virtio_device(class, mode, None) {
                let decision = format!(
                    "virtio-balloon ({})",
                    r.libvirt_model.clone().unwrap_or_default()
                );
                ctx.add(
                    "balloon",
                    "memory balloon",
                    "balloon",
                    r,
                    None,
                    None,
                    "balloon",
                );
                ctx.trace("balloon", decision, reasons, facts);
            }
        }
        Err((why, facts)) => {
            ctx.add_plain(
                "balloon",
                "memory balloon: none",
                "balloon",
                "none",
                Some("none"),
                None,
                Placement::Absent,
                None,
                "balloon",
            );
            if let Some(d) = ctx.devices.last_mut() {
                d.qemu_device = None;
            }
            ctx.trace(
                "balloon",
                "none",
                vec![
                    why,
                    "model='none': libvirt would otherwise add a plain virtio balloon".into(),
                ],
                facts,
            );
        }
    }
}

fn console(ctx: &mut Ctx) {
    // The serial console the board has.
    let (qemu, placement, model) = match ctx.family {
        "virt" => ("pl011", Placement::Platform, "pl011"),
        "pseries" => ("spapr-vty", Placement::Platform, "spapr-vio-serial"),
        "s390-ccw-virtio" => ("sclpconsole", Placement::Platform, "sclp"),
        _ => ("isa-serial", Placement::Isa, "isa-serial"),
    };
    let r = ctx.named(qemu, placement).unwrap_or(Realised {
        catalogue: None,
        qemu_device: Some(qemu.to_string()),
        libvirt_model: Some(model.to_string()),
        placement,
        pci_id: None,
        interfaces: Vec::new(),
    });
    ctx.add(
        "console",
        "serial console",
        "serial",
        r,
        None,
        None,
        "console",
    );
    let class = vclass("console");
    match ctx.virtio_mode(class) {
        Ok((mode, mut reasons, facts)) => {
            if let Some(r) = ctx.virtio_device(class, mode, None) {
                let decision = format!(
                    "{qemu} and virtio-serial ({})",
                    r.libvirt_model.clone().unwrap_or_default()
                );
                let id = ctx.add(
                    "console",
                    "virtio-serial controller (guest agent)",
                    "vserial",
                    r,
                    None,
                    None,
                    "console",
                );
                ctx.add_plain(
                    "console",
                    "guest agent channel org.qemu.guest_agent.0",
                    "channel",
                    "virtserialport",
                    None,
                    Some("virtio"),
                    Placement::VirtioSerial,
                    Some(id),
                    "console",
                );
                reasons.push("a channel for the QEMU guest agent".into());
                ctx.trace("console", decision, reasons, facts);
            }
        }
        Err((why, facts)) => ctx.trace(
            "console",
            qemu,
            vec![
                why,
                "no virtio-serial controller (libvirt would add a plain virtio one for a channel)"
                    .into(),
            ],
            facts,
        ),
    }
}

fn video(ctx: &mut Ctx) {
    let os = ctx.os;
    let gpu = vclass("gpu");
    let mut reasons = Vec::new();
    let mut facts = Vec::new();
    if ctx.family == "s390-ccw-virtio" {
        ctx.trace(
            "video",
            "none",
            vec!["s390x guests use the serial (SCLP) console".into()],
            facts,
        );
        return;
    }
    // Modern-only: virtio-gpu only when the OS drives its modern interface.
    match ctx.virtio_mode(gpu) {
        Ok((mode, r, f)) if os.virtio(gpu).modern => {
            let prefer = if ctx.x86 {
                "virtio-vga"
            } else {
                "virtio-gpu-pci"
            };
            if ctx.all_have(prefer) {
                if let Some(mut dev) = ctx.virtio_device(gpu, mode, Some(prefer)) {
                    if ctx.x86 {
                        // The primary display sits on the root bus like other VGA devices.
                        dev.placement = if ctx.board == Board::Pcie {
                            Placement::PcieRoot
                        } else {
                            Placement::PciSlot
                        };
                    }
                    reasons.extend(r);
                    reasons.push(format!("{} has a modern virtio-gpu driver", os.short_id));
                    facts.extend(f);
                    ctx.add("video", "display", "video", dev, None, None, "video");
                    ctx.trace("video", "virtio", reasons, facts);
                    return;
                }
            }
        }
        Ok((_, _, f)) | Err((_, f)) => {
            facts.extend(f);
            reasons.push(format!(
                "no modern virtio-gpu driver for {} (a modern-only device)",
                os.short_id
            ));
        }
    }
    let primary = if ctx.board == Board::Pcie {
        Placement::PcieRoot
    } else {
        Placement::PciSlot
    };
    let qxl_inbox = os.device("qxl").cloned();
    let qxl_driver =
        os.driver_device("qxl") && ctx.target.policy.drivers == DriversPolicy::VirtioWin;
    if ctx.x86 && (qxl_inbox.is_some() || qxl_driver) && ctx.all_have("qxl-vga") {
        facts.extend(qxl_inbox);
        reasons.push(if qxl_driver {
            "the QXL driver comes with virtio-win's guest tools (--drivers virtio-win)".to_string()
        } else {
            format!("{} drives QXL", os.short_id)
        });
        if let Some(mut r) = ctx.named("qxl", primary) {
            r.qemu_device = Some("qxl-vga".into());
            ctx.add("video", "display", "video", r, None, None, "video");
        }
        ctx.trace("video", "qxl", reasons, facts);
        return;
    }
    if ctx.x86 || ctx.family == "pseries" {
        reasons.push("standard VGA: every x86 OS drives it (VESA/VGA), installers included".into());
        if let Some(r) = ctx.named("vga", primary) {
            ctx.add("video", "display", "video", r, None, None, "video");
        }
        ctx.trace("video", "vga", reasons, facts);
    } else {
        reasons.push("ramfb: a boot framebuffer without PCI".into());
        ctx.add_plain(
            "video",
            "display (boot framebuffer)",
            "video",
            "ramfb",
            Some("ramfb"),
            None,
            Placement::Platform,
            None,
            "video",
        );
        ctx.trace("video", "ramfb", reasons, facts);
    }
}

fn usb(ctx: &mut Ctx) {
    if ctx.family == "s390-ccw-virtio" {
        ctx.trace("usb", "none", vec!["s390x has no USB".into()], Vec::new());
        return;
    }
    let os = ctx.os;
    let xhci = os
        .device("qemu-xhci")
        .or_else(|| os.device("nec-xhci"))
        .cloned();
    let mut facts = Vec::new();
    let mut reasons = Vec::new();
    if xhci.is_some() || !ctx.x86 {
        match &xhci {
            Some(f) => {
                facts.push(f.clone());
                reasons.push(format!("{} has an xHCI driver", os.short_id));
            }
            None => reasons.push(format!("{} boards use xHCI (assumed driven)", ctx.family)),
        }
        let placement = placement::emulated_placement(ctx.board, true);
        if let Some(r) = ctx.named("qemu-xhci", placement) {
            let id = ctx.add("usb", "USB 3 controller", "usb", r, None, None, "usb");
            ctx.usb = Some(id);
        }
        ctx.trace("usb", "qemu-xhci", reasons, facts);
        return;
    }
    reasons.push(format!(
        "the dataset lists no xHCI driver for {}",
        os.short_id
    ));
    if ctx.board == Board::Pcie {
        // libvirt places the ICH9 set at 00:1d on the root complex.
        let mut ids = Vec::new();
        for name in ["ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3"] {
            if let Some(r) = ctx.named(name, Placement::PcieRoot) {
                let role = if name == "ich9-ehci1" {
                    "USB 2 controller (EHCI)"
                } else {
                    "USB 1 companion (UHCI)"
                };
                let parent = ids.first().cloned();
                ids.push(ctx.add("usb", role, "usb", r, None, parent, "usb"));
            }
        }
        ctx.usb = ids.first().cloned();
        reasons
            .push("ICH9 EHCI with its UHCI companions, as libvirt's ich9-ehci1 model gives".into());
        ctx.trace("usb", "ich9-ehci1", reasons, facts);
    } else {
        if let Some(r) = ctx.named("piix3-uhci", Placement::Integrated) {
            let id = ctx.add(
                "usb",
                "USB 1 controller (integrated at 00:01.2)",
                "usb",
                r,
                None,
                None,
                "usb",
            );
            ctx.usb = Some(id);
        }
        reasons.push("i440fx's PIIX3 UHCI".into());
        ctx.trace("usb", "piix3-uhci", reasons, facts);
    }
}

fn input(ctx: &mut Ctx) {
    let os = ctx.os;
    let mut reasons = Vec::new();
    let mut facts = Vec::new();
    let mut decision = Vec::new();
    if ctx.x86 {
        for (name, role) in [
            ("ps2-keyboard", "PS/2 keyboard"),
            ("ps2-mouse", "PS/2 mouse"),
        ] {
            let r = ctx.named(name, Placement::Ps2).unwrap_or(Realised {
                catalogue: None,
                qemu_device: None,
                libvirt_model: None,
                placement: Placement::Ps2,
                pci_id: None,
                interfaces: Vec::new(),
            });
            ctx.add("input", role, "input", r, Some("ps2"), None, "input");
        }
        reasons.push(
            "the chipset's PS/2 keyboard and mouse (libvirt adds them by itself; stated here)"
                .into(),
        );
        decision.push("ps2");
    }
    let Some(usb) = ctx.usb.clone() else {
        ctx.trace(
            "input",
            if decision.is_empty() {
                "none".into()
            } else {
                decision.join(" + ")
            },
            reasons,
            facts,
        );
        return;
    };
    if !ctx.x86 {
        if let Some(r) = ctx.named("usb-keyboard", Placement::Usb) {
            ctx.add(
                "input",
                "USB keyboard",
                "input",
                r,
                Some("usb"),
                Some(usb.clone()),
                "input",
            );
            decision.push("usb keyboard");
            reasons.push(format!("{} has no PS/2", ctx.family));
        }
    }
    let tablet = os.device("tablet").cloned();
    if tablet.is_some() || !ctx.x86 {
        if let Some(f) = tablet {
            facts.push(f);
            reasons.push(format!(
                "{} drives the USB tablet (absolute pointer)",
                os.short_id
            ));
        }
        if let Some(r) = ctx.named("tablet", Placement::Usb) {
            ctx.add(
                "input",
                "USB tablet",
                "input",
                r,
                Some("usb"),
                Some(usb),
                "input",
            );
            decision.push("usb tablet");
        }
    } else {
        reasons.push(format!(
            "no USB tablet: the dataset does not say {} drives one",
            os.short_id
        ));
    }
    ctx.trace("input", decision.join(" + "), reasons, facts);
}

/// Orders candidate types: not deprecated first, upstream before downstream, newest first.
fn preference(
    m: &MachineType,
    deprecated_anywhere: bool,
) -> (bool, bool, std::cmp::Reverse<(u32, u32, u32)>) {
    (
        deprecated_anywhere,
        m.origin != Origin::Upstream,
        std::cmp::Reverse(m.rank),
    )
}

fn machine_version(ctx: &mut Ctx) -> Result<Machine, NoRecommendation> {
    let family = ctx.family;
    let arch = ctx.arch;
    let hosts = ctx.hosts();
    let first = &hosts[0];
    let candidates: Vec<&MachineType> = first
        .machines_for(arch)
        .iter()
        .filter(|m| m.family == family && m.variant.is_none())
        .filter(|m| {
            hosts[1..]
                .iter()
                .all(|h| h.machines_for(arch).iter().any(|o| o.name == m.name))
        })
        .collect();
    let deprecated_on = |name: &str| -> Vec<&str> {
        hosts
            .iter()
            .filter(|h| {
                h.machines_for(arch)
                    .iter()
                    .any(|o| o.name == name && o.deprecated)
            })
            .map(|h| h.name.as_str())
            .collect()
    };
    let best = candidates
        .iter()
        .min_by_key(|m| preference(m, !deprecated_on(&m.name).is_empty()))
        .copied();
    let Some(best) = best else {
        let per_host: Vec<String> = hosts
            .iter()
            .map(|h| {
                let mine: Vec<&MachineType> = h
                    .machines_for(arch)
                    .iter()
                    .filter(|m| m.family == family && m.variant.is_none())
                    .collect();
                let origins: Vec<String> = {
                    let mut o: Vec<String> = mine
                        .iter()
                        .map(|m| match &m.origin {
                            Origin::Upstream => "upstream".to_string(),
                            Origin::Downstream { line } => line.clone(),
                        })
                        .collect();
                    o.sort();
                    o.dedup();
                    o
                };
                match (mine.first(), mine.last()) {
                    (Some(newest), Some(oldest)) => format!(
                        "{} offers {} to {} ({} types)",
                        h.name,
                        oldest.name,
                        newest.name,
                        origins.join(" and ")
                    ),
                    _ => format!("{} offers no {family} type", h.name),
                }
            })
            .collect();
        let downstream_mix = hosts.iter().any(|h| {
            h.machines_for(arch)
                .iter()
                .any(|m| m.family == family && matches!(m.origin, Origin::Downstream { .. }))
        }) && hosts.iter().any(|h| {
            h.machines_for(arch)
                .iter()
                .all(|m| m.family != family || m.origin == Origin::Upstream)
        });
        let hint = if downstream_mix {
            "; a distribution that replaces QEMU's machine types with its own (RHEL's pc-q35-rhelX.Y.0) never shares one with upstream QEMU (pc-q35-X.Y), so a VM cannot live-migrate between them"
        } else {
            ""
        };
        return Err(ctx.fail(
            "machine-version",
            format!(
                "no {family} machine type is offered by every host: {}{hint}",
                per_host.join("; ")
            ),
        ));
    };
    let dep_hosts = deprecated_on(&best.name);
    let mut reasons = vec![format!(
        "{} is the newest {family} type {}{}",
        best.name,
        if hosts.len() > 1 {
            format!("every host ({}) offers", ctx.host_names())
        } else {
            format!("{} offers", first.name)
        },
        if dep_hosts.is_empty() {
            " that is not deprecated"
        } else {
            ""
        }
    )];
    let newest_here = first
        .machines_for(arch)
        .iter()
        .find(|m| m.family == family && m.variant.is_none());
    if let Some(n) = newest_here.filter(|n| n.name != best.name) {
        reasons.push(format!(
            "{} offers the newer {}, but not every host does (or it is deprecated)",
            first.name, n.name
        ));
    }
    let mut facts = vec![FactRef::new(
        format!("{} follows from the machine-type catalogue", best.name),
        best.at.to_string(),
    )];
    if let Some(by) = &best.deprecated_by {
        facts.push(FactRef::new(by.clone(), best.at.to_string()));
    }
    if !dep_hosts.is_empty() {
        let message = format!(
            "{} is deprecated on {} and is the only {family} type {}",
            best.name,
            dep_hosts.join(", "),
            if hosts.len() > 1 {
                "every host offers"
            } else {
                "offered"
            }
        );
        reasons.push(message.clone());
        ctx.warn("deprecated-machine", message);
    }
    let alias = best.aliases.first().cloned();
    if let Some(a) = &alias {
        reasons.push(format!("'{a}' points to it on {}; the versioned name keeps the guest ABI fixed across upgrades", first.name));
    }
    ctx.trace("machine-version", best.name.clone(), reasons, facts);
    Ok(Machine {
        name: best.name.clone(),
        family: family.to_string(),
        alias,
        deprecated: !dep_hosts.is_empty(),
        qemu_version: best.qemu_version.map(|v| v.to_string()),
        origin: match &best.origin {
            Origin::Upstream => "upstream".to_string(),
            Origin::Downstream { line } => line.clone(),
        },
    })
}

fn firmware(ctx: &mut Ctx) -> Result<FirmwareChoice, NoRecommendation> {
    let os = ctx.os;
    let arch = ctx.arch;
    let policy = ctx.target.policy;
    let mut facts: Vec<FactRef> = Vec::new();
    facts.extend(os.bios.iter().map(|f| f.fact.clone()));
    facts.extend(os.efi.iter().map(|f| f.fact.clone()));
    let mut reasons = Vec::new();
    let efi_supported = os.efi.as_ref().is_some_and(|f| f.supported);
    let bios_unsupported = os.bios.as_ref().is_some_and(|f| !f.supported);
    let efi_required = efi_supported && bios_unsupported;
    let efi_preferred = os.efi.as_ref().is_some_and(|f| f.preferred);
    let sb_required = os.secure_boot.as_ref().is_some_and(|s| s.required);
    if let Some(sb) = &os.secure_boot {
        facts.push(sb.fact.clone());
    }
    let board_firmware: Option<FirmwareType> = match ctx.family {
        "virt" => Some(FirmwareType::Efi),
        "pseries" | "s390-ccw-virtio" => Some(FirmwareType::Bios),
        _ => None,
    };
    let hosts = ctx.hosts();
    let hosts_have = |kind: FirmwareType, sb: bool| {
        hosts.iter().all(|h| {
            h.firmware_for(arch)
                .any(|f| f.kind == kind && (!sb || f.secure_boot))
        })
    };
    let mut kind = match (board_firmware, policy.firmware) {
        (Some(k), p) => {
            reasons.push(match k {
                FirmwareType::Efi => format!("{} boots with UEFI only", ctx.family),
                FirmwareType::Bios => format!(
                    "{} boots with its own firmware ({})",
                    ctx.family,
                    if ctx.family == "pseries" {
                        "SLOF"
                    } else {
                        "s390-ccw"
                    }
                ),
            });
            if (p == FirmwarePolicy::Efi && k == FirmwareType::Bios)
                || (p == FirmwarePolicy::Bios && k == FirmwareType::Efi)
            {
                ctx.warn(
                    "unsupported",
                    format!(
                        "--firmware {} does not apply to {}",
                        if p == FirmwarePolicy::Efi {
                            "efi"
                        } else {
                            "bios"
                        },
                        ctx.family
                    ),
                );
            }
            k
        }
        (None, FirmwarePolicy::Efi) => {
            reasons.push("--firmware efi".into());
            if os.efi.as_ref().is_some_and(|f| !f.supported) {
                ctx.warn(
                    "unsupported",
                    format!(
                        "{} does not support UEFI, but --firmware efi asks for it",
                        os.short_id
                    ),
                );
            }
            FirmwareType::Efi
        }
        (None, FirmwarePolicy::Bios) => {
            reasons.push("--firmware bios".into());
            if efi_required {
                ctx.warn(
                    "unsupported",
                    format!(
                        "{} requires UEFI, but --firmware bios asks for BIOS",
                        os.short_id
                    ),
                );
            }
            FirmwareType::Bios
        }
        (None, FirmwarePolicy::Auto) => {
            if efi_required {
                reasons.push(format!(
                    "{} requires UEFI (it supports UEFI and not BIOS)",
                    os.short_id
                ));
                FirmwareType::Efi
            } else if sb_required || policy.secure_boot {
                reasons.push("Secure Boot needs UEFI".into());
                FirmwareType::Efi
            } else if efi_preferred && efi_supported {
                reasons.push(format!("{} prefers UEFI", os.short_id));
                FirmwareType::Efi
            } else {
                reasons.push(if bios_unsupported {
                    format!(
                        "{} lists no firmware it supports; BIOS assumed",
                        os.short_id
                    )
                } else {
                    "BIOS: the OS does not require or prefer UEFI (the default of QEMU and libvirt)"
                        .to_string()
                });
                FirmwareType::Bios
            }
        }
    };
    if !hosts_have(kind, false) && board_firmware.is_none() {
        let missing: Vec<&str> = ctx
            .hosts()
            .iter()
            .filter(|h| !h.firmware_for(arch).any(|f| f.kind == kind))
            .map(|h| h.name.as_str())
            .collect();
        if kind == FirmwareType::Efi && !efi_required && policy.firmware != FirmwarePolicy::Efi {
            ctx.warn(
                "unsupported",
                format!(
                    "{} has no UEFI firmware for {arch}; BIOS instead",
                    missing.join(", ")
                ),
            );
            kind = FirmwareType::Bios;
        } else {
            return Err(ctx.fail(
                "firmware",
                format!(
                    "{} needs {} firmware, which {} does not have for {arch}",
                    os.short_id,
                    kind.name(),
                    missing.join(", ")
                ),
            ));
        }
    }
    // Secure Boot.
    let sb_wanted = sb_required || policy.secure_boot;
    let mut secure_boot = false;
    if sb_wanted {
        if kind != FirmwareType::Efi {
            ctx.warn("unsupported", "Secure Boot needs UEFI; it stays off".into());
        } else if ctx.x86 && ctx.family != "q35" {
            ctx.warn(
                "unsupported",
                format!(
                    "Secure Boot needs q35 (SMM); on {} it stays off",
                    ctx.family
                ),
            );
        } else if !hosts_have(FirmwareType::Efi, true) {
            let missing: Vec<&str> = ctx
                .hosts()
                .iter()
                .filter(|h| {
                    !h.firmware_for(arch)
                        .any(|f| f.kind == FirmwareType::Efi && f.secure_boot)
                })
                .map(|h| h.name.as_str())
                .collect();
            ctx.warn(
                "unsupported",
                format!(
                    "{} has no Secure Boot firmware for {arch}; Secure Boot stays off",
                    missing.join(", ")
                ),
            );
        } else {
            secure_boot = true;
            reasons.push(if sb_required {
                format!("{} requires Secure Boot", os.short_id)
            } else {
                "--secure-boot".to_string()
            });
        }
    }
    let smm = secure_boot && ctx.x86;
    if smm {
        reasons.push("Secure Boot on x86 needs SMM, so the machine gets smm=on".into());
    }
    let files = ctx.hosts()[0]
        .firmware_for(arch)
        .find(|f| f.kind == kind && f.secure_boot == secure_boot)
        .or_else(|| ctx.hosts()[0].firmware_for(arch).find(|f| f.kind == kind))
        .cloned();
    ctx.trace(
        "firmware",
        format!(
            "{}{}",
            kind.name(),
            if secure_boot { " with Secure Boot" } else { "" }
        ),
        reasons,
        facts,
    );
    Ok(FirmwareChoice {
        kind: kind.name().to_string(),
        secure_boot,
        smm,
        tpm: None,
        code: files.as_ref().and_then(|f| f.code.clone()),
        vars: files.as_ref().and_then(|f| f.vars.clone()),
    })
}

fn tpm(ctx: &mut Ctx) -> Option<TpmChoice> {
    let os = ctx.os;
    let required: Vec<&super::facts::TpmFacts> = os.tpm.iter().filter(|t| t.required).collect();
    let facts: Vec<FactRef> = os.tpm.iter().map(|t| t.fact.clone()).collect();
    let Some(want) = required.iter().max_by(|a, b| a.version.cmp(&b.version)) else {
        ctx.trace(
            "tpm",
            "none",
            vec![format!("{} does not require a TPM", os.short_id)],
            facts,
        );
        return None;
    };
    let version = want.version.clone();
    let preferred: &[&str] = if ctx.x86 {
        if version == "2.0" {
            &["tpm-crb", "tpm-tis"]
        } else {
            &["tpm-tis"]
        }
    } else {
        &["tpm-tis-device"]
    };
    let model = preferred.iter().find(|m| {
        ctx.hosts().iter().all(|h| {
            h.tpm_for(ctx.arch)
                .any(|t| &t.model == *m && t.versions.iter().any(|v| *v == version))
        })
    });
    match model {
        Some(m) => {
            ctx.trace(
                "tpm",
                format!("{m} {version}"),
                vec![format!("{} requires TPM {version}; every host offers {m} with an emulated TPM {version}", os.short_id)],
                facts,
            );
            Some(TpmChoice {
                model: m.to_string(),
                version,
            })
        }
        None => {
            let message = format!(
                "{} requires TPM {version}, but not every host ({}) offers one for {}: the guest will lack it",
                os.short_id,
                ctx.host_names(),
                ctx.arch
            );
            ctx.warn("unsupported", message.clone());
            ctx.trace("tpm", "none", vec![message], facts);
            None
        }
    }
}

fn pci_topology(ctx: &mut Ctx) {
    if ctx.board != Board::Pcie {
        let slots = ctx
            .devices
            .iter()
            .filter(|d| d.placement == Placement::PciSlot)
            .count();
        ctx.trace(
            "pci-topology",
            if ctx.board == Board::Pci {
                "root bus"
            } else {
                "none"
            },
            vec![if ctx.board == Board::Pci {
                format!("{slots} devices on conventional PCI slots of the root bus")
            } else {
                "no PCI: virtio devices on the channel subsystem".to_string()
            }],
            Vec::new(),
        );
        if ctx.x86 && ctx.board == Board::Pci {
            add_internals(
                ctx,
                &["i440fx-host-bridge", "piix3-isa", "piix3-ide", "piix4-acpi"],
            );
        }
        return;
    }
    let mut reasons = Vec::new();
    let needs_bridge = ctx
        .devices
        .iter()
        .any(|d| d.placement == Placement::PciBridge);
    let mut ports = 0;
    let mut bridge_id = None;
    if needs_bridge {
        ports += 1;
        let port = ctx.named("pcie-root-port", Placement::PcieRoot);
        let port_id = port.map(|r| {
            ctx.add(
                "controller",
                "PCIe root port (for the pcie-to-pci-bridge)",
                "rp",
                r,
                None,
                None,
                "pci-topology",
            )
        });
        if let Some(r) = ctx.named("pcie-pci-bridge", Placement::PcieRootPort) {
            bridge_id = Some(ctx.add(
                "controller",
                "pcie-to-pci-bridge (conventional PCI slots)",
                "pcibr",
                r,
                None,
                port_id,
                "pci-topology",
            ));
        }
        reasons.push("conventional PCI devices (transitional virtio, PCI-only emulated cards) go behind a pcie-to-pci-bridge".into());
    }
    let endpoints: Vec<usize> = ctx
        .devices
        .iter()
        .enumerate()
        .filter(|(_, d)| d.placement == Placement::PcieRootPort && d.class != "controller")
        .map(|(i, _)| i)
        .collect();
    for i in endpoints {
        ports += 1;
        if let Some(r) = ctx.named("pcie-root-port", Placement::PcieRoot) {
            let port = ctx.add(
                "controller",
                "PCIe root port",
                "rp",
                r,
                None,
                None,
                "pci-topology",
            );
            ctx.devices[i].parent = Some(port);
        }
    }
    if let Some(b) = bridge_id {
        for d in ctx
            .devices
            .iter_mut()
            .filter(|d| d.placement == Placement::PciBridge && d.class != "controller")
        {
            d.parent = Some(b.clone());
        }
    }
    // A free port for hot-plugging a device later; libvirt adds one by itself.
    if let Some(r) = ctx.named("pcie-root-port", Placement::PcieRoot) {
        ports += 1;
        ctx.add(
            "controller",
            "PCIe root port (free, for hot-plug)",
            "rp",
            r,
            None,
            None,
            "pci-topology",
        );
    }
    reasons.push(format!(
        "{ports} pcie-root-port(s): one per PCI Express device, as libvirt plugs them, and a free one for hot-plug (libvirt adds it by itself)"
    ));
    if ctx.x86 {
        add_internals(
            ctx,
            &["q35-host-bridge", "ich9-lpc", "ich9-ahci", "ich9-smbus"],
        );
    }
    ctx.trace(
        "pci-topology",
        format!(
            "{ports} root ports{}",
            if needs_bridge {
                " and a pcie-to-pci-bridge"
            } else {
                ""
            }
        ),
        reasons,
        Vec::new(),
    );
}

/// The chipset's integrated PCI functions the guest always sees.
fn add_internals(ctx: &mut Ctx, names: &[&str]) {
    for name in names {
        if ctx
            .devices
            .iter()
            .any(|d| d.catalogue.as_deref() == Some(*name))
        {
            continue;
        }
        if let Some(r) = ctx.named(name, Placement::Integrated) {
            let role = match *name {
                "q35-host-bridge" | "i440fx-host-bridge" => "chipset: host bridge (00:00.0)",
                "ich9-lpc" => "chipset: LPC/ISA bridge (00:1f.0)",
                "ich9-smbus" => "chipset: SMBus (00:1f.3)",
                "piix3-isa" => "chipset: ISA bridge (00:01.0)",
                "piix4-acpi" => "chipset: ACPI/power management (00:01.3)",
                _ => "chipset",
            };
            ctx.add("controller", &role, "chip", r, None, None, "pci-topology");
        }
    }
}

fn end_of_life(ctx: &mut Ctx) {
    let os = ctx.os;
    let mut reasons = Vec::new();
    if let (Some(eol), Some(today)) = (os.eol_date, ctx.target.today) {
        if eol < today {
            let m = format!(
                "{} reached its end of life on {eol}: it gets no security updates",
                os.short_id
            );
            ctx.warn("end-of-life", m.clone());
            reasons.push(m);
        }
    }
    if os.release_status != guestdb_data::model::ReleaseStatus::Released {
        let m = format!("{} is a {} release", os.short_id, os.release_status.name());
        ctx.warn("not-released", m.clone());
        reasons.push(m);
    }
    ctx.trace(
        "end-of-life",
        if reasons.is_empty() { "ok" } else { "warn" },
        reasons,
        Vec::new(),
    );
}

fn resources(os: &OsFacts) -> Resources {
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    let ram = os.recommended.ram.or(os.minimum.ram).unwrap_or(2 * GIB);
    let cpus = os
        .recommended
        .n_cpus
        .or(os.minimum.n_cpus)
        .unwrap_or(1)
        .max(1);
    let disk = os
        .recommended
        .storage
        .or(os.minimum.storage)
        .unwrap_or(20 * GIB);
    Resources {
        memory_mib: ram.div_ceil(MIB).max(128),
        vcpus: cpus.min(64),
        disk_gib: disk.div_ceil(GIB).max(1),
    }
}
