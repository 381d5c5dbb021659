//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference material beside the checkout (`../shared`), or
/// `$GUESTDB_SHARED`. Fails when it is missing.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("GUESTDB_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    assert!(
        dir.join("osinfo-db/data/os").is_dir(),
        "the reference material is missing: expected osinfo-db's data tree at {}/osinfo-db/data \
         (clone guestdb beside 'shared', or set GUESTDB_SHARED)",
        dir.display()
    );
    dir
}

/// The path of a program the tests need; fails when it is not installed.
pub fn require(program: &str, package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join(program);
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("{program} not found (Debian package {package}); run tools/test-setup.sh to install what the tests need");
}

/// The guestdb binary with no store or data directory chosen by the environment.
pub fn guestdb() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guestdb"));
    cmd.env_remove("GUESTDB_STORE")
        .env_remove("GUESTDB_DATA")
        .current_dir(root());
    cmd
}

/// What a finished command did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs guestdb with `args` and no standard input.
pub fn run(args: &[&str]) -> Run {
    guestdb()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("guestdb runs")
        .into()
}

/// Writes `files` (relative path, content) below `dir`, creating folders.
pub fn write_files(dir: &Path, files: &[(&str, &[u8])]) {
    for (rel, content) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&path, content).expect("write fixture");
    }
}

/// A small valid data directory. Fixture OSes live in the reserved
/// `guestdb.test` namespace.
pub fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            ("dataset.xml", FIXTURE_DATASET.as_bytes()),
            ("devices.xml", FIXTURE_DEVICES.as_bytes()),
            ("os/guestdb.test/base-1.xml", FIXTURE_BASE.as_bytes()),
        ],
    );
    dir
}

pub const FIXTURE_DATASET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<dataset version="2026.01.01" schema-version="6">
  <source id="test" name="test fixtures"/>
</dataset>
"#;

pub const FIXTURE_DEVICES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<devices>
  <device name="virtio-net" class="net" bus="pci" pci="1af4:1000" virtio-type="1" generation="legacy"/>
  <device name="virtio1.0-net" class="net" bus="pci" pci="1af4:1041" virtio-type="1" generation="modern"/>
  <device name="e1000" class="net" bus="pci" pci="8086:100e"/>
</devices>
"#;

pub const FIXTURE_BASE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<os id="http://guestdb.test/base/1" source="test">
  <short-id>base1</short-id>
  <name>Base 1</name>
  <release-date>2020-01-01</release-date>
  <device ref="virtio-net"/>
</os>
"#;

/// Findings of `load_dir` as text, with the directory shown as `data`.
pub fn findings_of(dir: &Path) -> Vec<String> {
    match guestdb::data::load_dir(dir) {
        Ok(_) => Vec::new(),
        Err(found) => {
            let prefix = dir.to_string_lossy().into_owned();
            found
                .iter()
                .map(|f| f.to_string().replace(&prefix, "data"))
                .collect()
        }
    }
}

/// The embedded database.
pub fn db() -> guestdb::Database {
    guestdb::Database::embedded().expect("embedded store")
}

/// A host profile of the embedded dataset, as a host.
pub fn profile(name: &str) -> guestdb::host::Host {
    db().profile_host(name, None)
        .expect("profile host")
        .unwrap_or_else(|| panic!("no host profile {name}"))
}

/// The date the behaviour tests use for end-of-life warnings.
pub fn test_day() -> guestdb::Date {
    guestdb::Date::parse("2026-12-01").expect("date")
}

/// Recommends for `os` (resolved with the newer-release fallback) on `arch`
/// with `hosts` (the first the host, the rest migration peers).
pub fn recommend_on(
    os: &str,
    arch: &str,
    hosts: &[guestdb::host::Host],
    policy: guestdb::recommend::Policy,
) -> Result<guestdb::recommend::Recommendation, guestdb::recommend::NoRecommendation> {
    let db = db();
    let resolved = db
        .resolve(os)
        .expect("store")
        .unwrap_or_else(|| panic!("unknown OS {os}"));
    let target = guestdb::recommend::Target {
        arch,
        hosts,
        policy,
        today: Some(test_day()),
    };
    match db.recommend(&resolved, &target) {
        Ok(r) => Ok(r),
        Err(guestdb::RecommendError::No(no)) => Err(no),
        Err(guestdb::RecommendError::Failed(e)) => panic!("{os}: {e}"),
    }
}

/// Recommends for `os` on x86_64 and one host profile, default policy.
pub fn recommend(os: &str, host: &str) -> guestdb::recommend::Recommendation {
    recommend_on(os, "x86_64", &[profile(host)], Default::default())
        .unwrap_or_else(|e| panic!("{os} on {host}: {e}"))
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The machine type of a libvirt domain XML (`<os><type machine=...>`).
pub fn domain_machine(root: &guestdb::data::xml::Element) -> Option<String> {
    root.children
        .iter()
        .find(|c| c.name == "os")
        .and_then(|o| o.children.iter().find(|c| c.name == "type"))
        .and_then(|t| t.attr("machine"))
        .map(|a| a.value.clone())
}

/// The corrections of `dir/corrections.xml`, read with the library's reader.
pub fn corrections(dir: &Path) -> Vec<guestdb::data::model::Correction> {
    let file = dir.join("corrections.xml");
    let bytes =
        std::fs::read(&file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let mut findings = guestdb::data::diag::Findings::default();
    let list = guestdb::data::read::read_corrections(
        &std::sync::Arc::from(file.to_string_lossy().as_ref()),
        &bytes,
        &mut findings,
    );
    assert!(
        findings.is_empty(),
        "{} does not read cleanly: {:?}",
        file.display(),
        findings.0
    );
    list
}

/// What the real libosinfo makes of an osinfo-db tree (`tools/osinfo-oracle.py`):
/// one JSON object per OS, and libosinfo's warnings (its standard error).
pub fn libosinfo_dump(tree: &Path) -> (Vec<serde_json::Value>, String) {
    let python = "/usr/bin/python3";
    assert!(
        Path::new(python).is_file(),
        "{python} not found; run tools/test-setup.sh (Debian python3-gi, gir1.2-libosinfo-1.0)"
    );
    let out = tempfile::NamedTempFile::new().expect("tempfile");
    let run = Command::new(python)
        .arg(root().join("tools/osinfo-oracle.py"))
        .arg(tree)
        .arg(out.path())
        .output()
        .expect("run the libosinfo oracle");
    assert!(
        run.status.success(),
        "the libosinfo oracle failed (run tools/test-setup.sh to install python3-gi and gir1.2-libosinfo-1.0):\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(out.path()).expect("oracle output");
    (
        serde_json::from_str(&text).expect("oracle JSON"),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// Runs guestdb with `args`; a run past `limit` is killed and fails the
/// test (a guard against a hang, not a measurement). The output is read
/// while the program runs, so a large one cannot stall it.
pub fn run_guarded(limit: std::time::Duration, args: &[&str]) -> Run {
    let child = guestdb()
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("guestdb runs");
    let pid = child.id() as i32;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("output").into(),
        Err(_) => {
            // SAFETY: kill(2) on the child's pid, which is not reaped
            // before the waiting thread sees it end.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            panic!("guestdb {args:?} hung");
        }
    }
}
