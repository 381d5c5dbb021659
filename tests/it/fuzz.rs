//! The reader never panics, whatever it is given; well-shaped files with
//! arbitrary facts go through the checker, the emitter, the store and the
//! recommendation without a panic; and the writer's output reads back to the
//! same records.

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
        prop::collection::vec((attrs.clone(), values.clone()), 0..3),
        values.clone(),
    )
        .prop_map(|(n, a, t)| {
            let attrs: String = a.iter().map(|(k, v)| format!(" {k}=\"{v}\"")).collect();
            format!("<{n}{attrs}>{t}</{n}>")
        });
    leaf.prop_recursive(4, 64, 8, move |inner| {
        (
            names.clone(),
            prop::collection::vec((attrs.clone(), values.clone()), 0..3),
            prop::collection::vec(inner, 0..6),
            any::<bool>(),
        )
            .prop_map(|(n, a, kids, broken)| {
                // Attributes on elements with children too (<os id>, <media arch>).
                let attrs: String = a.iter().map(|(k, v)| format!(" {k}=\"{v}\"")).collect();
                let body = kids.concat();
                if broken {
                    format!("<{n}{attrs}>{body}")
                } else {
                    format!("<{n}{attrs}>{body}</{n}>")
                }
            })
    })
}

/// OS files of the right shape with arbitrary facts: they get past the reader
/// (mostly) and so reach the checker, the emitter, the store and the engine.
fn os_file() -> impl Strategy<Value = String> {
    let boolean = prop::sample::select(vec!["true", "false"]);
    let class = prop::sample::select(vec![
        "net", "block", "console", "rng", "balloon", "gpu", "scsi",
    ]);
    let arch = prop::sample::select(vec!["all", "x86_64", "i686", "aarch64", "s390x"]);
    let date = prop::sample::select(vec!["2001-01-01", "2020-02-29", "2030-12-31", "2019-06-01"]);
    let number = prop::sample::select(vec!["0", "1", "4096", "1073741824", "9223372036854775807"]);
    let device = prop::sample::select(vec!["virtio-net", "virtio1.0-net", "e1000", "nope"]);
    let fact = prop_oneof![
        (class, boolean.clone(), boolean.clone(), boolean.clone()).prop_map(|(c, l, m, s)| {
            format!("  <virtio class=\"{c}\" legacy=\"{l}\" modern=\"{m}\" source=\"test\" note=\"{s}\"/>\n")
        }),
        (prop::sample::select(vec!["q35", "i440fx"]), boolean.clone())
            .prop_map(|(c, s)| format!("  <chipset name=\"{c}\" supported=\"{s}\"/>\n")),
        (arch.clone(), prop::sample::select(vec!["bios", "efi"]), boolean.clone(), boolean.clone()).prop_map(
            |(a, t, s, p)| format!("  <firmware arch=\"{a}\" type=\"{t}\" supported=\"{s}\" preferred=\"{p}\"/>\n")
        ),
        (boolean.clone(), boolean.clone())
            .prop_map(|(s, r)| format!("  <secure-boot arch=\"x86_64\" supported=\"{s}\" required=\"{r}\"/>\n")),
        (boolean.clone(), boolean.clone())
            .prop_map(|(s, r)| format!("  <tpm version=\"2.0\" supported=\"{s}\" required=\"{r}\"/>\n")),
        (device, boolean.clone())
            .prop_map(|(d, s)| format!("  <device ref=\"{d}\" supported=\"{s}\"/>\n")),
        (arch.clone(), number.clone(), number.clone(), number)
            .prop_map(|(a, c, r, d)| format!("  <resources arch=\"{a}\">\n    <minimum n-cpus=\"{c}\" ram=\"{r}\"/>\n    <recommended storage=\"{d}\"/>\n  </resources>\n")),
        (arch, boolean).prop_map(|(a, l)| format!("  <media arch=\"{a}\" live=\"{l}\">\n    <iso>\n      <volume-id>FUZZ</volume-id>\n    </iso>\n  </media>\n")),
        date.clone().prop_map(|d| format!("  <eol-date>{d}</eol-date>\n")),
        Just("  <derives-from id=\"http://guestdb.test/base/1\"/>\n".to_string()),
        Just("  <derives-from id=\"http://guestdb.test/fuzz/1\"/>\n".to_string()),
    ];
    (date, prop::collection::vec(fact, 0..10)).prop_map(|(released, facts)| {
        let (dates, rest): (Vec<String>, Vec<String>) =
            facts.into_iter().partition(|f| f.contains("eol-date") || f.contains("derives-from"));
        format!(
            "<os id=\"http://guestdb.test/fuzz/1\" source=\"test\">\n  <short-id>fuzz1</short-id>\n  <name>Fuzz 1</name>\n  <release-date>{released}</release-date>\n{}{}</os>\n",
            dates.concat(),
            rest.concat()
        )
    })
}

/// The fixture's dataset and devices, read once.
fn fixture_base() -> guestdb::data::model::Dataset {
    let dir = crate::common::fixture();
    guestdb::data::load_dir(dir.path())
        .expect("the fixture is valid")
        .data
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
        let _ = guestdb::data::read::read_linux(&path(), text.as_bytes(), &mut f);
        // Whatever was read can be checked and resolved without panicking.
        if let Some(os) = os {
            let data = guestdb::data::model::Dataset {
                info: guestdb::data::model::DatasetInfo {
                    version: guestdb::data::model::Located::new("2026.01.01".into(), os.loc.clone()),
                    schema_version: guestdb::data::model::Located::new(guestdb::SCHEMA_VERSION, os.loc.clone()),
                    sources: Vec::new(),
                    freshness: Vec::new(),
                    loc: os.loc.clone(),
                },
                devices: Vec::new(),
                corrections: Vec::new(),
                oses: vec![os],
                machines: Default::default(),
                lines: Vec::new(),
                hosts: Vec::new(),
                datamaps: Vec::new(),
                linux: Default::default(),
                hyperv: Vec::new(),
                cpus: Vec::new(),
                osinfo_releases: Vec::new(),
                crosswalks: Vec::new(),
            };
            guestdb::data::check_dataset(&data, &mut f);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn well_shaped_os_files_go_through_checker_emitter_store_and_engine(text in os_file()) {
        let mut f = Findings::default();
        let os = read_os(&Arc::from("os/guestdb.test/fuzz-1.xml"), text.as_bytes(), &mut f);
        prop_assert!(os.is_some() || !f.is_empty(), "nothing read and nothing reported for {text}");
        let Some(os) = os else { return Ok(()) };
        let mut data = fixture_base();
        data.oses.push(os);
        guestdb::data::check_dataset(&data, &mut f);
        if !f.is_empty() {
            return Ok(());
        }
        // It passed every check: it must emit, open and answer.
        let checked = guestdb::data::Checked { data };
        let bytes = guestdb::data::emit_bytes(&checked).expect("emits");
        let file = tempfile::NamedTempFile::new().expect("tempfile");
        std::fs::write(file.path(), bytes).expect("write store");
        let db = guestdb::Database::open(file.path()).expect("opens");
        let os = db.lookup("fuzz1").expect("store").expect("the fuzzed OS is in the store");
        prop_assert_eq!(os.name.as_str(), "Fuzz 1");
        db.details(os).expect("details read");
        for arch in ["x86_64", "aarch64"] {
            let facts = db.os_facts(os, arch).expect("facts");
            let profile = crate::common::db().host_profile("debian-12").unwrap().unwrap();
            let common = crate::common::db();
            let machines = common.machine_catalogue().unwrap();
            let catalogues = common.catalogues(machines).unwrap();
            let host = guestdb::host::profile::host(&profile, &catalogues, None).expect("host");
            let target = guestdb::recommend::Target {
                arch,
                hosts: std::slice::from_ref(&host),
                policy: Default::default(),
                today: guestdb::Date::parse("2026-12-01"),
            };
            // A recommendation or a reason; never a panic.
            let db = crate::common::db();
            let catalogue = db.recommend_catalogue().unwrap();
            let _ = guestdb::recommend::recommend(&facts, &catalogue, &target);
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

/// Bytes that look like an ISO 9660 volume descriptor set at sector 16:
/// descriptors of arbitrary type and content, some cut short.
fn iso_like() -> impl Strategy<Value = Vec<u8>> {
    let descriptor = (
        any::<u8>(),
        prop::collection::vec(any::<u8>(), 0..2048),
        any::<bool>(),
    )
        .prop_map(|(kind, body, magic)| {
            let mut d = vec![kind];
            if magic {
                d.extend_from_slice(b"CD001\x01");
            }
            d.extend(body);
            d
        });
    prop::collection::vec(descriptor, 0..4).prop_map(|ds| {
        let mut image = vec![0u8; 16 * 2048];
        for d in ds {
            let mut sector = d;
            sector.resize(2048, 0);
            image.extend(sector);
        }
        image
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_media_readers(bytes in prop::collection::vec(any::<u8>(), 0..4096), iso in iso_like(), cut in 0usize..50_000) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = guestdb::detect::isoinfo::read_isoinfo(&text, "fuzz");
        let _ = guestdb::detect::treeinfo::read_treeinfo(&text, "fuzz");
        let dump = format!("CD-ROM is in ISO 9660 format\n{text}");
        let _ = guestdb::detect::isoinfo::read_isoinfo(&dump, "fuzz");
        let tree = format!("[general]\n{text}");
        let _ = guestdb::detect::treeinfo::read_treeinfo(&tree, "fuzz");
        let image = &iso[..cut.min(iso.len())];
        let mut r = std::io::Cursor::new(image.to_vec());
        let _ = guestdb::detect::iso::read_iso(&mut r, image.len() as u64, "fuzz");
        let mut r = std::io::Cursor::new(bytes.clone());
        let _ = guestdb::detect::iso::read_iso(&mut r, bytes.len() as u64, "fuzz");
    }

    #[test]
    fn whatever_is_read_can_be_matched(volume in "[ -~]{0,40}", system in "[ -~]{0,12}", size in any::<Option<u64>>()) {
        let db = crate::common::db();
        let media = guestdb::detect::MediaInfo {
            volume_id: Some(volume),
            system_id: Some(system),
            volume_size: size,
            ..Default::default()
        };
        let _ = db.identify_media(&media).expect("identify never fails on a good store");
    }
}

/// Strings with what breaks quoting: quotes, backslashes, `$(...)`, commas,
/// line breaks, control, invisible and bidirectional characters, and any
/// other character.
fn hostile_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "'",
        "\"",
        "\\",
        "$(",
        ")",
        "`",
        ",",
        ",,",
        "=",
        "\n",
        "\r",
        "\t",
        "\u{1b}",
        "\u{7f}",
        "\u{85}",
        "\u{202e}",
        "\u{2066}",
        "\u{200b}",
        "\u{feff}",
        "\u{e0041}",
        "#",
        ";",
        "&",
        "<",
        ">",
        " ",
        "a",
        "é",
        "😀",
        "!",
        "*",
        "~",
    ]);
    prop::collection::vec(
        prop_oneof![pieces.prop_map(str::to_string), "\\PC{0,3}"],
        0..12,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// What XML can hold, escaped, reads back the same as attribute and text.
    #[test]
    fn xml_escaping_reads_back_the_same(s in hostile_text()) {
        prop_assume!(guestdb::render::xml::representable(&s));
        // The data parser refuses raw and referenced C0/C1 controls.
        prop_assume!(!s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')));
        let e = guestdb::render::xml::escape(&s);
        let root = guestdb::data::xml::parse(&format!("<a v='{e}' w=\"{e}\">{e}</a>"))
            .map_err(|err| TestCaseError::fail(format!("{err:?}")))?;
        prop_assert_eq!(&root.attr("v").expect("v").value, &s);
        prop_assert_eq!(&root.attr("w").expect("w").value, &s);
        prop_assert_eq!(&root.text, &s);
    }

    /// A shell word and a comment line never hold a raw line break or
    /// control character.
    #[test]
    fn shell_words_and_comments_stay_on_one_line(s in hostile_text()) {
        let word = guestdb::render::shell::quote(&s);
        let comment = guestdb::render::shell::comment(&s);
        prop_assert!(!word.chars().any(|c| c.is_control()), "{:?}", word);
        prop_assert!(comment.starts_with("# ") && comment.ends_with('\n'));
        prop_assert!(!comment[..comment.len() - 1].chars().any(|c| c.is_control()), "{:?}", comment);
    }
}

/// bash reads back every quoted word as the string it was made from (one
/// bash run for 300 strings).
#[test]
fn bash_reads_every_quoted_word_back() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let bash = crate::common::require("bash", "bash");
    let mut runner = TestRunner::deterministic();
    let words: Vec<String> = (0..300)
        .map(|_| {
            hostile_text()
                .new_tree(&mut runner)
                .expect("a value")
                .current()
        })
        .filter(|s| !s.contains('\0'))
        .collect();
    let mut script = String::from("printf '%s\\0'");
    for w in &words {
        script.push(' ');
        script.push_str(&guestdb::render::shell::quote(w));
    }
    script.push('\n');
    let out = std::process::Command::new(bash)
        .args(["-c", &script])
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back: Vec<String> = out
        .stdout
        .split(|&b| b == 0)
        .map(|w| String::from_utf8(w.to_vec()).expect("UTF-8"))
        .collect();
    assert_eq!(back[..back.len() - 1], words[..]);
}
