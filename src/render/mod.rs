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

use crate::recommend::Recommendation;

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
