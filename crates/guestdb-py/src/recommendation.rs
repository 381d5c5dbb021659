//! `Recommendation`: one answer of the rules, rendered in every format.

use super::*;

/// A recommendation (from `Database.recommend`): the machine type, the
/// firmware and every device, with the rules that chose each. Read it as
/// a dict (`to_json()`, the keys of `guestdb recommend --json`) or as a
/// configuration: `libvirt_xml()`, `qemu_argv()`, `virt_install_args()`.
/// Immutable.
#[pyclass(frozen, module = "guestdb")]
pub(crate) struct Recommendation {
    pub(crate) rec: Arc<guestdb::recommend::Recommendation>,
}

/// The render options from keyword arguments.
pub(crate) fn options(
    py: Python<'_>,
    name: Option<String>,
    disk: Option<String>,
    cdrom: Option<String>,
    network: &str,
    drivers_iso: Option<String>,
) -> PyResult<Options> {
    let network = match network.split_once('=') {
        None if network == "user" => Network::User,
        Some(("network", n)) if !n.is_empty() => Network::Libvirt(n.to_string()),
        Some(("bridge", b)) if !b.is_empty() => Network::Bridge(b.to_string()),
        _ => {
            return Err(input_error(
                py,
                format!("network '{network}' is not one of user, network=NAME, bridge=NAME"),
            ))
        }
    };
    Ok(Options {
        name,
        disk,
        cdrom,
        network,
        drivers_iso,
        ..Options::default()
    })
}

impl Recommendation {
    pub(crate) fn key<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        let v = render::json::render(&self.rec);
        to_py(py, &v[key])
    }
}

#[pymethods]
impl Recommendation {
    /// The recommendation as the dict `guestdb recommend --json` prints.
    pub(crate) fn to_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = py.detach(|| render::json::render(&self.rec));
        to_py(py, &v)
    }
    /// The recommendation for people, as `guestdb recommend` prints it
    /// (with `explain`, every rule's reasons and the facts it used).
    #[pyo3(signature = (explain=false))]
    pub(crate) fn text(&self, py: Python<'_>, explain: bool) -> String {
        py.detach(|| render::text::render(&self.rec, explain))
    }
    /// A complete libvirt domain XML. `name` (default: the OS's short-id),
    /// `disk` (default /var/lib/libvirt/images/NAME.qcow2), `cdrom` (the
    /// install ISO), `network` ('user', 'network=NAME', 'bridge=NAME';
    /// default 'network=default'), `drivers_iso` (virtio-win's medium).
    #[pyo3(signature = (*, name=None, disk=None, cdrom=None, network="network=default", drivers_iso=None))]
    pub(crate) fn libvirt_xml(
        &self,
        py: Python<'_>,
        name: Option<String>,
        disk: Option<String>,
        cdrom: Option<String>,
        network: &str,
        drivers_iso: Option<String>,
    ) -> PyResult<String> {
        let opts = options(py, name, disk, cdrom, network, drivers_iso)?;
        Ok(py.detach(|| render::libvirt::render(&self.rec, &opts)))
    }
    /// The QEMU command line as a list of arguments, the binary first
    /// (options as for `libvirt_xml`).
    #[pyo3(signature = (*, name=None, disk=None, cdrom=None, network="network=default", drivers_iso=None))]
    pub(crate) fn qemu_argv(
        &self,
        py: Python<'_>,
        name: Option<String>,
        disk: Option<String>,
        cdrom: Option<String>,
        network: &str,
        drivers_iso: Option<String>,
    ) -> PyResult<Vec<String>> {
        let opts = options(py, name, disk, cdrom, network, drivers_iso)?;
        Ok(py.detach(|| render::qemu::argv(&self.rec, &opts)))
    }
    /// The arguments for virt-install, as a list (without the program
    /// name; options as for `libvirt_xml`).
    #[pyo3(signature = (*, name=None, disk=None, cdrom=None, network="network=default", drivers_iso=None))]
    pub(crate) fn virt_install_args(
        &self,
        py: Python<'_>,
        name: Option<String>,
        disk: Option<String>,
        cdrom: Option<String>,
        network: &str,
        drivers_iso: Option<String>,
    ) -> PyResult<Vec<String>> {
        let opts = options(py, name, disk, cdrom, network, drivers_iso)?;
        Ok(py.detach(|| render::virt_install::args(&self.rec, &opts)))
    }
    /// The OS it is for: {'id', 'short_id', 'name'} (the stand-in when a
    /// fallback was used).
    #[getter]
    pub(crate) fn os<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.key(py, "os")
    }
    /// The guest architecture.
    #[getter]
    pub(crate) fn arch(&self) -> String {
        self.rec.arch.clone()
    }
    /// The machine type: {'name', 'alias', 'family', 'deprecated', ...}.
    #[getter]
    pub(crate) fn machine<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.key(py, "machine")
    }
    /// The firmware, Secure Boot and TPM.
    #[getter]
    pub(crate) fn firmware<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.key(py, "firmware")
    }
    /// Every device, each a dict (class, role, id, libvirt_model,
    /// libvirt_bus, qemu_device, placement, pci_id, interfaces, rule...).
    #[getter]
    pub(crate) fn devices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.key(py, "devices")
    }
    /// Memory, vCPUs and disk: {'memory_mib', 'vcpus', 'disk_gib'}, and
    /// where the OS's facts say, 'minimum_memory_mib' and 'minimum_vcpus'.
    #[getter]
    pub(crate) fn resources<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.key(py, "resources")
    }
    /// What the caller should know: a list of {'code', 'message'}.
    #[getter]
    pub(crate) fn warnings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.key(py, "warnings")
    }
    /// Each rule's decision, reasons and facts, in order.
    #[getter]
    pub(crate) fn rules<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.key(py, "rules")
    }
    pub(crate) fn __repr__(&self) -> String {
        format!(
            "<guestdb.Recommendation {} on {}: {}>",
            self.rec.os.short_id, self.rec.host, self.rec.machine.name
        )
    }
}
