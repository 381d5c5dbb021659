//! Arguments that describe the hosts and the policy of a recommendation,
//! shared by `recommend` and `verify`, and turning them into a [`Target`].

use super::{usage, Failure};
use crate::host::Host;
use crate::recommend::{
    ChipsetPolicy, DriversPolicy, Ecosystem, FirmwarePolicy, HypervPolicy, ModelsPolicy, Policy,
    ProfilePolicy, VirtTypePolicy,
};
use crate::Database;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args, Debug, Clone)]
pub struct HostArgs {
    /// Guest architecture: x86_64 (default), i686, aarch64, ppc64le, s390x, riscv64
    #[arg(long)]
    pub arch: Option<String>,
    /// The host, a profile ('guestdb machines --hosts' lists them; default: the dataset's default profile)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["domcaps", "qemu"])]
    pub host: Option<String>,
    /// The host, from 'virsh domcapabilities' output
    #[arg(long, value_name = "FILE", conflicts_with = "qemu")]
    pub domcaps: Option<PathBuf>,
    /// The host, from a QEMU binary asked directly (-machine help, -device help)
    #[arg(long, value_name = "PATH")]
    pub qemu: Option<PathBuf>,
    /// Another host the VM must be able to live-migrate to: a profile or a domcaps file (repeatable)
    #[arg(long = "migrate-to", value_name = "HOST")]
    pub migrate_to: Vec<String>,
}

#[derive(Args, Debug, Clone)]
pub struct PolicyArgs {
    /// auto, q35 or i440fx
    #[arg(long, default_value = "auto")]
    pub chipset: String,
    /// auto, bios, efi or edk2 (EDK2's flash image rather than U-Boot on riscv64)
    #[arg(long, default_value = "auto")]
    pub firmware: String,
    /// Turn UEFI Secure Boot on (q35, UEFI)
    #[arg(long)]
    pub secure_boot: bool,
    /// Virtio drivers the OS lacks are available at install time: none or virtio-win
    #[arg(long, default_value = "none")]
    pub drivers: String,
    /// plain ('virtio') or explicit ('virtio-transitional' / 'virtio-non-transitional') models
    #[arg(long, default_value = "plain")]
    pub models: String,
    /// Hyper-V enlightenments for Windows: auto (what the OS uses and every host offers), off, or passthrough (one KVM host)
    #[arg(long, default_value = "auto")]
    pub hyperv: String,
    /// What the VM is for: auto (the OS's role), server (no sound) or desktop
    #[arg(long, default_value = "auto")]
    pub profile: String,
    /// auto (KVM where every host has it, else TCG), kvm, or qemu (software emulation)
    #[arg(long = "virt-type", value_name = "VIRT_TYPE", default_value = "auto")]
    pub virt_type: String,
}

impl PolicyArgs {
    pub fn policy(&self) -> Result<Policy, Failure> {
        fn word<T>(
            what: &str,
            v: &str,
            parse: fn(&str) -> Option<T>,
            expected: &str,
        ) -> Result<T, Failure> {
            parse(v).ok_or_else(|| usage(format!("unknown {what} '{v}'; expected {expected}")))
        }
        Ok(Policy {
            chipset: word(
                "--chipset",
                &self.chipset,
                ChipsetPolicy::parse,
                ChipsetPolicy::WORDS,
            )?,
            firmware: word(
                "--firmware",
                &self.firmware,
                FirmwarePolicy::parse,
                FirmwarePolicy::WORDS,
            )?,
            secure_boot: self.secure_boot,
            drivers: word(
                "--drivers",
                &self.drivers,
                DriversPolicy::parse,
                DriversPolicy::WORDS,
            )?,
            models: word(
                "--models",
                &self.models,
                ModelsPolicy::parse,
                ModelsPolicy::WORDS,
            )?,
            hyperv: word(
                "--hyperv",
                &self.hyperv,
                HypervPolicy::parse,
                HypervPolicy::WORDS,
            )?,
            profile: word(
                "--profile",
                &self.profile,
                ProfilePolicy::parse,
                ProfilePolicy::WORDS,
            )?,
            virt_type: word(
                "--virt-type",
                &self.virt_type,
                VirtTypePolicy::parse,
                VirtTypePolicy::WORDS,
            )?,
            ecosystem: Ecosystem::Libvirt,
        })
    }
}

pub use crate::recommend::ARCHES;

pub fn check_arch(arch: &str) -> Result<(), Failure> {
    if ARCHES.contains(&arch) {
        Ok(())
    } else {
        Err(usage(format!(
            "unknown architecture '{arch}'; expected one of {}",
            ARCHES.join(", ")
        )))
    }
}

/// A host profile by name, as a host (with the machine types of `arch`, or
/// of every arch); a not-found failure lists the names.
pub fn profile_host(db: &Database, name: &str, arch: Option<&str>) -> Result<Host, Failure> {
    match db.profile_host(name, arch)? {
        Some(host) => Ok(host),
        None => {
            let names: Vec<String> = db.host_profiles()?.into_iter().map(|h| h.id).collect();
            Err(Failure {
                message: format!(
                    "unknown host profile '{name}'; known: {} (or give a domcaps file)",
                    names.join(", ")
                ),
                code: 1,
            })
        }
    }
}

/// A `--migrate-to` value: a domcaps file when such a file exists or the
/// value looks like a path, else a profile name.
pub fn peer_host(db: &Database, value: &str, arch: Option<&str>) -> Result<Host, Failure> {
    let path = Path::new(value);
    if path.is_file() || value.contains('/') || value.ends_with(".xml") {
        Ok(db.domcaps_host(path)?)
    } else {
        profile_host(db, value, arch)
    }
}

impl HostArgs {
    /// The guest architecture: `--arch`, else the one a domcaps file or a
    /// QEMU binary implies, else x86_64.
    pub fn arch(&self, hosts: &[Host]) -> String {
        match (&self.arch, hosts.first()) {
            (Some(a), _) => a.clone(),
            (None, Some(h)) if self.domcaps.is_some() || self.qemu.is_some() => {
                h.arches.first().cloned().unwrap_or_else(|| "x86_64".into())
            }
            _ => "x86_64".to_string(),
        }
    }
}

/// The hosts named by the arguments: the host first, then migration peers.
pub fn hosts(db: &Database, args: &HostArgs) -> Result<Vec<Host>, Failure> {
    hosts_for(db, args, Some(args.arch.as_deref().unwrap_or("x86_64")))
}

/// As [`hosts`], with host profiles' machine types for `profile_arch`
/// only, or for every architecture they run (`None`: `check` reads
/// domains of any architecture).
pub fn hosts_for(
    db: &Database,
    args: &HostArgs,
    profile_arch: Option<&str>,
) -> Result<Vec<Host>, Failure> {
    if let Some(arch) = &args.arch {
        check_arch(arch)?;
    }
    let first = if let Some(path) = &args.domcaps {
        db.domcaps_host(path)?
    } else if let Some(binary) = &args.qemu {
        db.qemu_host(binary, args.arch.as_deref())?
    } else {
        let name = match &args.host {
            Some(n) => n.clone(),
            None => db.default_host_profile()?.map(|p| p.id).ok_or_else(|| {
                usage("the dataset has no default host profile; name one with --host".into())
            })?,
        };
        profile_host(db, &name, profile_arch)?
    };
    let arch = args.arch(std::slice::from_ref(&first));
    let peer_arch = profile_arch.map(|_| arch.as_str());
    let mut hosts = vec![first];
    for peer in &args.migrate_to {
        hosts.push(peer_host(db, peer, peer_arch)?);
    }
    Ok(hosts)
}
