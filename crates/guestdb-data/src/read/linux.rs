//! The Linux driver table: `linux.xml`.

use super::*;

/// Reads `linux.xml`.
pub fn read_linux(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> LinuxTable {
    with_root(path, bytes, findings, "linux", |ctx, root| {
        ctx.check_attrs(root, &["source", "note"]);
        ctx.no_text(root);
        let default_source = ctx.attr(root, "source");
        let mut table = LinuxTable {
            loc: Some(ctx.loc(root.pos)),
            ..LinuxTable::default()
        };
        for el in &root.children {
            match el.name.as_str() {
                "virtio" => table.virtio.extend(read_virtio_row(ctx, el)),
                "chipset" => table.chipsets.extend(read_chipset_row(ctx, el)),
                "transport" => table.transports.extend(read_transport_row(ctx, el)),
                _ => ctx.unknown_child(root, el, &["virtio", "chipset", "transport"]),
            }
        }
        // A row without its own source has the file's.
        for p in table
            .virtio
            .iter_mut()
            .map(|r| &mut r.provenance)
            .chain(table.chipsets.iter_mut().map(|r| &mut r.provenance))
            .chain(table.transports.iter_mut().map(|r| &mut r.provenance))
        {
            if p.source.is_none() {
                p.source = default_source.clone();
            }
        }
        Some(table)
    })
    .unwrap_or_default()
}

fn read_virtio_row(ctx: &mut Ctx, el: &Element) -> Option<LinuxVirtio> {
    ctx.check_attrs(el, &["class", "legacy", "modern", "source", "note"]);
    ctx.no_children(el);
    ctx.no_text(el);
    let name = ctx.req_attr(el, "class")?;
    let legacy = ctx.version_attr(el, "legacy", false);
    let modern = ctx.version_attr(el, "modern", false);
    let provenance = ctx.provenance(el);
    let class = ctx.virtio_class(&name)?;
    if legacy.is_some() && class.legacy_pci.is_none() {
        ctx.report(
            Rule::InvalidValue,
            el.attr("legacy").map_or(el.pos, |a| a.pos),
            format!(
                "virtio {} devices have no legacy interface (modern only); leave out 'legacy'",
                class.name
            ),
        );
    }
    Some(LinuxVirtio {
        class,
        legacy,
        modern,
        provenance,
        loc: ctx.loc(el.pos),
    })
}

fn read_chipset_row(ctx: &mut Ctx, el: &Element) -> Option<LinuxChipset> {
    ctx.check_attrs(el, &["name", "since", "source", "note"]);
    ctx.no_children(el);
    ctx.no_text(el);
    let name = ctx.req_attr(el, "name")?;
    let since = ctx.version_attr(el, "since", true)?;
    let provenance = ctx.provenance(el);
    let chipset = ctx.chipset(&name)?;
    Some(LinuxChipset {
        chipset,
        since,
        provenance,
        loc: ctx.loc(el.pos),
    })
}

fn read_transport_row(ctx: &mut Ctx, el: &Element) -> Option<LinuxTransport> {
    ctx.check_attrs(el, &["arch", "name", "since", "source", "note"]);
    ctx.no_children(el);
    ctx.no_text(el);
    let arch = ctx.arch(el, true);
    let name = ctx.req_attr(el, "name")?;
    let since = ctx.version_attr(el, "since", true)?;
    let provenance = ctx.provenance(el);
    if arch == "all" || is_x86_arch(&arch) {
        ctx.report(
            Rule::InvalidValue,
            el.attr("arch").map_or(el.pos, |a| a.pos),
            format!(
                "a transport row names the architecture whose virtio devices are not on PCI (e.g. s390x), not '{arch}'"
            ),
        );
        return None;
    }
    Some(LinuxTransport {
        arch,
        name: name.value,
        since,
        provenance,
        loc: ctx.loc(el.pos),
    })
}
