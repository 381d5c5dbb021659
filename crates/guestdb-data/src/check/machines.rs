//! Rules about machine types: the upstream release list, families, extra
//! names, removals and the lifecycle, and the downstream lines.

use super::dup;
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use std::collections::{HashMap, HashSet};

pub(super) fn check_machines(data: &Dataset, findings: &mut Findings) {
    let m = &data.machines;
    // Releases: each once, oldest first, dates not going back.
    let mut seen: HashMap<Version, &Loc> = HashMap::new();
    let mut previous: Option<&QemuRelease> = None;
    for r in &m.releases {
        if let Some(first) = seen.insert(r.version, &r.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &r.loc,
                first,
                format!("QEMU release {} is listed twice", r.version),
            );
            continue;
        }
        if let Some(p) = previous {
            let dates_back = matches!((p.date, r.date), (Some(a), Some(b)) if b < a);
            if r.version < p.version || dates_back {
                findings.push(
                    Finding::new(
                        Rule::ReleaseOrder,
                        r.loc.clone(),
                        format!(
                            "QEMU release {} comes after {} in the list but is {}; list releases oldest first",
                            r.version,
                            p.version,
                            if r.version < p.version { "older" } else { "dated earlier" }
                        ),
                    )
                    .note(p.loc.clone(), "the release before it"),
                );
            }
        }
        previous = Some(r);
    }
    let releases: HashSet<Version> = m.releases.iter().map(|r| r.version).collect();
    let not_a_release = |findings: &mut Findings, loc: &Loc, what: &str, v: Version| {
        if !releases.contains(&v) {
            findings.push(Finding::new(
                Rule::UnresolvedReference,
                loc.clone(),
                format!("{what} {v} is not a QEMU release listed in machines/qemu.xml"),
            ));
        }
    };

    // A family name may come back for other architectures (aarch64's
    // versioned `virt`, riscv64's unversioned one), not for the same.
    let mut families: HashMap<&str, &Loc> = HashMap::new();
    let mut family_arches: HashMap<(&str, &str), &Loc> = HashMap::new();
    for f in &m.families {
        families.entry(&f.name.value).or_insert(&f.name.loc);
        for arch in &f.arches {
            if let Some(first) = family_arches.insert((&f.name.value, arch), &f.name.loc) {
                dup(
                    findings,
                    Rule::DuplicateId,
                    &f.name.loc,
                    first,
                    format!(
                        "machine family '{}' is defined twice for {arch}",
                        f.name.value
                    ),
                );
            }
        }
        not_a_release(findings, &f.loc, "first version", f.first);
        if let Some(v) = f.alias_since {
            not_a_release(findings, &f.loc, "alias-since", v);
        }
    }
    let family_known = |findings: &mut Findings, family: &Located<String>| {
        if !families.contains_key(family.value.as_str()) {
            findings.push(Finding::new(
                Rule::UnresolvedReference,
                family.loc.clone(),
                format!(
                    "machine family '{}' has no <family> in machines/qemu.xml",
                    family.value
                ),
            ));
        }
    };

    // Generated names, to catch an extra that repeats one.
    let generated: HashSet<String> = m
        .families
        .iter()
        .filter(|f| f.versioned)
        .flat_map(|f| {
            m.releases
                .iter()
                .filter(move |r| r.version >= f.first)
                .map(move |r| format!("{}{}", f.prefix, r.version))
        })
        .collect();
    let mut extras: HashMap<&str, &Loc> = HashMap::new();
    for e in &m.extras {
        if let Some(first) = extras.insert(&e.name.value, &e.name.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &e.name.loc,
                first,
                format!("machine type '{}' is listed twice", e.name.value),
            );
        }
        if generated.contains(&e.name.value) {
            findings.push(Finding::new(
                Rule::DuplicateId,
                e.name.loc.clone(),
                format!(
                    "machine type '{}' already follows from its family and a release; remove this <machine>",
                    e.name.value
                ),
            ));
        }
        family_known(findings, &e.family);
        not_a_release(findings, &e.loc, "added", e.added);
    }
    for c in &m.changes {
        family_known(findings, &c.family);
        not_a_release(findings, &c.loc, "release", c.release);
    }
    if let Some(l) = &m.lifecycle {
        not_a_release(findings, &l.loc, "since", l.since);
        not_a_release(findings, &l.loc, "delete-since", l.delete_since);
    }

    // Downstream lines.
    let mut lines: HashMap<&str, &Loc> = HashMap::new();
    for line in &data.lines {
        if let Some(first) = lines.insert(&line.id.value, &line.id.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &line.id.loc,
                first,
                format!("downstream line '{}' is defined twice", line.id.value),
            );
        }
        let want = format!("machines/{}.xml", line.id.value);
        let have = line.loc.path.replace('\\', "/");
        if !(have == want || have.ends_with(&format!("/{want}"))) || line.id.value == "qemu" {
            findings.push(Finding::new(
                Rule::IdPath,
                line.id.loc.clone(),
                format!(
                    "the file of downstream line '{}' must be {want} (and 'qemu' is upstream's)",
                    line.id.value
                ),
            ));
        }
        let mut names: HashMap<&str, &Loc> = HashMap::new();
        for mt in &line.machines {
            if let Some(first) = names.insert(&mt.name.value, &mt.name.loc) {
                dup(
                    findings,
                    Rule::DuplicateId,
                    &mt.name.loc,
                    first,
                    format!(
                        "machine type '{}' is listed twice in line '{}'",
                        mt.name.value, line.id.value
                    ),
                );
            }
            let majors: HashSet<&str> = mt.since.iter().map(|s| release_major(&s.value)).collect();
            for d in &mt.deprecated_since {
                if !majors.contains(release_major(&d.value)) {
                    findings.push(Finding::new(
                        Rule::InvalidValue,
                        d.loc.clone(),
                        format!(
                            "'{}' deprecates it in release line {}, where 'since' does not offer it",
                            d.value,
                            release_major(&d.value)
                        ),
                    ));
                }
            }
        }
        for (alias, family) in &line.aliases {
            if !line.machines.iter().any(|mt| &mt.family.value == family) {
                findings.push(Finding::new(
                    Rule::InvalidValue,
                    line.loc.clone(),
                    format!(
                        "alias '{alias}' names the newest {family} type, but line '{}' has none",
                        line.id.value
                    ),
                ));
            }
        }
    }
}
