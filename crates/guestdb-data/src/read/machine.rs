//! Machine types: `machines/qemu.xml` (upstream) and `machines/<line>.xml`
//! (a distribution's own types).

use super::*;

/// Reads `machines/qemu.xml`.
pub fn read_upstream_machines(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
) -> Option<UpstreamMachines> {
    with_root(
        path,
        bytes,
        findings,
        "qemu-machines",
        read_upstream_element,
    )
}

const UPSTREAM_CHILDREN: &[&str] = &[
    "release",
    "family",
    "machine",
    "removed",
    "deprecated",
    "lifecycle",
];

fn read_upstream_element(ctx: &mut Ctx, root: &Element) -> Option<UpstreamMachines> {
    ctx.check_attrs(root, &[]);
    ctx.no_text(root);
    let mut out = UpstreamMachines::default();
    let mut once = Once::default();
    for el in &root.children {
        match el.name.as_str() {
            "release" => out.releases.extend(read_release(ctx, el)),
            "family" => out.families.extend(read_family(ctx, el)),
            "machine" => out.extras.extend(read_extra(ctx, el)),
            "removed" | "deprecated" => out.changes.extend(read_change(ctx, el)),
            "lifecycle" => {
                if once.first(ctx, root, el) {
                    out.lifecycle = read_lifecycle(ctx, el);
                }
            }
            _ => ctx.unknown_child(root, el, UPSTREAM_CHILDREN),
        }
    }
    Some(out)
}

/// An empty element with only attributes.
fn leaf(ctx: &mut Ctx, el: &Element, attrs: &[&str]) {
    ctx.check_attrs(el, attrs);
    ctx.no_children(el);
    ctx.no_text(el);
}

/// A machine family name the engine knows.
fn family_attr(ctx: &mut Ctx, el: &Element, name: &str) -> Option<Located<String>> {
    let family = ctx.req_attr(el, name)?;
    if !MACHINE_FAMILIES.contains(&family.value.as_str()) {
        ctx.findings.push(Finding::new(
            Rule::InvalidValue,
            family.loc.clone(),
            format!(
                "machine family '{}' is unknown; expected one of: {}",
                family.value,
                MACHINE_FAMILIES.join(", ")
            ),
        ));
        return None;
    }
    Some(family)
}

fn read_release(ctx: &mut Ctx, el: &Element) -> Option<QemuRelease> {
    leaf(ctx, el, &["version", "date", "source", "note"]);
    let version = ctx.version_attr(el, "version", true);
    let date = ctx.parsed_attr(el, "date", "a date YYYY-MM-DD of a real day", Date::parse);
    if let Some(v) = version.filter(|v| v.micro.is_some()) {
        ctx.report(
            Rule::InvalidValue,
            el.attr("version").map_or(el.pos, |a| a.pos),
            format!("release '{v}' has a micro version; list feature releases X.Y only"),
        );
    }
    Some(QemuRelease {
        version: version?,
        date,
        provenance: ctx.provenance(el),
        loc: ctx.loc(el.pos),
    })
}

fn read_family(ctx: &mut Ctx, el: &Element) -> Option<MachineFamily> {
    leaf(
        ctx,
        el,
        &[
            "name",
            "arches",
            "prefix",
            "alias",
            "alias-since",
            "first",
            "default",
            "versioned",
            "source",
            "note",
        ],
    );
    let name = family_attr(ctx, el, "name");
    let arches = ctx.words_attr(el, "arches", true, |c, w, loc| c.arch_name(w, loc));
    let prefix = ctx.req_attr(el, "prefix");
    let first = ctx.version_attr(el, "first", true);
    let alias_since = ctx.version_attr(el, "alias-since", false);
    let default_machine = ctx.bool_attr(el, "default", false);
    let versioned = ctx.bool_attr(el, "versioned", true);
    Some(MachineFamily {
        name: name?,
        arches,
        prefix: prefix?.value,
        alias: ctx.attr(el, "alias").map(|a| a.value),
        alias_since,
        first: first?,
        default_machine,
        versioned,
        provenance: ctx.provenance(el),
        loc: ctx.loc(el.pos),
    })
}

fn read_extra(ctx: &mut Ctx, el: &Element) -> Option<ExtraMachine> {
    leaf(
        ctx,
        el,
        &["name", "family", "version", "added", "source", "note"],
    );
    let name = ctx.req_attr(el, "name");
    let family = family_attr(ctx, el, "family");
    let version = ctx.version_attr(el, "version", true);
    let added = ctx.version_attr(el, "added", true);
    Some(ExtraMachine {
        name: name?,
        family: family?,
        version: version?,
        added: added?,
        provenance: ctx.provenance(el),
        loc: ctx.loc(el.pos),
    })
}

fn read_change(ctx: &mut Ctx, el: &Element) -> Option<MachineChange> {
    leaf(
        ctx,
        el,
        &["family", "from", "to", "release", "source", "note"],
    );
    let kind = if el.name == "removed" {
        ChangeKind::Removed
    } else {
        ChangeKind::Deprecated
    };
    let family = family_attr(ctx, el, "family");
    let from = ctx.version_attr(el, "from", true);
    let to = ctx.version_attr(el, "to", true);
    let release = ctx.version_attr(el, "release", true);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            ctx.report(
                Rule::InvalidValue,
                el.attr("to").map_or(el.pos, |a| a.pos),
                format!("the range {f} to {t} is empty; 'from' must not be after 'to'"),
            );
        }
    }
    Some(MachineChange {
        kind,
        family: family?,
        from: from?,
        to: to?,
        release: release?,
        provenance: ctx.provenance(el),
        loc: ctx.loc(el.pos),
    })
}

fn read_lifecycle(ctx: &mut Ctx, el: &Element) -> Option<Lifecycle> {
    leaf(
        ctx,
        el,
        &[
            "since",
            "deprecate-after",
            "delete-after",
            "delete-since",
            "source",
            "note",
        ],
    );
    let since = ctx.version_attr(el, "since", true);
    let delete_since = ctx.version_attr(el, "delete-since", true);
    let mut years = |name: &str| {
        if el.attr(name).is_none() {
            ctx.report(
                Rule::MissingAttribute,
                el.pos,
                format!("<lifecycle> needs the attribute '{name}'"),
            );
        }
        ctx.num_attr(el, name, u16::MAX)
    };
    let deprecate_after = years("deprecate-after");
    let delete_after = years("delete-after");
    if let (Some(d), Some(x)) = (deprecate_after, delete_after) {
        if d > x {
            ctx.report(
                Rule::InvalidValue,
                el.pos,
                format!(
                    "types cannot be deleted ({x} years) before they are deprecated ({d} years)"
                ),
            );
        }
    }
    Some(Lifecycle {
        since: since?,
        deprecate_after: deprecate_after?,
        delete_after: delete_after?,
        delete_since: delete_since?,
        provenance: ctx.provenance(el),
        loc: ctx.loc(el.pos),
    })
}

/// Reads `machines/<line>.xml`.
pub fn read_downstream_machines(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
) -> Option<DownstreamLine> {
    with_root(
        path,
        bytes,
        findings,
        "downstream-machines",
        read_downstream_element,
    )
}

fn read_downstream_element(ctx: &mut Ctx, root: &Element) -> Option<DownstreamLine> {
    ctx.check_attrs(root, &["line", "name", "upstream", "source", "note"]);
    ctx.no_text(root);
    let id = ctx.req_attr(root, "line");
    let name = ctx.req_attr(root, "name");
    if root.attr("upstream").is_none() {
        ctx.report(
            Rule::MissingAttribute,
            root.pos,
            "<downstream-machines> needs the attribute 'upstream' (does this QEMU also offer the upstream types?)".into(),
        );
    }
    let with_upstream = ctx.bool_attr(root, "upstream", false);
    let mut aliases = Vec::new();
    let mut machines = Vec::new();
    for el in &root.children {
        match el.name.as_str() {
            "alias" => {
                leaf(ctx, el, &["name", "family"]);
                let name = ctx.req_attr(el, "name");
                let family = family_attr(ctx, el, "family");
                if let (Some(n), Some(f)) = (name, family) {
                    aliases.push((n.value, f.value));
                }
            }
            "machine" => machines.extend(read_downstream_machine(ctx, el)),
            _ => ctx.unknown_child(root, el, &["alias", "machine"]),
        }
    }
    Some(DownstreamLine {
        id: id?,
        name: name?.value,
        with_upstream,
        aliases,
        machines,
        provenance: ctx.provenance(root),
        loc: ctx.loc(root.pos),
    })
}

/// A list of release labels (`9.4 10.0`), each located at the attribute.
fn release_list(ctx: &mut Ctx, el: &Element, name: &str, required: bool) -> Vec<Located<String>> {
    let loc = el
        .attr(name)
        .map(|a| ctx.loc(a.pos))
        .unwrap_or_else(|| ctx.loc(el.pos));
    ctx.words_attr(el, name, required, |c, w, loc| c.release_label(w, loc))
        .into_iter()
        .map(|w| Located::new(w, loc.clone()))
        .collect()
}

fn read_downstream_machine(ctx: &mut Ctx, el: &Element) -> Option<DownstreamMachine> {
    leaf(
        ctx,
        el,
        &[
            "name",
            "family",
            "arches",
            "since",
            "deprecated-since",
            "variant",
            "source",
            "note",
        ],
    );
    let name = ctx.req_attr(el, "name");
    let family = family_attr(ctx, el, "family");
    let arches = ctx.words_attr(el, "arches", true, |c, w, loc| c.arch_name(w, loc));
    let since = release_list(ctx, el, "since", true);
    let deprecated_since = release_list(ctx, el, "deprecated-since", false);
    let variant = ctx.attr(el, "variant").map(|v| v.value);
    if since.is_empty() {
        return None;
    }
    Some(DownstreamMachine {
        name: name?,
        family: family?,
        arches,
        since,
        deprecated_since,
        variant,
        provenance: ctx.provenance(el),
        loc: ctx.loc(el.pos),
    })
}
