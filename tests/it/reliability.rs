//! Stores under stress: damaged files are refused (exit 2) and left as they
//! are; a build killed at any point leaves the previous store intact; a
//! reader sees the old or the new store while a build replaces it, never an
//! error.

use crate::common::{fixture, guestdb, root, run};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn arg(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

fn hash(path: &Path) -> Vec<u8> {
    Sha256::digest(std::fs::read(path).expect("read store")).to_vec()
}

fn build(data: &Path, out: &Path) {
    let r = run(&["build", arg(data), "-o", arg(out)]);
    assert_eq!(r.code, 0, "build {}: {}", data.display(), r.stderr);
}

/// `bytes` with `f` applied, written to `dir/name`.
fn variant(dir: &Path, name: &str, bytes: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> PathBuf {
    let mut b = bytes.to_vec();
    f(&mut b);
    let path = dir.join(name);
    std::fs::write(&path, b).expect("write variant");
    path
}

#[test]
fn damaged_stores_are_refused_with_exit_2_and_left_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.store");
    build(&root().join("data"), &good);
    let bytes = std::fs::read(&good).expect("read");
    let n = bytes.len();
    let mut cases: Vec<(PathBuf, &str)> = Vec::new();
    for cut in [0, 50, 100, 4096, n / 2, n - 1] {
        let p = variant(dir.path(), &format!("cut-{cut}.store"), &bytes, |b| {
            b.truncate(cut)
        });
        let want = if cut < 100 {
            "too short for an SQLite database"
        } else {
            "is truncated or damaged"
        };
        cases.push((p, want));
    }
    for at in [8192, n / 3, n / 2, n - 8192] {
        let p = variant(dir.path(), &format!("ff-{at}.store"), &bytes, |b| {
            b[at..at + 4096].fill(0xff);
        });
        cases.push((p, "is damaged ("));
    }
    let p = variant(dir.path(), "header.store", &bytes, |b| b[..16].fill(0));
    cases.push((p, "not an SQLite database"));
    let p = dir.path().join("text.store");
    std::fs::write(&p, "this is not a store\n".repeat(20)).expect("write");
    cases.push((p, "not an SQLite database"));
    // Another schema version: a real store whose meta row says 4.
    let p = dir.path().join("schema4.store");
    std::fs::copy(&good, &p).expect("copy");
    {
        let conn = rusqlite::Connection::open(&p).expect("open copy");
        conn.execute(
            "UPDATE meta SET value = '4' WHERE key = 'schema_version'",
            [],
        )
        .expect("update");
    }
    cases.push((p, "the store has schema version 4"));

    let mut problems = Vec::new();
    for (path, want) in &cases {
        let before = hash(path);
        for command in [
            &["show", "rhel6.10"][..],
            &["list"],
            &["recommend", "win11"],
        ] {
            let mut a = vec!["--store", arg(path)];
            a.extend_from_slice(command);
            let r = run(&a);
            let name = path.file_name().unwrap().to_string_lossy();
            if r.code != 2 || !r.stderr.contains(want) || !r.stderr.contains(arg(path)) {
                problems.push(format!(
                    "{name} {command:?}: exit {}, stderr {:?} (want exit 2 and '{want}')",
                    r.code, r.stderr
                ));
            }
            if r.stderr.contains("panicked") {
                problems.push(format!("{name} {command:?}: panicked: {}", r.stderr));
            }
        }
        if hash(path) != before {
            problems.push(format!("{} was modified", path.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The intact store still opens.
    assert_eq!(run(&["--store", arg(&good), "show", "rhel6.10"]).code, 0);
}

#[test]
fn a_build_killed_at_any_point_leaves_the_previous_store_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("guestdb.store");
    let old = fixture();
    build(old.path(), &store);
    let old_hash = hash(&store);
    let mut kept = 0;
    let mut replaced = 0;
    for delay_ms in [0u64, 2, 10, 30, 60, 100, 150, 250, 400, 700] {
        let mut child = guestdb()
            .args(["build", "data", "-o", arg(&store)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start build");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        // Either the old store, byte for byte, or the whole new one.
        if hash(&store) == old_hash {
            kept += 1;
        } else {
            let db = guestdb::Database::open(&store).unwrap_or_else(|e| {
                panic!("after a kill at {delay_ms} ms the store does not open: {e}")
            });
            assert!(
                db.len() > 900,
                "a partial store after a kill at {delay_ms} ms"
            );
            replaced += 1;
            build(old.path(), &store);
            assert_eq!(hash(&store), old_hash);
        }
        let db = guestdb::Database::open(&store).expect("the old store opens");
        assert!(db.lookup("base1").expect("store").is_some());
    }
    assert!(
        kept > 0,
        "no kill landed before the build finished ({replaced} finished)"
    );
    // A killed writer's temporary file is removed by the next write there.
    build(old.path(), &store);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "guestdb.store")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_reader_sees_the_old_or_the_new_store_while_it_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("guestdb.store");
    let a = fixture();
    let b = fixture();
    let dataset = b.path().join("dataset.xml");
    let text = std::fs::read_to_string(&dataset).expect("dataset.xml");
    std::fs::write(
        &dataset,
        text.replace("version=\"2026.01.01\"", "version=\"2026.02.02\""),
    )
    .expect("write");
    build(a.path(), &store);

    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let reader = {
        let (stop, seen, errors, store) =
            (stop.clone(), seen.clone(), errors.clone(), store.clone());
        std::thread::spawn(move || {
            let mut reads = 0u32;
            while !stop.load(Ordering::Relaxed) || reads == 0 {
                reads += 1;
                match guestdb::Database::open(&store).and_then(|db| {
                    let os = db
                        .lookup("base1")?
                        .cloned()
                        .ok_or_else(|| guestdb::Error::input("base1 missing"))?;
                    db.details(&os)?;
                    Ok(db.dataset_version().to_string())
                }) {
                    Ok(v) => seen.lock().unwrap().push(v),
                    Err(e) => errors.lock().unwrap().push(e.to_string()),
                }
            }
            reads
        })
    };
    for i in 0..12 {
        build(if i % 2 == 0 { b.path() } else { a.path() }, &store);
    }
    stop.store(true, Ordering::Relaxed);
    let reads = reader.join().expect("reader");
    let errors = errors.lock().unwrap();
    assert!(
        errors.is_empty(),
        "{} of {reads} reads failed: {:?}",
        errors.len(),
        &errors[..errors.len().min(5)]
    );
    let seen = seen.lock().unwrap();
    let odd: Vec<&String> = seen
        .iter()
        .filter(|v| *v != "2026.01.01" && *v != "2026.02.02")
        .collect();
    assert!(odd.is_empty(), "versions neither old nor new: {odd:?}");
    assert!(reads > 12, "only {reads} reads during 12 builds");
}
