//! Reading a QEMU command line (as `ps -o args` shows it, or guestdb's own
//! `recommend --format qemu`: backslash-continued lines, `#` comment lines)
//! into the [`Domain`] the checks read, so one set of checks serves both
//! inputs. Each device keeps the offset of its `-device` argument, so
//! findings point at `path:line:col`.

use super::domain::{Domain, DomainDevice, DomainFirmware, DomainTpm, ReadError, VirtioMode};
use crate::device::DeviceModel;
use crate::recommend::Placement;
use guestdb_data::model::VirtioClass;
use guestdb_data::xml::Element;

/// The words of `text` with their byte offsets: shell quoting (single,
/// double, backslash), `\`-newline continuations and `#` comment lines.
fn words(text: &str) -> Result<Vec<(String, usize)>, ReadError> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if line_start && c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'\\' && bytes.get(i + 1) == Some(&b'\n') {
            i += 2;
            continue;
        }
        line_start = false;
        let start = i;
        let mut word = Vec::new();
        let mut quote: Option<u8> = None;
        while i < bytes.len() {
            let c = bytes[i];
            match quote {
                Some(q) if c == q => quote = None,
                Some(b'"') if c == b'\\' && i + 1 < bytes.len() => {
                    i += 1;
                    word.push(bytes[i]);
                }
                Some(_) => word.push(c),
                None if c == b'\'' || c == b'"' => quote = Some(c),
                None if c == b'\\' && i + 1 < bytes.len() => {
                    i += 1;
                    if bytes[i] != b'\n' {
                        word.push(bytes[i]);
                    }
                }
                None if c.is_ascii_whitespace() => break,
                None => word.push(c),
            }
            i += 1;
        }
        if quote.is_some() {
            return Err(ReadError {
                pos: start,
                message:
                    "an unterminated quote; expected a QEMU command line as 'ps -o args' prints it"
                        .into(),
            });
        }
        out.push((String::from_utf8_lossy(&word).into_owned(), start));
    }
    Ok(out)
}

/// A `-device` (or `-drive if=virtio`): QEMU device name, properties, offset.
type RawDevice = (String, Vec<(String, String)>, usize);

/// `a=1,b=2` as (key, value) pairs; a leading bare word has key "".
fn props(s: &str) -> Vec<(String, String)> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .enumerate()
        .map(|(i, p)| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None if i == 0 => (String::new(), p.to_string()),
            None => (p.to_string(), "on".to_string()),
        })
        .collect()
}

fn get<'p>(props: &'p [(String, String)], key: &str) -> Option<&'p str> {
    props
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// libvirt's names of QEMU's `hv-*` CPU properties (data/hyperv.xml's).
fn hyperv_name(prop: &str) -> Option<&str> {
    let name = prop
        .strip_prefix("hv-")
        .or_else(|| prop.strip_prefix("hv_"))?;
    Some(match name {
        "vendor-id" => "vendor_id",
        "time" => "hypervclock",
        n => n,
    })
}

/// Reads the QEMU command line `text`; `devices` is the device catalogue
/// (which QEMU device is which virtio class).
pub fn read(text: &str, devices: &[DeviceModel]) -> Result<Domain, ReadError> {
    let words = words(text)?;
    let Some((program, at)) = words.first() else {
        return Err(ReadError {
            pos: 0,
            message: "no command; expected a QEMU command line (qemu-system-x86_64 ...)".into(),
        });
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    if !base.starts_with("qemu-system-") && !base.starts_with("qemu-kvm") && base != "kvm" {
        return Err(ReadError {
            pos: *at,
            message: format!(
                "'{}' is not a QEMU binary; expected a command line that starts with qemu-system-ARCH",
                program.chars().take(60).collect::<String>()
            ),
        });
    }
    let arch = base.strip_prefix("qemu-system-").map(|a| match a {
        "ppc64" => "ppc64le".to_string(),
        a => a.to_string(),
    });
    let mut machine = None;
    let mut name = None;
    let mut kvm = false;
    let mut firmware = DomainFirmware::default();
    let mut cpu = None;
    let mut hyperv: Option<(Vec<String>, usize)> = None;
    let mut timers = Vec::new();
    let mut clock = None;
    let mut raw_devices: Vec<RawDevice> = Vec::new();
    let mut tpm = Vec::new();
    let mut k = 1;
    while k < words.len() {
        let (opt, pos) = (&words[k].0, words[k].1);
        let opt = opt
            .strip_prefix("--")
            .map(|o| format!("-{o}"))
            .unwrap_or(opt.clone());
        let value = words.get(k + 1).map(|(v, p)| (v.as_str(), *p));
        let takes = |o: &str| {
            matches!(
                o,
                "-machine"
                    | "-M"
                    | "-name"
                    | "-cpu"
                    | "-device"
                    | "-drive"
                    | "-bios"
                    | "-rtc"
                    | "-global"
                    | "-accel"
                    | "-m"
                    | "-smp"
                    | "-netdev"
                    | "-chardev"
                    | "-object"
                    | "-tpmdev"
                    | "-spice"
                    | "-vnc"
                    | "-audiodev"
                    | "-serial"
                    | "-display"
                    | "-boot"
                    | "-uuid"
                    | "-mon"
                    | "-qmp"
                    | "-pidfile"
                    | "-vga"
                    | "-k"
                    | "-cdrom"
                    | "-hda"
                    | "-hdb"
                    | "-nic"
                    | "-net"
                    | "-usbdevice"
                    | "-fsdev"
            )
        };
        match (opt.as_str(), value) {
            ("-machine" | "-M", Some((v, _))) => {
                let p = props(v);
                let ty = get(&p, "").or(get(&p, "type")).unwrap_or("pc");
                machine = Some((ty.to_string(), pos));
                kvm |= get(&p, "accel").is_some_and(|a| a.starts_with("kvm"));
                firmware.smm |= get(&p, "smm") == Some("on");
                if get(&p, "hpet") == Some("off") {
                    timers.push(("hpet".to_string(), None, Some(false)));
                }
            }
            ("-accel", Some((v, _))) => kvm |= v.starts_with("kvm"),
            ("-name", Some((v, _))) => {
                let p = props(v);
                name = get(&p, "").or(get(&p, "guest")).map(str::to_string);
            }
            ("-cpu", Some((v, _))) => {
                let p = props(v);
                let model = get(&p, "").unwrap_or("qemu64");
                let mode = match model {
                    "host" => "host-passthrough",
                    "max" => "maximum",
                    _ => "custom",
                };
                cpu = Some((mode.to_string(), Some(model.to_string()), pos));
                let hv: Vec<String> = p
                    .iter()
                    .filter(|(k, v)| !k.is_empty() && v != "off")
                    .filter_map(|(k, _)| hyperv_name(k))
                    .filter(|n| *n != "hypervclock")
                    .map(str::to_string)
                    .collect();
                if p.iter().any(|(k, v)| k == "hv-time" && v != "off") {
                    timers.push(("hypervclock".to_string(), None, Some(true)));
                }
                if p.iter().any(|(k, v)| k == "hv-passthrough" && v != "off") {
                    hyperv = Some((vec!["passthrough".to_string()], pos));
                } else if !hv.is_empty() {
                    hyperv = Some((hv, pos));
                }
            }
            ("-enable-kvm", _) => kvm = true,
            ("-rtc", Some((v, _))) => {
                let p = props(v);
                clock = Some((
                    if get(&p, "base") == Some("localtime") {
                        "localtime"
                    } else {
                        "utc"
                    }
                    .to_string(),
                    pos,
                ));
                if get(&p, "driftfix") == Some("slew") {
                    timers.push(("rtc".to_string(), Some("catchup".to_string()), None));
                }
            }
            ("-global", Some((v, _))) => {
                if v.ends_with("pit.lost_tick_policy=delay") {
                    timers.push(("pit".to_string(), Some("delay".to_string()), None));
                }
                if v.contains("cfi.pflash01")
                    && v.contains("property=secure")
                    && v.contains("value=on")
                {
                    firmware.secure_boot = true;
                }
            }
            ("-bios", Some((v, _))) => {
                firmware.efi |= v.contains("OVMF") || v.contains("edk2");
            }
            ("-drive", Some((v, _))) => {
                let p = props(v);
                match get(&p, "if") {
                    Some("pflash") => {
                        firmware.efi = true;
                        let file = get(&p, "file").unwrap_or("");
                        if file.contains("secboot") || file.contains(".ms.") {
                            firmware.secure_boot = true;
                        }
                    }
                    Some("virtio") => raw_devices.push(("virtio-blk-pci".into(), p, pos)),
                    _ => {}
                }
            }
            ("-device", Some((v, _))) => {
                let p = props(v);
                let dev = get(&p, "").or(get(&p, "driver")).unwrap_or("").to_string();
                if dev.starts_with("tpm-") {
                    tpm.push(DomainTpm {
                        model: dev.clone(),
                        version: (dev == "tpm-crb").then(|| "2.0".to_string()),
                        pos,
                    });
                }
                raw_devices.push((dev, p, pos));
            }
            _ => {}
        }
        k += if takes(&opt) { 2 } else { 1 };
    }
    let family = machine
        .as_ref()
        .and_then(|(m, _)| super::domain::machine_family(m));
    let pcie = matches!(family, Some("q35" | "virt"));
    // Bus ids: PCI Express ports and conventional bridges.
    let mut ports = Vec::new();
    let mut bridges = Vec::new();
    for (dev, p, _) in &raw_devices {
        if let Some(id) = get(p, "id") {
            match dev.as_str() {
                "pcie-root-port" | "ioh3420" | "xio3130-downstream" | "pcie-downstream-port" => {
                    ports.push(id.to_string())
                }
                "pcie-pci-bridge" | "pci-bridge" | "i82801b11-bridge" => {
                    bridges.push(id.to_string())
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (dev, p, pos) in &raw_devices {
        let (base_name, mut mode) = if let Some(b) = dev.strip_suffix("-non-transitional") {
            (b, VirtioMode::NonTransitional)
        } else if let Some(b) = dev.strip_suffix("-transitional") {
            (b, VirtioMode::Transitional)
        } else {
            (dev.as_str(), VirtioMode::Plain)
        };
        let Some(model) = devices.iter().find(|d| {
            d.qemu_devices
                .iter()
                .any(|r| r.name == *dev || r.name == base_name)
        }) else {
            continue;
        };
        let Some(class) = model.virtio_type.and_then(VirtioClass::by_type) else {
            continue;
        };
        match get(p, "disable-legacy") {
            Some("on") => mode = VirtioMode::NonTransitional,
            Some("off") => mode = VirtioMode::Transitional,
            _ => {}
        }
        let placement = match get(p, "bus") {
            Some(b) if ports.iter().any(|x| x == b) => Placement::PcieRootPort,
            Some(b) if bridges.iter().any(|x| x == b) => Placement::PciBridge,
            Some("pcie.0") => Placement::PcieRoot,
            Some(_) => Placement::PciSlot,
            // QEMU plugs a device without bus= into the root bus.
            None if pcie => Placement::PcieRoot,
            None => Placement::PciSlot,
        };
        out.push(DomainDevice {
            element: "-device".into(),
            what: format!(
                "-device {dev}{}",
                get(p, "id")
                    .map(|i| format!(" (id {i})"))
                    .unwrap_or_default()
            ),
            pos: Some(*pos),
            virtio: Some((class, mode)),
            model: Some(dev.clone()),
            placement,
            address: None,
            model_at: None,
        });
    }
    Ok(Domain {
        root: Element {
            name: "qemu".into(),
            pos: *at,
            attrs: Vec::new(),
            children: Vec::new(),
            text: String::new(),
            text_pos: *at,
        },
        name,
        domain_type: Some(if kvm { "kvm" } else { "qemu" }.to_string()),
        os_id: None,
        arch,
        machine,
        os_pos: None,
        firmware,
        tpm,
        hyperv,
        features_pos: None,
        clock,
        timers,
        cpu,
        devices_pos: None,
        devices: out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_offsets_across_continuations_comments_and_quotes() {
        let text = "# a comment\nqemu-system-x86_64 \\\n    -name 'my vm' \\\n    -device \"virtio-net-pci,id=n\"\n";
        let w = words(text).expect("words");
        let names: Vec<&str> = w.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "qemu-system-x86_64",
                "-name",
                "my vm",
                "-device",
                "virtio-net-pci,id=n"
            ]
        );
        assert_eq!(&text[w[3].1..][..7], "-device");
        assert!(words("qemu-system-x86_64 -name 'open").is_err());
    }
}
