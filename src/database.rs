//! The guest-OS database: what a library user opens. Built on a read-only
//! [`Store`], it keeps what it has read in memory (the name index, each OS's
//! summary, the device and machine-type catalogues, detection's patterns)
//! and offers every lookup, listing, detection and recommendation.
//!
//! Opening reads only the store's `meta` table; the rest is read on first
//! use. A `Database` is `Send + Sync`: share one between threads.

use crate::crosswalk::Crosswalk;
use crate::detect::{Detector, Input, Match, MediaInfo, TreeInfo};
use crate::device::DeviceModel;
use crate::error::Error;
use crate::host::profile::{self, HostProfile};
use crate::host::{Catalogues, Host, HostOsinfo};
use crate::machine::MachineCatalogue;
use crate::os::{Os, OsDetails, RelationKind};
use crate::query::{self, Filter, Resolved};
use crate::recommend::{self, NoRecommendation, OsFacts, Recommendation, Target};
use crate::store::{Origin, Store};
use guestdb_data::doc::catalogue::{CpuModel, HypervFeature, OsinfoRelease};
use once_cell::sync::OnceCell;
use rustc_hash::FxHashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// The guest-OS database: lookups in memory, details from the store.
pub struct Database {
    store: Store,
    /// Every id, short-id and alias to its OS, built the first time a caller
    /// needs all names (suggestions) or looks up a second name; the first
    /// lookup asks SQLite instead (one-shot commands look up one name).
    by_name: OnceCell<FxHashMap<Box<str>, u32>>,
    /// Lookups answered by SQLite so far (the second builds the index).
    sql_lookups: AtomicU32,
    /// Each OS's summary, read from the store on first use (boxed: the
    /// vector of empty cells stays small for a one-shot lookup).
    rows: Vec<OnceCell<Box<Os>>>,
    devices: OnceCell<Vec<DeviceModel>>,
    hyperv: OnceCell<Vec<HypervFeature>>,
    cpus: OnceCell<Vec<CpuModel>>,
    machines: OnceCell<MachineCatalogue>,
    crosswalk: OnceCell<Crosswalk>,
    /// The facts a recommendation reads, per OS row and architecture, read
    /// once (the Python package and `check --fleet` ask again and again).
    facts: Mutex<FactsCache>,
    detector: Detector,
}

/// OS facts per OS row and architecture.
type FactsCache = FxHashMap<(u32, Box<str>), Arc<OsFacts>>;

// Shared between threads (the Python package releases its lock while it works).
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<Database>();
};

/// Why a recommendation could not be made: the database failed, or the
/// rules found no answer (no common machine type, an unsupported
/// architecture, a requirement no host meets).
#[derive(Debug)]
pub enum RecommendError {
    /// The store could not be read.
    Failed(Error),
    /// The rules found no recommendation; it says which rule and why.
    No(NoRecommendation),
}

impl std::fmt::Display for RecommendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecommendError::Failed(e) => e.fmt(f),
            RecommendError::No(n) => n.fmt(f),
        }
    }
}

impl std::error::Error for RecommendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecommendError::Failed(e) => Some(e),
            RecommendError::No(n) => Some(n),
        }
    }
}

impl From<Error> for RecommendError {
    fn from(e: Error) -> RecommendError {
        RecommendError::Failed(e)
    }
}

impl Database {
    /// The dataset embedded in this binary.
    pub fn embedded() -> Result<Database, Error> {
        Ok(Database::on(Store::embedded()?))
    }

    /// A compiled store file (`guestdb build DIR -o FILE`), opened read-only
    /// after checking its header, length and pages.
    pub fn open(path: &Path) -> Result<Database, Error> {
        Ok(Database::on(Store::open(path)?))
    }

    /// Reads, checks and compiles a data directory in memory.
    pub fn from_data_dir(dir: &Path) -> Result<Database, Error> {
        Ok(Database::on(Store::from_data_dir(dir)?))
    }

    /// A database on an opened store.
    pub fn on(store: Store) -> Database {
        let rows = (0..store.meta().os_count)
            .map(|_| OnceCell::new())
            .collect();
        Database {
            store,
            by_name: OnceCell::new(),
            sql_lookups: AtomicU32::new(0),
            rows,
            devices: OnceCell::new(),
            hyperv: OnceCell::new(),
            cpus: OnceCell::new(),
            machines: OnceCell::new(),
            crosswalk: OnceCell::new(),
            facts: Mutex::default(),
            detector: Detector::default(),
        }
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The date-stamped version of the dataset, e.g. `2026.11.22`.
    pub fn dataset_version(&self) -> &str {
        &self.store.meta().dataset_version
    }

    /// The schema version of the store.
    pub fn schema_version(&self) -> u32 {
        self.store.meta().schema_version
    }

    /// Where the store came from.
    pub fn origin(&self) -> &Origin {
        self.store.origin()
    }

    /// How many OSes the database holds.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The name index, built on first use.
    fn index(&self) -> Result<&FxHashMap<Box<str>, u32>, Error> {
        self.by_name.get_or_try_init(|| {
            Ok(self
                .store
                .names()?
                .into_iter()
                .map(|(name, idx)| (name.into_boxed_str(), idx))
                .collect())
        })
    }

    /// Keeps `os` as its row's summary (the first reader wins) and returns it.
    fn keep(cell: &OnceCell<Box<Os>>, os: Os) -> &Os {
        cell.get_or_init(|| Box::new(os))
    }

    /// The OS with a store index (as in [`Os::idx`]), read on first use.
    pub fn get(&self, idx: u32) -> Result<Option<&Os>, Error> {
        let Some(cell) = self.rows.get(idx as usize) else {
            return Ok(None);
        };
        if let Some(os) = cell.get() {
            return Ok(Some(os));
        }
        match self.store.os(idx)? {
            Some(os) => Ok(Some(Database::keep(cell, os))),
            None => Err(self.store.damaged(format!(
                "its meta table counts {} OSes, but table os has no row {idx}",
                self.rows.len()
            ))),
        }
    }

    /// Finds an OS by id, short-id or alias: exact match, O(1) once the
    /// index is built. `Ok(None)` when the name is unknown.
    pub fn lookup(&self, name: &str) -> Result<Option<&Os>, Error> {
        if self.by_name.get().is_some() || self.sql_lookups.load(Ordering::Relaxed) >= 1 {
            return match self.index()?.get(name) {
                Some(&idx) => self.get(idx),
                None => Ok(None),
            };
        }
        self.sql_lookups.fetch_add(1, Ordering::Relaxed);
        // One statement finds the name and reads the OS's row.
        let Some(os) = self.store.os_named(name)? else {
            return Ok(None);
        };
        let Some(cell) = self.rows.get(os.idx as usize) else {
            return Err(self.store.damaged(format!(
                "OS row {} is beyond the {} its meta table counts",
                os.idx,
                self.rows.len()
            )));
        };
        Ok(Some(Database::keep(cell, os)))
    }

    /// Every OS, in natural id order (rhel/5.6 before rhel/5.10).
    pub fn oses(&self) -> Result<Vec<&Os>, Error> {
        if self.rows.iter().any(|c| c.get().is_none()) {
            for os in self.store.oses()? {
                if let Some(cell) = self.rows.get(os.idx as usize) {
                    if cell.get().is_none() {
                        Database::keep(cell, os);
                    }
                }
            }
        }
        Ok(self
            .rows
            .iter()
            .filter_map(|c| c.get().map(|b| &**b))
            .collect())
    }

    /// Every name lookups accept (ids, short-ids, aliases), in no order.
    pub fn names(&self) -> Result<Vec<&str>, Error> {
        Ok(self.index()?.keys().map(|k| k.as_ref()).collect())
    }

    /// Reads every fact about `os` from the store.
    pub fn details(&self, os: &Os) -> Result<OsDetails, Error> {
        self.store.os_facts(os)
    }

    /// Everything about `os` as `guestdb show --json` prints it: its facts
    /// (with provenance when `explain`) and `other_names`, its names in the
    /// other ecosystems' schemes (`data/crosswalk/`).
    pub fn show_json(&self, os: &Os, explain: bool) -> Result<serde_json::Value, Error> {
        let mut v = os.to_json(&self.details(os)?, explain);
        if let serde_json::Value::Object(map) = &mut v {
            let names = self.crosswalk()?.names_of(&os.id);
            map.insert("other_names".into(), serde_json::json!(names));
        }
        Ok(v)
    }

    /// The facts of `os` on `arch` that a recommendation reads, read once.
    pub fn os_facts(&self, os: &Os, arch: &str) -> Result<Arc<OsFacts>, Error> {
        let lock = || self.facts.lock().unwrap_or_else(|p| p.into_inner());
        let key = (os.idx, Box::<str>::from(arch));
        if let Some(f) = lock().get(&key) {
            return Ok(f.clone());
        }
        let facts = Arc::new(OsFacts::from_details(os, &self.details(os)?, arch));
        lock().insert(key, facts.clone());
        Ok(facts)
    }

    /// The facts of a resolved OS on `arch`, with the fallback that brought
    /// it (what [`Database::recommend`] gives the rules).
    pub fn resolved_facts(&self, os: &Resolved<'_>, arch: &str) -> Result<Arc<OsFacts>, Error> {
        let mut facts = self.os_facts(os.os, arch)?;
        if os.fallback.is_some() {
            Arc::make_mut(&mut facts).fallback = os.fallback.clone();
        }
        Ok(facts)
    }

    fn rows_to_oses(&self, rows: Vec<u32>) -> Result<Vec<&Os>, Error> {
        let mut out = Vec::with_capacity(rows.len());
        for idx in rows {
            out.extend(self.get(idx)?);
        }
        Ok(out)
    }

    /// OSes that `os` names in `kind`, in its order.
    pub fn related(&self, os: &Os, kind: RelationKind) -> Result<Vec<&Os>, Error> {
        self.rows_to_oses(self.store.related(os.idx, kind)?)
    }

    /// OSes that name `os` in `kind` (e.g. the releases deriving from it).
    pub fn related_to(&self, os: &Os, kind: RelationKind) -> Result<Vec<&Os>, Error> {
        self.rows_to_oses(self.store.related_to(os.idx, kind)?)
    }

    /// The OSes that match `filter`, in id order.
    pub fn list(&self, filter: &Filter) -> Result<Vec<&Os>, Error> {
        Ok(self
            .oses()?
            .into_iter()
            .filter(|os| filter.matches(os))
            .collect())
    }

    /// The newest released version of a distro (see [`query::newest`]).
    pub fn newest(&self, distro: &str) -> Result<Option<&Os>, Error> {
        Ok(query::newest(&self.oses()?, distro))
    }

    /// Known names closest to `name`, best first, for "did you mean"
    /// (see [`query::suggest`]).
    pub fn suggest(&self, name: &str, max: usize) -> Result<Vec<&str>, Error> {
        Ok(query::suggest(&self.names()?, name, max))
    }

    /// Finds an OS by id, short-id or alias; failing that, a release newer
    /// than the dataset knows (`rhel10.9`, `fedora60`) resolves to the
    /// nearest earlier release of the same name (`rhel10.1`), and failing
    /// both, a family name with no entry of its own to guestdb's generic
    /// entry for it ([`query::generic_entry`]), each with the fallback said.
    /// `Ok(None)` when nothing applies.
    pub fn resolve(&self, name: &str) -> Result<Option<Resolved<'_>>, Error> {
        if let Some(os) = self.lookup(name)? {
            return Ok(Some(Resolved { os, fallback: None }));
        }
        if let Some(r) = query::newer_release(&self.oses()?, name) {
            return Ok(Some(r));
        }
        let Some((short, reason)) = query::generic_entry(name) else {
            return Ok(None);
        };
        Ok(self.lookup(&short)?.map(|os| Resolved {
            os,
            fallback: Some(recommend::Fallback {
                requested: name.to_string(),
                reason,
            }),
        }))
    }

    /// Every device model of the catalogue, in catalogue order (read once).
    pub fn device_models(&self) -> Result<&[DeviceModel], Error> {
        Ok(self
            .devices
            .get_or_try_init(|| self.store.required_catalogue("devices"))?)
    }

    /// The names other tools give the OSes (`data/crosswalk/`), read and
    /// indexed once; empty for a store without them.
    pub fn crosswalk(&self) -> Result<&Crosswalk, Error> {
        self.crosswalk.get_or_try_init(|| {
            Ok(Crosswalk::new(
                self.store.catalogue("crosswalk")?.unwrap_or_default(),
            ))
        })
    }

    /// The Hyper-V enlightenments (`data/hyperv.xml`), read once.
    pub fn hyperv_features(&self) -> Result<&[HypervFeature], Error> {
        Ok(self
            .hyperv
            .get_or_try_init(|| self.store.required_catalogue("hyperv"))?)
    }

    /// The named x86 CPU models (`data/cpus.xml`), read once.
    pub fn cpu_models(&self) -> Result<&[CpuModel], Error> {
        Ok(self
            .cpus
            .get_or_try_init(|| self.store.required_catalogue("cpus"))?)
    }

    /// The catalogues hosts are described with, on `machines`.
    pub fn catalogues<'c>(
        &'c self,
        machines: &'c MachineCatalogue,
    ) -> Result<Catalogues<'c>, Error> {
        Ok(Catalogues {
            machines,
            hyperv: self.hyperv_features()?,
            cpus: self.cpu_models()?,
        })
    }

    /// The machine-type catalogue with every downstream line, read from the
    /// store on first use.
    pub fn machine_catalogue(&self) -> Result<&MachineCatalogue, Error> {
        self.machines
            .get_or_try_init(|| self.read_machine_catalogue(None))
    }

    /// The catalogue with only the downstream lines `lines` (cheaper for one
    /// host profile, which needs at most its own line).
    pub fn machine_catalogue_for(&self, lines: &[&str]) -> Result<MachineCatalogue, Error> {
        match self.machines.get() {
            Some(all) => Ok(all.clone()),
            None => self.read_machine_catalogue(Some(lines)),
        }
    }

    fn read_machine_catalogue(&self, only: Option<&[&str]>) -> Result<MachineCatalogue, Error> {
        let upstream = self.store.required_catalogue("machines")?;
        let ids = match only {
            Some(ids) => ids.iter().map(|s| s.to_string()).collect(),
            None => self.store.catalogue_names("line/")?,
        };
        let mut lines = Vec::with_capacity(ids.len());
        for id in ids {
            lines.extend(self.store.catalogue(&format!("line/{id}"))?);
        }
        Ok(MachineCatalogue::new(upstream, lines))
    }

    /// Every host profile, by id.
    pub fn host_profiles(&self) -> Result<Vec<HostProfile>, Error> {
        self.store.host_profiles(None)
    }

    /// The host profile `id`, if the dataset has it.
    pub fn host_profile(&self, id: &str) -> Result<Option<HostProfile>, Error> {
        Ok(self.store.host_profiles(Some(id))?.into_iter().next())
    }

    /// The profile marked as the default host.
    pub fn default_host_profile(&self) -> Result<Option<HostProfile>, Error> {
        Ok(self.host_profiles()?.into_iter().find(|h| h.default))
    }

    /// The host profile `id` as a host, with the machine types it offers for
    /// `arch` (every arch it runs when `None`); `Ok(None)` when the dataset
    /// has no such profile.
    pub fn profile_host(&self, id: &str, arch: Option<&str>) -> Result<Option<Host>, Error> {
        let Some(p) = self.host_profile(id)? else {
            return Ok(None);
        };
        let lines: Vec<&str> = p.machine_line.iter().map(|(l, _)| l.as_str()).collect();
        let catalogue = self.machine_catalogue_for(&lines)?;
        let mut host =
            profile::host(&p, &self.catalogues(&catalogue)?, arch).map_err(Error::input)?;
        if let Some(version) = &p.osinfo_db {
            let release: OsinfoRelease = self
                .store
                .required_catalogue(&format!("osinfo/{version}"))?;
            host.osinfo = Some(HostOsinfo {
                version: release.version,
                knows: std::sync::Arc::new(release.oses),
                why: format!("{} ({})", release.note.unwrap_or_default(), release.at),
            });
        }
        Ok(Some(host))
    }

    /// The host a `virsh domcapabilities` file describes.
    pub fn domcaps_host(&self, path: &Path) -> Result<Host, Error> {
        let catalogues = self.catalogues(self.machine_catalogue()?)?;
        crate::host::domcaps::read(path, &catalogues).map_err(|e| Error::input(e.0))
    }

    /// The host a QEMU binary describes when asked (`-machine help`,
    /// `-device help`), for guests of `arch` (the binary's own when `None`).
    pub fn qemu_host(&self, binary: &Path, arch: Option<&str>) -> Result<Host, Error> {
        let catalogues = self.catalogues(self.machine_catalogue()?)?;
        crate::host::probe::probe(binary, arch, &catalogues).map_err(Error::input)
    }

    /// Every OS whose install media match `media`, the best first.
    pub fn identify_media(&self, media: &MediaInfo) -> Result<Vec<Match<'_>>, Error> {
        self.detector
            .media(&self.store, &|idx| self.get(idx), media)
    }

    /// Every OS whose install trees match `tree`, the best first.
    pub fn identify_tree(&self, tree: &TreeInfo) -> Result<Vec<Match<'_>>, Error> {
        self.detector.tree(&self.store, &|idx| self.get(idx), tree)
    }

    /// Matches for what [`crate::detect::read_path`] read.
    pub fn identify(&self, input: &Input) -> Result<Vec<Match<'_>>, Error> {
        match input {
            Input::Iso(m) | Input::Isoinfo(m) => self.identify_media(m),
            Input::Treeinfo(t) => self.identify_tree(t),
        }
    }

    /// The OS to recommend for from install media: the best match of
    /// [`Self::identify`] for what [`crate::detect::read_path`] read at
    /// `path`, and the architecture the media say when guestdb recommends
    /// for it. A release newer than known stands in as its nearest known
    /// release, with the fallback saying so. `None` when no known OS
    /// matches. (`recommend --media`, the Python package's
    /// `recommend(media=...)`.)
    pub fn media_os(
        &self,
        input: &Input,
        path: &Path,
    ) -> Result<Option<(Resolved<'_>, Option<String>)>, Error> {
        let Some(best) = self.identify(input)?.into_iter().next() else {
            return Ok(None);
        };
        let fallback = best.newer_than_known.as_ref().map(|n| recommend::Fallback {
            requested: format!("{} {} (detected on {})", n.distro, n.version, path.display()),
            reason: format!(
                "the media look like {} {}, newer than the dataset knows; {} is the nearest known release",
                n.distro, n.version, n.nearest_short_id
            ),
        });
        let arch = Some(best.arch.clone()).filter(|a| recommend::ARCHES.contains(&a.as_str()));
        Ok(Some((
            Resolved {
                os: best.os,
                fallback,
            },
            arch,
        )))
    }

    /// Recommends machine, firmware and every device for the OS `os` (with
    /// the fallback that brought it, if any) on `target`: the one entry
    /// point to the rules of [`recommend`], which see only the OS's facts
    /// on the target's architecture and the device catalogue.
    pub fn recommend(
        &self,
        os: &Resolved<'_>,
        target: &Target<'_>,
    ) -> Result<Recommendation, RecommendError> {
        let facts = self.resolved_facts(os, target.arch)?;
        let catalogue = self.recommend_catalogue()?;
        recommend::recommend(&facts, &catalogue, target).map_err(RecommendError::No)
    }

    /// The catalogues the rules read beside an OS's facts (devices, Hyper-V
    /// enlightenments, CPU models), for [`recommend::recommend`].
    pub fn recommend_catalogue(&self) -> Result<recommend::Catalogue<'_>, Error> {
        Ok(recommend::Catalogue {
            devices: self.device_models()?,
            hyperv: self.hyperv_features()?,
            cpus: self.cpu_models()?,
        })
    }
}
