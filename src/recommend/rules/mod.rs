//! The rules of the recommendation, one named unit each, applied in the
//! order of [`RULES`] (documented in `docs/recommend-rules.md`). Each rule
//! reads the OS facts, the hosts and the policy, may add devices and
//! warnings, and records its decision with its reasons and the facts it used.

mod chipset;
mod devices;
mod firmware;
mod lifecycle;
mod machine;
mod topology;

use super::facts::{FactRef, OsFacts, VirtioFacts};
use super::placement::{self, Board, Mode, Realised};
use super::*;
use crate::device::DeviceModel;
use guestdb_data::model::VirtioClass;

/// The rules, in the order they are applied.
pub const RULES: &[(&str, &str)] = &[
    ("os-fallback", "a release newer than the dataset knows stands in for the nearest known one"),
    ("arch", "every host must run guests of the architecture"),
    ("chipset", "q35 when the OS supports it and every host offers it (and legacy-only virtio can be made transitional); i440fx otherwise; Secure Boot needs q35"),
    ("disk", "virtio-blk the OS drives (transitional on q35 for legacy-only OSes), else SATA (q35) or IDE (i440fx); on s390x none for a kernel without virtio-ccw"),
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

/// How to ask for a virtio class (mode, reasons, facts), or why not (reason, facts).
type VirtioChoice = Result<(Mode, Vec<String>, Vec<FactRef>), (String, Vec<FactRef>)>;

pub(super) struct Ctx<'a> {
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
    usb: Option<String>,
    rules: Vec<RuleTrace>,
    warnings: Vec<Warning>,
    devices: Vec<Device>,
    /// How many ids of each prefix were handed out.
    counters: Vec<(&'static str, usize)>,
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
        let n = match self.counters.iter_mut().find(|(p, _)| *p == prefix) {
            Some((_, n)) => n,
            None => {
                self.counters.push((prefix, 0));
                &mut self.counters.last_mut().expect("just pushed").1
            }
        };
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
    fn virtio_mode(&self, class: VirtioClass) -> VirtioChoice {
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
        x86: guestdb_data::model::is_x86_arch(arch),
        family: "",
        board: Board::Pci,
        transitional: false,
        usb: None,
        rules: Vec::new(),
        warnings: Vec::new(),
        devices: Vec::new(),
        counters: Vec::new(),
    };
    if target.hosts.is_empty() {
        return Err(ctx.fail("arch", "no host given".into()));
    }
    lifecycle::os_fallback(&mut ctx);
    lifecycle::check_arch(&mut ctx)?;
    chipset::chipset(&mut ctx)?;
    devices::disk(&mut ctx)?;
    devices::cdrom(&mut ctx);
    devices::net(&mut ctx);
    devices::rng(&mut ctx);
    devices::balloon(&mut ctx);
    devices::console(&mut ctx);
    devices::video(&mut ctx);
    devices::usb(&mut ctx);
    devices::input(&mut ctx);
    let machine = machine::machine_version(&mut ctx)?;
    let mut firmware = firmware::firmware(&mut ctx)?;
    firmware.tpm = firmware::tpm(&mut ctx);
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
    topology::pci_topology(&mut ctx);
    lifecycle::end_of_life(&mut ctx);
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
