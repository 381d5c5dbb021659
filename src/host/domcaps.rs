//! A host described by `virsh domcapabilities` output: its machine (and so
//! its QEMU version or distribution release), firmware and Secure Boot,
//! TPM models and the device models libvirt offers.
//!
//! libvirt reports one machine type, the one the alias it was asked about
//! expands to (`--machine q35` gives `pc-q35-7.2`). guestdb infers the QEMU
//! release (or the distribution line and release, for `pc-q35-rhel9.4.0`)
//! from that name and computes the other machine types from the catalogue.

use super::{Accel, Capability, Catalogues, DeviceSet, Firmware, Host, HostCpu, HostSource, Tpm};
use crate::machine::{MachineCatalogue, MachineType, Origin};
use guestdb_data::diag::LineIndex;
use guestdb_data::model::{FirmwareType, Version};
use guestdb_data::xml::{self, Element};
use std::path::Path;
use std::sync::Arc;

/// A domcaps file that cannot be used, with the place and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomcapsError(pub String);

impl std::fmt::Display for DomcapsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn child<'e>(el: &'e Element, name: &str) -> Option<&'e Element> {
    el.children.iter().find(|c| c.name == name)
}

/// The `<value>`s of `<enum name="NAME">` directly inside `el`.
fn enum_values(el: Option<&Element>, name: &str) -> Option<Vec<String>> {
    let e = el?
        .children
        .iter()
        .find(|c| c.name == "enum" && c.attr("name").is_some_and(|a| a.value == name))?;
    Some(
        e.children
            .iter()
            .filter(|v| v.name == "value")
            .map(|v| v.text.trim().to_string())
            .collect(),
    )
}

fn supported(el: Option<&Element>) -> bool {
    el.is_some_and(|e| e.attr("supported").is_none_or(|a| a.value == "yes"))
}

/// Reads a domcaps file and describes its host.
pub fn read(path: &Path, catalogues: &Catalogues) -> Result<Host, DomcapsError> {
    let shown = path.display().to_string();
    let bytes =
        crate::input::read(path, crate::input::DOMCAPS).map_err(|e| DomcapsError(e.to_string()))?;
    parse(&shown, &bytes, catalogues)
}

/// Describes the host of domcaps XML `bytes`; `shown` names it in messages.
pub fn parse(shown: &str, bytes: &[u8], catalogues: &Catalogues) -> Result<Host, DomcapsError> {
    let catalogue = catalogues.machines;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        DomcapsError(format!(
            "{shown}: not UTF-8 text (invalid byte at offset {}); expected the XML 'virsh domcapabilities' prints",
            e.valid_up_to()
        ))
    })?;
    let lines = LineIndex::new(text);
    let path: Arc<str> = Arc::from(shown);
    let at = |pos: usize| lines.loc(&path, pos).to_string();
    let root = xml::parse(text)
        .map_err(|e| DomcapsError(format!("{}: error[xml-syntax]: {}", at(e.pos), e.message)))?;
    if root.name != "domainCapabilities" {
        return Err(DomcapsError(format!(
            "{}: the root element is <{}>, not <domainCapabilities>; expected the output of 'virsh domcapabilities'",
            at(root.pos),
            root.name
        )));
    }
    let text_of = |name: &str| -> Result<(String, usize), DomcapsError> {
        let el = child(&root, name).ok_or_else(|| {
            DomcapsError(format!(
                "{}: <domainCapabilities> has no <{name}>",
                at(root.pos)
            ))
        })?;
        let value = el.text.trim().to_string();
        if value.is_empty() {
            return Err(DomcapsError(format!("{}: <{name}> is empty", at(el.pos))));
        }
        Ok((value, el.pos))
    };
    let (machine, machine_pos) = text_of("machine")?;
    let (arch, _) = text_of("arch")?;
    let emulator = child(&root, "path").map(|p| p.text.trim().to_string());
    let domain = child(&root, "domain").map(|p| p.text.trim().to_string());

    // Machine types: from the release (or downstream release) the machine implies.
    let (offered, version_note, qemu) = machines_of(&machine, &arch, catalogue)
        .map_err(|e| DomcapsError(format!("{}: {e}", at(machine_pos))))?;

    // Firmware.
    let os = child(&root, "os").filter(|o| supported(Some(o)));
    let kinds = enum_values(os, "firmware").unwrap_or_default();
    let loader = os.and_then(|o| child(o, "loader"));
    let loader_secure = enum_values(loader, "secure").unwrap_or_default();
    let features = os.and_then(|o| child(o, "firmwareFeatures"));
    let sb_feature = enum_values(features, "secureBoot").unwrap_or_default();
    let secure_boot = sb_feature.iter().any(|v| v == "yes")
        || (features.is_none() && loader_secure.iter().any(|v| v == "yes"));
    let mut firmware = Vec::new();
    let has = |kind: FirmwareType| kinds.iter().any(|k| k == kind.name());
    let efi = has(FirmwareType::Efi) || (kinds.is_empty() && supported(loader) && arch != "s390x");
    // x86 always has BIOS (SeaBIOS is QEMU's default; libvirt lists it only
    // when a firmware descriptor names it); s390x and ppc64 boot their own.
    let bios = has(FirmwareType::Bios)
        || matches!(
            arch.as_str(),
            "x86_64" | "i686" | "s390x" | "ppc64" | "ppc64le"
        )
        || (kinds.is_empty() && !efi);
    if bios {
        firmware.push(Firmware {
            arch: arch.clone(),
            kind: FirmwareType::Bios,
            secure_boot: false,
            code: None,
            vars: None,
            kernel: None,
        });
    }
    if efi {
        firmware.push(Firmware {
            arch: arch.clone(),
            kind: FirmwareType::Efi,
            secure_boot: false,
            code: None,
            vars: None,
            kernel: None,
        });
        if secure_boot {
            firmware.push(Firmware {
                arch: arch.clone(),
                kind: FirmwareType::Efi,
                secure_boot: true,
                code: None,
                vars: None,
                kernel: None,
            });
        }
    }

    let devices = child(&root, "devices");
    let dev = |name: &str| devices.and_then(|d| child(d, name));
    // TPM.
    let mut tpm = Vec::new();
    if supported(dev("tpm")) {
        let versions = enum_values(dev("tpm"), "backendVersion")
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| vec!["2.0".to_string()]);
        for model in enum_values(dev("tpm"), "model").unwrap_or_default() {
            // libvirt's tpm-tis is QEMU's tpm-tis-device on Arm.
            let model = if arch == "aarch64" && model == "tpm-tis" {
                "tpm-tis-device".to_string()
            } else {
                model
            };
            tpm.push(Tpm {
                arch: arch.clone(),
                model,
                versions: versions.clone(),
            });
        }
    }
    // Device models libvirt offers.
    let disk_models = enum_values(dev("disk"), "model").unwrap_or_default();
    let transitional = Capability {
        available: disk_models.iter().any(|m| m == "virtio-transitional"),
        why: format!(
            "{shown}: disk models {} ({})",
            if disk_models.is_empty() {
                "none listed".to_string()
            } else {
                disk_models.join(", ")
            },
            at(dev("disk").map_or(root.pos, |d| d.pos))
        ),
    };
    let mut missing = Vec::new();
    if let Some(video) = enum_values(dev("video"), "modelType") {
        for (model, qemu_devices) in [
            ("vga", &["VGA"][..]),
            ("cirrus", &["cirrus-vga"]),
            ("qxl", &["qxl-vga", "qxl"]),
            ("virtio", &["virtio-vga", "virtio-gpu-pci"]),
            ("bochs", &["bochs-display"]),
            ("vmvga", &["vmware-svga"]),
        ] {
            if !video.iter().any(|v| v == model) {
                missing.extend(qemu_devices.iter().map(|d| d.to_string()));
            }
        }
    }
    // Remote display.
    let graphics = enum_values(dev("graphics"), "type");
    let spice = Capability {
        available: graphics
            .as_ref()
            .is_some_and(|types| types.iter().any(|t| t == "spice")),
        why: format!(
            "{shown}: graphics types {} ({})",
            graphics
                .as_ref()
                .map(|t| t.join(", "))
                .unwrap_or_else(|| "not listed".into()),
            at(dev("graphics").map_or(root.pos, |d| d.pos))
        ),
    };
    // KVM or TCG: the domain type these capabilities are for.
    let kvm = domain.as_deref() == Some("kvm");
    let accel = Accel {
        kvm,
        tcg: !kvm,
        why: format!(
            "{shown}: capabilities of a '{}' domain ({})",
            domain.as_deref().unwrap_or("unknown"),
            at(child(&root, "domain").map_or(root.pos, |d| d.pos))
        ),
    };
    // CPU modes and the named models this host can run.
    let cpu_el = child(&root, "cpu");
    let mode = |name: &str| {
        cpu_el.and_then(|c| {
            c.children
                .iter()
                .find(|m| m.name == "mode" && m.attr("name").is_some_and(|a| a.value == name))
        })
    };
    let vendor = mode("host-model")
        .and_then(|m| child(m, "vendor"))
        .map(|v| v.text.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty());
    let models: Vec<String> = mode("custom")
        .filter(|m| supported(Some(m)))
        .map(|m| {
            m.children
                .iter()
                .filter(|c| c.name == "model" && c.attr("usable").is_some_and(|u| u.value == "yes"))
                .map(|c| c.text.trim().to_string())
                .collect()
        })
        .unwrap_or_default();
    let cpu = HostCpu {
        vendor: vendor.clone(),
        host_model: supported(mode("host-model")),
        host_model_name: mode("host-model")
            .and_then(|m| child(m, "model"))
            .map(|v| v.text.trim().to_string())
            .filter(|v| !v.is_empty()),
        maximum: supported(mode("maximum")),
        models,
        usable_known: true,
    };
    // Hyper-V: libvirt (>= 9.0) lists what the host's KVM offers. For a TCG
    // domain, and where the list is missing, what the QEMU version offers.
    let hyperv_el = child(&root, "features").and_then(|f| child(f, "hyperv"));
    let listed = enum_values(hyperv_el.filter(|h| supported(Some(h))), "features");
    let (hyperv, hyperv_why) = match listed {
        Some(list) if kvm => {
            let mut offered: Vec<String> = catalogues
                .hyperv
                .iter()
                .filter(|f| list.contains(&f.name))
                .map(|f| f.name.clone())
                .collect();
            // The reference-time timer is not a <hyperv> child; libvirt >= 9.0 has it.
            offered.extend(
                super::hyperv_by_versions(catalogues.hyperv, qemu, None, vendor.as_deref())
                    .into_iter()
                    .filter(|n| n == "hypervclock"),
            );
            (
                offered,
                format!(
                    "{shown}: the Hyper-V features this host's KVM offers ({})",
                    at(hyperv_el.map_or(root.pos, |h| h.pos))
                ),
            )
        }
        _ => (
            super::hyperv_by_versions(catalogues.hyperv, qemu, None, vendor.as_deref()),
            format!(
                "{shown}: what {} offers (data/hyperv.xml){}",
                qemu.map(|q| format!("QEMU {q}"))
                    .unwrap_or_else(|| "its QEMU".into()),
                if kvm {
                    ", the capabilities list no Hyper-V features (libvirt before 9.0)"
                } else {
                    ": for a TCG domain libvirt lists only what KVM would offer"
                }
            ),
        ),
    };
    let name = Path::new(shown)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| shown.to_string());
    let description = format!(
        "domcapabilities of {} ({} domain, machine {machine}; {version_note})",
        emulator.as_deref().unwrap_or("an unnamed emulator"),
        domain.as_deref().unwrap_or("unknown"),
    );
    Ok(Host {
        name: format!("domcaps:{name}"),
        description,
        source: HostSource::Domcaps(shown.to_string()),
        qemu,
        libvirt: None,
        arches: vec![arch.clone()],
        machines: vec![(arch, offered)],
        firmware,
        tpm,
        devices: DeviceSet::AllBut(missing),
        transitional,
        accel,
        spice,
        hyperv,
        hyperv_why,
        cpu,
        osinfo: None,
    })
}

/// The machine types a host offers whose domcaps names `machine`, with a
/// note on how they were inferred, and the QEMU version when known.
fn machines_of(
    machine: &str,
    arch: &str,
    catalogue: &MachineCatalogue,
) -> Result<(Vec<MachineType>, String, Option<Version>), String> {
    // An upstream versioned type: its version is the QEMU release.
    for f in catalogue
        .families
        .iter()
        .filter(|f| f.arches.iter().any(|a| a == arch))
    {
        let Some(version) = machine
            .strip_prefix(f.prefix.as_str())
            .and_then(Version::parse)
        else {
            continue;
        };
        let newest = catalogue.newest_release().unwrap_or(version);
        if catalogue.release(version).is_some() {
            let offered = catalogue.upstream(version, arch).unwrap_or_default();
            return Ok((
                offered,
                format!("QEMU {version}, inferred from {machine}"),
                Some(version),
            ));
        }
        if version > newest {
            // Newer than the catalogue: what the newest known release offers, plus this one.
            let mut offered = catalogue.upstream(newest, arch).unwrap_or_default();
            for m in offered.iter_mut() {
                m.aliases.clear();
            }
            offered.insert(
                0,
                MachineType {
                    name: machine.to_string(),
                    family: f.name.clone(),
                    aliases: f.alias.iter().cloned().collect(),
                    deprecated: false,
                    qemu_version: Some(version),
                    version: Some(version),
                    origin: Origin::Upstream,
                    variant: None,
                    rank: (u32::MAX, 0, 0),
                    at: f.at.clone(),
                    deprecated_by: None,
                },
            );
            return Ok((
                offered,
                format!(
                    "QEMU {version}, newer than the catalogue's newest release {newest}: machine types known up to {newest}"
                ),
                Some(version),
            ));
        }
        return Err(format!(
            "machine '{machine}' implies QEMU {version}, which is not a release of the machine-type catalogue"
        ));
    }
    // A distribution's type: the first release of its line where it is the newest.
    for line in &catalogue.lines {
        for release in crate::machine::line_releases(line) {
            let offered = catalogue
                .downstream(&line.id, release, arch)
                .unwrap_or_default();
            let newest_of_family = offered
                .iter()
                .find(|m| m.name == machine)
                .is_some_and(|m| !m.aliases.is_empty() || m.variant.is_some());
            if newest_of_family {
                return Ok((
                    offered,
                    format!(
                        "{} {release} machine types, inferred from {machine} ({})",
                        line.name, line.at
                    ),
                    None,
                ));
            }
        }
    }
    Err(format!(
        "cannot tell which QEMU offers machine '{machine}' for {arch}: it is neither an upstream versioned type nor one of a known distribution line; use --host NAME or --qemu PATH instead"
    ))
}
