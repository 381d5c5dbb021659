//! The firmware (BIOS/UEFI, Secure Boot, SMM) and TPM rules.

use super::*;
use guestdb_data::model::FirmwareType;

pub(super) fn firmware(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
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
    let edk2 = policy.firmware == FirmwarePolicy::Edk2;
    let mut kind = match (board_firmware, policy.firmware.as_kind()) {
        (Some(k), p) => {
            reasons.push(match k {
                FirmwareType::Efi if arch == "riscv64" => format!(
                    "{} on riscv64 boots OpenSBI, which starts a UEFI implementation (U-Boot or EDK2)",
                    ctx.family
                ),
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
                        if edk2 {
                            "edk2"
                        } else if p == FirmwarePolicy::Efi {
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
        (None, FirmwarePolicy::Efi | FirmwarePolicy::Edk2) => {
            reasons.push(
                if edk2 {
                    "--firmware edk2"
                } else {
                    "--firmware efi"
                }
                .into(),
            );
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
        if kind == FirmwareType::Efi
            && !efi_required
            && policy.firmware.as_kind() != FirmwarePolicy::Efi
        {
            ctx.warn(
                "unsupported",
                format!(
                    "{} has no UEFI firmware for {arch}; BIOS instead",
                    missing.join(", ")
                ),
            );
            kind = FirmwareType::Bios;
        } else {
            return Err(ctx.fail(format!(
                "{} needs {} firmware, which {} does not have for {arch}",
                os.short_id,
                kind.name(),
                missing.join(", ")
            )));
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
    // `--firmware edk2`: only a flash image (EDK2), not a payload the
    // board's firmware starts (U-Boot on riscv64), on every host.
    let usable = |f: &&crate::host::Firmware| !edk2 || (f.kernel.is_none() && f.code.is_some());
    if edk2 && kind == FirmwareType::Efi {
        let missing: Vec<&str> = ctx
            .hosts()
            .iter()
            .filter(|h| !h.firmware_for(arch).any(|f| f.kind == kind && usable(&f)))
            .map(|h| h.name.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(ctx.fail(format!(
                "--firmware edk2: {} has no EDK2 flash image for {arch}",
                missing.join(", ")
            )));
        }
        if arch == "riscv64" {
            reasons.push(
                "--firmware edk2: EDK2's flash image instead of U-Boot (QEMU 8.1 and later run pflash0 as OpenSBI's S-mode payload)"
                    .into(),
            );
        }
    }
    let files = ctx.hosts()[0]
        .firmware_for(arch)
        .filter(usable)
        .find(|f| f.kind == kind && f.secure_boot == secure_boot)
        .or_else(|| {
            ctx.hosts()[0]
                .firmware_for(arch)
                .filter(usable)
                .find(|f| f.kind == kind)
        })
        .cloned();
    ctx.trace(
        format!(
            "{}{}",
            kind.name(),
            if secure_boot { " with Secure Boot" } else { "" }
        ),
        reasons,
        facts,
    );
    ctx.firmware = Some(FirmwareChoice {
        kind: kind.name().to_string(),
        secure_boot,
        smm,
        tpm: None,
        code: files.as_ref().and_then(|f| f.code.clone()),
        vars: files.as_ref().and_then(|f| f.vars.clone()),
        kernel: files.as_ref().and_then(|f| f.kernel.clone()),
    });
    Ok(())
}

/// The TPM: a choice in the firmware, and the device.
pub(super) fn tpm(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let Some(choice) = tpm_choice(ctx) else {
        return Ok(());
    };
    // tpm-tis sits on the ISA bus; tpm-crb and tpm-tis-device are platform devices.
    let placement = if choice.model == "tpm-tis" {
        Placement::Isa
    } else {
        Placement::Platform
    };
    let r = if ctx.rule.devices.contains(&choice.model.as_str()) {
        ctx.named(&choice.model, placement)?
    } else {
        Realised {
            catalogue: None,
            qemu_device: Some(choice.model.clone()),
            // libvirt has no tpm-tis-device model: its tpm-tis becomes
            // QEMU's tpm-tis-device on Arm.
            libvirt_model: Some(if choice.model == "tpm-tis-device" {
                "tpm-tis".to_string()
            } else {
                choice.model.clone()
            }),
            placement,
            pci_id: None,
            interfaces: Vec::new(),
        }
    };
    ctx.add("tpm", "TPM", "tpm", r, None, None);
    if let Some(f) = ctx.firmware.as_mut() {
        f.tpm = Some(choice);
    }
    Ok(())
}

fn tpm_choice(ctx: &mut Ctx) -> Option<TpmChoice> {
    let os = ctx.os;
    let required: Vec<&super::facts::TpmFacts> = os.tpm.iter().filter(|t| t.required).collect();
    let facts: Vec<FactRef> = os.tpm.iter().map(|t| t.fact.clone()).collect();
    let Some(want) = required.iter().max_by(|a, b| a.version.cmp(&b.version)) else {
        ctx.trace(
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
    let limit = ctx.tpm_models;
    let allowed = |m: &&&str| limit.is_none_or(|a| a.contains(*m));
    if let Some(first) = preferred.first().filter(|m| !allowed(m)) {
        if let Some(instead) = preferred.iter().find(allowed) {
            ctx.warn(
                "ecosystem",
                format!(
                    "{} exposes a TPM only as {}: {instead} instead of {first}",
                    ctx.target.policy.ecosystem.title(),
                    limit.unwrap_or_default().join(", ")
                ),
            );
        }
    }
    let model = preferred.iter().filter(allowed).find(|m| {
        ctx.hosts().iter().all(|h| {
            h.tpm_for(ctx.arch)
                .any(|t| &t.model == *m && t.versions.contains(&version))
        })
    });
    match model {
        Some(m) => {
            ctx.trace(
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
            ctx.trace("none", vec![message], facts);
            None
        }
    }
}
