//! The osinfo-db exporter: a guestdb data directory as an osinfo-db tree
//! (`os/`, `device/`, `datamap/`) that libosinfo loads
//! (`OSINFO_SYSTEM_DIR=OUT`) and `osinfo-db-validate --dir OUT` accepts.
//!
//! Each OS keeps its own names, dates, relations, variants, media, install
//! trees and resources. Its device links are written effective: every
//! device guestdb resolves for it, plus the devices its virtio and chipset
//! facts imply (the legacy and the virtio 1.0 PCI ID of each class it
//! drives, the q35 chipset), and `supported="false"` for what an ancestor
//! would otherwise pass on. So libosinfo consumers such as virt-install
//! decide from guestdb's facts, including those osinfo-db cannot state
//! (a virtio generation derived from the kernel, a removed device).
//! Firmware is written effective too.

use crate::error::Error;
use guestdb_data::check::path_for_id;
use guestdb_data::model::*;
use guestdb_data::resolve::{resolve_all, ResolvedOs};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const HEADER: &str = "<!-- Exported by 'guestdb export-osinfo' from guestdb's data (facts from osinfo-db, GPL-2.0-or-later, and guestdb's sources; see guestdb's data/README.md) -->";

/// The architecture names osinfo-db's schema accepts (as of the osinfo-db
/// that Debian 12 validates with, 2022-12). A medium, tree, resource or
/// firmware entry of another architecture (loongarch64) would make the
/// whole file invalid there, so it is left out and counted.
const OSINFO_ARCHES: &[&str] = &[
    "aarch64",
    "alpha",
    "armv6l",
    "armv7l",
    "cris",
    "i686",
    "ia64",
    "lm32",
    "m68k",
    "microblaze",
    "microblazeel",
    "mips",
    "mipsel",
    "mips64",
    "mips64el",
    "openrisc",
    "parisc",
    "parisc64",
    "ppc",
    "ppc64",
    "ppc64le",
    "ppcemb",
    "riscv32",
    "riscv64",
    "s390",
    "s390x",
    "sh4",
    "sh4eb",
    "sparc",
    "sparc64",
    "unicore32",
    "x86_64",
    "xtensa",
    "xtensaeb",
    "all",
];

/// The device classes osinfo-db's schema accepts (same vintage).
const OSINFO_CLASSES: &[&str] = &[
    "audio",
    "block",
    "console",
    "chipset",
    "controller.usb",
    "filesystem",
    "input",
    "memory.balloon",
    "net",
    "video",
    "watchdog",
    "rng",
];

/// The osinfo class of a virtio class's device, where osinfo has one.
fn osinfo_class(class: &str) -> &str {
    match class {
        "balloon" => "memory.balloon",
        "scsi" | "pmem" => "block",
        "9p" | "fs" => "filesystem",
        "gpu" => "video",
        "sound" => "audio",
        other => other,
    }
}

fn known_arch(arch: &str) -> bool {
    OSINFO_ARCHES.contains(&arch)
}

/// What an export wrote.
#[derive(Debug, Default)]
pub struct ExportReport {
    /// OS files written.
    pub oses: usize,
    /// Device files written.
    pub devices: usize,
    /// Datamap files written.
    pub datamaps: usize,
    /// Files written, relative to the output directory.
    pub files: Vec<PathBuf>,
    /// Files of an earlier export that were removed.
    pub removed: Vec<PathBuf>,
    /// Entries left out because osinfo-db's schema does not know their
    /// architecture: (OS short-id, what, arch).
    pub left_out: Vec<(String, String, String)>,
}

/// The one XML escaping ([`crate::render::xml::escape`]).
fn esc(s: &str) -> String {
    crate::render::xml::escape(s)
}

fn el(out: &mut String, depth: usize, name: &str, value: &str) {
    let _ = writeln!(out, "{}<{name}>{}</{name}>", "  ".repeat(depth), esc(value));
}

/// The osinfo id of a catalogue device: its `osinfo-id`, else the PCI ID.
fn device_id(d: &Device) -> Option<String> {
    d.osinfo_id.as_ref().map(|i| i.value.clone()).or_else(|| {
        d.pci.as_ref().filter(|_| d.bus == "pci").map(|p| {
            format!(
                "http://pcisig.com/pci/{:04x}/{:04x}",
                p.value.vendor, p.value.device
            )
        })
    })
}

fn pci_uri(device: u16) -> String {
    format!("http://pcisig.com/pci/1af4/{device:04x}")
}

/// The device ids libosinfo should report for an OS: its resolved devices,
/// then what its virtio and chipset facts add or take away.
fn effective_device_ids(
    resolved: &ResolvedOs,
    catalogue: &BTreeMap<&str, &Device>,
) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = resolved
        .devices
        .iter()
        .filter_map(|d| {
            catalogue
                .get(d.fact.device.as_str())
                .and_then(|d| device_id(d))
        })
        .collect();
    for v in resolved.virtio.iter().filter(|v| v.fact.arch == "all") {
        let f = v.fact;
        if f.unknown || f.driver.is_some() {
            // Unknown is not a claim; a driver package is not in-box.
            continue;
        }
        let modern = pci_uri(0x1040 + f.class.virtio_type);
        if f.modern {
            ids.insert(modern);
        } else {
            ids.remove(&modern);
        }
        if let Some(legacy) = f.class.legacy_pci.map(pci_uri) {
            if f.legacy {
                ids.insert(legacy);
            } else {
                ids.remove(&legacy);
            }
        }
    }
    let q35 = "http://qemu.org/chipset/x86/q35".to_string();
    for c in resolved.chipsets.iter().filter(|c| c.fact.arch == "all") {
        if c.fact.chipset == Chipset::Q35 {
            if c.fact.supported {
                ids.insert(q35.clone());
            } else {
                ids.remove(&q35);
            }
        }
    }
    ids
}

fn write_os(
    os: &OsRecord,
    devices: &BTreeSet<String>,
    inherited: &BTreeSet<String>,
    resolved: &ResolvedOs,
    left_out: &mut Vec<(String, String, String)>,
) -> String {
    let short = os
        .short_ids
        .first()
        .map_or(os.id.value.as_str(), |s| s.value.as_str());
    let mut keep = |what: &str, arch: &str| {
        let ok = known_arch(arch);
        if !ok {
            left_out.push((short.to_string(), what.to_string(), arch.to_string()));
        }
        ok
    };
    let mut s =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<libosinfo version=\"0.0.1\">\n");
    s.push_str(HEADER);
    s.push('\n');
    let _ = writeln!(s, "  <os id=\"{}\">", esc(&os.id.value));
    for id in os.short_ids.iter() {
        el(&mut s, 2, "short-id", &id.value);
    }
    el(&mut s, 2, "name", &os.name.value);
    for (name, v) in [
        ("version", &os.version),
        ("vendor", &os.vendor),
        ("family", &os.family),
        ("distro", &os.distro),
        ("codename", &os.codename),
    ] {
        if let Some(v) = v {
            el(&mut s, 2, name, &v.value);
        }
    }
    if os.vendor.is_none() {
        el(&mut s, 2, "vendor", "unknown");
    }
    if os.release_status != ReleaseStatus::Released {
        el(&mut s, 2, "release-status", os.release_status.name());
    }
    for (name, d) in [
        ("release-date", &os.release_date),
        ("eol-date", &os.eol_date),
    ] {
        if let Some(d) = d {
            el(&mut s, 2, name, &d.value.to_string());
        }
    }
    for (name, list) in [
        ("derives-from", &os.derives_from),
        ("clones", &os.clones),
        ("upgrades", &os.upgrades),
    ] {
        for t in list {
            let _ = writeln!(s, "    <{name} id=\"{}\"/>", esc(&t.value));
        }
    }
    for v in &os.variants {
        let _ = writeln!(s, "    <variant id=\"{}\">", esc(&v.id));
        el(&mut s, 3, "name", &v.name);
        s.push_str("    </variant>\n");
    }
    if !devices.is_empty() || !inherited.is_empty() {
        s.push_str("    <devices>\n");
        for d in devices {
            let _ = writeln!(s, "      <device id=\"{}\"/>", esc(d));
        }
        for d in inherited.difference(devices) {
            let _ = writeln!(s, "      <device id=\"{}\" supported=\"false\"/>", esc(d));
        }
        s.push_str("    </devices>\n");
    }
    for f in resolved
        .firmware
        .iter()
        .filter(|f| keep("firmware", &f.fact.arch))
    {
        let f = f.fact;
        let _ = writeln!(
            s,
            "    <firmware arch=\"{}\" type=\"{}\" supported=\"{}\"/>",
            esc(&f.arch),
            f.kind.name(),
            f.supported
        );
    }
    for m in os.media.iter().filter(|m| keep("media", &m.arch)) {
        let mut attrs = format!(" arch=\"{}\"", esc(&m.arch));
        if m.live {
            attrs.push_str(" live=\"true\"");
        }
        if !m.installer {
            attrs.push_str(" installer=\"false\"");
        }
        if let Some(n) = m.installer_reboots {
            let _ = write!(attrs, " installer-reboots=\"{n}\"");
        }
        if !m.installer_script {
            attrs.push_str(" installer-script=\"false\"");
        }
        let _ = writeln!(s, "    <media{attrs}>");
        for v in &m.variants {
            let _ = writeln!(s, "      <variant id=\"{}\"/>", esc(&v.value));
        }
        if let Some(u) = &m.url {
            el(&mut s, 3, "url", u);
        }
        if let Some(iso) = &m.iso {
            s.push_str("      <iso>\n");
            for (name, v) in [
                ("volume-id", &iso.volume_id),
                ("system-id", &iso.system_id),
                ("publisher-id", &iso.publisher_id),
                ("application-id", &iso.application_id),
            ] {
                if let Some(v) = v {
                    el(&mut s, 4, name, &v.value);
                }
            }
            if let Some(n) = iso.volume_size {
                el(&mut s, 4, "volume-size", &n.to_string());
            }
            for l in &iso.languages {
                let mut attrs = String::new();
                if l.regex {
                    attrs.push_str(" regex=\"true\"");
                }
                if let Some(map) = &l.map {
                    let _ = write!(attrs, " l10n-language-map=\"{}\"", esc(map));
                }
                let _ = writeln!(
                    s,
                    "        <l10n-language{attrs}>{}</l10n-language>",
                    esc(&l.value)
                );
            }
            s.push_str("      </iso>\n");
        }
        for (name, v) in [("kernel", &m.kernel), ("initrd", &m.initrd)] {
            if let Some(v) = v {
                el(&mut s, 3, name, v);
            }
        }
        s.push_str("    </media>\n");
    }
    for t in os.trees.iter().filter(|t| keep("tree", &t.arch)) {
        let _ = writeln!(s, "    <tree arch=\"{}\">", esc(&t.arch));
        for v in &t.variants {
            let _ = writeln!(s, "      <variant id=\"{}\"/>", esc(&v.value));
        }
        if let Some(u) = &t.url {
            el(&mut s, 3, "url", u);
        }
        if let Some(ti) = &t.treeinfo {
            s.push_str("      <treeinfo>\n");
            for (name, v) in [
                ("family", &ti.family),
                ("version", &ti.version),
                ("arch", &ti.arch),
                ("variant", &ti.variant),
            ] {
                if let Some(v) = v {
                    el(&mut s, 4, name, &v.value);
                }
            }
            s.push_str("      </treeinfo>\n");
        }
        for (name, v) in [
            ("kernel", &t.kernel),
            ("initrd", &t.initrd),
            ("boot-iso", &t.boot_iso),
        ] {
            if let Some(v) = v {
                el(&mut s, 3, name, v);
            }
        }
        s.push_str("    </tree>\n");
    }
    for r in os.resources.iter().filter(|r| keep("resources", &r.arch)) {
        let inherit = if r.inherit { " inherit=\"true\"" } else { "" };
        let _ = writeln!(s, "    <resources arch=\"{}\"{inherit}>", esc(&r.arch));
        for (kind, set) in &r.sets {
            let _ = writeln!(s, "      <{}>", kind.name());
            for (name, v) in [
                ("n-cpus", set.n_cpus),
                ("cpu", set.cpu),
                ("ram", set.ram),
                ("storage", set.storage),
            ] {
                if let Some(v) = v {
                    el(&mut s, 4, name, &v.to_string());
                }
            }
            let _ = writeln!(s, "      </{}>", kind.name());
        }
        s.push_str("    </resources>\n");
    }
    s.push_str("  </os>\n</libosinfo>\n");
    s
}

fn write_device(id: &str, d: &Device) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<libosinfo version=\"0.0.1\">\n");
    s.push_str(HEADER);
    s.push('\n');
    let _ = writeln!(s, "  <device id=\"{}\">", esc(id));
    el(&mut s, 2, "name", &d.name.value);
    if OSINFO_CLASSES.contains(&d.class.as_str()) {
        el(&mut s, 2, "class", &d.class);
    }
    if let Some(p) = &d.pci {
        el(&mut s, 2, "bus-type", "pci");
        el(&mut s, 2, "vendor-id", &format!("{:04x}", p.value.vendor));
        el(&mut s, 2, "product-id", &format!("{:04x}", p.value.device));
    }
    if let Some(v) = &d.vendor {
        el(&mut s, 2, "vendor", v);
    }
    if let Some(p) = &d.product {
        el(&mut s, 2, "product", p);
    }
    s.push_str("  </device>\n</libosinfo>\n");
    s
}

fn write_datamap(m: &Datamap) -> String {
    let mut s =
        String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<libosinfo version=\"0.0.1\">\n");
    s.push_str(HEADER);
    s.push('\n');
    let _ = writeln!(s, "  <datamap id=\"{}\">", esc(&m.id.value));
    for (i, o, _) in &m.entries {
        let _ = writeln!(s, "    <entry inval=\"{}\" outval=\"{}\"/>", esc(i), esc(o));
    }
    s.push_str("  </datamap>\n</libosinfo>\n");
    s
}

/// The manifest an export writes into its directory: one line per file it
/// wrote, `SHA256  PATH` (as `sha256sum -c` reads it). Only what it lists,
/// with that content, is ever replaced or removed by a later export.
pub const MANIFEST: &str = ".guestdb-export.sha256";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The files (relative to `out`) of an earlier export there, as its
/// manifest lists them; an error when `out` holds anything else, or a file
/// the manifest lists with other content (someone changed it since).
fn earlier_export(out: &Path) -> Result<Vec<PathBuf>, Error> {
    let refuse = |what: String| {
        Error::input(format!(
            "{} holds {what}; export into a new or empty directory, or into an earlier export left as it was written",
            out.display()
        ))
    };
    let manifest_path = out.join(MANIFEST);
    let manifest = match manifest_path.symlink_metadata() {
        Err(_) => None,
        Ok(_) => Some(crate::input::read_to_string(
            &manifest_path,
            crate::input::MANIFEST,
        )?),
    };
    let mut listed: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (n, line) in manifest.as_deref().unwrap_or("").lines().enumerate() {
        let Some((hash, rel)) = line.split_once("  ") else {
            return Err(Error::file(
                &manifest_path,
                format!("line {}: not 'SHA256  PATH'", n + 1),
            ));
        };
        let rel = PathBuf::from(rel);
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if hash.len() != 64 || !plain {
            return Err(Error::file(
                &manifest_path,
                format!(
                    "line {}: not 'SHA256  PATH' with a path inside the export",
                    n + 1
                ),
            ));
        }
        listed.insert(rel, hash.to_string());
    }
    let mut files = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir == out => return Ok(files),
            Err(e) => return Err(Error::io(dir)(e)),
        };
        for entry in entries {
            let entry = entry.map_err(Error::io(&dir))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(Error::io(&path))?;
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(out).unwrap_or(&path).to_path_buf();
            if rel.as_os_str() == MANIFEST {
                continue;
            }
            let Some(hash) = listed.get(&rel) else {
                return Err(refuse(format!(
                    "{}, which no earlier 'guestdb export-osinfo' wrote",
                    path.display()
                )));
            };
            if !kind.is_file() {
                return Err(refuse(format!(
                    "{}, which is not a regular file",
                    path.display()
                )));
            }
            let bytes = crate::input::read(&path, crate::input::OSINFO_XML)?;
            if sha256_hex(&bytes) != *hash {
                return Err(refuse(format!(
                    "{}, which was changed since 'guestdb export-osinfo' wrote it",
                    path.display()
                )));
            }
            files.push(rel);
        }
    }
    Ok(files)
}

/// Writes `files` into a new directory beside `out` and puts it in the
/// place of `out` at the end (swapping it with an earlier export, which is
/// then removed file by file as its manifest lists them), so `out` is
/// never a part of an export: the earlier one or the whole new one.
fn write_tree(out: &Path, files: &[(PathBuf, String)], previous: &[PathBuf]) -> Result<(), Error> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .ok_or_else(|| Error::input(format!("{} names no directory", out.display())))?
        .to_string_lossy()
        .into_owned();
    std::fs::create_dir_all(parent).map_err(Error::io(parent))?;
    let mark = format!(".{name}.guestdb-export-");
    remove_stale_staging(parent, &mark);
    let staging = tempfile::Builder::new()
        .prefix(&format!("{mark}{}-", std::process::id()))
        .tempdir_in(parent)
        .map_err(Error::io(parent))?;
    let mut manifest = String::new();
    for (rel, text) in files {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(Error::io(dir))?;
        }
        std::fs::write(&path, text).map_err(Error::io(&path))?;
        manifest.push_str(&format!(
            "{}  {}\n",
            sha256_hex(text.as_bytes()),
            rel.display()
        ));
    }
    let manifest_path = staging.path().join(MANIFEST);
    std::fs::write(&manifest_path, manifest).map_err(Error::io(&manifest_path))?;
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(out)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o755);
    std::fs::set_permissions(staging.path(), std::fs::Permissions::from_mode(mode))
        .map_err(Error::io(staging.path()))?;
    sync_fs(staging.path())?;
    if std::fs::symlink_metadata(out).is_err() {
        let staged = staging.keep();
        std::fs::rename(&staged, out).map_err(Error::io(out))?;
    } else {
        // The new tree takes the place of the old in one step; the old one
        // is then where the new one was, and goes.
        exchange(staging.path(), out)?;
        let old = staging.path();
        for rel in previous {
            std::fs::remove_file(old.join(rel)).map_err(Error::io(old.join(rel)))?;
        }
        let _ = std::fs::remove_file(old.join(MANIFEST));
        remove_empty_dirs(old);
        // Anything else there (nothing, as checked) is left, not deleted.
        if std::fs::remove_dir(old).is_ok() {
            let _ = staging.keep();
        } else {
            let kept = staging.keep();
            return Err(Error::input(format!(
                "the earlier export was replaced, but {} holds files it did not list; look at them and remove it",
                kept.display()
            )));
        }
    }
    std::fs::File::open(parent)
        .and_then(|d| d.sync_all())
        .map_err(Error::io(parent))
}

/// Removes the directories `.NAME.guestdb-export-PID-RANDOM` in `parent`
/// that an export killed before its end left (their process is gone).
fn remove_stale_staging(parent: &Path, mark: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(mark))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let gone = pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists();
        if gone && entry.file_type().is_ok_and(|t| t.is_dir()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Flushes the file system holding `dir` (every file written into it).
fn sync_fs(dir: &Path) -> Result<(), Error> {
    use std::os::fd::AsRawFd;
    let d = std::fs::File::open(dir).map_err(Error::io(dir))?;
    if unsafe { libc::syncfs(d.as_raw_fd()) } != 0 {
        return Err(Error::io(dir)(std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Swaps two directories in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`).
fn exchange(a: &Path, b: &Path) -> Result<(), Error> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| Error::input(format!("{} holds a NUL byte", p.display())))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r != 0 {
        return Err(Error::io(b)(std::io::Error::last_os_error()));
    }
    Ok(())
}

/// Removes the empty directories below `dir` (deepest first).
fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_dirs(&entry.path());
                let _ = std::fs::remove_dir(entry.path());
            }
        }
    }
}

/// Exports the data directory `dir` into `out` (created if missing). `out`
/// must be new, empty or an earlier export; files of the earlier export
/// that this one does not write are removed.
/// The data directory the binary was built from, as build.rs packed it.
static EMBEDDED_DATA: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/data.tar.gz"));

/// Exports the embedded dataset (the data directory the binary was built
/// from, unpacked into a temporary directory) into `out`.
pub fn export_embedded(out: &Path) -> Result<ExportReport, Error> {
    let tmp = tempfile::Builder::new()
        .prefix("guestdb-data-")
        .tempdir()
        .map_err(Error::io(std::env::temp_dir()))?;
    tar::Archive::new(flate2::read::GzDecoder::new(EMBEDDED_DATA))
        .unpack(tmp.path())
        .map_err(|e| {
            Error::input(format!(
                "the embedded data directory cannot be unpacked: {e}"
            ))
        })?;
    export(tmp.path(), out)
}

/// Exports data directory `dir` into `out`.
pub fn export(dir: &Path, out: &Path) -> Result<ExportReport, Error> {
    let checked = guestdb_data::load_dir(dir).map_err(Error::data)?;
    let data = &checked.data;
    // An earlier export is recognised by its manifest, with every file's
    // hash; anything else in `out` is not ours to overwrite or remove.
    let previous = earlier_export(out)?;
    let catalogue: BTreeMap<&str, &Device> = data
        .devices
        .iter()
        .map(|d| (d.name.value.as_str(), d))
        .collect();
    let index = checked.index();
    let resolved = resolve_all(data, &index);
    let effective: Vec<BTreeSet<String>> = resolved
        .iter()
        .map(|r| effective_device_ids(r, &catalogue))
        .collect();

    let mut files: Vec<(PathBuf, String)> = Vec::new();
    let mut left_out = Vec::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    for (i, os) in data.oses.iter().enumerate() {
        // What libosinfo would pass on from the OSes this one inherits from.
        let inherited: BTreeSet<String> = index
            .lineage(data, i)
            .into_iter()
            .skip(1)
            .flat_map(|j| effective[j].iter().cloned())
            .collect();
        used.extend(effective[i].iter().cloned());
        used.extend(inherited.iter().cloned());
        let rel = path_for_id("os", &os.id.value).ok_or_else(|| {
            Error::input(format!(
                "{}: the id has no osinfo-db file name",
                os.id.value
            ))
        })?;
        files.push((
            rel,
            write_os(os, &effective[i], &inherited, &resolved[i], &mut left_out),
        ));
    }
    let mut devices = 0;
    let mut written: BTreeSet<String> = BTreeSet::new();
    for d in &data.devices {
        let Some(id) = device_id(d) else { continue };
        if !used.contains(&id) || !written.insert(id.clone()) {
            continue;
        }
        let Some(rel) = path_for_id("device", &id) else {
            continue;
        };
        files.push((rel, write_device(&id, d)));
        devices += 1;
    }
    // The virtio IDs a class fact implies that the catalogue does not list.
    for class in VirtioClass::ALL {
        let ids = [(
            pci_uri(0x1040 + class.virtio_type),
            0x1040 + class.virtio_type,
            format!("virtio1.0-{}", class.name),
        )]
        .into_iter()
        .chain(
            class
                .legacy_pci
                .map(|p| (pci_uri(p), p, format!("virtio-{}", class.name))),
        );
        for (id, product, name) in ids {
            if !used.contains(&id) || !written.insert(id.clone()) {
                continue;
            }
            let Some(rel) = path_for_id("device", &id) else {
                continue;
            };
            let d = Device {
                name: Located::new(name, data.info.loc.clone()),
                osinfo_id: None,
                class: osinfo_class(class.name).to_string(),
                bus: "pci".into(),
                pci: Some(Located::new(
                    PciId {
                        vendor: 0x1af4,
                        device: product,
                    },
                    data.info.loc.clone(),
                )),
                usb: None,
                virtio_type: Some(class.virtio_type),
                generation: None,
                vendor: Some("Red Hat, Inc.".into()),
                product: Some(format!("virtio {} device", class.name)),
                qemu_devices: Vec::new(),
                libvirt_models: Vec::new(),
                note: None,
                loc: data.info.loc.clone(),
            };
            files.push((rel, write_device(&id, &d)));
            devices += 1;
        }
    }
    for m in &data.datamaps {
        let rel = path_for_id("datamap", &m.id.value)
            .ok_or_else(|| Error::input(format!("{}: the id has no file name", m.id.value)))?;
        files.push((rel, write_datamap(m)));
    }

    let mut report = ExportReport {
        oses: data.oses.len(),
        devices,
        datamaps: data.datamaps.len(),
        left_out,
        ..ExportReport::default()
    };
    write_tree(out, &files, &previous)?;
    report.files = files.iter().map(|(rel, _)| rel.clone()).collect();
    let now: BTreeSet<&PathBuf> = report.files.iter().collect();
    report.removed = previous
        .into_iter()
        .filter(|old| !now.contains(old))
        .collect();
    Ok(report)
}
