//! Rules about datamaps: one definition per id, in the file its id names.

use super::{dup, path_for_id};
use crate::diag::{Finding, Findings, Loc, Rule};
use crate::model::*;
use std::collections::HashMap;

pub(super) fn check_datamaps(data: &Dataset, findings: &mut Findings) {
    let mut ids: HashMap<&str, &Loc> = HashMap::new();
    for m in &data.datamaps {
        if let Some(first) = ids.insert(&m.id.value, &m.id.loc) {
            dup(
                findings,
                Rule::DuplicateId,
                &m.id.loc,
                first,
                format!("datamap '{}' is defined twice", m.id.value),
            );
        }
        let have = m.loc.path.replace('\\', "/");
        match path_for_id("datamaps", &m.id.value) {
            Some(want) => {
                let want = want.to_string_lossy().replace('\\', "/");
                if !(have == want || have.ends_with(&format!("/{want}"))) {
                    findings.push(Finding::new(
                        Rule::IdPath,
                        m.id.loc.clone(),
                        format!("the file of datamap '{}' must be {want}", m.id.value),
                    ));
                }
            }
            None => findings.push(Finding::new(
                Rule::InvalidValue,
                m.id.loc.clone(),
                format!(
                    "datamap id '{}' must be http://<domain>/<path>, like http://microsoft.com/win/7/l10n-language",
                    m.id.value
                ),
            )),
        }
    }
}
