//! `guestdb diff` and `guestdb release` on a changed copy of the real data.

use crate::common::{copy_dir, require, root, run};
use std::path::Path;
use std::process::Command;

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn edit(path: &Path, old: &str, new: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(old), "{} lacks {old}", path.display());
    std::fs::write(path, text.replacen(old, new, 1)).expect("write");
}

/// A copy of the data with one OS added (by new-os), one removed, and one
/// with a new end-of-life date, a virtio class that is now modern too, and
/// q35 support; its dataset version is bumped.
fn changed_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("data"), dir.path());
    let d = dir.path();
    std::fs::remove_file(d.join("os/fedoraproject.org/fedora-46.xml")).expect("remove fedora46");
    let r = run(&[
        "new-os",
        "alpinelinux3.24",
        "3.99",
        "--out",
        arg(d),
        "--release-date",
        "2030-06-01",
        "--eol-date",
        "2032-05-01",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Alpine's lifecycle has a standard phase too: not announced yet.
    edit(
        &d.join("os/alpinelinux.org/alpinelinux-3.99.xml"),
        r#"<phase name="standard" end="YYYY-MM-DD""#,
        r#"<phase name="standard" end="tba""#,
    );
    let netbsd = d.join("os/netbsd.org/netbsd-9.4.xml");
    // The end of security maintenance moves: the security phase and the
    // eol-date that must equal it.
    edit(&netbsd, ">2026-08-30</eol-date>", ">2026-09-30</eol-date>");
    edit(
        &netbsd,
        r#"<phase name="security" end="2026-08-30""#,
        r#"<phase name="security" end="2026-09-30""#,
    );
    edit(
        &netbsd,
        r#"<virtio class="net" legacy="true" modern="false""#,
        r#"<virtio class="net" legacy="true" modern="true""#,
    );
    edit(
        &netbsd,
        r#"  <chipset name="i440fx""#,
        "  <chipset name=\"q35\" supported=\"true\" source=\"guestdb\"/>\n  <chipset name=\"i440fx\"",
    );
    let dataset = d.join("dataset.xml");
    let text = std::fs::read_to_string(&dataset).expect("dataset.xml");
    let version = text
        .split("<dataset version=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a dataset version")
        .to_string();
    edit(
        &dataset,
        &format!("<dataset version=\"{version}\""),
        "<dataset version=\"2099.01.01\"",
    );
    dir
}

const EXPECTED: &str =
    "added    alpinelinux3.99  Alpine Linux 3.99  (http://alpinelinux.org/alpinelinux/3.99)
removed  fedora46  Fedora Linux 46  (http://fedoraproject.org/fedora/46)
changed  netbsd9.4  NetBSD 9.4  (http://netbsd.org/netbsd/9.4)
  chipsets.q35: false → true
  eol_date: 2026-08-30 → 2026-09-30
  lifecycle.security.end: 2026-08-30 → 2026-09-30
  virtio.net.modern: false → true
";

#[test]
fn diff_names_every_added_removed_and_changed_fact_and_exits_1() {
    let copy = changed_copy();
    let r = run(&["diff", "data", arg(copy.path())]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let (summary, rest) = r.stdout.split_once('\n').expect("a summary line");
    assert!(
        summary.ends_with("-> 2099.01.01: 1 added, 1 removed, 1 changed"),
        "{summary}"
    );
    assert_eq!(rest, EXPECTED);

    let r = run(&["diff", "data", arg(copy.path()), "--json"]);
    assert_eq!(r.code, 1);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["new_version"], "2099.01.01");
    assert_eq!(v["added"][0]["short_id"], "alpinelinux3.99");
    assert_eq!(v["removed"][0]["id"], "http://fedoraproject.org/fedora/46");
    let changes = &v["changed"][0]["changes"];
    assert_eq!(
        changes[3],
        serde_json::json!({"field": "virtio.net.modern", "old": false, "new": true})
    );

    // The same dataset on both sides, a directory against its compiled store.
    let store = copy.path().join("copy.store");
    let b = run(&["build", arg(copy.path()), "-o", arg(&store)]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let same = run(&["diff", arg(&store), arg(copy.path())]);
    assert_eq!(same.code, 0, "{}{}", same.stdout, same.stderr);
    assert!(
        same.stdout.contains("0 added, 0 removed, 0 changed"),
        "{}",
        same.stdout
    );

    let bad = run(&["diff", "data", "/nonexistent/store"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("neither a store file nor a data directory"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_release_is_a_versioned_store_its_checksum_and_notes_from_the_diff() {
    let sha256sum = require("sha256sum", "coreutils");
    let copy = changed_copy();
    let out = tempfile::tempdir().expect("tempdir");
    let first = run(&["release", "data", "--out", arg(out.path())]);
    assert_eq!(first.code, 0, "{}{}", first.stdout, first.stderr);
    let previous = std::fs::read_dir(out.path())
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "store"))
        .expect("the first release's store");

    let r = run(&[
        "release",
        arg(copy.path()),
        "--out",
        arg(out.path()),
        "--previous",
        arg(&previous),
    ]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let store = out.path().join("guestdb-data-2099.01.01.store");
    assert!(store.is_file(), "{}", r.stdout);
    let check = Command::new(sha256sum)
        .args(["-c", "guestdb-data-2099.01.01.store.sha256"])
        .current_dir(out.path())
        .output()
        .expect("sha256sum runs");
    assert!(
        check.status.success(),
        "sha256sum -c: {}",
        String::from_utf8_lossy(&check.stdout)
    );
    let notes = std::fs::read_to_string(out.path().join("RELEASE-NOTES-2099.01.01.md"))
        .expect("release notes");
    for want in [
        "# guestdb dataset 2099.01.01",
        "Schema version 6; ",
        ": 1 added, 1 removed, 1 changed.",
        "## Added\n\n- `alpinelinux3.99` Alpine Linux 3.99",
        "## Removed\n\n- `fedora46` Fedora Linux 46",
        "## Changed\n\n- `netbsd9.4` NetBSD 9.4\n  - chipsets.q35: `false` → `true`\n  - eol_date: `2026-08-30` → `2026-09-30`\n  - lifecycle.security.end: `2026-08-30` → `2026-09-30`\n  - virtio.net.modern: `false` → `true`\n",
    ] {
        assert!(notes.contains(want), "notes lack {want:?}:\n{notes}");
    }
    // The released store is what the library and the command line open.
    let show = run(&["--store", arg(&store), "show", "alpinelinux3.99", "--json"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    let db = guestdb::Database::open(&store).expect("the released store opens");
    assert_eq!(db.dataset_version(), "2099.01.01");
    assert_eq!(db.schema_version(), guestdb::SCHEMA_VERSION);

    // A release must be newer than the previous one.
    let again = run(&[
        "release",
        arg(copy.path()),
        "--out",
        arg(out.path()),
        "--previous",
        arg(&store),
    ]);
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .contains("is not newer than the previous release's 2099.01.01"),
        "{}",
        again.stderr
    );
}

/// Every file in `dir` with its content.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_released_version_is_never_republished_with_other_content_nor_notes_overwritten() {
    let out = tempfile::tempdir().expect("tempdir");
    let data = tempfile::tempdir().expect("tempdir");
    copy_dir(&root().join("data"), data.path());
    let r = run(&["release", arg(data.path()), "--out", arg(out.path())]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let released = files(out.path());
    // The same release again changes nothing.
    let r = run(&["release", arg(data.path()), "--out", arg(out.path())]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(files(out.path()), released);

    // Other data under the same version is refused, and nothing changes.
    edit(
        &data.path().join("os/fedoraproject.org/fedora-45.xml"),
        "<name>Fedora Linux 45</name>",
        "<name>Fedora Linux 45 (rebuilt)</name>",
    );
    let r = run(&["release", arg(data.path()), "--out", arg(out.path())]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("exists with other content")
            && r.stderr.contains("was released with another store; bump"),
        "{}",
        r.stderr
    );
    assert_eq!(files(out.path()), released);

    // Notes guestdb did not write are not overwritten, and no store is
    // written beside them.
    let fresh = tempfile::tempdir().expect("tempdir");
    let (notes, _) = released
        .iter()
        .find(|(n, _)| n.starts_with("RELEASE-NOTES-"))
        .expect("notes");
    std::fs::write(fresh.path().join(notes), "my notes\n").expect("write");
    let r = run(&["release", "data", "--out", arg(fresh.path())]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("does not overwrite notes"),
        "{}",
        r.stderr
    );
    assert_eq!(
        files(fresh.path()),
        vec![(notes.clone(), b"my notes\n".to_vec())]
    );
}
