//! `crosswalk/SCHEME.xml`: the names another tool gives the OSes.

use super::*;

/// Reads `<crosswalk scheme=".." title=".." source=".."><name value=".."
/// arch=".." note=".." gap=".."><os id=".." quality=".."/>...</name>...</crosswalk>`.
pub fn read_crosswalk(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Option<Crosswalk> {
    with_root(path, bytes, findings, "crosswalk", |ctx, root| {
        ctx.check_attrs(root, &["scheme", "title", "source", "note"]);
        ctx.no_text(root);
        let scheme = ctx.req_attr(root, "scheme");
        let title = ctx.req_attr(root, "title");
        let provenance = ctx.provenance(root);
        let mut names = Vec::new();
        for el in &root.children {
            if el.name != "name" {
                ctx.unknown_child(root, el, &["name"]);
                continue;
            }
            ctx.check_attrs(el, &["value", "arch", "note", "gap"]);
            ctx.no_text(el);
            let value = ctx.req_attr(el, "value");
            let note = ctx.attr(el, "note").map(|n| n.value);
            let gap = ctx.attr(el, "gap");
            let arch = ctx
                .attr(el, "arch")
                .filter(|a| ctx.arch_name(&a.value, &a.loc));
            let mut oses = Vec::new();
            for o in &el.children {
                if o.name != "os" {
                    ctx.unknown_child(el, o, &["os"]);
                    continue;
                }
                ctx.check_attrs(o, &["id", "quality"]);
                ctx.no_children(o);
                ctx.no_text(o);
                let (Some(id), Some(quality)) = (ctx.req_attr(o, "id"), ctx.req_attr(o, "quality"))
                else {
                    continue;
                };
                if !QUALITIES.contains(&quality.value.as_str()) {
                    ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        quality.loc.clone(),
                        format!(
                            "quality '{}' is unknown; expected {}",
                            quality.value,
                            QUALITIES.join(", ")
                        ),
                    ));
                    continue;
                }
                oses.push(SchemeOs { id, quality });
            }
            let Some(value) = value else {
                continue;
            };
            match (&gap, oses.is_empty()) {
                (Some(g), false) => ctx.findings.push(Finding::new(
                    Rule::InvalidValue,
                    g.loc.clone(),
                    format!(
                        "name '{}' is a gap and names OSes; give one or the other",
                        value.value
                    ),
                )),
                (None, true) => ctx.findings.push(Finding::new(
                    Rule::InvalidValue,
                    value.loc.clone(),
                    format!(
                        "name '{}' names no OS; add <os id=.. quality=../> or gap=\"why\"",
                        value.value
                    ),
                )),
                _ => {}
            }
            names.push(SchemeName {
                value,
                arch,
                note,
                gap: gap.map(|g| g.value),
                oses,
                loc: ctx.loc(el.pos),
            });
        }
        Some(Crosswalk {
            scheme: scheme?,
            title: title?.value,
            provenance,
            names,
            loc: ctx.loc(root.pos),
        })
    })
}
