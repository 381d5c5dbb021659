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
    pub secure_boot: Vec<Effective<'d, SecureBootFact>>,
    pub tpm: Vec<Effective<'d, TpmFact>>,
    pub virtio: Vec<Effective<'d, VirtioFact>>,
    pub chipsets: Vec<Effective<'d, ChipsetFact>>,
    pub clock: Vec<Effective<'d, ClockFact>>,
    pub roles: Vec<Effective<'d, RoleFact>>,
    pub cpu_levels: Vec<Effective<'d, CpuLevelFact>>,
    pub agents: Vec<Effective<'d, AgentFact>>,
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
        secure_boot: nearest(
            data,
            &lineage,
            |o| &o.secure_boot,
            |f| f.arch.clone(),
            |_| true,
        ),
        tpm: nearest(
            data,
            &lineage,
            |o| &o.tpm,
            |f| (f.arch.clone(), f.version.clone()),
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
        clock: nearest(data, &lineage, |o| &o.clock, |c| c.arch.clone(), |_| true),
        roles: nearest(data, &lineage, |o| &o.roles, |r| r.role, |_| true),
        cpu_levels: nearest(
            data,
            &lineage,
            |o| &o.cpu_levels,
            |c| c.arch.clone(),
            |_| true,
        ),
        agents: nearest(
            data,
            &lineage,
            |o| &o.agents,
            |a| (a.name.clone(), a.arch.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Findings, Loc};
    use crate::read::read_os;
    use std::sync::Arc;

    /// A dataset of OS records written as XML bodies: (id suffix, body).
    fn dataset(oses: &[(&str, &str)]) -> Dataset {
        let mut findings = Findings::default();
        let records = oses
            .iter()
            .map(|(id, body)| {
                let path: Arc<str> = Arc::from(format!("os/guestdb.test/{id}.xml").as_str());
                let xml =
                    format!("<os id=\"http://guestdb.test/{id}\"><name>{id}</name>{body}</os>");
                read_os(&path, xml.as_bytes(), &mut findings).expect("fixture reads")
            })
            .collect();
        assert!(findings.is_empty(), "{:?}", findings.0);
        let loc = Loc::file(&Arc::from("dataset.xml"));
        Dataset {
            info: DatasetInfo {
                version: Located::new("2026.01.01".into(), loc.clone()),
                schema_version: Located::new(SCHEMA_VERSION, loc.clone()),
                sources: Vec::new(),
                freshness: Vec::new(),
                loc,
            },
            devices: Vec::new(),
            corrections: Vec::new(),
            oses: records,
            machines: UpstreamMachines::default(),
            lines: Vec::new(),
            hosts: Vec::new(),
            datamaps: Vec::new(),
            linux: Default::default(),
            hyperv: Vec::new(),
            cpus: Vec::new(),
            osinfo_releases: Vec::new(),
            crosswalks: Vec::new(),
        }
    }

    fn devices_of(data: &Dataset, os: usize) -> Vec<(String, Option<usize>)> {
        let index = Index::new(data);
        resolve(data, &index, os)
            .devices
            .iter()
            .map(|e| (e.fact.device.clone(), e.inherited_from))
            .collect()
    }

    #[test]
    fn nearest_declaration_wins_and_supported_false_removes() {
        let data = dataset(&[
            ("a", "<device ref=\"x\"/><device ref=\"y\"/>"),
            ("b", "<derives-from id=\"http://guestdb.test/a\"/><device ref=\"y\" supported=\"false\"/>"),
            ("c", "<derives-from id=\"http://guestdb.test/b\"/><device ref=\"y\"/>"),
        ]);
        assert_eq!(devices_of(&data, 1), [("x".to_string(), Some(0))]);
        // c brings y back; x still comes from a, through b.
        assert_eq!(
            devices_of(&data, 2),
            [("y".to_string(), None), ("x".to_string(), Some(0))]
        );
    }

    #[test]
    fn the_last_named_parent_is_searched_first_and_clones_after_derives_from() {
        let data = dataset(&[
            ("p1", "<firmware arch=\"x86_64\" type=\"efi\" supported=\"true\"/>"),
            ("p2", "<firmware arch=\"x86_64\" type=\"efi\" supported=\"false\"/>"),
            ("cl", "<firmware arch=\"x86_64\" type=\"bios\" supported=\"false\"/><firmware arch=\"x86_64\" type=\"efi\" supported=\"true\"/>"),
            (
                "kid",
                "<derives-from id=\"http://guestdb.test/p1\"/><derives-from id=\"http://guestdb.test/p2\"/><clones id=\"http://guestdb.test/cl\"/>",
            ),
        ]);
        let index = Index::new(&data);
        let fw: Vec<(FirmwareType, bool, Option<usize>)> = resolve(&data, &index, 3)
            .firmware
            .iter()
            .map(|e| (e.fact.kind, e.fact.supported, e.inherited_from))
            .collect();
        // efi from p2 (named last, so searched first), bios from the clone.
        assert_eq!(
            fw,
            [
                (FirmwareType::Efi, false, Some(1)),
                (FirmwareType::Bios, false, Some(2))
            ]
        );
    }

    #[test]
    fn resources_are_inherited_only_into_inherit_entries_field_by_field() {
        let data = dataset(&[
            (
                "base",
                "<resources arch=\"x86_64\"><minimum ram=\"1024\" storage=\"10\"/></resources><resources arch=\"all\"><minimum n-cpus=\"1\"/></resources>",
            ),
            ("plain", "<derives-from id=\"http://guestdb.test/base\"/>"),
            (
                "inheriting",
                "<derives-from id=\"http://guestdb.test/base\"/><resources arch=\"x86_64\" inherit=\"true\"><minimum ram=\"2048\"/></resources>",
            ),
        ]);
        let index = Index::new(&data);
        assert!(
            resolve(&data, &index, 1).resources.is_empty(),
            "no <resources>, nothing inherited"
        );
        let res = resolve(&data, &index, 2).resources;
        assert_eq!(res.len(), 1);
        assert!(res[0].inherited);
        let min = res[0]
            .sets
            .iter()
            .find(|(k, _)| *k == ResourceKind::Minimum)
            .map(|(_, s)| s)
            .expect("minimum");
        // Its own ram, the parent's storage for the same arch; not arch "all"'s n-cpus.
        assert_eq!(
            (min.ram, min.storage, min.n_cpus),
            (Some(2048), Some(10), None)
        );
        // An inherit entry has all four kinds, as libosinfo makes it.
        assert_eq!(res[0].sets.len(), 4);
    }

    #[test]
    fn a_cycle_does_not_hang_resolution() {
        let data = dataset(&[
            (
                "a",
                "<derives-from id=\"http://guestdb.test/b\"/><device ref=\"x\"/>",
            ),
            (
                "b",
                "<derives-from id=\"http://guestdb.test/a\"/><device ref=\"y\"/>",
            ),
        ]);
        assert_eq!(
            devices_of(&data, 0),
            [("x".to_string(), None), ("y".to_string(), Some(1))]
        );
    }
}
