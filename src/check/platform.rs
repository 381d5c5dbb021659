//! The platform checks that follow the recommendation's rules (chipset, Hyper-V, timers, CPU) and the OS's end of life.

use super::*;
pub(super) fn rule_facts(rec: &Recommendation, rule: &str) -> Vec<FactRef> {
    rec.rules
        .iter()
        .filter(|r| r.rule == rule)
        .flat_map(|r| r.facts.iter().cloned())
        .collect()
}

pub(super) fn platform_checks(
    c: &mut Checker<'_, '_>,
    d: &Domain,
    os: &OsFacts,
    rec: &Recommendation,
) {
    if os.windows {
        let has: &[String] = d.hyperv.as_ref().map(|h| h.0.as_slice()).unwrap_or(&[]);
        if !has.iter().any(|h| h == "passthrough") {
            let missing: Vec<&str> = rec
                .hyperv
                .features
                .iter()
                .map(|f| f.name.as_str())
                .filter(|n| *n != "hypervclock" && !has.iter().any(|h| h == n))
                .collect();
            if !missing.is_empty() {
                c.add(
                    "hyperv-missing",
                    Severity::Warning,
                    "features",
                    d.hyperv
                        .as_ref()
                        .map(|h| h.1)
                        .or(d.features_pos)
                        .or(Some(d.root.pos)),
                    format!(
                        "{} runs better with Hyper-V enlightenments the domain lacks: {}",
                        os.short_id,
                        missing.join(", ")
                    ),
                    "hyperv",
                    rule_facts(rec, "hyperv"),
                    None,
                );
            }
        }
    }
    let missing: Vec<String> = rec
        .clock
        .timers
        .iter()
        .filter(|t| {
            !d.timers.iter().any(|(n, tick, present)| {
                *n == t.name
                    && (t.tickpolicy.is_none() || *tick == t.tickpolicy)
                    && (t.present.is_none() || *present == t.present)
            })
        })
        .map(|t| {
            let mut s = t.name.clone();
            if let Some(p) = &t.tickpolicy {
                s.push_str(&format!(" tickpolicy={p}"));
            }
            if let Some(p) = t.present {
                s.push_str(if p { " present" } else { " absent" });
            }
            s
        })
        .collect();
    if os.windows && !missing.is_empty() {
        c.add(
            "timers-missing",
            Severity::Warning,
            "clock",
            d.clock.as_ref().map(|c| c.1).or(Some(d.root.pos)),
            format!(
                "the timers {} uses are not set as recommended: {}",
                os.short_id,
                missing.join(", ")
            ),
            "clock",
            rule_facts(rec, "clock"),
            None,
        );
    }
    if let Some((mode, model, pos)) = &d.cpu {
        if mode == "host-passthrough" && c.ctx.roles.contains(&"migrate-to") {
            c.add(
                "cpu-not-migratable",
                Severity::Warning,
                "cpu",
                Some(*pos),
                "host-passthrough gives the guest this host's exact CPU; it cannot live-migrate to hosts with another CPU (a named model or host-model can)".into(),
                "cpu",
                Vec::new(),
                None,
            );
        }
        if mode == "custom" {
            if let Some(model) = model.as_ref().filter(|m| !m.is_empty()) {
                for (i, h) in c.ctx.hosts.iter().enumerate() {
                    if !h.cpu.models.is_empty() && !h.cpu.models.iter().any(|m| m == model) {
                        let role = host_role(c, i);
                        c.add(
                            "cpu-model-not-offered",
                            Severity::Error,
                            "cpu",
                            Some(*pos),
                            format!("{role} does not offer CPU model {model}"),
                            "cpu",
                            Vec::new(),
                            None,
                        );
                    }
                }
            }
        }
    }
}

pub(super) fn lifecycle_checks(c: &mut Checker<'_, '_>, d: &Domain, rec: &Recommendation) {
    for w in rec.warnings.iter().filter(|w| w.code == "end-of-life") {
        c.add(
            "end-of-life",
            Severity::Warning,
            "libosinfo:os",
            d.os_id.as_ref().map(|o| o.1).or(Some(d.root.pos)),
            w.message.clone(),
            "end-of-life",
            rule_facts(rec, "end-of-life"),
            None,
        );
    }
}
