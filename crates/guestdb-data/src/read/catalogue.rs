//! The catalogue files beside the OSes: `dataset.xml`, `devices.xml`, `corrections.xml`.

use super::*;

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
    let mut freshness = Vec::new();
    for el in &root.children {
        if el.name == "fresh" {
            ctx.check_attrs(el, &["distro", "newest", "checked", "next", "note"]);
            ctx.no_children(el);
            ctx.no_text(el);
            let distro = ctx.req_attr(el, "distro");
            let newest = ctx.req_attr(el, "newest");
            for required in ["checked", "next"] {
                if el.attr(required).is_none() {
                    ctx.report(
                        Rule::MissingAttribute,
                        el.pos,
                        format!("<fresh> needs the attribute '{required}'"),
                    );
                }
            }
            let checked = ctx.parsed_attr(el, "checked", "a date YYYY-MM-DD", Date::parse);
            let next = ctx.parsed_attr(el, "next", "a date YYYY-MM-DD", Date::parse);
            if let (Some(distro), Some(newest), Some(checked), Some(next)) =
                (distro, newest, checked, next)
            {
                freshness.push(Freshness {
                    distro: distro.value,
                    newest: newest.value,
                    checked,
                    next,
                    note: ctx.attr(el, "note").map(|n| n.value),
                    loc: ctx.loc(el.pos),
                });
            }
            continue;
        }
        if el.name != "source" {
            ctx.unknown_child(root, el, &["source", "fresh"]);
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
        freshness,
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
    let generation = ctx.parsed_attr(el, "generation", "legacy or modern", Generation::parse);
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
                    .parsed_attr(c, "slot", "any, pci, pcie or root", Slot::parse)
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

/// Reads a datamap file: `datamaps/<vendor-domain>/<name>.xml`.
pub fn read_datamap(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Option<Datamap> {
    with_root(path, bytes, findings, "datamap", |ctx, root| {
        ctx.check_attrs(root, &["id", "source", "note"]);
        ctx.no_text(root);
        let id = ctx.req_attr(root, "id");
        let provenance = ctx.provenance(root);
        let mut entries: Vec<(String, String, Loc)> = Vec::new();
        let mut seen: HashMap<String, Loc> = HashMap::new();
        for el in &root.children {
            if el.name != "entry" {
                ctx.unknown_child(root, el, &["entry"]);
                continue;
            }
            ctx.check_attrs(el, &["in", "out"]);
            ctx.no_children(el);
            ctx.no_text(el);
            let (Some(input), Some(output)) = (ctx.req_attr(el, "in"), ctx.req_attr(el, "out"))
            else {
                continue;
            };
            if let Some(first) = seen.get(&input.value) {
                ctx.findings.push(
                    Finding::new(
                        Rule::DuplicateElement,
                        input.loc.clone(),
                        format!("the datamap maps '{}' twice", input.value),
                    )
                    .note(first.clone(), "first mapped here"),
                );
                continue;
            }
            seen.insert(input.value.clone(), input.loc.clone());
            entries.push((input.value, output.value, input.loc));
        }
        Some(Datamap {
            id: id?,
            entries,
            provenance,
            loc: ctx.loc(root.pos),
        })
    })
}
