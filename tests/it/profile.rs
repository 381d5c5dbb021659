//! The complete VM profile (issue 16): Hyper-V enlightenments, clock and
//! timers, the CPU model, the display, and what virt-install needs, checked
//! against the real libvirtd, QEMU and virt-install, and against what
//! virt-install itself sets for the same OS (Debian's 4.1, run live, and
//! virt-manager's main branch, whose output tools/virt-install-main.sh
//! records in tests/it/virt-install-main/).

use crate::common::{db, profile, recommend_on, require, root, run};
use crate::verify::libvirt_uri;
use guestdb::data::xml::{parse, Element};
use guestdb::recommend::{HypervPolicy, Policy, Recommendation, VirtTypePolicy};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// The OSes compared with virt-install (the list of tools/virt-install-main.sh).
const OSES: &[&str] = &[
    "winxp",
    "win7",
    "win10",
    "win11",
    "win2k16",
    "win2k22",
    "win2k25",
    "rhel6.10",
    "rhel9.6",
    "fedora43",
    "ubuntu24.04",
    "freebsd14.3",
];

/// Where guestdb sets less than virt-install: (OS, setting, the reason in
/// guestdb's own trace that names the fact). A difference not listed here
/// fails the test, and so does an entry that is no longer a difference.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    (
        "winxp",
        "features/hyperv/relaxed[state=on]",
        "not relaxed: winxp is older than the first Windows releases that use it",
    ),
    (
        "winxp",
        "features/hyperv/vapic[state=on]",
        "not vapic: winxp is older than the first Windows releases that use it",
    ),
    (
        "winxp",
        "features/hyperv/spinlocks[retries=8191,state=on]",
        "not spinlocks: winxp is older than the first Windows releases that use it",
    ),
    (
        "winxp",
        "clock/timer[name=hypervclock,present=yes]",
        "not hypervclock: winxp is older than the first Windows releases that use it",
    ),
];

/// One setting below `<features>`, `<clock>` or `<cpu>`: an element that
/// has attributes or no children, with its path and attributes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Setting {
    path: String,
    attrs: BTreeMap<String, String>,
}

impl Setting {
    /// `features/hyperv/spinlocks[retries=8191,state=on]`.
    fn shown(&self) -> String {
        if self.attrs.is_empty() {
            return self.path.clone();
        }
        let attrs: Vec<String> = self.attrs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{}[{}]", self.path, attrs.join(","))
    }

    /// Whether `others` has this setting: the same element with at least
    /// these attributes (libvirt adds its defaults, such as check='none').
    fn in_(&self, others: &[Setting]) -> bool {
        others.iter().any(|o| {
            o.path == self.path && self.attrs.iter().all(|(k, v)| o.attrs.get(k) == Some(v))
        })
    }
}

/// The settings of a domain. The hyperv element's `mode='custom'` is
/// libvirt's default and is left out; an element's text is the attribute `text`.
fn settings(domain: &Element) -> Vec<Setting> {
    fn walk(e: &Element, path: &str, out: &mut Vec<Setting>) {
        let mut attrs: BTreeMap<String, String> = e
            .attrs
            .iter()
            .filter(|a| !(e.name == "hyperv" && a.name == "mode" && a.value == "custom"))
            .map(|a| (a.name.clone(), a.value.clone()))
            .collect();
        let text = e.text.trim();
        if !text.is_empty() {
            attrs.insert("text".into(), text.to_string());
        }
        if !attrs.is_empty() || e.children.is_empty() {
            out.push(Setting {
                path: path.to_string(),
                attrs,
            });
        }
        for c in &e.children {
            walk(c, &format!("{path}/{}", c.name), out);
        }
    }
    let mut out = Vec::new();
    for c in domain
        .children
        .iter()
        .filter(|c| ["features", "clock", "cpu"].contains(&c.name.as_str()))
    {
        walk(c, &c.name, &mut out);
    }
    out
}

fn domain(xml: &str, what: &str) -> Element {
    // virt-install prints one <domain>; take it whole.
    let start = xml
        .find("<domain")
        .unwrap_or_else(|| panic!("{what}: no <domain> in {xml}"));
    let end = xml
        .rfind("</domain>")
        .map_or(xml.len(), |e| e + "</domain>".len());
    parse(&xml[start..end]).unwrap_or_else(|e| panic!("{what}: {e:?}"))
}

/// Every reason of every rule of the recommendation.
fn reasons(rec: &Recommendation) -> Vec<&str> {
    rec.rules
        .iter()
        .flat_map(|t| t.reasons.iter().map(String::as_str))
        .collect()
}

/// guestdb's osinfo-db export, for virt-install (Debian 12's osinfo-db
/// predates half the OSes).
fn osinfo_export(dir: &Path) -> std::path::PathBuf {
    let out = dir.join("osinfo");
    let r = run(&["export-osinfo", out.to_str().expect("utf8")]);
    assert_eq!(r.code, 0, "export-osinfo: {}", r.stderr);
    out
}

fn tcg() -> Policy {
    Policy {
        virt_type: VirtTypePolicy::Qemu,
        ..Policy::default()
    }
}

/// Defines and starts (paused) a domain XML on libvirtd, returns its live
/// XML, and removes it again.
fn start_domain(uri: &str, name: &str, xml: &str, dir: &Path) -> Result<String, String> {
    let file = dir.join(format!("{name}.xml"));
    std::fs::write(&file, xml).map_err(|e| e.to_string())?;
    let virsh = guestdb::verify::virsh;
    let _ = virsh(uri, &["destroy", name]);
    let _ = virsh(uri, &["undefine", name, "--nvram"]);
    virsh(uri, &["define", file.to_str().expect("utf8")])?;
    let started = virsh(uri, &["start", name, "--paused"]);
    let live = started.and_then(|_| virsh(uri, &["dumpxml", name]));
    let _ = virsh(uri, &["destroy", name]);
    let _ = virsh(uri, &["undefine", name, "--nvram"]);
    live
}

fn qcow2(dir: &Path, name: &str) -> String {
    let disk = dir.join(format!("{name}.qcow2"));
    let made = Command::new("qemu-img")
        .args(["create", "-q", "-f", "qcow2"])
        .arg(&disk)
        .arg("1G")
        .output()
        .expect("qemu-img runs");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    disk.display().to_string()
}

#[test]
#[ignore = "needs QEMU 7.2, libvirtd and virt-install: run tools/test.sh"]
fn twelve_oses_start_on_libvirtd_with_everything_virt_install_sets_or_a_named_fact() {
    let uri = libvirt_uri();
    let virt_install = require("virt-install", "virtinst");
    require("qemu-img", "qemu-utils");
    let dir = tempfile::tempdir().expect("tempdir");
    let osinfo = osinfo_export(dir.path());
    let main_dir = root().join("tests/it/virt-install-main");
    let commit = std::fs::read_to_string(main_dir.join("COMMIT"))
        .expect("tests/it/virt-install-main/COMMIT (tools/virt-install-main.sh writes it)");
    let mut failures = Vec::new();
    let mut used = BTreeSet::new();
    for os in OSES {
        let rec = recommend_on(os, "x86_64", &[profile("debian-12")], tcg())
            .unwrap_or_else(|e| panic!("{os}: {e}"));
        let name = format!("guestdb-profile-{}", os.replace('.', "-"));
        let opts = guestdb::render::Options {
            name: Some(name.clone()),
            disk: Some(qcow2(dir.path(), &name)),
            network: guestdb::render::Network::User,
            ..Default::default()
        };
        let xml = guestdb::render::libvirt::render(&rec, &opts);
        let ours = settings(&domain(&xml, os));
        // libvirtd defines and starts it, and keeps every setting.
        match start_domain(uri, &name, &xml, dir.path()) {
            Ok(live) => {
                let kept = settings(&domain(&live, os));
                for s in ours.iter().filter(|s| !s.in_(&kept)) {
                    failures.push(format!("{os}: libvirtd dropped {}", s.shown()));
                }
            }
            Err(e) => failures.push(format!("{os}: libvirtd does not start it: {e}")),
        }
        // What virt-install sets for the same OS on the same libvirtd.
        let debian = Command::new(&virt_install)
            .env("OSINFO_SYSTEM_DIR", &osinfo)
            .args([
                "--connect",
                uri,
                "--dry-run",
                "--print-xml",
                "1",
                "--name",
                "t",
            ])
            .args([
                "--osinfo", os, "--memory", "2048", "--disk", "none", "--import",
            ])
            .args(["--virt-type", "qemu"])
            .output()
            .expect("virt-install runs");
        let debian_xml = String::from_utf8_lossy(&debian.stdout).into_owned();
        if !debian.status.success() {
            failures.push(format!(
                "{os}: Debian's virt-install failed: {}",
                String::from_utf8_lossy(&debian.stderr)
            ));
            continue;
        }
        let main_xml =
            std::fs::read_to_string(main_dir.join(format!("{os}.xml"))).unwrap_or_else(|e| {
                panic!("tests/it/virt-install-main/{os}.xml: {e} (tools/virt-install-main.sh)")
            });
        let why = reasons(&rec);
        for (who, theirs) in [
            (
                "Debian's virt-install 4.1",
                settings(&domain(&debian_xml, os)),
            ),
            ("virt-install main", settings(&domain(&main_xml, os))),
        ] {
            for missing in theirs.iter().filter(|s| !s.in_(&ours)).map(Setting::shown) {
                match DIFFERENCES
                    .iter()
                    .find(|(o, s, _)| o == os && *s == missing)
                {
                    Some(d @ (_, _, reason)) => {
                        used.insert(*d);
                        let traced = why.iter().find(|r| r.starts_with(reason));
                        match traced {
                            // The reason names the fact: a line of data/hyperv.xml.
                            Some(r) if names_a_catalogue_line(r) => {}
                            _ => failures.push(format!(
                                "{os}: {who} sets {missing}; guestdb's trace lacks the reason {reason:?} with its data/hyperv.xml line"
                            )),
                        }
                    }
                    None => failures.push(format!(
                        "{os}: {who} sets {missing}, guestdb does not, and no fact says why"
                    )),
                }
            }
        }
    }
    for d in DIFFERENCES {
        if !used.contains(d) {
            failures.push(format!("{d:?} is no longer a difference: remove it"));
        }
    }
    assert!(
        failures.is_empty(),
        "virt-manager main at {}\n{}",
        commit.lines().next().unwrap_or(""),
        failures.join("\n")
    );
}

/// Whether a reason ends with `(data/hyperv.xml:LINE)` and that line
/// declares the feature the reason is about.
fn names_a_catalogue_line(reason: &str) -> bool {
    let Some(feature) = reason
        .strip_prefix("not ")
        .and_then(|r| r.split(':').next())
    else {
        return false;
    };
    let Some(line) = reason
        .rsplit_once("(data/hyperv.xml:")
        .and_then(|(_, l)| l.trim_end_matches(')').parse::<usize>().ok())
    else {
        return false;
    };
    let text = std::fs::read_to_string(root().join("data/hyperv.xml")).expect("data/hyperv.xml");
    text.lines()
        .nth(line - 1)
        .is_some_and(|l| l.contains(&format!("name=\"{feature}\"")))
}

/// The value of `-cpu` in a QEMU command line.
fn cpu_arg(argv: &[String]) -> &str {
    let i = argv.iter().position(|a| a == "-cpu").expect("-cpu");
    &argv[i + 1]
}

/// The `hv-*` properties of a `-cpu` value (`hv-spinlocks=8191` as is).
fn hv_props(cpu: &str) -> Vec<String> {
    cpu.split(',')
        .filter(|p| p.starts_with("hv-"))
        .map(str::to_string)
        .collect()
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn win11s_hyperv_features_are_the_same_in_xml_and_qemu_and_qemu_runs_them_under_tcg() {
    let qemu = require("qemu-system-x86_64", "qemu-system-x86");
    let db = db();
    let catalogue = db.hyperv_features().expect("hyperv catalogue");
    // The KVM recommendation, as a user on Debian 12 gets it.
    let rec = crate::common::recommend("win11", "debian-12");
    assert_eq!(rec.domain_type, "kvm");
    let xml = domain(
        &guestdb::render::libvirt::render(&rec, &Default::default()),
        "win11",
    );
    // The features of the XML: <hyperv> children, <stimer><direct>, the hypervclock timer.
    let mut from_xml: BTreeSet<String> = BTreeSet::new();
    for s in settings(&xml).iter().map(Setting::shown) {
        let name = if let Some(rest) = s.strip_prefix("features/hyperv/") {
            rest.split(['[', '/']).next().unwrap_or("").to_string()
        } else if s.starts_with("clock/timer[name=hypervclock") {
            "hypervclock".to_string()
        } else {
            continue;
        };
        let f = catalogue
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} is not in data/hyperv.xml"));
        from_xml.insert(f.qemu_property.clone());
    }
    let argv = guestdb::render::qemu::argv(&rec, &Default::default());
    let from_qemu: BTreeSet<String> = hv_props(cpu_arg(&argv))
        .iter()
        .map(|p| p.split('=').next().unwrap_or("").to_string())
        .collect();
    assert!(from_xml.len() >= 10, "win11 gets {from_xml:?}");
    assert_eq!(
        from_xml, from_qemu,
        "the XML and the QEMU command line differ"
    );

    // What TCG cannot run (data/hyperv.xml tcg="false"), and what needs it.
    let mut removed: BTreeSet<&str> = catalogue
        .iter()
        .filter(|f| !f.tcg)
        .map(|f| f.name.as_str())
        .collect();
    loop {
        let more: Vec<&str> = catalogue
            .iter()
            .filter(|f| !removed.contains(f.name.as_str()))
            .filter(|f| f.requires.iter().any(|r| removed.contains(r.as_str())))
            .map(|f| f.name.as_str())
            .collect();
        if more.is_empty() {
            break;
        }
        removed.extend(more);
    }
    let removed_props: BTreeSet<String> = catalogue
        .iter()
        .filter(|f| removed.contains(f.name.as_str()))
        .map(|f| f.qemu_property.clone())
        .filter(|p| from_qemu.contains(p))
        .collect();
    assert!(
        removed_props.contains("hv-vpindex"),
        "data/hyperv.xml no longer says TCG refuses hv-vpindex: {removed_props:?}"
    );
    let kept: Vec<String> = hv_props(cpu_arg(&argv))
        .into_iter()
        .filter(|p| !removed_props.contains(p.split('=').next().unwrap_or("")))
        .collect();
    // The command line under TCG: the same machine and devices, `max` for
    // the host CPU, no TPM (its swtpm is not the point here), UEFI vars copied.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut tcg_rec = rec.clone();
    tcg_rec.domain_type = "qemu".into();
    tcg_rec.cpu = guestdb::recommend::CpuChoice {
        mode: "maximum".into(),
        model: None,
        features: Vec::new(),
    };
    tcg_rec
        .hyperv
        .features
        .retain(|f| !removed_props.contains(&f.qemu_property));
    tcg_rec.devices.retain(|d| d.class != "tpm");
    tcg_rec.firmware.tpm = None;
    let vars = dir.path().join("vars.fd");
    std::fs::copy(rec.firmware.vars.as_deref().expect("vars template"), &vars).expect("copy vars");
    let opts = guestdb::render::Options {
        for_test: true,
        efi_vars: Some(vars.display().to_string()),
        ..Default::default()
    };
    let tcg_argv = guestdb::render::qemu::argv(&tcg_rec, &opts);
    assert_eq!(hv_props(cpu_arg(&tcg_argv)), kept);
    let mut q = guestdb::qmp::Qemu::start(&qemu, &tcg_argv[1..])
        .unwrap_or_else(|e| panic!("QEMU refuses win11's TCG command line: {e}"));
    let cpus = q.execute("query-cpus-fast").expect("query-cpus-fast");
    let path = cpus[0]["qom-path"].as_str().expect("qom-path").to_string();
    let mut failures = Vec::new();
    for p in &kept {
        let (prop, value) = p.split_once('=').expect("prop=value");
        let got = q
            .execute_with(
                "qom-get",
                Some(serde_json::json!({"path": path, "property": prop})),
            )
            .unwrap_or_else(|e| panic!("qom-get {prop}: {e}"));
        let want = match value {
            "on" => serde_json::json!(true),
            v => serde_json::json!(v.parse::<u64>().expect("a number")),
        };
        if got != want {
            failures.push(format!(
                "{prop}: the running CPU has {got}, the command line {value}"
            ));
        }
    }
    // The removed ones are real properties of QEMU's CPU ...
    let props = q
        .execute_with(
            "device-list-properties",
            Some(serde_json::json!({"typename": "max-x86_64-cpu"})),
        )
        .expect("device-list-properties");
    let names: Vec<&str> = props
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    for p in &removed_props {
        if !names.contains(&p.as_str()) {
            failures.push(format!("{p} is not a property of QEMU's CPU"));
        }
    }
    drop(q);
    // ... and TCG refuses vpindex, as data/hyperv.xml says.
    let mut refused = tcg_argv.clone();
    let i = refused.iter().position(|a| a == "-cpu").expect("-cpu");
    refused[i + 1].push_str(",hv-vpindex=on");
    match guestdb::qmp::Qemu::start(&qemu, &refused[1..]) {
        Ok(_) => failures.push(
            "QEMU runs hv-vpindex under TCG: data/hyperv.xml's tcg=\"false\" is wrong".into(),
        ),
        Err(e) => assert!(e.contains("VP_INDEX"), "{e}"),
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[ignore = "needs QEMU 7.2 and libvirtd: run tools/test.sh"]
fn a_host_whose_domcaps_offer_only_tcg_gets_a_qemu_domain_that_libvirtd_starts() {
    let uri = libvirt_uri();
    require("qemu-img", "qemu-utils");
    let dir = tempfile::tempdir().expect("tempdir");
    let caps = guestdb::verify::virsh(
        uri,
        &[
            "domcapabilities",
            "--virttype",
            "qemu",
            "--arch",
            "x86_64",
            "--machine",
            "q35",
        ],
    )
    .expect("domcapabilities");
    assert!(caps.contains("<domain>qemu</domain>"), "{caps}");
    let file = dir.path().join("tcg.xml");
    std::fs::write(&file, &caps).expect("write domcaps");
    let mut failures = Vec::new();
    for os in ["win11", "win10", "fedora43"] {
        let r = run(&[
            "recommend",
            os,
            "--domcaps",
            file.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(r.code, 0, "{os}: {}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("JSON");
        if v["domain_type"] != "qemu" {
            failures.push(format!("{os}: domain type {}", v["domain_type"]));
        }
        let mode = v["cpu"]["mode"].as_str().unwrap_or("");
        if mode.starts_with("host") {
            failures.push(format!("{os}: TCG gets CPU mode {mode}"));
        }
        let features: Vec<&str> = v["hyperv"]["features"]
            .as_array()
            .expect("features")
            .iter()
            .filter_map(|f| f["name"].as_str())
            .collect();
        for f in db()
            .hyperv_features()
            .expect("hyperv")
            .iter()
            .filter(|f| !f.tcg)
        {
            if features.contains(&f.name.as_str()) {
                failures.push(format!("{os}: TCG gets {}, which it cannot run", f.name));
            }
        }
        let name = format!("guestdb-tcg-{os}");
        let disk = qcow2(dir.path(), &name);
        let xml = run(&[
            "recommend",
            os,
            "--domcaps",
            file.to_str().unwrap(),
            "--format",
            "libvirt",
            "--name",
            &name,
            "--disk",
            &disk,
            "--network",
            "user",
        ]);
        assert_eq!(xml.code, 0, "{os}: {}", xml.stderr);
        assert!(
            xml.stdout.starts_with("<domain type='qemu'>"),
            "{os}: {}",
            xml.stdout
        );
        if let Err(e) = start_domain(uri, &name, &xml.stdout, dir.path()) {
            failures.push(format!("{os}: libvirtd does not start it: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A copy of a shared domcaps file with another CPU vendor, and only the
/// named models `keep` usable.
fn domcaps_with_vendor(dir: &Path, vendor: &str, keep: &[&str]) -> std::path::PathBuf {
    let src = crate::common::shared().join("libvirt-domcaps/qemu_9.2.0-q35.x86_64.xml");
    let text = std::fs::read_to_string(&src).expect("shared domcaps");
    let mut out = String::new();
    for line in text.lines() {
        let line = line.replace(
            "<vendor>AMD</vendor>",
            &format!("<vendor>{vendor}</vendor>"),
        );
        // Each named model: usable only if kept (the host-model's <model> has no usable attribute).
        let line = if line.contains("<model usable=") {
            let usable = keep.iter().any(|m| line.contains(&format!(">{m}<")));
            line.replace("usable='yes'", "usable='no'").replace(
                "usable='no'",
                if usable {
                    "usable='yes'"
                } else {
                    "usable='no'"
                },
            )
        } else {
            line
        };
        out.push_str(&line);
        out.push('\n');
    }
    let file = dir.join(format!("{vendor}.xml"));
    std::fs::write(&file, out).expect("write domcaps");
    file
}

#[test]
fn a_vm_that_must_migrate_never_gets_the_host_cpu() {
    let dir = tempfile::tempdir().expect("tempdir");
    let amd = domcaps_with_vendor(
        dir.path(),
        "AMD",
        &["EPYC-Rome", "Skylake-Client", "Westmere", "qemu64"],
    );
    let intel = domcaps_with_vendor(
        dir.path(),
        "Intel",
        &["Skylake-Client", "Westmere", "qemu64", "Nehalem"],
    );
    let (a, i) = (amd.to_str().unwrap(), intel.to_str().unwrap());
    let pairs: Vec<Vec<&str>> = vec![
        vec!["--host", "debian-12", "--migrate-to", "debian-13"],
        vec!["--host", "rhel-9.6", "--migrate-to", "rhel-9.4"],
        vec![
            "--host",
            "ubuntu-24.04",
            "--migrate-to",
            "ubuntu-22.04",
            "--migrate-to",
            "ubuntu-26.04",
        ],
        vec!["--domcaps", a, "--migrate-to", a],
        vec!["--domcaps", a, "--migrate-to", i],
    ];
    let mut failures = Vec::new();
    let mut modes = BTreeSet::new();
    for os in ["win11", "rhel9.6", "fedora43", "rhel10.0", "debian13"] {
        for hosts in &pairs {
            let mut args = vec!["recommend", os];
            args.extend(hosts.iter().copied());
            let json = run(&[args.as_slice(), &["--json"]].concat());
            if json.code != 0 {
                // A clear no (no common machine type) is an answer too.
                assert_eq!(json.code, 1, "{args:?}: {}", json.stderr);
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
            let mode = v["cpu"]["mode"].as_str().unwrap_or("").to_string();
            modes.insert(format!("{} {mode} {}", hosts.join(" "), v["cpu"]["model"]));
            if mode == "host-passthrough" {
                failures.push(format!("{args:?}: host-passthrough"));
            }
            for (format, bad) in [("libvirt", "host-passthrough"), ("qemu", "-cpu host")] {
                let out = run(&[args.as_slice(), &["--format", format]].concat());
                assert_eq!(out.code, 0, "{args:?} {format}: {}", out.stderr);
                let found = if format == "qemu" {
                    out.stdout.lines().any(|l| {
                        let l = l.trim().trim_end_matches('\\').trim();
                        l == "-cpu host" || l.starts_with("-cpu host,")
                    })
                } else {
                    out.stdout.contains(bad)
                };
                if found {
                    failures.push(format!("{args:?} --format {format}: {bad}"));
                }
            }
        }
    }
    // One vendor: host-model (QEMU: the model it starts from); two vendors:
    // the newest named model both run.
    let same = run(&[
        "recommend",
        "rhel9.6",
        "--domcaps",
        a,
        "--migrate-to",
        a,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&same.stdout).expect("JSON");
    assert_eq!(v["cpu"]["mode"], "host-model", "{}", same.stdout);
    let mixed = run(&[
        "recommend",
        "rhel9.6",
        "--domcaps",
        a,
        "--migrate-to",
        i,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&mixed.stdout).expect("JSON");
    assert_eq!(v["cpu"]["mode"], "custom", "{}", mixed.stdout);
    assert_eq!(v["cpu"]["model"], "Skylake-Client", "{}", mixed.stdout);
    // RHEL 10 needs x86-64-v3: Westmere (v2) would not do; Skylake-Client (v3) does.
    let rhel10 = run(&[
        "recommend",
        "rhel10.0",
        "--domcaps",
        a,
        "--migrate-to",
        i,
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&rhel10.stdout).expect("JSON");
    assert_eq!(v["cpu"]["model"], "Skylake-Client", "{}", rhel10.stdout);
    let only_v2 = domcaps_with_vendor(dir.path(), "Intel", &["Westmere", "qemu64"]);
    let no = run(&[
        "recommend",
        "rhel10.0",
        "--domcaps",
        a,
        "--migrate-to",
        only_v2.to_str().unwrap(),
    ]);
    assert_eq!(no.code, 1, "{}{}", no.stdout, no.stderr);
    assert!(no.stderr.contains("x86-64-v3"), "{}", no.stderr);
    assert!(
        failures.is_empty(),
        "{}\n(modes seen: {modes:?})",
        failures.join("\n")
    );
}

#[test]
#[ignore = "needs libvirtd, QEMU 7.2 and virt-install: run tools/test.sh"]
fn the_printed_virt_install_command_runs_as_printed_on_this_machines_virt_install() {
    let uri = libvirt_uri();
    let virt_install = require("virt-install", "virtinst");
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = Path::new(env!("CARGO_BIN_EXE_guestdb"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // Debian 12's virt-install refuses an OS its osinfo-db does not know.
    let refused = Command::new(&virt_install)
        .args([
            "--connect",
            uri,
            "--dry-run",
            "--print-xml",
            "--name",
            "t",
            "--osinfo",
            "fedora43",
        ])
        .args(["--memory", "1024", "--disk", "none", "--import"])
        .output()
        .expect("virt-install runs");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("fedora43"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let mut failures = Vec::new();
    // fedora43 is unknown to Debian 12's osinfo-db, win10 is known.
    for (os, setup) in [("fedora43", true), ("win10", false)] {
        let name = format!("guestdb-vi-{os}");
        let disk = dir.path().join(format!("{name}.qcow2"));
        let r = run(&[
            "recommend",
            os,
            "--format",
            "virt-install",
            "--virt-type",
            "qemu",
            "--name",
            &name,
            "--disk",
            disk.to_str().unwrap(),
            "--network",
            "user",
        ]);
        assert_eq!(r.code, 0, "{os}: {}", r.stderr);
        assert_eq!(
            r.stdout.contains("OSINFO_SYSTEM_DIR="),
            setup,
            "{os}: set-up lines expected: {setup}\n{}",
            r.stdout
        );
        let script = dir.path().join(format!("{os}.sh"));
        std::fs::write(&script, &r.stdout).expect("write script");
        let _ = guestdb::verify::virsh(uri, &["destroy", &name]);
        let _ = guestdb::verify::virsh(uri, &["undefine", &name]);
        let out = Command::new("bash")
            .arg(&script)
            .env("PATH", &path)
            .env("HOME", dir.path())
            .env("LIBVIRT_DEFAULT_URI", uri)
            .output()
            .expect("bash runs");
        if !out.status.success() {
            failures.push(format!(
                "{os}: the printed command fails:\n{}\n{}{}",
                r.stdout,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        } else {
            match guestdb::verify::virsh(uri, &["domstate", &name]) {
                Ok(state) if state.trim() == "running" => {}
                other => failures.push(format!("{os}: domain state {other:?}")),
            }
            let live = guestdb::verify::virsh(uri, &["dumpxml", &name]).unwrap_or_default();
            if !live.contains("<timer name='rtc' tickpolicy='catchup'/>") {
                failures.push(format!(
                    "{os}: the domain lacks the recommended timers:\n{live}"
                ));
            }
        }
        let _ = guestdb::verify::virsh(uri, &["destroy", &name]);
        let _ = guestdb::verify::virsh(uri, &["undefine", &name]);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn hyperv_off_and_passthrough_are_honoured_and_other_oses_get_none() {
    let host = [profile("debian-12")];
    let off = recommend_on(
        "win11",
        "x86_64",
        &host,
        Policy {
            hyperv: HypervPolicy::Off,
            ..Default::default()
        },
    )
    .expect("win11");
    assert!(off.hyperv.features.is_empty());
    assert!(off.clock.timers.iter().all(|t| t.name != "hypervclock"));
    let pass = recommend_on(
        "win11",
        "x86_64",
        &host,
        Policy {
            hyperv: HypervPolicy::Passthrough,
            ..Default::default()
        },
    )
    .expect("win11");
    assert_eq!(pass.hyperv.mode, "passthrough");
    let xml = guestdb::render::libvirt::render(&pass, &Default::default());
    assert!(xml.contains("<hyperv mode='passthrough'/>"), "{xml}");
    let argv = guestdb::render::qemu::argv(&pass, &Default::default());
    assert!(cpu_arg(&argv).contains("hv-passthrough=on"));
    // Passthrough cannot migrate: a clear no.
    let no = recommend_on(
        "win11",
        "x86_64",
        &[profile("debian-12"), profile("debian-13")],
        Policy {
            hyperv: HypervPolicy::Passthrough,
            ..Default::default()
        },
    );
    assert!(no.is_err());
    for os in ["fedora43", "rhel9.6", "freebsd14.3"] {
        let r = crate::common::recommend(os, "debian-12");
        assert!(r.hyperv.features.is_empty(), "{os}");
        assert_eq!(r.clock.offset, "utc", "{os}");
    }
    // Windows keeps local time; Vista and later get the enlightenments
    // their release uses, each with what it requires.
    let db = db();
    let catalogue = db.hyperv_features().expect("hyperv");
    for os in ["winvista", "win7", "win10", "win11", "win2k8", "win2k25"] {
        let r = crate::common::recommend(os, "debian-12");
        assert_eq!(r.clock.offset, "localtime", "{os}");
        let names: Vec<&str> = r.hyperv.features.iter().map(|f| f.name.as_str()).collect();
        assert!(
            names.contains(&"spinlocks") && names.contains(&"hypervclock"),
            "{os}: {names:?}"
        );
        for f in &r.hyperv.features {
            let c = catalogue
                .iter()
                .find(|c| c.name == f.name)
                .expect("in the catalogue");
            for req in &c.requires {
                assert!(
                    names.contains(&req.as_str()),
                    "{os}: {} without {req}",
                    f.name
                );
            }
        }
    }
}

#[test]
fn sound_and_graphics_follow_the_host_and_the_os_role() {
    // RHEL 9 and later ship no SPICE: VNC, no QXL, no sound.
    let r = crate::common::recommend("win11", "rhel-9.6");
    assert_eq!(r.graphics.kind, "vnc");
    assert!(r.of_class("sound").next().is_none());
    assert!(r
        .of_class("video")
        .all(|d| d.libvirt_model.as_deref() != Some("qxl")));
    // Debian 12 has SPICE: a desktop gets sound, a server release none.
    let desktop = crate::common::recommend("win11", "debian-12");
    assert_eq!(desktop.graphics.kind, "spice");
    assert_eq!(
        desktop
            .of_class("sound")
            .next()
            .and_then(|d| d.libvirt_model.clone())
            .as_deref(),
        Some("ich9")
    );
    assert!(
        desktop.devices.iter().any(|d| d.id.starts_with("spicech"))
            || desktop
                .of_class("console")
                .all(|d| !d.id.starts_with("vserial"))
    );
    let server = crate::common::recommend("win2k3", "debian-12");
    assert!(
        server.of_class("sound").next().is_none(),
        "{:?}",
        server.devices
    );
    let forced = recommend_on(
        "win2k3",
        "x86_64",
        &[profile("debian-12")],
        Policy {
            profile: guestdb::recommend::ProfilePolicy::Desktop,
            ..Default::default()
        },
    )
    .expect("win2k3");
    assert!(forced.of_class("sound").next().is_some());
}

#[test]
fn virtio_win_adds_the_driver_medium_as_a_second_cdrom() {
    let r = recommend_on(
        "win10",
        "x86_64",
        &[profile("debian-12")],
        Policy {
            drivers: guestdb::recommend::DriversPolicy::VirtioWin,
            ..Default::default()
        },
    )
    .expect("win10");
    let media: Vec<Option<&str>> = r.of_class("cdrom").map(|d| d.medium).collect();
    assert_eq!(media, [Some("install"), Some("drivers")]);
    let opts = guestdb::render::Options {
        cdrom: Some("/srv/win10.iso".into()),
        drivers_iso: Some("/srv/virtio-win.iso".into()),
        ..Default::default()
    };
    let xml = guestdb::render::libvirt::render(&r, &opts);
    assert!(
        xml.contains("<source file='/srv/win10.iso'/>")
            && xml.contains("<source file='/srv/virtio-win.iso'/>"),
        "{xml}"
    );
    let vi = guestdb::render::virt_install::args(&r, &opts).join(" ");
    assert!(vi.contains("path=/srv/virtio-win.iso,device=cdrom"), "{vi}");
    let q = guestdb::render::qemu::argv(&r, &opts).join(" ");
    assert!(q.contains("file=/srv/virtio-win.iso"), "{q}");
    // The default path is where Fedora's and RHEL's virtio-win package puts it.
    let xml = guestdb::render::libvirt::render(&r, &Default::default());
    assert!(
        xml.contains("/usr/share/virtio-win/virtio-win.iso"),
        "{xml}"
    );
    // Without --drivers virtio-win, or for an OS that needs no driver, one CD-ROM.
    for (os, drivers) in [
        ("win10", guestdb::recommend::DriversPolicy::None),
        ("fedora43", guestdb::recommend::DriversPolicy::VirtioWin),
    ] {
        let r = recommend_on(
            os,
            "x86_64",
            &[profile("debian-12")],
            Policy {
                drivers,
                ..Default::default()
            },
        )
        .expect("recommendation");
        assert_eq!(r.of_class("cdrom").count(), 1, "{os}");
    }
}

/// What QEMU prints (standard output, then standard error) for `args`.
fn qemu_help(qemu: &Path, args: &[&str]) -> String {
    let out = Command::new(qemu).args(args).output().expect("QEMU runs");
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
#[ignore = "needs QEMU 7.2: run tools/test.sh"]
fn the_cpu_models_and_hyperv_features_of_the_data_are_what_qemu_7_2_has() {
    let qemu = require("qemu-system-x86_64", "qemu-system-x86");
    let version = qemu_help(&qemu, &["--version"]);
    assert!(
        version.contains("version 7.2."),
        "the tests need QEMU 7.2: {version}"
    );
    let v72 = guestdb::data::model::Version::parse("7.2").expect("7.2");
    let db = db();
    let mut offenders = Vec::new();
    // `-cpu help`: "x86 Skylake-Client  Intel Core Processor (Skylake)".
    let cpus = qemu_help(&qemu, &["-cpu", "help"]);
    let listed: BTreeSet<&str> = cpus
        .lines()
        .filter_map(|l| l.trim().strip_prefix("x86 "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for m in db.cpu_models().expect("cpus") {
        let has = listed.contains(m.name.as_str());
        if has != (m.qemu_since <= v72) {
            offenders.push(format!(
                "CPU model {} (qemu-since {}, data/cpus.xml:{}): QEMU 7.2 {}",
                m.name,
                m.qemu_since,
                m.at.line,
                if has { "has it" } else { "lacks it" }
            ));
        }
    }
    // The CPU's properties: "  hv-relaxed=<bool>  - (default: false)".
    let props = qemu_help(&qemu, &["-device", "max-x86_64-cpu,help"]);
    let props: BTreeSet<&str> = props
        .lines()
        .filter_map(|l| l.trim().split('=').next())
        .collect();
    for f in db.hyperv_features().expect("hyperv") {
        let has = props.contains(f.qemu_property.as_str());
        if has != (f.qemu_since <= v72) {
            offenders.push(format!(
                "Hyper-V {} ({}, qemu-since {}, data/hyperv.xml:{}): QEMU 7.2 {}",
                f.name,
                f.qemu_property,
                f.qemu_since,
                f.at.line,
                if has { "has it" } else { "lacks it" }
            ));
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
#[ignore = "needs osinfo-query and Debian's osinfo-db: run tools/test.sh"]
fn the_osinfo_db_release_file_lists_what_osinfo_query_lists() {
    let query = require("osinfo-query", "libosinfo-bin");
    let pkg = Command::new("dpkg-query")
        .args(["-W", "-f=${Version}", "osinfo-db"])
        .output()
        .expect("dpkg-query runs");
    let version = String::from_utf8_lossy(&pkg.stdout).into_owned();
    let upstream = version
        .split_once(':')
        .map_or(version.as_str(), |(_, v)| v)
        .rsplit_once('-')
        .map_or(version.as_str(), |(v, _)| v)
        .to_string();
    let file = root().join(format!("data/osinfo-db/{upstream}.xml"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: the installed osinfo-db {version} has no list (tools/osinfo-release.sh writes it)",
            file.display()
        )
    });
    let ours: BTreeSet<String> = parse(&text)
        .expect("parses")
        .children
        .iter()
        .filter_map(|c| c.attr("id").map(|a| a.value.clone()))
        .collect();
    let out = Command::new(&query)
        .env_remove("OSINFO_SYSTEM_DIR")
        .args(["os", "--fields=id"])
        .output()
        .expect("osinfo-query runs");
    let theirs: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .skip(2)
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    assert!(
        theirs.len() > 500,
        "osinfo-query listed {} OSes",
        theirs.len()
    );
    let missing: Vec<&String> = theirs.difference(&ours).collect();
    let extra: Vec<&String> = ours.difference(&theirs).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{}: missing {missing:?}, not known to osinfo-query {extra:?}",
        file.display()
    );
}
