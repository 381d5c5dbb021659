//! Every data file validates against schema/guestdb.rng with the real
//! xmllint, and the schema rejects what the reader rejects.

use crate::common::{require, root, write_files};
use std::path::PathBuf;
use std::process::Command;

fn data_files() -> Vec<PathBuf> {
    let data = root().join("data");
    let mut files = vec![
        data.join("dataset.xml"),
        data.join("devices.xml"),
        data.join("corrections.xml"),
        data.join("linux.xml"),
        data.join("hyperv.xml"),
        data.join("cpus.xml"),
    ];
    let mut findings = guestdb::data::diag::Findings::default();
    files.extend(
        guestdb::data::read::os_files(&data, &mut findings)
            .into_iter()
            .map(|rel| data.join(rel)),
    );
    assert!(findings.is_empty());
    for sub in ["machines", "hosts", "datamaps", "osinfo-db", "crosswalk"] {
        let (found, errors) =
            guestdb::data::read::files_below(&data, std::path::Path::new(sub), |n| {
                n.ends_with(".xml")
            });
        assert!(
            errors.is_empty() && !found.is_empty(),
            "data/{sub}: {errors:?}"
        );
        files.extend(found.into_iter().map(|rel| data.join(rel)));
    }
    files.sort();
    files.dedup();
    files
}

/// Runs xmllint over `files`; returns the files it rejects, with its messages.
fn xmllint_rejects(files: &[PathBuf]) -> Vec<String> {
    let xmllint = require("xmllint", "libxml2-utils");
    let schema = root().join("schema/guestdb.rng");
    let mut rejected = Vec::new();
    for chunk in files.chunks(200) {
        let out = Command::new(&xmllint)
            .arg("--noout")
            .arg("--relaxng")
            .arg(&schema)
            .args(chunk)
            .output()
            .expect("xmllint runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for line in stderr.lines() {
            if !line.ends_with(" validates") {
                rejected.push(line.to_string());
            }
        }
    }
    rejected
}

#[test]
#[ignore = "needs xmllint: run tools/test.sh"]
fn every_data_file_validates_against_the_relax_ng_schema() {
    let files = data_files();
    assert!(files.len() > 900, "only {} data files found", files.len());
    let rejected = xmllint_rejects(&files);
    assert!(
        rejected.is_empty(),
        "xmllint rejects {} line(s):\n{}",
        rejected.len(),
        rejected.join("\n")
    );
}

#[test]
#[ignore = "needs xmllint: run tools/test.sh"]
fn the_schema_rejects_what_the_reader_rejects() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases: &[(&str, &str)] = &[
        ("unknown-element.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><colour>red</colour></os>"),
        ("unknown-attribute.xml", "<os id=\"http://guestdb.test/a/1\" colour=\"red\"><name>A</name></os>"),
        ("missing-name.xml", "<os id=\"http://guestdb.test/a/1\"><short-id>a1</short-id></os>"),
        ("two-names.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><name>B</name></os>"),
        ("bad-bool.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><device ref=\"e1000\" supported=\"maybe\"/></os>"),
        ("bad-date.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><release-date>2023-02-29</release-date></os>"),
        ("legacy-gpu.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><virtio class=\"gpu\" legacy=\"true\" modern=\"true\"/></os>"),
        ("ga-phase.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><lifecycle><phase name=\"ga\" end=\"2020-01-01\"/></lifecycle></os>"),
        ("bad-phase-end.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><lifecycle><phase name=\"security\" end=\"soon\"/></lifecycle></os>"),
        ("empty-lifecycle.xml", "<os id=\"http://guestdb.test/a/1\"><name>A</name><lifecycle/></os>"),
        ("bad-pci.xml", "<devices><device name=\"x\" class=\"net\" bus=\"pci\" pci=\"8086:100e0\"/></devices>"),
        ("crosswalk-quality.xml", "<crosswalk scheme=\"x\" title=\"X\"><name value=\"a\"><os id=\"http://guestdb.test/a/1\" quality=\"great\"/></name></crosswalk>"),
        ("crosswalk-gap-and-os.xml", "<crosswalk scheme=\"x\" title=\"X\"><name value=\"a\" gap=\"why\"><os id=\"http://guestdb.test/a/1\" quality=\"exact\"/></name></crosswalk>"),
        ("crosswalk-nothing.xml", "<crosswalk scheme=\"x\" title=\"X\"><name value=\"a\"/></crosswalk>"),
        ("crosswalk-arch.xml", "<crosswalk scheme=\"x\" title=\"X\"><name value=\"a\" arch=\"ARM 64\" gap=\"why\"/></crosswalk>"),
    ];
    let files: Vec<(&str, &[u8])> = cases.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    write_files(dir.path(), &files);
    let mut accepted = Vec::new();
    for (name, _) in cases {
        let path = dir.path().join(name);
        if xmllint_rejects(std::slice::from_ref(&path)).is_empty() {
            accepted.push(*name);
        }
    }
    assert!(
        accepted.is_empty(),
        "schema/guestdb.rng accepts invalid samples: {accepted:?}"
    );
}

/// An attribute of data/dataset.xml as xmllint reads it (not guestdb's reader).
pub fn dataset_attr(name: &str) -> String {
    let xmllint = require("xmllint", "libxml2-utils");
    let out = Command::new(xmllint)
        .args(["--xpath", &format!("string(/dataset/@{name})")])
        .arg(root().join("data/dataset.xml"))
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn the_embedded_store_carries_the_versions_dataset_xml_states() {
    let db = guestdb::Database::embedded().expect("embedded store");
    assert_eq!(db.dataset_version(), dataset_attr("version"));
    assert_eq!(
        db.schema_version().to_string(),
        dataset_attr("schema-version")
    );
}
