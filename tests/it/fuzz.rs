//! The reader never panics, whatever it is given, and the writer's output
//! reads back to the same records.

use crate::common::root;
use guestdb::data::diag::Findings;
use guestdb::data::read::{read_corrections, read_dataset_info, read_devices, read_os};
use guestdb::data::write::write_os;
use proptest::prelude::*;
use std::sync::Arc;

fn path() -> Arc<str> {
    Arc::from("fuzz.xml")
}

/// XML-shaped text from the vocabulary of the data files, nested and broken.
fn xmlish() -> impl Strategy<Value = String> {
    let names = prop::sample::select(vec![
        "os",
        "name",
        "short-id",
        "alias",
        "virtio",
        "chipset",
        "firmware",
        "device",
        "driver",
        "media",
        "iso",
        "volume-id",
        "resources",
        "minimum",
        "variant",
        "release-date",
        "eol-date",
        "derives-from",
        "language",
        "dataset",
        "devices",
        "x",
    ]);
    let attrs = prop::sample::select(vec![
        "id",
        "class",
        "legacy",
        "modern",
        "arch",
        "type",
        "supported",
        "ref",
        "name",
        "ram",
        "inherit",
        "regex",
        "pci",
        "slot",
        "bogus",
    ]);
    let values = prop::sample::select(vec![
        "true",
        "false",
        "all",
        "net",
        "x86_64",
        "1af4:1000",
        "2020-02-30",
        "-1",
        "",
        "&amp;",
        "18446744073709551616",
        "http://guestdb.test/a/1",
    ]);
    let leaf = (
        names.clone(),
        prop::collection::vec((attrs, values.clone()), 0..3),
        values,
    )
        .prop_map(|(n, a, t)| {
            let attrs: String = a.iter().map(|(k, v)| format!(" {k}=\"{v}\"")).collect();
            format!("<{n}{attrs}>{t}</{n}>")
        });
    leaf.prop_recursive(4, 64, 8, move |inner| {
        (
            names.clone(),
            prop::collection::vec(inner, 0..6),
            any::<bool>(),
        )
            .prop_map(|(n, kids, broken)| {
                let body = kids.concat();
                if broken {
                    format!("<{n}>{body}")
                } else {
                    format!("<{n}>{body}</{n}>")
                }
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_reader(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let mut f = Findings::default();
        let _ = read_os(&path(), &bytes, &mut f);
        let _ = read_devices(&path(), &bytes, &mut f);
        let _ = read_dataset_info(&path(), &bytes, &mut f);
        let _ = read_corrections(&path(), &bytes, &mut f);
    }

    #[test]
    fn arbitrary_xml_never_panics_and_is_either_read_or_reported(text in xmlish()) {
        let mut f = Findings::default();
        let os = read_os(&path(), text.as_bytes(), &mut f);
        prop_assert!(os.is_some() || !f.is_empty(), "nothing read and nothing reported for {text}");
        let _ = read_devices(&path(), text.as_bytes(), &mut f);
        let _ = read_dataset_info(&path(), text.as_bytes(), &mut f);
        let _ = guestdb::data::read::read_upstream_machines(&path(), text.as_bytes(), &mut f);
        let _ = guestdb::data::read::read_downstream_machines(&path(), text.as_bytes(), &mut f);
        let _ = guestdb::data::read::read_host(&path(), text.as_bytes(), &mut f);
        // Whatever was read can be checked and resolved without panicking.
        if let Some(os) = os {
            let data = guestdb::data::model::Dataset {
                info: guestdb::data::model::DatasetInfo {
                    version: guestdb::data::model::Located::new("2026.01.01".into(), os.loc.clone()),
                    schema_version: guestdb::data::model::Located::new(guestdb::SCHEMA_VERSION, os.loc.clone()),
                    sources: Vec::new(),
                    loc: os.loc.clone(),
                },
                devices: Vec::new(),
                corrections: Vec::new(),
                oses: vec![os],
                machines: Default::default(),
                lines: Vec::new(),
                hosts: Vec::new(),
            };
            guestdb::data::check_dataset(&data, &mut f);
        }
    }
}

/// The importer writes through `write_os`; what it writes must read back the
/// same, so every committed OS file is in the writer's canonical layout.
#[test]
fn every_os_file_is_in_the_canonical_layout() {
    let data = root().join("data");
    let mut findings = Findings::default();
    let mut offenders = Vec::new();
    for rel in guestdb::data::read::os_files(&data, &mut findings) {
        let file = data.join(&rel);
        let bytes = std::fs::read(&file).expect("read");
        let shown: Arc<str> = Arc::from(rel.to_string_lossy().as_ref());
        let Some(os) = read_os(&shown, &bytes, &mut findings) else {
            continue;
        };
        let strip = |s: &str| {
            s.lines()
                .filter(|l| !l.trim_start().starts_with("<!--"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        if strip(&write_os(&os, None)) != strip(&String::from_utf8_lossy(&bytes)) {
            offenders.push(rel.display().to_string());
        }
    }
    assert!(findings.is_empty(), "{:?}", findings.0);
    assert!(
        offenders.is_empty(),
        "{} OS files differ from what the writer makes of them: {offenders:?}",
        offenders.len()
    );
}
