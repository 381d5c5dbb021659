//! The recommendation for people: machine, firmware, a table of devices,
//! warnings, and the rules (with `explain`, every reason and fact).

use crate::recommend::Recommendation;
use std::fmt::Write;

fn table(rows: &[Vec<String>]) -> String {
    super::table::table(rows, "    ")
}

/// The recommendation as text for people; `explain` adds every rule's reasons and facts.
pub fn render(rec: &Recommendation, explain: bool) -> String {
    let mut s = String::new();
    let hosts = if rec.migrate_to.is_empty() {
        rec.host.clone()
    } else {
        format!("{}, migratable to {}", rec.host, rec.migrate_to.join(", "))
    };
    let _ = writeln!(
        s,
        "{} on {hosts} ({}): {}",
        rec.os.short_id, rec.arch, rec.os.name
    );
    let m = &rec.machine;
    let mut about = vec![m.family.clone()];
    if let Some(a) = &m.alias {
        about.push(format!("'{a}' on {}", rec.host));
    }
    match &m.qemu_version {
        Some(v) => about.push(format!("upstream, since QEMU {v}")),
        None => about.push(m.origin.clone()),
    }
    if m.deprecated {
        about.push("DEPRECATED".into());
    }
    let _ = writeln!(s, "  machine   {}  ({})", m.name, about.join(", "));
    let f = &rec.firmware;
    let mut fw = vec![if f.kind == "efi" {
        "UEFI".to_string()
    } else {
        "BIOS".to_string()
    }];
    if f.secure_boot {
        fw.push("Secure Boot".into());
    }
    if f.smm {
        fw.push("SMM".into());
    }
    if let Some(t) = &f.tpm {
        fw.push(format!("TPM {} ({})", t.version, t.model));
    }
    let _ = writeln!(s, "  firmware  {}", fw.join(", "));
    if let Some(code) = &f.code {
        let _ = writeln!(
            s,
            "            {code}{}",
            f.vars
                .as_ref()
                .map(|v| format!(" + {v}"))
                .unwrap_or_default()
        );
    }
    if let Some(kernel) = &f.kernel {
        let _ = writeln!(
            s,
            "            {kernel} (started by the board's own firmware)"
        );
    }
    let r = &rec.resources;
    let _ = writeln!(
        s,
        "  resources {} MiB RAM, {} vCPU, {} GiB disk",
        r.memory_mib, r.vcpus, r.disk_gib
    );
    let c = &rec.cpu;
    let mut cpu = c.model.clone().unwrap_or_else(|| c.mode.clone());
    if c.mode == "host-model" {
        cpu = "host-model".into();
    }
    if !c.features.is_empty() {
        cpu.push_str(&format!(" +{}", c.features.join(" +")));
    }
    let _ = writeln!(s, "  cpu       {cpu}  ({} domain)", rec.domain_type);
    let h = &rec.hyperv;
    if h.mode == "passthrough" {
        let _ = writeln!(s, "  hyper-v   passthrough (all the host's KVM offers)");
    } else if !h.features.is_empty() {
        let names: Vec<String> = h
            .features
            .iter()
            .map(|f| match &f.value {
                Some(v) => format!("{}={v}", f.name),
                None => f.name.clone(),
            })
            .collect();
        let _ = writeln!(s, "  hyper-v   {}", names.join(", "));
    }
    let timers: Vec<String> = rec
        .clock
        .timers
        .iter()
        .map(|t| match (&t.tickpolicy, t.present) {
            (Some(p), _) => format!("{} {p}", t.name),
            (None, Some(false)) => format!("no {}", t.name),
            _ => t.name.clone(),
        })
        .collect();
    let mut clock = rec.clock.offset.clone();
    if !timers.is_empty() {
        clock.push_str(&format!(" ({})", timers.join(", ")));
    }
    let p = &rec.platform;
    if p.vmport == Some(false) {
        clock.push_str("; vmport off");
    }
    if p.suspend_to_mem == Some(false) && p.suspend_to_disk == Some(false) {
        clock.push_str("; no S3/S4");
    }
    let _ = writeln!(s, "  clock     {clock}");
    let _ = writeln!(s, "  display   {}", rec.graphics.kind);
    if rec.osinfo.known != Some(true) {
        let _ = writeln!(s, "  osinfo    {}", rec.osinfo.reason);
    }
    let _ = writeln!(s, "  devices");
    let mut rows = vec![vec![
        "CLASS".to_string(),
        "ROLE".into(),
        "LIBVIRT".into(),
        "QEMU".into(),
        "PLACEMENT".into(),
        "PCI ID".into(),
    ]];
    for d in &rec.devices {
        let libvirt = match (&d.libvirt_bus, &d.libvirt_model) {
            (Some(b), Some(m)) => format!("{b}/{m}"),
            (Some(b), None) => format!("bus {b}"),
            (None, Some(m)) => m.clone(),
            (None, None) => "-".into(),
        };
        let pci = match &d.pci_id {
            Some(id) if d.interfaces.len() == 2 => format!("{id} (transitional)"),
            Some(id) => id.clone(),
            None => "-".into(),
        };
        rows.push(vec![
            d.class.to_string(),
            d.role.clone(),
            libvirt,
            d.qemu_device.clone().unwrap_or_else(|| "-".into()),
            d.placement.name().to_string(),
            pci,
        ]);
    }
    s.push_str(&table(&rows));
    if !rec.warnings.is_empty() {
        let _ = writeln!(s, "  warnings");
        for w in &rec.warnings {
            let _ = writeln!(s, "    [{}] {}", w.code, w.message);
        }
    }
    let _ = writeln!(
        s,
        "  rules{}",
        if explain {
            ""
        } else {
            "  (--explain: reasons and the facts they used)"
        }
    );
    for rule in &rec.rules {
        let _ = writeln!(s, "    {:<16} {}", rule.rule, rule.decision);
        if explain {
            for reason in &rule.reasons {
                let _ = writeln!(s, "      - {reason}");
            }
            for fact in &rule.facts {
                let mut line = format!("      fact: {} ({}", fact.fact, fact.at);
                if let Some(src) = &fact.source {
                    let _ = write!(line, ", source {src}");
                }
                line.push(')');
                if let Some(n) = &fact.note {
                    let _ = write!(line, "; {n}");
                }
                let _ = writeln!(s, "{line}");
            }
        }
    }
    s
}
