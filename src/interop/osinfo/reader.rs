//! Reading osinfo-db's data tree: its OS files (`os/**/*.xml.in`, several
//! files may describe one OS) and datamaps, into guestdb records. Every
//! element or attribute it cannot carry over is a finding, except those
//! counted as not imported.

use super::{NOT_IMPORTED, NOT_IMPORTED_ATTRIBUTES, SOURCE_ID};
use crate::error::Error;
use guestdb_data::diag::{Finding, Findings, LineIndex, Loc, Rule};
use guestdb_data::model::*;
use guestdb_data::read;
use guestdb_data::xml::{self, Element};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
                            os.devices.push(DeviceLink::with(
                                "all",
                                DeviceSupport {
                                    device: dev.value,
                                    supported,
                                },
                                Provenance {
                                    loc: dev.loc,
                                    ..Provenance::default()
                                },
                            ));
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
                    let at = self.loc(c.pos);
                    os.firmware.push(FirmwareFact::with(
                        &arch,
                        FirmwareSupport {
                            kind,
                            supported,
                            preferred: false,
                        },
                        Provenance {
                            loc: at,
                            ..Provenance::default()
                        },
                    ));
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
        return Err(Error::io(src.join(rel))(e));
    }
    Ok(files.into_iter().map(|rel| src.join(rel)).collect())
}

/// Reads the datamaps of an osinfo-db tree (`datamap/**/*.xml.in`).
pub fn read_osinfo_datamaps(src: &Path, problems: &mut Findings) -> Result<Vec<Datamap>, Error> {
    let (files, errors) =
        read::files_below(src, Path::new("datamap"), |name| name.ends_with(".xml.in"));
    if let Some((rel, e)) = errors.into_iter().next() {
        return Err(Error::io(src.join(rel))(e));
    }
    let mut maps = Vec::new();
    for rel in files {
        let file = src.join(rel);
        let shown: Arc<str> = Arc::from(file.display().to_string().as_str());
        let text = crate::input::read_to_string(&file, crate::input::OSINFO_XML)?;
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
                    loc: loc.clone(),
                    ..Provenance::default()
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
        let bytes = crate::input::read(&file, crate::input::OSINFO_XML)?;
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
