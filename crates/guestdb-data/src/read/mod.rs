//! The reader: data files to records. It checks the shape of every file
//! (known elements and attributes, required parts present, values of the right
//! kind) and reports every problem it finds with its place.
//!
//! - [`os`](mod@os): OS files;
//! - [`catalogue`]: `dataset.xml`, `devices.xml`, `corrections.xml`;
//! - [`machine`]: machine types (`machines/*.xml`);
//! - [`host`]: host profiles (`hosts/*.xml`);
//! - [`linux`]: the Linux driver table (`linux.xml`).

mod catalogue;
mod crosswalk;
mod host;
mod lifecycle;
mod linux;
mod machine;
mod media;
mod os;
mod profile;

pub use catalogue::{read_corrections, read_datamap, read_dataset_info, read_devices};
pub use crosswalk::read_crosswalk;
pub use host::read_host;
pub use linux::read_linux;
pub use machine::{read_downstream_machines, read_upstream_machines};
pub use os::read_os;
pub use profile::{read_cpus, read_hyperv, read_osinfo_release};

use crate::diag::{Finding, Findings, LineIndex, Loc, Rule};
use crate::model::*;
use crate::xml::{self, Attr, Element};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Per-file reading context.
pub(crate) struct Ctx<'a> {
    path: Arc<str>,
    lines: LineIndex<'a>,
    findings: &'a mut Findings,
}

impl<'a> Ctx<'a> {
    fn loc(&self, pos: usize) -> Loc {
        self.lines.loc(&self.path, pos)
    }

    fn report(&mut self, rule: Rule, pos: usize, message: String) {
        let loc = self.loc(pos);
        self.findings.push(Finding::new(rule, loc, message));
    }

    fn check_attrs(&mut self, el: &Element, allowed: &[&str]) {
        for a in &el.attrs {
            if !allowed.contains(&a.name.as_str()) {
                let expected = if allowed.is_empty() {
                    "it takes no attributes".to_string()
                } else {
                    format!("expected one of: {}", allowed.join(", "))
                };
                self.report(
                    Rule::UnknownAttribute,
                    a.pos,
                    format!(
                        "unknown attribute '{}' on <{}>; {expected}",
                        a.name, el.name
                    ),
                );
            }
        }
    }

    fn unknown_child(&mut self, parent: &Element, child: &Element, allowed: &[&str]) {
        self.report(
            Rule::UnknownElement,
            child.pos,
            format!(
                "unknown element <{}> in <{}>; expected one of: {}",
                child.name,
                parent.name,
                allowed.join(", ")
            ),
        );
    }

    fn attr(&self, el: &Element, name: &str) -> Option<Located<String>> {
        el.attr(name)
            .map(|a| Located::new(a.value.trim().to_string(), self.loc(a.pos)))
    }

    /// A finding for an invisible or bidirectional character in `value`
    /// (see [`crate::text::is_invisible`]): two ids could look the same, a
    /// name could reorder the text after it.
    fn visible(&mut self, what: &str, value: &Located<String>) {
        if let Some((n, c)) = value
            .value
            .chars()
            .enumerate()
            .find(|&(_, c)| crate::text::is_invisible(c))
        {
            self.findings.push(Finding::new(
                Rule::InvalidValue,
                value.loc.clone(),
                format!(
                    "{what} holds U+{:04X}, an invisible or bidirectional character, at character {}; \
                     ids, short-ids and names take visible characters only (remove it)",
                    c as u32,
                    n + 1
                ),
            ));
        }
    }

    fn req_attr(&mut self, el: &Element, name: &str) -> Option<Located<String>> {
        let value = self.attr(el, name);
        if let Some(v) = &value {
            self.visible(&format!("attribute '{name}' of <{}>", el.name), v);
        }
        match &value {
            None => self.report(
                Rule::MissingAttribute,
                el.pos,
                format!("<{}> needs the attribute '{name}'", el.name),
            ),
            Some(v) if v.value.is_empty() => {
                self.report(
                    Rule::InvalidValue,
                    el.attr(name).map_or(el.pos, |a| a.pos),
                    format!("attribute '{name}' must not be empty"),
                );
                return None;
            }
            Some(_) => {}
        }
        value
    }

    fn parsed_attr<T>(
        &mut self,
        el: &Element,
        name: &str,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        let a: &Attr = el.attr(name)?;
        let parsed = parse(a.value.trim());
        if parsed.is_none() {
            self.report(
                Rule::InvalidValue,
                a.pos,
                format!("attribute '{name}' is '{}'; expected {what}", a.value),
            );
        }
        parsed
    }

    /// The white-space separated words of attribute `name` (none when absent),
    /// each at the attribute's place.
    fn located_words(&self, el: &Element, name: &str) -> Vec<Located<String>> {
        self.attr(el, name)
            .map(|a| {
                a.value
                    .split_whitespace()
                    .map(|w| Located::new(w.to_string(), a.loc.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn bool_attr(&mut self, el: &Element, name: &str, default: bool) -> bool {
        self.parsed_attr(el, name, "'true' or 'false'", |s| match s {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        })
        .unwrap_or(default)
    }

    /// A whole number from 0 to `max` (decimal digits only).
    fn num_attr<T: TryFrom<u64> + Into<u64> + Copy>(
        &mut self,
        el: &Element,
        name: &str,
        max: T,
    ) -> Option<T> {
        let what = format!("a whole number from 0 to {}", max.into());
        self.parsed_attr(el, name, &what, |s| {
            whole_number(s, max.into()).and_then(|n| T::try_from(n).ok())
        })
    }

    /// A size or count: a whole number up to [`MAX_NUMBER`].
    fn u64_attr(&mut self, el: &Element, name: &str) -> Option<u64> {
        self.num_attr(el, name, MAX_NUMBER)
    }

    fn pci_attr(&mut self, el: &Element, name: &str) -> Option<Located<PciId>> {
        let a = el.attr(name)?;
        let loc = self.loc(a.pos);
        match PciId::parse(a.value.trim()) {
            Some(id) => Some(Located::new(id, loc)),
            None => {
                self.findings.push(Finding::new(
                    Rule::InvalidPciId,
                    loc,
                    format!("'{}' is not a PCI/USB ID; expected vendor:device as four hex digits each, like 1af4:1000", a.value),
                ));
                None
            }
        }
    }

    /// The trimmed text of an element that holds only text.
    fn text(&mut self, el: &Element) -> Located<String> {
        self.text_with(el, &[])
    }

    /// Like [`Ctx::text`], allowing the attributes `allowed`.
    fn text_with(&mut self, el: &Element, allowed: &[&str]) -> Located<String> {
        self.check_attrs(el, allowed);
        self.no_children(el);
        let value = el.text.trim().to_string();
        if value.is_empty() {
            self.report(
                Rule::InvalidValue,
                el.pos,
                format!("<{}> must not be empty", el.name),
            );
        }
        let value = Located::new(value, self.loc(el.text_pos));
        self.visible(&format!("<{}>", el.name), &value);
        value
    }

    fn no_children(&mut self, el: &Element) {
        for c in &el.children {
            self.report(
                Rule::UnknownElement,
                c.pos,
                format!("<{}> takes no child elements, found <{}>", el.name, c.name),
            );
        }
    }

    fn no_text(&mut self, el: &Element) {
        if !el.text.trim().is_empty() {
            self.report(
                Rule::InvalidValue,
                el.text_pos,
                format!("<{}> takes no text", el.name),
            );
        }
    }

    fn date(&mut self, el: &Element) -> Option<Located<Date>> {
        let text = self.text_with(el, PROVENANCE);
        if text.value.is_empty() {
            return None;
        }
        match Date::parse(&text.value) {
            Some(d) => Some(Located::new(d, text.loc)),
            None => {
                self.findings.push(Finding::new(
                    Rule::InvalidDate,
                    text.loc,
                    format!(
                        "'{}' is not a date; expected YYYY-MM-DD of a real day",
                        text.value
                    ),
                ));
                None
            }
        }
    }

    /// Records the provenance an element states, under the name `fact`.
    fn fact_source(&mut self, el: &Element, fact: String, out: &mut Vec<FactSource>) {
        let provenance = self.provenance(el);
        if provenance.source.is_some() || provenance.note.is_some() {
            out.push(FactSource { fact, provenance });
        }
    }

    /// What an element says of where its fact came from: `source`, `note`
    /// and `exception` (where the element allows them; `check_attrs`
    /// reports them where it does not), and its place.
    fn provenance(&mut self, el: &Element) -> Provenance {
        Provenance {
            source: self.attr(el, "source"),
            note: el.attr("note").map(|a| a.value.clone()),
            exception: el.attr("exception").map(|a| a.value.clone()),
            derived: false,
            loc: self.loc(el.pos),
        }
    }

    /// The fact `value` an element states, with the attributes every fact
    /// kind shares read once: its architecture (`arch`, `all` when absent
    /// and not `arch_required`) and its provenance.
    fn fact<T>(&mut self, el: &Element, arch_required: bool, value: T) -> Fact<T> {
        Fact {
            arch: self.arch(el, arch_required),
            value,
            provenance: self.provenance(el),
        }
    }

    /// The virtio class a `class` attribute names; reports an unknown one.
    fn virtio_class(&mut self, name: &Located<String>) -> Option<VirtioClass> {
        let class = VirtioClass::by_name(&name.value);
        if class.is_none() {
            let names: Vec<_> = VirtioClass::ALL.iter().map(|c| c.name).collect();
            self.findings.push(Finding::new(
                Rule::InvalidValue,
                name.loc.clone(),
                format!(
                    "virtio class '{}' is unknown; expected one of: {}",
                    name.value,
                    names.join(", ")
                ),
            ));
        }
        class
    }

    /// The chipset a `name` attribute names; reports an unknown one.
    fn chipset(&mut self, name: &Located<String>) -> Option<Chipset> {
        let chipset = Chipset::parse(&name.value);
        if chipset.is_none() {
            self.findings.push(Finding::new(
                Rule::InvalidValue,
                name.loc.clone(),
                format!(
                    "chipset '{}' is unknown; expected i440fx or q35",
                    name.value
                ),
            ));
        }
        chipset
    }

    /// A version attribute (`7.2`, `4.0.1`); reports a missing required one.
    fn version_attr(&mut self, el: &Element, name: &str, required: bool) -> Option<Version> {
        if required && el.attr(name).is_none() {
            self.report(
                Rule::MissingAttribute,
                el.pos,
                format!("<{}> needs the attribute '{name}'", el.name),
            );
            return None;
        }
        self.parsed_attr(el, name, "a version such as 7.2 or 4.0.1", Version::parse)
    }

    /// A release label of a distribution (`9.6`, `24.04`): digits and dots.
    fn release_label(&mut self, value: &str, loc: &Loc) -> bool {
        let ok = !value.is_empty()
            && value
                .split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
        if !ok {
            self.findings.push(Finding::new(
                Rule::InvalidValue,
                loc.clone(),
                format!("'{value}' is not a release such as 9.6 or 24.04"),
            ));
        }
        ok
    }

    /// A space-separated list attribute, each word checked by `valid`.
    fn words_attr(
        &mut self,
        el: &Element,
        name: &str,
        required: bool,
        valid: impl Fn(&mut Ctx, &str, &Loc) -> bool,
    ) -> Vec<String> {
        let value = if required {
            self.req_attr(el, name)
        } else {
            self.attr(el, name)
        };
        let Some(value) = value else {
            return Vec::new();
        };
        let words: Vec<String> = value.value.split_whitespace().map(str::to_string).collect();
        if words.is_empty() {
            self.report(
                Rule::InvalidValue,
                el.attr(name).map_or(el.pos, |a| a.pos),
                format!("attribute '{name}' must name at least one value"),
            );
        }
        words
            .into_iter()
            .filter(|w| valid(self, w, &value.loc))
            .collect()
    }

    /// Checks an architecture name; reports it when it is not one.
    fn arch_name(&mut self, value: &str, loc: &Loc) -> bool {
        let ok = !value.is_empty()
            && value
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_');
        if !ok {
            self.findings.push(Finding::new(
                Rule::InvalidValue,
                loc.clone(),
                format!("arch '{value}' is not an architecture name; expected e.g. x86_64, i686, aarch64 or all"),
            ));
        }
        ok
    }

    fn arch(&mut self, el: &Element, required: bool) -> String {
        let value = if required {
            self.req_attr(el, "arch")
        } else {
            self.attr(el, "arch")
        };
        match value {
            None => "all".to_string(),
            Some(v) => {
                self.arch_name(&v.value, &v.loc);
                v.value
            }
        }
    }
}

/// The attributes any fact may carry to say where it came from.
const PROVENANCE: &[&str] = &["source", "note"];

/// Remembers which single-use children were seen, to report repeats.
#[derive(Default)]
struct Once {
    seen: HashMap<String, usize>,
}

impl Once {
    /// True the first time; on a repeat reports it with a note at the first.
    fn first(&mut self, ctx: &mut Ctx, parent: &Element, child: &Element) -> bool {
        match self.seen.get(&child.name) {
            None => {
                self.seen.insert(child.name.clone(), child.pos);
                true
            }
            Some(&first) => {
                let finding = Finding::new(
                    Rule::DuplicateElement,
                    ctx.loc(child.pos),
                    format!("<{}> may appear only once in <{}>", child.name, parent.name),
                )
                .note(ctx.loc(first), "first given here");
                ctx.findings.push(finding);
                false
            }
        }
    }
}

/// Parses a file's text; a syntax or encoding error becomes one finding.
fn parse_file<'s>(
    path: &Arc<str>,
    bytes: &'s [u8],
    findings: &mut Findings,
) -> Option<(&'s str, Element)> {
    let src = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            // The prefix is valid UTF-8 by construction.
            let prefix = std::str::from_utf8(valid).unwrap_or("");
            let loc = LineIndex::new(prefix).loc(path, prefix.len());
            findings.push(Finding::new(
                Rule::Encoding,
                loc,
                "the file is not valid UTF-8",
            ));
            return None;
        }
    };
    match xml::parse(src) {
        Ok(root) => Some((src, root)),
        Err(e) => {
            let loc = LineIndex::new(src).loc(path, e.pos);
            findings.push(Finding::new(Rule::XmlSyntax, loc, e.message));
            None
        }
    }
}

fn expect_root(ctx: &mut Ctx, root: &Element, name: &str) -> bool {
    if root.name != name {
        ctx.report(
            Rule::UnknownElement,
            root.pos,
            format!("the root element must be <{name}>, found <{}>", root.name),
        );
        return false;
    }
    true
}

/// Parses a file, checks its root element is `<root>` and hands both to `read`.
fn with_root<T>(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
    root_name: &str,
    read: impl FnOnce(&mut Ctx, &Element) -> Option<T>,
) -> Option<T> {
    let (src, root) = parse_file(path, bytes, findings)?;
    let mut ctx = Ctx {
        path: Arc::clone(path),
        lines: LineIndex::new(src),
        findings,
    };
    if !expect_root(&mut ctx, &root, root_name) {
        return None;
    }
    read(&mut ctx, &root)
}

/// Reads a file whose root holds only `<child>` elements, each read by `read`.
fn read_list<T>(
    path: &Arc<str>,
    bytes: &[u8],
    findings: &mut Findings,
    (root_name, child): (&str, &str),
    mut read: impl FnMut(&mut Ctx, &Element) -> Option<T>,
) -> Vec<T> {
    with_root(path, bytes, findings, root_name, |ctx, root| {
        ctx.check_attrs(root, &[]);
        ctx.no_text(root);
        let mut out = Vec::new();
        for el in &root.children {
            if el.name == child {
                out.extend(read(ctx, el));
            } else {
                ctx.unknown_child(root, el, &[child]);
            }
        }
        Some(out)
    })
    .unwrap_or_default()
}

/// The file names a data directory holds besides `os/`.
pub const DATASET_FILE: &str = "dataset.xml";
pub const DEVICES_FILE: &str = "devices.xml";
pub const CORRECTIONS_FILE: &str = "corrections.xml";
pub const LINUX_FILE: &str = "linux.xml";
pub const HYPERV_FILE: &str = "hyperv.xml";
pub const CPUS_FILE: &str = "cpus.xml";
/// The directory of the name schemes (`crosswalk/vmware.xml`).
pub const CROSSWALK_DIR: &str = "crosswalk";
/// Upstream QEMU's machine types; the other `machines/*.xml` are downstream lines.
pub const UPSTREAM_MACHINES_FILE: &str = "machines/qemu.xml";

/// How a finding names a file: `dir` joined with its relative path.
fn display_path(dir: &Path, rel: &Path) -> Arc<str> {
    Arc::from(dir.join(rel).to_string_lossy().as_ref())
}

/// The bytes of a data file, read through the shared bounded reader
/// ([`crate::input`]): a FIFO, a device, a directory (also behind a
/// symlink) or a file over [`crate::input::DATA_FILE_MAX`] is a finding.
fn read_bytes(dir: &Path, rel: &Path, findings: &mut Findings) -> Option<Vec<u8>> {
    use crate::input::ReadError;
    match crate::input::read(&dir.join(rel), crate::input::DATA_FILE_MAX) {
        Ok(b) => Some(b),
        Err(e) => {
            let path = display_path(dir, rel);
            let message = match e {
                ReadError::Io(e) => format!("cannot read: {e}"),
                ReadError::NotRegular(what) => {
                    format!("is {what}; a data file is a regular file")
                }
                ReadError::TooLarge(len) => format!(
                    "is larger than guestdb reads of a data file ({} bytes; at most {} MiB)",
                    len.map_or("more than that".to_string(), |n| n.to_string()),
                    crate::input::DATA_FILE_MAX >> 20
                ),
            };
            findings.push(Finding::new(Rule::Io, Loc::file(&path), message));
            None
        }
    }
}

/// The files below `dir/sub` whose names satisfy `keep`, relative to `dir`,
/// sorted; and the directories that could not be read, with the error.
pub fn files_below(
    dir: &Path,
    sub: &Path,
    keep: impl Fn(&str) -> bool,
) -> (Vec<PathBuf>, Vec<(PathBuf, std::io::Error)>) {
    let (mut files, mut errors) = (Vec::new(), Vec::new());
    let mut stack = vec![sub.to_path_buf()];
    while let Some(rel) = stack.pop() {
        let entries = match std::fs::read_dir(dir.join(&rel)) {
            Ok(e) => e,
            Err(e) => {
                errors.push((rel, e));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    errors.push((rel.clone(), e));
                    continue;
                }
            };
            let child = rel.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(child);
            } else if keep(&entry.file_name().to_string_lossy()) {
                files.push(child);
            }
        }
    }
    files.sort();
    (files, errors)
}

/// Every `*.xml` file below `dir/os`, relative to `dir`, sorted.
pub fn os_files(dir: &Path, findings: &mut Findings) -> Vec<PathBuf> {
    xml_files(dir, "os", findings)
}

/// Every `*.xml` file below `dir/sub`, relative to `dir`, sorted; an
/// unreadable directory is a finding. A missing `sub` other than `os` is
/// no finding (machine types and host profiles are optional).
fn xml_files(dir: &Path, sub: &str, findings: &mut Findings) -> Vec<PathBuf> {
    if sub != "os" && !dir.join(sub).exists() {
        return Vec::new();
    }
    let (files, errors) = files_below(dir, Path::new(sub), |name| name.ends_with(".xml"));
    for (rel, e) in errors {
        let path = display_path(dir, &rel);
        findings.push(Finding::new(
            Rule::Io,
            Loc::file(&path),
            format!("cannot read directory: {e}"),
        ));
    }
    files
}

/// Reads a whole data directory. Returns what could be read and every finding.
pub fn read_dir(dir: &Path, findings: &mut Findings) -> Option<Dataset> {
    let info_path = display_path(dir, Path::new(DATASET_FILE));
    let info = read_bytes(dir, Path::new(DATASET_FILE), findings)
        .and_then(|b| read_dataset_info(&info_path, &b, findings));
    let dev_path = display_path(dir, Path::new(DEVICES_FILE));
    let devices = read_bytes(dir, Path::new(DEVICES_FILE), findings)
        .map(|b| read_devices(&dev_path, &b, findings))
        .unwrap_or_default();
    let corrections = if dir.join(CORRECTIONS_FILE).exists() {
        let path = display_path(dir, Path::new(CORRECTIONS_FILE));
        read_bytes(dir, Path::new(CORRECTIONS_FILE), findings)
            .map(|b| read_corrections(&path, &b, findings))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let linux = if dir.join(LINUX_FILE).exists() {
        let path = display_path(dir, Path::new(LINUX_FILE));
        read_bytes(dir, Path::new(LINUX_FILE), findings)
            .map(|b| read_linux(&path, &b, findings))
            .unwrap_or_default()
    } else {
        LinuxTable::default()
    };
    let hyperv = if dir.join(HYPERV_FILE).exists() {
        let path = display_path(dir, Path::new(HYPERV_FILE));
        read_bytes(dir, Path::new(HYPERV_FILE), findings)
            .map(|b| read_hyperv(&path, &b, findings))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let cpus = if dir.join(CPUS_FILE).exists() {
        let path = display_path(dir, Path::new(CPUS_FILE));
        read_bytes(dir, Path::new(CPUS_FILE), findings)
            .map(|b| read_cpus(&path, &b, findings))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let mut oses = Vec::new();
    for rel in os_files(dir, findings) {
        let path = display_path(dir, &rel);
        if let Some(bytes) = read_bytes(dir, &rel, findings) {
            if let Some(os) = read_os(&path, &bytes, findings) {
                oses.push(os);
            }
        }
    }
    let mut machines = UpstreamMachines::default();
    let mut lines = Vec::new();
    for rel in xml_files(dir, "machines", findings) {
        let path = display_path(dir, &rel);
        let Some(bytes) = read_bytes(dir, &rel, findings) else {
            continue;
        };
        if rel == Path::new(UPSTREAM_MACHINES_FILE) {
            machines = read_upstream_machines(&path, &bytes, findings).unwrap_or_default();
        } else if let Some(line) = read_downstream_machines(&path, &bytes, findings) {
            lines.push(line);
        }
    }
    let mut hosts = Vec::new();
    for rel in xml_files(dir, "hosts", findings) {
        let path = display_path(dir, &rel);
        if let Some(bytes) = read_bytes(dir, &rel, findings) {
            hosts.extend(read_host(&path, &bytes, findings));
        }
    }
    let mut osinfo_releases = Vec::new();
    for rel in xml_files(dir, "osinfo-db", findings) {
        let path = display_path(dir, &rel);
        if let Some(bytes) = read_bytes(dir, &rel, findings) {
            osinfo_releases.extend(read_osinfo_release(&path, &bytes, findings));
        }
    }
    let mut datamaps = Vec::new();
    for rel in xml_files(dir, "datamaps", findings) {
        let path = display_path(dir, &rel);
        if let Some(bytes) = read_bytes(dir, &rel, findings) {
            datamaps.extend(read_datamap(&path, &bytes, findings));
        }
    }
    let mut crosswalks = Vec::new();
    for rel in xml_files(dir, CROSSWALK_DIR, findings) {
        let path = display_path(dir, &rel);
        if let Some(bytes) = read_bytes(dir, &rel, findings) {
            crosswalks.extend(read_crosswalk(&path, &bytes, findings));
        }
    }
    Some(Dataset {
        info: info?,
        devices,
        corrections,
        oses,
        machines,
        lines,
        hosts,
        datamaps,
        linux,
        hyperv,
        cpus,
        osinfo_releases,
        crosswalks,
    })
}

/// The largest number a data file may state: what SQLite stores exactly
/// (a signed 64-bit INTEGER; its JSON functions read larger integers as
/// floating point). Above it a number is refused, never wrapped or clamped.
pub const MAX_NUMBER: u64 = i64::MAX as u64;

/// `s` as a whole number from 0 to `max`: decimal digits only, no sign.
pub fn whole_number(s: &str, max: u64) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse::<u64>().ok().filter(|&n| n <= max)
}
