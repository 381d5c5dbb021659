//! Rules about the name schemes (`data/crosswalk/`): one file per scheme,
//! named after it; each name once; every OS it names exists.

use super::dup;
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use crate::resolve::Index;
use std::collections::HashMap;

pub(super) fn check_crosswalks(data: &Dataset, index: &Index, findings: &mut Findings) {
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
            for o in &n.oses {
                if !index.by_id.contains_key(o.id.value.as_str()) {
                    findings.push(Finding::new(
                        Rule::UnresolvedReference,
                        o.id.loc.clone(),
                        format!(
                            "{scheme} name '{}' names the OS '{}', which the dataset does not have",
                            n.value.value, o.id.value
                        ),
                    ));
                }
            }
        }
    }
}
