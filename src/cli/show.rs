//! `guestdb show`: everything known about one OS, with `--explain` where each
//! fact came from.

use super::list::chipset_list;
use super::{find, write_json, Failure, Outcome};
use crate::os::RelationKind;
use crate::{Database, Date};
use clap::Args;
use guestdb_data::model::{Phase, VirtioClass};
use std::io::Write;

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// An id, short-id, alias or SCHEME:NAME (vmware:rhel9_64Guest)
    os: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
    /// Say where each fact came from
    #[arg(long)]
    explain: bool,
}

fn bytes(n: u64) -> String {
    const GIB: u64 = 1 << 30;
    const MIB: u64 = 1 << 20;
    if n >= GIB && n % (GIB / 4) == 0 {
        format!("{} GiB", n as f64 / GIB as f64)
    } else if n >= MIB {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} B")
    }
}

fn why(p: &crate::os::Provenance) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &p.source {
        parts.push(format!("source {s}"));
    }
    if let Some(i) = &p.inherited_from {
        parts.push(format!("inherited from {i}"));
    }
    parts.push(format!("at {}", p.declared_at));
    let mut s = parts.join(", ");
    if let Some(n) = &p.note {
        s.push_str(&format!("; {n}"));
    }
    s
}

pub(super) fn run(db: &Database, args: &ShowArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let os = find(db, &args.os)?;
    if args.json {
        write_json(out, &db.show_json(os, args.explain)?)?;
        return Ok(Outcome::Ok);
    }
    let details = db.details(os)?;
    let other_names = db.crosswalk()?.names_of(&os.id);
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "{}  {}", os.short_id(), os.name)?;
    writeln!(out, "  id            {}", os.id)?;
    if os.short_ids.len() > 1 || !os.aliases.is_empty() {
        let names: Vec<&str> = os
            .short_ids
            .iter()
            .chain(&os.aliases)
            .map(String::as_str)
            .collect();
        writeln!(out, "  names         {}", names.join(", "))?;
    }
    if !other_names.is_empty() {
        let mut names: Vec<String> = Vec::with_capacity(other_names.len());
        for n in &other_names {
            let mut how = n.quality.to_string();
            if let Some(a) = n.arch {
                how.push_str(&format!(", {a}"));
            }
            if let Some(to) = n.resolves_to {
                let short = db.lookup(to)?.map_or(to, |o| o.short_id());
                how.push_str(&format!(", resolves to {short}"));
            }
            names.push(format!("{}:{} ({how})", n.scheme, n.name));
        }
        writeln!(out, "  elsewhere     {}", names.join(", "))?;
    }
    writeln!(out, "  vendor        {}", opt(&os.vendor))?;
    writeln!(
        out,
        "  family        {}   distro {}   version {}",
        opt(&os.family),
        opt(&os.distro),
        opt(&os.version)
    )?;
    if let Some(c) = &os.codename {
        writeln!(out, "  codename      {c}")?;
    }
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "  released      {}   end of life {}   ({})",
        date(os.release_date),
        date(os.eol_date),
        os.release_status.name()
    )?;
    if !details.lifecycle.is_empty() {
        writeln!(out, "  lifecycle")?;
        if let Some(r) = os.release_date {
            writeln!(
                out,
                "    {:<9} {:<12} general availability",
                "ga",
                r.to_string()
            )?;
            if args.explain {
                if let Some(f) = details
                    .fact_sources
                    .iter()
                    .find(|f| f.fact == "release-date")
                {
                    writeln!(out, "              {}", why(&f.provenance))?;
                }
            }
        }
        for p in &details.lifecycle {
            let mut end = p.end.to_string();
            if let Some(e) = p.expected {
                end.push_str(&format!(" (expected by {e})"));
            }
            let paid = if p.phase == Phase::Extended {
                ", paid"
            } else {
                ""
            };
            let eol = if p.phase == Phase::Security {
                " (end of life)"
            } else {
                ""
            };
            writeln!(
                out,
                "    {:<9} {:<12} {}{paid}{eol}",
                p.phase.name(),
                end,
                p.label()
            )?;
            if args.explain {
                writeln!(out, "              {}", why(&p.provenance))?;
            }
        }
    }
    for kind in [
        RelationKind::DerivesFrom,
        RelationKind::Clones,
        RelationKind::Upgrades,
    ] {
        // Each relation by the target's short-id (stored with it), else its id.
        let targets: Vec<&str> = details
            .relations
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.short_id.as_deref().unwrap_or(&r.target))
            .collect();
        if !targets.is_empty() {
            writeln!(out, "  {:<13} {}", kind.name(), targets.join(", "))?;
        }
    }
    if !os.arches.is_empty() {
        writeln!(out, "  arches        {}", os.arches.join(", "))?;
    }
    if let Some(k) = &details.kernel {
        let package = k
            .package
            .as_ref()
            .map(|p| format!(" (package {p})"))
            .unwrap_or_default();
        writeln!(out, "  kernel        Linux {}{package}", k.version)?;
        if args.explain {
            writeln!(out, "                {}", why(&k.provenance))?;
        }
    }
    for a in &details.arch_kernels {
        let k = &a.kernel;
        let package = k
            .package
            .as_ref()
            .map(|p| format!(" (package {p})"))
            .unwrap_or_default();
        writeln!(
            out,
            "  kernel        {}: Linux {}{package}",
            a.arch, k.version
        )?;
        if args.explain {
            writeln!(out, "                {}", why(&k.provenance))?;
        }
    }
    writeln!(out, "  virtio")?;
    // An architecture whose every class is derived "none" for one reason
    // (s390x before virtio-ccw: no transport) gets one line, with that reason.
    let mut arches: Vec<&str> = details
        .virtio
        .iter()
        .map(|f| f.arch.as_str())
        .filter(|a| *a != "all")
        .collect();
    arches.sort_unstable();
    arches.dedup();
    let folded: Vec<(&str, &String)> = arches
        .into_iter()
        .filter_map(|arch| {
            let facts: Vec<_> = details.virtio.iter().filter(|f| f.arch == arch).collect();
            let note = facts.first()?.provenance.note.as_ref()?;
            let one_reason = facts.len() == VirtioClass::ALL.len()
                && facts.iter().all(|f| {
                    f.derived && !f.legacy && !f.modern && f.provenance.note.as_ref() == Some(note)
                });
            one_reason.then_some((arch, note))
        })
        .collect();
    let mut said: Vec<&str> = Vec::new();
    let mut any = false;
    for f in &details.virtio {
        any = true;
        if let (Some((arch, note)), false) =
            (folded.iter().find(|(a, _)| *a == f.arch), args.explain)
        {
            if !said.contains(arch) {
                writeln!(out, "    {:<9} none [{arch}] ({note})", "every")?;
                said.push(arch);
            }
            continue;
        }
        let word = match (f.unknown, f.legacy, f.modern) {
            (true, _, _) => "unknown (treated as none)",
            (_, true, true) => "legacy and modern (1.0)",
            (_, true, false) => "legacy only",
            (_, false, true) => "modern (1.0) only",
            (_, false, false) => "none",
        };
        let arch = if f.arch == "all" {
            String::new()
        } else {
            format!(" [{}]", f.arch)
        };
        let driver = f
            .driver
            .as_ref()
            .map(|d| match &f.since {
                Some(v) => format!(", needs driver package {d} (since {v})"),
                None => format!(", needs driver package {d}"),
            })
            .unwrap_or_default();
        let driver = if f.derived {
            format!("{driver}, derived from the kernel")
        } else {
            driver
        };
        let from = match (&f.provenance.inherited_from, args.explain) {
            (Some(o), false) => format!(" (from {o})"),
            _ => String::new(),
        };
        writeln!(out, "    {:<9} {word}{driver}{arch}{from}", f.class)?;
        if args.explain {
            writeln!(out, "              {}", why(&f.provenance))?;
        }
    }
    if !any {
        writeln!(
            out,
            "    (no virtio facts known: treat as no virtio drivers)"
        )?;
    }
    let chips = chipset_list(os);
    writeln!(
        out,
        "  chipsets      {}",
        if details.chipsets.iter().all(|c| c.unknown) {
            "unknown (the data states no chipset fact)".to_string()
        } else {
            let unknown: Vec<&str> = details
                .chipsets
                .iter()
                .filter(|c| c.unknown)
                .map(|c| c.chipset.name())
                .collect();
            let mut text = if chips.is_empty() {
                "none of i440fx, q35".to_string()
            } else {
                chips.join(", ")
            };
            if !unknown.is_empty() {
                text.push_str(&format!(" ({} unknown)", unknown.join(", ")));
            }
            if let Some(p) = details.chipsets.iter().find(|c| c.preferred) {
                text.push_str(&format!("; its vendor prefers {}", p.chipset));
            }
            text
        }
    )?;
    if args.explain {
        for c in &details.chipsets {
            writeln!(
                out,
                "    {:<9} {}  {}",
                c.chipset,
                if c.unknown {
                    "unknown"
                } else if c.supported {
                    "yes"
                } else {
                    "no"
                },
                why(&c.provenance)
            )?;
        }
    }
    if !details.firmware.is_empty() {
        let fw: Vec<String> = details
            .firmware
            .iter()
            .map(|f| {
                format!(
                    "{} {}{}",
                    f.arch,
                    f.kind,
                    if f.supported { "" } else { " (unsupported)" }
                )
            })
            .collect();
        writeln!(out, "  firmware      {}", fw.join(", "))?;
        if args.explain {
            for f in &details.firmware {
                writeln!(out, "    {} {}: {}", f.arch, f.kind, why(&f.provenance))?;
            }
        }
    }
    profile_facts(&details, args.explain, out)?;
    if !details.devices.is_empty() {
        writeln!(out, "  devices")?;
        for d in &details.devices {
            let pci = d.pci.as_ref().map(|p| format!(" {p}")).unwrap_or_default();
            if args.explain {
                writeln!(
                    out,
                    "    {}{pci} ({})  {}",
                    d.name,
                    d.class,
                    why(&d.provenance)
                )?;
            } else {
                writeln!(out, "    {}{pci} ({})", d.name, d.class)?;
            }
        }
    }
    for d in &details.drivers {
        writeln!(
            out,
            "  driver        {} {} ({} devices)",
            d.arch,
            d.location,
            d.devices.len()
        )?;
    }
    if !details.variants.is_empty() {
        let v: Vec<&str> = details.variants.iter().map(|v| v.id.as_str()).collect();
        writeln!(out, "  variants      {}", v.join(", "))?;
    }
    if !details.media.is_empty() {
        let mut arches: Vec<&str> = details.media.iter().map(|m| m.arch.as_str()).collect();
        arches.sort();
        arches.dedup();
        writeln!(
            out,
            "  media         {} ({})",
            details.media.len(),
            arches.join(", ")
        )?;
    }
    if !details.trees.is_empty() {
        let mut arches: Vec<&str> = details.trees.iter().map(|t| t.arch.as_str()).collect();
        arches.sort();
        arches.dedup();
        writeln!(
            out,
            "  trees         {} ({})",
            details.trees.len(),
            arches.join(", ")
        )?;
    }
    for r in &details.resources {
        let a = &r.amounts;
        let mut parts = Vec::new();
        if let Some(n) = a.n_cpus {
            parts.push(format!("{n} CPU"));
        }
        if let Some(c) = a.cpu {
            parts.push(format!("{} MHz", c / 1_000_000));
        }
        if let Some(m) = a.ram {
            parts.push(format!("{} RAM", bytes(m)));
        }
        if let Some(s) = a.storage {
            parts.push(format!("{} disk", bytes(s)));
        }
        if parts.is_empty() {
            continue;
        }
        writeln!(out, "  {:<13} {} [{}]", r.kind, parts.join(", "), r.arch)?;
    }
    if args.explain {
        for f in &details.fact_sources {
            writeln!(out, "  {:<13} {}", f.fact, why(&f.provenance))?;
        }
        writeln!(
            out,
            "  file          {} (source {})",
            details.path,
            details.source.as_deref().unwrap_or("-")
        )?;
    }
    Ok(Outcome::Ok)
}

/// The facts of the VM profile: the clock, what the release is for, the
/// least CPU, guest agents and the Hyper-V enlightenments it uses.
fn profile_facts(
    details: &crate::os::OsDetails,
    explain: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut lines: Vec<(&str, String, Vec<&crate::os::Provenance>)> = Vec::new();
    for c in &details.clock {
        lines.push((
            "clock",
            format!("{} ({})", c.offset.name(), c.arch),
            vec![&c.provenance],
        ));
    }
    if !details.roles.is_empty() {
        let roles: Vec<String> = details
            .roles
            .iter()
            .map(|r| {
                if r.supported {
                    r.role.name().to_string()
                } else {
                    format!("not {}", r.role.name())
                }
            })
            .collect();
        lines.push((
            "role",
            roles.join(", "),
            details.roles.iter().map(|r| &r.provenance).collect(),
        ));
    }
    for l in &details.cpu_levels {
        lines.push((
            "cpu level",
            format!("{} ({})", l.min, l.arch),
            vec![&l.provenance],
        ));
    }
    for a in &details.agents {
        let what = match (a.supported, &a.driver) {
            (false, _) => "none".to_string(),
            (true, Some(d)) => format!("from {d}"),
            (true, None) => "in-box".to_string(),
        };
        lines.push((
            "agent",
            format!("{} {what} ({})", a.name, a.arch),
            vec![&a.provenance],
        ));
    }
    if !details.hyperv.is_empty() {
        let names: Vec<&str> = details.hyperv.iter().map(|h| h.feature.as_str()).collect();
        lines.push((
            "hyper-v",
            format!("uses {}", names.join(", ")),
            details.hyperv.iter().map(|h| &h.provenance).collect(),
        ));
    }
    for (label, text, provenances) in lines {
        writeln!(out, "  {label:<13} {text}")?;
        if explain {
            for p in provenances {
                writeln!(out, "    {}", why(p))?;
            }
        }
    }
    Ok(())
}
