//! The platform rules: the accelerator (KVM or TCG), the CPU model, the
//! Hyper-V enlightenments, the clock with its timers and power management,
//! and whether virt-install on the host knows the OS.

use super::*;

pub(super) fn accel(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let hosts = ctx.hosts();
    let mut reasons: Vec<String> = hosts.iter().map(|h| h.accel.why.clone()).collect();
    let without: Vec<&str> = hosts
        .iter()
        .filter(|h| !h.accel.kvm)
        .map(|h| h.name.as_str())
        .collect();
    let kvm = match ctx.target.policy.virt_type {
        VirtTypePolicy::Qemu => {
            reasons.push("--virt-type qemu: QEMU's software emulation (TCG)".into());
            false
        }
        VirtTypePolicy::Kvm if !without.is_empty() => {
            return Err(ctx.fail(format!(
                "--virt-type kvm, but {} offers no KVM",
                without.join(", ")
            )));
        }
        VirtTypePolicy::Kvm => {
            reasons.push("--virt-type kvm".into());
            true
        }
        VirtTypePolicy::Auto if without.is_empty() => {
            reasons.push("every host runs KVM guests".into());
            true
        }
        VirtTypePolicy::Auto => {
            let message = format!(
                "{} offers no KVM: the guest runs under QEMU's software emulation (TCG), many times slower",
                without.join(", ")
            );
            reasons.push(message.clone());
            ctx.warn("no-kvm", message);
            false
        }
    };
    ctx.domain_type = if kvm { "kvm" } else { "qemu" };
    ctx.trace(ctx.domain_type, reasons, Vec::new());
    Ok(())
}

/// The CPU features of each x86-64 microarchitecture level above the
/// baseline, as QEMU and libvirt name them (the levels of the x86-64 psABI:
/// v2 adds CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3, SSSE3, SSE4.1, SSE4.2; v3
/// adds AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT (abm), MOVBE, XSAVE).
const LEVEL_FEATURES: [&[&str]; 2] = [
    &[
        "cx16", "lahf_lm", "popcnt", "pni", "ssse3", "sse4.1", "sse4.2",
    ],
    &[
        "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave",
    ],
];

/// The features that raise `qemu64` (x86-64-v1) to level `level`.
fn baseline_features(level: u8) -> Vec<String> {
    LEVEL_FEATURES
        .iter()
        .take(usize::from(level.saturating_sub(1)).min(LEVEL_FEATURES.len()))
        .flat_map(|l| l.iter().map(|f| f.to_string()))
        .collect()
}

fn level_name(level: u8) -> String {
    format!("x86-64-v{level}")
}

pub(super) fn cpu(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let os = ctx.os;
    let hosts = ctx.hosts();
    let mut facts = Vec::new();
    let level = os.cpu_level.as_ref().map_or(1, |l| l.value);
    if let Some(l) = &os.cpu_level {
        facts.push(l.fact.clone());
    }
    let choice = |mode: &str, model: Option<String>, features: Vec<String>| CpuChoice {
        mode: mode.to_string(),
        model,
        features,
    };
    if ctx.domain_type == "qemu" {
        let (c, why) = if ctx.arch == "aarch64" && hosts.iter().all(|h| h.cpu.maximum) {
            (
                choice("maximum", None, Vec::new()),
                "TCG on 'virt': the board's own CPU model is the 32-bit cortex-a15, which runs no 64-bit firmware or OS; 'maximum' gives every feature TCG emulates".to_string(),
            )
        } else if ctx.arch == "aarch64" {
            (
                choice("custom", Some("cortex-a57".into()), Vec::new()),
                "TCG on 'virt': the board's own CPU model is the 32-bit cortex-a15, and not every host has libvirt's maximum mode: cortex-a57 (ARMv8-A, 64-bit)".to_string(),
            )
        } else if !ctx.x86 {
            (
                choice("default", None, Vec::new()),
                format!("TCG: the {} board's own CPU model", ctx.family),
            )
        } else if hosts.iter().all(|h| h.cpu.maximum) {
            (
                choice("maximum", None, Vec::new()),
                "TCG runs no host CPU model; 'maximum' gives every feature TCG emulates (with QEMU 7.2: x86-64-v3)".to_string(),
            )
        } else {
            (
                choice("custom", Some("qemu64".into()), baseline_features(level)),
                format!(
                    "TCG runs no host CPU model and not every host has libvirt's maximum mode: qemu64 raised to {}",
                    level_name(level)
                ),
            )
        };
        let decision = c.model.clone().unwrap_or_else(|| c.mode.clone());
        ctx.cpu = Some(c);
        ctx.trace(decision, vec![why], facts);
        return Ok(());
    }
    if hosts.len() == 1 {
        ctx.cpu = Some(choice("host-passthrough", None, Vec::new()));
        ctx.trace(
            "host-passthrough",
            vec![format!(
                "one KVM host ({}): the guest sees the host's CPU as it is (it cannot live-migrate to another CPU)",
                hosts[0].name
            )],
            facts,
        );
        return Ok(());
    }
    // A VM that must live-migrate.
    let vendors: Vec<Option<&str>> = hosts.iter().map(|h| h.cpu.vendor.as_deref()).collect();
    let one_vendor =
        vendors.iter().all(|v| v.is_some()) && vendors.windows(2).all(|w| w[0] == w[1]);
    if one_vendor && hosts.iter().all(|h| h.cpu.host_model) {
        let vendor = vendors[0].unwrap_or_default();
        ctx.cpu = Some(choice(
            "host-model",
            hosts[0].cpu.host_model_name.clone(),
            Vec::new(),
        ));
        ctx.trace(
            "host-model",
            vec![format!(
                "every host ({}) has a {vendor} CPU: host-model gives the first host's CPU model, which live-migrates to hosts of the same vendor with an equal or newer CPU",
                ctx.host_names()
            )],
            facts,
        );
        return Ok(());
    }
    // The newest named model every host runs, at the OS's level at least.
    let checked = hosts.iter().all(|h| h.cpu.usable_known);
    let common = ctx
        .profile
        .cpus
        .iter()
        .filter(|m| m.level >= level && hosts.iter().all(|h| h.cpu.models.contains(&m.name)));
    let best = common.max_by_key(|m| (m.level, m.qemu_since));
    let mut reasons = vec![if vendors.iter().any(|v| v.is_none()) {
        format!(
            "the CPU vendor of {} is not known: host-model could not live-migrate between vendors",
            hosts
                .iter()
                .filter(|h| h.cpu.vendor.is_none())
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        format!(
            "the hosts' CPUs are of different vendors ({}): host-model cannot live-migrate between them",
            vendors.iter().flatten().copied().collect::<Vec<_>>().join(", ")
        )
    }];
    match (checked, best) {
        (true, Some(m)) => {
            reasons.push(format!(
                "{} is the newest named model every host's CPU runs (domain capabilities, usable='yes'), reaching {}",
                m.name,
                level_name(m.level)
            ));
            ctx.cpu = Some(choice("custom", Some(m.name.clone()), Vec::new()));
            ctx.trace(m.name.clone(), reasons, facts);
            Ok(())
        }
        (true, None) => Err(ctx.fail(format!(
            "no named CPU model every host ({}) runs reaches {}, which {} needs",
            ctx.host_names(),
            level_name(level),
            os.short_id
        ))),
        (false, _) => {
            // Which named models a host's CPU runs is not known from a
            // profile: QEMU's generic qemu64 runs on every x86-64 CPU, raised
            // to the OS's level.
            reasons.push(format!(
                "which named models each host's CPU runs is not known (host profiles): qemu64, which every QEMU and every x86-64 CPU has, raised to {} (give each host's domain capabilities with --domcaps/--migrate-to FILE to choose a named model)",
                level_name(level)
            ));
            ctx.warn(
                "cpu-baseline",
                format!(
                    "the CPU is a baseline (qemu64 at {}): every host's CPU must have those features; guestdb cannot check it from host profiles",
                    level_name(level)
                ),
            );
            ctx.cpu = Some(choice(
                "custom",
                Some("qemu64".into()),
                baseline_features(level),
            ));
            ctx.trace(format!("qemu64 at {}", level_name(level)), reasons, facts);
            Ok(())
        }
    }
}

pub(super) fn hyperv(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let os = ctx.os;
    let none = Enlightenments {
        mode: "custom".into(),
        features: Vec::new(),
    };
    if !ctx.x86 || !os.windows {
        ctx.hyperv = Some(none);
        ctx.trace(
            "none",
            vec![if ctx.x86 {
                format!("{} is not Windows", os.short_id)
            } else {
                format!(
                    "QEMU offers Hyper-V enlightenments only on x86, not {}",
                    ctx.arch
                )
            }],
            Vec::new(),
        );
        return Ok(());
    }
    match ctx.target.policy.hyperv {
        HypervPolicy::Off => {
            ctx.hyperv = Some(none);
            ctx.trace("none", vec!["--hyperv off".into()], Vec::new());
            return Ok(());
        }
        HypervPolicy::Passthrough => {
            if ctx.domain_type != "kvm" || ctx.hosts().len() > 1 {
                return Err(ctx.fail(
                    "--hyperv passthrough needs one KVM host: it gives whatever that host's KVM offers, which no other host is sure to match".into(),
                ));
            }
            ctx.hyperv = Some(Enlightenments {
                mode: "passthrough".into(),
                features: Vec::new(),
            });
            ctx.trace(
                "passthrough",
                vec!["--hyperv passthrough: every enlightenment the host's KVM offers".into()],
                Vec::new(),
            );
            return Ok(());
        }
        HypervPolicy::Auto => {}
    }
    let facts: Vec<FactRef> = os.hyperv.iter().map(|h| h.fact.clone()).collect();
    let uses = |name: &str| os.hyperv.iter().any(|h| h.value == name);
    let hosts = ctx.hosts();
    let mut reasons: Vec<String> = hosts.iter().map(|h| h.hyperv_why.clone()).collect();
    let mut chosen: Vec<&guestdb_data::doc::catalogue::HypervFeature> = Vec::new();
    for f in ctx.profile.hyperv {
        if !uses(&f.name) {
            if f.default {
                reasons.push(format!(
                    "not {}: {} {} (data/hyperv.xml:{})",
                    f.name,
                    os.short_id,
                    if f.windows.is_empty() {
                        "is not known to use it: no Windows release is".to_string()
                    } else {
                        format!(
                            "is older than the first Windows releases that use it ({})",
                            f.windows
                                .iter()
                                .map(|w| w.trim_start_matches("http://"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                    f.at.line
                ));
            }
            continue;
        }
        let lacking: Vec<&str> = hosts
            .iter()
            .filter(|h| !h.hyperv.contains(&f.name))
            .map(|h| h.name.as_str())
            .collect();
        if !f.default {
            reasons.push(format!(
                "not {}: {} (data/hyperv.xml:{})",
                f.name,
                f.note.as_deref().unwrap_or("not enabled by default"),
                f.at.line
            ));
        } else if !lacking.is_empty() {
            reasons.push(format!(
                "not {}: {} does not offer it",
                f.name,
                lacking.join(", ")
            ));
        } else if let Some(vendor) = f.vendor.as_deref().filter(|v| {
            ctx.domain_type != "kvm" || hosts.iter().any(|h| h.cpu.vendor.as_deref() != Some(v))
        }) {
            reasons.push(if ctx.domain_type == "kvm" {
                format!(
                    "not {}: it runs only on {vendor} CPUs, and not every host is known to have one",
                    f.name
                )
            } else {
                format!("not {}: it helps only on {vendor} CPUs under KVM", f.name)
            });
        } else if ctx.domain_type == "qemu" && !f.tcg {
            reasons.push(format!(
                "not {}: QEMU does not run it without KVM (TCG)",
                f.name
            ));
        } else {
            chosen.push(f);
        }
    }
    // Every feature with what it requires; drop those that lose a requirement.
    loop {
        let names: Vec<&str> = chosen.iter().map(|f| f.name.as_str()).collect();
        let broken = chosen
            .iter()
            .position(|f| f.requires.iter().any(|r| !names.contains(&r.as_str())));
        let Some(i) = broken else { break };
        let f = chosen.remove(i);
        let missing: Vec<&str> = f
            .requires
            .iter()
            .filter(|r| !names.contains(&r.as_str()))
            .map(String::as_str)
            .collect();
        reasons.push(format!(
            "not {}: it needs {}, which the guest does not get",
            f.name,
            missing.join(", ")
        ));
    }
    let features: Vec<HypervChoice> = chosen
        .iter()
        .map(|f| HypervChoice {
            name: f.name.clone(),
            qemu_property: f.qemu_property.clone(),
            value: f.value.clone(),
        })
        .collect();
    let decision = if features.is_empty() {
        "none".to_string()
    } else {
        features
            .iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !features.is_empty() {
        reasons.push(format!(
            "{} uses these and every host offers them, with what each requires",
            os.short_id
        ));
    }
    ctx.hyperv = Some(Enlightenments {
        mode: "custom".into(),
        features,
    });
    ctx.trace(decision, reasons, facts);
    Ok(())
}

pub(super) fn clock(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let os = ctx.os;
    let mut facts = Vec::new();
    let mut reasons = Vec::new();
    let offset = match &os.clock {
        Some(c) => {
            facts.push(c.fact.clone());
            reasons.push(format!(
                "{} keeps its real-time clock in {}",
                os.short_id,
                c.value.name()
            ));
            c.value.name()
        }
        None => {
            reasons.push(format!(
                "the data states no local-time clock for {}: UTC, as Unix-like systems keep it",
                os.short_id
            ));
            "utc"
        }
    };
    let mut timers = Vec::new();
    let timer = |name: &str, tickpolicy: Option<&str>, present: Option<bool>| Timer {
        name: name.to_string(),
        tickpolicy: tickpolicy.map(str::to_string),
        present,
    };
    let x86 = ctx.x86;
    if x86 {
        timers.push(timer("rtc", Some("catchup"), None));
        timers.push(timer("pit", Some("delay"), None));
        timers.push(timer("hpet", None, Some(false)));
        reasons.push("x86 timers as virt-install sets them: the RTC catches up missed ticks, the PIT delays them, no HPET".into());
    }
    let hyperv_clock = ctx
        .hyperv
        .as_ref()
        .is_some_and(|h| h.features.iter().any(|f| f.name == "hypervclock"));
    if hyperv_clock {
        timers.push(timer("hypervclock", None, Some(true)));
        reasons.push("the Hyper-V reference clock, which the enlightenments include".into());
    }
    ctx.clock = Some(ClockChoice {
        offset: offset.to_string(),
        timers,
    });
    ctx.platform = Some(if x86 {
        reasons.push(
            "vmport off (no VMware backdoor) and no S3/S4 suspend, as virt-install sets them"
                .into(),
        );
        PlatformChoice {
            vmport: Some(false),
            suspend_to_mem: Some(false),
            suspend_to_disk: Some(false),
        }
    } else {
        PlatformChoice {
            vmport: None,
            suspend_to_mem: None,
            suspend_to_disk: None,
        }
    });
    ctx.trace(
        format!("{offset}{}", if x86 { " + x86 timers" } else { "" }),
        reasons,
        facts,
    );
    Ok(())
}

pub(super) fn osinfo(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let host = &ctx.hosts()[0];
    let os = ctx.os;
    let choice = match &host.osinfo {
        Some(db) => {
            let known = db.knows.contains(&os.id);
            OsinfoChoice {
                known: Some(known),
                reason: format!(
                    "{}'s osinfo-db ({}) {} {}",
                    host.name,
                    db.version,
                    if known { "knows" } else { "does not know" },
                    os.short_id,
                ),
            }
        }
        None => OsinfoChoice {
            known: None,
            reason: format!(
                "guestdb does not know which OSes {}'s osinfo-db has",
                host.name
            ),
        },
    };
    let decision = match choice.known {
        Some(true) => "known",
        Some(false) => "unknown: use guestdb's export",
        None => "not known: use guestdb's export",
    };
    let mut reasons = vec![choice.reason.clone()];
    if let Some(db) = &host.osinfo {
        reasons.push(format!("which OSes it knows: {}", db.why));
    }
    if choice.known != Some(true) {
        reasons.push("virt-install needs the OS in its osinfo-db: the virt-install output first writes guestdb's osinfo-db export and points OSINFO_SYSTEM_DIR at it".into());
    }
    ctx.osinfo = Some(choice);
    ctx.trace(decision, reasons, Vec::new());
    Ok(())
}

/// Narrows the choices to those the ecosystem that runs the VM can state
/// (DESIGN.md §2.7): the rules after it read what it sets.
pub(super) fn ecosystem(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let eco = ctx.target.policy.ecosystem;
    let mut reasons = Vec::new();
    let name = eco.title();
    // Per-device transitional models: only libvirt states them; KubeVirt
    // has one switch for every virtio device of the VM.
    match eco {
        Ecosystem::Libvirt => reasons.push("libvirt states every choice".to_string()),
        Ecosystem::Kubevirt => {
            if ctx.x86 {
                ctx.q35_only = true;
                reasons.push("KubeVirt runs only q35 machine types on x86 (its default emulated machines are q35 and pc-q35-*)".into());
            }
            ctx.tpm_models = Some(&["tpm-crb", "tpm-tis"]);
            reasons.push(
                "KubeVirt's TPM is an emulated TPM 2.0: tpm-crb when persistent, else tpm-tis"
                    .into(),
            );
            if ctx.transitional {
                reasons.push("preferredUseVirtioTransitional makes every virtio device of the VM transitional (no per-device choice)".into());
            }
        }
        Ecosystem::Openstack | Ecosystem::Proxmox => {
            if ctx.transitional {
                let why = format!(
                    "{name} has no transitional virtio model (no image property or device option asks for one)"
                );
                reasons.push(why.clone());
                ctx.no_transitional = Some(why);
                ctx.transitional = false;
            }
            if eco == Ecosystem::Proxmox {
                ctx.tpm_models = Some(&["tpm-tis"]);
                reasons.push("Proxmox VE exposes a TPM only as tpm-tis (tpmstate0)".into());
            }
        }
    }
    if ctx.explicit && eco != Ecosystem::Libvirt {
        let message = format!(
            "{name} has no explicit virtio-transitional / virtio-non-transitional models (--models explicit): plain virtio"
        );
        ctx.warn("ecosystem", message.clone());
        reasons.push(message);
        ctx.explicit = false;
    }
    ctx.trace(eco.name(), reasons, Vec::new());
    Ok(())
}
