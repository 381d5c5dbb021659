//! OS files: `os/<vendor-domain>/<name>.xml`.

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

/// `<lifecycle>`: one `<phase>` per phase, the security phase always
/// (what `eol-date` means).
fn read_lifecycle(ctx: &mut Ctx, el: &Element) -> Vec<PhaseFact> {
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

fn read_tree(ctx: &mut Ctx, el: &Element) -> Tree {
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
            "variant" => {
                ctx.check_attrs(c, &["ref"]);
                ctx.no_children(c);
                ctx.no_text(c);
                if let Some(r) = ctx.req_attr(c, "ref") {
                    tree.variants.push(r);
                }
            }
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
