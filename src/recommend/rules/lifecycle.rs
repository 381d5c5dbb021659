//! Rules about the OS as a whole: the fallback for unknown releases, the
//! architecture, and end-of-life warnings.

use super::*;
use crate::lifecycle;
use crate::recommend::facts::PhaseRef;
use guestdb_data::model::{Date, Phase, PhaseEnd};

pub(super) fn os_fallback(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    if let Some(f) = &ctx.os.fallback {
        let message = format!(
            "'{}' is not in the dataset; {} ({}) stands in for it: {}",
            f.requested, ctx.os.short_id, ctx.os.name, f.reason
        );
        ctx.warn("fallback", message.clone());
        ctx.trace(
            format!("use {}", ctx.os.short_id),
            vec![message],
            Vec::new(),
        );
    }
    Ok(())
}

pub(super) fn check_arch(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let lacking: Vec<&str> = ctx
        .hosts()
        .iter()
        .filter(|h| !h.arches.iter().any(|a| a == ctx.arch))
        .map(|h| h.name.as_str())
        .collect();
    if !lacking.is_empty() {
        return Err(ctx.fail(format!(
            "{} cannot run {} guests (it offers {})",
            lacking.join(", "),
            ctx.arch,
            ctx.hosts()
                .iter()
                .find(|h| lacking.contains(&h.name.as_str()))
                .map(|h| h.arches.join(", "))
                .unwrap_or_default()
        )));
    }
    let os = ctx.os;
    let known_there = os.arches.is_empty() || os.arches.iter().any(|a| a == ctx.arch);
    if !known_there {
        ctx.warn(
            "assumed",
            format!(
                "the data knows no install media, trees, drivers or firmware of {} for {} (only for {}): it may not run there",
                os.short_id,
                ctx.arch,
                os.arches.join(", ")
            ),
        );
    }
    let t: Vec<String> = ctx
        .hosts()
        .iter()
        .map(|h| h.transitional.why.clone())
        .collect();
    ctx.transitional = ctx.hosts().iter().all(|h| h.transitional.available);
    ctx.trace(
        ctx.arch.to_string(),
        vec![
            format!("every host runs {} guests: {}", ctx.arch, ctx.host_names()),
            format!(
                "transitional virtio models {} on every host: {}",
                if ctx.transitional {
                    "available"
                } else {
                    "not available"
                },
                t.join("; ")
            ),
        ],
        Vec::new(),
    );
    Ok(())
}

pub(super) fn end_of_life(ctx: &mut Ctx) -> Result<(), NoRecommendation> {
    let os = ctx.os;
    let mut reasons = Vec::new();
    let mut facts = Vec::new();
    let mut warned = false;
    if let Some(today) = ctx.target.today {
        if os.lifecycle.is_empty() {
            if let Some(eol) = os.eol_date.filter(|eol| *eol < today) {
                let m = format!(
                    "{} reached its end of life on {eol}: it gets no security updates",
                    os.short_id
                );
                ctx.warn("end-of-life", m.clone());
                reasons.push(m);
                warned = true;
            }
        } else {
            let (m, used, standing) = phase_on(os, today);
            match standing {
                Standing::Ended => ctx.warn("end-of-life", m.clone()),
                Standing::Unknown => ctx.warn("end-of-life-unknown", m.clone()),
                Standing::Supported => {}
            }
            warned |= standing != Standing::Supported;
            reasons.push(m);
            facts.extend(used.into_iter().map(|p| p.fact.clone()));
        }
    }
    if os.release_status != guestdb_data::model::ReleaseStatus::Released {
        let m = format!("{} is a {} release", os.short_id, os.release_status.name());
        ctx.warn("not-released", m.clone());
        reasons.push(m);
        warned = true;
    }
    ctx.trace(if warned { "warn" } else { "ok" }, reasons, facts);
    Ok(())
}

/// Where the OS stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Standing {
    /// In a phase of free support (or one not ended as far as anyone says).
    Supported,
    /// Its security maintenance without a paid add-on has ended.
    Ended,
    /// Its remaining phases end on days no source gives.
    Unknown,
}

/// What `today` means for the OS's support (the shared phase logic of
/// [`crate::lifecycle`]): the sentence, the phases it names, and where it
/// stands ("rhel7.9: maintenance support ended 2024-06-30; paid extended
/// life-cycle support until 2029-05-31").
fn phase_on(os: &OsFacts, today: Date) -> (String, Vec<&PhaseRef>, Standing) {
    let phases: Vec<(Phase, PhaseEnd)> = os.lifecycle.iter().map(|p| (p.phase, p.end)).collect();
    let short = &os.short_id;
    if let Some(eol) = lifecycle::end_of_life(&phases, today) {
        let security = &os.lifecycle[eol.security];
        let mut m = format!("{short}: {} ended {}", security.label, eol.on);
        let mut used = vec![security];
        match eol.extended.map(|i| &os.lifecycle[i]) {
            None => m.push_str(": it gets no security updates"),
            Some(x) => {
                used.push(x);
                m.push_str(&match x.end {
                    PhaseEnd::On(d) if d >= today => format!("; paid {} until {d}", x.label),
                    PhaseEnd::On(d) => format!(
                        "; paid {} ended {d} too: it gets no security updates",
                        x.label
                    ),
                    PhaseEnd::Tba => {
                        format!("; paid {} until a day not announced yet", x.label)
                    }
                    PhaseEnd::Unknown => {
                        format!("; paid {} until a day no source gives", x.label)
                    }
                });
            }
        }
        return (m, used, Standing::Ended);
    }
    let position = lifecycle::position(&phases, today);
    match position.current.map(|i| &os.lifecycle[i]) {
        Some(p) => {
            let until = match p.end {
                PhaseEnd::On(d) => format!("until {d}"),
                _ => "until a day not announced yet".to_string(),
            };
            let m = match position.ended.map(|i| &os.lifecycle[i]) {
                Some(e) => format!(
                    "{short}: {} ended {}; in {} {until}",
                    e.label, e.end, p.label
                ),
                None => format!("{short}: in {} {until}", p.label),
            };
            let used = position
                .ended
                .map(|i| &os.lifecycle[i])
                .into_iter()
                .chain(Some(p))
                .collect();
            (m, used, Standing::Supported)
        }
        None => {
            let unknown: Vec<&PhaseRef> = os
                .lifecycle
                .iter()
                .filter(|p| p.end == PhaseEnd::Unknown)
                .collect();
            let names: Vec<&str> = unknown.iter().map(|p| p.label.as_str()).collect();
            (
                format!(
                    "{short}: the end of its {} is unknown (no source gives the day): it may get no security updates",
                    names.join(" and ")
                ),
                unknown,
                Standing::Unknown,
            )
        }
    }
}
