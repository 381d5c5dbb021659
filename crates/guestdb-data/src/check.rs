//! The checker: every rule that spans more than one element or file.
//! (The reader checks the shape of each file on its own.)

use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use crate::resolve::{Index, ResolvedOs};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Where the file of an OS id belongs, relative to the data directory:
/// `http://redhat.com/rhel/6.10` → `os/redhat.com/rhel-6.10.xml`.
pub fn os_path_for_id(id: &str) -> Option<PathBuf> {
    let rest = id
        .strip_prefix("http://")
        .or_else(|| id.strip_prefix("https://"))?;
    let (host, path) = rest.split_once('/')?;
    let name = path.trim_matches('/').replace('/', "-");
    let safe = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_alphanumeric() || b".-_+".contains(&c))
            && !s.starts_with('.')
    };
    if !safe(host) || !safe(&name) {
        return None;
    }
    Some(PathBuf::from("os").join(host).join(format!("{name}.xml")))
}

/// Runs every cross-element rule over a read dataset.
pub fn check(data: &Dataset, index: &Index, resolved: &[ResolvedOs], findings: &mut Findings) {
    check_devices(data, findings);
    check_ids_and_names(data, findings);
    check_references(data, index, findings);
    check_cycles(data, index, findings);
    for os in &data.oses {
        check_os(os, findings);
    }
    check_virtio_against_devices(data, resolved, findings);
}

fn dup(findings: &mut Findings, rule: Rule, loc: &Loc, first: &Loc, message: String) {
    findings
        .push(Finding::new(rule, loc.clone(), message).note(first.clone(), "first defined here"));
}

fn check_devices(data: &Dataset, findings: &mut Findings) {
    let mut names: HashMap<&str, &Loc> = HashMap::new();
    let mut osinfo: HashMap<&str, &Loc> = HashMap::new();
    for d in &data.devices {
        if let Some(first) = names.insert(&d.name.value, &d.name.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &d.name.loc,
                first,
                format!("device '{}' is defined twice", d.name.value),
            );
        }
        if let Some(id) = &d.osinfo_id {
            if let Some(first) = osinfo.insert(&id.value, &id.loc) {
                dup(
                    findings,
                    Rule::DuplicateId,
                    &id.loc,
                    first,
                    format!("osinfo id '{}' is claimed by two devices", id.value),
                );
            }
        }
        // A virtio device's PCI ID follows from its type and generation.
        if let (Some(t), Some(g)) = (d.virtio_type, d.generation) {
            let Some(class) = VirtioClass::by_type(t) else {
                findings.push(Finding::new(
                    Rule::InvalidValue,
                    d.loc.clone(),
                    format!("virtio type {t} is not a known virtio device type"),
                ));
                continue;
            };
            let expected = match g {
                Generation::Legacy => class.legacy_pci,
                Generation::Modern => Some(class.modern_pci()),
            };
            let Some(expected) = expected else {
                findings.push(Finding::new(
                    Rule::InvalidValue,
                    d.loc.clone(),
                    format!(
                        "virtio {} devices have no legacy PCI ID; generation must be modern",
                        class.name
                    ),
                ));
                continue;
            };
            let expected = PciId {
                vendor: 0x1af4,
                device: expected,
            };
            match &d.pci {
                Some(pci) if pci.value != expected => findings.push(Finding::new(
                    Rule::InvalidPciId,
                    pci.loc.clone(),
                    format!(
                        "{} virtio {} shows PCI ID {expected}, not {}",
                        g.name(),
                        class.name,
                        pci.value
                    ),
                )),
                None => findings.push(Finding::new(
                    Rule::MissingAttribute,
                    d.loc.clone(),
                    format!(
                        "virtio device '{}' needs its PCI ID (pci=\"{expected}\")",
                        d.name.value
                    ),
                )),
                _ => {}
            }
        }
    }
}

fn check_ids_and_names(data: &Dataset, findings: &mut Findings) {
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

fn check_references(data: &Dataset, index: &Index, findings: &mut Findings) {
    let devices: HashSet<&str> = data.devices.iter().map(|d| d.name.value.as_str()).collect();
    let sources: HashSet<&str> = data
        .info
        .sources
        .iter()
        .map(|s| s.id.value.as_str())
        .collect();
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
                unresolved(findings, &link.loc, "device", &link.device);
            }
        }
        for d in os.drivers.iter().flat_map(|d| &d.devices) {
            if !devices.contains(d.value.as_str()) {
                unresolved(findings, &d.loc, "device", &d.value);
            }
        }
        let fact_sources = os
            .virtio
            .iter()
            .map(|f| &f.provenance)
            .chain(os.chipsets.iter().map(|f| &f.provenance))
            .chain(os.firmware.iter().map(|f| &f.provenance))
            .chain(os.devices.iter().map(|f| &f.provenance))
            .filter_map(|p| p.source.as_ref())
            .chain(os.source.as_ref());
        for s in fact_sources {
            if !sources.contains(s.value.as_str()) {
                unresolved(findings, &s.loc, "source", &s.value);
            }
        }
        let variants: HashSet<&str> = os.variants.iter().map(|v| v.id.as_str()).collect();
        for v in os.media.iter().flat_map(|m| &m.variants) {
            if !variants.contains(v.value.as_str()) {
                unresolved(findings, &v.loc, "variant", &v.value);
            }
        }
    }
}

/// Finds cycles in derives-from/clones and reports each once, at the edge
/// that closes it, with a note at every other edge.
fn check_cycles(data: &Dataset, index: &Index, findings: &mut Findings) {
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

fn check_os(os: &OsRecord, findings: &mut Findings) {
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
    // One fact per key in one file.
    let mut seen: HashMap<String, &Loc> = HashMap::new();
    let keyed = os
        .virtio
        .iter()
        .map(|f| {
            (
                format!("<virtio class=\"{}\" arch=\"{}\">", f.class.name, f.arch),
                &f.loc,
            )
        })
        .chain(os.chipsets.iter().map(|f| {
            (
                format!(
                    "<chipset name=\"{}\" arch=\"{}\">",
                    f.chipset.name(),
                    f.arch
                ),
                &f.loc,
            )
        }))
        .chain(os.firmware.iter().map(|f| {
            (
                format!("<firmware arch=\"{}\" type=\"{}\">", f.arch, f.kind.name()),
                &f.loc,
            )
        }))
        .chain(
            os.devices
                .iter()
                .map(|f| (format!("<device ref=\"{}\">", f.device), &f.loc)),
        )
        .chain(
            os.variants
                .iter()
                .map(|v| (format!("<variant id=\"{}\">", v.id), &v.loc)),
        );
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
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A virtio fact must not deny what the OS's own device links claim.
fn check_virtio_against_devices(data: &Dataset, resolved: &[ResolvedOs], findings: &mut Findings) {
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
                    v.fact.loc.clone()
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
                    .note(link.fact.loc.clone(), "device supported here"),
                );
            }
        }
    }
}
