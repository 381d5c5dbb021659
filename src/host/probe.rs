//! A host described by asking a QEMU binary: `--version`, `-machine help`
//! and `-device help`, plus the firmware descriptors QEMU's firmware
//! packages install (`/usr/share/qemu/firmware/*.json`, the interop format
//! of QEMU's docs/interop/firmware.json, which libvirt reads too).

use super::TRANSITIONAL_QEMU;
use super::{Accel, Capability, Catalogues, DeviceSet, Firmware, Host, HostCpu, HostSource, Tpm};
use crate::machine::{MachineCatalogue, MachineType, Origin, Place};
use guestdb_data::model::{FirmwareType, Version};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one QEMU query may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Where firmware descriptors are looked for, in libvirt's order.
pub const FIRMWARE_DIRS: &[&str] = &["/etc/qemu/firmware", "/usr/share/qemu/firmware"];

/// The most standard output guestdb reads of one QEMU query (`-device
/// help` of a full QEMU is about 60 KiB).
const MAX_OUTPUT: usize = 4 << 20;

/// Runs `binary args` through the program runner ([`crate::process::run`]):
/// no input, a deadline, capped output; its standard output.
fn run(binary: &Path, args: &[&str]) -> Result<String, String> {
    crate::process::run(
        binary,
        args,
        crate::process::Limits {
            deadline: TIMEOUT,
            max_stdout: MAX_OUTPUT,
        },
    )
}

/// Whether `name` has the shape of a real QEMU machine type or device name
/// (every one QEMU 7.2 lists for x86_64 and s390x has it): an ASCII letter
/// or digit, then letters, digits, `.`, `_`, `+` or `-`, at most 64 in all.
/// What a probed binary lists otherwise (a line break, a quote, `$(...)`,
/// a 1 MB word) is not used.
pub fn plausible_name(name: &str) -> bool {
    name.len() <= 64
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._+-".contains(&b))
}

/// `QEMU emulator version 7.2.22 (Debian ...)` → 7.2.22.
pub fn parse_version(text: &str) -> Option<Version> {
    let rest = text.split("version").nth(1)?.trim_start();
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Version::parse(word.trim_end_matches('.'))
}

/// One line of `-machine help`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpMachine {
    /// The machine type's name.
    pub name: String,
    /// The name this line is an alias of, for alias lines.
    pub alias_of: Option<String>,
    /// QEMU's default machine (`(default)`).
    pub default: bool,
    /// Marked `(deprecated)`.
    pub deprecated: bool,
}

/// Parses `-machine help`: `NAME  DESCRIPTION[ (alias of X)][ (default)][ (deprecated)]`.
pub fn parse_machine_help(text: &str) -> Vec<HelpMachine> {
    text.lines()
        .skip_while(|l| !l.starts_with("Supported machines"))
        .skip(1)
        .filter_map(|line| {
            let name = line.split_whitespace().next()?.to_string();
            let alias_of = line
                .split("(alias of ")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .map(str::to_string);
            if !plausible_name(&name) || alias_of.as_deref().is_some_and(|a| !plausible_name(a)) {
                return None;
            }
            Some(HelpMachine {
                name,
                alias_of,
                default: line.contains("(default)"),
                deprecated: line.contains("(deprecated)"),
            })
        })
        .collect()
}

/// Parses `-cpu help` (x86): the model names of its `x86 NAME ...` lines.
pub fn parse_cpu_help(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("x86 "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Parses `-device TYPE,help`: the names of the properties (`hv-relaxed=<bool>`).
pub fn parse_property_help(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim_start().split('=').next())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty() && !n.contains(' '))
        .collect()
}

/// Parses `-device help`: every `name "X"`.
pub fn parse_device_help(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("name \""))
        .filter_map(|rest| rest.split('"').next())
        .filter(|n| plausible_name(n))
        .map(str::to_string)
        .collect()
}

/// The machine types `-machine help` lists, classified by the catalogue:
/// upstream versioned types by family prefix and version, distribution types
/// by name. Unversioned boards (`isapc`, `microvm`, `none`) are left out.
pub fn machines_from_help(
    help: &[HelpMachine],
    arch: &str,
    catalogue: &MachineCatalogue,
    source: &str,
) -> Vec<MachineType> {
    let mut out = Vec::new();
    for (pos, m) in help
        .iter()
        .enumerate()
        .filter(|(_, m)| m.alias_of.is_none())
    {
        let aliases: Vec<String> = help
            .iter()
            .filter(|a| a.alias_of.as_deref() == Some(m.name.as_str()))
            .map(|a| a.name.clone())
            .collect();
        let at = Place {
            path: source.to_string(),
            line: pos as u32 + 2,
        };
        let upstream = catalogue.families.iter().find_map(|f| {
            let rest = m.name.strip_prefix(f.prefix.as_str())?;
            let version = Version::parse(rest).or_else(|| {
                // Tagged names such as pseries-2.12-sxxm.
                Version::parse(rest.split('-').next()?)
            })?;
            Some((f, version))
        });
        if let Some((f, version)) = upstream {
            out.push(MachineType {
                name: m.name.clone(),
                family: f.name.clone(),
                aliases,
                deprecated: m.deprecated,
                qemu_version: None,
                version: Some(version.release()),
                origin: Origin::Upstream,
                variant: None,
                rank: (
                    u32::from(version.major) << 16 | u32::from(version.minor),
                    u32::from(m.name.len() > f.prefix.len() + version.release().to_string().len()),
                    u32::from(version.micro.unwrap_or(0)),
                ),
                at,
                deprecated_by: m
                    .deprecated
                    .then(|| format!("marked deprecated by {source}")),
            });
            continue;
        }
        let downstream = catalogue.lines.iter().find_map(|l| {
            let pos = crate::machine::line_releases(l).iter().find_map(|r| {
                catalogue
                    .downstream(&l.id, r, arch)?
                    .into_iter()
                    .find(|d| d.name == m.name)
            })?;
            Some((l, pos))
        });
        if let Some((l, known)) = downstream {
            out.push(MachineType {
                aliases,
                deprecated: m.deprecated,
                origin: Origin::Downstream { line: l.id.clone() },
                at,
                deprecated_by: m
                    .deprecated
                    .then(|| format!("marked deprecated by {source}")),
                ..known
            });
        }
    }
    out.sort_by(|a, b| a.family.cmp(&b.family).then(b.rank.cmp(&a.rank)));
    out
}

/// Firmware described by the JSON descriptors in `dirs` for `arch`.
pub fn firmware_from_descriptors(dirs: &[&Path], arch: &str) -> Vec<Firmware> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(dir) {
            files.extend(
                entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "json")),
            );
        }
    }
    files.sort();
    let mut out = Vec::new();
    for file in files {
        // Through the bounded reader: a FIFO or a device there is skipped.
        let Ok(text) = crate::input::read_to_string(&file, crate::input::FIRMWARE_JSON) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        let for_arch = json["targets"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["architecture"] == arch));
        if !for_arch {
            continue;
        }
        let words = |key: &str| -> Vec<String> {
            json[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let kind = if words("interface-types").iter().any(|t| t == "uefi") {
            FirmwareType::Efi
        } else {
            FirmwareType::Bios
        };
        let features = words("features");
        let mapping = &json["mapping"];
        out.push(Firmware {
            arch: arch.to_string(),
            kind,
            secure_boot: features.iter().any(|f| f == "secure-boot")
                && features.iter().any(|f| f == "enrolled-keys"),
            code: mapping["executable"]["filename"]
                .as_str()
                .map(str::to_string),
            vars: mapping["nvram-template"]["filename"]
                .as_str()
                .map(str::to_string),
            kernel: None,
        });
    }
    out
}

/// The architecture a QEMU binary emulates, from its name (`qemu-system-x86_64`).
fn arch_of(binary: &Path) -> Option<String> {
    let name = binary.file_name()?.to_string_lossy().into_owned();
    let target = name.strip_prefix("qemu-system-")?;
    Some(
        match target {
            "i386" => "i686",
            "ppc64" => "ppc64le",
            other => other,
        }
        .to_string(),
    )
}

/// Asks the QEMU binary `binary` what it offers. `arch` overrides the
/// architecture its name implies (for wrappers with other names).
pub fn probe(binary: &Path, arch: Option<&str>, catalogues: &Catalogues) -> Result<Host, String> {
    let catalogue = catalogues.machines;
    let arch = match arch.map(str::to_string).or_else(|| arch_of(binary)) {
        Some(a) => a,
        None => {
            return Err(format!(
                "cannot tell the architecture of {} from its name; name it qemu-system-ARCH or pass --arch",
                binary.display()
            ))
        }
    };
    let version_text = run(binary, &["--version"])?;
    let qemu = parse_version(&version_text).ok_or_else(|| {
        format!(
            "{} --version printed no QEMU version: {}",
            binary.display(),
            version_text.lines().next().unwrap_or("")
        )
    })?;
    let source = format!("{} -machine help", binary.display());
    let help = parse_machine_help(&run(binary, &["-machine", "help"])?);
    let mut machines = machines_from_help(&help, &arch, catalogue, &source);
    // A versioned type newer than the binary itself is not a real one: it
    // never displaces the newest real type.
    machines.retain(|m| {
        !matches!(m.origin, Origin::Upstream) || m.version.is_none_or(|v| v <= qemu.release())
    });
    if machines.is_empty() {
        return Err(format!(
            "{source} lists no versioned machine type guestdb knows for {arch}"
        ));
    }
    let devices = parse_device_help(&run(binary, &["-device", "help"])?);
    let has = |d: &str| devices.iter().any(|x| x == d);
    let transitional = Capability {
        available: has("virtio-net-pci-transitional") && qemu >= TRANSITIONAL_QEMU,
        why: format!(
            "{} -device help {} virtio-net-pci-transitional (QEMU {qemu})",
            binary.display(),
            if has("virtio-net-pci-transitional") {
                "lists"
            } else {
                "does not list"
            }
        ),
    };
    let dirs: Vec<&Path> = FIRMWARE_DIRS.iter().map(Path::new).collect();
    let mut firmware = firmware_from_descriptors(&dirs, &arch);
    if matches!(arch.as_str(), "x86_64" | "i686" | "ppc64le" | "s390x")
        && !firmware.iter().any(|f| f.kind == FirmwareType::Bios)
    {
        // SeaBIOS, SLOF and s390-ccw.img come with QEMU itself.
        firmware.insert(
            0,
            Firmware {
                arch: arch.clone(),
                kind: FirmwareType::Bios,
                secure_boot: false,
                code: None,
                vars: None,
                kernel: None,
            },
        );
    }
    let swtpm = crate::process::search_path("swtpm").is_some();
    let tpm = if swtpm {
        ["tpm-crb", "tpm-tis", "tpm-tis-device"]
            .iter()
            .filter(|m| has(m))
            .map(|m| Tpm {
                arch: arch.clone(),
                model: m.to_string(),
                versions: vec!["2.0".to_string()],
            })
            .collect()
    } else {
        Vec::new()
    };
    // KVM when the kernel offers it to this user; TCG always.
    let kvm = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/kvm")
        .is_ok();
    let accel = Accel {
        kvm,
        tcg: true,
        why: format!(
            "/dev/kvm {} (QEMU {qemu} runs TCG always)",
            if kvm { "opens" } else { "does not open here" }
        ),
    };
    let spice = Capability {
        available: has("qxl-vga"),
        why: format!(
            "{} -device help {} qxl-vga (built with SPICE)",
            binary.display(),
            if has("qxl-vga") {
                "lists"
            } else {
                "does not list"
            }
        ),
    };
    let x86 = guestdb_data::model::is_x86_arch(&arch);
    let (hyperv, hyperv_why, cpu) = if x86 {
        // The Hyper-V properties the CPU type has, and the named models.
        let props = run(binary, &["-device", "qemu64-x86_64-cpu,help"])
            .map(|t| parse_property_help(&t))
            .unwrap_or_default();
        let hyperv: Vec<String> = catalogues
            .hyperv
            .iter()
            .filter(|f| f.vendor.is_none())
            .filter(|f| props.contains(&f.qemu_property))
            .map(|f| f.name.clone())
            .collect();
        let models = run(binary, &["-cpu", "help"])
            .map(|t| parse_cpu_help(&t))
            .unwrap_or_default();
        (
            hyperv,
            format!(
                "{} -device qemu64-x86_64-cpu,help lists their hv-* properties",
                binary.display()
            ),
            HostCpu {
                vendor: None,
                host_model: false,
                maximum: models.iter().any(|m| m == "max"),
                models: catalogues
                    .cpus
                    .iter()
                    .filter(|m| models.contains(&m.name))
                    .map(|m| m.name.clone())
                    .collect(),
                host_model_name: None,
                usable_known: false,
            },
        )
    } else {
        (
            Vec::new(),
            "no Hyper-V enlightenments outside x86".to_string(),
            HostCpu::default(),
        )
    };
    Ok(Host {
        name: format!("qemu:{}", binary.display()),
        description: format!(
            "{} (QEMU {qemu}, {})",
            binary.display(),
            version_text.lines().next().unwrap_or("").trim()
        ),
        source: HostSource::Probe(binary.display().to_string()),
        qemu: Some(qemu),
        libvirt: None,
        arches: vec![arch.clone()],
        machines: vec![(arch, machines)],
        firmware,
        tpm,
        devices: DeviceSet::Only(devices),
        transitional,
        accel,
        spice,
        hyperv,
        hyperv_why,
        cpu,
        osinfo: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_help_lines_parse() {
        assert_eq!(
            parse_version("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n"),
            Version::parse("7.2.22")
        );
        assert_eq!(parse_version("no version here"), None);
        let help = parse_machine_help(
            "Supported machines are:\npc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)\npc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)\npc-i440fx-1.7        Standard PC (i440FX + PIIX, 1996) (deprecated)\n",
        );
        assert_eq!(help.len(), 3);
        assert_eq!(help[0].alias_of.as_deref(), Some("pc-i440fx-7.2"));
        assert!(help[1].default && !help[1].deprecated);
        assert!(help[2].deprecated);
        assert_eq!(
            parse_device_help("Network devices:\nname \"e1000\", bus PCI, alias \"e1000-82540em\"\nname \"virtio-net-pci\", bus PCI\n"),
            ["e1000", "virtio-net-pci"]
        );
    }
}
