//! Rules about the name schemes (`data/crosswalk/`): one file per scheme,
//! named after it; each name once; every OS it names exists; a name's
//! architecture is one its OSes are known on.

use super::dup;
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use crate::resolve::{Index, ResolvedOs};
use std::collections::HashMap;

pub(super) fn check_crosswalks(
    data: &Dataset,
    index: &Index,
    resolved: &[ResolvedOs],
    findings: &mut Findings,
) {
    let mut schemes: HashMap<&str, &Loc> = HashMap::new();
    for c in &data.crosswalks {
        let scheme = c.scheme.value.as_str();
        if let Some(first) = schemes.insert(scheme, &c.scheme.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &c.scheme.loc,
                first,
                format!("scheme '{scheme}' is defined twice"),
            );
        }
        let valid = !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            findings.push(Finding::new(
                Rule::InvalidValue,
                c.scheme.loc.clone(),
                format!("scheme '{scheme}' must be lower-case letters, digits and '-' (it prefixes SCHEME:NAME)"),
            ));
        }
        let want = format!("crosswalk/{scheme}.xml");
        if !c.loc.path.replace('\\', "/").ends_with(&want) {
            findings.push(Finding::new(
                Rule::InvalidValue,
                c.scheme.loc.clone(),
                format!("scheme '{scheme}' belongs in {want}"),
            ));
        }
        let mut names: HashMap<&str, &Loc> = HashMap::new();
        for n in &c.names {
            if let Some(first) = names.insert(&n.value.value, &n.value.loc) {
                dup(
                    findings,
                    Rule::DuplicateId,
                    &n.value.loc,
                    first,
                    format!("{scheme} name '{}' is listed twice", n.value.value),
                );
            }
            if let Some(a) = n.arch.as_ref().filter(|a| a.value == "all") {
                findings.push(Finding::new(
                    Rule::InvalidValue,
                    a.loc.clone(),
                    format!(
                        "{scheme} name '{}': arch=\"all\" says nothing; name one architecture (x86_64, aarch64, ...) or leave arch out",
                        n.value.value
                    ),
                ));
            }
            for (k, o) in n.oses.iter().enumerate() {
                let Some(&i) = index.by_id.get(o.id.value.as_str()) else {
                    findings.push(Finding::new(
                        Rule::UnresolvedReference,
                        o.id.loc.clone(),
                        format!(
                            "{scheme} name '{}' names the OS '{}', which the dataset does not have",
                            n.value.value, o.id.value
                        ),
                    ));
                    continue;
                };
                // The architectures of the OS the name resolves to (none
                // stated: any).
                let (0, Some(a), Some(r)) = (k, &n.arch, resolved.get(i)) else {
                    continue;
                };
                let arches = crate::emit::os::arches(&data.oses[i], r);
                if a.value != "all" && !arches.is_empty() && !arches.contains(a.value.as_str()) {
                    findings.push(Finding::new(
                        Rule::InvalidValue,
                        a.loc.clone(),
                        format!(
                            "{scheme} name '{}' is for {}, but the OS '{}' is known on {} only; fix the arch or the OS",
                            n.value.value,
                            a.value,
                            o.id.value,
                            arches.iter().copied().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
        }
    }
}
