//! Host profiles: `hosts/<id>.xml`.

use super::*;

/// Reads one host profile.
pub fn read_host(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Option<HostProfile> {
    with_root(path, bytes, findings, "host", read_host_element)
}

const HOST_CHILDREN: &[&str] = &[
    "qemu",
    "libvirt",
    "machines",
    "arch",
    "firmware",
    "tpm",
    "missing-device",
    "graphics",
    "osinfo-db",
];

/// `<qemu version=".." package=".."/>` and `<libvirt .../>`.
fn versioned(ctx: &mut Ctx, el: &Element) -> (Option<Version>, Option<String>) {
    ctx.check_attrs(el, &["version", "package"]);
    ctx.no_children(el);
    ctx.no_text(el);
    (
        ctx.version_attr(el, "version", true),
        ctx.attr(el, "package").map(|p| p.value),
    )
}

fn read_host_element(ctx: &mut Ctx, root: &Element) -> Option<HostProfile> {
    ctx.check_attrs(
        root,
        &["id", "name", "released", "default", "source", "note"],
    );
    ctx.no_text(root);
    let id = ctx.req_attr(root, "id");
    let name = ctx.req_attr(root, "name");
    let released = ctx.parsed_attr(
        root,
        "released",
        "a date YYYY-MM-DD of a real day",
        Date::parse,
    );
    let default = ctx.bool_attr(root, "default", false);
    let mut once = Once::default();
    let (mut qemu, mut qemu_package) = (None, None);
    let (mut libvirt, mut libvirt_package) = (None, None);
    let mut machines = None;
    let mut arches = Vec::new();
    let mut firmware = Vec::new();
    let mut tpm = Vec::new();
    let mut missing_devices = Vec::new();
    let mut graphics = None;
    let mut osinfo_db = None;
    for el in &root.children {
        let single = matches!(
            el.name.as_str(),
            "qemu" | "libvirt" | "machines" | "graphics" | "osinfo-db"
        );
        if single && !once.first(ctx, root, el) {
            continue;
        }
        match el.name.as_str() {
            "qemu" => (qemu, qemu_package) = versioned(ctx, el),
            "libvirt" => (libvirt, libvirt_package) = versioned(ctx, el),
            "machines" => {
                ctx.check_attrs(el, &["upstream", "line", "release"]);
                ctx.no_children(el);
                ctx.no_text(el);
                if el.attr("upstream").is_none() {
                    ctx.report(
                        Rule::MissingAttribute,
                        el.pos,
                        "<machines> needs the attribute 'upstream'".into(),
                    );
                }
                let upstream = ctx.bool_attr(el, "upstream", false);
                let line = ctx.attr(el, "line");
                let release = ctx.attr(el, "release");
                let downstream = match (line, release) {
                    (Some(l), Some(r)) => {
                        ctx.release_label(&r.value, &r.loc).then_some((l, r.value))
                    }
                    (None, None) => None,
                    _ => {
                        ctx.report(
                            Rule::MissingAttribute,
                            el.pos,
                            "<machines> names a downstream line with both 'line' and 'release', e.g. line=\"rhel\" release=\"9.6\"".into(),
                        );
                        None
                    }
                };
                if !upstream && downstream.is_none() {
                    ctx.report(
                        Rule::InvalidValue,
                        el.pos,
                        "a host must offer some machine types: set upstream=\"true\" or name a downstream line".into(),
                    );
                }
                machines = Some(HostMachines {
                    upstream,
                    downstream,
                    loc: ctx.loc(el.pos),
                });
            }
            "arch" => {
                ctx.check_attrs(el, &["name"]);
                ctx.no_children(el);
                ctx.no_text(el);
                if let Some(a) = ctx.req_attr(el, "name") {
                    if ctx.arch_name(&a.value, &a.loc) {
                        arches.push(a);
                    }
                }
            }
            "firmware" => {
                ctx.check_attrs(
                    el,
                    &[
                        "arch",
                        "type",
                        "secure-boot",
                        "code",
                        "vars",
                        "kernel",
                        "source",
                        "note",
                    ],
                );
                ctx.no_children(el);
                ctx.no_text(el);
                let arch = ctx.arch(el, true);
                let kind = ctx.req_attr(el, "type").and_then(|k| {
                    let parsed = FirmwareType::parse(&k.value);
                    if parsed.is_none() {
                        ctx.findings.push(Finding::new(
                            Rule::InvalidValue,
                            k.loc.clone(),
                            format!(
                                "firmware type '{}' is unknown; expected bios or efi",
                                k.value
                            ),
                        ));
                    }
                    parsed
                });
                let secure_boot = ctx.bool_attr(el, "secure-boot", false);
                if secure_boot && kind == Some(FirmwareType::Bios) {
                    ctx.report(
                        Rule::InvalidValue,
                        el.attr("secure-boot").map_or(el.pos, |a| a.pos),
                        "Secure Boot is a UEFI feature; a BIOS cannot have it".into(),
                    );
                }
                if let Some(kind) = kind {
                    firmware.push(HostFirmware {
                        arch,
                        kind,
                        secure_boot,
                        code: ctx.attr(el, "code").map(|c| c.value),
                        vars: ctx.attr(el, "vars").map(|v| v.value),
                        kernel: ctx.attr(el, "kernel").map(|v| v.value),
                        provenance: ctx.provenance(el),
                        loc: ctx.loc(el.pos),
                    });
                }
            }
            "tpm" => {
                ctx.check_attrs(el, &["arch", "model", "versions", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                let arch = ctx.arch(el, true);
                let model = ctx.req_attr(el, "model");
                let versions = ctx.words_attr(el, "versions", true, |c, w, loc| {
                    let ok = w == "1.2" || w == "2.0";
                    if !ok {
                        c.findings.push(Finding::new(
                            Rule::InvalidValue,
                            loc.clone(),
                            format!("TPM version '{w}' is unknown; expected 1.2 or 2.0"),
                        ));
                    }
                    ok
                });
                if let Some(model) = model {
                    tpm.push(HostTpm {
                        arch,
                        model: model.value,
                        versions,
                        provenance: ctx.provenance(el),
                        loc: ctx.loc(el.pos),
                    });
                }
            }
            "missing-device" => {
                ctx.check_attrs(el, &["name", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                if let Some(name) = ctx.req_attr(el, "name") {
                    missing_devices.push(MissingDevice {
                        name: name.value,
                        provenance: ctx.provenance(el),
                        loc: ctx.loc(el.pos),
                    });
                }
            }
            "osinfo-db" => {
                ctx.check_attrs(el, &["version"]);
                ctx.no_children(el);
                ctx.no_text(el);
                osinfo_db = ctx.req_attr(el, "version");
            }
            "graphics" => {
                ctx.check_attrs(el, &["spice", "source", "note"]);
                ctx.no_children(el);
                ctx.no_text(el);
                if el.attr("spice").is_none() {
                    ctx.report(
                        Rule::MissingAttribute,
                        el.pos,
                        "<graphics> needs the attribute 'spice' (true or false)".into(),
                    );
                }
                graphics = Some(HostGraphics {
                    spice: ctx.bool_attr(el, "spice", true),
                    provenance: ctx.provenance(el),
                    loc: ctx.loc(el.pos),
                });
            }
            _ => ctx.unknown_child(root, el, HOST_CHILDREN),
        }
    }
    for (what, present) in [("qemu", qemu.is_some()), ("machines", machines.is_some())] {
        if !present && !root.children.iter().any(|c| c.name == what) {
            ctx.report(
                Rule::MissingElement,
                root.pos,
                format!("<host> needs a <{what}>"),
            );
        }
    }
    if arches.is_empty() {
        ctx.report(
            Rule::MissingElement,
            root.pos,
            "<host> needs at least one <arch name=\"...\"/>".into(),
        );
    }
    Some(HostProfile {
        id: id?,
        name: name?.value,
        released,
        qemu: qemu?,
        qemu_package,
        libvirt,
        libvirt_package,
        machines: machines?,
        arches,
        firmware,
        tpm,
        missing_devices,
        graphics,
        osinfo_db,
        default,
        provenance: ctx.provenance(root),
        loc: ctx.loc(root.pos),
    })
}
