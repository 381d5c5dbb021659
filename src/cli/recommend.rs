//! `guestdb recommend`: machine type, firmware and devices for an OS on a host.

use super::target::{hosts, HostArgs, PolicyArgs};
use super::{usage, write_json, Failure, Outcome};
use crate::recommend::Target;
use crate::render::{self, Format, Options};
use crate::{Database, RecommendError};
use clap::Args;
use std::io::Write;

pub const AFTER_HELP: &str = "Examples:
  guestdb recommend rhel6.10
  guestdb recommend rhel6.10 --host debian-12 --explain
  guestdb recommend win11 --drivers virtio-win --format libvirt
  guestdb recommend fedora43 --arch aarch64 --host fedora-45 --json
  guestdb recommend rhel9.6 --host rhel-9.6 --migrate-to rhel-9.4
  guestdb recommend debian13 --domcaps caps.xml --format virt-install
  guestdb recommend ubuntu24.04 --qemu /usr/bin/qemu-system-x86_64 --format qemu
  guestdb recommend --media Fedora-Server-dvd-x86_64-44-1.7.iso
  guestdb recommend win11 --format kubevirt --kubevirt-vm
  guestdb recommend rhel6.10 --format openstack-cli
  guestdb recommend win11 --format proxmox-conf
  guestdb recommend kubevirt:rhel.9.arm64 --format kubevirt

The kubevirt, openstack(-cli) and proxmox(-conf) formats narrow the
recommendation to what that system can state (the ecosystem rule) and say in
warnings what it cannot. An OS named SCHEME:NAME for one architecture
(kubevirt:rhel.9.arm64, virtualbox:Debian12_arm64) is recommended for it; an
--arch that contradicts it is an error.

Without --host, --domcaps or --qemu the dataset's default host profile is used
('guestdb machines --hosts' lists the profiles). The rules are documented in
docs/recommend-rules.md.

Exit status: 0 recommended, 1 unknown OS, unknown host or no common choice
(migration), 2 error.";

#[derive(Args, Debug)]
pub struct RecommendArgs {
    /// An id, short-id, alias or SCHEME:NAME (kubevirt:rhel.9.arm64, whose architecture is the guest's); a release newer than known falls back to the newest known
    #[arg(required_unless_present = "media")]
    os: Option<String>,
    /// Detect the OS and architecture from install media instead (an ISO
    /// image, an isoinfo -d dump, a .treeinfo or an install tree)
    #[arg(long, value_name = "PATH", conflicts_with = "os")]
    media: Option<std::path::PathBuf>,
    #[command(flatten)]
    hosts: HostArgs,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Output: text, json, libvirt (domain XML), qemu (command line), virt-install (arguments),
    /// kubevirt (a VirtualMachineClusterPreference, YAML), openstack (Glance image properties, JSON),
    /// openstack-cli (openstack image set), proxmox (qm create), proxmox-conf (VMID.conf)
    #[arg(long, default_value = "text")]
    format: String,
    /// With --format kubevirt: also a VirtualMachine that uses the preference
    #[arg(long)]
    kubevirt_vm: bool,
    /// Print JSON (the same as --format json)
    #[arg(long)]
    json: bool,
    /// Show every rule's reasons and the facts (with file:line) it used
    #[arg(long)]
    explain: bool,
    /// The VM's name (default: the OS's short-id)
    #[arg(long)]
    name: Option<String>,
    /// The disk image (default: /var/lib/libvirt/images/NAME.qcow2)
    #[arg(long, value_name = "PATH")]
    disk: Option<String>,
    /// The install medium (ISO)
    #[arg(long, value_name = "PATH")]
    cdrom: Option<String>,
    /// user, network=NAME or bridge=NAME (default: network=default)
    #[arg(long, default_value = "network=default")]
    network: String,
    /// virtio-win's driver medium, for the driver CD-ROM --drivers virtio-win adds
    /// (default: /usr/share/virtio-win/virtio-win.iso, where Fedora's and RHEL's package puts it)
    #[arg(long, value_name = "PATH")]
    drivers_iso: Option<String>,
}

/// The render options of the command line's arguments (see [`Options::new`]).
pub fn render_options(
    name: Option<String>,
    disk: Option<String>,
    cdrom: Option<String>,
    network: &str,
    drivers_iso: Option<String>,
) -> Result<Options, Failure> {
    Options::new(name, disk, cdrom, network, drivers_iso).map_err(option_error)
}

/// A refused render option, as the command line names it (the value's
/// invisible characters escaped).
fn option_error(e: render::OptionError) -> Failure {
    usage(crate::cli::printable::printable(&e.cli_message()))
}

/// The OS (and arch) install media hold ([`Database::media_os`]).
fn from_media<'d>(
    db: &'d Database,
    path: &std::path::Path,
) -> Result<(crate::query::Resolved<'d>, Option<String>), Failure> {
    let input = crate::detect::read_path(path).map_err(|e| usage(e.to_string()))?;
    db.media_os(&input, path)?.ok_or_else(|| Failure {
        message: format!(
            "{}: no known OS matches these media ('guestdb detect {}' shows what was read); name the OS instead",
            path.display(),
            path.display()
        ),
        code: 1,
    })
}

pub use crate::lifecycle::today;

pub(super) fn run(
    db: &Database,
    args: &RecommendArgs,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let word = if args.json {
        "json"
    } else {
        args.format.as_str()
    };
    let Some(format) = Format::parse(word) else {
        return Err(usage(format!(
            "unknown --format '{}'; expected {}",
            crate::cli::printable::printable(word),
            Format::WORDS
        )));
    };
    let policy = crate::recommend::Policy {
        ecosystem: format.ecosystem(),
        ..args.policy.policy()?
    };
    let opts = render_options(
        args.name.clone(),
        args.disk.clone(),
        args.cdrom.clone(),
        &args.network,
        args.drivers_iso.clone(),
    )?;
    format
        .check(&opts, args.kubevirt_vm)
        .map_err(option_error)?;
    let (resolved, media_arch) = match (&args.os, &args.media) {
        (Some(os), _) => super::resolve_arch(db, os, args.hosts.arch.as_deref())?,
        (None, Some(path)) => from_media(db, path)?,
        (None, None) => {
            return Err(usage(
                "name an OS, or install media with --media PATH".into(),
            ))
        }
    };
    // The media's (or the SCHEME:NAME's) architecture unless --arch names one.
    let mut host_args = args.hosts.clone();
    if host_args.arch.is_none() {
        host_args.arch = media_arch;
    }
    let hosts = hosts(db, &host_args)?;
    let arch = host_args.arch(&hosts);
    let target = Target {
        arch: &arch,
        hosts: &hosts,
        policy,
        today: today(),
    };
    let rec = match db.recommend(&resolved, &target) {
        Ok(rec) => rec,
        Err(RecommendError::Failed(e)) => return Err(e.into()),
        Err(RecommendError::No(no)) => {
            if format == Format::Json {
                write_json(out, &no)?;
            }
            return Err(Failure {
                message: no.to_string(),
                code: 1,
            });
        }
    };
    // The XML, QEMU and virt-install formats have no place a reader sees for
    // the warnings: they go to standard error, so a pipe gets the output
    // alone and the user still reads them.
    if format.warnings_apart() {
        for w in &rec.warnings {
            eprintln!(
                "guestdb: warning[{}]: {}",
                w.code,
                crate::cli::printable::printable(&w.message)
            );
        }
    }
    out.write_all(render::render(&rec, format, &opts, args.kubevirt_vm, args.explain).as_bytes())?;
    Ok(Outcome::Ok)
}
