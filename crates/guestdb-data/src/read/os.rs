//! OS files: `os/<vendor-domain>/<name>.xml`.

use super::lifecycle::read_lifecycle;
use super::media::{read_media, read_resources, read_tree};
use super::*;

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
    "lifecycle",
    "derives-from",
    "clones",
    "upgrades",
    "kernel",
    "virtio",
    "chipset",
    "firmware",
    "secure-boot",
    "tpm",
    "device",
    "clock",
    "role",
    "cpu-level",
    "agent",
    "driver",
    "variant",
    "media",
    "tree",
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
                | "lifecycle"
        ) || (el.name == "kernel" && el.attr("arch").is_none_or(|a| a.value == "all"));
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
            "lifecycle" => os.lifecycle = read_lifecycle(ctx, el),
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
            "kernel" => {
                ctx.check_attrs(el, &["arch", "version", "package", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let version = ctx.version_attr(el, "version", true);
                let package = ctx.attr(el, "package").map(|p| p.value);
                if let Some(version) = version {
                    let fact = ctx.fact(el, false, Kernel { version, package });
                    if fact.arch == "all" {
                        os.kernel = Some(fact);
                    } else if os.arch_kernels.iter().any(|k| k.arch == fact.arch) {
                        ctx.findings.push(Finding::new(
                            Rule::DuplicateElement,
                            fact.loc().clone(),
                            format!("a second <kernel> for arch '{}'; state one kernel per architecture", fact.arch),
                        ));
                    } else {
                        os.arch_kernels.push(fact);
                    }
                }
            }
            "virtio" => {
                if let Some(fact) = read_virtio(ctx, el) {
                    os.virtio.push(fact);
                }
            }
            "chipset" => {
                ctx.check_attrs(
                    el,
                    &[
                        "name",
                        "arch",
                        "supported",
                        "preferred",
                        "exception",
                        "source",
                        "note",
                    ],
                );
                ctx.no_children(el);
                ctx.no_text(el);
                let name = ctx.req_attr(el, "name");
                let supported = ctx.bool_attr(el, "supported", true);
                let preferred = ctx.bool_attr(el, "preferred", false);
                if preferred && !supported {
                    ctx.report(
                        Rule::InvalidValue,
                        el.attr("preferred").map_or(el.pos, |a| a.pos),
                        "a chipset cannot be preferred and unsupported at once".into(),
                    );
                }
                let fact = ctx.fact(el, false, ());
                if let Some(chipset) = name.and_then(|n| ctx.chipset(&n)) {
                    os.chipsets.push(fact.map(|()| ChipsetSupport {
                        chipset,
                        supported,
                        preferred,
                    }));
                }
            }
            "clock" => {
                ctx.check_attrs(el, &["offset", "arch", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let offset = ctx.req_attr(el, "offset");
                let fact = ctx.fact(el, false, ());
                if let Some(o) = offset {
                    match ClockOffset::parse(&o.value) {
                        Some(offset) => os.clock.push(fact.map(|()| Clock { offset })),
                        None => ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            o.loc,
                            format!(
                                "clock offset '{}' is unknown; expected utc or localtime",
                                o.value
                            ),
                        )),
                    }
                }
            }
            "role" => {
                ctx.check_attrs(el, &["name", "supported", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let name = ctx.req_attr(el, "name");
                let supported = ctx.bool_attr(el, "supported", true);
                let fact = ctx.fact(el, false, ());
                if let Some(n) = name {
                    match RoleName::parse(&n.value) {
                        Some(role) => os.roles.push(fact.map(|()| Role { role, supported })),
                        None => ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            n.loc,
                            format!("role '{}' is unknown; expected desktop or server", n.value),
                        )),
                    }
                }
            }
            "cpu-level" => {
                ctx.check_attrs(el, &["arch", "min", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let min = ctx.req_attr(el, "min");
                let fact = ctx.fact(el, true, ());
                if let Some(m) = min {
                    match cpu_level(&m.value) {
                        Some(min) => os.cpu_levels.push(fact.map(|()| CpuLevel { min })),
                        None => ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            m.loc,
                            format!(
                                "CPU level '{}' is unknown; expected one of: {}",
                                m.value,
                                CPU_LEVELS.join(", ")
                            ),
                        )),
                    }
                }
            }
            "agent" => {
                ctx.check_attrs(
                    el,
                    &["name", "arch", "supported", "driver", "source", "note"],
                );
                ctx.no_children(el);
                ctx.no_text(el);
                let name = ctx.req_attr(el, "name");
                let supported = ctx.bool_attr(el, "supported", true);
                let driver = ctx.attr(el, "driver").map(|d| d.value);
                let fact = ctx.fact(el, false, ());
                if let Some(n) = name {
                    if AGENTS.contains(&n.value.as_str()) {
                        os.agents.push(fact.map(|()| Agent {
                            name: n.value,
                            supported,
                            driver,
                        }));
                    } else {
                        ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            n.loc,
                            format!(
                                "agent '{}' is unknown; expected one of: {}",
                                n.value,
                                AGENTS.join(", ")
                            ),
                        ));
                    }
                }
            }
            "firmware" => {
                ctx.check_attrs(
                    el,
                    &["arch", "type", "supported", "preferred", "source", "note"],
                );
                ctx.no_children(el);
                ctx.no_text(el);
                let kind = ctx.req_attr(el, "type");
                let supported = ctx.bool_attr(el, "supported", true);
                let preferred = ctx.bool_attr(el, "preferred", false);
                if preferred && !supported {
                    ctx.report(
                        Rule::InvalidValue,
                        el.attr("preferred").map_or(el.pos, |a| a.pos),
                        "firmware cannot be preferred and unsupported at once".into(),
                    );
                }
                let fact = ctx.fact(el, true, ());
                if let Some(kind) = kind {
                    match FirmwareType::parse(&kind.value) {
                        Some(kind) => os.firmware.push(fact.map(|()| FirmwareSupport {
                            kind,
                            supported,
                            preferred,
                        })),
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
            "secure-boot" => {
                ctx.check_attrs(el, &["arch", "supported", "required", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let (supported, required) = support_and_requirement(ctx, el);
                let fact = ctx.fact(
                    el,
                    true,
                    SecureBoot {
                        supported,
                        required,
                    },
                );
                os.secure_boot.push(fact);
            }
            "tpm" => {
                ctx.check_attrs(
                    el,
                    &["arch", "version", "supported", "required", "source", "note"],
                );
                ctx.no_children(el);
                ctx.no_text(el);
                let version = ctx.req_attr(el, "version");
                let (supported, required) = support_and_requirement(ctx, el);
                let fact = ctx.fact(el, false, ());
                if let Some(version) = version {
                    if TPM_VERSIONS.contains(&version.value.as_str()) {
                        os.tpm.push(fact.map(|()| Tpm {
                            version: version.value,
                            supported,
                            required,
                        }));
                    } else {
                        ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            version.loc,
                            format!(
                                "TPM version '{}' is unknown; expected one of: {}",
                                version.value,
                                TPM_VERSIONS.join(", ")
                            ),
                        ));
                    }
                }
            }
            "device" => {
                ctx.check_attrs(el, &["ref", "supported", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let device = ctx.req_attr(el, "ref");
                let supported = ctx.bool_attr(el, "supported", true);
                let mut fact = Fact::with("all", (), ctx.provenance(el));
                if let Some(device) = device {
                    // A link is found by its `ref`: findings point there.
                    fact.provenance.loc = device.loc;
                    os.devices.push(fact.map(|()| DeviceSupport {
                        device: device.value,
                        supported,
                    }));
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
            "tree" => {
                ctx.fact_source(el, format!("tree {}", os.trees.len()), &mut sources);
                os.trees.push(read_tree(ctx, el));
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

/// `supported` (default true) and `required` (default false); a required
/// feature must be supported.
fn support_and_requirement(ctx: &mut Ctx, el: &Element) -> (bool, bool) {
    let supported = ctx.bool_attr(el, "supported", true);
    let required = ctx.bool_attr(el, "required", false);
    if required && !supported {
        ctx.report(
            Rule::InvalidValue,
            el.attr("required").map_or(el.pos, |a| a.pos),
            format!("<{}> cannot be required and unsupported at once", el.name),
        );
    }
    (supported, required)
}

fn read_virtio(ctx: &mut Ctx, el: &Element) -> Option<VirtioFact> {
    ctx.check_attrs(
        el,
        &[
            "class",
            "arch",
            "legacy",
            "modern",
            "unknown",
            "driver",
            "since",
            "exception",
            "source",
            "note",
        ],
    );
    ctx.no_children(el);
    ctx.no_text(el);
    let class = ctx.req_attr(el, "class");
    let unknown = ctx.bool_attr(el, "unknown", false);
    for required in ["legacy", "modern"] {
        match (unknown, el.attr(required)) {
            (false, None) => ctx.report(
                Rule::MissingAttribute,
                el.pos,
                format!("<virtio> needs the attribute '{required}' (or unknown=\"true\" with a note saying why)"),
            ),
            (true, Some(a)) => ctx.report(
                Rule::InvalidValue,
                a.pos,
                format!("an unknown <virtio> fact states no '{required}'; leave it out or drop unknown=\"true\""),
            ),
            _ => {}
        }
    }
    if unknown && el.attr("note").is_none() {
        ctx.report(
            Rule::MissingAttribute,
            el.pos,
            "an unknown <virtio> fact needs a note saying why it is unknown".into(),
        );
    }
    let legacy = ctx.bool_attr(el, "legacy", false);
    let modern = ctx.bool_attr(el, "modern", false);
    let driver = ctx.attr(el, "driver").map(|d| d.value);
    let since = ctx.attr(el, "since").map(|d| d.value);
    if since.is_some() && driver.is_none() {
        ctx.report(
            Rule::InvalidValue,
            el.attr("since").map_or(el.pos, |a| a.pos),
            "'since' names the first release of a driver package; give the package as driver=\"...\"".into(),
        );
    }
    let fact = ctx.fact(el, false, ());
    let class_name = class?;
    let class = ctx.virtio_class(&class_name)?;
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
    Some(fact.map(|()| Virtio {
        class,
        legacy,
        modern,
        unknown,
        driver,
        since,
    }))
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
