//! The resolver: inheritance between OS records.
//!
//! An OS inherits from the OSes it derives from and the OSes it clones. The
//! search order is libosinfo's: the OS itself, then each OS it derives from
//! (the last named first), each with its whole ancestry before the next, then
//! each OS it clones the same way. For each fact key the nearest declaration
//! wins, and a declaration with `supported="false"` removes what a farther one
//! added. Resources are not inherited, except into an OS's own `<resources
//! arch="X" inherit="true">`: there each unset amount of each kind is taken
//! from the first OS in the search order that states it for arch X.

use crate::model::*;
use std::collections::HashMap;

/// A fact as it applies to an OS, and the OS that declared it when that is
/// not the OS itself.
#[derive(Clone, Debug)]
pub struct Effective<'d, T> {
    pub fact: &'d T,
    /// Index (into `Dataset::oses`) of the OS that declared the fact, if inherited.
    pub inherited_from: Option<usize>,
}

/// The facts that apply to one OS after inheritance.
#[derive(Clone, Debug, Default)]
pub struct ResolvedOs<'d> {
    /// Supported devices, in the order of their deciding declarations.
    pub devices: Vec<Effective<'d, DeviceLink>>,
    pub firmware: Vec<Effective<'d, FirmwareFact>>,
    pub virtio: Vec<Effective<'d, VirtioFact>>,
    pub chipsets: Vec<Effective<'d, ChipsetFact>>,
    pub resources: Vec<EffectiveResources>,
}

/// Indexes of a dataset that resolution and checking share.
pub struct Index<'d> {
    pub by_id: HashMap<&'d str, usize>,
}

impl<'d> Index<'d> {
    pub fn new(data: &'d Dataset) -> Index<'d> {
        let mut by_id = HashMap::with_capacity(data.oses.len());
        for (i, os) in data.oses.iter().enumerate() {
            by_id.entry(os.id.value.as_str()).or_insert(i);
        }
        Index { by_id }
    }

    /// The OSes `os` inherits from, in inheritance order (itself first),
    /// each once. References that do not resolve are skipped.
    pub fn lineage(&self, data: &'d Dataset, os: usize) -> Vec<usize> {
        let mut order = Vec::new();
        let mut seen = vec![false; data.oses.len()];
        self.visit(data, os, &mut seen, &mut order);
        order
    }

    fn visit(&self, data: &'d Dataset, os: usize, seen: &mut [bool], order: &mut Vec<usize>) {
        if seen[os] {
            return;
        }
        seen[os] = true;
        order.push(os);
        let rec = &data.oses[os];
        for target in rec.derives_from.iter().rev().chain(rec.clones.iter().rev()) {
            if let Some(&parent) = self.by_id.get(target.value.as_str()) {
                self.visit(data, parent, seen, order);
            }
        }
    }
}

/// Nearest-declaration-wins over a lineage, for facts with a key.
fn nearest<'d, T, K: Eq + std::hash::Hash>(
    data: &'d Dataset,
    lineage: &[usize],
    facts: impl Fn(&'d OsRecord) -> &'d [T],
    key: impl Fn(&T) -> K,
    keep: impl Fn(&T) -> bool,
) -> Vec<Effective<'d, T>> {
    let mut seen: HashMap<K, ()> = HashMap::new();
    let mut out = Vec::new();
    for (depth, &os) in lineage.iter().enumerate() {
        for fact in facts(&data.oses[os]) {
            if seen.insert(key(fact), ()).is_none() && keep(fact) {
                out.push(Effective {
                    fact,
                    inherited_from: (depth > 0).then_some(os),
                });
            }
        }
    }
    out
}

/// Resources as they apply to an OS: its own, with `inherit` entries filled in.
#[derive(Clone, Debug)]
pub struct EffectiveResources {
    pub arch: String,
    pub sets: Vec<(ResourceKind, ResourceSet)>,
    /// The entry was `inherit="true"`: amounts it did not state came from ancestors.
    pub inherited: bool,
}

fn resources(data: &Dataset, lineage: &[usize]) -> Vec<EffectiveResources> {
    let Some(&os) = lineage.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for res in &data.oses[os].resources {
        if !res.inherit {
            out.push(EffectiveResources {
                arch: res.arch.clone(),
                sets: res.sets.clone(),
                inherited: false,
            });
            continue;
        }
        let mut sets = Vec::new();
        for kind in ResourceKind::ALL {
            let mut set = res.get(kind).cloned().unwrap_or_default();
            let fields: [fn(&mut ResourceSet) -> &mut Option<u64>; 4] = [
                |s| &mut s.n_cpus,
                |s| &mut s.cpu,
                |s| &mut s.ram,
                |s| &mut s.storage,
            ];
            for field in fields {
                if field(&mut set).is_some() {
                    continue;
                }
                let found = lineage[1..].iter().find_map(|&anc| {
                    data.oses[anc]
                        .resources
                        .iter()
                        .filter(|r| r.arch == res.arch)
                        .find_map(|r| r.get(kind).and_then(|s| *field(&mut s.clone())))
                });
                *field(&mut set) = found;
            }
            sets.push((kind, set));
        }
        out.push(EffectiveResources {
            arch: res.arch.clone(),
            sets,
            inherited: true,
        });
    }
    out
}

/// Resolves one OS.
pub fn resolve<'d>(data: &'d Dataset, index: &Index<'d>, os: usize) -> ResolvedOs<'d> {
    let lineage = index.lineage(data, os);
    ResolvedOs {
        devices: nearest(
            data,
            &lineage,
            |o| &o.devices,
            |d| d.device.clone(),
            |d| d.supported,
        ),
        firmware: nearest(
            data,
            &lineage,
            |o| &o.firmware,
            |f| (f.arch.clone(), f.kind),
            |_| true,
        ),
        virtio: nearest(
            data,
            &lineage,
            |o| &o.virtio,
            |v| (v.class, v.arch.clone()),
            |_| true,
        ),
        chipsets: nearest(
            data,
            &lineage,
            |o| &o.chipsets,
            |c| (c.chipset, c.arch.clone()),
            |_| true,
        ),
        resources: resources(data, &lineage),
    }
}

/// Resolves every OS, in dataset order.
pub fn resolve_all<'d>(data: &'d Dataset, index: &Index<'d>) -> Vec<ResolvedOs<'d>> {
    (0..data.oses.len())
        .map(|i| resolve(data, index, i))
        .collect()
}
