//! Renderers of a [`Recommendation`], one file per format:
//!
//! - [`text`]: for people (the default);
//! - [`json`]: stable keys for programs (documented in the README);
//! - [`libvirt`]: a complete libvirt domain XML;
//! - [`qemu`]: a QEMU command line;
//! - [`virt_install`]: arguments for virt-install;
//! - [`kubevirt`]: a KubeVirt `VirtualMachineClusterPreference` (and `VirtualMachine`);
//! - [`openstack`]: Glance image properties for OpenStack Nova;
//! - [`proxmox`]: a Proxmox VE `qm create` command and configuration;
//!
//! and [`table`], the plain-text table layout of every command; [`shell`]
//! and [`xml`], the one escaping of values for each output language.
//!
//! Renderers are pure: they format what the recommendation says and the
//! few choices [`Options`] names (VM name, disk, media, network), nothing
//! else: the accelerator, CPU, Hyper-V, clock and display come from the
//! recommendation, so every format says the same.

pub mod json;
pub mod kubevirt;
pub mod libvirt;
pub mod openstack;
pub mod proxmox;
pub mod qemu;
pub mod shell;
pub mod table;
pub mod text;
pub mod virt_install;
pub mod xml;

use crate::recommend::{Ecosystem, Recommendation};

/// An output format of a recommendation: the command line's `recommend
/// --format`, the Python package's `Recommendation.render`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For people ([`text`]).
    Text,
    /// The JSON answer ([`json`]).
    Json,
    /// A libvirt domain XML ([`libvirt`]).
    Libvirt,
    /// A QEMU command line ([`qemu`]).
    Qemu,
    /// virt-install's arguments ([`virt_install`]).
    VirtInstall,
    /// A KubeVirt `VirtualMachineClusterPreference` ([`kubevirt`]).
    Kubevirt,
    /// Glance image properties as JSON ([`openstack`]).
    Openstack,
    /// An `openstack image set` command ([`openstack`]).
    OpenstackCli,
    /// A `qm create` command ([`proxmox`]).
    Proxmox,
    /// A `/etc/pve/qemu-server/VMID.conf` body ([`proxmox`]).
    ProxmoxConf,
}

impl Format {
    /// Every format, in the order [`Self::WORDS`] names them.
    pub const ALL: [Format; 10] = [
        Format::Text,
        Format::Json,
        Format::Libvirt,
        Format::Qemu,
        Format::VirtInstall,
        Format::Kubevirt,
        Format::Openstack,
        Format::OpenstackCli,
        Format::Proxmox,
        Format::ProxmoxConf,
    ];

    /// The accepted names, as an error message lists them.
    pub const WORDS: &'static str = "text, json, libvirt, qemu, virt-install, kubevirt, \
        openstack, openstack-cli, proxmox or proxmox-conf";

    /// Its name (`virt-install`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Libvirt => "libvirt",
            Format::Qemu => "qemu",
            Format::VirtInstall => "virt-install",
            Format::Kubevirt => "kubevirt",
            Format::Openstack => "openstack",
            Format::OpenstackCli => "openstack-cli",
            Format::Proxmox => "proxmox",
            Format::ProxmoxConf => "proxmox-conf",
        }
    }

    /// The format a name names (see [`Self::WORDS`]), `None` for another word.
    pub fn parse(word: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == word)
    }

    /// The system whose vocabulary the format speaks: the ecosystem the
    /// recommendation is made for (the `ecosystem` rule narrows it to what
    /// that system can state). Text and JSON are libvirt's, as the command
    /// line's default.
    pub fn ecosystem(self) -> Ecosystem {
        match self {
            Format::Text | Format::Json | Format::Libvirt | Format::Qemu | Format::VirtInstall => {
                Ecosystem::Libvirt
            }
            Format::Kubevirt => Ecosystem::Kubevirt,
            Format::Openstack | Format::OpenstackCli => Ecosystem::Openstack,
            Format::Proxmox | Format::ProxmoxConf => Ecosystem::Proxmox,
        }
    }

    /// Whether a recommendation made for `ecosystem` can be written in
    /// this format: text and JSON say what any recommendation is; every
    /// other format only a recommendation made for its own ecosystem
    /// (a domain XML of a KubeVirt-narrowed answer would be neither).
    pub fn fits(self, ecosystem: Ecosystem) -> bool {
        matches!(self, Format::Text | Format::Json) || self.ecosystem() == ecosystem
    }

    /// Whether the output has no place for the recommendation's warnings
    /// (the domain XML, QEMU and virt-install formats): the command line
    /// prints them on standard error.
    pub fn warnings_apart(self) -> bool {
        matches!(self, Format::Libvirt | Format::Qemu | Format::VirtInstall)
    }

    /// Refuses render options this format cannot carry: `kubevirt_vm`
    /// outside the kubevirt format, and for virt-install a path or name
    /// virt-install 4.1 would mangle ([`virt_install::unrepresentable`]).
    pub fn check(self, opts: &Options, kubevirt_vm: bool) -> Result<(), OptionError> {
        if kubevirt_vm && self != Format::Kubevirt {
            return Err(OptionError {
                option: "kubevirt_vm",
                problem: "goes with {format} only".into(),
                format: Some(Format::Kubevirt),
            });
        }
        if self == Format::VirtInstall {
            let network = match &opts.network {
                Network::User => None,
                Network::Libvirt(n) | Network::Bridge(n) => Some(n.as_str()),
            };
            for (option, value) in [
                ("disk", opts.disk.as_deref()),
                ("cdrom", opts.cdrom.as_deref()),
                ("drivers_iso", opts.drivers_iso.as_deref()),
                ("network", network),
            ] {
                if let Some(c) = value.and_then(virt_install::unrepresentable) {
                    return Err(OptionError {
                        option,
                        problem: format!(
                            "holds '{c}', which virt-install 4.1 mangles in the domain XML \
                             (it escapes it twice); give a path or name without & ' \" < >, \
                             or use {{format}}"
                        ),
                        format: Some(Format::Libvirt),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The recommendation in `format`, as `guestdb recommend --format` prints
/// it (a JSON format pretty-printed, with a final line break). `explain`
/// is the text format's (every rule's reasons and facts), `kubevirt_vm`
/// the kubevirt format's (a `VirtualMachine` after the preference).
pub fn render(
    rec: &Recommendation,
    format: Format,
    opts: &Options,
    kubevirt_vm: bool,
    explain: bool,
) -> String {
    let pretty = |v: &serde_json::Value| {
        let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
        s.push('\n');
        s
    };
    match format {
        Format::Text => text::render(rec, explain),
        Format::Json => pretty(&json::render(rec)),
        Format::Libvirt => libvirt::render(rec, opts),
        Format::Qemu => qemu::render(rec, opts),
        Format::VirtInstall => virt_install::render(rec, opts),
        Format::Kubevirt => kubevirt::render(rec, opts, kubevirt_vm),
        Format::Openstack => pretty(&openstack::render_json(rec, opts)),
        Format::OpenstackCli => openstack::render_cli(rec, opts),
        Format::Proxmox => proxmox::render_create(rec, opts),
        Format::ProxmoxConf => proxmox::render_conf(rec, opts),
    }
}

/// A render option refused: which (`drivers_iso`; the command line writes
/// it `--drivers-iso`), what is wrong with it and what would be right
/// (which may name a format, each interface in its own words).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionError {
    /// The option, in the Python package's spelling.
    pub option: &'static str,
    /// What is wrong with its value, and what would be right: a sentence
    /// to follow the option's name, `{format}` standing for `format`.
    problem: String,
    /// The format the sentence names, if any.
    format: Option<Format>,
}

impl OptionError {
    /// The message as the command line says it (`--drivers-iso ...
    /// --format libvirt`).
    pub fn cli_message(&self) -> String {
        let format = self.format.map(|f| format!("--format {}", f.name()));
        self.message(&format!("--{}", self.option.replace('_', "-")), format)
    }

    /// The message as the Python package says it (`drivers_iso ... the
    /// libvirt format`).
    pub fn python_message(&self) -> String {
        let format = self.format.map(|f| format!("the {} format", f.name()));
        self.message(self.option, format)
    }

    fn message(&self, option: &str, format: Option<String>) -> String {
        let problem = match format {
            Some(f) => self.problem.replace("{format}", &f),
            None => self.problem.clone(),
        };
        format!("{option} {problem}")
    }
}

/// Where Fedora's and RHEL's virtio-win package installs the driver medium.
pub const VIRTIO_WIN_ISO: &str = "/usr/share/virtio-win/virtio-win.iso";

/// How the guest's network is connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Network {
    /// User-mode networking (no host setup; slirp/passt).
    User,
    /// A libvirt network by name (`default`).
    Libvirt(String),
    /// A host bridge by name.
    Bridge(String),
}

/// Choices the recommendation leaves to the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The VM's name (default: the OS's short-id).
    pub name: Option<String>,
    /// The disk image; default `/var/lib/libvirt/images/NAME.qcow2`.
    pub disk: Option<String>,
    /// The install medium (ISO), if any.
    pub cdrom: Option<String>,
    /// How the network interface is connected.
    pub network: Network,
    /// virtio-win's driver medium, for the driver CD-ROM `--drivers
    /// virtio-win` adds (default: where Fedora's and RHEL's virtio-win
    /// package installs it).
    pub drivers_iso: Option<String>,
    /// A check run (`guestdb verify`): no media; QEMU command lines get a
    /// null disk, null character devices and no display.
    pub for_test: bool,
    /// The guest's own copy of the UEFI variable store (QEMU command lines).
    pub efi_vars: Option<String>,
    /// The swtpm control socket (QEMU command lines with a TPM).
    pub tpm_socket: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            name: None,
            disk: None,
            cdrom: None,
            network: Network::Libvirt("default".into()),
            drivers_iso: None,
            for_test: false,
            efi_vars: None,
            tpm_socket: None,
        }
    }
}

impl Options {
    /// The options a caller names: `network` is `user`, `network=NAME` or
    /// `bridge=NAME`. Refuses a name or path holding a control character
    /// (a line break, an escape): the formats cannot all carry it (XML
    /// cannot hold most of them, and libvirt refuses a line break in a name).
    pub fn new(
        name: Option<String>,
        disk: Option<String>,
        cdrom: Option<String>,
        network: &str,
        drivers_iso: Option<String>,
    ) -> Result<Options, OptionError> {
        for (option, value) in [
            ("name", name.as_deref()),
            ("disk", disk.as_deref()),
            ("cdrom", cdrom.as_deref()),
            ("network", Some(network)),
            ("drivers_iso", drivers_iso.as_deref()),
        ] {
            let Some(value) = value else { continue };
            if let Some((at, c)) = value.char_indices().find(|(_, c)| c.is_control()) {
                return Err(OptionError {
                    option,
                    problem: format!(
                        "holds the control character U+{:04X} at byte {at}; give a name or path \
                         without control characters (line breaks, tabs, escapes)",
                        c as u32
                    ),
                    format: None,
                });
            }
        }
        let network = match network.split_once('=') {
            None if network == "user" => Network::User,
            Some(("network", n)) if !n.is_empty() => Network::Libvirt(n.to_string()),
            Some(("bridge", b)) if !b.is_empty() => Network::Bridge(b.to_string()),
            _ => {
                return Err(OptionError {
                    option: "network",
                    problem: format!("'{network}' is not one of user, network=NAME, bridge=NAME"),
                    format: None,
                })
            }
        };
        Ok(Options {
            name,
            disk,
            cdrom,
            network,
            drivers_iso,
            ..Options::default()
        })
    }

    /// The VM's name: the option, else the OS's short-id.
    pub fn name(&self, rec: &Recommendation) -> String {
        self.name.clone().unwrap_or_else(|| rec.os.short_id.clone())
    }

    /// The disk image: the option, else `/var/lib/libvirt/images/NAME.qcow2`.
    pub fn disk(&self, rec: &Recommendation) -> String {
        self.disk
            .clone()
            .unwrap_or_else(|| format!("/var/lib/libvirt/images/{}.qcow2", self.name(rec)))
    }

    /// The driver medium: the option, else [`VIRTIO_WIN_ISO`].
    pub fn drivers_iso(&self) -> String {
        self.drivers_iso
            .clone()
            .unwrap_or_else(|| VIRTIO_WIN_ISO.to_string())
    }

    /// The medium of a CD-ROM: the install ISO or virtio-win's, if any;
    /// for a check run (`for_test`) only the files the caller names.
    pub fn medium(&self, d: &crate::recommend::Device) -> Option<String> {
        if self.for_test {
            // Only media the test names (never the default paths).
            if d.medium == Some("drivers") {
                self.drivers_iso.clone()
            } else {
                self.cdrom.clone()
            }
        } else if d.medium == Some("drivers") {
            Some(self.drivers_iso())
        } else {
            self.cdrom.clone()
        }
    }

    /// The disk image format, from its file name (`raw` for `.img`/`.raw`).
    pub fn disk_format(&self, rec: &Recommendation) -> &'static str {
        let disk = self.disk(rec);
        if disk.ends_with(".raw") || disk.ends_with(".img") {
            "raw"
        } else {
            "qcow2"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_is_named_once_and_parsed_back() {
        let words: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        let listed = Format::WORDS.replace(" or ", ", ");
        assert_eq!(listed.split(", ").collect::<Vec<_>>(), words);
        for f in Format::ALL {
            assert_eq!(Format::parse(f.name()), Some(f));
            assert!(f.fits(f.ecosystem()));
        }
        assert_eq!(Format::parse("yaml"), None);
        assert!(Format::Json.fits(Ecosystem::Kubevirt));
        assert!(!Format::Libvirt.fits(Ecosystem::Proxmox));
        assert!(!Format::Proxmox.fits(Ecosystem::Libvirt));
    }

    #[test]
    fn option_errors_name_the_option_in_each_interfaces_words() {
        let e = Options::new(None, Some("/a\nb".into()), None, "user", None).unwrap_err();
        assert!(e
            .cli_message()
            .starts_with("--disk holds the control character U+000A at byte 2"));
        assert!(e
            .python_message()
            .starts_with("disk holds the control character U+000A"));
        let opts = Options::new(None, None, None, "bridge=a'b", Some("x".into())).unwrap();
        let e = Format::VirtInstall.check(&opts, false).unwrap_err();
        assert!(
            e.cli_message().starts_with("--network holds '''"),
            "{}",
            e.cli_message()
        );
        assert!(e.cli_message().ends_with("or use --format libvirt"));
        assert!(e.python_message().ends_with("or use the libvirt format"));
        assert!(Format::Libvirt.check(&opts, false).is_ok());
        let e = Format::Proxmox.check(&opts, true).unwrap_err();
        assert_eq!(
            e.cli_message(),
            "--kubevirt-vm goes with --format kubevirt only"
        );
        assert_eq!(
            e.python_message(),
            "kubevirt_vm goes with the kubevirt format only"
        );
    }
}
