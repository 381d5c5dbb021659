//! `guestdb machines`: the machine types a host or a QEMU version offers,
//! or (with `--hosts`) the host profiles.

use super::target::{check_arch, profile_host};
use super::{usage, write_json, Failure, Outcome};
use crate::data::model::Version;
use crate::host::Host;
use crate::machine::{MachineType, Origin};
use crate::render::table::table;
use crate::Database;
use clap::Args;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;

pub const AFTER_HELP: &str = "Examples:
  guestdb machines                          (the default host profile)
  guestdb machines --host rhel-9.6
  guestdb machines --qemu-version 10.2 --arch aarch64 --json
  guestdb machines --domcaps caps.xml
  guestdb machines --hosts

The machine types of a QEMU version are computed from data/machines/: its
release list, each family's first version, the deliberate removals and QEMU's
lifecycle rule (deprecated after 3 years, gone after 6, since 9.1).

Exit status: 0 listed, 1 unknown host or QEMU version, 2 error.";

#[derive(Args, Debug)]
pub struct MachinesArgs {
    /// A host profile
    #[arg(long, value_name = "NAME", conflicts_with_all = ["qemu_version", "domcaps", "qemu", "hosts"])]
    host: Option<String>,
    /// An upstream QEMU release, e.g. 7.2
    #[arg(long, value_name = "X.Y", conflicts_with_all = ["domcaps", "qemu", "hosts"])]
    qemu_version: Option<String>,
    /// 'virsh domcapabilities' output
    #[arg(long, value_name = "FILE", conflicts_with_all = ["qemu", "hosts"])]
    domcaps: Option<PathBuf>,
    /// A QEMU binary to ask
    #[arg(long, value_name = "PATH", conflicts_with = "hosts")]
    qemu: Option<PathBuf>,
    /// Guest architecture (default x86_64)
    #[arg(long)]
    arch: Option<String>,
    /// List the host profiles instead
    #[arg(long)]
    hosts: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

fn machine_json(m: &MachineType) -> Value {
    json!({
        "name": m.name,
        "family": m.family,
        "alias": m.aliases.first(),
        "aliases": m.aliases,
        "deprecated": m.deprecated,
        "qemu_version": m.qemu_version.map(|v| v.to_string()),
        "origin": match &m.origin { Origin::Upstream => "upstream".to_string(), Origin::Downstream { line } => line.clone() },
        "variant": m.variant,
        "declared_at": m.at.to_string(),
    })
}

fn list_hosts(db: &Database, json: bool, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let profiles = db.host_profiles()?;
    if json {
        write_json(out, &profiles)?;
        return Ok(Outcome::Ok);
    }
    let rows: Vec<[String; 5]> = profiles
        .iter()
        .map(|p| {
            [
                format!("{}{}", p.id, if p.default { " (default)" } else { "" }),
                p.qemu.map(|v| v.to_string()).unwrap_or_else(|| "-".into()),
                p.libvirt
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into()),
                match &p.machine_line {
                    Some((l, r)) if p.upstream_machines => format!("upstream + {l} {r}"),
                    Some((l, r)) => format!("{l} {r}"),
                    None => "upstream".into(),
                },
                p.name.clone(),
            ]
        })
        .collect();
    let header = ["HOST", "QEMU", "LIBVIRT", "MACHINE TYPES", "NAME"].map(String::from);
    let rows: Vec<[String; 5]> = std::iter::once(header).chain(rows).collect();
    write!(out, "{}", table(&rows, ""))?;
    Ok(Outcome::Ok)
}

pub(super) fn run(
    db: &Database,
    args: &MachinesArgs,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    if args.hosts {
        return list_hosts(db, args.json, out);
    }
    if let Some(a) = &args.arch {
        check_arch(a)?;
    }
    let catalogue = db.machine_catalogue()?;
    let host: Host;
    let (what, machines): (String, Vec<MachineType>) = if let Some(v) = &args.qemu_version {
        let arch = args.arch.clone().unwrap_or_else(|| "x86_64".into());
        let version = Version::parse(v).ok_or_else(|| {
            usage(format!(
                "--qemu-version '{v}' is not a version; expected X.Y, e.g. 7.2"
            ))
        })?;
        let list = catalogue.upstream(version, &arch).ok_or_else(|| Failure {
            message: format!(
                "QEMU {v} is not a release the catalogue knows (it knows {} to {})",
                catalogue
                    .releases
                    .first()
                    .map(|r| r.version.to_string())
                    .unwrap_or_default(),
                catalogue
                    .newest_release()
                    .map(|r| r.to_string())
                    .unwrap_or_default()
            ),
            code: 1,
        })?;
        (format!("QEMU {} ({arch})", version.release()), list)
    } else {
        host = if let Some(path) = &args.domcaps {
            db.domcaps_host(path)?
        } else if let Some(binary) = &args.qemu {
            db.qemu_host(binary, args.arch.as_deref())?
        } else {
            let name = match &args.host {
                Some(n) => n.clone(),
                None => db
                    .default_host_profile()?
                    .map(|p| p.id)
                    .ok_or_else(|| usage("the dataset has no default host profile".into()))?,
            };
            profile_host(db, &name, None)?
        };
        let arch = args
            .arch
            .clone()
            .or_else(|| {
                (args.domcaps.is_some() || args.qemu.is_some())
                    .then(|| host.arches.first().cloned())
                    .flatten()
            })
            .unwrap_or_else(|| "x86_64".into());
        if !host.arches.contains(&arch) {
            return Err(Failure {
                message: format!(
                    "{} does not run {arch} guests (it runs {})",
                    host.name,
                    host.arches.join(", ")
                ),
                code: 1,
            });
        }
        (
            format!("{} ({arch})", host.name),
            host.machines_for(&arch).to_vec(),
        )
    };
    if args.json {
        let items: Vec<Value> = machines.iter().map(machine_json).collect();
        write_json(out, &items)?;
        return Ok(Outcome::Ok);
    }
    writeln!(out, "machine types of {what}")?;
    let mut rows = vec![["NAME", "FAMILY", "ADDED", "NOTES"].map(String::from)];
    for m in &machines {
        let mut notes = Vec::new();
        if !m.aliases.is_empty() {
            notes.push(format!("alias {}", m.aliases.join(", ")));
        }
        if m.deprecated {
            notes.push("deprecated".to_string());
        }
        if let Origin::Downstream { line } = &m.origin {
            notes.push(line.clone());
        }
        if let Some(v) = &m.variant {
            notes.push(format!("{v} variant"));
        }
        rows.push([
            m.name.clone(),
            m.family.clone(),
            m.qemu_version
                .map(|v| v.to_string())
                .unwrap_or_else(|| "-".into()),
            notes.join(", "),
        ]);
    }
    write!(out, "{}", table(&rows, ""))?;
    Ok(Outcome::Ok)
}
