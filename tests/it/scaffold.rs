//! `guestdb new-os`: the next release of a distribution, scaffolded from the
//! previous one in a copy of the real data, validated, shown and detected.

use crate::common::{copy_dir, fixture, root, run, write_files};
use std::path::Path;

fn data_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("data"), dir.path());
    dir
}

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn the_next_release_is_scaffolded_and_validates_once_its_dates_are_filled_in() {
    let dir = data_copy();
    let out = arg(dir.path());
    let file = dir.path().join("os/alpinelinux.org/alpinelinux-3.99.xml");

    let r = run(&["new-os", "alpinelinux3.24", "3.99", "--out", out]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("written: "), "{}", r.stdout);
    let text = std::fs::read_to_string(&file).expect("the scaffold is written");
    for want in [
        r#"<os id="http://alpinelinux.org/alpinelinux/3.99" source="guestdb">"#,
        "<short-id>alpinelinux3.99</short-id>",
        "<name>Alpine Linux 3.99</name>",
        "<version>3.99</version>",
        "<release-date>YYYY-MM-DD</release-date>",
        "<eol-date>YYYY-MM-DD</eol-date>",
        r#"<phase name="standard" end="YYYY-MM-DD" label="community repository support"/>"#,
        r#"<phase name="security" end="YYYY-MM-DD" label="main repository support"/>"#,
        r#"<derives-from id="http://alpinelinux.org/alpinelinux/3.24"/>"#,
        r#"<upgrades id="http://alpinelinux.org/alpinelinux/3.24"/>"#,
        r"<volume-id>alpine-virt 3\.99.* x86_64$</volume-id>",
        "<url>https://dl-cdn.alpinelinux.org/v3.99/releases/x86_64/alpine-virt-3.99.0-x86_64.iso</url>",
    ] {
        assert!(text.contains(want), "scaffold lacks {want}:\n{text}");
    }
    // The kernel and the codename are the new release's own facts.
    assert!(!text.contains("<kernel version"), "{text}");
    let stale: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("3.24") || l.contains(r"3\.24"))
        .filter(|l| !l.contains("derives-from") && !l.contains("upgrades") && !l.contains("<!--"))
        .collect();
    assert!(stale.is_empty(), "lines still naming 3.24: {stale:?}");
    for (line, what) in [
        (10, "release-date"),
        (11, "eol-date"),
        (13, "phase standard"),
        (14, "phase security"),
    ] {
        let want = format!("alpinelinux-3.99.xml:{line}: {what}");
        assert!(
            r.stdout.contains(&want),
            "no 'fill in' for {what}: {}",
            r.stdout
        );
    }

    // Not valid until the dates are filled in, and the finding says where.
    let v = run(&["validate", out]);
    assert_eq!(v.code, 2, "{}", v.stdout);
    assert!(
        v.stdout.contains(
            "alpinelinux-3.99.xml:10:17: error[invalid-date]: 'YYYY-MM-DD' is not a date"
        ),
        "{}",
        v.stdout
    );

    // Safe to run twice: the same scaffold is left as it is.
    let again = run(&["new-os", "alpinelinux3.24", "3.99", "--out", out]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.starts_with("unchanged: "), "{}", again.stdout);
    assert_eq!(std::fs::read_to_string(&file).expect("read"), text);

    let dated = text
        .replace(
            "<release-date>YYYY-MM-DD</release-date>",
            "<release-date>2030-06-01</release-date>",
        )
        .replace(
            "<eol-date>YYYY-MM-DD</eol-date>",
            "<eol-date>2032-05-01</eol-date>",
        )
        .replace(
            r#"<phase name="standard" end="YYYY-MM-DD""#,
            r#"<phase name="standard" end="tba""#,
        )
        .replace(
            r#"<phase name="security" end="YYYY-MM-DD""#,
            r#"<phase name="security" end="2032-05-01""#,
        );
    std::fs::write(&file, &dated).expect("fill in the dates");
    let v = run(&["validate", out]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);

    // An edited file is never overwritten.
    let edited = run(&["new-os", "alpinelinux3.24", "3.99", "--out", out]);
    assert_eq!(edited.code, 1, "{}", edited.stdout);
    assert!(
        edited.stderr.contains("exists and differs"),
        "{}",
        edited.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), dated);

    // The new release inherits the previous one's facts and is detected
    // from media with its version.
    let show = run(&["--data", out, "show", "alpinelinux3.99", "--json"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    let v: serde_json::Value = serde_json::from_str(&show.stdout).expect("JSON");
    assert_eq!(v["release_date"], "2030-06-01");
    assert_eq!(
        v["derives_from"][0],
        "http://alpinelinux.org/alpinelinux/3.24"
    );
    assert_eq!(v["virtio"]["net"]["legacy"], true, "{}", v["virtio"]);
    assert_eq!(v["virtio"]["net"]["modern"], true, "{}", v["virtio"]);
    let chipsets = v["chipsets"].to_string();
    assert!(chipsets.contains("q35"), "{chipsets}");

    let dump = dir.path().join("alpine-virt-3.99.0-x86_64.iso.txt");
    std::fs::write(
        &dump,
        "CD-ROM is in ISO 9660 format\nSystem id: \nVolume id: alpine-virt 3.99.0 x86_64\nVolume size is: 30000\n",
    )
    .expect("write dump");
    let d = run(&["--data", out, "detect", arg(&dump), "--json"]);
    assert_eq!(d.code, 0, "{}{}", d.stdout, d.stderr);
    assert!(d.stdout.contains("\"alpinelinux3.99\""), "{}", d.stdout);
}

#[test]
fn given_dates_kernel_and_codename_are_written_with_their_source() {
    let dir = data_copy();
    let out = arg(dir.path());
    let r = run(&[
        "new-os",
        "fedora45",
        "99",
        "--out",
        out,
        "--release-date",
        "2031-04-20",
        "--eol-date",
        "2032-05-20",
        "--codename",
        "Test",
        "--kernel",
        "9.1",
        "--source",
        "distro-release-notes",
        "--note",
        "the release announcement",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["state"], "written");
    assert_eq!(v["id"], "http://fedoraproject.org/fedora/99");
    assert_eq!(v["to_fill"], serde_json::json!([]));
    let file = dir.path().join("os/fedoraproject.org/fedora-99.xml");
    let text = std::fs::read_to_string(file).expect("written");
    for want in [
        r#"source="distro-release-notes""#,
        r#"<version note="the release announcement">99</version>"#,
        "<codename>Test</codename>",
        "<release-date>2031-04-20</release-date>",
        r#"<kernel version="9.1" source="distro-release-notes" note="the release announcement"/>"#,
        "Fedora-S-dvd-x86_64-99",
    ] {
        assert!(text.contains(want), "lacks {want}:\n{text}");
    }
    let v = run(&["validate", out]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    // Facts the kernel implies are derived for the new release.
    let show = run(&["--data", out, "show", "fedora99", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&show.stdout).expect("JSON");
    assert_eq!(v["kernel"]["version"], "9.1");
    assert_eq!(v["virtio"]["vsock"]["derived"], true, "{}", v["virtio"]);
}

#[test]
fn a_rebuild_clones_the_upstream_release_of_its_new_version() {
    let dir = fixture();
    write_files(
        dir.path(),
        &[
            (
                "os/guestdb.test/base-2.xml",
                br#"<?xml version="1.0" encoding="UTF-8"?>
<os id="http://guestdb.test/base/2" source="test">
  <short-id>base2</short-id>
  <name>Base 2</name>
  <version>2</version>
  <release-date>2021-01-01</release-date>
</os>
"#,
            ),
            (
                "os/guestdb.test/rebuild-1.xml",
                br#"<?xml version="1.0" encoding="UTF-8"?>
<os id="http://guestdb.test/rebuild/1" source="test">
  <short-id>rebuild1</short-id>
  <short-id>rebuild-latest</short-id>
  <name>Rebuild 1</name>
  <version>1</version>
  <release-date>2020-02-01</release-date>
  <clones id="http://guestdb.test/base/1"/>
</os>
"#,
            ),
        ],
    );
    let out = arg(dir.path());
    let r = run(&[
        "new-os",
        "rebuild1",
        "2",
        "--out",
        out,
        "--release-date",
        "2021-02-01",
        "--source",
        "test",
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("not carried over") && r.stdout.contains("rebuild-latest"),
        "{}",
        r.stdout
    );
    let text =
        std::fs::read_to_string(dir.path().join("os/guestdb.test/rebuild-2.xml")).expect("written");
    assert!(
        text.contains(r#"<clones id="http://guestdb.test/base/2"/>"#),
        "{text}"
    );
    assert!(!text.contains("rebuild-latest"), "{text}");
    let v = run(&["validate", out]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

#[test]
fn bad_requests_say_what_is_wrong_and_write_nothing() {
    let dir = data_copy();
    let out = arg(dir.path());
    let before = std::fs::read_dir(dir.path().join("os/alpinelinux.org"))
        .expect("dir")
        .count();
    let cases: [(&[&str], i32, &str); 10] = [
        (
            &["new-os", "alpinelinux3.24", "3.99", "--note", "a\nb"],
            2,
            "holds a control character",
        ),
        (
            &["new-os", "alpinelinux3.24", "../../x"],
            2,
            "the version may hold only",
        ),
        (
            &["new-os", "alpinelinux3.24", "3.99/../../x"],
            2,
            "the version may hold only",
        ),
        (
            &["new-os", "alpinelinux3.24", "3 99"],
            2,
            "the version may hold only",
        ),
        (&["new-os", "nosuchos1", "2"], 1, "no OS 'nosuchos1'"),
        (
            &["new-os", "alpinelinux3.24", "3.24"],
            2,
            "the new version is the previous release's version",
        ),
        (
            &["new-os", "alpinelinux3.22", "3.23"],
            1,
            "exists and differs",
        ),
        (
            &["new-os", "alpinelinux3.24", "3.99", "--source", "nosuch"],
            2,
            "source 'nosuch' is not defined",
        ),
        (
            &[
                "new-os",
                "alpinelinux3.24",
                "3.99",
                "--release-date",
                "2026-02-30",
            ],
            2,
            "is not a date",
        ),
        (
            &["new-os", "alpinelinux3.24", "3.99", "--kernel", "six"],
            2,
            "is not a kernel version",
        ),
    ];
    for (args, code, message) in cases {
        let mut args = args.to_vec();
        args.extend(["--out", out]);
        let r = run(&args);
        assert_eq!(r.code, code, "{args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(message), "{args:?}: {}", r.stderr);
    }
    let after = std::fs::read_dir(dir.path().join("os/alpinelinux.org"))
        .expect("dir")
        .count();
    assert_eq!(before, after, "a failed request wrote a file");
    let r = run(&["new-os", "alpinelinux3.24", "3.99", "--out", "/nonexistent"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a directory"), "{}", r.stderr);
}
