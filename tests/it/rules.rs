//! One broken fixture per rule of the checker, with the exact findings it
//! must produce. The base fixture (common::fixture) is valid; each case adds
//! or replaces files.

use crate::common::{findings_of, fixture, write_files};
use guestdb::data::diag::Rule;

/// (rule, files to write over the base fixture, expected findings)
type Case = (
    Rule,
    &'static [(&'static str, &'static [u8])],
    &'static [&'static str],
);

const OS_B: &str = "os/guestdb.test/b-1.xml";

const CASES: &[Case] = &[
    (
        Rule::Encoding,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B \xff</name>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:2:11: error[encoding]: the file is not valid UTF-8"],
    ),
    (
        Rule::XmlSyntax,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</nam>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:2:10: error[xml-syntax]: ill-formed document: expected `</name>`, but `</nam>` was found"],
    ),
    (
        Rule::UnknownElement,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <colour>red</colour>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:3:3: error[unknown-element]: unknown element <colour> in <os>; expected one of: short-id, alias, name, vendor, family, distro, version, codename, release-date, eol-date, release-status, lifecycle, derives-from, clones, upgrades, kernel, virtio, chipset, firmware, secure-boot, tpm, device, clock, role, cpu-level, agent, driver, variant, media, tree, resources"],
    ),
    (
        Rule::UnknownAttribute,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\" colour=\"red\">\n  <name>B</name>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:1:34: error[unknown-attribute]: unknown attribute 'colour' on <os>; expected one of: id, source"],
    ),
    (
        Rule::MissingElement,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <short-id>b1</short-id>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:1:1: error[missing-element]: <os> needs a <name>"],
    ),
    (
        Rule::MissingAttribute,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <derives-from/>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:3:3: error[missing-attribute]: <derives-from> needs the attribute 'id'"],
    ),
    (
        Rule::DuplicateElement,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <name>Bee</name>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:3:3: error[duplicate-element]: <name> may appear only once in <os>\ndata/os/guestdb.test/b-1.xml:2:3: note: first given here"],
    ),
    (
        Rule::InvalidValue,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <device ref=\"e1000\" supported=\"maybe\"/>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:3:23: error[invalid-value]: attribute 'supported' is 'maybe'; expected 'true' or 'false'"],
    ),
    (
        Rule::InvalidDate,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <release-date>2023-02-29</release-date>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:3:17: error[invalid-date]: '2023-02-29' is not a date; expected YYYY-MM-DD of a real day"],
    ),
    (
        Rule::InvalidPciId,
        &[("devices.xml", b"<devices>\n  <device name=\"e1000\" class=\"net\" bus=\"pci\" pci=\"8086:100e0\"/>\n  <device name=\"virtio-net\" class=\"net\" bus=\"pci\" pci=\"1af4:1000\"/>\n</devices>\n")],
        &["data/devices.xml:2:46: error[invalid-pci-id]: '8086:100e0' is not a PCI/USB ID; expected vendor:device as four hex digits each, like 1af4:1000"],
    ),
    (
        Rule::InvalidRegex,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <media arch=\"x86_64\">\n    <iso><volume-id>B (unclosed</volume-id></iso>\n  </media>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:4:21: error[invalid-regex]: the pattern does not compile: Parsing error at position 11: Opening parenthesis without closing parenthesis"],
    ),
    (
        Rule::DuplicateId,
        &[("devices.xml", b"<devices>\n  <device name=\"virtio-net\" class=\"net\" bus=\"pci\"/>\n  <device name=\"virtio-net\" class=\"net\" bus=\"pci\"/>\n</devices>\n")],
        &["data/devices.xml:3:11: error[duplicate-id]: device 'virtio-net' is defined twice\ndata/devices.xml:2:11: note: first defined here"],
    ),
    (
        Rule::DuplicateName,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <short-id>base1</short-id>\n  <name>B</name>\n</os>\n")],
        &["data/os/guestdb.test/base-1.xml:3:13: error[duplicate-name]: name 'base1' is already used by 'http://guestdb.test/b/1'\ndata/os/guestdb.test/b-1.xml:2:13: note: first defined here"],
    ),
    (
        Rule::IdPath,
        &[("os/guestdb.test/wrong-name.xml", b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n</os>\n")],
        &["data/os/guestdb.test/wrong-name.xml:1:5: error[id-path]: the file of OS 'http://guestdb.test/b/1' must be os/guestdb.test/b-1.xml"],
    ),
    (
        Rule::UnresolvedReference,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <derives-from id=\"http://guestdb.test/missing/1\"/>\n  <device ref=\"sb16\"/>\n</os>\n")],
        &[
            "data/os/guestdb.test/b-1.xml:3:17: error[unresolved-reference]: derives-from target OS 'http://guestdb.test/missing/1' is not defined",
            "data/os/guestdb.test/b-1.xml:4:11: error[unresolved-reference]: device 'sb16' is not defined",
        ],
    ),
    (
        Rule::InheritanceCycle,
        &[
            (OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <derives-from id=\"http://guestdb.test/c/1\"/>\n</os>\n"),
            ("os/guestdb.test/c-1.xml", b"<os id=\"http://guestdb.test/c/1\">\n  <name>C</name>\n  <clones id=\"http://guestdb.test/b/1\"/>\n</os>\n"),
        ],
        &["data/os/guestdb.test/c-1.xml:3:11: error[inheritance-cycle]: inheritance cycle: http://guestdb.test/b/1 -> http://guestdb.test/c/1 -> http://guestdb.test/b/1\ndata/os/guestdb.test/b-1.xml:3:17: note: part of the cycle"],
    ),
    (
        Rule::ReleaseAfterEol,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <release-date>2020-05-01</release-date>\n  <eol-date>2019-05-01</eol-date>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:4:13: error[release-after-eol]: end of life 2019-05-01 is before the release date 2020-05-01\ndata/os/guestdb.test/b-1.xml:3:17: note: released here"],
    ),
    (
        Rule::ResourceOrder,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <resources arch=\"x86_64\">\n    <minimum ram=\"2147483648\"/>\n    <recommended ram=\"1073741824\"/>\n  </resources>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:4:5: error[resource-order]: minimum ram 2147483648 is more than the recommended 1073741824 (arch x86_64)\ndata/os/guestdb.test/b-1.xml:5:5: note: recommended here"],
    ),
    (
        Rule::VirtioContradictsDevices,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <virtio class=\"net\" legacy=\"false\" modern=\"true\"/>\n  <device ref=\"virtio-net\"/>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:3:3: error[virtio-contradicts-devices]: OS 'http://guestdb.test/b/1' says its legacy virtio net driver is missing, but it supports device 'virtio-net'\ndata/os/guestdb.test/b-1.xml:4:11: note: device supported here"],
    ),
    (
        Rule::KernelContradiction,
        &[
            ("linux.xml", b"<linux>\n  <virtio class=\"net\" legacy=\"2.6.25\" modern=\"4.0\"/>\n</linux>\n"),
            (OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <kernel version=\"4.18\"/>\n  <virtio class=\"net\" legacy=\"true\" modern=\"false\"/>\n</os>\n"),
        ],
        &["data/os/guestdb.test/b-1.xml:4:3: error[kernel-contradiction]: OS 'http://guestdb.test/b/1' says virtio net is legacy only, but its kernel implies legacy and modern (legacy: kernel 4.18 ≥ 2.6.25; modern: kernel 4.18 ≥ 4.0); correct the fact or give the reason as exception=\"...\"\ndata/os/guestdb.test/b-1.xml:3:3: note: kernel stated here\ndata/linux.xml:2:3: note: driver table row"],
    ),
    (
        Rule::FirmwareContradiction,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <firmware arch=\"x86_64\" type=\"bios\"/>\n  <secure-boot arch=\"x86_64\" supported=\"true\"/>\n</os>\n")],
        &["data/os/guestdb.test/b-1.xml:4:3: error[firmware-contradiction]: OS 'http://guestdb.test/b/1' supports Secure Boot on x86_64 but no UEFI firmware there; add <firmware arch=\"x86_64\" type=\"efi\"/>"],
    ),
    (
        Rule::ReleaseOrder,
        &[("machines/qemu.xml", b"<qemu-machines>\n  <release version=\"7.2\" date=\"2022-12-13\"/>\n  <release version=\"7.1\" date=\"2022-08-30\"/>\n</qemu-machines>\n")],
        &["data/machines/qemu.xml:3:3: error[release-order]: QEMU release 7.1 comes after 7.2 in the list but is older; list releases oldest first\ndata/machines/qemu.xml:2:3: note: the release before it"],
    ),
    (
        Rule::LifecycleOrder,
        &[(OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <release-date>2020-05-01</release-date>\n  <eol-date>2025-05-01</eol-date>\n  <lifecycle>\n    <phase name=\"security\" end=\"2025-05-01\"/>\n    <phase name=\"extended\" end=\"2024-05-01\"/>\n    <phase name=\"standard\" end=\"2019-05-01\"/>\n  </lifecycle>\n</os>\n")],
        &[
            "data/os/guestdb.test/b-1.xml:7:5: error[lifecycle-order]: the extended phase ends 2024-05-01, before the security phase it follows (2025-05-01)\ndata/os/guestdb.test/b-1.xml:6:5: note: the security phase",
            "data/os/guestdb.test/b-1.xml:8:5: error[lifecycle-order]: the standard phase ends 2019-05-01, before the release date 2020-05-01\ndata/os/guestdb.test/b-1.xml:3:17: note: released here",
        ],
    ),
    (
        Rule::EolDateMismatch,
        &[
            (OS_B, b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <eol-date>2029-01-09</eol-date>\n  <lifecycle>\n    <phase name=\"security\" end=\"2025-10-14\"/>\n  </lifecycle>\n</os>\n"),
            ("os/guestdb.test/c-1.xml", b"<os id=\"http://guestdb.test/c/1\">\n  <name>C</name>\n  <eol-date>2029-01-09</eol-date>\n  <lifecycle>\n    <phase name=\"security\" end=\"tba\"/>\n  </lifecycle>\n</os>\n"),
            ("os/guestdb.test/d-1.xml", b"<os id=\"http://guestdb.test/d/1\">\n  <name>D</name>\n  <lifecycle>\n    <phase name=\"security\" end=\"2025-10-14\"/>\n  </lifecycle>\n</os>\n"),
        ],
        &[
            "data/os/guestdb.test/b-1.xml:3:13: error[eol-date-mismatch]: <eol-date> 2029-01-09 is not the end of the security phase (2025-10-14); eol-date is the end of security maintenance without a paid add-on\ndata/os/guestdb.test/b-1.xml:5:5: note: the security phase",
            "data/os/guestdb.test/c-1.xml:3:13: error[eol-date-mismatch]: <eol-date> 2029-01-09 is stated but the security phase's end is tba; remove the eol-date or date the phase\ndata/os/guestdb.test/c-1.xml:5:5: note: the security phase",
            "data/os/guestdb.test/d-1.xml:4:5: error[eol-date-mismatch]: the security phase ends 2025-10-14 but the file states no <eol-date>; add <eol-date>2025-10-14</eol-date>",
        ],
    ),
    (
        Rule::SchemaVersion,
        &[("dataset.xml", b"<dataset version=\"2026.01.01\" schema-version=\"7\">\n  <source id=\"test\" name=\"test fixtures\"/>\n</dataset>\n")],
        &["data/dataset.xml:1:31: error[schema-version]: schema version 7 is not the one this compiler reads (6)"],
    ),
];

fn check(rule: Rule) {
    let case = CASES
        .iter()
        .find(|c| c.0 == rule)
        .unwrap_or_else(|| panic!("no fixture for rule {rule}"));
    let dir = fixture();
    write_files(dir.path(), case.1);
    let found = findings_of(dir.path());
    let expected: Vec<String> = case.2.iter().map(|s| s.to_string()).collect();
    assert_eq!(found, expected, "findings for rule {rule}");
}

macro_rules! rule_tests {
    ($($name:ident => $rule:expr),* $(,)?) => {
        $(#[test] fn $name() { check($rule); })*
    };
}

rule_tests! {
    rule_encoding => Rule::Encoding,
    rule_xml_syntax => Rule::XmlSyntax,
    rule_unknown_element => Rule::UnknownElement,
    rule_unknown_attribute => Rule::UnknownAttribute,
    rule_missing_element => Rule::MissingElement,
    rule_missing_attribute => Rule::MissingAttribute,
    rule_duplicate_element => Rule::DuplicateElement,
    rule_invalid_value => Rule::InvalidValue,
    rule_invalid_date => Rule::InvalidDate,
    rule_invalid_pci_id => Rule::InvalidPciId,
    rule_invalid_regex => Rule::InvalidRegex,
    rule_duplicate_id => Rule::DuplicateId,
    rule_duplicate_name => Rule::DuplicateName,
    rule_id_path => Rule::IdPath,
    rule_unresolved_reference => Rule::UnresolvedReference,
    rule_inheritance_cycle => Rule::InheritanceCycle,
    rule_release_after_eol => Rule::ReleaseAfterEol,
    rule_resource_order => Rule::ResourceOrder,
    rule_virtio_contradicts_devices => Rule::VirtioContradictsDevices,
    rule_firmware_contradiction => Rule::FirmwareContradiction,
    rule_release_order => Rule::ReleaseOrder,
    rule_lifecycle_order => Rule::LifecycleOrder,
    rule_eol_date_mismatch => Rule::EolDateMismatch,
    rule_schema_version => Rule::SchemaVersion,
}

#[test]
fn rule_io() {
    let dir = fixture();
    std::os::unix::fs::symlink(
        "/nonexistent/guestdb-test",
        dir.path().join("os/guestdb.test/gone-1.xml"),
    )
    .expect("symlink");
    assert_eq!(
        findings_of(dir.path()),
        vec!["data/os/guestdb.test/gone-1.xml:1:1: error[io]: cannot read: No such file or directory (os error 2)".to_string()]
    );
}

#[test]
fn every_rule_has_a_fixture() {
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .filter(|r| **r != Rule::Io && !CASES.iter().any(|c| c.0 == **r))
        .map(|r| r.name())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a broken fixture in tests/it/rules.rs: {missing:?}"
    );
}

#[test]
fn the_base_fixture_is_valid() {
    assert_eq!(findings_of(fixture().path()), Vec::<String>::new());
}

#[test]
fn all_findings_are_reported_not_just_the_first() {
    let dir = fixture();
    write_files(dir.path(), &[
        (OS_B, b"<os id=\"http://guestdb.test/b/1\" x=\"1\">\n  <name>B</name>\n  <eol-date>2019-13-01</eol-date>\n</os>\n"),
        ("os/guestdb.test/c-1.xml", b"<os id=\"http://guestdb.test/c/1\">\n  <name>C</name>\n  <upgrades id=\"http://guestdb.test/z/9\"/>\n</os>\n"),
    ]);
    let rules: Vec<String> = findings_of(dir.path())
        .iter()
        .map(|f| f.split(": ").nth(1).unwrap_or("").to_string())
        .collect();
    assert_eq!(
        rules,
        [
            "error[unknown-attribute]",
            "error[invalid-date]",
            "error[unresolved-reference]"
        ]
    );
}

#[test]
fn one_kernel_per_architecture() {
    // A kernel for all architectures and one for aarch64 is fine; a second
    // kernel for the same architecture is a duplicate, with its place.
    let dir = fixture();
    write_files(
        dir.path(),
        &[(
            OS_B,
            b"<os id=\"http://guestdb.test/b/1\" source=\"test\">\n  <name>B</name>\n  <kernel version=\"3.10\"/>\n  <kernel arch=\"aarch64\" version=\"4.14\"/>\n</os>\n",
        )],
    );
    assert_eq!(findings_of(dir.path()), Vec::<String>::new());
    write_files(
        dir.path(),
        &[(
            OS_B,
            b"<os id=\"http://guestdb.test/b/1\" source=\"test\">\n  <name>B</name>\n  <kernel arch=\"aarch64\" version=\"4.11\"/>\n  <kernel arch=\"aarch64\" version=\"4.14\"/>\n</os>\n",
        )],
    );
    assert_eq!(
        findings_of(dir.path()),
        ["data/os/guestdb.test/b-1.xml:4:3: error[duplicate-element]: a second <kernel> for arch 'aarch64'; state one kernel per architecture"]
    );
}

#[test]
fn a_machine_family_may_come_back_for_other_architectures_only() {
    // aarch64's versioned virt and riscv64's unversioned one share a name;
    // the same family twice for one architecture is a duplicate.
    let release = "  <release version=\"7.2\" date=\"2022-12-13\"/>\n";
    let ok = format!(
        "<qemu-machines>\n{release}  <family name=\"virt\" arches=\"aarch64\" prefix=\"virt-\" first=\"7.2\"/>\n  <family name=\"virt\" arches=\"riscv64\" prefix=\"virt\" versioned=\"false\" first=\"7.2\"/>\n</qemu-machines>\n"
    );
    let dir = fixture();
    write_files(dir.path(), &[("machines/qemu.xml", ok.as_bytes())]);
    assert_eq!(findings_of(dir.path()), Vec::<String>::new());
    let twice = format!(
        "<qemu-machines>\n{release}  <family name=\"virt\" arches=\"aarch64\" prefix=\"virt-\" first=\"7.2\"/>\n  <family name=\"virt\" arches=\"riscv64 aarch64\" prefix=\"virt\" versioned=\"false\" first=\"7.2\"/>\n</qemu-machines>\n"
    );
    let dir = fixture();
    write_files(dir.path(), &[("machines/qemu.xml", twice.as_bytes())]);
    assert_eq!(
        findings_of(dir.path()),
        vec!["data/machines/qemu.xml:4:11: error[duplicate-id]: machine family 'virt' is defined twice for aarch64\ndata/machines/qemu.xml:3:11: note: first defined here".to_string()]
    );
}
