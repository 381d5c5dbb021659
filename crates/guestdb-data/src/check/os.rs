//! Rules about OS records: ids and names, references, inheritance cycles,
//! dates, resources, media patterns, and virtio facts against device links.

use super::{dup, one_line, os_path_for_id};
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use crate::resolve::{Index, ResolvedOs};
use std::collections::{HashMap, HashSet};

pub(super) fn check_ids_and_names(data: &Dataset, findings: &mut Findings) {
    let mut ids: HashMap<&str, &Loc> = HashMap::new();
    let mut names: HashMap<&str, (&Loc, &str)> = HashMap::new();
    for os in &data.oses {
        if let Some(first) = ids.insert(&os.id.value, &os.id.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &os.id.loc,
                first,
                format!("OS id '{}' is used by two files", os.id.value),
            );
        }
        for name in os.names() {
            if let Some((first, owner)) = names.get(name.value.as_str()) {
                let whose = if *owner == os.id.value {
                    "this OS".to_string()
                } else {
                    format!("'{owner}'")
                };
                dup(
                    findings,
                    Rule::DuplicateName,
                    &name.loc,
                    first,
                    format!("name '{}' is already used by {whose}", name.value),
                );
            } else {
                names.insert(&name.value, (&name.loc, &os.id.value));
            }
        }
        match os_path_for_id(&os.id.value) {
            None => findings.push(Finding::new(
                Rule::IdPath,
                os.id.loc.clone(),
                format!(
                    "OS id '{}' must look like http://<vendor-domain>/<name>/<version>",
                    os.id.value
                ),
            )),
            Some(rel) => {
                let want = rel.to_string_lossy().replace('\\', "/");
                let have = os.loc.path.replace('\\', "/");
                if !(have == want || have.ends_with(&format!("/{want}"))) {
                    findings.push(Finding::new(
                        Rule::IdPath,
                        os.id.loc.clone(),
                        format!("the file of OS '{}' must be {want}", os.id.value),
                    ));
                }
            }
        }
    }
}

pub(super) fn check_references(data: &Dataset, index: &Index, findings: &mut Findings) {
    let devices: HashSet<&str> = data.devices.iter().map(|d| d.name.value.as_str()).collect();
    let unresolved = |findings: &mut Findings, loc: &Loc, what: &str, name: &str| {
        findings.push(Finding::new(
            Rule::UnresolvedReference,
            loc.clone(),
            format!("{what} '{name}' is not defined"),
        ));
    };
    for os in &data.oses {
        for (kind, targets) in [
            ("derives-from", &os.derives_from),
            ("clones", &os.clones),
            ("upgrades", &os.upgrades),
        ] {
            for t in targets {
                if !index.by_id.contains_key(t.value.as_str()) {
                    unresolved(findings, &t.loc, &format!("{kind} target OS"), &t.value);
                } else if t.value == os.id.value {
                    findings.push(Finding::new(
                        Rule::InheritanceCycle,
                        t.loc.clone(),
                        format!("OS '{}' names itself in <{kind}>", os.id.value),
                    ));
                }
            }
        }
        for link in &os.devices {
            if !devices.contains(link.device.as_str()) {
                unresolved(findings, link.loc(), "device", &link.device);
            }
        }
        for d in os.drivers.iter().flat_map(|d| &d.devices) {
            if !devices.contains(d.value.as_str()) {
                unresolved(findings, &d.loc, "device", &d.value);
            }
        }
        let variants: HashSet<&str> = os.variants.iter().map(|v| v.id.as_str()).collect();
        let tree_variants = os.trees.iter().flat_map(|t| &t.variants);
        for v in os
            .media
            .iter()
            .flat_map(|m| &m.variants)
            .chain(tree_variants)
        {
            if !variants.contains(v.value.as_str()) {
                unresolved(findings, &v.loc, "variant", &v.value);
            }
        }
        let maps: HashSet<&str> = data.datamaps.iter().map(|d| d.id.value.as_str()).collect();
        for lang in os
            .media
            .iter()
            .filter_map(|m| m.iso.as_ref())
            .flat_map(|i| &i.languages)
        {
            if let Some(map) = &lang.map {
                if !maps.contains(map.as_str()) {
                    unresolved(findings, &lang.loc, "datamap", map);
                }
            }
        }
    }
}

/// Finds cycles in derives-from/clones and reports each once, at the edge
/// that closes it, with a note at every other edge.
pub(super) fn check_cycles(data: &Dataset, index: &Index, findings: &mut Findings) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let n = data.oses.len();
    let mut state = vec![State::New; n];
    // Iterative DFS keeping the path of (os, edge location) pairs.
    for start in 0..n {
        if state[start] != State::New {
            continue;
        }
        let mut path: Vec<(usize, Option<Loc>)> = vec![(start, None)];
        let mut next_edge: Vec<usize> = vec![0];
        state[start] = State::Open;
        while let Some(&(os, _)) = path.last() {
            let rec = &data.oses[os];
            let edges: Vec<&Located<String>> =
                rec.derives_from.iter().chain(rec.clones.iter()).collect();
            let i = *next_edge.last().unwrap_or(&0);
            if i >= edges.len() {
                state[os] = State::Done;
                path.pop();
                next_edge.pop();
                continue;
            }
            if let Some(last) = next_edge.last_mut() {
                *last += 1;
            }
            let edge = edges[i];
            let Some(&target) = index.by_id.get(edge.value.as_str()) else {
                continue;
            };
            if target == os {
                continue; // named itself; reported by check_references
            }
            match state[target] {
                State::New => {
                    state[target] = State::Open;
                    path.push((target, Some(edge.loc.clone())));
                    next_edge.push(0);
                }
                State::Open => {
                    let from = path.iter().position(|(o, _)| *o == target).unwrap_or(0);
                    let names: Vec<&str> = path[from..]
                        .iter()
                        .map(|(o, _)| data.oses[*o].id.value.as_str())
                        .collect();
                    let mut f = Finding::new(
                        Rule::InheritanceCycle,
                        edge.loc.clone(),
                        format!(
                            "inheritance cycle: {} -> {}",
                            names.join(" -> "),
                            data.oses[target].id.value
                        ),
                    );
                    for (_, loc) in &path[from + 1..] {
                        if let Some(loc) = loc {
                            f = f.note(loc.clone(), "part of the cycle");
                        }
                    }
                    findings.push(f);
                }
                State::Done => {}
            }
        }
    }
}

/// The lifecycle's phases end in order (standard, security, extended),
/// none before the release, and `<eol-date>` is the security phase's end:
/// the same day when it is dated, absent when it is unknown or not announced.
fn check_lifecycle(os: &OsRecord, findings: &mut Findings) {
    let mut dated: Vec<(&PhaseFact, Date)> = os
        .lifecycle
        .iter()
        .filter_map(|p| p.end.date().map(|d| (p, d)))
        .collect();
    dated.sort_by_key(|(p, _)| p.phase);
    for pair in dated.windows(2) {
        let ((first, fd), (second, sd)) = (pair[0], pair[1]);
        if fd > sd {
            findings.push(
                Finding::new(
                    Rule::LifecycleOrder,
                    second.loc().clone(),
                    format!(
                        "the {} phase ends {sd}, before the {} phase it follows ({fd})",
                        second.phase, first.phase
                    ),
                )
                .note(first.loc().clone(), format!("the {} phase", first.phase)),
            );
        }
    }
    if let Some(release) = &os.release_date {
        for (p, d) in &dated {
            if *d < release.value {
                findings.push(
                    Finding::new(
                        Rule::LifecycleOrder,
                        p.loc().clone(),
                        format!(
                            "the {} phase ends {d}, before the release date {}",
                            p.phase, release.value
                        ),
                    )
                    .note(release.loc.clone(), "released here"),
                );
            }
        }
    }
    let Some(security) = os.lifecycle.iter().find(|p| p.phase == Phase::Security) else {
        return;
    };
    match (security.end, &os.eol_date) {
        (PhaseEnd::On(d), Some(eol)) if eol.value != d => findings.push(
            Finding::new(
                Rule::EolDateMismatch,
                eol.loc.clone(),
                format!(
                    "<eol-date> {} is not the end of the security phase ({d}); eol-date is the end of security maintenance without a paid add-on",
                    eol.value
                ),
            )
            .note(security.loc().clone(), "the security phase"),
        ),
        (PhaseEnd::On(d), None) => findings.push(Finding::new(
            Rule::EolDateMismatch,
            security.loc().clone(),
            format!("the security phase ends {d} but the file states no <eol-date>; add <eol-date>{d}</eol-date>"),
        )),
        (end @ (PhaseEnd::Unknown | PhaseEnd::Tba), Some(eol)) => findings.push(
            Finding::new(
                Rule::EolDateMismatch,
                eol.loc.clone(),
                format!(
                    "<eol-date> {} is stated but the security phase's end is {end}; remove the eol-date or date the phase",
                    eol.value
                ),
            )
            .note(security.loc().clone(), "the security phase"),
        ),
        _ => {}
    }
}

pub(super) fn check_os(os: &OsRecord, findings: &mut Findings) {
    if let (Some(release), Some(eol)) = (&os.release_date, &os.eol_date) {
        if release.value > eol.value {
            findings.push(
                Finding::new(
                    Rule::ReleaseAfterEol,
                    eol.loc.clone(),
                    format!(
                        "end of life {} is before the release date {}",
                        eol.value, release.value
                    ),
                )
                .note(release.loc.clone(), "released here"),
            );
        }
    }
    check_lifecycle(os, findings);
    // One fact per key in one file.
    let mut seen: HashMap<String, &Loc> = HashMap::new();
    let keyed = os
        .virtio
        .iter()
        .map(|f| {
            (
                format!("<virtio class=\"{}\" arch=\"{}\">", f.class.name, f.arch),
                f.loc(),
            )
        })
        .chain(os.chipsets.iter().map(|f| {
            (
                format!(
                    "<chipset name=\"{}\" arch=\"{}\">",
                    f.chipset.name(),
                    f.arch
                ),
                f.loc(),
            )
        }))
        .chain(os.firmware.iter().map(|f| {
            (
                format!("<firmware arch=\"{}\" type=\"{}\">", f.arch, f.kind.name()),
                f.loc(),
            )
        }))
        .chain(
            os.secure_boot
                .iter()
                .map(|f| (format!("<secure-boot arch=\"{}\">", f.arch), f.loc())),
        )
        .chain(os.tpm.iter().map(|f| {
            (
                format!("<tpm arch=\"{}\" version=\"{}\">", f.arch, f.version),
                f.loc(),
            )
        }))
        .chain(
            os.devices
                .iter()
                .map(|f| (format!("<device ref=\"{}\">", f.device), f.loc())),
        )
        .chain(
            os.variants
                .iter()
                .map(|v| (format!("<variant id=\"{}\">", v.id), &v.loc)),
        )
        .chain(
            os.clock
                .iter()
                .map(|f| (format!("<clock arch=\"{}\">", f.arch), f.loc())),
        )
        .chain(
            os.roles
                .iter()
                .map(|f| (format!("<role name=\"{}\">", f.role.name()), f.loc())),
        )
        .chain(
            os.cpu_levels
                .iter()
                .map(|f| (format!("<cpu-level arch=\"{}\">", f.arch), f.loc())),
        )
        .chain(os.agents.iter().map(|f| {
            (
                format!("<agent name=\"{}\" arch=\"{}\">", f.name, f.arch),
                f.loc(),
            )
        }));
    for (key, loc) in keyed {
        if let Some(first) = seen.insert(key.clone(), loc) {
            dup(
                findings,
                Rule::DuplicateElement,
                loc,
                first,
                format!("{key} is given twice in this OS"),
            );
        }
    }
    for res in &os.resources {
        let (Some(min), Some(rec)) = (
            res.get(ResourceKind::Minimum),
            res.get(ResourceKind::Recommended),
        ) else {
            continue;
        };
        let pairs = [
            ("n-cpus", min.n_cpus, rec.n_cpus),
            ("cpu", min.cpu, rec.cpu),
            ("ram", min.ram, rec.ram),
            ("storage", min.storage, rec.storage),
        ];
        for (what, lo, hi) in pairs {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                if lo > hi {
                    let loc = min.loc.clone().unwrap_or_else(|| res.loc.clone());
                    let mut f = Finding::new(
                        Rule::ResourceOrder,
                        loc,
                        format!(
                            "minimum {what} {lo} is more than the recommended {hi} (arch {})",
                            res.arch
                        ),
                    );
                    if let Some(r) = &rec.loc {
                        f = f.note(r.clone(), "recommended here");
                    }
                    findings.push(f);
                }
            }
        }
    }
    // Media patterns are PCRE-style, as libosinfo (GRegex) reads them, so
    // look-around is allowed: fancy-regex compiles what PCRE does for these.
    for iso in os.media.iter().filter_map(|m| m.iso.as_ref()) {
        let fields = [
            &iso.volume_id,
            &iso.system_id,
            &iso.publisher_id,
            &iso.application_id,
        ];
        for pattern in fields.into_iter().flatten() {
            if let Err(e) = fancy_regex::Regex::new(&pattern.value) {
                findings.push(Finding::new(
                    Rule::InvalidRegex,
                    pattern.loc.clone(),
                    format!("the pattern does not compile: {}", one_line(&e.to_string())),
                ));
            }
        }
        for lang in iso.languages.iter().filter(|l| l.regex) {
            if let Err(e) = fancy_regex::Regex::new(&lang.value) {
                findings.push(Finding::new(
                    Rule::InvalidRegex,
                    lang.loc.clone(),
                    format!("the pattern does not compile: {}", one_line(&e.to_string())),
                ));
            }
        }
    }
    for info in os.trees.iter().filter_map(|t| t.treeinfo.as_ref()) {
        for pattern in [&info.family, &info.version, &info.arch, &info.variant]
            .into_iter()
            .flatten()
        {
            if let Err(e) = fancy_regex::Regex::new(&pattern.value) {
                findings.push(Finding::new(
                    Rule::InvalidRegex,
                    pattern.loc.clone(),
                    format!("the pattern does not compile: {}", one_line(&e.to_string())),
                ));
            }
        }
    }
}

/// A virtio fact must not deny what the OS's own device links claim.
pub(super) fn check_virtio_against_devices(
    data: &Dataset,
    resolved: &[ResolvedOs],
    findings: &mut Findings,
) {
    let catalogue: HashMap<&str, &Device> = data
        .devices
        .iter()
        .map(|d| (d.name.value.as_str(), d))
        .collect();
    for (os, res) in data.oses.iter().zip(resolved) {
        for link in &res.devices {
            let Some(dev) = catalogue.get(link.fact.device.as_str()) else {
                continue;
            };
            let (Some(t), Some(g)) = (dev.virtio_type, dev.generation) else {
                continue;
            };
            let Some(class) = VirtioClass::by_type(t) else {
                continue;
            };
            let denying = res.virtio.iter().find(|v| {
                v.fact.class == class
                    && v.fact.arch == "all"
                    && v.fact.driver.is_none()
                    && match g {
                        Generation::Legacy => !v.fact.legacy,
                        Generation::Modern => !v.fact.modern,
                    }
            });
            if let Some(v) = denying {
                let at = if v.inherited_from.is_none() {
                    v.fact.loc().clone()
                } else {
                    os.loc.clone()
                };
                findings.push(
                    Finding::new(
                        Rule::VirtioContradictsDevices,
                        at,
                        format!(
                            "OS '{}' says its {} virtio {} driver is missing, but it supports device '{}'",
                            os.id.value,
                            g.name(),
                            class.name,
                            dev.name.value
                        ),
                    )
                    .note(link.fact.loc().clone(), "device supported here"),
                );
            }
        }
    }
}

/// Firmware facts that cannot all hold after inheritance: Secure Boot on an
/// architecture without UEFI, or neither BIOS nor UEFI.
pub(super) fn check_firmware(data: &Dataset, resolved: &[ResolvedOs], findings: &mut Findings) {
    for (os, res) in data.oses.iter().zip(resolved) {
        let fw = |arch: &str, kind: FirmwareType| {
            res.firmware
                .iter()
                .find(|f| f.fact.arch == arch && f.fact.kind == kind)
        };
        let at = |loc: &Loc, inherited: Option<usize>| {
            if inherited.is_none() {
                loc.clone()
            } else {
                os.loc.clone()
            }
        };
        for sb in res.secure_boot.iter().filter(|s| s.fact.supported) {
            let efi = fw(&sb.fact.arch, FirmwareType::Efi);
            if efi.is_none_or(|e| !e.fact.supported) {
                let mut f = Finding::new(
                    Rule::FirmwareContradiction,
                    at(sb.fact.loc(), sb.inherited_from),
                    format!(
                        "OS '{}' supports Secure Boot on {} but no UEFI firmware there; add <firmware arch=\"{}\" type=\"efi\"/>",
                        os.id.value, sb.fact.arch, sb.fact.arch
                    ),
                );
                if let Some(e) = efi {
                    f = f.note(e.fact.loc().clone(), "UEFI unsupported here");
                }
                findings.push(f);
            }
        }
        let mut arches: Vec<&str> = res.firmware.iter().map(|f| f.fact.arch.as_str()).collect();
        arches.sort();
        arches.dedup();
        for arch in arches {
            let (Some(bios), Some(efi)) =
                (fw(arch, FirmwareType::Bios), fw(arch, FirmwareType::Efi))
            else {
                continue;
            };
            if !bios.fact.supported && !efi.fact.supported {
                findings.push(
                    Finding::new(
                        Rule::FirmwareContradiction,
                        at(efi.fact.loc(), efi.inherited_from),
                        format!(
                            "OS '{}' supports neither BIOS nor UEFI on {arch}",
                            os.id.value
                        ),
                    )
                    .note(bios.fact.loc().clone(), "BIOS unsupported here"),
                );
            }
            if bios.fact.preferred && efi.fact.preferred {
                findings.push(
                    Finding::new(
                        Rule::FirmwareContradiction,
                        at(efi.fact.loc(), efi.inherited_from),
                        format!(
                            "OS '{}' prefers both BIOS and UEFI on {arch}; prefer one",
                            os.id.value
                        ),
                    )
                    .note(bios.fact.loc().clone(), "BIOS preferred here"),
                );
            }
        }
    }
}
