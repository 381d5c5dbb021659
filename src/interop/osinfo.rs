//! The osinfo-db importer: converts osinfo-db's data tree into guestdb's data
//! files, and derives the facts guestdb states explicitly (virtio generation
//! per device class, chipset support) from osinfo-db's device links.
//!
//! Re-importing the same source changes nothing. A file a contributor edited
//! since the last import is never overwritten: if osinfo-db changed it too,
//! the import is written beside it as `<file>.imported` and reported as a
//! conflict. What each file held when imported is recorded (as a SHA-256) in
//! `osinfo-import.lock` in the data directory.

use crate::error::Error;
use guestdb_data::check::os_path_for_id;
use guestdb_data::diag::{Finding, Findings, LineIndex, Loc, Rule};
use guestdb_data::model::*;
use guestdb_data::resolve::{Effective, Index};
use guestdb_data::xml::{self, Element};
use guestdb_data::{read, write, write_atomic};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The source id imported facts carry (declared in `dataset.xml`).
pub const SOURCE_ID: &str = "osinfo-db";
/// The record of the last import, in the data directory.
pub const LOCK_FILE: &str = "osinfo-import.lock";

const HEADER: &str = "Facts imported from osinfo-db (GPL-2.0-or-later) by 'guestdb import-osinfo'; see data/README.md. \
Edit freely: a re-import never overwrites an edited file.";

/// osinfo-db attributes (`element@attribute`) guestdb does not model yet:
/// counted in the report, not findings.
const NOT_IMPORTED_ATTRIBUTES: &[&str] = &["media@eject-after-install"];

/// osinfo-db elements the importer knows and deliberately leaves out.
const NOT_IMPORTED: &[&str] = &[
    "image",
    "installer",
    "kernel-url-argument",
    "cloud-image-username",
];

/// What an import did.
#[derive(Debug, Default)]
pub struct Report {
    /// OSes read from the source.
    pub oses: usize,
    /// Files written (new or updated), relative to the data directory.
    pub written: Vec<PathBuf>,
    /// Files whose import is unchanged.
    pub unchanged: usize,
    /// Conflicts marked as merged by hand (`merged`), now based on the new import.
    pub merged: Vec<PathBuf>,
    /// Files a contributor edited, kept as they are (osinfo-db did not change them).
    pub kept_edited: Vec<PathBuf>,
    /// Files edited here *and* changed in osinfo-db: kept, import beside them.
    pub conflicts: Vec<PathBuf>,
    /// Files removed because the OS left osinfo-db (and the file was not edited).
    pub removed: Vec<PathBuf>,
    /// Edited files of OSes that left osinfo-db: kept.
    pub orphaned: Vec<PathBuf>,
    /// Datamaps read from the source.
    pub datamaps: usize,
    /// osinfo-db elements left out, with counts.
    pub not_imported: BTreeMap<String, usize>,
    /// Findings of the check run over the data directory after the import.
    pub findings: Vec<Finding>,
}

struct Reader<'a> {
    path: Arc<str>,
    lines: LineIndex<'a>,
    problems: &'a mut Findings,
    not_imported: &'a mut BTreeMap<String, usize>,
    devices: &'a HashMap<String, String>,
    /// Architectures of the cloud images of each OS (by id): not imported
    /// themselves, but they say which arches the OS runs on.
    arch_hints: &'a mut ArchHints,
}

/// OS id → architectures named by elements the importer does not import.
pub type ArchHints = HashMap<String, BTreeSet<String>>;

impl Reader<'_> {
    fn loc(&self, pos: usize) -> Loc {
        self.lines.loc(&self.path, pos)
    }

    fn text(&self, el: &Element) -> Located<String> {
        Located::new(el.text.trim().to_string(), self.loc(el.text_pos))
    }

    fn attr(&self, el: &Element, name: &str) -> Option<String> {
        el.attr(name).map(|a| a.value.trim().to_string())
    }

    fn flag(&mut self, el: &Element, name: &str, default: bool) -> bool {
        match el.attr(name).map(|a| a.value.trim()) {
            None => default,
            Some("true") | Some("yes") | Some("1") => true,
            Some("false") | Some("no") | Some("0") => false,
            Some(other) => {
                let loc = self.loc(el.pos);
                self.problems.push(Finding::new(
                    Rule::InvalidValue,
                    loc,
                    format!("'{name}' is '{other}', not a boolean"),
                ));
                default
            }
        }
    }

    /// Reports every attribute of `el` that is not in `known`: counted as
    /// not imported when [`NOT_IMPORTED_ATTRIBUTES`] names it, else a finding.
    fn attrs(&mut self, el: &Element, known: &[&str]) {
        for a in &el.attrs {
            if known.contains(&a.name.as_str()) {
                continue;
            }
            let what = format!("{}@{}", el.name, a.name);
            if NOT_IMPORTED_ATTRIBUTES.contains(&what.as_str()) {
                self.skip(&what);
            } else {
                let loc = self.loc(a.pos);
                self.problems.push(Finding::new(
                    Rule::UnknownAttribute,
                    loc,
                    format!(
                        "the importer does not know attribute '{}' on <{}>; it would be lost",
                        a.name, el.name
                    ),
                ));
            }
        }
    }

    /// A whole number in `text`, or a finding (never a silent drop).
    fn number(&mut self, text: &Located<String>, what: &str) -> Option<u64> {
        match guestdb_data::read::whole_number(&text.value, guestdb_data::read::MAX_NUMBER) {
            Some(n) => Some(n),
            None => {
                self.problems.push(Finding::new(
                    Rule::InvalidValue,
                    text.loc.clone(),
                    format!(
                        "{what} '{}' is not a whole number from 0 to {}; it would be lost",
                        text.value,
                        guestdb_data::read::MAX_NUMBER
                    ),
                ));
                None
            }
        }
    }

    /// The attribute `name` that `el` needs, or a finding.
    fn required(&mut self, el: &Element, name: &str) -> Option<String> {
        let v = self.attr(el, name);
        if v.is_none() {
            let loc = self.loc(el.pos);
            self.problems.push(Finding::new(
                Rule::MissingAttribute,
                loc,
                format!("<{}> without '{name}' cannot be imported", el.name),
            ));
        }
        v
    }

    fn skip(&mut self, what: &str) {
        *self.not_imported.entry(what.to_string()).or_default() += 1;
    }

    fn unknown(&mut self, parent: &str, el: &Element) {
        if NOT_IMPORTED.contains(&el.name.as_str()) {
            self.skip(&el.name);
        } else {
            let loc = self.loc(el.pos);
            self.problems.push(Finding::new(
                Rule::UnknownElement,
                loc,
                format!("the importer does not know <{}> in <{parent}>", el.name),
            ));
        }
    }

    fn device(&mut self, el: &Element) -> Option<Located<String>> {
        let id = self.attr(el, "id")?;
        let loc = self.loc(el.pos);
        match self.devices.get(&id) {
            Some(name) => Some(Located::new(name.clone(), loc)),
            None => {
                self.problems.push(Finding::new(
                    Rule::UnresolvedReference,
                    loc,
                    format!("osinfo device '{id}' has no entry in devices.xml (add one with osinfo-id=\"{id}\")"),
                ));
                None
            }
        }
    }

    fn date(&mut self, el: &Element) -> Option<Located<Date>> {
        let text = self.text(el);
        match Date::parse(&text.value) {
            Some(d) => Some(Located::new(d, text.loc)),
            None => {
                self.problems.push(Finding::new(
                    Rule::InvalidDate,
                    text.loc,
                    format!("'{}' is not a date", text.value),
                ));
                None
            }
        }
    }

    /// Adds the content of one osinfo `<os>` element to `os`.
    fn os(&mut self, el: &Element, os: &mut OsRecord) {
        self.attrs(el, &["id"]);
        for c in &el.children {
            let leaf = [
                "short-id",
                "name",
                "vendor",
                "family",
                "distro",
                "version",
                "codename",
                "release-date",
                "eol-date",
                "release-status",
            ];
            if leaf.contains(&c.name.as_str()) {
                self.attrs(c, &[]);
            }
            match c.name.as_str() {
                "short-id" => {
                    let s = self.text(c);
                    if !os.short_ids.iter().any(|x| x.value == s.value) {
                        os.short_ids.push(s);
                    }
                }
                "name" => os.name = self.text(c),
                "vendor" => os.vendor = Some(self.text(c)),
                "family" => os.family = Some(self.text(c)),
                "distro" => os.distro = Some(self.text(c)),
                "version" => os.version = Some(self.text(c)),
                "codename" => os.codename = Some(self.text(c)),
                "release-date" => os.release_date = self.date(c),
                "eol-date" => os.eol_date = self.date(c),
                "release-status" => {
                    let t = self.text(c);
                    match ReleaseStatus::parse(&t.value) {
                        Some(s) => os.release_status = s,
                        None => self.problems.push(Finding::new(
                            Rule::InvalidValue,
                            t.loc,
                            format!("release status '{}'", t.value),
                        )),
                    }
                }
                "derives-from" | "clones" | "upgrades" => {
                    self.attrs(c, &["id"]);
                    let Some(id) = self.required(c, "id") else {
                        continue;
                    };
                    let target = Located::new(id, self.loc(c.pos));
                    match c.name.as_str() {
                        "derives-from" => os.derives_from.push(target),
                        "clones" => os.clones.push(target),
                        _ => os.upgrades.push(target),
                    }
                }
                "devices" => {
                    self.attrs(c, &[]);
                    for d in &c.children {
                        if d.name != "device" {
                            self.unknown("devices", d);
                            continue;
                        }
                        self.attrs(d, &["id", "supported"]);
                        let supported = self.flag(d, "supported", true);
                        if let Some(dev) = self.device(d) {
                            // In osinfo-db a later link to the same device wins.
                            os.devices.retain(|l| l.device != dev.value);
                            os.devices.push(DeviceLink {
                                device: dev.value,
                                supported,
                                provenance: Provenance::default(),
                                loc: dev.loc,
                            });
                        }
                    }
                }
                "firmware" => {
                    self.attrs(c, &["arch", "type", "supported"]);
                    let (Some(arch), Some(kind)) =
                        (self.required(c, "arch"), self.required(c, "type"))
                    else {
                        continue;
                    };
                    let Some(kind) = FirmwareType::parse(&kind) else {
                        let loc = self.loc(c.pos);
                        self.problems.push(Finding::new(
                            Rule::InvalidValue,
                            loc,
                            format!("firmware type '{kind}'"),
                        ));
                        continue;
                    };
                    let supported = self.flag(c, "supported", true);
                    os.firmware.retain(|f| !(f.arch == arch && f.kind == kind));
                    os.firmware.push(FirmwareFact {
                        arch,
                        kind,
                        supported,
                        preferred: false,
                        provenance: Provenance::default(),
                        loc: self.loc(c.pos),
                    });
                }
                "variant" => {
                    self.attrs(c, &["id"]);
                    let Some(id) = self.required(c, "id") else {
                        continue;
                    };
                    for n in &c.children {
                        if n.name == "name" {
                            self.attrs(n, &[]);
                        } else {
                            self.unknown("variant", n);
                        }
                    }
                    let name = c
                        .children
                        .iter()
                        .find(|n| n.name == "name")
                        .map(|n| self.text(n).value)
                        .unwrap_or_else(|| id.clone());
                    os.variants.push(Variant {
                        id,
                        name,
                        loc: self.loc(c.pos),
                    });
                }
                "media" => {
                    let media = self.media(c);
                    os.media.push(media);
                }
                "resources" => {
                    let res = self.resources(c);
                    os.resources.push(res);
                }
                "driver" => {
                    let driver = self.driver(c);
                    os.drivers.push(driver);
                }
                "tree" => {
                    let tree = self.tree(c);
                    os.trees.push(tree);
                }
                "image" => {
                    if let Some(arch) = self.attr(c, "arch") {
                        self.arch_hints
                            .entry(os.id.value.clone())
                            .or_default()
                            .insert(arch);
                    }
                    self.skip(&c.name);
                }
                _ => self.unknown("os", c),
            }
        }
    }

    fn media(&mut self, el: &Element) -> Media {
        self.attrs(
            el,
            &[
                "arch",
                "live",
                "installer",
                "installer-reboots",
                "installer-script",
            ],
        );
        let reboots = el
            .attr("installer-reboots")
            .map(|a| Located::new(a.value.trim().to_string(), self.loc(a.pos)));
        let mut m = Media {
            arch: self.attr(el, "arch").unwrap_or_else(|| "all".into()),
            variants: Vec::new(),
            live: self.flag(el, "live", false),
            installer: self.flag(el, "installer", true),
            installer_reboots: reboots
                .and_then(|n| self.number(&n, "installer-reboots"))
                .and_then(|n| u32::try_from(n).ok()),
            installer_script: self.flag(el, "installer-script", true),
            url: None,
            kernel: None,
            initrd: None,
            iso: None,
            loc: self.loc(el.pos),
        };
        for c in &el.children {
            if matches!(c.name.as_str(), "url" | "kernel" | "initrd" | "iso") {
                self.attrs(c, &[]);
            }
            match c.name.as_str() {
                "variant" => {
                    self.attrs(c, &["id"]);
                    if let Some(id) = self.required(c, "id") {
                        m.variants.push(Located::new(id, self.loc(c.pos)));
                    }
                }
                "url" => m.url = Some(self.text(c).value),
                "kernel" => m.kernel = Some(self.text(c).value),
                "initrd" => m.initrd = Some(self.text(c).value),
                "iso" => {
                    let mut iso = IsoPattern::default();
                    for f in &c.children {
                        if f.name == "l10n-language" {
                            self.attrs(f, &["regex", "l10n-language-map"]);
                        } else {
                            self.attrs(f, &[]);
                        }
                        match f.name.as_str() {
                            "volume-id" => iso.volume_id = Some(self.text(f)),
                            "system-id" => iso.system_id = Some(self.text(f)),
                            "publisher-id" => iso.publisher_id = Some(self.text(f)),
                            "application-id" => iso.application_id = Some(self.text(f)),
                            "volume-size" => {
                                let t = self.text(f);
                                iso.volume_size = self.number(&t, "volume-size");
                            }
                            "l10n-language" => {
                                let regex = self.flag(f, "regex", false);
                                iso.languages.push(Language {
                                    value: self.text(f).value,
                                    regex,
                                    map: self.attr(f, "l10n-language-map"),
                                    loc: self.loc(f.pos),
                                });
                            }
                            _ => self.unknown("iso", f),
                        }
                    }
                    m.iso = Some(iso);
                }
                _ => self.unknown("media", c),
            }
        }
        m
    }

    fn tree(&mut self, el: &Element) -> Tree {
        self.attrs(el, &["arch"]);
        let mut t = Tree {
            arch: self.attr(el, "arch").unwrap_or_else(|| "all".into()),
            variants: Vec::new(),
            url: None,
            kernel: None,
            initrd: None,
            boot_iso: None,
            treeinfo: None,
            loc: self.loc(el.pos),
        };
        for c in &el.children {
            if c.name != "variant" {
                self.attrs(c, &[]);
            }
            match c.name.as_str() {
                "variant" => {
                    self.attrs(c, &["id"]);
                    if let Some(id) = self.required(c, "id") {
                        t.variants.push(Located::new(id, self.loc(c.pos)));
                    }
                }
                "url" => t.url = Some(self.text(c).value),
                "kernel" => t.kernel = Some(self.text(c).value),
                "initrd" => t.initrd = Some(self.text(c).value),
                "boot-iso" => t.boot_iso = Some(self.text(c).value),
                "treeinfo" => {
                    let mut info = TreeinfoPattern::default();
                    for f in &c.children {
                        self.attrs(f, &[]);
                        let text = Some(self.text(f));
                        match f.name.as_str() {
                            "family" => info.family = text,
                            "version" => info.version = text,
                            "arch" => info.arch = text,
                            "variant" => info.variant = text,
                            _ => self.unknown("treeinfo", f),
                        }
                    }
                    t.treeinfo = Some(info);
                }
                _ => self.unknown("tree", c),
            }
        }
        t
    }

    fn resources(&mut self, el: &Element) -> Resources {
        self.attrs(el, &["arch", "inherit"]);
        let mut res = Resources {
            arch: self.attr(el, "arch").unwrap_or_else(|| "all".into()),
            inherit: self.flag(el, "inherit", false),
            sets: Vec::new(),
            loc: self.loc(el.pos),
        };
        for c in &el.children {
            let Some(kind) = ResourceKind::ALL.into_iter().find(|k| k.name() == c.name) else {
                self.unknown("resources", c);
                continue;
            };
            self.attrs(c, &[]);
            let mut set = ResourceSet {
                loc: Some(self.loc(c.pos)),
                ..ResourceSet::default()
            };
            for f in &c.children {
                self.attrs(f, &[]);
                let text = self.text(f);
                let value = if matches!(f.name.as_str(), "n-cpus" | "cpu" | "ram" | "storage") {
                    self.number(&text, &f.name)
                } else {
                    None
                };
                match f.name.as_str() {
                    "n-cpus" => set.n_cpus = value,
                    "cpu" => set.cpu = value,
                    "ram" => set.ram = value,
                    "storage" => set.storage = value,
                    _ => self.unknown(&c.name, f),
                }
            }
            res.sets.push((kind, set));
        }
        res
    }

    fn driver(&mut self, el: &Element) -> Driver {
        self.attrs(el, &["arch", "location", "pre-installable", "signed"]);
        let mut d = Driver {
            arch: self.attr(el, "arch").unwrap_or_else(|| "all".into()),
            location: self.attr(el, "location").unwrap_or_default(),
            pre_installable: self.flag(el, "pre-installable", false),
            signed: self.flag(el, "signed", true),
            devices: Vec::new(),
            loc: self.loc(el.pos),
        };
        for c in &el.children {
            match c.name.as_str() {
                "device" => {
                    self.attrs(c, &["id"]);
                    if let Some(dev) = self.device(c) {
                        d.devices.push(dev);
                    }
                }
                "file" => self.skip("driver/file"),
                _ => self.unknown("driver", c),
            }
        }
        d
    }
}

/// The OS source files of an osinfo-db data tree: `os/**/*.xml.in`, sorted.
/// (`*.xml.in.in` files are templates that generate files already present.)
fn source_files(src: &Path) -> Result<Vec<PathBuf>, Error> {
    let (files, errors) = read::files_below(src, Path::new("os"), |name| name.ends_with(".xml.in"));
    if let Some((rel, e)) = errors.into_iter().next() {
        return Err(Error::Io {
            path: src.join(rel).display().to_string(),
            source: e,
        });
    }
    Ok(files.into_iter().map(|rel| src.join(rel)).collect())
}

/// Reads the datamaps of an osinfo-db tree (`datamap/**/*.xml.in`).
pub fn read_osinfo_datamaps(src: &Path, problems: &mut Findings) -> Result<Vec<Datamap>, Error> {
    let (files, errors) =
        read::files_below(src, Path::new("datamap"), |name| name.ends_with(".xml.in"));
    if let Some((rel, e)) = errors.into_iter().next() {
        return Err(Error::Io {
            path: src.join(rel).display().to_string(),
            source: e,
        });
    }
    let mut maps = Vec::new();
    for rel in files {
        let file = src.join(rel);
        let shown: Arc<str> = Arc::from(file.display().to_string().as_str());
        let text = std::fs::read_to_string(&file).map_err(|e| Error::Io {
            path: shown.to_string(),
            source: e,
        })?;
        let root = match xml::parse(&text) {
            Ok(r) => r,
            Err(e) => {
                problems.push(Finding::new(
                    Rule::XmlSyntax,
                    LineIndex::new(&text).loc(&shown, e.pos),
                    e.message,
                ));
                continue;
            }
        };
        let lines = LineIndex::new(&text);
        for el in &root.children {
            let loc = lines.loc(&shown, el.pos);
            if el.name != "datamap" {
                problems.push(Finding::new(
                    Rule::UnknownElement,
                    loc,
                    format!("the importer does not know <{}> in a datamap file", el.name),
                ));
                continue;
            }
            let Some(id) = el.attr("id").map(|a| a.value.trim().to_string()) else {
                problems.push(Finding::new(
                    Rule::MissingAttribute,
                    loc,
                    "<datamap> without an id",
                ));
                continue;
            };
            let mut entries = Vec::new();
            for e in &el.children {
                let at = lines.loc(&shown, e.pos);
                match (e.name.as_str(), e.attr("inval"), e.attr("outval")) {
                    ("entry", Some(i), Some(o)) => entries.push((i.value.clone(), o.value.clone(), at)),
                    _ => problems.push(Finding::new(
                        Rule::UnknownElement,
                        at,
                        format!("the importer expects <entry inval=\"..\" outval=\"..\"/> in <datamap>, found <{}>", e.name),
                    )),
                }
            }
            maps.push(Datamap {
                id: Located::new(id, loc.clone()),
                entries,
                provenance: Provenance {
                    source: Some(Located::new(SOURCE_ID.to_string(), loc.clone())),
                    note: None,
                },
                loc,
            });
        }
    }
    Ok(maps)
}

/// Reads every OS of an osinfo-db tree into guestdb records (without the
/// derived facts), merging the files that describe one OS.
pub fn read_osinfo(
    src: &Path,
    devices: &[Device],
    problems: &mut Findings,
    not_imported: &mut BTreeMap<String, usize>,
    arch_hints: &mut ArchHints,
) -> Result<Vec<OsRecord>, Error> {
    let by_osinfo: HashMap<String, String> = devices
        .iter()
        .filter_map(|d| {
            d.osinfo_id
                .as_ref()
                .map(|o| (o.value.clone(), d.name.value.clone()))
        })
        .collect();
    let mut oses: BTreeMap<String, OsRecord> = BTreeMap::new();
    for file in source_files(src)? {
        let shown: Arc<str> = Arc::from(file.display().to_string().as_str());
        let bytes = std::fs::read(&file).map_err(|e| Error::Io {
            path: shown.to_string(),
            source: e,
        })?;
        let Ok(text) = String::from_utf8(bytes) else {
            problems.push(Finding::new(Rule::Encoding, Loc::file(&shown), "not UTF-8"));
            continue;
        };
        let root = match xml::parse(&text) {
            Ok(r) => r,
            Err(e) => {
                problems.push(Finding::new(
                    Rule::XmlSyntax,
                    LineIndex::new(&text).loc(&shown, e.pos),
                    e.message,
                ));
                continue;
            }
        };
        let mut r = Reader {
            path: shown.clone(),
            lines: LineIndex::new(&text),
            problems,
            not_imported,
            devices: &by_osinfo,
            arch_hints,
        };
        for el in &root.children {
            if el.name != "os" {
                r.unknown("libosinfo", el);
                continue;
            }
            let Some(id) = r.attr(el, "id") else {
                let loc = r.loc(el.pos);
                r.problems.push(Finding::new(
                    Rule::MissingAttribute,
                    loc,
                    "<os> without an id",
                ));
                continue;
            };
            let loc = r.loc(el.pos);
            let os = oses
                .entry(id.clone())
                .or_insert_with(|| OsRecord::new(Located::new(id, loc)));
            r.os(el, os);
        }
    }
    let mut out: Vec<OsRecord> = oses.into_values().collect();
    for os in &mut out {
        os.source = Some(Located::new(SOURCE_ID.to_string(), os.loc.clone()));
        if os.name.value.is_empty() {
            os.name.value = os
                .short_ids
                .first()
                .map(|s| s.value.clone())
                .unwrap_or_else(|| os.id.value.clone());
        }
    }
    Ok(out)
}

fn is_x86(arch: &str) -> bool {
    matches!(arch, "i386" | "i486" | "i586" | "i686" | "x86_64")
}

fn describe(data: &Dataset, dev: &Device, from: Option<usize>) -> String {
    let pci = dev
        .pci
        .as_ref()
        .map(|p| format!(" ({})", p.value))
        .unwrap_or_default();
    match from.and_then(|i| data.oses.get(i)) {
        Some(o) => {
            let who = o
                .short_ids
                .first()
                .map(|s| s.value.as_str())
                .unwrap_or(&o.id.value);
            format!("{}{pci} inherited from {who}", dev.name.value)
        }
        None => format!("{}{pci}", dev.name.value),
    }
}

/// Adds the virtio and chipset facts that osinfo-db's device links imply;
/// the i440fx fact only for OSes with an x86 architecture (of media,
/// resources, firmware, drivers, or the trees and images in `arch_hints`);
/// for an OS whose architectures osinfo-db does not name, no chipset is
/// stated (unknown).
pub fn derive_facts(data: &mut Dataset, arch_hints: &ArchHints) {
    let index = Index::new(data);
    let catalogue: HashMap<&str, &Device> = data
        .devices
        .iter()
        .map(|d| (d.name.value.as_str(), d))
        .collect();
    let mut derived: Vec<(Vec<VirtioFact>, Vec<ChipsetFact>)> = Vec::new();
    for (i, os) in data.oses.iter().enumerate() {
        let resolved = guestdb_data::resolve::resolve(data, &index, i);
        let mut virtio = Vec::new();
        for class in VirtioClass::ALL {
            let links: Vec<(&Effective<DeviceLink>, &Device, Generation)> = resolved
                .devices
                .iter()
                .filter_map(|e| {
                    let dev = *catalogue.get(e.fact.device.as_str())?;
                    (dev.virtio_type == Some(class.virtio_type)).then_some((
                        e,
                        dev,
                        dev.generation?,
                    ))
                })
                .collect();
            let legacy = links.iter().any(|(_, _, g)| *g == Generation::Legacy);
            let modern = links.iter().any(|(_, _, g)| *g == Generation::Modern);
            if legacy || modern {
                let what: Vec<String> = links
                    .iter()
                    .map(|(e, d, _)| describe(data, d, e.inherited_from))
                    .collect();
                virtio.push(VirtioFact {
                    class,
                    arch: "all".into(),
                    legacy,
                    modern,
                    unknown: false,
                    driver: None,
                    since: None,
                    exception: None,
                    derived: false,
                    provenance: Provenance {
                        source: None,
                        note: Some(format!(
                            "derived from osinfo-db device links: {}",
                            what.join(", ")
                        )),
                    },
                    loc: os.loc.clone(),
                });
                continue;
            }
            // No in-box driver: a driver package osinfo-db lists for this OS.
            let mut arches = BTreeSet::new();
            let (mut legacy, mut modern, mut package) = (false, false, None);
            for drv in &os.drivers {
                for d in &drv.devices {
                    let Some(dev) = catalogue.get(d.value.as_str()) else {
                        continue;
                    };
                    if dev.virtio_type != Some(class.virtio_type) {
                        continue;
                    }
                    arches.insert(drv.arch.as_str());
                    legacy |= dev.generation == Some(Generation::Legacy);
                    modern |= dev.generation == Some(Generation::Modern);
                    if drv.location.contains("virtio-win") {
                        package = Some("virtio-win");
                    }
                }
            }
            if !(legacy || modern) {
                // osinfo-db removes this class's devices here (supported="false"):
                // say so, or the facts of the OSes it derives from would apply.
                let removed: Vec<&str> = os
                    .devices
                    .iter()
                    .filter(|l| !l.supported)
                    .filter(|l| {
                        catalogue
                            .get(l.device.as_str())
                            .is_some_and(|d| d.virtio_type == Some(class.virtio_type))
                    })
                    .map(|l| l.device.as_str())
                    .collect();
                if !removed.is_empty() {
                    virtio.push(VirtioFact {
                        class,
                        arch: "all".into(),
                        legacy: false,
                        modern: false,
                        unknown: false,
                        driver: None,
                        since: None,
                        exception: None,
                        derived: false,
                        provenance: Provenance {
                            source: None,
                            note: Some(format!(
                                "derived from osinfo-db, which marks {} unsupported here",
                                removed.join(", ")
                            )),
                        },
                        loc: os.loc.clone(),
                    });
                }
                continue;
            }
            {
                let arches: Vec<&str> = arches.into_iter().collect();
                virtio.push(VirtioFact {
                    class,
                    arch: "all".into(),
                    legacy,
                    modern,
                    unknown: false,
                    driver: Some(package.unwrap_or("vendor-driver").to_string()),
                    since: None,
                    exception: None,
                    derived: false,
                    provenance: Provenance {
                        source: None,
                        note: Some(format!(
                            "derived from the driver packages osinfo-db lists for {}",
                            arches.join(", ")
                        )),
                    },
                    loc: os.loc.clone(),
                });
            }
        }
        let mut chipsets = Vec::new();
        let x86 = os
            .media
            .iter()
            .map(|m| m.arch.as_str())
            .chain(os.resources.iter().map(|r| r.arch.as_str()))
            .chain(resolved.firmware.iter().map(|f| f.fact.arch.as_str()))
            .chain(os.drivers.iter().map(|d| d.arch.as_str()))
            .chain(
                arch_hints
                    .get(&os.id.value)
                    .into_iter()
                    .flatten()
                    .map(String::as_str),
            )
            .any(is_x86);
        if x86 {
            chipsets.push(ChipsetFact {
                chipset: Chipset::I440fx,
                arch: "all".into(),
                supported: true,
                exception: None,
                derived: false,
                provenance: Provenance {
                    source: Some(Located::new("guestdb".into(), os.loc.clone())),
                    note: Some("osinfo-db states no i440fx fact; every x86 guest it lists boots on QEMU's default i440fx PC machine".into()),
                },
                loc: os.loc.clone(),
            });
        }
        if let Some(e) = resolved.devices.iter().find(|e| {
            catalogue
                .get(e.fact.device.as_str())
                .is_some_and(|d| d.class == "chipset" && d.name.value == "qemu-x86-q35")
        }) {
            let dev = catalogue[e.fact.device.as_str()];
            chipsets.push(ChipsetFact {
                chipset: Chipset::Q35,
                arch: "all".into(),
                supported: true,
                exception: None,
                derived: false,
                provenance: Provenance {
                    source: None,
                    note: Some(format!(
                        "derived from osinfo-db device link {}",
                        describe(data, dev, e.inherited_from)
                    )),
                },
                loc: os.loc.clone(),
            });
        }
        derived.push((virtio, chipsets));
    }
    for (os, (virtio, chipsets)) in data.oses.iter_mut().zip(derived) {
        os.virtio = virtio;
        os.chipsets = chipsets;
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `osinfo-import.lock`: relative path → SHA-256 of the file as imported.
fn read_lock(out: &Path) -> Result<BTreeMap<String, String>, Error> {
    let path = out.join(LOCK_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => {
            return Err(Error::Io {
                path: path.display().to_string(),
                source: e,
            })
        }
    };
    let mut map = BTreeMap::new();
    let mut bad = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let at = |col: usize, what: String| {
            format!("{}:{}:{col}: error[lock]: {what}", path.display(), n + 1)
        };
        let Some((hash, file)) = line.split_once("  ") else {
            bad.push(at(1, "expected '<sha256>  <path>'".into()));
            continue;
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            bad.push(at(1, format!("'{hash}' is not a SHA-256 (64 hex digits)")));
            continue;
        }
        if let Err(why) = check_lock_path(file) {
            bad.push(at(hash.len() + 3, format!("path '{file}' {why}; the lock names only files os/.../NAME.xml and datamaps/.../NAME.xml inside the data directory")));
            continue;
        }
        map.insert(file.to_string(), hash.to_string());
    }
    if !bad.is_empty() {
        return Err(Error::Other(format!(
            "{}\nthe lock is not what 'guestdb import-osinfo' writes; nothing was imported, written or removed",
            bad.join("\n")
        )));
    }
    Ok(map)
}

/// Whether a lock entry may name a file the importer writes or removes:
/// relative, below `os/`, a `.xml` file, with no `..`, `.` or empty part.
fn check_lock_path(file: &str) -> Result<(), &'static str> {
    if file.starts_with('/') || file.contains('\\') {
        return Err("is not a relative path with '/' separators");
    }
    let parts: Vec<&str> = file.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err("has an empty, '.' or '..' part");
    }
    if parts.len() < 2 || !matches!(parts[0], "os" | "datamaps") {
        return Err("is not below os/ or datamaps/");
    }
    if !file.ends_with(".xml") || file.chars().any(char::is_control) {
        return Err("is not an .xml file name");
    }
    Ok(())
}

fn write_lock(out: &Path, lock: &BTreeMap<String, String>, source: &Source) -> Result<(), Error> {
    let snapshot = source
        .snapshot
        .map(|d| d.to_string())
        .unwrap_or_else(|| "undated".into());
    let mut text = format!(
        "# Written by 'guestdb import-osinfo': the SHA-256 of each OS file as last imported.\n\
         # Source: {} ({}), snapshot {snapshot}, as declared in dataset.xml.\n\
         # A file whose content no longer matches was edited here; re-imports leave it alone.\n",
        source.name,
        source.url.as_deref().unwrap_or("-"),
    );
    for (file, hash) in lock {
        text.push_str(&format!("{hash}  {file}\n"));
    }
    let path = out.join(LOCK_FILE);
    write_atomic(&path, text.as_bytes()).map_err(|e| Error::Io {
        path: path.display().to_string(),
        source: e,
    })
}

/// Puts one imported file in place under `out`, keeping edits made here:
/// unchanged, written (new, or not edited since the last import), kept
/// (edited here, osinfo-db unchanged) or a conflict (`FILE.imported` beside it).
fn place(
    out: &Path,
    rel: PathBuf,
    text: &str,
    lock: &mut BTreeMap<String, String>,
    new_lock: &mut BTreeMap<String, String>,
    report: &mut Report,
) -> Result<(), Error> {
    let key = rel.to_string_lossy().replace('\\', "/");
    let new_hash = sha256_hex(text.as_bytes());
    let path = out.join(&rel);
    let current = std::fs::read(&path).ok();
    let recorded = lock.remove(&key);
    let write_file = |p: &Path, bytes: &[u8]| -> Result<(), Error> {
        if let Some(dir) = p.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::Io {
                path: dir.display().to_string(),
                source: e,
            })?;
        }
        write_atomic(p, bytes).map_err(|e| Error::Io {
            path: p.display().to_string(),
            source: e,
        })
    };
    match (current, recorded) {
        (Some(cur), _) if cur == text.as_bytes() => {
            report.unchanged += 1;
            new_lock.insert(key, new_hash);
        }
        (None, _) => {
            write_file(&path, text.as_bytes())?;
            report.written.push(rel);
            new_lock.insert(key, new_hash);
        }
        (Some(cur), Some(old)) if sha256_hex(&cur) == old => {
            // Not edited since the last import: take osinfo-db's update.
            write_file(&path, text.as_bytes())?;
            report.written.push(rel);
            new_lock.insert(key, new_hash);
        }
        (Some(_), Some(old)) if old == new_hash => {
            // Edited here; osinfo-db unchanged: keep the edit.
            report.kept_edited.push(rel);
            new_lock.insert(key, old);
        }
        (Some(_), old) => {
            // Edited here (or never imported) and osinfo-db says otherwise.
            let mut beside = path.clone().into_os_string();
            beside.push(".imported");
            write_file(Path::new(&beside), text.as_bytes())?;
            report.conflicts.push(rel);
            if let Some(old) = old {
                new_lock.insert(key, old);
            }
        }
    }
    Ok(())
}

/// Imports the osinfo-db tree at `src` into the guestdb data directory `out`
/// (which must already hold `dataset.xml` and `devices.xml`).
///
/// With `merged`, every `FILE.imported` left by an earlier conflict is taken
/// as merged into FILE by hand: its content becomes FILE's import base in the
/// lock, and it is removed.
pub fn import(src: &Path, out: &Path, merged: bool) -> Result<Report, Error> {
    if !src.join("os").is_dir() {
        return Err(Error::Other(format!(
            "{}: not an osinfo-db data directory (it has no os/ folder)",
            src.display()
        )));
    }
    let mut findings = Findings::default();
    let info_path: Arc<str> =
        Arc::from(out.join(read::DATASET_FILE).display().to_string().as_str());
    let dev_path: Arc<str> = Arc::from(out.join(read::DEVICES_FILE).display().to_string().as_str());
    let load = |p: &Arc<str>| {
        std::fs::read(p.as_ref()).map_err(|e| Error::Io {
            path: p.to_string(),
            source: e,
        })
    };
    let info = read::read_dataset_info(&info_path, &load(&info_path)?, &mut findings);
    let devices = read::read_devices(&dev_path, &load(&dev_path)?, &mut findings);
    let Some(info) = info.filter(|_| findings.is_empty()) else {
        return Err(Error::Data(findings.sorted()));
    };
    let Some(source) = info
        .sources
        .iter()
        .find(|s| s.id.value == SOURCE_ID)
        .cloned()
    else {
        return Err(Error::Other(format!(
            "{info_path}: declare the source first: <source id=\"{SOURCE_ID}\" name=\"osinfo-db\" snapshot=\"YYYY-MM-DD\" .../>"
        )));
    };

    let mut report = Report::default();
    let mut arch_hints = ArchHints::new();
    let oses = read_osinfo(
        src,
        &devices,
        &mut findings,
        &mut report.not_imported,
        &mut arch_hints,
    )?;
    let datamaps = read_osinfo_datamaps(src, &mut findings)?;
    if !findings.is_empty() {
        return Err(Error::Data(findings.sorted()));
    }
    report.oses = oses.len();
    report.datamaps = datamaps.len();
    let mut data = Dataset {
        info,
        devices,
        corrections: Vec::new(),
        oses,
        machines: Default::default(),
        lines: Vec::new(),
        hosts: Vec::new(),
        datamaps: Vec::new(),
        linux: Default::default(),
    };
    derive_facts(&mut data, &arch_hints);

    let mut lock = read_lock(out)?;
    if merged {
        let (mut files, _) =
            read::files_below(out, Path::new("os"), |n| n.ends_with(".xml.imported"));
        files.extend(
            read::files_below(out, Path::new("datamaps"), |n| n.ends_with(".xml.imported")).0,
        );
        for rel in files {
            let path = out.join(&rel);
            let bytes = std::fs::read(&path).map_err(|e| Error::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            let key = rel
                .to_string_lossy()
                .trim_end_matches(".imported")
                .replace('\\', "/");
            lock.insert(key.clone(), sha256_hex(&bytes));
            std::fs::remove_file(&path).map_err(|e| Error::Io {
                path: path.display().to_string(),
                source: e,
            })?;
            report.merged.push(PathBuf::from(key));
        }
    }
    let mut new_lock = BTreeMap::new();
    let mut seen_paths: HashMap<PathBuf, &str> = HashMap::new();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for os in &data.oses {
        let Some(rel) = os_path_for_id(&os.id.value) else {
            return Err(Error::Other(format!(
                "{}: OS id '{}' gives no file name",
                os.loc, os.id.value
            )));
        };
        if let Some(other) = seen_paths.insert(rel.clone(), &os.id.value) {
            return Err(Error::Other(format!(
                "OS ids '{other}' and '{}' both map to {}",
                os.id.value,
                rel.display()
            )));
        }
        files.push((rel, write::write_os(os, Some(HEADER))));
    }
    for map in &datamaps {
        let Some(rel) = guestdb_data::check::path_for_id("datamaps", &map.id.value) else {
            return Err(Error::Other(format!(
                "{}: datamap id '{}' gives no file name",
                map.loc, map.id.value
            )));
        };
        files.push((rel, write::write_datamap(map, Some(HEADER))));
    }
    for (rel, text) in files {
        place(out, rel, &text, &mut lock, &mut new_lock, &mut report)?;
    }
    // OSes (and datamaps) that left osinfo-db.
    for (key, old) in lock {
        let path = out.join(&key);
        match std::fs::read(&path) {
            Ok(cur) if sha256_hex(&cur) == old => {
                std::fs::remove_file(&path).map_err(|e| Error::Io {
                    path: path.display().to_string(),
                    source: e,
                })?;
                report.removed.push(PathBuf::from(key));
            }
            Ok(_) => {
                report.orphaned.push(PathBuf::from(&key));
                new_lock.insert(key, old);
            }
            Err(_) => {}
        }
    }
    write_lock(out, &new_lock, &source)?;
    if let Err(found) = guestdb_data::load_dir(out) {
        report.findings = found;
    }
    Ok(report)
}
