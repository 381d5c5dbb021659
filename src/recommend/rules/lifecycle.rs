//! Rules about the OS as a whole: the fallback for unknown releases, the
//! architecture, and end-of-life warnings.

use super::*;

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
    if let (Some(eol), Some(today)) = (os.eol_date, ctx.target.today) {
        if eol < today {
            let m = format!(
                "{} reached its end of life on {eol}: it gets no security updates",
                os.short_id
            );
            ctx.warn("end-of-life", m.clone());
            reasons.push(m);
        }
    }
    if os.release_status != guestdb_data::model::ReleaseStatus::Released {
        let m = format!("{} is a {} release", os.short_id, os.release_status.name());
        ctx.warn("not-released", m.clone());
        reasons.push(m);
    }
    ctx.trace(
        if reasons.is_empty() { "ok" } else { "warn" },
        reasons,
        Vec::new(),
    );
    Ok(())
}
