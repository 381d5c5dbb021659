//! `guestdb verify`: start the recommended guest on a real QEMU (or libvirt)
//! and check every PCI ID the guest sees.

use super::recommend::today;
use super::target::{hosts, HostArgs, PolicyArgs};
use super::{usage, write_json, Failure, Outcome};
use crate::recommend::{Target, VirtTypePolicy};
use crate::verify::{self, Verification};
use crate::{Database, RecommendError};
use clap::Args;
use std::io::Write;

pub const AFTER_HELP: &str = "Examples:
  guestdb verify rhel6.10
  guestdb verify rhel6.10 --host debian-12 --chipset i440fx
  guestdb verify win11 --drivers virtio-win --qemu /usr/bin/qemu-system-x86_64
  guestdb verify centos6.10 --libvirt --json

Starts the recommended QEMU command line paused with software emulation
(a null disk, no display), lets the firmware run briefly, reads every PCI
function through QMP query-pci and checks that each shows the ID the
recommendation predicted and, for virtio devices, an interface the guest's
drivers speak. With --libvirt, defines and starts the recommended domain XML
on libvirtd instead and reads query-pci through virsh qemu-monitor-command
(devices libvirt adds by itself are checked too). A TPM needs swtpm; UEFI
needs the host profile's firmware files.

Exit status: 0 every check passed, 1 a check failed (or no recommendation),
2 error (QEMU, libvirt or swtpm could not be run).";

#[derive(Args, Debug)]
pub struct VerifyArgs {
    /// An id, short-id, alias or SCHEME:NAME (its architecture, if it names one, is the guest's)
    os: String,
    #[command(flatten)]
    hosts: HostArgs,
    #[command(flatten)]
    policy: PolicyArgs,
    /// Define and start the libvirt domain XML instead of running QEMU directly
    #[arg(long)]
    libvirt: bool,
    /// The libvirt connection for --libvirt
    #[arg(long, default_value = "qemu:///system", value_name = "URI")]
    connect: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

fn print(v: &Verification, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "via {} ({})", v.via, v.version)?;
    let mut rows = vec![[
        "DEVICE".to_string(),
        "ROLE".into(),
        "EXPECTED".into(),
        "SEEN".into(),
        "DRIVERS".into(),
        "OK".into(),
    ]];
    for c in &v.checks {
        rows.push([
            c.device.clone(),
            c.role.clone(),
            c.expected.clone().unwrap_or_else(|| "-".into()),
            c.seen.clone().unwrap_or_else(|| "-".into()),
            c.drivers.clone(),
            if c.ok { "ok".into() } else { "FAIL".into() },
        ]);
    }
    write!(out, "{}", crate::render::table::table(&rows, "  "))?;
    let failed = v.checks.iter().filter(|c| !c.ok).count();
    writeln!(
        out,
        "{}: {} devices checked, {failed} failed",
        if v.ok { "ok" } else { "FAILED" },
        v.checks.len(),
    )
}

pub(super) fn run(
    db: &Database,
    args: &VerifyArgs,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let mut policy = args.policy.policy()?;
    // The check runs QEMU's software emulation (KVM is not dependable where
    // checks run): recommend what TCG runs.
    match policy.virt_type {
        VirtTypePolicy::Kvm => {
            return Err(usage(
                "--virt-type kvm: verify runs the guest under QEMU's software emulation (TCG); leave --virt-type out or give qemu".into(),
            ))
        }
        _ => policy.virt_type = VirtTypePolicy::Qemu,
    }
    let (resolved, arch) = super::resolve_arch(db, &args.os, args.hosts.arch.as_deref())?;
    // The SCHEME:NAME's architecture unless --arch names one.
    let host_args = HostArgs {
        arch,
        ..args.hosts.clone()
    };
    let hosts = hosts(db, &host_args)?;
    let arch = host_args.arch(&hosts);
    let target = Target {
        arch: &arch,
        hosts: &hosts,
        policy,
        today: today(),
    };
    let rec = db.recommend(&resolved, &target).map_err(|e| match e {
        RecommendError::Failed(e) => Failure::from(e),
        RecommendError::No(no) => Failure {
            message: no.to_string(),
            code: 1,
        },
    })?;
    let facts = db.resolved_facts(&resolved, &arch)?;
    let result = if args.libvirt {
        let name = format!("guestdb-verify-{}-{}", rec.os.short_id, std::process::id());
        verify::on_libvirt(&rec, &facts, &args.connect, &name)
    } else {
        let binary = verify::qemu_binary(host_args.qemu.as_deref(), &arch).map_err(usage)?;
        verify::on_qemu(&rec, &facts, &binary)
    };
    let v = result.map_err(|e| Failure {
        message: e,
        code: 2,
    })?;
    if args.json {
        write_json(out, &v)?;
    } else {
        print(&v, out)?;
    }
    Ok(if v.ok { Outcome::Ok } else { Outcome::NotFound })
}
