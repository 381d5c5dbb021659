//! The machine-type catalogue against a real QEMU: the types QEMU 7.2
//! offers, which it marks deprecated and what `pc` and `q35` point to are
//! computed from data/machines/ and must equal what the installed QEMU's
//! `-machine help` prints.

use crate::common::require;
use guestdb::data::model::Version;
use guestdb::host::probe::{parse_machine_help, parse_version};
use std::collections::BTreeMap;
use std::process::Command;

fn qemu_output(args: &[&str]) -> String {
    let qemu = require("qemu-system-x86_64", "qemu-system-x86");
    let out = Command::new(&qemu)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", qemu.display()));
    assert!(
        out.status.success(),
        "{} {args:?} failed: {}",
        qemu.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// name -> (deprecated, aliases)
type Offer = BTreeMap<String, (bool, Vec<String>)>;

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn machine_types_computed_for_qemu_7_2_equal_the_real_qemus() {
    let version =
        parse_version(&qemu_output(&["--version"])).expect("qemu --version names a version");
    assert_eq!(
        version.release(),
        Version::new(7, 2),
        "these tests expect Debian 12's QEMU 7.2 (tools/test-setup.sh installs it)"
    );
    let help = parse_machine_help(&qemu_output(&["-machine", "help"]));
    let db = guestdb::Database::embedded().expect("embedded store");
    let catalogue = db.machine_catalogue().expect("catalogue");
    let computed = catalogue
        .upstream(version, "x86_64")
        .expect("7.2 is a release of the catalogue");

    let families: Vec<&str> = computed.iter().map(|m| m.family.as_str()).collect();
    let prefixes: Vec<String> = catalogue
        .families
        .iter()
        .filter(|f| families.contains(&f.name.as_str()))
        .map(|f| f.prefix.clone())
        .collect();
    let mut real: Offer = BTreeMap::new();
    for m in help.iter().filter(|m| m.alias_of.is_none()) {
        // The versioned families the catalogue models; old pc-X.Y names too.
        let versioned = prefixes.iter().any(|p| m.name.starts_with(p.as_str()))
            || (m.name.starts_with("pc-") && m.name[3..].starts_with(|c: char| c.is_ascii_digit()));
        if versioned {
            let aliases = help
                .iter()
                .filter(|a| a.alias_of.as_deref() == Some(m.name.as_str()))
                .map(|a| a.name.clone())
                .collect();
            real.insert(m.name.clone(), (m.deprecated, aliases));
        }
    }
    let ours: Offer = computed
        .iter()
        .map(|m| (m.name.clone(), (m.deprecated, m.aliases.clone())))
        .collect();
    let mut problems = Vec::new();
    for (name, r) in &real {
        match ours.get(name) {
            None => problems.push(format!("QEMU offers {name}; the catalogue does not compute it")),
            Some(o) if o != r => problems.push(format!(
                "{name}: QEMU says deprecated={} aliases={:?}; the catalogue says deprecated={} aliases={:?}",
                r.0, r.1, o.0, o.1
            )),
            Some(_) => {}
        }
    }
    for name in ours.keys().filter(|n| !real.contains_key(*n)) {
        problems.push(format!(
            "the catalogue computes {name}; QEMU does not offer it"
        ));
    }
    assert!(
        real.len() > 50,
        "only {} versioned machine types in -machine help",
        real.len()
    );
    assert!(
        problems.is_empty(),
        "{} differences between data/machines/qemu.xml and QEMU {version}:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // The default machine is the newest of the family marked default.
    let default = help
        .iter()
        .find(|m| m.default)
        .expect("QEMU names a default machine");
    let family = catalogue
        .families
        .iter()
        .find(|f| f.default_machine && f.arches.iter().any(|a| a == "x86_64"))
        .expect("a default family");
    assert_eq!(
        default.name,
        format!("{}{}", family.prefix, version.release())
    );
}
