//! The writer: records back to data files, in the canonical layout that
//! contributors see. `read::read_os(write_os(os))` gives back `os`.

use crate::model::*;
use quick_xml::escape::partial_escape;
use std::fmt::Write;

struct Out {
    s: String,
}

impl Out {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.s.push_str("  ");
        }
        self.s.push_str(text);
        self.s.push('\n');
    }

    fn text_el(&mut self, depth: usize, name: &str, value: &str) {
        self.text_el_with(depth, name, "", value);
    }

    /// A text element whose start tag carries `attrs` (already rendered).
    fn text_el_with(&mut self, depth: usize, name: &str, attrs: &str, value: &str) {
        self.line(
            depth,
            &format!("<{name}{attrs}>{}</{name}>", partial_escape(value)),
        );
    }
}

/// ` name="value"` with the value escaped. Only what must be is escaped
/// (`<`, `>`, `&`, `"`), so apostrophes stay readable.
fn attr(name: &str, value: &str) -> String {
    let value = partial_escape(value)
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;");
    format!(" {name}=\"{value}\"")
}

fn opt_attr(name: &str, value: Option<&str>) -> String {
    value.map(|v| attr(name, v)).unwrap_or_default()
}

fn bool_attr(name: &str, value: bool) -> String {
    attr(name, if value { "true" } else { "false" })
}

/// The attributes of a fact's provenance: `exception`, `source`, `note`
/// (each where it has one). Every fact kind writes its provenance here.
fn prov(p: &Provenance) -> String {
    opt_attr("exception", p.exception.as_deref())
        + &opt_attr("source", p.source.as_ref().map(|s| s.value.as_str()))
        + &opt_attr("note", p.note.as_deref())
}

/// The `source`/`note` attributes an OS states for one of its plain facts.
fn fact_prov(os: &OsRecord, fact: &str) -> String {
    os.fact_source(fact).map(prov).unwrap_or_default()
}

fn arch_attr(arch: &str) -> String {
    if arch == "all" {
        String::new()
    } else {
        attr("arch", arch)
    }
}

/// The text of an OS file. `header` becomes a comment after the XML declaration.
pub fn write_os(os: &OsRecord, header: Option<&str>) -> String {
    let mut o = Out {
        s: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
    };
    if let Some(h) = header {
        o.line(0, &format!("<!-- {} -->", h.replace("--", "- -")));
    }
    o.line(
        0,
        &format!(
            "<os{}{}>",
            attr("id", &os.id.value),
            opt_attr("source", os.source.as_ref().map(|s| s.value.as_str()))
        ),
    );
    for (kind, list) in [("short-id", &os.short_ids), ("alias", &os.aliases)] {
        for s in list {
            let attrs = fact_prov(os, &format!("{kind} {}", s.value));
            o.text_el_with(1, kind, &attrs, &s.value);
        }
    }
    o.text_el_with(1, "name", &fact_prov(os, "name"), &os.name.value);
    let opt = [
        ("vendor", &os.vendor),
        ("family", &os.family),
        ("distro", &os.distro),
        ("version", &os.version),
        ("codename", &os.codename),
    ];
    for (name, value) in opt {
        if let Some(v) = value {
            o.text_el_with(1, name, &fact_prov(os, name), &v.value);
        }
    }
    for (name, date) in [
        ("release-date", &os.release_date),
        ("eol-date", &os.eol_date),
    ] {
        if let Some(d) = date {
            o.text_el_with(1, name, &fact_prov(os, name), &d.value.to_string());
        }
    }
    if os.release_status != ReleaseStatus::Released {
        let attrs = fact_prov(os, "release-status");
        o.text_el_with(1, "release-status", &attrs, os.release_status.name());
    }
    if !os.lifecycle.is_empty() {
        o.line(1, "<lifecycle>");
        for p in &os.lifecycle {
            o.line(
                2,
                &format!(
                    "<phase{}{}{}{}{}/>",
                    attr("name", p.phase.name()),
                    attr("end", &p.end.to_string()),
                    opt_attr("label", p.label.as_deref()),
                    opt_attr("expected", p.expected.map(|d| d.to_string()).as_deref()),
                    prov(&p.provenance)
                ),
            );
        }
        o.line(1, "</lifecycle>");
    }
    for (name, list) in [
        ("derives-from", &os.derives_from),
        ("clones", &os.clones),
        ("upgrades", &os.upgrades),
    ] {
        for t in list {
            let attrs = fact_prov(os, &format!("{name} {}", t.value));
            o.line(1, &format!("<{name}{}{attrs}/>", attr("id", &t.value)));
        }
    }
    if os.kernel.is_some() || !os.arch_kernels.is_empty() {
        o.s.push('\n');
    }
    for k in os.kernel.iter().chain(&os.arch_kernels) {
        o.line(
            1,
            &format!(
                "<kernel{}{}{}{}/>",
                arch_attr(&k.arch),
                attr("version", &k.version.to_string()),
                opt_attr("package", k.package.as_deref()),
                prov(&k.provenance)
            ),
        );
    }
    if !(os.virtio.iter().all(|v| v.derived())
        && os.chipsets.iter().all(|c| c.derived())
        && os.firmware.is_empty()
        && os.secure_boot.is_empty()
        && os.tpm.is_empty())
    {
        o.s.push('\n');
    }
    // Derived facts are not written: loading the file derives them again.
    for v in os.virtio.iter().filter(|v| !v.derived()) {
        let generations = if v.unknown {
            bool_attr("unknown", true)
        } else {
            format!(
                "{}{}",
                bool_attr("legacy", v.legacy),
                bool_attr("modern", v.modern)
            )
        };
        o.line(
            1,
            &format!(
                "<virtio{}{}{generations}{}{}{}/>",
                attr("class", v.class.name),
                arch_attr(&v.arch),
                opt_attr("driver", v.driver.as_deref()),
                opt_attr("since", v.since.as_deref()),
                prov(&v.provenance)
            ),
        );
    }
    for c in os.chipsets.iter().filter(|c| !c.derived()) {
        o.line(
            1,
            &format!(
                "<chipset{}{}{}{}{}/>",
                attr("name", c.chipset.name()),
                arch_attr(&c.arch),
                bool_attr("supported", c.supported),
                if c.preferred {
                    bool_attr("preferred", true)
                } else {
                    String::new()
                },
                prov(&c.provenance)
            ),
        );
    }
    for f in &os.firmware {
        o.line(
            1,
            &format!(
                "<firmware{}{}{}{}{}/>",
                attr("arch", &f.arch),
                attr("type", f.kind.name()),
                bool_attr("supported", f.supported),
                if f.preferred {
                    bool_attr("preferred", true)
                } else {
                    String::new()
                },
                prov(&f.provenance)
            ),
        );
    }
    for sb in &os.secure_boot {
        o.line(
            1,
            &format!(
                "<secure-boot{}{}{}{}/>",
                attr("arch", &sb.arch),
                bool_attr("supported", sb.supported),
                bool_attr("required", sb.required),
                prov(&sb.provenance)
            ),
        );
    }
    for t in &os.tpm {
        o.line(
            1,
            &format!(
                "<tpm{}{}{}{}{}/>",
                arch_attr(&t.arch),
                attr("version", &t.version),
                bool_attr("supported", t.supported),
                bool_attr("required", t.required),
                prov(&t.provenance)
            ),
        );
    }
    for c in &os.clock {
        o.line(
            1,
            &format!(
                "<clock{}{}{}/>",
                arch_attr(&c.arch),
                attr("offset", c.offset.name()),
                prov(&c.provenance)
            ),
        );
    }
    for r in &os.roles {
        let supported = if r.supported {
            String::new()
        } else {
            bool_attr("supported", false)
        };
        o.line(
            1,
            &format!(
                "<role{}{supported}{}/>",
                attr("name", r.role.name()),
                prov(&r.provenance)
            ),
        );
    }
    for c in &os.cpu_levels {
        o.line(
            1,
            &format!(
                "<cpu-level{}{}{}/>",
                attr("arch", &c.arch),
                attr("min", CPU_LEVELS[usize::from(c.min.clamp(1, 4)) - 1]),
                prov(&c.provenance)
            ),
        );
    }
    for a in &os.agents {
        let supported = if a.supported {
            String::new()
        } else {
            bool_attr("supported", false)
        };
        o.line(
            1,
            &format!(
                "<agent{}{}{supported}{}{}/>",
                attr("name", &a.name),
                arch_attr(&a.arch),
                opt_attr("driver", a.driver.as_deref()),
                prov(&a.provenance)
            ),
        );
    }
    if !os.devices.is_empty() {
        o.s.push('\n');
    }
    for d in &os.devices {
        let supported = if d.supported {
            String::new()
        } else {
            bool_attr("supported", false)
        };
        o.line(
            1,
            &format!(
                "<device{}{}{}/>",
                attr("ref", &d.device),
                supported,
                prov(&d.provenance)
            ),
        );
    }
    for (n, d) in os.drivers.iter().enumerate() {
        o.s.push('\n');
        o.line(
            1,
            &format!(
                "<driver{}{}{}{}{}>",
                attr("arch", &d.arch),
                attr("location", &d.location),
                bool_attr("pre-installable", d.pre_installable),
                bool_attr("signed", d.signed),
                fact_prov(os, &format!("driver {n}"))
            ),
        );
        for dev in &d.devices {
            o.line(2, &format!("<device{}/>", attr("ref", &dev.value)));
        }
        o.line(1, "</driver>");
    }
    if !os.variants.is_empty() {
        o.s.push('\n');
    }
    for v in &os.variants {
        let attrs = fact_prov(os, &format!("variant {}", v.id));
        o.line(1, &format!("<variant{}{attrs}>", attr("id", &v.id)));
        o.text_el(2, "name", &v.name);
        o.line(1, "</variant>");
    }
    for (n, m) in os.media.iter().enumerate() {
        o.s.push('\n');
        write_media(&mut o, m, &fact_prov(os, &format!("media {n}")));
    }
    for (n, t) in os.trees.iter().enumerate() {
        o.s.push('\n');
        write_tree(&mut o, t, &fact_prov(os, &format!("tree {n}")));
    }
    for (n, r) in os.resources.iter().enumerate() {
        o.s.push('\n');
        let head = format!(
            "<resources{}{}{}",
            attr("arch", &r.arch),
            if r.inherit {
                bool_attr("inherit", true)
            } else {
                String::new()
            },
            fact_prov(os, &format!("resources {n}"))
        );
        if r.sets.is_empty() {
            o.line(1, &format!("{head}/>"));
            continue;
        }
        o.line(1, &format!("{head}>"));
        for (kind, set) in &r.sets {
            let mut line = format!("<{}", kind.name());
            for (name, v) in [
                ("n-cpus", set.n_cpus),
                ("cpu", set.cpu),
                ("ram", set.ram),
                ("storage", set.storage),
            ] {
                if let Some(v) = v {
                    let _ = write!(line, " {name}=\"{v}\"");
                }
            }
            line.push_str("/>");
            o.line(2, &line);
        }
        o.line(1, "</resources>");
    }
    o.line(0, "</os>");
    o.s
}

fn write_tree(o: &mut Out, t: &Tree, provenance: &str) {
    o.line(1, &format!("<tree{}{provenance}>", attr("arch", &t.arch)));
    for v in &t.variants {
        o.line(2, &format!("<variant{}/>", attr("ref", &v.value)));
    }
    for (name, value) in [
        ("url", &t.url),
        ("kernel", &t.kernel),
        ("initrd", &t.initrd),
        ("boot-iso", &t.boot_iso),
    ] {
        if let Some(v) = value {
            o.text_el(2, name, v);
        }
    }
    if let Some(info) = &t.treeinfo {
        o.line(2, "<treeinfo>");
        for (name, value) in [
            ("family", &info.family),
            ("version", &info.version),
            ("arch", &info.arch),
            ("variant", &info.variant),
        ] {
            if let Some(v) = value {
                o.text_el(3, name, &v.value);
            }
        }
        o.line(2, "</treeinfo>");
    }
    o.line(1, "</tree>");
}

/// The text of a datamap file.
pub fn write_datamap(map: &Datamap, header: Option<&str>) -> String {
    let mut o = Out { s: String::new() };
    o.line(0, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    if let Some(h) = header {
        o.line(0, &format!("<!-- {h} -->"));
    }
    o.line(
        0,
        &format!(
            "<datamap{}{}>",
            attr("id", &map.id.value),
            prov(&map.provenance)
        ),
    );
    for (input, output, _) in &map.entries {
        o.line(
            1,
            &format!("<entry{}{}/>", attr("in", input), attr("out", output)),
        );
    }
    o.line(0, "</datamap>");
    o.s
}

fn write_media(o: &mut Out, m: &Media, provenance: &str) {
    let mut head = format!("<media{}", attr("arch", &m.arch));
    if m.live {
        head += &bool_attr("live", true);
    }
    if !m.installer {
        head += &bool_attr("installer", false);
    }
    if let Some(n) = m.installer_reboots {
        head += &attr("installer-reboots", &n.to_string());
    }
    if !m.installer_script {
        head += &bool_attr("installer-script", false);
    }
    o.line(1, &format!("{head}{provenance}>"));
    for v in &m.variants {
        o.line(2, &format!("<variant{}/>", attr("ref", &v.value)));
    }
    if let Some(u) = &m.url {
        o.text_el(2, "url", u);
    }
    if let Some(iso) = &m.iso {
        o.line(2, "<iso>");
        let fields = [
            ("volume-id", &iso.volume_id),
            ("system-id", &iso.system_id),
            ("publisher-id", &iso.publisher_id),
            ("application-id", &iso.application_id),
        ];
        for (name, value) in fields {
            if let Some(v) = value {
                o.text_el(3, name, &v.value);
            }
        }
        if let Some(size) = iso.volume_size {
            o.text_el(3, "volume-size", &size.to_string());
        }
        for l in &iso.languages {
            let regex = if l.regex {
                bool_attr("regex", true)
            } else {
                String::new()
            };
            o.line(
                3,
                &format!(
                    "<language{regex}{}>{}</language>",
                    opt_attr("map", l.map.as_deref()),
                    partial_escape(&l.value)
                ),
            );
        }
        o.line(2, "</iso>");
    }
    if let Some(k) = &m.kernel {
        o.text_el(2, "kernel", k);
    }
    if let Some(i) = &m.initrd {
        o.text_el(2, "initrd", i);
    }
    o.line(1, "</media>");
}
