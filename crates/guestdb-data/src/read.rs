//! The reader: data files to records. It checks the shape of every file
//! (known elements and attributes, required parts present, values of the right
//! kind) and reports every problem it finds with its place.

use crate::diag::{Finding, Findings, LineIndex, Loc, Rule};
use crate::model::*;
use crate::xml::{self, Attr, Element};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Per-file reading context.
struct Ctx<'a> {
    path: Arc<str>,
    lines: LineIndex<'a>,
    findings: &'a mut Findings,
}

impl<'a> Ctx<'a> {
    fn loc(&self, pos: usize) -> Loc {
        self.lines.loc(&self.path, pos)
    }

    fn report(&mut self, rule: Rule, pos: usize, message: String) {
        let loc = self.loc(pos);
        self.findings.push(Finding::new(rule, loc, message));
    }

    fn check_attrs(&mut self, el: &Element, allowed: &[&str]) {
        for a in &el.attrs {
            if !allowed.contains(&a.name.as_str()) {
                let expected = if allowed.is_empty() {
                    "it takes no attributes".to_string()
                } else {
                    format!("expected one of: {}", allowed.join(", "))
                };
                self.report(
                    Rule::UnknownAttribute,
                    a.pos,
                    format!(
                        "unknown attribute '{}' on <{}>; {expected}",
                        a.name, el.name
                    ),
                );
            }
        }
    }

    fn unknown_child(&mut self, parent: &Element, child: &Element, allowed: &[&str]) {
        self.report(
            Rule::UnknownElement,
            child.pos,
            format!(
                "unknown element <{}> in <{}>; expected one of: {}",
                child.name,
                parent.name,
                allowed.join(", ")
            ),
        );
    }

    fn attr(&self, el: &Element, name: &str) -> Option<Located<String>> {
        el.attr(name)
            .map(|a| Located::new(a.value.trim().to_string(), self.loc(a.pos)))
    }

    fn req_attr(&mut self, el: &Element, name: &str) -> Option<Located<String>> {
        let value = self.attr(el, name);
        match &value {
            None => self.report(
                Rule::MissingAttribute,
                el.pos,
                format!("<{}> needs the attribute '{name}'", el.name),
            ),
            Some(v) if v.value.is_empty() => {
                self.report(
                    Rule::InvalidValue,
                    el.attr(name).map_or(el.pos, |a| a.pos),
                    format!("attribute '{name}' must not be empty"),
                );
                return None;
            }
            Some(_) => {}
        }
        value
    }

    fn parsed_attr<T>(
        &mut self,
        el: &Element,
        name: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let a: &Attr = el.attr(name)?;
        let parsed = parse(a.value.trim());
        if parsed.is_none() {
            self.report(
                Rule::InvalidValue,
                a.pos,
                format!("attribute '{name}' is '{}'; expected {what}", a.value),
            );
        }
        parsed
    }

    fn bool_attr(&mut self, el: &Element, name: &str, default: bool) -> bool {
        self.parsed_attr(el, name, "'true' or 'false'", |s| match s {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
        .unwrap_or(default)
    }

    /// A whole number that must fit `T` (u16 or u32).
    fn num_attr<T: TryFrom<u64> + Into<u64> + Copy>(
        &mut self,
        el: &Element,
        name: &str,
        max: T,
    ) -> Option<T> {
        let what = format!("a whole number from 0 to {}", max.into());
        self.parsed_attr(el, name, &what, |s| {
            let n: u64 = if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().ok()?
            } else {
                return None;
            };
            T::try_from(n).ok()
        })
    }

    fn u64_attr(&mut self, el: &Element, name: &str) -> Option<u64> {
        self.parsed_attr(el, name, "a whole number", |s| {
            if s.bytes().all(|c| c.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        })
    }

    fn pci_attr(&mut self, el: &Element, name: &str) -> Option<Located<PciId>> {
        let a = el.attr(name)?;
        let loc = self.loc(a.pos);
        match PciId::parse(a.value.trim()) {
            Some(id) => Some(Located::new(id, loc)),
            None => {
                self.findings.push(Finding::new(
                    Rule::InvalidPciId,
                    loc,
                    format!("'{}' is not a PCI/USB ID; expected vendor:device as four hex digits each, like 1af4:1000", a.value),
                ));
                None
            }
        }
    }

    /// The trimmed text of an element that holds only text.
    fn text(&mut self, el: &Element) -> Located<String> {
        self.text_with(el, &[])
    }

    /// Like [`Ctx::text`], allowing the attributes `allowed`.
    fn text_with(&mut self, el: &Element, allowed: &[&str]) -> Located<String> {
        self.check_attrs(el, allowed);
        self.no_children(el);
        let value = el.text.trim().to_string();
        if value.is_empty() {
            self.report(
                Rule::InvalidValue,
                el.pos,
                format!("<{}> must not be empty", el.name),
            );
        }
        Located::new(value, self.loc(el.text_pos))
    }

    fn no_children(&mut self, el: &Element) {
        for c in &el.children {
            self.report(
                Rule::UnknownElement,
                c.pos,
                format!("<{}> takes no child elements, found <{}>", el.name, c.name),
            );
        }
    }

    fn no_text(&mut self, el: &Element) {
        if !el.text.trim().is_empty() {
            self.report(
                Rule::InvalidValue,
                el.text_pos,
                format!("<{}> takes no text", el.name),
            );
        }
    }

    fn date(&mut self, el: &Element) -> Option<Located<Date>> {
        let text = self.text_with(el, PROVENANCE);
        if text.value.is_empty() {
            return None;
        }
        match Date::parse(&text.value) {
            Some(d) => Some(Located::new(d, text.loc)),
            None => {
                self.findings.push(Finding::new(
                    Rule::InvalidDate,
                    text.loc,
                    format!(
                        "'{}' is not a date; expected YYYY-MM-DD of a real day",
                        text.value
                    ),
                ));
                None
            }
        }
    }

    /// Records the provenance an element states, under the name `fact`.
    fn fact_source(&mut self, el: &Element, fact: String, out: &mut Vec<FactSource>) {
        let provenance = self.provenance(el);
        if provenance.source.is_some() || provenance.note.is_some() {
            out.push(FactSource {
                fact,
                provenance,
                loc: self.loc(el.pos),
            });
        }
    }

    fn provenance(&mut self, el: &Element) -> Provenance {
        Provenance {
            source: self.attr(el, "source"),
            note: el.attr("note").map(|a| a.value.clone()),
        }
    }

    fn arch(&mut self, el: &Element, required: bool) -> String {
        let value = if required {
            self.req_attr(el, "arch")
        } else {
            self.attr(el, "arch")
        };
        match value {
            None => "all".to_string(),
            Some(v) => {
                let ok = !v.value.is_empty()
                    && v.value
                        .bytes()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
                if !ok {
                    self.findings.push(Finding::new(
                        Rule::InvalidValue,
                        v.loc.clone(),
                        format!("arch '{}' is not an architecture name; expected e.g. x86_64, i686, aarch64 or all", v.value),
                    ));
                }
                v.value
            }
        }
    }
}

/// The attributes any fact may carry to say where it came from.
const PROVENANCE: &[&str] = &["source", "note"];

/// Remembers which single-use children were seen, to report repeats.
#[derive(Default)]
struct Once {
    seen: HashMap<String, usize>,
}

impl Once {
    /// True the first time; on a repeat reports it with a note at the first.
    fn first(&mut self, ctx: &mut Ctx, parent: &Element, child: &Element) -> bool {
        match self.seen.get(&child.name) {
            None => {
                self.seen.insert(child.name.clone(), child.pos);
                true
            }
            Some(&first) => {
                let finding = Finding::new(
                    Rule::DuplicateElement,
                    ctx.loc(child.pos),
                    format!("<{}> may appear only once in <{}>", child.name, parent.name),
                )
                .note(ctx.loc(first), "first given here");
                ctx.findings.push(finding);
                false
            }
        }
    }
}

/// Parses a file's text; a syntax or encoding error becomes one finding.
fn parse_file<'s>(
    path: &Arc<str>,
    bytes: &'s [u8],
    findings: &mut Findings,
) -> Option<(&'s str, Element)> {
    let src = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or("");
            let loc = LineIndex::new(prefix).loc(path, prefix.len());
            findings.push(Finding::new(
                Rule::Encoding,
                loc,
                "the file is not valid UTF-8",
            ));
            return None;
        }
    };
    match xml::parse(src) {
        Ok(root) => Some((src, root)),
        Err(e) => {
            let loc = LineIndex::new(src).loc(path, e.pos);
            findings.push(Finding::new(Rule::XmlSyntax, loc, e.message));
            None
        }
    }
}

fn expect_root(ctx: &mut Ctx, root: &Element, name: &str) -> bool {
    if root.name != name {
        ctx.report(
            Rule::UnknownElement,
            root.pos,
            format!("the root element must be <{name}>, found <{}>", root.name),
        );
        return false;
    }
    true
}

/// Parses a file, checks its root element is `<root>` and hands both to `read`.
fn with_root<T>(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
    root_name: &str,
    read: impl FnOnce(&mut Ctx, &Element) -> Option<T>,
) -> Option<T> {
    let (src, root) = parse_file(path, bytes, findings)?;
    let mut ctx = Ctx {
        path: Arc::clone(path),
        lines: LineIndex::new(src),
        findings,
    };
    if !expect_root(&mut ctx, &root, root_name) {
        return None;
    }
    read(&mut ctx, &root)
}

/// Reads a file whose root holds only `<child>` elements, each read by `read`.
fn read_list<T>(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
    (root_name, child): (&str, &str),
    mut read: impl FnMut(&mut Ctx, &Element) -> Option<T>,
) -> Vec<T> {
    with_root(path, bytes, findings, root_name, |ctx, root| {
        ctx.check_attrs(root, &[]);
        ctx.no_text(root);
        let mut out = Vec::new();
        for el in &root.children {
            if el.name == child {
                out.extend(read(ctx, el));
            } else {
                ctx.unknown_child(root, el, &[child]);
            }
        }
        Some(out)
    })
    .unwrap_or_default()
}

const OS_CHILDREN: &[&str] = &[
    "short-id",
    "alias",
    "name",
    "vendor",
    "family",
    "distro",
    "version",
    "codename",
    "release-date",
    "eol-date",
    "release-status",
    "derives-from",
    "clones",
    "upgrades",
    "virtio",
    "chipset",
    "firmware",
    "device",
    "driver",
    "variant",
    "media",
    "resources",
];

/// Reads one OS file. `path` is how findings name the file.
pub fn read_os(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Option<OsRecord> {
    with_root(path, bytes, findings, "os", read_os_element)
}

fn read_os_element(ctx: &mut Ctx, root: &Element) -> Option<OsRecord> {
    ctx.check_attrs(root, &["id", "source"]);
    ctx.no_text(root);
    let id = ctx.req_attr(root, "id");
    let mut os = OsRecord::new(
        id.clone()
            .unwrap_or_else(|| Located::new(String::new(), ctx.loc(root.pos))),
    );
    os.loc = ctx.loc(root.pos);
    os.source = ctx.attr(root, "source");
    let mut once = Once::default();
    let mut has_name = false;
    let mut sources = Vec::new();
    for el in &root.children {
        let single = matches!(
            el.name.as_str(),
            "name"
                | "vendor"
                | "family"
                | "distro"
                | "version"
                | "codename"
                | "release-date"
                | "eol-date"
                | "release-status"
        );
        if single && !once.first(ctx, root, el) {
            continue;
        }
        match el.name.as_str() {
            "short-id" | "alias" => {
                let text = ctx.text_with(el, PROVENANCE);
                if text.value.contains(char::is_whitespace) {
                    ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        text.loc.clone(),
                        format!(
                            "<{}> '{}' contains white space; a name is one word, e.g. rhel6.10",
                            el.name, text.value
                        ),
                    ));
                }
                ctx.fact_source(el, format!("{} {}", el.name, text.value), &mut sources);
                if el.name == "short-id" {
                    os.short_ids.push(text);
                } else {
                    os.aliases.push(text);
                }
            }
            "name" | "vendor" | "family" | "distro" | "version" | "codename" => {
                let text = ctx.text_with(el, PROVENANCE);
                ctx.fact_source(el, el.name.clone(), &mut sources);
                match el.name.as_str() {
                    "name" => {
                        has_name = true;
                        os.name = text;
                    }
                    "vendor" => os.vendor = Some(text),
                    "family" => os.family = Some(text),
                    "distro" => os.distro = Some(text),
                    "version" => os.version = Some(text),
                    _ => os.codename = Some(text),
                }
            }
            "release-date" | "eol-date" => {
                ctx.fact_source(el, el.name.clone(), &mut sources);
                let date = ctx.date(el);
                if el.name == "release-date" {
                    os.release_date = date;
                } else {
                    os.eol_date = date;
                }
            }
            "release-status" => {
                ctx.fact_source(el, el.name.clone(), &mut sources);
                let text = ctx.text_with(el, PROVENANCE);
                match ReleaseStatus::parse(&text.value) {
                    Some(s) => os.release_status = s,
                    None if text.value.is_empty() => {}
                    None => ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        text.loc,
                        format!("release status '{}' is unknown; expected released, prerelease, snapshot or rolling", text.value),
                    )),
                }
            }
            "derives-from" | "clones" | "upgrades" => {
                ctx.check_attrs(el, &["id", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                if let Some(target) = ctx.req_attr(el, "id") {
                    ctx.fact_source(el, format!("{} {}", el.name, target.value), &mut sources);
                    match el.name.as_str() {
                        "derives-from" => os.derives_from.push(target),
                        "clones" => os.clones.push(target),
                        _ => os.upgrades.push(target),
                    }
                }
            }
            "virtio" => {
                if let Some(fact) = read_virtio(ctx, el) {
                    os.virtio.push(fact);
                }
            }
            "chipset" => {
                ctx.check_attrs(el, &["name", "arch", "supported", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let name = ctx.req_attr(el, "name");
                let arch = ctx.arch(el, false);
                let supported = ctx.bool_attr(el, "supported", true);
                let provenance = ctx.provenance(el);
                if let Some(name) = name {
                    match Chipset::parse(&name.value) {
                        Some(chipset) => os.chipsets.push(ChipsetFact {
                            chipset,
                            arch,
                            supported,
                            provenance,
                            loc: ctx.loc(el.pos),
                        }),
                        None => ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            name.loc,
                            format!(
                                "chipset '{}' is unknown; expected i440fx or q35",
                                name.value
                            ),
                        )),
                    }
                }
            }
            "firmware" => {
                ctx.check_attrs(el, &["arch", "type", "supported", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let arch = ctx.arch(el, true);
                let kind = ctx.req_attr(el, "type");
                let supported = ctx.bool_attr(el, "supported", true);
                let provenance = ctx.provenance(el);
                if let Some(kind) = kind {
                    match FirmwareType::parse(&kind.value) {
                        Some(kind) => os.firmware.push(FirmwareFact {
                            arch,
                            kind,
                            supported,
                            provenance,
                            loc: ctx.loc(el.pos),
                        }),
                        None => ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            kind.loc,
                            format!(
                                "firmware type '{}' is unknown; expected bios or efi",
                                kind.value
                            ),
                        )),
                    }
                }
            }
            "device" => {
                ctx.check_attrs(el, &["ref", "supported", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let device = ctx.req_attr(el, "ref");
                let supported = ctx.bool_attr(el, "supported", true);
                let provenance = ctx.provenance(el);
                if let Some(device) = device {
                    os.devices.push(DeviceLink {
                        device: device.value,
                        supported,
                        provenance,
                        loc: device.loc,
                    });
                }
            }
            "driver" => {
                ctx.fact_source(el, format!("driver {}", os.drivers.len()), &mut sources);
                os.drivers.push(read_driver(ctx, el));
            }
            "variant" => {
                ctx.check_attrs(el, &["id", "source", "note"]);
                ctx.no_text(el);
                let id = ctx.req_attr(el, "id");
                let mut name = None;
                let mut once = Once::default();
                for c in &el.children {
                    if c.name == "name" {
                        if once.first(ctx, el, c) {
                            name = Some(ctx.text(c).value);
                        }
                    } else {
                        ctx.unknown_child(el, c, &["name"]);
                    }
                }
                if name.is_none() {
                    ctx.report(
                        Rule::MissingElement,
                        el.pos,
                        "<variant> needs a <name>".into(),
                    );
                }
                if let Some(id) = id {
                    ctx.fact_source(el, format!("variant {}", id.value), &mut sources);
                    os.variants.push(Variant {
                        id: id.value,
                        name: name.unwrap_or_default(),
                        loc: ctx.loc(el.pos),
                    });
                }
            }
            "media" => {
                ctx.fact_source(el, format!("media {}", os.media.len()), &mut sources);
                os.media.push(read_media(ctx, el));
            }
            "resources" => {
                ctx.fact_source(
                    el,
                    format!("resources {}", os.resources.len()),
                    &mut sources,
                );
                os.resources.push(read_resources(ctx, el));
            }
            _ => ctx.unknown_child(root, el, OS_CHILDREN),
        }
    }
    id.as_ref()?;
    if !has_name {
        ctx.report(Rule::MissingElement, root.pos, "<os> needs a <name>".into());
    }
    os.fact_sources = sources;
    Some(os)
}

fn read_virtio(ctx: &mut Ctx, el: &Element) -> Option<VirtioFact> {
    ctx.check_attrs(
        el,
        &[
            "class", "arch", "legacy", "modern", "driver", "source", "note",
        ],
    );
    ctx.no_children(el);
    ctx.no_text(el);
    let class = ctx.req_attr(el, "class");
    let arch = ctx.arch(el, false);
    for required in ["legacy", "modern"] {
        if el.attr(required).is_none() {
            ctx.report(
                Rule::MissingAttribute,
                el.pos,
                format!("<virtio> needs the attribute '{required}'"),
            );
        }
    }
    let legacy = ctx.bool_attr(el, "legacy", false);
    let modern = ctx.bool_attr(el, "modern", false);
    let driver = ctx.attr(el, "driver").map(|d| d.value);
    let provenance = ctx.provenance(el);
    let class_name = class?;
    let Some(class) = VirtioClass::by_name(&class_name.value) else {
        let names: Vec<_> = VirtioClass::ALL.iter().map(|c| c.name).collect();
        ctx.findings.push(Finding::new(
            Rule::InvalidValue,
            class_name.loc,
            format!(
                "virtio class '{}' is unknown; expected one of: {}",
                class_name.value,
                names.join(", ")
            ),
        ));
        return None;
    };
    if legacy && class.legacy_pci.is_none() {
        ctx.findings.push(Finding::new(
            Rule::InvalidValue,
            ctx.loc(el.attr("legacy").map_or(el.pos, |a| a.pos)),
            format!(
                "virtio {} devices have no legacy interface (modern only); legacy must be false",
                class.name
            ),
        ));
    }
    Some(VirtioFact {
        class,
        arch,
        legacy,
        modern,
        driver,
        provenance,
        loc: ctx.loc(el.pos),
    })
}

fn read_driver(ctx: &mut Ctx, el: &Element) -> Driver {
    ctx.check_attrs(
        el,
        &[
            "arch",
            "location",
            "pre-installable",
            "signed",
            "source",
            "note",
        ],
    );
    ctx.no_text(el);
    let arch = ctx.arch(el, true);
    let location = ctx
        .req_attr(el, "location")
        .map(|l| l.value)
        .unwrap_or_default();
    let pre_installable = ctx.bool_attr(el, "pre-installable", false);
    let signed = ctx.bool_attr(el, "signed", false);
    let mut devices = Vec::new();
    for c in &el.children {
        if c.name == "device" {
            ctx.check_attrs(c, &["ref"]);
            ctx.no_children(c);
            ctx.no_text(c);
            if let Some(r) = ctx.req_attr(c, "ref") {
                devices.push(r);
            }
        } else {
            ctx.unknown_child(el, c, &["device"]);
        }
    }
    Driver {
        arch,
        location,
        pre_installable,
        signed,
        devices,
        loc: ctx.loc(el.pos),
    }
}

fn read_media(ctx: &mut Ctx, el: &Element) -> Media {
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
            "variant" => {
                ctx.check_attrs(c, &["ref"]);
                ctx.no_children(c);
                ctx.no_text(c);
                if let Some(r) = ctx.req_attr(c, "ref") {
                    media.variants.push(r);
                }
            }
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

fn read_iso(ctx: &mut Ctx, el: &Element) -> IsoPattern {
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
                match text.value.parse::<u64>() {
                    Ok(n) if text.value.bytes().all(|b| b.is_ascii_digit()) => {
                        iso.volume_size = Some(n)
                    }
                    _ if text.value.is_empty() => {}
                    _ => ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        text.loc,
                        format!(
                            "volume size '{}' is not a whole number of bytes",
                            text.value
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

fn read_resources(ctx: &mut Ctx, el: &Element) -> Resources {
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

/// Reads `dataset.xml`.
pub fn read_dataset_info(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
) -> Option<DatasetInfo> {
    with_root(path, bytes, findings, "dataset", read_dataset_element)
}

fn read_dataset_element(ctx: &mut Ctx, root: &Element) -> Option<DatasetInfo> {
    ctx.check_attrs(root, &["version", "schema-version"]);
    ctx.no_text(root);
    let version = ctx.req_attr(root, "version");
    let schema = ctx.req_attr(root, "schema-version");
    if let Some(v) = &version {
        let parts: Vec<&str> = v.value.split('.').collect();
        let stamped = parts.len() == 3 && Date::parse(&parts.join("-")).is_some();
        if !stamped {
            ctx.findings.push(Finding::new(
                Rule::InvalidValue,
                v.loc.clone(),
                format!(
                    "dataset version '{}' must be date-stamped as YYYY.MM.DD",
                    v.value
                ),
            ));
        }
    }
    let schema_version = match schema {
        Some(s) => match s.value.parse::<u32>() {
            Ok(n) => Located::new(n, s.loc),
            Err(_) => {
                ctx.findings.push(Finding::new(
                    Rule::InvalidValue,
                    s.loc,
                    format!("schema version '{}' is not a number", s.value),
                ));
                return None;
            }
        },
        None => return None,
    };
    if schema_version.value != SCHEMA_VERSION {
        ctx.findings.push(Finding::new(
            Rule::SchemaVersion,
            schema_version.loc.clone(),
            format!(
                "schema version {} is not the one this compiler reads ({SCHEMA_VERSION})",
                schema_version.value
            ),
        ));
    }
    let mut sources = Vec::new();
    for el in &root.children {
        if el.name != "source" {
            ctx.unknown_child(root, el, &["source"]);
            continue;
        }
        ctx.check_attrs(el, &["id", "name", "url", "license", "snapshot"]);
        ctx.no_children(el);
        ctx.no_text(el);
        let id = ctx.req_attr(el, "id");
        let name = ctx.req_attr(el, "name");
        let snapshot = ctx.parsed_attr(el, "snapshot", "a date YYYY-MM-DD", Date::parse);
        if let (Some(id), Some(name)) = (id, name) {
            sources.push(Source {
                id,
                name: name.value,
                url: ctx.attr(el, "url").map(|u| u.value),
                license: ctx.attr(el, "license").map(|l| l.value),
                snapshot,
                loc: ctx.loc(el.pos),
            });
        }
    }
    Some(DatasetInfo {
        version: version?,
        schema_version,
        sources,
        loc: ctx.loc(root.pos),
    })
}

/// Reads `devices.xml`, the device catalogue.
pub fn read_devices(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Vec<Device> {
    read_list(path, bytes, findings, ("devices", "device"), read_device)
}

fn read_device(ctx: &mut Ctx, el: &Element) -> Option<Device> {
    const CHILDREN: &[&str] = &["vendor", "product", "qemu-device", "libvirt-model", "note"];
    ctx.check_attrs(
        el,
        &[
            "name",
            "class",
            "bus",
            "pci",
            "usb",
            "virtio-type",
            "generation",
            "osinfo-id",
        ],
    );
    ctx.no_text(el);
    let name = ctx.req_attr(el, "name");
    let class = ctx.req_attr(el, "class");
    let bus = ctx.req_attr(el, "bus");
    let pci = ctx.pci_attr(el, "pci");
    let usb = ctx.pci_attr(el, "usb");
    let virtio_type = ctx.num_attr(el, "virtio-type", u16::MAX);
    let generation = ctx.parsed_attr(el, "generation", "legacy or modern", |s| match s {
        "legacy" => Some(Generation::Legacy),
        "modern" => Some(Generation::Modern),
        _ => None,
    });
    let mut device = Device {
        name: name?,
        osinfo_id: ctx.attr(el, "osinfo-id"),
        class: class.map(|c| c.value).unwrap_or_default(),
        bus: bus.map(|b| b.value).unwrap_or_default(),
        pci,
        usb,
        virtio_type,
        generation,
        vendor: None,
        product: None,
        qemu_devices: Vec::new(),
        libvirt_models: Vec::new(),
        note: None,
        loc: ctx.loc(el.pos),
    };
    let mut once = Once::default();
    for c in &el.children {
        match c.name.as_str() {
            "vendor" | "product" | "note" if !once.first(ctx, el, c) => {}
            "vendor" => device.vendor = Some(ctx.text(c).value),
            "product" => device.product = Some(ctx.text(c).value),
            "note" => device.note = Some(ctx.text(c).value),
            "qemu-device" | "libvirt-model" => {
                ctx.check_attrs(c, &["slot"]);
                ctx.no_children(c);
                let slot = ctx
                    .parsed_attr(c, "slot", "any, pci or pcie", Slot::parse)
                    .unwrap_or(Slot::Any);
                let value = c.text.trim().to_string();
                if value.is_empty() {
                    ctx.report(
                        Rule::InvalidValue,
                        c.pos,
                        format!("<{}> must not be empty", c.name),
                    );
                    continue;
                }
                let r = Realisation {
                    name: value,
                    slot,
                    loc: ctx.loc(c.text_pos),
                };
                if c.name == "qemu-device" {
                    device.qemu_devices.push(r);
                } else {
                    device.libvirt_models.push(r);
                }
            }
            _ => ctx.unknown_child(el, c, CHILDREN),
        }
    }
    Some(device)
}

/// Reads `corrections.xml`.
pub fn read_corrections(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Vec<Correction> {
    read_list(
        path,
        bytes,
        findings,
        ("corrections", "correction"),
        read_correction,
    )
}

fn read_correction(ctx: &mut Ctx, el: &Element) -> Option<Correction> {
    ctx.check_attrs(el, &["subject", "field", "osinfo", "guestdb"]);
    ctx.no_children(el);
    let fields: Vec<_> = ["subject", "field", "osinfo", "guestdb"]
        .iter()
        .map(|n| ctx.req_attr(el, n))
        .collect();
    let reason = el.text.trim().to_string();
    if reason.is_empty() {
        ctx.report(
            Rule::MissingElement,
            el.pos,
            "a <correction> must say why, as its text".into(),
        );
    }
    let [Some(subject), Some(field), Some(osinfo), Some(guestdb)] = &fields[..] else {
        return None;
    };
    Some(Correction {
        subject: subject.value.clone(),
        field: field.value.clone(),
        osinfo: osinfo.value.clone(),
        guestdb: guestdb.value.clone(),
        reason,
        loc: ctx.loc(el.pos),
    })
}

/// The file names a data directory holds besides `os/`.
pub const DATASET_FILE: &str = "dataset.xml";
pub const DEVICES_FILE: &str = "devices.xml";
pub const CORRECTIONS_FILE: &str = "corrections.xml";

/// How a finding names a file: `dir` joined with its relative path.
fn display_path(dir: &Path, rel: &Path) -> Arc<str> {
    Arc::from(dir.join(rel).to_string_lossy().as_ref())
}

fn read_bytes(dir: &Path, rel: &Path, findings: &mut Findings) -> Option<Vec<u8>> {
    match std::fs::read(dir.join(rel)) {
        Ok(b) => Some(b),
        Err(e) => {
            let path = display_path(dir, rel);
            findings.push(Finding::new(
                Rule::Io,
                Loc::file(&path),
                format!("cannot read: {e}"),
            ));
            None
        }
    }
}

/// The files below `dir/sub` whose names satisfy `keep`, relative to `dir`,
/// sorted; and the directories that could not be read, with the error.
pub fn files_below(
    dir: &Path,
    sub: &Path,
    keep: impl Fn(&str) -> bool,
) -> (Vec<PathBuf>, Vec<(PathBuf, std::io::Error)>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    let mut stack = vec![sub.to_path_buf()];
    while let Some(rel) = stack.pop() {
        let entries = match std::fs::read_dir(dir.join(&rel)) {
            Ok(e) => e,
            Err(e) => {
                errors.push((rel, e));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push((rel.clone(), e));
                    continue;
                }
            };
            let child = rel.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(child);
            } else if keep(&entry.file_name().to_string_lossy()) {
                files.push(child);
            }
        }
    }
    files.sort();
    (files, errors)
}

/// Every `*.xml` file below `dir/os`, relative to `dir`, sorted.
pub fn os_files(dir: &Path, findings: &mut Findings) -> Vec<PathBuf> {
    let (files, errors) = files_below(dir, Path::new("os"), |name| name.ends_with(".xml"));
    for (rel, e) in errors {
        let path = display_path(dir, &rel);
        findings.push(Finding::new(
            Rule::Io,
            Loc::file(&path),
            format!("cannot read directory: {e}"),
        ));
    }
    files
}

/// Reads a whole data directory. Returns what could be read and every finding.
pub fn read_dir(dir: &Path, findings: &mut Findings) -> Option<Dataset> {
    let info_path = display_path(dir, Path::new(DATASET_FILE));
    let info = read_bytes(dir, Path::new(DATASET_FILE), findings)
        .and_then(|b| read_dataset_info(&info_path, &b, findings));
    let dev_path = display_path(dir, Path::new(DEVICES_FILE));
    let devices = read_bytes(dir, Path::new(DEVICES_FILE), findings)
        .map(|b| read_devices(&dev_path, &b, findings))
        .unwrap_or_default();
    let corrections = if dir.join(CORRECTIONS_FILE).exists() {
        let path = display_path(dir, Path::new(CORRECTIONS_FILE));
        read_bytes(dir, Path::new(CORRECTIONS_FILE), findings)
            .map(|b| read_corrections(&path, &b, findings))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut oses = Vec::new();
    for rel in os_files(dir, findings) {
        let path = display_path(dir, &rel);
        if let Some(bytes) = read_bytes(dir, &rel, findings) {
            if let Some(os) = read_os(&path, &bytes, findings) {
                oses.push(os);
            }
        }
    }
    Some(Dataset {
        info: info?,
        devices,
        corrections,
        oses,
    })
}
