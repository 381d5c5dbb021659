//! The command line as a user meets it: outputs, exit codes, errors, the
//! store options, and the examples in README.md.

use crate::common::{fixture, guestdb, root, run, write_files};
use serde_json::Value;
use std::io::Read;
use std::process::Stdio;

#[test]
fn show_json_has_the_documented_fields() {
    let r = run(&["show", "rhel6.10", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
    for key in [
        "id",
        "short_ids",
        "name",
        "family",
        "distro",
        "version",
        "release_date",
        "eol_date",
        "lifecycle",
        "virtio",
        "chipsets",
        "firmware",
        "devices",
    ] {
        assert!(v.get(key).is_some(), "show --json lacks '{key}'");
    }
    assert_eq!(v["id"], "http://redhat.com/rhel/6.10");
    assert_eq!(v["release_date"], "2018-06-19");
    assert_eq!(v["eol_date"], "2020-11-30");
    assert_eq!(v["lifecycle"]["security"]["end"], v["eol_date"]);
    assert_eq!(
        v["chipsets"],
        serde_json::json!({"q35": true, "i440fx": true})
    );
    for class in [
        "net", "block", "console", "rng", "balloon", "scsi", "9p", "gpu", "input", "vsock",
        "iommu", "mem", "sound", "fs", "pmem",
    ] {
        let entry = &v["virtio"][class];
        assert!(
            entry["legacy"].is_boolean() && entry["modern"].is_boolean(),
            "virtio.{class} is {entry}"
        );
    }
    // RHEL 6 ships only legacy virtio drivers: the reason q35 needs care.
    assert_eq!(v["virtio"]["net"]["legacy"], true);
    assert_eq!(v["virtio"]["net"]["modern"], false);
    assert!(v["devices"]
        .as_array()
        .expect("list")
        .iter()
        .any(|d| d == "virtio-block"));
}

#[test]
fn show_explain_says_where_facts_come_from() {
    let r = run(&["show", "rhel6.10", "--explain"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("inherited from rhel6.0"), "{}", r.stdout);
    assert!(r.stdout.contains("source osinfo-db"), "{}", r.stdout);
    assert!(
        r.stdout.contains("os/redhat.com/rhel-6.10.xml:"),
        "{}",
        r.stdout
    );
    let guix = run(&["show", "guix-1.1", "--explain"]);
    assert!(
        guix.stdout.contains("alias guix-1.1") && guix.stdout.contains("source guestdb"),
        "a plain fact's own provenance is shown: {}",
        guix.stdout
    );
    let j = run(&["show", "rhel6.10", "--json", "--explain"]);
    let v: Value = serde_json::from_str(&j.stdout).expect("JSON");
    let first = &v["explain"]["devices"][0]["provenance"];
    assert!(
        first["declared_at"]
            .as_str()
            .is_some_and(|s| s.contains(".xml:")),
        "{first}"
    );
}

#[test]
fn an_unknown_os_suggests_the_nearest_name_and_exits_1() {
    let r = run(&["show", "rhel6.1o"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr.trim(),
        "guestdb: unknown OS 'rhel6.1o'; did you mean 'rhel6.10'?"
    );
    assert!(r.stdout.is_empty());
}

#[test]
fn lookups_accept_ids_short_ids_and_aliases() {
    for name in ["http://redhat.com/rhel/6.10", "rhel6.10", "guix-1.1"] {
        assert_eq!(run(&["show", name]).code, 0, "{name}");
    }
}

#[test]
fn bad_arguments_exit_2_and_say_what_is_right() {
    for (args, hint) in [
        (
            &["list", "--supported-on", "2026-13-01"][..],
            "expected YYYY-MM-DD",
        ),
        (
            &["list", "--virtio", "maybe"][..],
            "expected legacy, modern, legacy-only or none",
        ),
        (
            &["list", "--fields", "colour"][..],
            "unknown field 'colour'",
        ),
        (&["list", "--chipset", "pc"][..], "expected i440fx or q35"),
        (&["show"][..], "Usage"),
        (&["frobnicate"][..], "Usage"),
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(hint), "{args:?}: {}", r.stderr);
    }
}

#[test]
fn help_has_examples_and_version_names_the_dataset_and_schema() {
    let r = run(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("Examples:"));
    for sub in ["list", "show", "validate", "build", "import-osinfo"] {
        let h = run(&[sub, "--help"]);
        assert_eq!(h.code, 0, "{sub}");
        assert!(h.stdout.contains("Example"), "{sub} --help has no examples");
    }
    let v = run(&["--version"]);
    // The versions as Cargo.toml and dataset.xml state them, read by other tools.
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("Cargo.toml");
    let code = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .expect("version in Cargo.toml");
    let expected = format!(
        "guestdb {code} (dataset {}, schema {})",
        crate::schema::dataset_attr("version"),
        crate::schema::dataset_attr("schema-version")
    );
    assert_eq!(v.stdout.trim(), expected);
}

#[test]
fn list_filters_and_exits_1_when_nothing_matches() {
    let r = run(&[
        "list",
        "--distro",
        "rhel",
        "--virtio",
        "legacy-only",
        "--fields",
        "short-id",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<&str> = r.stdout.lines().skip(1).collect();
    assert!(
        names.contains(&"rhel6.10") && names.contains(&"rhel5.11"),
        "{names:?}"
    );
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("rhel8") || n.starts_with("rhel9")),
        "{names:?}"
    );
    let none = run(&["list", "--distro", "no-such-distro"]);
    assert_eq!(none.code, 1);
    let j = run(&[
        "list",
        "--family",
        "winnt",
        "--json",
        "--fields",
        "short-id,virtio-block,chipsets",
    ]);
    let v: Value = serde_json::from_str(&j.stdout).expect("JSON");
    let win10 = v
        .as_array()
        .expect("list")
        .iter()
        .find(|o| o["short_id"] == "win10")
        .expect("win10 listed");
    assert_eq!(win10["virtio_block"], "both+driver");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = guestdb()
        .args([
            "list",
            "--json",
            "--fields",
            "id,name,short-ids,vendor,arches",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("some output");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_built_store_is_used_with_store_or_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("g.store");
    let fx = fixture();
    let b = run(&[
        "build",
        fx.path().to_str().expect("utf8"),
        "-o",
        store.to_str().expect("utf8"),
    ]);
    assert_eq!(b.code, 0, "{}", b.stderr);
    let r = run(&[
        "--store",
        store.to_str().expect("utf8"),
        "show",
        "base1",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let env = guestdb()
        .env("GUESTDB_STORE", &store)
        .args(["show", "base1"])
        .output()
        .expect("run");
    assert_eq!(env.status.code(), Some(0));
    // The embedded dataset does not know the fixture.
    assert_eq!(run(&["show", "base1"]).code, 1);
    let d = run(&[
        "--data",
        fx.path().to_str().expect("utf8"),
        "list",
        "--fields",
        "short-id",
    ]);
    assert_eq!(d.stdout, "SHORT-ID\nbase1\n");
    write_files(
        fx.path(),
        &[(
            "os/guestdb.test/b-1.xml",
            b"<os id=\"http://guestdb.test/b/1\"/>\n",
        )],
    );
    let broken = run(&["--data", fx.path().to_str().expect("utf8"), "show", "base1"]);
    assert_eq!(broken.code, 2);
    assert!(
        broken
            .stderr
            .contains("b-1.xml:1:1: error[missing-element]: <os> needs a <name>"),
        "{}",
        broken.stderr
    );
}

#[test]
fn a_store_of_another_schema_version_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("old.store");
    assert_eq!(
        run(&["build", "data", "-o", store.to_str().expect("utf8")]).code,
        0
    );
    let conn = rusqlite::Connection::open(&store).expect("open");
    conn.execute(
        "UPDATE meta SET value = '99' WHERE key = 'schema_version'",
        [],
    )
    .expect("update");
    drop(conn);
    let r = run(&["--store", store.to_str().expect("utf8"), "show", "rhel6.10"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("schema version 99")
            && r.stderr
                .contains(&format!("reads schema version {}", guestdb::SCHEMA_VERSION)),
        "{}",
        r.stderr
    );
    let junk = dir.path().join("junk.store");
    std::fs::write(&junk, b"not sqlite at all").expect("write");
    let r = run(&["--store", junk.to_str().expect("utf8"), "show", "rhel6.10"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not a guestdb store"), "{}", r.stderr);
    let r = run(&["--store", "/nonexistent/x.store", "show", "rhel6.10"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("/nonexistent/x.store"), "{}", r.stderr);
}

#[test]
fn validate_reports_every_finding_with_its_place_and_exits_2() {
    let fx = fixture();
    write_files(fx.path(), &[("os/guestdb.test/b-1.xml", b"<os id=\"http://guestdb.test/b/1\" x=\"1\">\n  <name>B</name>\n  <eol-date>2019-13-01</eol-date>\n</os>\n")]);
    let r = run(&["validate", fx.path().to_str().expect("utf8")]);
    assert_eq!(r.code, 2);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(lines[0].ends_with("os/guestdb.test/b-1.xml:1:34: error[unknown-attribute]: unknown attribute 'x' on <os>; expected one of: id, source"), "{}", lines[0]);
    assert!(
        lines[1].contains("b-1.xml:3:13: error[invalid-date]"),
        "{}",
        lines[1]
    );
    assert!(r.stderr.contains("2 errors"), "{}", r.stderr);
    let j = run(&["validate", fx.path().to_str().expect("utf8"), "--json"]);
    let v: Value = serde_json::from_str(&j.stdout).expect("JSON");
    assert_eq!(v["findings"][0]["rule"], "unknown-attribute");
    assert_eq!(v["findings"][0]["line"], 1);
    let ok = run(&["validate"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
}

#[test]
fn build_writes_atomically_and_leaves_nothing_on_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("g.store");
    std::fs::write(&out, b"previous").expect("write");
    let fx = fixture();
    write_files(fx.path(), &[("os/guestdb.test/b-1.xml", b"<os>broken")]);
    let r = run(&[
        "build",
        fx.path().to_str().expect("utf8"),
        "-o",
        out.to_str().expect("utf8"),
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        std::fs::read(&out).expect("still there"),
        b"previous",
        "a failed build must not touch the output"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["g.store"], "no temporary files left behind");
}

/// Every `$ guestdb ...` example in README.md, with the output shown under it
/// and its exit status (0, or what a following `$ echo $?` shows).
#[test]
fn readme_examples_print_what_the_readme_shows() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let mut examples = 0;
    let mut failures = Vec::new();
    let mut in_block = false;
    // (command, the output shown under it, the exit status `echo $?` shows: 0 if none)
    let mut current: Option<(String, Vec<String>, i32)> = None;
    let mut status_next = false;
    let finish = |cur: Option<(String, Vec<String>, i32)>, failures: &mut Vec<String>| {
        let Some((cmd, expected, code)) = cur else {
            return;
        };
        let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        let r = run(&args);
        // What a terminal shows: standard output, then standard error.
        let got: Vec<&str> = r.stdout.lines().chain(r.stderr.lines()).collect();
        if got != expected.iter().map(String::as_str).collect::<Vec<_>>() || r.code != code {
            failures.push(format!(
                "$ {cmd}\n--- README (exit {code})\n{}\n--- actual (exit {})\n{}{}",
                expected.join("\n"),
                r.code,
                r.stdout,
                r.stderr
            ));
        }
    };
    for line in readme.lines() {
        if line.trim_start().starts_with("```") {
            if in_block {
                finish(current.take(), &mut failures);
            }
            in_block = !in_block && line.trim() == "```console";
            continue;
        }
        if !in_block {
            continue;
        }
        if status_next {
            status_next = false;
            match (line.trim().parse::<i32>(), current.as_mut()) {
                (Ok(code), Some(cur)) => cur.2 = code,
                _ => failures.push(format!(
                    "'$ echo $?' is not followed by a status after a command: {line:?}"
                )),
            }
        } else if line == "$ echo $?" {
            status_next = true;
        } else if let Some(cmd) = line.strip_prefix("$ guestdb ") {
            finish(current.take(), &mut failures);
            examples += 1;
            current = Some((format!("guestdb {cmd}"), Vec::new(), 0));
        } else if let Some((_, out, _)) = current.as_mut() {
            out.push(line.to_string());
        }
    }
    assert!(
        examples >= 3,
        "README.md has only {examples} tested examples"
    );
    assert!(
        failures.is_empty(),
        "README examples differ from the real output:\n{}",
        failures.join("\n\n")
    );
}
