//! The chipset rule (x86 q35 or i440fx; the board of other architectures).

use super::*;

/// The machine family of a non-x86 board.
pub(super) fn board_family(arch: &str) -> Option<(&'static str, Board)> {
    match arch {
        "aarch64" | "riscv64" => Some(("virt", Board::Pcie)),
        "ppc64le" | "ppc64" => Some(("pseries", Board::Pci)),
        "s390x" => Some(("s390-ccw-virtio", Board::Ccw)),
        _ => None,
    }
}

pub(super) fn offered_by_all(ctx: &Ctx, family: &str) -> bool {
    ctx.hosts().iter().all(|h| {
        h.machines_for(ctx.arch)
            .iter()
            .any(|m| m.family == family && m.variant.is_none())
    })
}

/// Every host offers a type of `family` that it does not mark deprecated.
fn current_on_all(ctx: &Ctx, family: &str) -> bool {
    ctx.hosts().iter().all(|h| {
        h.machines_for(ctx.arch)
            .iter()
            .any(|m| m.family == family && m.variant.is_none() && !m.deprecated)
    })
}

/// The virtio classes the recommendation would use whose OS driver is
/// legacy-only (and usable under the policy).
pub(super) fn legacy_only_classes(ctx: &Ctx) -> Vec<&'static str> {
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

pub(super) fn chipset(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    if !ctx.x86 {
        let Some((family, board)) = board_family(ctx.arch) else {
            return Err(ctx.fail(format!(
                "guestdb has no machine family for {} guests",
                ctx.arch
            )));
        };
        ctx.family = family;
        ctx.board = board;
        ctx.trace(
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
    // An ecosystem that runs only q35 (KubeVirt) offers no i440fx.
    let i440fx_hosts = !ctx.q35_only && offered_by_all(ctx, "i440fx");
    let sb_required = os.secure_boot.as_ref().is_some_and(|s| s.required);
    if let Some(sb) = &os.secure_boot {
        facts.push(sb.fact.clone());
    }
    let legacy_only = legacy_only_classes(ctx);
    let q35_ok = q35_hosts && (legacy_only.is_empty() || ctx.transitional);
    // The chipset the OS's vendor prefers, where the data states one.
    let preferred: Option<&'static str> = [("q35", &os.q35), ("i440fx", &os.i440fx)]
        .into_iter()
        .find(|(_, f)| f.as_ref().is_some_and(|f| f.yes && f.preferred))
        .map(|(c, _)| c);
    let mut reasons = Vec::new();
    let choice: &'static str = match ctx.target.policy.chipset {
        ChipsetPolicy::Q35 | ChipsetPolicy::I440fx => {
            let (c, os_says, hosts) = if ctx.target.policy.chipset == ChipsetPolicy::Q35 {
                ("q35", q35_os, q35_hosts)
            } else {
                ("i440fx", i440fx_os, i440fx_hosts)
            };
            reasons.push(format!("--chipset {c}"));
            if c == "i440fx" && ctx.q35_only {
                return Err(ctx.fail(format!(
                    "--chipset i440fx, but {} runs only q35 machine types on x86",
                    ctx.target.policy.ecosystem.title()
                )));
            }
            if !hosts {
                return Err(ctx.fail(format!(
                    "--chipset {c}, but not every host ({}) offers a {c} machine type",
                    ctx.host_names()
                )));
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
            } else if let Some(c) = preferred.filter(|c| {
                (if *c == "q35" { q35_ok } else { i440fx_hosts }) && current_on_all(ctx, c)
            }) {
                let pref = if c == "q35" { &os.q35 } else { &os.i440fx };
                reasons.push(format!(
                    "{}'s vendor prefers {c}, and every host offers it{}",
                    os.short_id,
                    pref.as_ref()
                        .and_then(|f| f.fact.note.as_deref())
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ));
                c
            } else if q35_os == Some(true) && q35_ok {
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
                    "{} supports q35, but its virtio {} drivers are legacy-only and {}: i440fx, where plain virtio is transitional",
                    os.short_id,
                    legacy_only.join(", "),
                    ctx.no_transitional.clone().unwrap_or_else(|| "not every host has the transitional models (QEMU >= 4.0 and libvirt >= 5.2)".to_string())
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
                return Err(ctx.fail(format!(
                    "no chipset both {} supports and every host ({}) offers",
                    os.short_id,
                    ctx.host_names()
                )));
            }
        }
    };
    if let Some(p) = preferred.filter(|p| *p != choice) {
        {
            let note = [&os.q35, &os.i440fx]
                .into_iter()
                .flatten()
                .find(|f| f.preferred)
                .and_then(|f| f.fact.note.clone());
            let message = format!(
                "{}'s vendor prefers {p}{}, but {}: {choice}{}",
                os.short_id,
                note.map(|n| format!(" ({n})")).unwrap_or_default(),
                if ctx.target.policy.chipset != ChipsetPolicy::Auto {
                    format!("--chipset {choice} asks for another")
                } else if sb_required || ctx.target.policy.secure_boot {
                    "Secure Boot needs q35".to_string()
                } else if p == "i440fx" && ctx.q35_only {
                    format!(
                        "{} runs only q35 machine types on x86",
                        ctx.target.policy.ecosystem.title()
                    )
                } else if (p == "q35" && q35_ok) || (p == "i440fx" && i440fx_hosts) {
                    format!(
                        "not every host ({}) offers an {p} machine type it does not mark deprecated",
                        ctx.host_names()
                    )
                } else {
                    format!(
                        "not every host ({}) offers an {p} machine type it can run",
                        ctx.host_names()
                    )
                },
                if choice == "q35" && !legacy_only.is_empty() {
                    " with transitional virtio devices"
                } else {
                    ""
                }
            );
            reasons.push(message.clone());
            ctx.warn("vendor-preference", message);
        }
    }
    ctx.family = choice;
    ctx.board = if choice == "q35" {
        Board::Pcie
    } else {
        Board::Pci
    };
    ctx.trace(choice, reasons, facts);
    Ok(())
}
