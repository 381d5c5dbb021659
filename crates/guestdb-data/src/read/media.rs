//! An OS file's install media (<media> with its <iso> patterns), install trees (<tree>) and <resources>.

use super::*;

pub(super) fn read_media(ctx: &mut Ctx, el: &Element) -> Media {
    ctx.check_attrs(
        el,
        &[
            "arch",
            "live",
            "installer",
            "installer-reboots",
            "installer-script",
            "source",
            "note",
        ],
    );
    ctx.no_text(el);
    let mut media = Media {
        arch: ctx.arch(el, true),
        variants: Vec::new(),
        live: ctx.bool_attr(el, "live", false),
        installer: ctx.bool_attr(el, "installer", true),
        installer_reboots: ctx.num_attr(el, "installer-reboots", u32::MAX),
        installer_script: ctx.bool_attr(el, "installer-script", true),
        url: None,
        kernel: None,
        initrd: None,
        iso: None,
        loc: ctx.loc(el.pos),
    };
    let mut once = Once::default();
    for c in &el.children {
        match c.name.as_str() {
            "variant" => media.variants.extend(read_variant(ctx, c)),
            "url" | "kernel" | "initrd" | "iso" if !once.first(ctx, el, c) => {}
            "url" => media.url = Some(ctx.text(c).value),
            "kernel" => media.kernel = Some(ctx.text(c).value),
            "initrd" => media.initrd = Some(ctx.text(c).value),
            "iso" => media.iso = Some(read_iso(ctx, c)),
            _ => ctx.unknown_child(el, c, &["variant", "url", "kernel", "initrd", "iso"]),
        }
    }
    media
}

/// A medium's or tree's `<variant ref=".."/>`: the variant it names.
fn read_variant(ctx: &mut Ctx, el: &Element) -> Option<Located<String>> {
    ctx.check_attrs(el, &["ref"]);
    ctx.no_children(el);
    ctx.no_text(el);
    ctx.req_attr(el, "ref")
}

pub(super) fn read_tree(ctx: &mut Ctx, el: &Element) -> Tree {
    const CHILDREN: &[&str] = &["variant", "url", "kernel", "initrd", "boot-iso", "treeinfo"];
    ctx.check_attrs(el, &["arch", "source", "note"]);
    ctx.no_text(el);
    let mut tree = Tree {
        arch: ctx.arch(el, true),
        variants: Vec::new(),
        url: None,
        kernel: None,
        initrd: None,
        boot_iso: None,
        treeinfo: None,
        loc: ctx.loc(el.pos),
    };
    let mut once = Once::default();
    for c in &el.children {
        match c.name.as_str() {
            "variant" => tree.variants.extend(read_variant(ctx, c)),
            "url" | "kernel" | "initrd" | "boot-iso" | "treeinfo" if !once.first(ctx, el, c) => {}
            "url" => tree.url = Some(ctx.text(c).value),
            "kernel" => tree.kernel = Some(ctx.text(c).value),
            "initrd" => tree.initrd = Some(ctx.text(c).value),
            "boot-iso" => tree.boot_iso = Some(ctx.text(c).value),
            "treeinfo" => {
                ctx.check_attrs(c, &[]);
                ctx.no_text(c);
                let mut info = TreeinfoPattern::default();
                let mut once = Once::default();
                for f in &c.children {
                    let names = ["family", "version", "arch", "variant"];
                    if !names.contains(&f.name.as_str()) {
                        ctx.unknown_child(c, f, &names);
                        continue;
                    }
                    if !once.first(ctx, c, f) {
                        continue;
                    }
                    let text = Some(ctx.text(f));
                    match f.name.as_str() {
                        "family" => info.family = text,
                        "version" => info.version = text,
                        "arch" => info.arch = text,
                        _ => info.variant = text,
                    }
                }
                if info == TreeinfoPattern::default() {
                    ctx.report(
                        Rule::MissingElement,
                        c.pos,
                        "<treeinfo> needs at least one of <family>, <version>, <arch>, <variant>"
                            .into(),
                    );
                }
                tree.treeinfo = Some(info);
            }
            _ => ctx.unknown_child(el, c, CHILDREN),
        }
    }
    tree
}

pub(super) fn read_iso(ctx: &mut Ctx, el: &Element) -> IsoPattern {
    const CHILDREN: &[&str] = &[
        "volume-id",
        "system-id",
        "publisher-id",
        "application-id",
        "volume-size",
        "language",
    ];
    ctx.check_attrs(el, &[]);
    ctx.no_text(el);
    let mut iso = IsoPattern::default();
    let mut once = Once::default();
    for c in &el.children {
        if c.name != "language" && CHILDREN.contains(&c.name.as_str()) && !once.first(ctx, el, c) {
            continue;
        }
        match c.name.as_str() {
            "volume-id" => iso.volume_id = Some(ctx.text(c)),
            "system-id" => iso.system_id = Some(ctx.text(c)),
            "publisher-id" => iso.publisher_id = Some(ctx.text(c)),
            "application-id" => iso.application_id = Some(ctx.text(c)),
            "volume-size" => {
                let text = ctx.text(c);
                match super::whole_number(&text.value, super::MAX_NUMBER) {
                    Some(n) => iso.volume_size = Some(n),
                    None if text.value.is_empty() => {}
                    None => ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        text.loc,
                        format!(
                            "volume size '{}' is not a whole number of bytes from 0 to {}",
                            text.value,
                            super::MAX_NUMBER
                        ),
                    )),
                }
            }
            "language" => {
                ctx.check_attrs(c, &["regex", "map"]);
                ctx.no_children(c);
                let regex = ctx.bool_attr(c, "regex", false);
                let map = ctx.attr(c, "map").map(|m| m.value);
                let value = c.text.trim().to_string();
                if value.is_empty() {
                    ctx.report(
                        Rule::InvalidValue,
                        c.pos,
                        "<language> must not be empty".into(),
                    );
                }
                iso.languages.push(Language {
                    value,
                    regex,
                    map,
                    loc: ctx.loc(c.text_pos),
                });
            }
            _ => ctx.unknown_child(el, c, CHILDREN),
        }
    }
    iso
}

pub(super) fn read_resources(ctx: &mut Ctx, el: &Element) -> Resources {
    ctx.check_attrs(el, &["arch", "inherit", "source", "note"]);
    ctx.no_text(el);
    let arch = ctx.arch(el, true);
    let inherit = ctx.bool_attr(el, "inherit", false);
    let mut sets = Vec::new();
    let mut once = Once::default();
    for c in &el.children {
        let Some(kind) = ResourceKind::ALL.into_iter().find(|k| k.name() == c.name) else {
            let names: Vec<_> = ResourceKind::ALL.iter().map(|k| k.name()).collect();
            ctx.unknown_child(el, c, &names);
            continue;
        };
        if !once.first(ctx, el, c) {
            continue;
        }
        ctx.check_attrs(c, &["n-cpus", "cpu", "ram", "storage"]);
        ctx.no_children(c);
        ctx.no_text(c);
        let set = ResourceSet {
            n_cpus: ctx.u64_attr(c, "n-cpus"),
            cpu: ctx.u64_attr(c, "cpu"),
            ram: ctx.u64_attr(c, "ram"),
            storage: ctx.u64_attr(c, "storage"),
            loc: Some(ctx.loc(c.pos)),
        };
        sets.push((kind, set));
    }
    Resources {
        arch,
        inherit,
        sets,
        loc: ctx.loc(el.pos),
    }
}
