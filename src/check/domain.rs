//! Reading a libvirt domain XML (`virsh dumpxml`, virt-install's
//! `--print-xml`) into what the checker needs: the OS libosinfo metadata
//! names, the machine type, firmware, features, clock, and every device
//! with the element it comes from. The element tree is
//! [`guestdb_data::xml`]'s (DOCTYPEs refused, so no entity expansion;
//! nesting bounded), and every element keeps its byte offset so findings
//! point at `path:line:col` and fixes edit the original text in place.

use crate::recommend::Placement;
use guestdb_data::model::VirtioClass;
use guestdb_data::xml::{self, Element};

/// The namespace virt-install, virt-manager and cockpit record the OS in.
pub const LIBOSINFO_NS: &str = "http://libosinfo.org/xmlns/libvirt/domain/1.0";

/// A domain that could not be read: the byte offset and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// Byte offset in the text.
    pub pos: usize,
    /// What is wrong.
    pub message: String,
}

/// How a virtio device is asked for (libvirt's model names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VirtioMode {
    /// `virtio`: transitional or modern by where it is plugged.
    Plain,
    /// `virtio-transitional`.
    Transitional,
    /// `virtio-non-transitional`.
    NonTransitional,
}

impl VirtioMode {
    fn of(model: Option<&str>) -> Option<VirtioMode> {
        match model {
            None | Some("virtio") | Some("virtio-scsi") => Some(VirtioMode::Plain),
            Some("virtio-transitional") => Some(VirtioMode::Transitional),
            Some("virtio-non-transitional") => Some(VirtioMode::NonTransitional),
            _ => None,
        }
    }
}

/// Where a device's model is written, so a fix can change it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelAt {
    /// An attribute of the device element (`<memballoon model=...>`,
    /// `<disk model=...>`): the element's offset and the attribute's name.
    Attr(usize, &'static str),
    /// `<model type=...>` inside the device (`<interface>`, `<video>`):
    /// the device element's offset.
    ModelType(usize),
    /// `<target bus=...>` of a disk: the disk element's offset.
    DiskBus(usize),
}

/// One device of the domain, or one libvirt adds by itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainDevice {
    /// The element's name (`interface`), or what libvirt adds (`memballoon`).
    pub element: String,
    /// What it is, in words (`interface 52:54:00:12:34:56`, `disk vda`).
    pub what: String,
    /// The element's byte offset; `None` for a device libvirt adds.
    pub pos: Option<usize>,
    /// For virtio devices: the class and how the model asks for it.
    pub virtio: Option<(VirtioClass, VirtioMode)>,
    /// The libvirt model (or bus) as written (`e1000e`, `virtio`, `sata`).
    pub model: Option<String>,
    /// Where the guest sees it, when known from the address or the board.
    pub placement: Placement,
    /// The `<address>` element's offset, if it has a PCI address.
    pub address: Option<usize>,
    /// Where the model is written (for fixes).
    pub model_at: Option<ModelAt>,
}

/// The firmware as the domain states it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DomainFirmware {
    /// UEFI (`<os firmware='efi'>` or a pflash `<loader>`).
    pub efi: bool,
    /// Secure Boot on (`secure-boot` feature or `<loader secure='yes'>`).
    pub secure_boot: bool,
    /// Secure Boot stated off (`enabled='no'` or `<loader secure='no'>`).
    pub secure_boot_off: bool,
    /// SMM on (`<features><smm/>`).
    pub smm: bool,
}

/// A TPM the domain has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomainTpm {
    /// `tpm-crb`, `tpm-tis` (default `tpm-tis`).
    pub model: String,
    /// The emulated TPM's version (`2.0`; libvirt's default is 2.0 for tpm-crb).
    pub version: Option<String>,
    /// The element's offset.
    pub pos: usize,
}

/// What the checker reads of a domain.
#[derive(Clone, Debug)]
pub struct Domain {
    /// The root element.
    pub root: Element,
    /// `<name>`.
    pub name: Option<String>,
    /// `kvm`, `qemu`.
    pub domain_type: Option<String>,
    /// libosinfo's `<libosinfo:os id=...>` and its offset.
    pub os_id: Option<(String, usize)>,
    /// `<type arch=...>`.
    pub arch: Option<String>,
    /// `<type machine=...>`, with the offset of the `<type>` element.
    pub machine: Option<(String, usize)>,
    /// The `<os>` element's offset.
    pub os_pos: Option<usize>,
    /// The firmware.
    pub firmware: DomainFirmware,
    /// The TPMs.
    pub tpm: Vec<DomainTpm>,
    /// The Hyper-V enlightenments turned on (libvirt's names), and the
    /// `<hyperv>` element's offset.
    pub hyperv: Option<(Vec<String>, usize)>,
    /// The `<features>` element's offset.
    pub features_pos: Option<usize>,
    /// `<clock offset=...>` and its timers (name, tickpolicy, present).
    pub clock: Option<(String, usize)>,
    /// Timers: name, tickpolicy, present.
    pub timers: Vec<(String, Option<String>, Option<bool>)>,
    /// `<cpu mode=...>` and its `<model>`, with the element's offset.
    pub cpu: Option<(String, Option<String>, usize)>,
    /// `<devices>`' offset.
    pub devices_pos: Option<usize>,
    /// Every device, those libvirt adds by itself last.
    pub devices: Vec<DomainDevice>,
}

fn child<'e>(el: &'e Element, name: &str) -> Option<&'e Element> {
    el.children.iter().find(|c| c.name == name)
}

fn attr<'e>(el: &'e Element, name: &str) -> Option<&'e str> {
    el.attr(name).map(|a| a.value.as_str())
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

/// The chipset family a machine type belongs to (x86), from its name.
pub fn machine_family(machine: &str) -> Option<&'static str> {
    let m = machine.to_ascii_lowercase();
    if m == "q35" || m.contains("-q35") || m.starts_with("q35") {
        Some("q35")
    } else if m == "pc"
        || m.starts_with("pc-i440fx")
        || m.contains("-i440fx")
        || m.starts_with("pc-")
    {
        Some("i440fx")
    } else if m == "virt" || m.starts_with("virt-") {
        Some("virt")
    } else if m.starts_with("pseries") {
        Some("pseries")
    } else if m.starts_with("s390-ccw-virtio") {
        Some("s390-ccw-virtio")
    } else {
        None
    }
}

/// Parses `text` as a libvirt domain.
pub fn read(text: &str) -> Result<Domain, ReadError> {
    let root = xml::parse(text).map_err(|e| ReadError {
        pos: e.pos,
        message: format!("error[xml-syntax]: {}", e.message),
    })?;
    if root.name != "domain" {
        return Err(ReadError {
            pos: root.pos,
            message: format!(
                "the root element is <{}>, not <domain>; expected a libvirt domain XML ('virsh dumpxml NAME')",
                root.name
            ),
        });
    }
    let name = child(&root, "name").map(|n| n.text.trim().to_string());
    let domain_type = attr(&root, "type").map(str::to_string);
    let os_id = child(&root, "metadata").and_then(|m| {
        m.children
            .iter()
            .filter(|c| local(&c.name) == "libosinfo")
            .filter(|c| {
                c.attrs
                    .iter()
                    .any(|a| a.name.starts_with("xmlns") && a.value == LIBOSINFO_NS)
            })
            .flat_map(|c| c.children.iter())
            .find(|c| local(&c.name) == "os")
            .and_then(|o| o.attr("id").map(|a| (a.value.clone(), o.pos)))
    });
    let os = child(&root, "os");
    let ty = os.and_then(|o| child(o, "type"));
    let arch = ty.and_then(|t| attr(t, "arch")).map(str::to_string);
    let machine = ty.and_then(|t| attr(t, "machine").map(|m| (m.to_string(), t.pos)));
    let features = child(&root, "features");
    let mut firmware = DomainFirmware {
        smm: features
            .and_then(|f| child(f, "smm"))
            .is_some_and(|s| attr(s, "state").is_none_or(|v| v == "on")),
        ..DomainFirmware::default()
    };
    if let Some(os) = os {
        let loader = child(os, "loader");
        firmware.efi = attr(os, "firmware") == Some("efi")
            || loader.is_some_and(|l| {
                attr(l, "type") == Some("pflash")
                    || l.text.contains("OVMF")
                    || l.text.contains("edk2")
            });
        firmware.secure_boot = loader.is_some_and(|l| attr(l, "secure") == Some("yes"))
            || child(os, "firmware").is_some_and(|f| {
                f.children.iter().any(|c| {
                    c.name == "feature"
                        && attr(c, "name") == Some("secure-boot")
                        && attr(c, "enabled") == Some("yes")
                })
            });
    }
    if let Some(os) = os {
        firmware.secure_boot_off = child(os, "loader")
            .is_some_and(|l| attr(l, "secure") == Some("no"))
            || child(os, "firmware").is_some_and(|f| {
                f.children.iter().any(|c| {
                    c.name == "feature"
                        && attr(c, "name") == Some("secure-boot")
                        && attr(c, "enabled") == Some("no")
                })
            });
    }
    let hyperv = features.and_then(|f| child(f, "hyperv")).map(|h| {
        let on: Vec<String> = if attr(h, "mode") == Some("passthrough") {
            vec!["passthrough".to_string()]
        } else {
            h.children
                .iter()
                .filter(|c| attr(c, "state").is_none_or(|s| s == "on"))
                .map(|c| c.name.clone())
                .collect()
        };
        (on, h.pos)
    });
    let clock_el = child(&root, "clock");
    let clock = clock_el.map(|c| (attr(c, "offset").unwrap_or("utc").to_string(), c.pos));
    let timers = clock_el
        .map(|c| {
            c.children
                .iter()
                .filter(|t| t.name == "timer")
                .filter_map(|t| {
                    Some((
                        attr(t, "name")?.to_string(),
                        attr(t, "tickpolicy").map(str::to_string),
                        attr(t, "present").map(|p| p == "yes"),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let cpu = child(&root, "cpu").map(|c| {
        (
            attr(c, "mode").unwrap_or("custom").to_string(),
            child(c, "model").map(|m| m.text.trim().to_string()),
            c.pos,
        )
    });
    let family = machine
        .as_ref()
        .and_then(|(m, _)| machine_family(m))
        .or(match arch.as_deref() {
            Some("x86_64" | "i686") | None => Some("i440fx"),
            _ => None,
        });
    let devices_el = child(&root, "devices");
    let mut devices = Vec::new();
    let mut tpm = Vec::new();
    if let Some(devs) = devices_el {
        read_devices(devs, family, arch.as_deref(), &mut devices, &mut tpm);
    }
    Ok(Domain {
        name,
        domain_type,
        os_id,
        arch,
        machine,
        os_pos: os.map(|o| o.pos),
        firmware,
        tpm,
        hyperv,
        features_pos: features.map(|f| f.pos),
        clock,
        timers,
        cpu,
        devices_pos: devices_el.map(|d| d.pos),
        devices,
        root,
    })
}

/// The PCI bus kinds: by controller index, whether a device plugged into
/// it sits behind a PCI Express port (`true`), on the PCI Express root
/// complex, or on a conventional PCI bus.
fn bus_placement(controllers: &[(u32, String)], bus: u32) -> Placement {
    match controllers
        .iter()
        .find(|(i, _)| *i == bus)
        .map(|(_, m)| m.as_str())
    {
        Some("pcie-root-port" | "pcie-switch-downstream-port" | "pcie-expander-bus") => {
            Placement::PcieRootPort
        }
        Some("pcie-root") => Placement::PcieRoot,
        Some("pci-root") => Placement::PciSlot,
        Some(_) => Placement::PciBridge,
        // q35's bus 0 is pcie-root even when not written.
        None if bus == 0 => Placement::PciSlot,
        None => Placement::PciBridge,
    }
}

fn parse_num(s: &str) -> Option<u32> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

fn read_devices(
    devs: &Element,
    family: Option<&str>,
    arch: Option<&str>,
    out: &mut Vec<DomainDevice>,
    tpm: &mut Vec<DomainTpm>,
) {
    let pcie = matches!(family, Some("q35" | "virt"));
    let ccw = family == Some("s390-ccw-virtio") || arch == Some("s390x");
    let mut controllers: Vec<(u32, String)> = devs
        .children
        .iter()
        .filter(|c| c.name == "controller" && attr(c, "type") == Some("pci"))
        .filter_map(|c| {
            Some((
                parse_num(attr(c, "index")?)?,
                attr(c, "model").unwrap_or("pci-root").to_string(),
            ))
        })
        .collect();
    if !controllers.iter().any(|(i, _)| *i == 0) {
        controllers.push((0, if pcie { "pcie-root" } else { "pci-root" }.to_string()));
    }
    // Where a device without a PCI address goes (libvirt's placement).
    let default_placement = |mode: Option<VirtioMode>, pcie_capable: bool| -> Placement {
        if ccw {
            Placement::Ccw
        } else if !pcie {
            Placement::PciSlot
        } else {
            match mode {
                Some(VirtioMode::Transitional) => Placement::PciBridge,
                Some(_) => Placement::PcieRootPort,
                None if pcie_capable => Placement::PcieRootPort,
                None => Placement::PciBridge,
            }
        }
    };
    let placed = |el: &Element, mode: Option<VirtioMode>, pcie_capable: bool| {
        let addr = child(el, "address");
        match addr {
            Some(a) if attr(a, "type") == Some("pci") => {
                let bus = attr(a, "bus").and_then(parse_num).unwrap_or(0);
                (bus_placement(&controllers, bus), Some(a.pos))
            }
            Some(a) if attr(a, "type") == Some("ccw") => (Placement::Ccw, None),
            _ => (default_placement(mode, pcie_capable), None),
        }
    };
    let class = |n: &str| VirtioClass::by_name(n).expect("a virtio class of VirtioClass::ALL");
    let has = |name: &str| devs.children.iter().any(|c| c.name == name);
    let mut serial_needed = false;
    let has_balloon = has("memballoon");
    let has_usb = devs
        .children
        .iter()
        .any(|c| c.name == "controller" && attr(c, "type") == Some("usb"));
    let has_serial_controller = devs
        .children
        .iter()
        .any(|c| c.name == "controller" && attr(c, "type") == Some("virtio-serial"));
    for el in &devs.children {
        let mut push = |what: String,
                        virtio: Option<(VirtioClass, VirtioMode)>,
                        model: Option<String>,
                        pcie_capable: bool,
                        model_at: Option<ModelAt>| {
            let (placement, address) = placed(el, virtio.map(|v| v.1), pcie_capable);
            out.push(DomainDevice {
                element: el.name.clone(),
                what,
                pos: Some(el.pos),
                virtio,
                model,
                placement,
                address,
                model_at,
            });
        };
        match el.name.as_str() {
            "disk" => {
                let target = child(el, "target");
                let bus = target.and_then(|t| attr(t, "bus")).unwrap_or("");
                let dev = target.and_then(|t| attr(t, "dev")).unwrap_or("?");
                let kind = attr(el, "device").unwrap_or("disk");
                if bus == "virtio" {
                    let model = attr(el, "model");
                    if let Some(mode) = VirtioMode::of(model) {
                        push(
                            format!("{kind} {dev}"),
                            Some((class("block"), mode)),
                            Some(model.unwrap_or("virtio").to_string()),
                            true,
                            Some(ModelAt::Attr(el.pos, "model")),
                        );
                    }
                }
            }
            "interface" => {
                let model = child(el, "model").and_then(|m| attr(m, "type"));
                let mac = child(el, "mac")
                    .and_then(|m| attr(m, "address"))
                    .unwrap_or("?");
                let what = format!("interface {mac}");
                match model.and_then(|m| VirtioMode::of(Some(m))) {
                    Some(mode) if model.is_some() => push(
                        what,
                        Some((class("net"), mode)),
                        model.map(str::to_string),
                        true,
                        Some(ModelAt::ModelType(el.pos)),
                    ),
                    _ => push(
                        what,
                        None,
                        Some(model.unwrap_or("rtl8139").to_string()),
                        model == Some("e1000e"),
                        Some(ModelAt::ModelType(el.pos)),
                    ),
                }
            }
            "controller" => {
                let ty = attr(el, "type").unwrap_or("");
                let model = attr(el, "model");
                match ty {
                    "scsi" => match model.and_then(|m| VirtioMode::of(Some(m))) {
                        Some(mode) if model.is_some() => push(
                            "controller scsi".into(),
                            Some((class("scsi"), mode)),
                            model.map(str::to_string),
                            true,
                            Some(ModelAt::Attr(el.pos, "model")),
                        ),
                        _ => push(
                            "controller scsi".into(),
                            None,
                            Some(model.unwrap_or("lsilogic").to_string()),
                            false,
                            None,
                        ),
                    },
                    "virtio-serial" => {
                        if let Some(mode) = VirtioMode::of(model) {
                            push(
                                "controller virtio-serial".into(),
                                Some((class("console"), mode)),
                                Some(model.unwrap_or("virtio").to_string()),
                                true,
                                Some(ModelAt::Attr(el.pos, "model")),
                            );
                        }
                    }
                    "usb" if model != Some("none") => push(
                        format!("controller usb {}", model.unwrap_or("(default)")),
                        None,
                        model.map(str::to_string),
                        model.is_some_and(|m| m.contains("xhci")),
                        None,
                    ),
                    _ => {}
                }
            }
            "memballoon" => {
                let model = attr(el, "model");
                if let Some(mode) = VirtioMode::of(model).filter(|_| model.is_some()) {
                    push(
                        "memballoon".into(),
                        Some((class("balloon"), mode)),
                        model.map(str::to_string),
                        true,
                        Some(ModelAt::Attr(el.pos, "model")),
                    );
                }
            }
            "rng" => {
                let model = attr(el, "model");
                if let Some(mode) = VirtioMode::of(model) {
                    push(
                        "rng".into(),
                        Some((class("rng"), mode)),
                        model.map(str::to_string),
                        true,
                        Some(ModelAt::Attr(el.pos, "model")),
                    );
                }
            }
            "video" => {
                let model = child(el, "model").and_then(|m| attr(m, "type"));
                if model == Some("virtio") {
                    push(
                        "video virtio".into(),
                        Some((class("gpu"), VirtioMode::Plain)),
                        Some("virtio".into()),
                        true,
                        Some(ModelAt::ModelType(el.pos)),
                    );
                } else if let Some(m) = model.filter(|m| *m != "none") {
                    push(format!("video {m}"), None, Some(m.to_string()), false, None);
                }
            }
            "input" if attr(el, "bus") == Some("virtio") => {
                let model = attr(el, "model");
                if let Some(mode) = VirtioMode::of(model) {
                    push(
                        format!("input {} (virtio)", attr(el, "type").unwrap_or("?")),
                        Some((class("input"), mode)),
                        Some(model.unwrap_or("virtio").to_string()),
                        true,
                        Some(ModelAt::Attr(el.pos, "model")),
                    );
                }
            }
            "vsock" => {
                let model = attr(el, "model");
                if let Some(mode) = VirtioMode::of(model) {
                    push(
                        "vsock".into(),
                        Some((class("vsock"), mode)),
                        model.map(str::to_string),
                        true,
                        Some(ModelAt::Attr(el.pos, "model")),
                    );
                }
            }
            "filesystem" => {
                let virtiofs =
                    child(el, "driver").and_then(|d| attr(d, "type")) == Some("virtiofs");
                let model = attr(el, "model");
                if let Some(mode) = VirtioMode::of(model) {
                    push(
                        "filesystem".into(),
                        Some((class(if virtiofs { "fs" } else { "9p" }), mode)),
                        model.map(str::to_string),
                        true,
                        Some(ModelAt::Attr(el.pos, "model")),
                    );
                }
            }
            "channel" | "console"
                if child(el, "target").and_then(|t| attr(t, "type")) == Some("virtio") =>
            {
                serial_needed = true;
            }
            "tpm" => tpm.push(DomainTpm {
                model: attr(el, "model").unwrap_or("tpm-tis").to_string(),
                version: child(el, "backend")
                    .and_then(|b| attr(b, "version"))
                    .map(str::to_string),
                pos: el.pos,
            }),
            _ => {}
        }
    }
    // What libvirt adds by itself to an x86 or virt domain that leaves it out.
    if ccw {
        return;
    }
    let implicit =
        |element: &str, what: &str, virtio: Option<(VirtioClass, VirtioMode)>, model: &str| {
            DomainDevice {
                element: element.to_string(),
                what: format!("{what} (libvirt adds it when the XML states none)"),
                pos: None,
                virtio,
                model: Some(model.to_string()),
                placement: default_placement(virtio.map(|v| v.1), true),
                address: None,
                model_at: None,
            }
        };
    if !has_balloon {
        out.push(implicit(
            "memballoon",
            "memballoon",
            Some((class("balloon"), VirtioMode::Plain)),
            "virtio",
        ));
    }
    if serial_needed && !has_serial_controller {
        out.push(implicit(
            "controller",
            "virtio-serial controller",
            Some((class("console"), VirtioMode::Plain)),
            "virtio",
        ));
    }
    if !has_usb && !has("hostdev") && family.is_some() {
        let model = if pcie { "qemu-xhci" } else { "piix3-uhci" };
        out.push(implicit(
            "controller",
            &format!("controller usb {model}"),
            None,
            model,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_os_machine_and_devices_with_their_offsets() {
        let src = r#"<domain type="kvm">
  <name>c7</name>
  <metadata>
    <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
      <libosinfo:os id="http://centos.org/centos/7.0"/>
    </libosinfo:libosinfo>
  </metadata>
  <os><type arch="x86_64" machine="q35">hvm</type></os>
  <devices>
    <interface type="user"><model type="virtio"/></interface>
    <channel type="unix"><target type="virtio" name="org.qemu.guest_agent.0"/></channel>
  </devices>
</domain>"#;
        let d = read(src).expect("reads");
        assert_eq!(d.os_id.as_ref().unwrap().0, "http://centos.org/centos/7.0");
        assert_eq!(d.machine.as_ref().unwrap().0, "q35");
        let nic = &d.devices[0];
        assert_eq!(nic.placement, Placement::PcieRootPort);
        assert_eq!(&src[nic.pos.unwrap()..][..10], "<interface");
        // The implicit memballoon and virtio-serial controller, then USB.
        let implicit: Vec<_> = d.devices.iter().filter(|d| d.pos.is_none()).collect();
        assert_eq!(implicit.len(), 3, "{implicit:?}");
        assert_eq!(implicit[0].virtio.unwrap().0.name, "balloon");
        assert_eq!(implicit[1].virtio.unwrap().0.name, "console");
    }

    #[test]
    fn not_a_domain_is_an_error_with_a_place() {
        assert!(read("<domainCapabilities/>")
            .unwrap_err()
            .message
            .contains("not <domain>"));
        assert!(read("<!DOCTYPE x [<!ENTITY a 'b'>]><domain/>").is_err());
    }
}
