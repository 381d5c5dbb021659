//! The VM-profile catalogues: `hyperv.xml` (Hyper-V enlightenments) and
//! `cpus.xml` (x86 CPU models).

use super::*;

/// Reads `hyperv.xml`: `<hyperv source=".."><feature .../>...</hyperv>`.
pub fn read_hyperv(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Vec<HypervFeature> {
    with_root(path, bytes, findings, "hyperv", |ctx, root| {
        ctx.check_attrs(root, &["source", "note"]);
        ctx.no_text(root);
        let file_source = ctx.attr(root, "source");
        let mut out = Vec::new();
        for el in &root.children {
            if el.name != "feature" {
                ctx.unknown_child(root, el, &["feature"]);
                continue;
            }
            ctx.check_attrs(
                el,
                &[
                    "name",
                    "qemu-property",
                    "qemu-since",
                    "libvirt-since",
                    "requires",
                    "vendor",
                    "tcg",
                    "default",
                    "value",
                    "windows",
                    "source",
                    "note",
                ],
            );
            ctx.no_children(el);
            ctx.no_text(el);
            let name = ctx.req_attr(el, "name");
            let qemu_property = ctx.req_attr(el, "qemu-property");
            let qemu_since = ctx.version_attr(el, "qemu-since", true);
            let libvirt_since = ctx.version_attr(el, "libvirt-since", true);
            let requires = ctx.located_words(el, "requires");
            let vendor = ctx.attr(el, "vendor");
            if let Some(v) = &vendor {
                if !["intel", "amd"].contains(&v.value.as_str()) {
                    ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        v.loc.clone(),
                        format!("vendor '{}' is unknown; expected intel or amd", v.value),
                    ));
                }
            }
            let tcg = ctx.bool_attr(el, "tcg", true);
            let default = ctx.bool_attr(el, "default", true);
            let value = ctx.attr(el, "value").map(|v| v.value);
            let windows = ctx.located_words(el, "windows");
            let mut provenance = ctx.provenance(el);
            if provenance.source.is_none() {
                provenance.source = file_source.clone();
            }
            let (Some(name), Some(qemu_property), Some(qemu_since), Some(libvirt_since)) =
                (name, qemu_property, qemu_since, libvirt_since)
            else {
                continue;
            };
            out.push(HypervFeature {
                name,
                qemu_property: qemu_property.value,
                qemu_since,
                libvirt_since,
                requires,
                vendor: vendor.map(|v| v.value),
                tcg,
                default,
                value,
                windows,
                provenance,
                loc: ctx.loc(el.pos),
            });
        }
        Some(out)
    })
    .unwrap_or_default()
}

/// Reads `cpus.xml`: `<cpus source=".."><model .../>...</cpus>`.
pub fn read_cpus(path: &Arc<str>, bytes: &[u8], findings: &mut Findings) -> Vec<CpuModel> {
    with_root(path, bytes, findings, "cpus", |ctx, root| {
        ctx.check_attrs(root, &["source", "note"]);
        ctx.no_text(root);
        let file_source = ctx.attr(root, "source");
        let mut out = Vec::new();
        for el in &root.children {
            if el.name != "model" {
                ctx.unknown_child(root, el, &["model"]);
                continue;
            }
            ctx.check_attrs(
                el,
                &["name", "vendor", "level", "qemu-since", "source", "note"],
            );
            ctx.no_children(el);
            ctx.no_text(el);
            let name = ctx.req_attr(el, "name");
            let vendor = ctx.req_attr(el, "vendor");
            if let Some(v) = &vendor {
                if !["intel", "amd", "hygon", "zhaoxin", "any"].contains(&v.value.as_str()) {
                    ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        v.loc.clone(),
                        format!(
                            "vendor '{}' is unknown; expected intel, amd, hygon, zhaoxin or any",
                            v.value
                        ),
                    ));
                }
            }
            let level = ctx.req_attr(el, "level").and_then(|l| {
                let level = cpu_level(&l.value);
                if level.is_none() {
                    ctx.findings.push(Finding::new(
                        Rule::InvalidValue,
                        l.loc.clone(),
                        format!(
                            "CPU level '{}' is unknown; expected one of: {}",
                            l.value,
                            CPU_LEVELS.join(", ")
                        ),
                    ));
                }
                level
            });
            let qemu_since = ctx.version_attr(el, "qemu-since", true);
            let mut provenance = ctx.provenance(el);
            if provenance.source.is_none() {
                provenance.source = file_source.clone();
            }
            let (Some(name), Some(vendor), Some(level), Some(qemu_since)) =
                (name, vendor, level, qemu_since)
            else {
                continue;
            };
            out.push(CpuModel {
                name,
                vendor: vendor.value,
                level,
                qemu_since,
                provenance,
                loc: ctx.loc(el.pos),
            });
        }
        Some(out)
    })
    .unwrap_or_default()
}

/// Reads one `osinfo-db/VERSION.xml`: `<osinfo-release version=".."><os id=".."/>...`.
pub fn read_osinfo_release(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
) -> Option<OsinfoRelease> {
    with_root(path, bytes, findings, "osinfo-release", |ctx, root| {
        ctx.check_attrs(root, &["version", "source", "note"]);
        ctx.no_text(root);
        let version = ctx.req_attr(root, "version");
        let mut oses = Vec::new();
        for el in &root.children {
            if el.name != "os" {
                ctx.unknown_child(root, el, &["os"]);
                continue;
            }
            ctx.check_attrs(el, &["id"]);
            ctx.no_children(el);
            ctx.no_text(el);
            oses.extend(ctx.req_attr(el, "id"));
        }
        Some(OsinfoRelease {
            version: version?,
            oses,
            provenance: ctx.provenance(root),
            loc: ctx.loc(root.pos),
        })
    })
}
