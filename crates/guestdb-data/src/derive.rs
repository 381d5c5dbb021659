//! Derivation: facts a Linux release's `<kernel>` implies, through the driver
//! table `data/linux.xml`, for the virtio classes and chipsets its own file
//! states nothing about. A derived fact says so in its note ("derived:
//! kernel 4.18 ≥ 4.0") and is declared where the `<kernel>` is. Facts the
//! file states win; where they contradict the kernel they must give an
//! `exception` (the checker's rule `kernel-contradiction`).

use crate::diag::Loc;
use crate::model::*;

/// What the table says a kernel drives for one class: (legacy, modern,
/// the reason in words).
pub fn implied_virtio(row: &LinuxVirtio, kernel: Version) -> (bool, bool, String) {
    let (legacy, modern) = row.implies(kernel);
    let part = |what: &str, since: Option<Version>, yes: bool| match since {
        None => format!("no {what} driver exists"),
        Some(v) if yes => format!("{what}: kernel {kernel} ≥ {v}"),
        Some(v) => format!("{what}: kernel {kernel} < {v}"),
    };
    let why = if row.class.legacy_pci.is_some() {
        format!(
            "{}; {}",
            part("legacy", row.legacy, legacy),
            part("modern", row.modern, modern)
        )
    } else {
        part("modern", row.modern, modern)
    };
    (legacy, modern, why)
}

/// Whether a kernel implies a chipset; `None` when the table does not
/// decide it for kernels this old (below `since` nothing is implied).
pub fn implied_chipset(row: &LinuxChipset, kernel: Version) -> Option<String> {
    (kernel >= row.since).then(|| format!("kernel {kernel} ≥ {}", row.since))
}

/// A derived virtio fact of `arch` ("all" or one architecture), declared
/// where the kernel is, with the source of the table row that implies it.
fn derived_fact(
    class: VirtioClass,
    generations: (bool, bool),
    arch: &str,
    note: String,
    at: Loc,
    row: &Provenance,
) -> VirtioFact {
    let mut fact = VirtioFact::new(class, generations, None, note, at);
    fact.arch = arch.to_string();
    fact.provenance.derived = true;
    fact.provenance.source = row.source.clone();
    fact
}

/// Adds the facts a kernel of one architecture (`<kernel arch="aarch64">`)
/// implies, as facts of that architecture, for the classes the file states
/// nothing about for it (neither for all architectures nor for this one).
fn derive_arch(os: &mut OsRecord, table: &LinuxTable) {
    for kernel in &os.arch_kernels {
        for row in &table.virtio {
            let stated = os.virtio.iter().any(|v| {
                v.class == row.class && !v.derived() && (v.arch == "all" || v.arch == kernel.arch)
            });
            if stated {
                continue;
            }
            let (legacy, modern, why) = implied_virtio(row, kernel.version);
            os.virtio.push(derived_fact(
                row.class,
                (legacy, modern),
                &kernel.arch,
                format!("derived: {why} ({} kernel; data/linux.xml)", kernel.arch),
                kernel.loc().clone(),
                &row.provenance,
            ));
        }
    }
}

/// On an architecture whose virtio devices are not on PCI (s390x: virtio
/// over channel I/O), a kernel older than the table's transport row drives
/// none of them, whatever its PCI facts say: every class gets a fact of
/// that architecture saying so, unless the file states one for it (a
/// backport). Only for OSes with media or trees of that architecture.
fn derive_transport(os: &mut OsRecord, table: &LinuxTable) {
    for t in &table.transports {
        let known_there = os.media.iter().any(|m| m.arch == t.arch)
            || os.trees.iter().any(|tree| tree.arch == t.arch);
        let kernel = os
            .arch_kernels
            .iter()
            .find(|k| k.arch == t.arch)
            .or(os.kernel.as_ref());
        let Some(kernel) = kernel.filter(|k| known_there && k.version < t.since) else {
            continue;
        };
        let (version, at) = (kernel.version, kernel.loc().clone());
        for row in &table.virtio {
            let stated = os
                .virtio
                .iter()
                .any(|v| v.class == row.class && !v.derived() && v.arch == t.arch);
            if stated {
                continue;
            }
            os.virtio
                .retain(|v| !(v.class == row.class && v.derived() && v.arch == t.arch));
            os.virtio.push(derived_fact(
                row.class,
                (false, false),
                &t.arch,
                format!(
                    "derived: no {} transport: kernel {version} < {} ({}; data/linux.xml)",
                    t.name, t.since, t.arch
                ),
                at.clone(),
                &t.provenance,
            ));
        }
    }
}

/// Adds the derived facts to every OS with a `<kernel>`.
pub fn derive(data: &mut Dataset) {
    let Dataset {
        linux: table, oses, ..
    } = data;
    for os in oses.iter_mut() {
        derive_arch(os, table);
        derive_transport(os, table);
        let Some(kernel) = &os.kernel else {
            continue;
        };
        let (version, at) = (kernel.version, kernel.loc().clone());
        for row in &table.virtio {
            let stated = os
                .virtio
                .iter()
                .any(|v| v.class == row.class && v.arch == "all");
            if stated {
                continue;
            }
            let (legacy, modern, why) = implied_virtio(row, version);
            os.virtio.push(derived_fact(
                row.class,
                (legacy, modern),
                "all",
                format!("derived: {why} (data/linux.xml)"),
                at.clone(),
                &row.provenance,
            ));
        }
        for row in &table.chipsets {
            let stated = os
                .chipsets
                .iter()
                .any(|c| c.chipset == row.chipset && c.arch == "all");
            if stated {
                continue;
            }
            if let Some(why) = implied_chipset(row, version) {
                let mut fact = ChipsetFact::supported(
                    row.chipset,
                    format!("derived: {why} (data/linux.xml)"),
                    at.clone(),
                );
                fact.provenance.derived = true;
                fact.provenance.source = row.provenance.source.clone();
                os.chipsets.push(fact);
            }
        }
    }
}
