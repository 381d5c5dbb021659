//! guestdb against the real libosinfo: libosinfo loads osinfo-db's tree
//! (tools/osinfo-oracle.py) and, for every OS, its name, vendor, family,
//! distro, version, codename, release and EOL dates, release status,
//! relations, variants, media (patterns and boot facts), effective devices,
//! firmware, resources and drivers must equal guestdb's. The only differences allowed
//! are the ones data/corrections.xml lists, and each of those must still be a
//! difference.

use crate::common::{require, root, shared};
use guestdb::Database;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

/// libosinfo's view of osinfo-db, produced once per test run.
pub fn oracle() -> &'static Vec<Value> {
    static ORACLE: once_cell::sync::OnceCell<Vec<Value>> = once_cell::sync::OnceCell::new();
    ORACLE.get_or_init(|| crate::common::libosinfo_dump(&shared().join("osinfo-db/data")).0)
}

/// A difference between libosinfo and guestdb: (subject, field, osinfo, guestdb).
type Diff = (String, String, String, String);

fn corrections() -> BTreeSet<Diff> {
    crate::common::corrections(&root().join("data"))
        .into_iter()
        .map(|c| (c.subject, c.field, c.osinfo, c.guestdb))
        .collect()
}

fn num(v: &Value) -> String {
    match v.as_i64() {
        Some(-1) | None => "-".into(),
        Some(n) => n.to_string(),
    }
}

fn opt(v: Option<u64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_else(|| "-".into())
}

fn json_list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Every difference between libosinfo and guestdb.
fn differences() -> BTreeSet<Diff> {
    let db = Database::embedded().expect("embedded store");
    let models = db.device_models().expect("devices");
    let osinfo_id: HashMap<&str, &str> = models
        .iter()
        .filter_map(|m| Some((m.name.as_str(), m.osinfo_id.as_deref()?)))
        .collect();
    let mut diffs = BTreeSet::new();
    let mut diff = |subject: String, field: &str, a: String, b: String| {
        if a != b {
            diffs.insert((subject, field.to_string(), a, b));
        }
    };

    // The catalogue's hardware IDs against the IDs osinfo-db names devices by.
    for m in models {
        let Some(id) = &m.osinfo_id else { continue };
        let subject = format!("device:{}", m.name);
        if let Some(rest) = id.strip_prefix("http://pcisig.com/pci/") {
            diff(
                subject,
                "pci",
                rest.replace('/', ":"),
                m.pci.clone().unwrap_or_else(|| "-".into()),
            );
        } else if let Some(rest) = id.strip_prefix("http://usb.org/usb/") {
            diff(
                subject,
                "usb",
                rest.replace('/', ":"),
                m.usb.clone().unwrap_or_else(|| "-".into()),
            );
        }
    }

    let oracle = oracle();
    let ours: BTreeSet<&str> = db
        .oses()
        .expect("OSes")
        .into_iter()
        .map(|o| o.id.as_str())
        .collect();
    let theirs: BTreeSet<&str> = oracle.iter().filter_map(|o| o["id"].as_str()).collect();
    for id in ours.symmetric_difference(&theirs) {
        diff(
            format!("os:{id}"),
            "exists",
            theirs.contains(id).to_string(),
            ours.contains(id).to_string(),
        );
    }
    for entry in oracle {
        let id = entry["id"].as_str().unwrap_or_default();
        let Some(os) = db.lookup(id).expect("store") else {
            continue;
        };
        let d = db.details(os).expect("details");
        let subject = format!("os:{id}");

        // libosinfo repeats a short-id once per file that describes the OS
        // (win10 has three); the names are what matters, in order, once.
        let mut short: Vec<String> = Vec::new();
        for s in json_list(&entry["short_ids"])
            .iter()
            .filter_map(|s| s.as_str())
        {
            if !short.iter().any(|x| x == s) {
                short.push(s.to_string());
            }
        }
        diff(
            subject.clone(),
            "short-ids",
            short.join(" "),
            os.short_ids.join(" "),
        );

        // Identity, dates and status.
        let text = |v: &Value| v.as_str().unwrap_or("-").to_string();
        let ours_text = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        diff(
            subject.clone(),
            "name",
            text(&entry["name"]),
            os.name.clone(),
        );
        for (field, ours) in [
            ("vendor", &os.vendor),
            ("family", &os.family),
            ("distro", &os.distro),
            ("version", &os.version),
            ("codename", &os.codename),
        ] {
            diff(subject.clone(), field, text(&entry[field]), ours_text(ours));
        }
        let date =
            |d: Option<guestdb::Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        diff(
            subject.clone(),
            "release-date",
            text(&entry["release_date"]),
            date(os.release_date),
        );
        diff(
            subject.clone(),
            "eol-date",
            text(&entry["eol_date"]),
            date(os.eol_date),
        );
        diff(
            subject.clone(),
            "release-status",
            text(&entry["release_status"]),
            os.release_status.name().to_string(),
        );
        for (key, kind) in [
            ("derives_from", guestdb::os::RelationKind::DerivesFrom),
            ("clones", guestdb::os::RelationKind::Clones),
            ("upgrades", guestdb::os::RelationKind::Upgrades),
        ] {
            let theirs: BTreeSet<String> = json_list(&entry["relations"][key])
                .iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect();
            let ours: BTreeSet<String> = d
                .relations
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.target.clone())
                .collect();
            diff(
                subject.clone(),
                kind.name(),
                format!("{theirs:?}"),
                format!("{ours:?}"),
            );
        }
        let theirs: BTreeSet<String> = json_list(&entry["variants"])
            .iter()
            .map(|v| format!("{} ({})", text(&v[0]), text(&v[1])))
            .collect();
        let ours: BTreeSet<String> = d
            .variants
            .iter()
            .map(|v| format!("{} ({})", v.id, v.name))
            .collect();
        diff(
            subject.clone(),
            "variants",
            format!("{theirs:?}"),
            format!("{ours:?}"),
        );
        // Media: their patterns and boot facts. libosinfo reports an unset
        // installer-reboots as 1 for an installer and 0 otherwise.
        let medium = |arch: &str,
                      live: bool,
                      installer: bool,
                      reboots: u64,
                      paths: [String; 3],
                      iso: [String; 5],
                      variants: Vec<String>| {
            format!(
                "{arch} live={live} installer={installer} reboots={reboots} url={} kernel={} initrd={} volume-id={} system-id={} publisher-id={} application-id={} volume-size={} variants={}",
                paths[0], paths[1], paths[2], iso[0], iso[1], iso[2], iso[3], iso[4], variants.join(",")
            )
        };
        let theirs: BTreeSet<String> = json_list(&entry["media"])
            .iter()
            .map(|m| {
                medium(
                    m["arch"].as_str().unwrap_or(""),
                    m["live"] == true,
                    m["installer"] == true,
                    m["installer_reboots"].as_u64().unwrap_or(0),
                    [text(&m["url"]), text(&m["kernel"]), text(&m["initrd"])],
                    [
                        text(&m["volume_id"]),
                        text(&m["system_id"]),
                        text(&m["publisher_id"]),
                        text(&m["application_id"]),
                        m["volume_size"]
                            .as_u64()
                            .map(|n| n.to_string())
                            .unwrap_or_else(|| "-".into()),
                    ],
                    json_list(&m["variants"])
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                )
            })
            .collect();
        let ours: BTreeSet<String> = d
            .media
            .iter()
            .map(|m| {
                let mut variants = m.variants.clone();
                variants.sort();
                medium(
                    &m.arch,
                    m.live,
                    m.installer,
                    u64::from(m.installer_reboots.unwrap_or(u32::from(m.installer))),
                    [
                        ours_text(&m.url),
                        ours_text(&m.kernel),
                        ours_text(&m.initrd),
                    ],
                    [
                        ours_text(&m.volume_id),
                        ours_text(&m.system_id),
                        ours_text(&m.publisher_id),
                        ours_text(&m.application_id),
                        opt(m.volume_size),
                    ],
                    variants,
                )
            })
            .collect();
        for extra in ours.difference(&theirs) {
            diff(subject.clone(), "media", "-".into(), extra.clone());
        }
        for missing in theirs.difference(&ours) {
            diff(subject.clone(), "media", missing.clone(), "-".into());
        }

        // Install trees: their .treeinfo patterns, paths and variants.
        let tree = |arch: &str,
                    url: String,
                    kernel: String,
                    initrd: String,
                    boot: String,
                    pats: [String; 4],
                    variants: Vec<String>| {
            format!(
                "{arch} url={url} kernel={kernel} initrd={initrd} boot-iso={boot} family={} version={} treeinfo-arch={} variant={} variants={}",
                pats[0], pats[1], pats[2], pats[3], variants.join(",")
            )
        };
        let theirs: BTreeSet<String> = json_list(&entry["trees"])
            .iter()
            .map(|t| {
                tree(
                    t["arch"].as_str().unwrap_or(""),
                    text(&t["url"]),
                    text(&t["kernel"]),
                    text(&t["initrd"]),
                    text(&t["boot_iso"]),
                    [
                        text(&t["family"]),
                        text(&t["version"]),
                        text(&t["treeinfo_arch"]),
                        text(&t["variant"]),
                    ],
                    json_list(&t["variants"])
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect(),
                )
            })
            .collect();
        let ours: BTreeSet<String> = d
            .trees
            .iter()
            .map(|t| {
                let mut variants = t.variants.clone();
                variants.sort();
                tree(
                    &t.arch,
                    ours_text(&t.url),
                    ours_text(&t.kernel),
                    ours_text(&t.initrd),
                    ours_text(&t.boot_iso),
                    [
                        ours_text(&t.treeinfo_family),
                        ours_text(&t.treeinfo_version),
                        ours_text(&t.treeinfo_arch),
                        ours_text(&t.treeinfo_variant),
                    ],
                    variants,
                )
            })
            .collect();
        for extra in ours.difference(&theirs) {
            diff(subject.clone(), "tree", "-".into(), extra.clone());
        }
        for missing in theirs.difference(&ours) {
            diff(subject.clone(), "tree", missing.clone(), "-".into());
        }

        let devices: BTreeSet<String> = json_list(&entry["devices"])
            .iter()
            .filter_map(|s| s.as_str().map(String::from))
            .collect();
        let ours: BTreeSet<String> = d
            .devices
            .iter()
            .map(|x| {
                osinfo_id
                    .get(x.name.as_str())
                    .copied()
                    .unwrap_or(x.name.as_str())
                    .to_string()
            })
            .collect();
        for extra in ours.difference(&devices) {
            diff(subject.clone(), "device", "-".into(), extra.clone());
        }
        for missing in devices.difference(&ours) {
            diff(subject.clone(), "device", missing.clone(), "-".into());
        }

        let firmware: BTreeSet<String> = json_list(&entry["firmware"])
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}",
                    f["arch"].as_str().unwrap_or(""),
                    f["type"].as_str().unwrap_or(""),
                    f["supported"]
                )
            })
            .collect();
        let ours: BTreeSet<String> = d
            .firmware
            .iter()
            .map(|f| format!("{} {} {}", f.arch, f.kind, f.supported))
            .collect();
        let list = |set: BTreeSet<String>| {
            if set.is_empty() {
                "-".to_string()
            } else {
                set.into_iter().collect::<Vec<_>>().join(", ")
            }
        };
        diff(subject.clone(), "firmware", list(firmware), list(ours));

        for kind in ["minimum", "recommended", "maximum", "network-install"] {
            let theirs: BTreeSet<String> = json_list(&entry["resources"][kind])
                .iter()
                .map(|r| {
                    format!(
                        "{} cpus={} cpu={} ram={} storage={}",
                        r["arch"].as_str().unwrap_or(""),
                        num(&r["n_cpus"]),
                        num(&r["cpu"]),
                        num(&r["ram"]),
                        num(&r["storage"])
                    )
                })
                .collect();
            let ours: BTreeSet<String> = d
                .resources
                .iter()
                .filter(|r| r.kind.name() == kind)
                .map(|r| {
                    let a = &r.amounts;
                    format!(
                        "{} cpus={} cpu={} ram={} storage={}",
                        r.arch,
                        opt(a.n_cpus),
                        opt(a.cpu),
                        opt(a.ram),
                        opt(a.storage)
                    )
                })
                .collect();
            diff(
                subject.clone(),
                &format!("resources.{kind}"),
                theirs.into_iter().collect::<Vec<_>>().join("; "),
                ours.into_iter().collect::<Vec<_>>().join("; "),
            );
        }

        let drivers: BTreeMap<String, BTreeSet<String>> = json_list(&entry["drivers"])
            .iter()
            .map(|x| {
                let key = format!(
                    "{} {} pre-installable={} signed={}",
                    x["arch"].as_str().unwrap_or(""),
                    x["location"].as_str().unwrap_or(""),
                    x["pre_installable"],
                    x["signed"]
                );
                (
                    key,
                    json_list(&x["devices"])
                        .iter()
                        .filter_map(|s| s.as_str().map(String::from))
                        .collect(),
                )
            })
            .collect();
        let ours: BTreeMap<String, BTreeSet<String>> = d
            .drivers
            .iter()
            .map(|x| {
                let devs = x
                    .devices
                    .iter()
                    .map(|n| osinfo_id.get(n.as_str()).copied().unwrap_or(n).to_string())
                    .collect();
                let key = format!(
                    "{} {} pre-installable={} signed={}",
                    x.arch, x.location, x.pre_installable, x.signed
                );
                (key, devs)
            })
            .collect();
        diff(
            subject.clone(),
            "drivers",
            format!("{drivers:?}"),
            format!("{ours:?}"),
        );
    }
    diffs
}

fn show(d: &Diff) -> String {
    format!(
        "{} {}: osinfo-db/libosinfo {:?}, guestdb {:?}",
        d.0, d.1, d.2, d.3
    )
}

#[test]
#[ignore = "needs libosinfo: run tools/test.sh"]
fn effective_facts_agree_with_libosinfo_except_listed_corrections() {
    let found = differences();
    let allowed = corrections();
    let unlisted: Vec<String> = found.difference(&allowed).map(show).collect();
    let stale: Vec<String> = allowed.difference(&found).map(show).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "{} difference(s) from libosinfo not listed in data/corrections.xml:\n  {}\n{} correction(s) that no longer differ:\n  {}",
        unlisted.len(),
        unlisted.join("\n  "),
        stale.len(),
        stale.join("\n  ")
    );
}

#[test]
#[ignore = "needs libosinfo: run tools/test.sh"]
fn libosinfo_and_guestdb_know_the_same_number_of_oses() {
    // Which ones is the "exists" difference above; this also catches an OS
    // known twice under different ids. (osinfo-db of 2026-05 has 959; the
    // releases since are guestdb's own, each an "exists" correction.)
    let db = Database::embedded().expect("embedded store");
    let exists = |osinfo: &str| {
        corrections()
            .iter()
            .filter(|(_, field, o, _)| field == "exists" && o == osinfo)
            .count()
    };
    let (added, removed) = (exists("false"), exists("true"));
    assert_eq!(
        db.len() + removed,
        oracle().len() + added,
        "guestdb and libosinfo count OSes differently ({added} added and {removed} removed by corrections)"
    );
}

#[test]
#[ignore = "needs osinfo-query: run tools/test.sh"]
fn every_short_id_the_system_osinfo_query_lists_is_known() {
    // osinfo-query answers from the system's osinfo-db package; guestdb must
    // know every short-id it lists that osinfo-db of 2026-05 still has.
    let query = require("osinfo-query", "libosinfo-bin");
    let out = Command::new(query)
        .args(["os", "--fields=short-id"])
        .output()
        .expect("osinfo-query");
    assert!(
        out.status.success(),
        "osinfo-query failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = text
        .lines()
        .skip(2)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert!(
        names.len() > 500,
        "osinfo-query listed only {} OSes",
        names.len()
    );
    let db = Database::embedded().expect("embedded store");
    let unknown: Vec<&&str> = names
        .iter()
        .filter(|n| db.lookup(n).expect("store").is_none())
        .collect();
    // The Debian package (2022) is older than the imported tree (2026-05), so
    // everything it lists must be known; an OS dropped upstream would show here.
    assert!(
        unknown.is_empty(),
        "short-ids osinfo-query knows but guestdb does not: {unknown:?}"
    );
}
