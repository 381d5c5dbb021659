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

/// The render options from keyword arguments (see `Options::new`).
pub(crate) fn options(
    py: Python<'_>,
    name: Option<String>,
    disk: Option<String>,
    cdrom: Option<String>,
    network: &str,
    drivers_iso: Option<String>,
) -> PyResult<Options> {
    Options::new(name, disk, cdrom, network, drivers_iso).map_err(|e| option_error(py, e))
}

/// A refused render option, named as the keyword argument.
fn option_error(py: Python<'_>, e: render::OptionError) -> PyErr {
    input_error(py, e.python_message())
}

impl Recommendation {
    /// Refuses a format of another system than the recommendation was
    /// made for (text and JSON fit every one), and options the format
    /// cannot carry.
    fn check(
        &self,
        py: Python<'_>,
        format: Format,
        opts: &Options,
        kubevirt_vm: bool,
    ) -> PyResult<()> {
        let made_for = self.rec.policy.ecosystem;
        if !format.fits(made_for) {
            let wanted = format.ecosystem();
            return Err(input_error(
                py,
                format!(
                    "the {} format writes a recommendation for {}, and this one was made for {}; \
                     ask for it with recommend(..., ecosystem='{}')",
                    format.name(),
                    wanted.title(),
                    made_for.title(),
                    wanted.name()
                ),
            ));
        }
        format
            .check(opts, kubevirt_vm)
            .map_err(|e| option_error(py, e))
    }

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
        self.check(py, Format::Libvirt, &opts, false)?;
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
        self.check(py, Format::Qemu, &opts, false)?;
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
        self.check(py, Format::VirtInstall, &opts, false)?;
        Ok(py.detach(|| render::virt_install::args(&self.rec, &opts)))
    }
    /// The recommendation in `format`, as `guestdb recommend --format
    /// FORMAT` prints it: text, json, libvirt, qemu, virt-install (for a
    /// recommendation made for libvirt, the default), kubevirt (for one
    /// made with `ecosystem='kubevirt'`; with `kubevirt_vm`, a
    /// VirtualMachine after the preference), openstack, openstack-cli
    /// (`ecosystem='openstack'`), proxmox, proxmox-conf
    /// (`ecosystem='proxmox'`). Text and JSON fit every ecosystem; another
    /// system's format raises InputError. `explain` is the text format's;
    /// the other options are as for `libvirt_xml`. The warnings the
    /// command line prints on standard error for the libvirt, qemu and
    /// virt-install formats are in `warnings`.
    ///
    /// >>> rec = db.recommend("win11", ecosystem="proxmox")
    /// >>> [l for l in rec.render("proxmox-conf").splitlines() if l.startswith("ostype")]
    /// ['ostype: win11']
    #[pyo3(signature = (format, *, name=None, disk=None, cdrom=None, network="network=default",
        drivers_iso=None, kubevirt_vm=false, explain=false))]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn render(
        &self,
        py: Python<'_>,
        format: &str,
        name: Option<String>,
        disk: Option<String>,
        cdrom: Option<String>,
        network: &str,
        drivers_iso: Option<String>,
        kubevirt_vm: bool,
        explain: bool,
    ) -> PyResult<String> {
        let format = word(py, "format", format, Format::parse, Format::WORDS)?;
        let opts = options(py, name, disk, cdrom, network, drivers_iso)?;
        self.check(py, format, &opts, kubevirt_vm)?;
        Ok(py.detach(|| render::render(&self.rec, format, &opts, kubevirt_vm, explain)))
    }
    /// The system the recommendation was made for: 'libvirt', 'kubevirt',
    /// 'openstack' or 'proxmox' (`recommend`'s `ecosystem`).
    #[getter]
    pub(crate) fn ecosystem(&self) -> &'static str {
        self.rec.policy.ecosystem.name()
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
