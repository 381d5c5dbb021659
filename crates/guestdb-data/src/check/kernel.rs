//! Facts against the kernel: an OS that states its `<kernel>` must not state
//! a virtio or chipset fact the driver table (`data/linux.xml`) contradicts
//! for that kernel, unless the fact gives the reason as `exception` (a
//! backport, a driver the distribution leaves out). An `exception` on a fact
//! that agrees with the kernel is stale and reported too.

use crate::derive::{implied_chipset, implied_virtio};
use crate::diag::{Finding, Findings, Rule};
use crate::model::*;

pub(super) fn check_kernel_facts(data: &Dataset, findings: &mut Findings) {
    for os in &data.oses {
        let kernel = os.kernel.as_ref();
        for v in os.virtio.iter().filter(|v| !v.derived()) {
            let row = data.linux.virtio.iter().find(|r| r.class == v.class);
            let applies = v.arch == "all" && v.driver.is_none() && !v.unknown;
            let (Some(kernel), Some(row), true) = (kernel, row, applies) else {
                if let Some(reason) = &v.provenance.exception {
                    findings.push(Finding::new(
                        Rule::KernelContradiction,
                        v.loc().clone(),
                        format!(
                            "exception \"{reason}\" given, but OS '{}' states no <kernel> (or the fact is not an in-box one for every architecture) to differ from",
                            os.id.value
                        ),
                    ));
                }
                continue;
            };
            let (legacy, modern, why) = implied_virtio(row, kernel.version);
            let agrees = (legacy, modern) == (v.legacy, v.modern);
            match (&v.provenance.exception, agrees) {
                (None, false) => findings.push(
                    Finding::new(
                        Rule::KernelContradiction,
                        v.loc().clone(),
                        format!(
                            "OS '{}' says virtio {} is {}, but its kernel implies {} ({why}); correct the fact or give the reason as exception=\"...\"",
                            os.id.value,
                            v.class.name,
                            generations(v.legacy, v.modern),
                            generations(legacy, modern)
                        ),
                    )
                    .note(kernel.loc().clone(), "kernel stated here")
                    .note(row.loc.clone(), "driver table row"),
                ),
                (Some(reason), true) => findings.push(
                    Finding::new(
                        Rule::KernelContradiction,
                        v.loc().clone(),
                        format!(
                            "exception \"{reason}\" given, but the fact agrees with kernel {} ({why}); drop the exception",
                            kernel.version
                        ),
                    )
                    .note(kernel.loc().clone(), "kernel stated here"),
                ),
                _ => {}
            }
        }
        for c in os
            .chipsets
            .iter()
            .filter(|c| !c.derived() && c.arch == "all")
        {
            let row = data.linux.chipsets.iter().find(|r| r.chipset == c.chipset);
            // (why, where the kernel is stated) when the kernel implies support.
            let implied = match (kernel, row) {
                (Some(k), Some(r)) => implied_chipset(r, k.version).map(|why| (why, k.loc())),
                _ => None,
            };
            match (&c.provenance.exception, implied, c.supported) {
                (None, Some((why, kernel_at)), false) => findings.push(
                    Finding::new(
                        Rule::KernelContradiction,
                        c.loc().clone(),
                        format!(
                            "OS '{}' says it does not support {}, but its kernel implies it does ({why}); correct the fact or give the reason as exception=\"...\"",
                            os.id.value,
                            c.chipset.name()
                        ),
                    )
                    .note(kernel_at.clone(), "kernel stated here"),
                ),
                (Some(reason), None, _) | (Some(reason), Some(_), true) => {
                    findings.push(Finding::new(
                        Rule::KernelContradiction,
                        c.loc().clone(),
                        format!(
                            "exception \"{reason}\" given, but nothing the kernel implies differs from this {} fact; drop the exception",
                            c.chipset.name()
                        ),
                    ))
                }
                _ => {}
            }
        }
    }
}

fn generations(legacy: bool, modern: bool) -> &'static str {
    match (legacy, modern) {
        (true, true) => "legacy and modern",
        (true, false) => "legacy only",
        (false, true) => "modern only",
        (false, false) => "not driven",
    }
}
