//! Host profiles of the dataset (`data/hosts/<id>.xml`): read from the
//! store, and turned into a [`Host`] with the machine types their QEMU
//! version (and distribution line) offers.

use super::{Capability, DeviceSet, Firmware, Host, HostSource, Tpm};
use super::{TRANSITIONAL_LIBVIRT, TRANSITIONAL_QEMU};
use crate::error::Error;
use crate::machine::{MachineCatalogue, MachineType, Place};
use crate::store::Database;
use guestdb_data::model::{Date, Version};
use serde::{Deserialize, Serialize};

/// A host profile as the store holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostProfile {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub released: Option<Date>,
    pub qemu: Option<Version>,
    #[serde(default)]
    pub qemu_package: Option<String>,
    #[serde(default)]
    pub libvirt: Option<Version>,
    #[serde(default)]
    pub libvirt_package: Option<String>,
    /// Offers the upstream machine types of its QEMU version.
    pub upstream_machines: bool,
    /// A distribution line and release whose own types it offers.
    #[serde(default)]
    pub machine_line: Option<(String, String)>,
    pub arches: Vec<String>,
    pub default: bool,
    pub firmware: Vec<Firmware>,
    pub tpm: Vec<Tpm>,
    pub missing_devices: Vec<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub at: Place,
}

impl HostProfile {
    /// This profile as a host, with the machine types it offers per arch.
    pub fn host(&self, catalogue: &MachineCatalogue) -> Result<Host, String> {
        self.host_for(catalogue, None)
    }

    /// Like [`HostProfile::host`], with the machine types of `arch` only.
    pub fn host_for(
        &self,
        catalogue: &MachineCatalogue,
        arch: Option<&str>,
    ) -> Result<Host, String> {
        let qemu = self
            .qemu
            .ok_or_else(|| format!("host profile '{}' names no QEMU version", self.id))?;
        let mut machines = Vec::new();
        for arch in self
            .arches
            .iter()
            .filter(|a| arch.is_none_or(|x| x == a.as_str()))
        {
            let mut offered: Vec<MachineType> = Vec::new();
            if self.upstream_machines {
                offered.extend(catalogue.upstream(qemu, arch).ok_or_else(|| {
                    format!(
                        "host profile '{}': QEMU {qemu} is not a release of the machine-type catalogue",
                        self.id
                    )
                })?);
            }
            if let Some((line, release)) = &self.machine_line {
                offered.extend(catalogue.downstream(line, release, arch).ok_or_else(|| {
                    format!(
                        "host profile '{}': machine-type line '{line}' is not in the catalogue",
                        self.id
                    )
                })?);
            }
            machines.push((arch.clone(), offered));
        }
        let transitional = match self.libvirt {
            Some(l) => Capability {
                available: qemu >= TRANSITIONAL_QEMU && l >= TRANSITIONAL_LIBVIRT,
                why: format!(
                    "{}: QEMU {qemu} (needs >= {TRANSITIONAL_QEMU}) and libvirt {l} (needs >= {TRANSITIONAL_LIBVIRT}) ({})",
                    self.id, self.at
                ),
            },
            None => Capability {
                available: qemu >= TRANSITIONAL_QEMU,
                why: format!(
                    "{}: QEMU {qemu} (needs >= {TRANSITIONAL_QEMU}); no libvirt ({})",
                    self.id, self.at
                ),
            },
        };
        Ok(Host {
            name: self.id.clone(),
            description: self.name.clone(),
            source: HostSource::Profile(self.at.path.clone()),
            qemu: Some(qemu),
            libvirt: self.libvirt,
            arches: self.arches.clone(),
            machines,
            firmware: self.firmware.clone(),
            tpm: self.tpm.clone(),
            devices: DeviceSet::AllBut(self.missing_devices.clone()),
            transitional,
        })
    }
}

impl Database {
    /// Every host profile, by id.
    pub fn host_profiles(&self) -> Result<Vec<HostProfile>, Error> {
        self.read_hosts(None)
    }

    /// The host profile `id`, if the dataset has it.
    pub fn host_profile(&self, id: &str) -> Result<Option<HostProfile>, Error> {
        Ok(self.read_hosts(Some(id))?.into_iter().next())
    }

    /// The profile marked as the default host.
    pub fn default_host_profile(&self) -> Result<Option<HostProfile>, Error> {
        Ok(self.host_profiles()?.into_iter().find(|h| h.default))
    }

    fn read_hosts(&self, only: Option<&str>) -> Result<Vec<HostProfile>, Error> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, doc FROM host WHERE ?1 IS NULL OR id = ?1 ORDER BY id")?;
        let mut rows = stmt.query([only])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let doc: String = r.get(1)?;
            out.push(self.parse_doc(&format!("host profile '{id}'"), &doc)?);
        }
        Ok(out)
    }
}
