//! An OS file's <lifecycle>: its support phases, each with an end date (or unknown / not yet announced) and a source.

use super::*;

/// `<lifecycle>`: one `<phase>` per phase, the security phase always
/// (what `eol-date` means).
pub(super) fn read_lifecycle(ctx: &mut Ctx, el: &Element) -> Vec<PhaseFact> {
    ctx.check_attrs(el, &[]);
    ctx.no_text(el);
    let mut phases: Vec<PhaseFact> = Vec::new();
    for c in &el.children {
        if c.name != "phase" {
            ctx.unknown_child(el, c, &["phase"]);
            continue;
        }
        ctx.check_attrs(c, &["name", "end", "label", "expected", "source", "note"]);
        ctx.no_children(c);
        ctx.no_text(c);
        let name = ctx.req_attr(c, "name");
        let end = ctx.req_attr(c, "end");
        let label = ctx.attr(c, "label");
        if label.as_ref().is_some_and(|l| l.value.is_empty()) {
            ctx.report(
                Rule::InvalidValue,
                c.attr("label").map_or(c.pos, |a| a.pos),
                "attribute 'label' must not be empty; leave it out for the phase's usual name"
                    .into(),
            );
        }
        let expected = ctx.parsed_attr(
            c,
            "expected",
            "a date (YYYY-MM-DD of a real day)",
            Date::parse,
        );
        let fact = ctx.fact(c, false, ());
        let phase = name.and_then(|n| {
            let phase = Phase::parse(&n.value);
            if phase.is_none() {
                ctx.findings.push(Finding::new(
                    Rule::InvalidValue,
                    n.loc.clone(),
                    format!(
                        "lifecycle phase '{}' is unknown; expected standard, security or extended (the release date is <release-date>)",
                        n.value
                    ),
                ));
            }
            phase
        });
        let end = end.and_then(|e| {
            let parsed = PhaseEnd::parse(&e.value);
            if parsed.is_none() {
                let rule = if e.value.contains('-') {
                    Rule::InvalidDate
                } else {
                    Rule::InvalidValue
                };
                ctx.findings.push(Finding::new(
                    rule,
                    e.loc.clone(),
                    format!(
                        "end '{}' is not a phase end; expected YYYY-MM-DD of a real day, unknown or tba",
                        e.value
                    ),
                ));
            }
            parsed
        });
        if expected.is_some() && end.is_some_and(|e| e != PhaseEnd::Tba) {
            ctx.report(
                Rule::InvalidValue,
                c.attr("expected").map_or(c.pos, |a| a.pos),
                "'expected' dates an end not announced yet; it goes with end=\"tba\" only".into(),
            );
        }
        if end == Some(PhaseEnd::Unknown) && c.attr("note").is_none() {
            ctx.report(
                Rule::MissingAttribute,
                c.pos,
                "a phase whose end is unknown needs a note saying why (no source reachable, sources disagree, ...)".into(),
            );
        }
        let (Some(phase), Some(end)) = (phase, end) else {
            continue;
        };
        if let Some(first) = phases.iter().find(|p| p.phase == phase) {
            let finding = Finding::new(
                Rule::DuplicateElement,
                fact.loc().clone(),
                format!(
                    "a second <phase name=\"{}\">; state each phase once",
                    phase.name()
                ),
            )
            .note(first.loc().clone(), "first given here");
            ctx.findings.push(finding);
            continue;
        }
        phases.push(fact.map(|()| LifecyclePhase {
            phase,
            end,
            label: label.map(|l| l.value).filter(|l| !l.is_empty()),
            expected,
        }));
    }
    // A security phase that did not read is reported where it is written.
    let written = el
        .children
        .iter()
        .any(|c| c.name == "phase" && c.attr("name").is_some_and(|n| n.value.trim() == "security"));
    if !written && !el.children.is_empty() {
        ctx.report(
            Rule::MissingElement,
            el.pos,
            "<lifecycle> needs a <phase name=\"security\"> (the end of security maintenance without a paid add-on, what <eol-date> means); use end=\"unknown\" with a note when no source gives it".into(),
        );
    }
    if el.children.is_empty() {
        ctx.report(
            Rule::MissingElement,
            el.pos,
            "<lifecycle> needs a <phase name=\"security\">; leave <lifecycle> out when nothing is known".into(),
        );
    }
    phases
}
