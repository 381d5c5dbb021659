//! The firmware checks: UEFI, Secure Boot, SMM and TPM against what the OS requires.

use super::*;
pub(super) fn firmware_checks(
    c: &mut Checker<'_, '_>,
    d: &Domain,
    os: &OsFacts,
    family: Option<&str>,
) {
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
