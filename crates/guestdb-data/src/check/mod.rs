//! The checker: every rule that spans more than one element or file.
//! (The reader checks the shape of each file on its own.)
//!
//! - [`os`](mod@os): OS ids, names, references, inheritance cycles, per-OS rules;
//! - [`devices`]: the device catalogue;
//! - [`machines`]: machine types;
//! - [`hosts`]: host profiles;
//! - [`kernel`]: facts against the kernel a Linux release ships;
//! - here: that every `source` names a source of `dataset.xml`.

mod crosswalk;
mod datamaps;
mod devices;
mod hosts;
mod kernel;
mod machines;
mod os;
mod profile;

use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use crate::resolve::{Index, ResolvedOs};
use std::collections::HashSet;
use std::path::PathBuf;

/// Where the file of an OS id belongs, relative to the data directory:
/// `http://redhat.com/rhel/6.10` → `os/redhat.com/rhel-6.10.xml`.
pub fn os_path_for_id(id: &str) -> Option<PathBuf> {
    path_for_id("os", id)
}

/// Where the file of the record `id` lives below `dir` (`os`, `datamaps`):
/// `dir/<host>/<path with '/' as '-'>.xml`.
pub fn path_for_id(dir: &str, id: &str) -> Option<PathBuf> {
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
    Some(PathBuf::from(dir).join(host).join(format!("{name}.xml")))
}

/// Runs every cross-element rule over a read dataset.
pub fn check(data: &Dataset, index: &Index, resolved: &[ResolvedOs], findings: &mut Findings) {
    devices::check_devices(data, findings);
    os::check_ids_and_names(data, findings);
    os::check_references(data, index, findings);
    os::check_cycles(data, index, findings);
    for record in &data.oses {
        os::check_os(record, findings);
    }
    os::check_virtio_against_devices(data, resolved, findings);
    os::check_firmware(data, resolved, findings);
    kernel::check_kernel_facts(data, findings);
    machines::check_machines(data, findings);
    hosts::check_hosts(data, findings);
    profile::check_profile(data, index, findings);
    datamaps::check_datamaps(data, findings);
    crosswalk::check_crosswalks(data, index, resolved, findings);
    check_sources(data, findings);
}

fn dup(findings: &mut Findings, rule: Rule, loc: &Loc, first: &Loc, message: String) {
    findings
        .push(Finding::new(rule, loc.clone(), message).note(first.clone(), "first defined here"));
}

/// Every `source="ID"` anywhere names a source declared in `dataset.xml`.
fn check_sources(data: &Dataset, findings: &mut Findings) {
    let declared: HashSet<&str> = data
        .info
        .sources
        .iter()
        .map(|s| s.id.value.as_str())
        .collect();
    let mut named: Vec<&Located<String>> = Vec::new();
    for os in &data.oses {
        named.extend(os.source.as_ref());
        // Derived facts carry their driver-table row's source, checked once
        // with the table below.
        let provenances = os.provenances().filter(|p| !p.derived);
        named.extend(provenances.filter_map(|p| p.source.as_ref()));
    }
    let m = &data.machines;
    let provenances = m
        .releases
        .iter()
        .map(|r| &r.provenance)
        .chain(data.linux.virtio.iter().map(|r| &r.provenance))
        .chain(data.linux.chipsets.iter().map(|r| &r.provenance))
        .chain(data.linux.transports.iter().map(|r| &r.provenance))
        .chain(m.families.iter().map(|f| &f.provenance))
        .chain(m.extras.iter().map(|e| &e.provenance))
        .chain(m.changes.iter().map(|c| &c.provenance))
        .chain(m.lifecycle.iter().map(|l| &l.provenance))
        .chain(data.lines.iter().map(|l| &l.provenance))
        .chain(
            data.lines
                .iter()
                .flat_map(|l| l.machines.iter().map(|m| &m.provenance)),
        )
        .chain(data.hosts.iter().map(|h| &h.provenance))
        .chain(
            data.hosts
                .iter()
                .flat_map(|h| h.firmware.iter().map(|f| &f.provenance)),
        )
        .chain(
            data.hosts
                .iter()
                .flat_map(|h| h.tpm.iter().map(|t| &t.provenance)),
        )
        .chain(
            data.hosts
                .iter()
                .flat_map(|h| h.missing_devices.iter().map(|d| &d.provenance)),
        )
        .chain(
            data.hosts
                .iter()
                .flat_map(|h| h.graphics.iter().map(|g| &g.provenance)),
        )
        .chain(data.hyperv.iter().map(|f| &f.provenance))
        .chain(data.crosswalks.iter().map(|c| &c.provenance))
        .chain(data.cpus.iter().map(|m| &m.provenance))
        .chain(data.osinfo_releases.iter().map(|r| &r.provenance));
    named.extend(provenances.filter_map(|p| p.source.as_ref()));
    for s in named {
        if !declared.contains(s.value.as_str()) {
            findings.push(Finding::new(
                Rule::UnresolvedReference,
                s.loc.clone(),
                format!(
                    "source '{}' is not defined; declare it in dataset.xml",
                    s.value
                ),
            ));
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
