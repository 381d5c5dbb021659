//! Rules about host profiles.

use super::dup;
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use std::collections::HashMap;

pub(super) fn check_hosts(data: &Dataset, findings: &mut Findings) {
    let mut ids: HashMap<&str, &Loc> = HashMap::new();
    let mut defaults: Vec<&HostProfile> = Vec::new();
    for h in &data.hosts {
        if let Some(first) = ids.insert(&h.id.value, &h.id.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &h.id.loc,
                first,
                format!("host profile '{}' is defined twice", h.id.value),
            );
        }
        let want = format!("hosts/{}.xml", h.id.value);
        let have = h.loc.path.replace('\\', "/");
        if !(have == want || have.ends_with(&format!("/{want}"))) {
            findings.push(Finding::new(
                Rule::IdPath,
                h.id.loc.clone(),
                format!("the file of host profile '{}' must be {want}", h.id.value),
            ));
        }
        if h.default {
            defaults.push(h);
        }
        if !data
            .machines
            .releases
            .iter()
            .any(|r| r.version == h.qemu.release())
        {
            findings.push(Finding::new(
                Rule::UnresolvedReference,
                h.loc.clone(),
                format!(
                    "QEMU {} is not a release listed in machines/qemu.xml",
                    h.qemu
                ),
            ));
        }
        if let Some((line, release)) = &h.machines.downstream {
            match data.lines.iter().find(|l| l.id.value == line.value) {
                None => findings.push(Finding::new(
                    Rule::UnresolvedReference,
                    line.loc.clone(),
                    format!(
                        "downstream line '{}' is not defined (machines/{}.xml)",
                        line.value, line.value
                    ),
                )),
                Some(l) => {
                    let offers = l.machines.iter().any(|m| m.offered_in(release));
                    if !offers {
                        findings.push(Finding::new(
                            Rule::InvalidValue,
                            h.machines.loc.clone(),
                            format!(
                                "release {release} of line '{}' offers no machine types",
                                line.value
                            ),
                        ));
                    }
                }
            }
        }
        let mut arches: HashMap<&str, &Loc> = HashMap::new();
        for a in &h.arches {
            if let Some(first) = arches.insert(&a.value, &a.loc) {
                dup(
                    findings,
                    Rule::DuplicateElement,
                    &a.loc,
                    first,
                    format!("arch '{}' is listed twice", a.value),
                );
            }
        }
        let placed = h
            .firmware
            .iter()
            .map(|f| (&f.arch, &f.loc))
            .chain(h.tpm.iter().map(|t| (&t.arch, &t.loc)));
        for (arch, loc) in placed {
            if !arches.contains_key(arch.as_str()) {
                findings.push(Finding::new(
                    Rule::InvalidValue,
                    loc.clone(),
                    format!("arch '{arch}' is not one of this host's <arch> elements"),
                ));
            }
        }
    }
    match defaults.as_slice() {
        [] if !data.hosts.is_empty() => {
            let first = &data.hosts[0];
            findings.push(Finding::new(
                Rule::MissingElement,
                first.loc.clone(),
                "no host profile is marked default=\"true\"; exactly one must be (the host guestdb assumes when none is named)",
            ));
        }
        [_, second, ..] => {
            findings.push(
                Finding::new(
                    Rule::DuplicateElement,
                    second.loc.clone(),
                    format!(
                        "host profile '{}' is a second default; exactly one may be",
                        second.id.value
                    ),
                )
                .note(defaults[0].loc.clone(), "the first default"),
            );
        }
        _ => {}
    }
}
