//! Names that must not become commands (issue 17, class 3): hostile VM
//! names, paths, network names and host file names go through every output
//! format and the real consumer of that format (bash, virt-install against
//! libvirtd, xmllint), which must see exactly the value given and run
//! nothing else.

use crate::common::{guestdb, require, shared};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A VM name with quotes, a command substitution, a comma, a backquote and
/// a right-to-left override.
const NAME: &str = "vm'\"$(touch injected-name)`touch injected-bq`;x,y \u{202e}z";
/// A bridge name that would add a QEMU or virt-install sub-option.
const BRIDGE: &str = "br0,x=1;$(touch injected-bridge)";

/// A temporary directory holding a disk image and an ISO with hostile
/// names, and a domcaps file whose name holds line breaks and commands.
struct Scene {
    dir: tempfile::TempDir,
    disk: String,
    cdrom: String,
    domcaps: PathBuf,
}

/// With `quotes`, the disk's and ISO's names hold quotes (virt-install
/// cannot carry them into its XML and guestdb refuses them there).
fn scene(quotes: bool) -> Scene {
    let dir = tempfile::tempdir().expect("tempdir");
    let q = if quotes { "'q\"" } else { "q" };
    let disk = dir
        .path()
        .join(format!("d,isk $(touch injected-disk) {q}\\.qcow2"))
        .display()
        .to_string();
    let cdrom = dir
        .path()
        .join(format!("c,d,format=raw $(touch injected-cd){q}.iso"))
        .display()
        .to_string();
    std::fs::write(&cdrom, b"").expect("write the ISO");
    // An existing image: virt-install would create a new one as a libvirt
    // storage volume, whose names may not hold spaces.
    std::fs::write(&disk, b"").expect("write the disk");
    let domcaps = dir
        .path()
        .join("caps\ntouch injected-line\n$(touch injected-subst)'.xml");
    std::fs::copy(
        shared().join("libvirt-domcaps/qemu_7.2.0-q35.x86_64.xml"),
        &domcaps,
    )
    .expect("copy the domcaps fixture");
    Scene {
        dir,
        disk,
        cdrom,
        domcaps,
    }
}

impl Scene {
    /// `guestdb recommend win11` on the domcaps with the hostile choices.
    fn recommend(&self, format: &str, network: &str) -> String {
        let out = guestdb()
            .args([
                "recommend",
                "win11",
                "--format",
                format,
                "--virt-type",
                "qemu",
            ])
            .arg("--domcaps")
            .arg(&self.domcaps)
            .args(["--name", NAME, "--disk", &self.disk, "--cdrom", &self.cdrom])
            .args(["--network", network])
            .stdin(Stdio::null())
            .output()
            .expect("guestdb runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    /// The files in the scene's directory other than those it made and
    /// `expected`: what an injected command would have created.
    fn strays(&self, expected: &[&str]) -> Vec<String> {
        let ours = [
            Path::new(&self.disk).file_name().expect("name"),
            Path::new(&self.cdrom).file_name().expect("name"),
            self.domcaps.file_name().expect("name"),
        ];
        std::fs::read_dir(self.dir.path())
            .expect("read the scene")
            .map(|e| e.expect("entry").file_name())
            .filter(|n| !ours.contains(&n.as_os_str()))
            .map(|n| n.to_string_lossy().into_owned())
            .filter(|n| !expected.contains(&n.as_str()))
            .collect()
    }

    /// Runs `script` with bash in the scene's directory, with `bin` first
    /// on PATH; the output of bash.
    fn bash(&self, script: &str, bin: &Path) -> std::process::Output {
        let bash = require("bash", "bash");
        let file = self.dir.path().join("script.sh");
        std::fs::write(&file, script).expect("write the script");
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = Command::new(bash)
            .arg(&file)
            .current_dir(self.dir.path())
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("bash runs");
        std::fs::remove_file(&file).expect("remove the script");
        out
    }
}

/// A QEMU option list (`a=b,c=d`, a comma in a value doubled) as pairs.
fn qemu_opts(s: &str) -> Vec<(String, String)> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ',' {
            if chars.peek() == Some(&',') {
                chars.next();
                parts.last_mut().expect("a part").push(',');
            } else {
                parts.push(String::new());
            }
        } else {
            parts.last_mut().expect("a part").push(c);
        }
    }
    parts
        .into_iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (String::new(), p),
        })
        .collect()
}

/// The value of `key` in any `option` argument of `argv`.
fn qemu_value(argv: &[String], option: &str, key: &str) -> Option<String> {
    argv.windows(2)
        .filter(|w| w[0] == option)
        .flat_map(|w| qemu_opts(&w[1]))
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

#[test]
fn qemu_command_lines_keep_hostile_names_in_their_words_and_comments_when_bash_runs_them() {
    let s = scene(true);
    let bridge = format!("bridge={BRIDGE}");
    let script = s.recommend("qemu", &bridge);
    // Every line before the command is one comment line.
    let command_at = script
        .lines()
        .position(|l| l.starts_with("qemu-system-x86_64"))
        .unwrap_or_else(|| panic!("no QEMU command:\n{script}"));
    for line in script.lines().take(command_at) {
        assert!(line.starts_with("# "), "not a comment line: {line:?}");
    }
    assert!(script.contains("domcaps:caps\\ntouch injected-line\\n$(touch injected-subst)'.xml"));
    // bash runs it; the QEMU it finds records the arguments it was given.
    let bin = tempfile::tempdir().expect("tempdir");
    let record = bin.path().join("argv");
    let qemu = bin.path().join("qemu-system-x86_64");
    std::fs::write(
        &qemu,
        format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done > '{}'\n",
            record.display()
        ),
    )
    .expect("write the recorder");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&qemu, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = s.bash(&script, bin.path());
    assert!(
        out.status.success(),
        "bash: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        s.strays(&[]),
        Vec::<String>::new(),
        "bash ran injected commands"
    );
    let argv: Vec<String> = std::fs::read(&record)
        .expect("QEMU was run")
        .split(|&b| b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8(a.to_vec()).expect("UTF-8 argument"))
        .collect();
    let name = argv
        .windows(2)
        .find(|w| w[0] == "-name")
        .map(|w| qemu_opts(&w[1]));
    assert_eq!(name, Some(vec![(String::new(), NAME.to_string())]));
    let files: Vec<String> = argv
        .windows(2)
        .filter(|w| w[0] == "-drive")
        .filter_map(|w| {
            qemu_opts(&w[1])
                .into_iter()
                .find(|(k, _)| k == "file")
                .map(|(_, v)| v)
        })
        .collect();
    assert!(files.contains(&s.disk), "{files:?}");
    assert!(files.contains(&s.cdrom), "{files:?}");
    assert_eq!(
        qemu_value(&argv, "-netdev", "br").as_deref(),
        Some(BRIDGE),
        "{argv:?}"
    );
    assert_eq!(qemu_value(&argv, "-netdev", "x"), None, "{argv:?}");
}

#[test]
#[ignore = "needs virt-install and libvirtd: run tools/test.sh"]
fn virt_install_commands_keep_hostile_names_in_their_values_when_bash_and_virt_install_run_them() {
    let virt_install = require("virt-install", "virtinst");
    let uri = crate::verify::libvirt_uri();
    let s = scene(false);
    for network in [format!("bridge={BRIDGE}"), format!("network={BRIDGE}")] {
        let script = s.recommend("virt-install", &network);
        // bash runs it; virt-install prints the domain it would define.
        let bin = tempfile::tempdir().expect("tempdir");
        let xml = bin.path().join("domain.xml");
        let wrapper = bin.path().join("virt-install");
        std::fs::write(
            &wrapper,
            format!(
                "#!/bin/sh\nexec '{}' --connect {uri} --dry-run --print-xml \"$@\" > '{}'\n",
                virt_install.display(),
                xml.display()
            ),
        )
        .expect("write the wrapper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_guestdb"), bin.path().join("guestdb"))
            .expect("link guestdb");
        let out = s.bash(&script, bin.path());
        assert!(
            out.status.success(),
            "{script}\nbash/virt-install: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // The export the set-up lines write (when virt-install needs it).
        assert_eq!(s.strays(&[".cache"]), Vec::<String>::new());
        let xml = std::fs::read_to_string(&xml).expect("virt-install printed XML");
        let start = xml.find("<domain").expect("a domain");
        // With --cdrom it prints the installing domain first.
        let end = xml.find("</domain>").expect("its end") + "</domain>".len();
        let root = guestdb::data::xml::parse(&xml[start..end]).expect("virt-install's XML");
        let text_of = |name: &str| {
            root.children
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.text.clone())
        };
        assert_eq!(text_of("name").as_deref(), Some(NAME));
        let devices = root
            .children
            .iter()
            .find(|c| c.name == "devices")
            .expect("devices");
        let sources: Vec<String> = devices
            .children
            .iter()
            .filter(|c| c.name == "disk")
            .flat_map(|d| d.children.iter().filter(|c| c.name == "source"))
            .filter_map(|src| src.attr("file").map(|a| a.value.clone()))
            .collect();
        assert!(sources.contains(&s.disk), "{sources:?}");
        assert!(sources.contains(&s.cdrom), "{sources:?}");
        let (kind, _) = network.split_once('=').expect("kind=name");
        let iface: Vec<_> = devices
            .children
            .iter()
            .filter(|c| c.name == "interface")
            .collect();
        assert_eq!(iface.len(), 1, "{xml}");
        let source = iface[0]
            .children
            .iter()
            .find(|c| c.name == "source")
            .and_then(|src| src.attr(kind).map(|a| a.value.clone()));
        assert_eq!(source.as_deref(), Some(BRIDGE), "{xml}");
    }
}

/// `xmllint --xpath EXPR file`'s output.
fn xpath(xmllint: &Path, file: &Path, expr: &str) -> String {
    let out = Command::new(xmllint)
        .args(["--xpath", expr])
        .arg(file)
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "xmllint --xpath {expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut text = String::from_utf8(out.stdout).expect("UTF-8");
    // xmllint ends its output with a line break.
    text.pop();
    text
}

#[test]
#[ignore = "needs xmllint: run tools/test.sh"]
fn libvirt_xml_keeps_hostile_names_in_their_attributes_when_xmllint_reads_it() {
    let xmllint = require("xmllint", "libxml2-utils");
    let s = scene(true);
    let bridge = format!("bridge={BRIDGE}");
    let xml = s.recommend("libvirt", &bridge);
    let file = s.dir.path().join("domain.xml");
    std::fs::write(&file, &xml).expect("write the XML");
    let out = Command::new(&xmllint)
        .arg("--noout")
        .arg(&file)
        .output()
        .expect("xmllint runs");
    assert!(
        out.status.success(),
        "{xml}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(xpath(&xmllint, &file, "string(/domain/name)"), NAME);
    assert_eq!(
        xpath(
            &xmllint,
            &file,
            "string(//disk[@device='disk']/source/@file)"
        ),
        s.disk
    );
    assert_eq!(
        xpath(
            &xmllint,
            &file,
            "string(//disk[@device='cdrom']/source/@file)"
        ),
        s.cdrom
    );
    assert_eq!(
        xpath(&xmllint, &file, "string(//interface/source/@bridge)"),
        BRIDGE
    );
    // The right-to-left override is written as a reference, not raw.
    assert!(xml.contains("&#x202e;") && !xml.contains('\u{202e}'));
}

#[test]
fn control_characters_in_names_and_paths_are_refused_with_what_would_be_accepted() {
    for (option, value) in [
        ("--name", "a\nb"),
        ("--disk", "/tmp/a\u{1b}[31m.qcow2"),
        ("--cdrom", "/tmp/x\r.iso"),
        ("--network", "bridge=br\n0"),
    ] {
        let out = guestdb()
            .args(["recommend", "win11", "--format", "qemu", option, value])
            .stdin(Stdio::null())
            .output()
            .expect("guestdb runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{option}: {stderr}");
        assert!(
            stderr.contains(option)
                && stderr.contains("control character")
                && stderr.contains("without control characters"),
            "{option}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{option}");
    }
}

#[test]
fn virt_install_commands_refuse_paths_virt_install_would_mangle() {
    let s = scene(true);
    let out = guestdb()
        .args([
            "recommend",
            "win11",
            "--format",
            "virt-install",
            "--disk",
            &s.disk,
        ])
        .stdin(Stdio::null())
        .output()
        .expect("guestdb runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--disk holds ''', which virt-install 4.1 mangles")
            && stderr.contains("--format libvirt"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}
