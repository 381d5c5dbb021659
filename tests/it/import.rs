//! The osinfo-db importer on a copy of data/: re-imports change nothing,
//! edited files are kept, conflicts are reported and never overwrite.

use crate::common::{copy_dir, root, run, shared};
use std::path::Path;

fn import(out: &Path) -> (i32, serde_json::Value) {
    import_with(out, &[])
}

/// Runs the importer on osinfo-db into `out` with `extra` arguments.
fn import_with(out: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let src = shared().join("osinfo-db/data");
    let mut args = vec![
        "import-osinfo",
        src.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
        "--json",
    ];
    args.extend_from_slice(extra);
    let r = run(&args);
    assert!(
        r.code == 0 || r.code == 1,
        "import failed ({}): {}{}",
        r.code,
        r.stdout,
        r.stderr
    );
    (
        r.code,
        serde_json::from_str(&r.stdout).expect("JSON report"),
    )
}

/// Whether the import report's list `key` names `file`.
fn lists(report: &serde_json::Value, key: &str, file: &str) -> bool {
    report[key]
        .as_array()
        .is_some_and(|l| l.iter().any(|p| p == file))
}

fn set_lock(out: &Path, file: &str, hash: &str) {
    let lock = out.join("osinfo-import.lock");
    let text = std::fs::read_to_string(&lock).expect("lock");
    let mut found = false;
    let new: String = text
        .lines()
        .map(|l| {
            if l.ends_with(&format!("  {file}")) {
                found = true;
                format!("{hash}  {file}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    let new = if found {
        new
    } else {
        format!("{new}{hash}  {file}\n")
    };
    std::fs::write(&lock, new).expect("write lock");
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(std::fs::read(path).expect("read"))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn importing_the_same_source_again_changes_nothing() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("data");
    copy_dir(&root().join("data"), &out);
    let (code, report) = import(&out);
    assert_eq!(code, 0);
    // libosinfo's count of the same tree (959 in osinfo-db of 2026-05).
    let oses = crate::oracle::oracle().len();
    assert_eq!(report["oses"], oses);
    assert_eq!(
        report["written"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(
        report["conflicts"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    assert_eq!(
        report["findings"].as_array().map(Vec::len),
        Some(0),
        "{report}"
    );
    // Every committed file is either what the importer writes or a kept edit.
    let kept = report["kept_edited"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(
        report["unchanged"].as_u64().unwrap_or(0) as usize + kept,
        oses + report["datamaps"].as_u64().unwrap_or(0) as usize,
        "every OS and datamap file is unchanged or a kept edit"
    );
    let diff = std::process::Command::new("diff")
        .arg("-r")
        .arg(root().join("data"))
        .arg(&out)
        .output()
        .expect("diff");
    assert!(
        diff.status.success(),
        "a re-import changed files:\n{}",
        String::from_utf8_lossy(&diff.stdout)
    );
}

#[test]
fn edits_are_kept_and_conflicts_never_overwrite() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("data");
    copy_dir(&root().join("data"), &out);

    // 1. A contributor's edit, osinfo-db unchanged: kept, silently.
    let edited = "os/redhat.com/rhel-6.10.xml";
    let path = out.join(edited);
    let text = std::fs::read_to_string(&path).expect("read").replace(
        "<codename>Santiago</codename>",
        "<codename>Santiago</codename>\n  <alias>el6.10</alias>",
    );
    std::fs::write(&path, &text).expect("write");
    let (code, report) = import(&out);
    assert_eq!(code, 0);
    assert!(lists(&report, "kept_edited", edited), "{report}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);

    // 2. Edited here and (as the lock says) changed upstream: a conflict.
    set_lock(&out, edited, &"0".repeat(64));
    let (code, report) = import(&out);
    assert_eq!(code, 1, "a conflict exits 1");
    assert!(lists(&report, "conflicts", edited), "{report}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        text,
        "the edit must survive a conflict"
    );
    let beside = out.join(format!("{edited}.imported"));
    assert!(
        beside.is_file(),
        "the import is written beside the edited file"
    );

    // 2b. Merged by hand and marked so: the conflict is over, the edit stays.
    let (code, report) = import_with(&out, &["--merged"]);
    assert_eq!(code, 0, "{report}");
    assert!(lists(&report, "merged", edited), "{report}");
    assert!(!beside.exists(), "--merged removes the .imported file");
    let (code, report) = import(&out);
    assert_eq!(code, 0, "{report}");
    assert!(lists(&report, "kept_edited", edited), "{report}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), text);

    // 3. A file the lock says was never edited is brought up to date.
    let stale = "os/redhat.com/rhl-9.xml";
    let spath = out.join(stale);
    let original = std::fs::read_to_string(&spath).expect("read");
    std::fs::write(&spath, original.replace("Shrike", "Old name")).expect("write");
    set_lock(&out, stale, &sha256(&spath));
    let (_, report) = import(&out);
    assert!(lists(&report, "written", stale), "{report}");
    assert_eq!(std::fs::read_to_string(&spath).expect("read"), original);

    // 4. An OS that left osinfo-db: removed if untouched, kept if edited.
    let gone = "os/guestdb.test/gone-1.xml";
    std::fs::create_dir_all(out.join("os/guestdb.test")).expect("mkdir");
    std::fs::write(
        out.join(gone),
        "<os id=\"http://guestdb.test/gone/1\"><name>Gone</name></os>\n",
    )
    .expect("write");
    set_lock(&out, gone, &sha256(&out.join(gone)));
    let (_, report) = import(&out);
    assert!(lists(&report, "removed", gone), "{report}");
    assert!(!out.join(gone).exists());
}
