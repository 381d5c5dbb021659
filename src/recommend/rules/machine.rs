//! The machine-version rule: the newest common non-deprecated versioned type.

use super::*;
use crate::machine::{MachineType, Origin};

/// Orders candidate types: not deprecated first, upstream before downstream, newest first.
pub(super) fn preference(
    m: &MachineType,
    deprecated_anywhere: bool,
) -> (bool, bool, std::cmp::Reverse<(u32, u32, u32)>) {
    (
        deprecated_anywhere,
        m.origin != Origin::Upstream,
        std::cmp::Reverse(m.rank),
    )
}

pub(super) fn machine_version(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
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
    // Deprecated on any host: on the first host the candidate says so; on
    // the others, look it up.
    let deprecated_anywhere = |m: &MachineType| {
        m.deprecated
            || hosts[1..].iter().any(|h| {
                h.machines_for(arch)
                    .iter()
                    .any(|o| o.name == m.name && o.deprecated)
            })
    };
    let best = candidates
        .iter()
        .min_by_key(|m| preference(m, deprecated_anywhere(m)))
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
        return Err(ctx.fail(format!(
            "no {family} machine type is offered by every host: {}{hint}",
            per_host.join("; ")
        )));
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
    ctx.trace(best.name.clone(), reasons, facts);
    ctx.machine = Some(Machine {
        name: best.name.clone(),
        family: family.to_string(),
        alias,
        deprecated: !dep_hosts.is_empty(),
        qemu_version: best.qemu_version.map(|v| v.to_string()),
        origin: match &best.origin {
            Origin::Upstream => "upstream".to_string(),
            Origin::Downstream { line } => line.clone(),
        },
    });
    Ok(())
}
