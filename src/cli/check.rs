//! `guestdb check`: existing VMs (libvirt domain XMLs) against what their
//! OS drives and what their hosts offer, with the smallest fix.

use super::recommend::today;
use super::target::{hosts_for, peer_host, HostArgs};
use super::{usage, write_json, Failure, Outcome};
use crate::check::{self, fix, Context, Report, Severity};
use crate::recommend::DriversPolicy;
use crate::Database;
use clap::Args;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub const AFTER_HELP: &str = "Examples:
  guestdb check vm.xml
  virsh dumpxml web1 | guestdb check -
  guestdb check vm.xml --host rhel-9.6 --upgrade-to rhel-10.1 --json
  guestdb check vm.xml --diff
  guestdb check vm.xml --fix > fixed.xml && virsh define fixed.xml
  guestdb check --fleet /etc/libvirt/qemu --upgrade-to debian-13
  guestdb check --qemu-cmdline vm.cmdline --os centos7.0

The OS comes from the libosinfo metadata virt-install, virt-manager and
cockpit write (<libosinfo:os id='...'/>), or --os. Each finding has a code,
a severity, the element's line and column, and the facts it used
(--explain). --fix prints the domain with the smallest change that clears
the errors (everything else byte for byte); --diff prints that change as a
unified diff. --fleet checks every *.xml in a directory and prints one line
per VM and a summary by finding.

Exit status: 0 no error finding, 1 at least one error finding, 2 an input
could not be read (or bad arguments).";

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Domain XML files (virsh dumpxml output), directories of them, or - for standard input
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// A QEMU command line (as 'ps -o args' or 'guestdb recommend --format qemu' prints it) instead of domain XML
    #[arg(long = "qemu-cmdline", value_name = "FILE", conflicts_with_all = ["fix", "diff", "fleet", "files"])]
    qemu_cmdline: Option<PathBuf>,
    /// Check every *.xml domain in this directory and print one line per VM and a summary
    #[arg(long, value_name = "DIR", conflicts_with_all = ["fix", "diff"])]
    fleet: Option<PathBuf>,
    /// The OS (an id, short-id, alias or SCHEME:NAME) instead of the domain's libosinfo metadata
    #[arg(long, value_name = "ID")]
    os: Option<String>,
    #[command(flatten)]
    hosts: HostArgs,
    /// A host the VM's hosts are upgraded to (a profile or a domcaps file; repeatable)
    #[arg(long = "upgrade-to", value_name = "HOST")]
    upgrade_to: Vec<String>,
    /// Driver packages installed in the guest: none or virtio-win
    #[arg(long, default_value = "none")]
    drivers: String,
    /// Print the fixed domain XML
    #[arg(long, conflicts_with_all = ["diff", "json"])]
    fix: bool,
    /// Print the fix as a unified diff
    #[arg(long, conflicts_with = "json")]
    diff: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
    /// Show the facts (with file:line) each finding used
    #[arg(long)]
    explain: bool,
}

/// The domain files named by `paths` (directories: their *.xml files, sorted).
fn inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| usage(format!("{}: {e}", p.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "xml"))
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn read_input(path: &Path) -> Result<String, String> {
    let kind = crate::input::DOMAIN_XML;
    if path.as_os_str() == "-" {
        return read_stdin(kind);
    }
    crate::input::read_to_string(path, kind).map_err(|e| e.to_string())
}

/// Standard input, at most as much as `kind` allows, as UTF-8.
fn read_stdin(kind: crate::input::Kind) -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(kind.max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("standard input: {e}"))?;
    if bytes.len() as u64 > kind.max {
        return Err(format!(
            "standard input: larger than guestdb reads of {} (at most {} MiB)",
            kind.what,
            kind.max >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "standard input: not UTF-8 text (at byte {}); give {} as UTF-8",
            e.utf8_error().valid_up_to(),
            kind.what
        )
    })
}

fn print_report(r: &Report, explain: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let os = match &r.os {
        Some(o) => format!("{} ({}, from {})", o.short_id, o.name, o.from),
        None => "OS unknown".into(),
    };
    writeln!(
        out,
        "{}: {} [{}] on {}",
        r.file,
        r.name.as_deref().unwrap_or("(no name)"),
        os,
        r.hosts.join(", ")
    )?;
    for f in &r.findings {
        let at = match (f.line, f.col) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", r.file),
            _ => format!("{}: (added by libvirt)", r.file),
        };
        writeln!(
            out,
            "  {at}: {}[{}]: {}: {}",
            f.severity.name(),
            f.code,
            f.element,
            f.message
        )?;
        if let Some(fix) = &f.fix {
            writeln!(out, "    fix: {fix}")?;
        }
        if explain {
            writeln!(out, "    rule: {}", f.rule)?;
            for fact in &f.facts {
                writeln!(out, "    fact: {} ({})", fact.fact, fact.at)?;
            }
        }
    }
    writeln!(
        out,
        "  {} error{}, {} warning{}",
        r.errors,
        if r.errors == 1 { "" } else { "s" },
        r.warnings,
        if r.warnings == 1 { "" } else { "s" }
    )
}

pub(super) fn run(
    db: &Database,
    args: &CheckArgs,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let drivers = match args.drivers.as_str() {
        "none" => DriversPolicy::None,
        "virtio-win" => DriversPolicy::VirtioWin,
        v => {
            return Err(usage(format!(
                "unknown --drivers '{v}'; expected none or virtio-win"
            )))
        }
    };
    // Profiles with every architecture's machine types: the domains say theirs.
    let mut host_list = hosts_for(db, &args.hosts, args.hosts.arch.as_deref())?;
    let mut roles = vec!["migrate-to"; host_list.len() - 1];
    for u in &args.upgrade_to {
        host_list.push(peer_host(db, u, args.hosts.arch.as_deref())?);
        roles.push("upgrade-to");
    }
    let mut ctx = Context::new(db, &host_list, roles);
    ctx.os = args
        .os
        .as_deref()
        .map(|o| super::os_for_check(db, o, args.hosts.arch.as_deref()))
        .transpose()?;
    ctx.drivers = drivers;
    ctx.today = today();

    if let Some(path) = &args.qemu_cmdline {
        let shown = path.display().to_string();
        let text = if path.as_os_str() == "-" {
            read_stdin(crate::input::QEMU_CMDLINE)
        } else {
            crate::input::read_to_string(path, crate::input::QEMU_CMDLINE)
                .map_err(|e| e.to_string())
        }
        .map_err(usage)?;
        let report = check::check_cmdline(&ctx, &shown, &text)?;
        if args.json {
            write_json(
                out,
                &json!({ "domains": [&report], "unreadable": Vec::<String>::new() }),
            )?;
        } else {
            print_report(&report, args.explain, out)?;
        }
        return Ok(if report.errors > 0 {
            Outcome::NotFound
        } else {
            Outcome::Ok
        });
    }
    let files = match &args.fleet {
        Some(dir) => {
            if !dir.is_dir() {
                return Err(usage(format!(
                    "--fleet {}: not a directory; give a directory of domain XMLs (/etc/libvirt/qemu)",
                    dir.display()
                )));
            }
            let mut f = inputs(std::slice::from_ref(dir))?;
            f.extend(inputs(&args.files)?);
            f
        }
        None => inputs(&args.files)?,
    };
    if files.is_empty() {
        return Err(usage(
            "name a domain XML (virsh dumpxml output), a directory of them, - for standard input, or --fleet DIR".into(),
        ));
    }
    if args.fix && files.len() != 1 {
        return Err(usage(format!(
            "--fix prints one fixed domain; {} domains given (use --diff for several)",
            files.len()
        )));
    }
    let mut reports = Vec::new();
    let mut unreadable = Vec::new();
    for path in &files {
        let shown = path.display().to_string();
        let text = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                unreadable.push(e);
                continue;
            }
        };
        match check::check(&ctx, &shown, &text) {
            Ok((report, domain)) => {
                if args.fix {
                    out.write_all(fix::apply(&text, &domain, &report.findings).as_bytes())?;
                } else if args.diff {
                    let fixed = fix::apply(&text, &domain, &report.findings);
                    out.write_all(fix::unified_diff(&shown, &text, &fixed).as_bytes())?;
                }
                reports.push(report);
            }
            Err(e) => unreadable.push(e.to_string()),
        }
    }
    if args.fix || args.diff {
        for r in &reports {
            for f in r.findings.iter().filter(|f| f.severity == Severity::Error) {
                let note = match (&f.fix, f.guest_visible) {
                    (None, _) => format!(
                        "no automatic fix for {}[{}]: {}",
                        f.code, f.element, f.message
                    ),
                    (Some(fx), true) => {
                        format!("{}: the fix changes hardware the guest sees: {fx}", r.file)
                    }
                    _ => continue,
                };
                eprintln!("guestdb: warning: {note}");
            }
        }
    } else if args.fleet.is_some() {
        fleet(&reports, &unreadable, args.json, out)?;
    } else if args.json {
        write_json(
            out,
            &json!({
                "domains": reports,
                "unreadable": unreadable,
            }),
        )?;
    } else {
        for r in &reports {
            print_report(r, args.explain, out)?;
        }
    }
    if !unreadable.is_empty() {
        return Err(Failure {
            message: unreadable.join("\nguestdb: "),
            code: 2,
        });
    }
    if reports.iter().any(|r| r.errors > 0) {
        Ok(Outcome::NotFound)
    } else {
        Ok(Outcome::Ok)
    }
}

fn fleet(
    reports: &[Report],
    unreadable: &[String],
    as_json: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    for r in reports {
        let mut codes: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code)
            .collect();
        codes.dedup();
        codes.sort();
        codes.dedup();
        for c in codes {
            *by_code.entry(c).or_default() += 1;
        }
    }
    let broken = reports.iter().filter(|r| r.errors > 0).count();
    let warned = reports
        .iter()
        .filter(|r| r.errors == 0 && r.warnings > 0)
        .count();
    if as_json {
        let vms: Vec<_> = reports
            .iter()
            .map(|r| {
                json!({
                    "file": r.file,
                    "name": r.name,
                    "os": r.os.as_ref().map(|o| &o.short_id),
                    "machine": r.machine,
                    "errors": r.errors,
                    "warnings": r.warnings,
                    "codes": r.findings.iter().map(|f| f.code).collect::<Vec<_>>(),
                })
            })
            .collect();
        write_json(
            out,
            &json!({
                "domains": vms,
                "summary": {
                    "domains": reports.len(),
                    "errors": broken,
                    "warnings_only": warned,
                    "clean": reports.len() - broken - warned,
                    "unreadable": unreadable.len(),
                    "by_error": by_code,
                },
                "unreadable": unreadable,
            }),
        )?;
        return Ok(());
    }
    let mut rows = vec![[
        "NAME".to_string(),
        "OS".into(),
        "MACHINE".into(),
        "ERRORS".into(),
        "WARNINGS".into(),
        "FINDINGS".into(),
    ]];
    for r in reports {
        let mut codes: Vec<&str> = r.findings.iter().map(|f| f.code).collect();
        codes.dedup();
        rows.push([
            r.name.clone().unwrap_or_else(|| r.file.clone()),
            r.os.as_ref()
                .map(|o| o.short_id.clone())
                .unwrap_or("-".into()),
            r.machine.clone().unwrap_or("-".into()),
            r.errors.to_string(),
            r.warnings.to_string(),
            if codes.is_empty() {
                "-".into()
            } else {
                codes.join(",")
            },
        ]);
    }
    out.write_all(crate::render::table::table(&rows, "").as_bytes())?;
    writeln!(
        out,
        "{} domains: {broken} with errors, {warned} with warnings only, {} clean{}",
        reports.len(),
        reports.len() - broken - warned,
        if unreadable.is_empty() {
            String::new()
        } else {
            format!(", {} unreadable", unreadable.len())
        }
    )?;
    for (code, n) in &by_code {
        writeln!(out, "  {code}: {n}")?;
    }
    Ok(())
}
