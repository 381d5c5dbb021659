//! The Python package `guestdb`: the library's [`guestdb::Database`] and
//! its recommendations, wrapped for Python with PyO3.
//!
//! Everything here converts: Python arguments to the library's values, the
//! library's answers to Python objects, its errors to Python exceptions (one
//! class per kind). The work itself (lookups, listing, detection, the rules,
//! the renderers) is the library's, done with the interpreter's lock
//! released. Every object is immutable and may be shared between threads.

use guestdb::detect::{read_path, Input};
use guestdb::host::Host;
use guestdb::lifecycle::Phase;
use guestdb::recommend::{
    ChipsetPolicy, DriversPolicy, Ecosystem, Fallback, FirmwarePolicy, HypervPolicy, ModelsPolicy,
    Policy, ProfilePolicy, Target, VirtTypePolicy, ARCHES,
};
use guestdb::render::{self, Format, Options};
use guestdb::{
    Chipset, Date, ErrorKind, Filter, RecommendError, ReleaseStatus, VirtioClass, VirtioWanted,
};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

mod convert;
mod errors;
mod os;
mod recommendation;

use convert::*;
use errors::*;
use os::{Os, Resolved};
use recommendation::Recommendation;

/// Opens a guest-OS database: the dataset embedded in this package by
/// default, or a compiled store file (`store`, from `guestdb build`), or a
/// data directory (`data`), read, checked and compiled in memory.
///
/// >>> import guestdb
/// >>> db = guestdb.open()
/// >>> db.os("rhel6.10").name
/// 'Red Hat Enterprise Linux 6.10'
#[pyfunction]
#[pyo3(signature = (store=None, data=None))]
fn open(py: Python<'_>, store: Option<PathBuf>, data: Option<PathBuf>) -> PyResult<Database> {
    let db = py
        .detach(|| match (&store, &data) {
            (Some(_), Some(_)) => Err(guestdb::Error::input(
                "give store or data, not both".to_string(),
            )),
            (Some(s), None) => guestdb::Database::open(s),
            (None, Some(d)) => guestdb::Database::from_data_dir(d),
            (None, None) => guestdb::Database::embedded(),
        })
        .map_err(|e| error(py, e))?;
    Ok(Database {
        db: Arc::new(db),
        hosts: Mutex::default(),
        default_host: std::sync::OnceLock::new(),
    })
}

/// Writes guestdb's dataset as an osinfo-db tree (os/, device/, datamap/)
/// into `out` (new, empty, or an earlier export), so libosinfo consumers
/// (virt-install, `osinfo-query`) know every OS guestdb knows: point
/// `OSINFO_SYSTEM_DIR` at it. The embedded dataset, or the data directory
/// `data`. Returns {'oses', 'devices', 'datamaps', 'files'} (counts),
/// what `guestdb export-osinfo` writes.
#[pyfunction]
#[pyo3(signature = (out, data=None))]
fn export_osinfo<'py>(
    py: Python<'py>,
    out: PathBuf,
    data: Option<PathBuf>,
) -> PyResult<Bound<'py, PyDict>> {
    let report = py
        .detach(|| match &data {
            Some(dir) => guestdb::interop::osinfo::export(dir, &out),
            None => guestdb::interop::osinfo::export_embedded(&out),
        })
        .map_err(|e| error(py, e))?;
    let d = PyDict::new(py);
    d.set_item("oses", report.oses)?;
    d.set_item("devices", report.devices)?;
    d.set_item("datamaps", report.datamaps)?;
    d.set_item("files", report.files.len())?;
    Ok(d)
}

/// The profiles of a recommendation's hosts (the host first) and the arch.
type HostsKey = (Vec<String>, String);

/// A guest-OS database (from `guestdb.open()`): look OSes up, list them,
/// identify install media and ask for recommendations. Immutable; share
/// one between threads.
#[pyclass(frozen, module = "guestdb")]
struct Database {
    db: Arc<guestdb::Database>,
    /// The hosts of a recommendation named by profiles (the host, then its
    /// migration peers) on an architecture: the database does not change,
    /// so each list is built once (a domcaps file is read every time).
    hosts: Mutex<HashMap<HostsKey, Arc<Vec<Host>>>>,
    /// The dataset's default host profile.
    default_host: std::sync::OnceLock<String>,
}

impl Database {
    fn os_at(&self, idx: u32) -> Os {
        Os {
            db: self.db.clone(),
            idx,
        }
    }

    fn unknown_os(&self, py: Python<'_>, name: &str) -> PyErr {
        let suggestions: Vec<String> = py.detach(|| {
            self.db
                .suggest(name, 3)
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect()
        });
        let hint = match suggestions.first() {
            Some(s) => format!("; did you mean '{s}'?"),
            None => String::new(),
        };
        with_attrs(
            py,
            UnknownOS::new_err(format!("unknown OS '{name}'{hint}")),
            &[
                ("name", PyString::new(py, name).into_any()),
                ("suggestions", to_list(py, &suggestions)),
            ],
        )
    }

    /// A host profile by name as a host, or UnknownHost.
    fn profile_host(&self, py: Python<'_>, name: &str, arch: &str) -> PyResult<Host> {
        match py.detach(|| self.db.profile_host(name, Some(arch))) {
            Ok(Some(h)) => Ok(h),
            Ok(None) => {
                let known: Vec<String> = py
                    .detach(|| self.db.host_profiles())
                    .map_err(|e| error(py, e))?
                    .into_iter()
                    .map(|p| p.id)
                    .collect();
                Err(with_attrs(
                    py,
                    UnknownHost::new_err(format!(
                        "unknown host profile '{name}'; known: {}",
                        known.join(", ")
                    )),
                    &[
                        ("name", PyString::new(py, name).into_any()),
                        ("known", to_list(py, &known)),
                    ],
                ))
            }
            Err(e) => Err(error(py, e)),
        }
    }

    fn domcaps_host(&self, py: Python<'_>, path: &Path) -> PyResult<Host> {
        py.detach(|| self.db.domcaps_host(path))
            .map_err(|e| error(py, e))
    }

    /// The host a QEMU binary describes when asked, for guests of `arch`
    /// (the binary's own when `None`).
    fn qemu_host(&self, py: Python<'_>, binary: &Path, arch: Option<&str>) -> PyResult<Host> {
        py.detach(|| self.db.qemu_host(binary, arch))
            .map_err(|e| error(py, e))
    }

    /// The OS (with its fallback) and the architecture install media
    /// hold, as `recommend --media` finds them.
    fn media_os(
        &self,
        py: Python<'_>,
        path: &Path,
    ) -> PyResult<(u32, Option<Fallback>, Option<String>)> {
        let shown = path.display().to_string();
        let found = py.detach(|| {
            let input = read_path(path).map_err(|e| e.to_string())?;
            self.db
                .media_os(&input, path)
                .map(|f| f.map(|(r, arch)| (r.os.idx, r.fallback, arch)))
                .map_err(|e| e.to_string())
        });
        match found.map_err(|m| media_error(py, &shown, m))? {
            Some(found) => Ok(found),
            None => Err(with_attrs(
                py,
                UnknownOS::new_err(format!(
                    "{shown}: no known OS matches these media (Database.detect shows what was \
                     read); name the OS instead"
                )),
                &[("suggestions", PyList::empty(py).into_any())],
            )),
        }
    }

    /// The id of the dataset's default host profile (read once).
    fn default_host(&self, py: Python<'_>) -> PyResult<String> {
        if let Some(id) = self.default_host.get() {
            return Ok(id.clone());
        }
        let default = py
            .detach(|| self.db.default_host_profile())
            .map_err(|e| error(py, e))?
            .ok_or_else(|| {
                input_error(
                    py,
                    "the dataset has no default host profile; name one with host=".to_string(),
                )
            })?;
        Ok(self.default_host.get_or_init(|| default.id).clone())
    }

    /// A migration peer: a domcaps file when such a file exists or the
    /// value looks like a path, else a profile name (as --migrate-to).
    fn is_domcaps(peer: &str) -> bool {
        Path::new(peer).is_file() || peer.contains('/') || peer.ends_with(".xml")
    }
}

#[pymethods]
impl Database {
    /// The date-stamped version of the dataset, e.g. '2026.11.22'.
    #[getter]
    fn dataset_version(&self) -> &str {
        self.db.dataset_version()
    }

    /// The schema version of the store.
    #[getter]
    fn schema_version(&self) -> u32 {
        self.db.schema_version()
    }

    /// How many OSes the database holds.
    fn __len__(&self) -> usize {
        self.db.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<guestdb.Database {} OSes, dataset {}>",
            self.db.len(),
            self.db.dataset_version()
        )
    }

    /// The OS with this id, short-id or alias (exact match), e.g.
    /// `db.os("rhel6.10")`. Raises UnknownOS (with `.suggestions`) for a
    /// name the database does not know; `resolve` also accepts releases
    /// newer than known.
    fn os(&self, py: Python<'_>, name: &str) -> PyResult<Os> {
        match py.detach(|| self.db.lookup(name)) {
            Ok(Some(os)) => Ok(self.os_at(os.idx)),
            Ok(None) => Err(self.unknown_os(py, name)),
            Err(e) => Err(error(py, e)),
        }
    }

    /// Like `os`, but a release newer than the dataset knows (`rhel10.9`,
    /// `fedora60`) resolves to the nearest earlier release of the same name,
    /// and a family name without an entry of its own (`linux2024`) to
    /// guestdb's generic entry for it; the answer's `.fallback` says why
    /// (None for the name's own entry). Raises UnknownOS otherwise.
    fn resolve(&self, py: Python<'_>, name: &str) -> PyResult<Resolved> {
        let found = py
            .detach(|| {
                self.db
                    .resolve(name)
                    .map(|r| r.map(|r| (r.os.idx, r.fallback)))
            })
            .map_err(|e| error(py, e))?;
        match found {
            Some((idx, fallback)) => Ok(Resolved {
                os: self.os_at(idx),
                fallback,
            }),
            None => Err(self.unknown_os(py, name)),
        }
    }

    /// The OSes that match every filter given, in id order:
    /// `family` ('linux'), `distro` ('rhel'), `vendor` (as `Os.vendor`
    /// says), `arch` (known on it), `status` ('released', 'prerelease',
    /// 'snapshot', 'rolling'), `virtio` ('legacy', 'modern', 'legacy-only'
    /// or 'none', for `virtio_class`, default 'net'), `chipset` ('q35',
    /// 'i440fx'), `supported_on` (a date: released and supported then, at
    /// the `support` level 'standard', 'security' (default) or 'extended').
    #[pyo3(signature = (*, family=None, distro=None, vendor=None, arch=None, status=None,
        virtio=None, virtio_class="net", chipset=None, supported_on=None, support="security"))]
    #[allow(clippy::too_many_arguments)]
    fn list(
        &self,
        py: Python<'_>,
        family: Option<String>,
        distro: Option<String>,
        vendor: Option<String>,
        arch: Option<String>,
        status: Option<&str>,
        virtio: Option<&str>,
        virtio_class: &str,
        chipset: Option<&str>,
        supported_on: Option<Bound<'_, PyAny>>,
        support: &str,
    ) -> PyResult<Vec<Os>> {
        let status = status
            .map(|s| {
                word(
                    py,
                    "status",
                    s,
                    ReleaseStatus::parse,
                    "released, prerelease, snapshot or rolling",
                )
            })
            .transpose()?;
        let class = VirtioClass::parse(virtio_class).map_err(|m| input_error(py, m))?;
        let virtio = virtio
            .map(|v| {
                word(
                    py,
                    "virtio generation",
                    v,
                    VirtioWanted::parse,
                    "legacy, modern, legacy-only or none",
                )
                .map(|w| (class, w))
            })
            .transpose()?;
        let chipset = chipset
            .map(|c| word(py, "chipset", c, Chipset::parse, "i440fx or q35"))
            .transpose()?;
        let supported_on = supported_on
            .map(|d| from_date(py, "supported_on", &d))
            .transpose()?;
        let support = word(
            py,
            "support level",
            support,
            Phase::parse,
            "standard, security or extended",
        )?;
        let filter = Filter {
            family,
            distro,
            vendor,
            arch,
            status,
            virtio,
            chipset,
            supported_on,
            support: Some(support),
        };
        let rows: Vec<u32> = py
            .detach(|| {
                self.db
                    .list(&filter)
                    .map(|v| v.into_iter().map(|os| os.idx).collect())
            })
            .map_err(|e| error(py, e))?;
        Ok(rows.into_iter().map(|idx| self.os_at(idx)).collect())
    }

    /// The ids of the dataset's host profiles (named distribution hosts:
    /// their QEMU and libvirt versions and machine types).
    fn host_profiles(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        Ok(py
            .detach(|| self.db.host_profiles())
            .map_err(|e| error(py, e))?
            .into_iter()
            .map(|p| p.id)
            .collect())
    }

    /// Identifies install media: an ISO image, an `isoinfo -d` dump, a
    /// `.treeinfo` file or an install tree holding one. Returns every
    /// candidate OS, the best first, each a dict with the keys of
    /// `guestdb detect --json` (short_id, id, name, arch, variants,
    /// languages, confidence, matched, entry...); an empty list when no
    /// known OS matches. `arch` overrides the architecture an ISO says.
    #[pyo3(signature = (path, *, arch=None))]
    fn detect<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
        arch: Option<String>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let shown = path.display().to_string();
        let found: Result<Vec<Value>, String> = py.detach(|| {
            let mut input = read_path(&path).map_err(|e| e.to_string())?;
            if let (Some(a), Input::Iso(m) | Input::Isoinfo(m)) = (&arch, &mut input) {
                m.arch = Some(a.clone());
            }
            let found = self.db.identify(&input).map_err(|e| e.to_string())?;
            Ok(found.iter().map(|m| m.to_json(&shown, &input)).collect())
        });
        let found = found.map_err(|m| media_error(py, &shown, m))?;
        found.iter().map(|v| to_py(py, v)).collect()
    }

    /// Recommends the machine type (with its version), firmware and every
    /// device for an OS on a host: the answer `guestdb recommend` gives.
    ///
    /// `os` is a name (resolved as `resolve` does, fallback included), an
    /// `Os` or a `Resolved`; or `media` names install media (an ISO image,
    /// an `isoinfo -d` dump, a .treeinfo or an install tree) whose OS and
    /// architecture `detect` finds, as `recommend --media` does. The host
    /// is a profile of the dataset (`host`, default: the dataset's default
    /// profile; `host_profiles()` lists them), a `virsh domcapabilities`
    /// file (`domcaps`) or a QEMU binary asked directly (`qemu`: its
    /// `-machine help` and `-device help`, run on every call). `migrate_to`
    /// lists the other hosts the VM must be able to live-migrate to (profile
    /// names or domcaps files). `arch` is the guest architecture (default:
    /// the media's, a domcaps file's or the QEMU binary's, else x86_64). The
    /// policy: `chipset` (auto, q35, i440fx), `firmware` (auto, bios, efi,
    /// edk2), `secure_boot`, `drivers`
    /// (none, virtio-win), `models` (plain, explicit), `hyperv` (auto, off,
    /// passthrough), `profile` (auto, server, desktop), `virt_type` (auto,
    /// kvm, qemu). `ecosystem` is the system that will run the VM (libvirt,
    /// kubevirt, openstack, proxmox; default libvirt): the answer is
    /// narrowed to what that system can state, as the command line does for
    /// `--format kubevirt|openstack|proxmox`, with a warning for what it
    /// cannot; render it with `Recommendation.render` in that system's
    /// formats. `today` (a date) is for end-of-life warnings (default: the
    /// system clock's day).
    ///
    /// Raises NoRecommendation (`.rule`, `.reason`) when the rules find no
    /// possible choice, UnknownOS and UnknownHost for unknown names,
    /// InputError for a bad value or file.
    ///
    /// >>> rec = db.recommend("rhel6.10", host="debian-12")
    /// >>> rec.machine["name"]
    /// 'pc-i440fx-7.2'
    #[pyo3(signature = (os=None, *, media=None, host=None, domcaps=None, qemu=None, migrate_to=None, arch=None,
        chipset="auto", firmware="auto", secure_boot=false, drivers="none", models="plain",
        hyperv="auto", profile="auto", virt_type="auto", ecosystem=None, today=None))]
    #[allow(clippy::too_many_arguments)]
    fn recommend(
        &self,
        py: Python<'_>,
        os: Option<&Bound<'_, PyAny>>,
        media: Option<PathBuf>,
        host: Option<String>,
        domcaps: Option<PathBuf>,
        qemu: Option<PathBuf>,
        migrate_to: Option<Vec<String>>,
        arch: Option<String>,
        chipset: &str,
        firmware: &str,
        secure_boot: bool,
        drivers: &str,
        models: &str,
        hyperv: &str,
        profile: &str,
        virt_type: &str,
        ecosystem: Option<&str>,
        today: Option<Bound<'_, PyAny>>,
    ) -> PyResult<Recommendation> {
        let policy = Policy {
            chipset: word(
                py,
                "chipset",
                chipset,
                ChipsetPolicy::parse,
                ChipsetPolicy::WORDS,
            )?,
            firmware: word(
                py,
                "firmware",
                firmware,
                FirmwarePolicy::parse,
                FirmwarePolicy::WORDS,
            )?,
            secure_boot,
            drivers: word(
                py,
                "drivers",
                drivers,
                DriversPolicy::parse,
                DriversPolicy::WORDS,
            )?,
            models: word(
                py,
                "models",
                models,
                ModelsPolicy::parse,
                ModelsPolicy::WORDS,
            )?,
            hyperv: word(
                py,
                "hyperv",
                hyperv,
                HypervPolicy::parse,
                HypervPolicy::WORDS,
            )?,
            profile: word(
                py,
                "profile",
                profile,
                ProfilePolicy::parse,
                ProfilePolicy::WORDS,
            )?,
            virt_type: word(
                py,
                "virt_type",
                virt_type,
                VirtTypePolicy::parse,
                VirtTypePolicy::WORDS,
            )?,
            ecosystem: match ecosystem {
                None => Ecosystem::Libvirt,
                Some(e) => word(py, "ecosystem", e, Ecosystem::parse, Ecosystem::WORDS)?,
            },
        };
        let today = match &today {
            Some(d) => Some(from_date(py, "today", d)?),
            None => guestdb::lifecycle::today(),
        };
        if let Some(a) = &arch {
            check_arch(py, a)?;
        }
        if [host.is_some(), domcaps.is_some(), qemu.is_some()]
            .iter()
            .filter(|given| **given)
            .count()
            > 1
        {
            return Err(input_error(
                py,
                "give one of host, domcaps or qemu, not several".to_string(),
            ));
        }
        let (idx, fallback, media_arch) = match (os, &media) {
            (Some(_), Some(_)) => {
                return Err(input_error(
                    py,
                    "give os or media, not both".to_string(),
                ))
            }
            (None, None) => {
                return Err(PyTypeError::new_err(
                    "recommend() needs an os (a name, a guestdb.Os or a guestdb.Resolved) or media=PATH",
                ))
            }
            (None, Some(path)) => self.media_os(py, path)?,
            (Some(os), None) => {
                if let Ok(name) = os.extract::<String>() {
                    let r = self.resolve(py, &name)?;
                    (r.os.idx, r.fallback.clone(), None)
                } else if let Ok(o) = os.cast::<Os>() {
                    (o.get().idx, None, None)
                } else if let Ok(r) = os.cast::<Resolved>() {
                    (r.get().os.idx, r.get().fallback.clone(), None)
                } else {
                    return Err(PyTypeError::new_err(
                        "os must be a name (str), a guestdb.Os or a guestdb.Resolved",
                    ));
                }
            }
        };
        // The media's architecture unless arch names one.
        let arch = arch.or(media_arch);
        // The host first, then the migration peers (as the command line's
        // --host/--domcaps and --migrate-to).
        let peers: Vec<String> = migrate_to.unwrap_or_default();
        let (hosts, arch) = if domcaps.is_none()
            && qemu.is_none()
            && !peers.iter().any(|p| Database::is_domcaps(p))
        {
            let arch = arch.unwrap_or_else(|| "x86_64".to_string());
            let mut names = vec![match host {
                Some(h) => h,
                None => self.default_host(py)?,
            }];
            names.extend(peers);
            let key = (names, arch);
            let cached = lock(&self.hosts).get(&key).cloned();
            let hosts = match cached {
                Some(h) => h,
                None => {
                    let built = key
                        .0
                        .iter()
                        .map(|n| self.profile_host(py, n, &key.1))
                        .collect::<PyResult<Vec<Host>>>()?;
                    let built = Arc::new(built);
                    lock(&self.hosts).insert(key.clone(), built.clone());
                    built
                }
            };
            (hosts, key.1)
        } else {
            let first = match (&domcaps, &host) {
                (Some(path), _) => self.domcaps_host(py, path)?,
                (None, _) if qemu.is_some() => {
                    let binary = qemu.as_deref().unwrap_or(Path::new(""));
                    self.qemu_host(py, binary, arch.as_deref())?
                }
                (None, Some(name)) => {
                    self.profile_host(py, name, arch.as_deref().unwrap_or("x86_64"))?
                }
                (None, None) => {
                    let id = self.default_host(py)?;
                    self.profile_host(py, &id, arch.as_deref().unwrap_or("x86_64"))?
                }
            };
            let arch = match (&arch, domcaps.is_some() || qemu.is_some()) {
                (Some(a), _) => a.clone(),
                (None, true) => first
                    .arches
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "x86_64".into()),
                (None, false) => "x86_64".to_string(),
            };
            let mut hosts = vec![first];
            for peer in &peers {
                hosts.push(if Database::is_domcaps(peer) {
                    self.domcaps_host(py, Path::new(peer))?
                } else {
                    self.profile_host(py, peer, &arch)?
                });
            }
            (Arc::new(hosts), arch)
        };
        let os = self.os_at(idx);
        let rec = py.detach(|| {
            let target = Target {
                arch: &arch,
                hosts: &hosts,
                policy,
                today,
            };
            let resolved = guestdb::query::Resolved {
                os: os.row()?,
                fallback,
            };
            self.db.recommend(&resolved, &target)
        });
        match rec {
            Ok(rec) => Ok(Recommendation { rec: Arc::new(rec) }),
            Err(RecommendError::Failed(e)) => Err(error(py, e)),
            Err(RecommendError::No(no)) => {
                let json = serde_json::to_value(&no).unwrap_or(Value::Null);
                Err(with_attrs(
                    py,
                    NoRecommendation::new_err(no.to_string()),
                    &[
                        ("rule", PyString::new(py, no.rule).into_any()),
                        ("reason", PyString::new(py, &no.message).into_any()),
                        ("rules", to_py(py, &json["rules"])?),
                    ],
                ))
            }
        }
    }
}

/// The guest-OS database and its recommendations, in-process.
#[pymodule]
fn _guestdb(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_function(wrap_pyfunction!(open, m)?)?;
    m.add_function(wrap_pyfunction!(export_osinfo, m)?)?;
    m.add_class::<Database>()?;
    m.add_class::<Os>()?;
    m.add_class::<Resolved>()?;
    m.add_class::<Recommendation>()?;
    m.add("GuestdbError", py.get_type::<GuestdbError>())?;
    m.add("UnknownOS", py.get_type::<UnknownOS>())?;
    m.add("UnknownHost", py.get_type::<UnknownHost>())?;
    m.add("NoRecommendation", py.get_type::<NoRecommendation>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("StoreError", py.get_type::<StoreError>())?;
    m.add("__version__", guestdb::VERSION)?;
    m.add("DATASET_VERSION", guestdb::DATASET_VERSION)?;
    m.add("SCHEMA_VERSION", guestdb::SCHEMA_VERSION)?;
    m.add("ARCHES", ARCHES.to_vec())?;
    Ok(())
}

/// An InputError for media that cannot be read (`detect`, `recommend(media=)`).
fn media_error(py: Python<'_>, shown: &str, message: String) -> PyErr {
    with_attrs(
        py,
        InputError::new_err(message),
        &[
            ("path", PyString::new(py, shown).into_any()),
            ("line", py.None().into_bound(py)),
            ("column", py.None().into_bound(py)),
            ("findings", PyList::empty(py).into_any()),
        ],
    )
}
