//! The rules of the recommendation, one named unit each: [`RULES`] is the
//! list `run` walks, in the order documented in `docs/recommend-rules.md`
//! (a test compares the two). Each rule reads the OS facts, the hosts and
//! the policy, may add devices (each records the rule that added it) and
//! warnings, and records its decision with its reasons and the facts it
//! used; a rule that finds no possible choice ends the recommendation.

mod chipset;
mod devices;
mod display;
mod firmware;
mod lifecycle;
mod machine;
mod platform;
mod topology;

use super::facts::{FactRef, OsFacts, VirtioFacts};
use super::placement::{self, Board, Mode, Realised};
use super::*;
use crate::device::DeviceModel;
use guestdb_data::model::VirtioClass;

/// A rule of the recommendation.
pub struct Rule {
    /// Its name, under which it traces its decision (`--explain`).
    pub name: &'static str,
    /// What it decides, in one sentence.
    pub summary: &'static str,
    /// The catalogue devices (data/devices.xml) it may ask for by name; a
    /// test checks that the catalogue has each.
    pub devices: &'static [&'static str],
    apply: fn(&mut Ctx) -> Result<(), NoRecommendation>,
}

/// The rules, in the order they are applied.
pub const RULES: &[Rule] = &[
    Rule {
        name: "os-fallback",
        summary: "a release newer than the dataset knows stands in for the nearest known one",
        devices: &[],
        apply: lifecycle::os_fallback,
    },
    Rule {
        name: "arch",
        summary: "every host must run guests of the architecture",
        devices: &[],
        apply: lifecycle::check_arch,
    },
    Rule {
        name: "accel",
        summary: "KVM where every host has it (and the policy allows), else QEMU's software emulation (TCG)",
        devices: &[],
        apply: platform::accel,
    },
    Rule {
        name: "ecosystem",
        summary: "the system that runs the VM narrows the choices to those it can state: KubeVirt runs only q35 (x86) and a TPM 2.0; OpenStack and Proxmox have no transitional virtio models; Proxmox has only tpm-tis",
        devices: &[],
        apply: platform::ecosystem,
    },
    Rule {
        name: "chipset",
        summary: "q35 when the OS supports it and every host offers it (and legacy-only virtio can be made transitional); i440fx otherwise; Secure Boot needs q35",
        devices: &[],
        apply: chipset::chipset,
    },
    Rule {
        name: "disk",
        summary: "virtio-blk the OS drives (transitional on q35 for legacy-only OSes), else SATA (q35) or IDE (i440fx); on s390x none for a kernel without virtio-ccw",
        devices: &["ich9-ahci", "piix3-ide"],
        apply: devices::disk,
    },
    Rule {
        name: "cdrom",
        summary: "the install medium on SATA (q35), IDE (i440fx) or SCSI (virt, s390x, pseries)",
        devices: &["ich9-ahci", "piix3-ide"],
        apply: devices::cdrom,
    },
    Rule {
        name: "net",
        summary: "virtio-net the OS drives, else e1000e (q35), e1000 or rtl8139 as the OS supports",
        devices: &["e1000e", "e1000", "rtl8139"],
        apply: devices::net,
    },
    Rule {
        name: "rng",
        summary: "virtio-rng when the OS drives it",
        devices: &[],
        apply: devices::rng,
    },
    Rule {
        name: "balloon",
        summary: "virtio-balloon when the OS drives it, else none (libvirt would add a plain virtio one)",
        devices: &[],
        apply: devices::balloon,
    },
    Rule {
        name: "console",
        summary: "a serial console, and a virtio-serial guest-agent channel when the OS drives virtio console",
        devices: &["isa-serial"],
        apply: devices::console,
    },
    Rule {
        name: "graphics",
        summary: "SPICE (with the SPICE agent channel) where every host offers it, else VNC; none on s390x",
        devices: &[],
        apply: display::graphics,
    },
    Rule {
        name: "video",
        summary: "virtio-gpu only for OSes with a modern virtio-gpu driver; else QXL where the OS drives it and the display is SPICE; else standard VGA",
        devices: &["qxl", "vga"],
        apply: display::video,
    },
    Rule {
        name: "sound",
        summary: "for a desktop with a SPICE display, the HD Audio (ICH9 on q35, ICH6 on i440fx) or AC97 device the OS drives; none for a server",
        devices: &["ich9-hda", "ich6", "ac97"],
        apply: display::sound,
    },
    Rule {
        name: "usb",
        summary: "qemu-xhci for OSes with an xHCI driver; else EHCI with UHCI companions (q35) or PIIX3 UHCI (i440fx)",
        devices: &["qemu-xhci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2", "ich9-uhci3", "piix3-uhci"],
        apply: devices::usb,
    },
    Rule {
        name: "input",
        summary: "PS/2 keyboard and mouse (x86), a USB tablet where the OS drives it; USB keyboard and tablet on boards without PS/2",
        devices: &["ps2-keyboard", "ps2-mouse", "usb-keyboard", "tablet"],
        apply: devices::input,
    },
    Rule {
        name: "machine-version",
        summary: "the newest non-deprecated versioned type of the chosen family that every host offers",
        devices: &[],
        apply: machine::machine_version,
    },
    Rule {
        name: "firmware",
        summary: "UEFI when the OS requires or prefers it, the policy asks for it, or the board has no BIOS; Secure Boot (with SMM) when the OS requires it or the policy asks",
        devices: &[],
        apply: firmware::firmware,
    },
    Rule {
        name: "tpm",
        summary: "TPM 2.0 (tpm-crb on x86) when the OS requires a TPM",
        devices: &["tpm-crb", "tpm-tis"],
        apply: firmware::tpm,
    },
    Rule {
        name: "cpu",
        summary: "host-passthrough on one KVM host; host-model among hosts of one CPU vendor; else the newest named model every host runs, at least the OS's x86-64 level; TCG: maximum",
        devices: &[],
        apply: platform::cpu,
    },
    Rule {
        name: "hyperv",
        summary: "for Windows, every Hyper-V enlightenment it uses that every host offers (and the accelerator runs), with its dependencies",
        devices: &[],
        apply: platform::hyperv,
    },
    Rule {
        name: "clock",
        summary: "local time for Windows, UTC for others; on x86 the RTC catch-up, PIT delay and no HPET timers, vmport and S3/S4 off, the Hyper-V clock with the enlightenments",
        devices: &[],
        apply: platform::clock,
    },
    Rule {
        name: "osinfo",
        summary: "whether virt-install on the first host knows the OS from its osinfo-db, and how to give it one that does",
        devices: &[],
        apply: platform::osinfo,
    },
    Rule {
        name: "pci-topology",
        summary: "a root port per PCI Express device and a pcie-to-pci-bridge for conventional ones (q35, virt)",
        devices: &[
            "pcie-root-port",
            "pcie-pci-bridge",
            "q35-host-bridge",
            "ich9-lpc",
            "ich9-ahci",
            "ich9-smbus",
            "i440fx-host-bridge",
            "gpex-host-bridge",
            "piix3-isa",
            "piix3-ide",
            "piix4-acpi",
        ],
        apply: topology::pci_topology,
    },
    Rule {
        name: "end-of-life",
        summary: "a warning when the OS's free security maintenance has ended (naming the phase that ended and the next), its end is unknown, or it is not released",
        devices: &[],
        apply: lifecycle::end_of_life,
    },
];

/// How to ask for a virtio class (mode, reasons, facts), or why not (reason, facts).
type VirtioChoice = Result<(Mode, Vec<String>, Vec<FactRef>), (String, Vec<FactRef>)>;

pub(super) struct Ctx<'a> {
    /// The rule being applied: what it adds and traces is recorded under it.
    rule: &'static Rule,
    os: &'a OsFacts,
    catalogue: &'a [DeviceModel],
    /// The Hyper-V and CPU-model catalogues.
    profile: &'a Catalogue<'a>,
    target: &'a Target<'a>,
    arch: &'a str,
    x86: bool,
    /// The chosen family (`q35`, `i440fx`, `virt`, `pseries`, `s390-ccw-virtio`).
    family: &'static str,
    board: Board,
    /// Every host offers libvirt's and QEMU's transitional models (and the
    /// ecosystem can ask for them).
    transitional: bool,
    /// Why transitional models cannot be used when the hosts have them
    /// (the ecosystem has none), for the rules' reasons.
    no_transitional: Option<String>,
    /// The ecosystem runs only q35 on x86 (KubeVirt).
    q35_only: bool,
    /// Explicit `virtio-transitional` / `-non-transitional` models (the
    /// policy, unless the ecosystem cannot state them).
    explicit: bool,
    /// The TPM models the ecosystem can state, where it limits them.
    tpm_models: Option<&'static [&'static str]>,
    /// The SCSI controller for the CD-ROM, once added.
    usb: Option<String>,
    rules: Vec<RuleTrace>,
    warnings: Vec<Warning>,
    devices: Vec<Device>,
    /// How many ids of each prefix were handed out.
    counters: Vec<(&'static str, usize)>,
    /// `kvm` or `qemu`, once the accel rule chose it.
    domain_type: &'static str,
    /// `spice`, `vnc` or `none`, once the graphics rule chose it.
    graphics: &'static str,
    /// The CPU, Hyper-V, clock, platform and osinfo choices, once made.
    cpu: Option<CpuChoice>,
    hyperv: Option<Enlightenments>,
    clock: Option<ClockChoice>,
    platform: Option<PlatformChoice>,
    osinfo: Option<OsinfoChoice>,
    /// The machine type, once the machine-version rule chose it.
    machine: Option<Machine>,
    /// The firmware, once the firmware rule chose it (the TPM rule adds its TPM).
    firmware: Option<FirmwareChoice>,
}

impl<'a> Ctx<'a> {
    /// Records the current rule's decision, its reasons and the facts it used.
    fn trace(&mut self, decision: impl Into<String>, reasons: Vec<String>, facts: Vec<FactRef>) {
        self.rules.push(RuleTrace {
            rule: self.rule.name,
            decision: decision.into(),
            reasons,
            facts,
        });
    }

    fn warn(&mut self, code: &'static str, message: String) {
        self.warnings.push(Warning { code, message });
    }

    /// Ends the recommendation: the current rule finds no possible choice.
    fn fail(&self, message: String) -> NoRecommendation {
        NoRecommendation {
            rule: self.rule.name,
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

    /// Adds a device realised as `r`, recorded under the current rule.
    fn add(
        &mut self,
        class: &'static str,
        role: &str,
        prefix: &'static str,
        r: Realised,
        bus: Option<&str>,
        parent: Option<String>,
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
            rule: self.rule.name,
            medium: None,
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
        )
    }

    /// The catalogue device `name` plugged at `placement`. The rule must
    /// name it among its [`Rule::devices`]; a catalogue without it (another
    /// data directory) ends the recommendation rather than dropping the device.
    fn named(&self, name: &str, placement: Placement) -> Result<Realised, NoRecommendation> {
        debug_assert!(
            self.rule.devices.contains(&name),
            "rule {} asks for {name}, which its devices do not list",
            self.rule.name
        );
        placement::named(self.catalogue, name, placement).ok_or_else(|| {
            self.fail(format!(
                "the device catalogue has no '{name}' (data/devices.xml)"
            ))
        })
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
        let explicit = self.explicit;
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
                            "{} drives only the legacy virtio {} interface and {}",
                            self.os.short_id,
                            class.name,
                            self.no_transitional.clone().unwrap_or_else(|| format!(
                                "not every host ({}) has the transitional models (QEMU >= 4.0 and libvirt >= 5.2)",
                                self.host_names()
                            ))
                        ),
                        facts,
                    ));
                }
            }
        };
        Ok((mode, reasons, facts))
    }

    /// The virtio device of `class` asked for as `mode` on this board; a
    /// catalogue without it ends the recommendation.
    fn virtio_device(
        &self,
        class: VirtioClass,
        mode: Mode,
        prefer: Option<&str>,
    ) -> Result<Realised, NoRecommendation> {
        placement::virtio(self.catalogue, class, mode, self.board, prefer).ok_or_else(|| {
            self.fail(format!(
                "the device catalogue has no virtio {} device of that generation (data/devices.xml)",
                class.name
            ))
        })
    }

    /// Adds the virtio device of `v.class` the OS drives, as it must be
    /// asked for here, and records the decision "`v.what` (libvirt model)":
    /// the one way every rule adds a virtio device. `Ok(Err)` says why the
    /// OS cannot have it (no driver, or one the policy or hosts rule out),
    /// for the rule's fallback.
    fn add_virtio(
        &mut self,
        v: VirtioDevice,
    ) -> Result<Result<String, (String, Vec<FactRef>)>, NoRecommendation> {
        let class = vclass(v.class);
        let (mode, mut reasons, facts) = match self.virtio_mode(class) {
            Ok(choice) => choice,
            Err(why) => return Ok(Err(why)),
        };
        let r = self.virtio_device(class, mode, None)?;
        let decision = format!(
            "{} ({})",
            v.what,
            r.libvirt_model.clone().unwrap_or_default()
        );
        let id = self.add(v.device_class, v.role, v.prefix, r, v.bus, None);
        reasons.extend(v.reason.map(str::to_string));
        self.trace(decision, reasons, facts);
        Ok(Ok(id))
    }
}

/// A virtio device a rule adds with [`Ctx::add_virtio`].
struct VirtioDevice<'s> {
    /// The virtio class (`block`).
    class: &'static str,
    /// The recommendation's device class (`disk`).
    device_class: &'static str,
    role: &'s str,
    /// The id prefix (`disk` for `disk0`).
    prefix: &'static str,
    /// The libvirt bus, for disks.
    bus: Option<&'static str>,
    /// The decision, before the model (`virtio-blk`).
    what: &'s str,
    /// A reason to add to the mode's reasons.
    reason: Option<&'static str>,
}

fn class_modern_id(class: VirtioClass) -> String {
    format!("1af4:{:04x}", class.modern_pci())
}

fn vclass(name: &str) -> VirtioClass {
    VirtioClass::by_name(name).unwrap_or(VirtioClass::ALL[0])
}

/// Applies every rule of [`RULES`] in order.
pub(super) fn run(
    os: &OsFacts,
    catalogue: &Catalogue,
    target: &Target,
) -> Result<Recommendation, NoRecommendation> {
    let arch = target.arch;
    let mut ctx = Ctx {
        rule: &RULES[0],
        os,
        catalogue: catalogue.devices,
        profile: catalogue,
        target,
        arch,
        x86: guestdb_data::model::is_x86_arch(arch),
        family: "",
        board: Board::Pci,
        transitional: false,
        no_transitional: None,
        q35_only: false,
        explicit: target.policy.models == ModelsPolicy::Explicit,
        tpm_models: None,
        usb: None,
        rules: Vec::new(),
        warnings: Vec::new(),
        devices: Vec::new(),
        counters: Vec::new(),
        domain_type: "kvm",
        graphics: "none",
        cpu: None,
        hyperv: None,
        clock: None,
        platform: None,
        osinfo: None,
        machine: None,
        firmware: None,
    };
    if target.hosts.is_empty() {
        ctx.rule = &RULES[1];
        return Err(ctx.fail("no host given".into()));
    }
    for rule in RULES {
        ctx.rule = rule;
        (rule.apply)(&mut ctx)?;
    }
    let (
        Some(machine),
        Some(firmware),
        Some(cpu),
        Some(hyperv),
        Some(clock),
        Some(platform),
        Some(osinfo),
    ) = (
        ctx.machine.take(),
        ctx.firmware.take(),
        ctx.cpu.take(),
        ctx.hyperv.take(),
        ctx.clock.take(),
        ctx.platform.take(),
        ctx.osinfo.take(),
    )
    else {
        return Err(ctx.fail(
            "a rule made no choice (machine, firmware, CPU, Hyper-V, clock, platform or osinfo)"
                .into(),
        ));
    };
    let resources = resources(os);
    Ok(Recommendation {
        os: OsRef {
            id: os.id.clone(),
            short_id: os.short_id.clone(),
            name: os.name.clone(),
            family: os.family.clone(),
            distro: os.distro.clone(),
        },
        arch: arch.to_string(),
        host: target.hosts[0].name.clone(),
        migrate_to: target.hosts[1..].iter().map(|h| h.name.clone()).collect(),
        policy: target.policy,
        domain_type: ctx.domain_type.to_string(),
        machine,
        firmware,
        resources,
        cpu,
        hyperv,
        clock,
        platform,
        graphics: GraphicsChoice {
            kind: ctx.graphics.to_string(),
        },
        osinfo,
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
        minimum_memory_mib: os.minimum.ram.map(|r| r.div_ceil(MIB).max(1)),
        minimum_vcpus: os.minimum.n_cpus.map(|n| n.clamp(1, 64)),
    }
}
