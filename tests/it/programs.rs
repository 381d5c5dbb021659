//! Programs guestdb runs (issue 17, class 4): a probed "QEMU" that floods
//! its standard error, leaves a background child holding its output,
//! prints without end, fails with a 1 MB message, or lists odd machine
//! types. Each is the real QEMU 7.2 behind a hostile shell wrapper named
//! like it; guestdb must finish, say what happened briefly, and never use
//! an odd name.

use crate::common::run;
use crate::qemu::qemu_binary;
use std::path::{Path, PathBuf};

/// A `qemu-system-x86_64` in a new directory that runs `body` (a shell
/// script in which `$QEMU` is the real QEMU).
fn wrapper(dir: &Path, body: &str) -> PathBuf {
    let path = dir.join("qemu-system-x86_64");
    std::fs::write(
        &path,
        format!("#!/bin/sh\nQEMU='{}'\n{body}\n", qemu_binary().display()),
    )
    .expect("write the wrapper");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

fn recommend(qemu: &Path) -> crate::common::Run {
    crate::common::run_guarded(
        std::time::Duration::from_secs(120),
        &[
            "recommend",
            "fedora43",
            "--qemu",
            qemu.to_str().expect("utf-8"),
            "--json",
        ],
    )
}

/// The processes whose command line holds `mark`.
fn processes_with(mark: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(mark))
        .collect()
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn a_probed_qemu_that_floods_its_standard_error_is_read_to_the_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let qemu = wrapper(
        dir.path(),
        "head -c 1048576 /dev/zero | tr '\\0' x >&2\nexec \"$QEMU\" \"$@\"",
    );
    let r = recommend(&qemu);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["machine"]["name"], "pc-q35-7.2");
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn a_background_child_holding_the_output_neither_hangs_guestdb_nor_survives() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mark = format!("{}.{}", 4000 + std::process::id() % 1000, 17);
    let qemu = wrapper(
        dir.path(),
        &format!("sleep {mark} &\nexec \"$QEMU\" \"$@\""),
    );
    let r = recommend(&qemu);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let left = processes_with(&format!("sleep {mark}"));
    assert!(left.is_empty(), "left running: {left:?}");
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn endless_output_is_cut_at_the_cap_and_a_long_failure_is_quoted_briefly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let qemu = wrapper(
        dir.path(),
        "case \"$1\" in -device) yes 'name \"x\", bus PCI' ;; *) exec \"$QEMU\" \"$@\" ;; esac",
    );
    let r = recommend(&qemu);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("-device help printed more than 4096 KiB"),
        "{}",
        r.stderr
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let qemu = wrapper(
        dir.path(),
        "head -c 1048576 /dev/zero | tr '\\0' y >&2\nexit 1",
    );
    let r = recommend(&qemu);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("--version failed"), "{}", r.stderr);
    assert!(r.stderr.len() < 1000, "{} bytes of message", r.stderr.len());
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn odd_machine_types_a_probed_qemu_lists_never_displace_the_real_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let qemu = wrapper(
        dir.path(),
        "if [ \"$*\" = '-machine help' ]; then\n\
         \"$QEMU\" -machine help\n\
         printf 'pc-q35-99.0          Evil (default)\\n'\n\
         printf 'pc-q35-8.0$(touch%%20x)  Odd\\n'\n\
         else exec \"$QEMU\" \"$@\"; fi",
    );
    let r = recommend(&qemu);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["machine"]["name"], "pc-q35-7.2");
    let machines = run(&["machines", "--qemu", qemu.to_str().unwrap(), "--json"]);
    assert_eq!(machines.code, 0, "{}", machines.stderr);
    assert!(machines.stdout.contains("\"pc-q35-7.2\""));
    assert!(
        !machines.stdout.contains("99.0") && !machines.stdout.contains("touch"),
        "{}",
        machines.stdout
    );
}
