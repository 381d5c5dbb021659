//! `Os` (one OS release, its typed facts read from the database) and `Resolved` (a name resolved to an OS, with the fallback when the name had no entry).

use super::*;

/// One OS release of the database (from `Database.os`, `list` or
/// `resolve`): its identity, dates and lifecycle as attributes, its virtio
/// answers by `virtio(cls, arch)`, and every fact (firmware, boot security,
/// resources, media, devices...) with `to_json()`, the dict `guestdb show
/// --json` prints. Immutable.
#[pyclass(frozen, module = "guestdb")]
pub(crate) struct Os {
    pub(crate) db: Arc<guestdb::Database>,
    pub(crate) idx: u32,
}

impl Os {
    /// The library's summary of this OS (read once, then kept by the database).
    pub(crate) fn row(&self) -> Result<&guestdb::Os, guestdb::Error> {
        self.db.get(self.idx)?.ok_or_else(|| {
            guestdb::Error::store(
                "the database",
                format!("no OS row {} (the database changed?)", self.idx),
            )
        })
    }

    pub(crate) fn os(&self, py: Python<'_>) -> PyResult<&guestdb::Os> {
        self.row().map_err(|e| error(py, e))
    }

    pub(crate) fn show_json(&self, py: Python<'_>, explain: bool) -> PyResult<Value> {
        py.detach(|| {
            let os = self.row()?;
            self.db.show_json(os, explain)
        })
        .map_err(|e| error(py, e))
    }

    pub(crate) fn show_key<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let v = self.show_json(py, false)?;
        to_py(py, &v[key])
    }
}

#[pymethods]
impl Os {
    /// Its id, e.g. 'http://redhat.com/rhel/6.10'.
    #[getter]
    pub(crate) fn id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.os(py)?.id.clone())
    }
    /// Its preferred short-id, e.g. 'rhel6.10' (the id when it has none).
    #[getter]
    pub(crate) fn short_id(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.os(py)?.short_id().to_string())
    }
    /// Every short-id, the preferred first.
    #[getter]
    pub(crate) fn short_ids(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        Ok(self.os(py)?.short_ids.clone())
    }
    /// Other names it answers to.
    #[getter]
    pub(crate) fn aliases(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        Ok(self.os(py)?.aliases.clone())
    }
    /// Its name, e.g. 'Red Hat Enterprise Linux 6.10'.
    #[getter]
    pub(crate) fn name(&self, py: Python<'_>) -> PyResult<String> {
        Ok(self.os(py)?.name.clone())
    }
    /// Who makes it, e.g. 'Red Hat, Inc'.
    #[getter]
    pub(crate) fn vendor(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.os(py)?.vendor.clone())
    }
    /// Its family, e.g. 'linux', 'winnt', 'freebsd'.
    #[getter]
    pub(crate) fn family(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.os(py)?.family.clone())
    }
    /// Its distribution, e.g. 'rhel', 'win'.
    #[getter]
    pub(crate) fn distro(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.os(py)?.distro.clone())
    }
    /// Its version, e.g. '6.10'.
    #[getter]
    pub(crate) fn version(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.os(py)?.version.clone())
    }
    /// Its codename, e.g. 'Santiago'.
    #[getter]
    pub(crate) fn codename(&self, py: Python<'_>) -> PyResult<Option<String>> {
        Ok(self.os(py)?.codename.clone())
    }
    /// When it was released (datetime.date), if known.
    #[getter]
    pub(crate) fn release_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_date(py, self.os(py)?.release_date)
    }
    /// When its security maintenance without a paid add-on ends or ended
    /// (datetime.date), if known.
    #[getter]
    pub(crate) fn eol_date<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_date(py, self.os(py)?.eol_date)
    }
    /// 'released', 'prerelease', 'snapshot' or 'rolling'.
    #[getter]
    pub(crate) fn release_status(&self, py: Python<'_>) -> PyResult<&'static str> {
        Ok(self.os(py)?.release_status.name())
    }
    /// The architectures it is known on (from media, resources, firmware, drivers).
    #[getter]
    pub(crate) fn arches(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        Ok(self.os(py)?.arches.clone())
    }
    /// The chipsets it supports on x86, of 'i440fx' and 'q35'.
    #[getter]
    pub(crate) fn chipsets(&self, py: Python<'_>) -> PyResult<Vec<&'static str>> {
        let os = self.os(py)?;
        Ok(Chipset::ALL
            .iter()
            .filter(|c| os.supports_chipset(**c))
            .map(|c| c.name())
            .collect())
    }
    /// Its support phases: a dict from 'standard', 'security' and 'extended'
    /// to {'end': date string or 'unknown' or 'tba', 'label': ...}, as
    /// `guestdb show --json` gives them; empty when none is known.
    #[getter]
    pub(crate) fn lifecycle<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "lifecycle")
    }
    /// Whether it is released and supported on `date` (a datetime.date or
    /// 'YYYY-MM-DD') at `support` level: 'standard', 'security' (default:
    /// security maintenance without a paid add-on) or 'extended'.
    #[pyo3(signature = (date, support="security"))]
    pub(crate) fn supported_on(
        &self,
        py: Python<'_>,
        date: Bound<'_, PyAny>,
        support: &str,
    ) -> PyResult<bool> {
        let date = from_date(py, "date", &date)?;
        let level = word(
            py,
            "support level",
            support,
            Phase::parse,
            "standard, security or extended",
        )?;
        Ok(self.os(py)?.supported_at(date, level))
    }
    /// Firmware facts: a list of {'arch', 'type', 'supported', 'preferred'}.
    #[getter]
    pub(crate) fn firmware<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "firmware")
    }
    /// Secure Boot and TPM facts: a list of {'kind', 'arch', 'version',
    /// 'supported', 'required'}.
    #[getter]
    pub(crate) fn boot_security<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "boot_security")
    }
    /// Minimum, recommended and maximum resources, per architecture.
    #[getter]
    pub(crate) fn resources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "resources")
    }
    /// Its install media (ISO volume patterns, architectures, variants...).
    #[getter]
    pub(crate) fn media<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "media")
    }
    /// Its install trees (.treeinfo patterns).
    #[getter]
    pub(crate) fn trees<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "trees")
    }
    /// The catalogue devices it supports (libvirt/osinfo device names).
    #[getter]
    pub(crate) fn devices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "devices")
    }
    /// Its variants (e.g. server, workstation).
    #[getter]
    pub(crate) fn variants<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "variants")
    }
    /// Its names in other tools' schemes (VMware guest ids, VirtualBox OS
    /// types, Proxmox ostype, KubeVirt preferences, oVirt, Glance
    /// os_distro), one per scheme and architecture: a list of dicts
    /// {'scheme', 'name', 'quality'}, quality 'exact', 'family' or
    /// 'generic', plus 'arch' for a name of one architecture and
    /// 'resolves_to' (an OS id) for a name that resolves to another OS (a
    /// family name shown for a release of its series).
    #[getter]
    pub(crate) fn other_names<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.show_key(py, "other_names")
    }
    /// What its drivers speak for the virtio device class `cls` ('net',
    /// 'block', 'scsi', 'gpu', ...): a dict {'legacy': bool, 'modern':
    /// bool, 'needs_driver': bool}. Without `arch` the OS-wide summary;
    /// with `arch` ('x86_64', 'aarch64', ...) the answer on that
    /// architecture (its own facts where it has them, else the summary).
    #[pyo3(signature = (cls, arch=None))]
    pub(crate) fn virtio<'py>(
        &self,
        py: Python<'py>,
        cls: &str,
        arch: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let class = VirtioClass::parse(cls).map_err(|m| input_error(py, m))?;
        let os = self.os(py)?;
        let mut answer = os.virtio(class);
        if let Some(arch) = arch {
            let details = py
                .detach(|| self.db.details(os))
                .map_err(|e| error(py, e))?;
            if let Some(f) = details
                .virtio
                .iter()
                .find(|f| f.class == class && f.arch == arch)
            {
                answer.legacy = f.legacy;
                answer.modern = f.modern;
                answer.needs_driver = f.driver.is_some();
            }
        }
        let d = PyDict::new(py);
        d.set_item("legacy", answer.legacy)?;
        d.set_item("modern", answer.modern)?;
        d.set_item("needs_driver", answer.needs_driver)?;
        Ok(d)
    }
    /// Everything known about the OS as the dict `guestdb show --json`
    /// prints (with `explain`, the facts' provenance too).
    #[pyo3(signature = (explain=false))]
    pub(crate) fn to_json<'py>(
        &self,
        py: Python<'py>,
        explain: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let v = self.show_json(py, explain)?;
        to_py(py, &v)
    }
    pub(crate) fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let os = self.os(py)?;
        Ok(format!("<guestdb.Os {} ({})>", os.short_id(), os.name))
    }
    pub(crate) fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Os>()
            .is_ok_and(|o| Arc::ptr_eq(&o.get().db, &self.db) && o.get().idx == self.idx)
    }
    pub(crate) fn __hash__(&self) -> u64 {
        u64::from(self.idx)
    }
}

/// An OS a name resolved to (from `Database.resolve`): `.os`, and
/// `.fallback`, which says why it stands in for the name asked for (None
/// when it is the name's own entry). Immutable.
#[pyclass(frozen, module = "guestdb")]
pub(crate) struct Resolved {
    pub(crate) os: Os,
    pub(crate) fallback: Option<Fallback>,
}

#[pymethods]
impl Resolved {
    /// The OS.
    #[getter]
    pub(crate) fn os(&self) -> Os {
        Os {
            db: self.os.db.clone(),
            idx: self.os.idx,
        }
    }
    /// Why this OS stands in for the name asked for (the warning a
    /// recommendation gives), or None.
    #[getter]
    pub(crate) fn fallback(&self) -> Option<String> {
        self.fallback.as_ref().map(|f| f.reason.clone())
    }
    /// The name asked for, when a fallback was used; else None.
    #[getter]
    pub(crate) fn requested(&self) -> Option<String> {
        self.fallback.as_ref().map(|f| f.requested.clone())
    }
    pub(crate) fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let os = self.os.os(py)?;
        Ok(match &self.fallback {
            Some(f) => format!("<guestdb.Resolved {} for {}>", os.short_id(), f.requested),
            None => format!("<guestdb.Resolved {}>", os.short_id()),
        })
    }
}
