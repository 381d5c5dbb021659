//! The machine-type checks: the domain's machine type against what each host (and every --migrate-to/--upgrade-to host) offers or deprecates.

use super::*;
/// The first QEMU release after `after` whose machine types no longer
/// include `name` (upstream types), if the catalogue knows one.
pub(super) fn removed_in(
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

pub(super) fn host_role(c: &Checker<'_, '_>, i: usize) -> String {
    let h = &c.ctx.hosts[i];
    let role = if i == 0 {
        "the host"
    } else {
        c.ctx.roles.get(i - 1).copied().unwrap_or("migrate-to")
    };
    let qemu = h.qemu.map(|q| format!(", QEMU {q}")).unwrap_or_default();
    format!("{} ({role}{qemu})", h.name)
}

pub(super) fn machine_checks(
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
