//! Rules about the VM-profile catalogues: Hyper-V enlightenments and CPU models.

use super::dup;
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use crate::resolve::Index;
use std::collections::HashMap;

pub(super) fn check_profile(data: &Dataset, index: &Index, findings: &mut Findings) {
    let mut names: HashMap<&str, &Loc> = HashMap::new();
    for f in &data.hyperv {
        if let Some(first) = names.insert(&f.name.value, &f.name.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &f.name.loc,
                first,
                format!("Hyper-V feature '{}' is defined twice", f.name.value),
            );
        }
    }
    for f in &data.hyperv {
        for r in &f.requires {
            if !names.contains_key(r.value.as_str()) {
                findings.push(Finding::new(
                    Rule::UnresolvedReference,
                    r.loc.clone(),
                    format!(
                        "Hyper-V feature '{}' requires '{}', which hyperv.xml does not define",
                        f.name.value, r.value
                    ),
                ));
            }
        }
        for w in &f.windows {
            if !index.by_id.contains_key(w.value.as_str()) {
                findings.push(Finding::new(
                    Rule::UnresolvedReference,
                    w.loc.clone(),
                    format!(
                        "Hyper-V feature '{}' names the OS '{}' as the first Windows that uses it, which the dataset does not have",
                        f.name.value, w.value
                    ),
                ));
            }
        }
    }
    let mut releases: HashMap<&str, &Loc> = HashMap::new();
    for r in &data.osinfo_releases {
        if let Some(first) = releases.insert(&r.version.value, &r.version.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &r.version.loc,
                first,
                format!("osinfo-db release '{}' is listed twice", r.version.value),
            );
        }
        let have = r.loc.path.replace('\\', "/");
        let want = format!("osinfo-db/{}.xml", r.version.value);
        if !have.ends_with(&want) {
            findings.push(Finding::new(
                Rule::IdPath,
                r.version.loc.clone(),
                format!(
                    "osinfo-db release '{}' belongs in data/{want}",
                    r.version.value
                ),
            ));
        }
    }
    for h in &data.hosts {
        if let Some(v) = &h.osinfo_db {
            if !releases.contains_key(v.value.as_str()) {
                findings.push(Finding::new(
                    Rule::UnresolvedReference,
                    v.loc.clone(),
                    format!(
                        "host '{}' names osinfo-db release '{}', which data/osinfo-db/ does not list (make it with tools/osinfo-release.sh)",
                        h.id.value, v.value
                    ),
                ));
            }
        }
    }
    let mut models: HashMap<&str, &Loc> = HashMap::new();
    for m in &data.cpus {
        if let Some(first) = models.insert(&m.name.value, &m.name.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &m.name.loc,
                first,
                format!("CPU model '{}' is defined twice", m.name.value),
            );
        }
    }
}
