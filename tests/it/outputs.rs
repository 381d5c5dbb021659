//! What guestdb writes never destroys what it did not create (issue 17,
//! class 5): a FIFO or a device node at `build -o` is refused and left;
//! `export-osinfo` replaces and removes only what its manifest lists with
//! the content it wrote, and a killed export leaves the earlier export or
//! the whole new one.

use crate::common::{fixture, guestdb, root, run};
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn build_refuses_a_fifo_or_a_device_node_as_its_output_and_leaves_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = fixture();
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let mut targets = vec![(fifo.clone(), "a FIFO")];
    // A device node like /dev/null (root can make one; others skip it).
    let null = dir.path().join("null");
    if Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
    {
        targets.push((null.clone(), "a device"));
    }
    for (target, what) in &targets {
        let r = run(&["build", arg(data.path()), "-o", arg(target)]);
        assert_eq!(r.code, 2, "{}: {}", target.display(), r.stderr);
        assert!(
            r.stderr.contains(arg(target))
                && r.stderr.contains(&format!("is {what}"))
                && r.stderr.contains("replaces only regular files"),
            "{}",
            r.stderr
        );
        let ft = std::fs::symlink_metadata(target)
            .expect("still there")
            .file_type();
        assert!(
            ft.is_fifo() || ft.is_char_device(),
            "{} was replaced",
            target.display()
        );
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), targets.len(), "left behind: {names:?}");
}

/// Exports the fixture data (`small`) or the repository's into `out`.
fn export(data: &Path, out: &Path) -> crate::common::Run {
    run(&["export-osinfo", arg(out), "--from", arg(data)])
}

/// Every file below `dir` (relative) with its content.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("below").display().to_string();
                out.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn export_never_replaces_or_removes_a_file_its_manifest_does_not_list_as_written() {
    let base = tempfile::tempdir().expect("tempdir");
    let out = base.path().join("osinfo");
    let data = fixture();
    let r = export(data.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let manifest = std::fs::read_to_string(out.join(".guestdb-export.sha256")).expect("manifest");
    // sha256sum checks the manifest.
    let check = Command::new("sha256sum")
        .args(["-c", "--quiet", ".guestdb-export.sha256"])
        .current_dir(&out)
        .output()
        .expect("sha256sum runs");
    assert!(check.status.success(), "{manifest}");
    let os_file = manifest
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, p)| p.to_string()))
        .find(|p| p.starts_with("os/"))
        .expect("an OS file listed");

    // A file of the user's that carries the export's header comment.
    let exported = std::fs::read_to_string(out.join(&os_file)).expect("read");
    let mine = out.join("os/mine.xml");
    std::fs::write(&mine, &exported).expect("write");
    let before = tree(&out);
    let r = export(data.path(), &out);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr
            .contains("which no earlier 'guestdb export-osinfo' wrote"),
        "{}",
        r.stderr
    );
    assert_eq!(tree(&out), before, "the export changed the directory");
    std::fs::remove_file(&mine).expect("rm");

    // A file of the export the user edited since.
    std::fs::write(
        out.join(&os_file),
        exported.replace("</os>", "<!-- mine --></os>"),
    )
    .expect("edit");
    let before = tree(&out);
    let r = export(data.path(), &out);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("which was changed since"), "{}", r.stderr);
    assert_eq!(tree(&out), before, "the export changed the directory");

    // Put back as written, it is an earlier export again; nothing is left
    // beside it.
    std::fs::write(out.join(&os_file), &exported).expect("restore");
    let r = export(data.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let beside: Vec<String> = std::fs::read_dir(base.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["osinfo"]);
}

#[test]
fn an_export_killed_at_any_point_leaves_the_earlier_export_or_the_whole_new_one() {
    let base = tempfile::tempdir().expect("tempdir");
    let out = base.path().join("osinfo");
    let small = fixture();
    let r = export(small.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let old = tree(&out);
    let data = root().join("data");
    let mut kept = 0;
    for delay_ms in [0u64, 20, 100, 250, 500, 900] {
        let mut child = guestdb()
            .args(["export-osinfo", arg(&out), "--from", arg(&data)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the export");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&out);
        if now == old {
            kept += 1;
        } else {
            // The whole new export: sha256sum finds every file it lists.
            let check = Command::new("sha256sum")
                .args(["-c", "--quiet", ".guestdb-export.sha256"])
                .current_dir(&out)
                .output()
                .expect("sha256sum runs");
            assert!(
                check.status.success(),
                "a kill at {delay_ms} ms: partial export"
            );
            assert!(
                now.len() > 1000,
                "a kill at {delay_ms} ms: {} files",
                now.len()
            );
            let r = export(small.path(), &out);
            assert_eq!(r.code, 0, "{}", r.stderr);
            assert_eq!(tree(&out), old);
        }
    }
    assert!(kept > 0, "no kill landed before the export finished");
    // The next export removes what the killed ones left beside it.
    let r = export(small.path(), &out);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let beside: Vec<String> = std::fs::read_dir(base.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["osinfo"]);
}
