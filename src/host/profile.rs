//! Host profiles of the dataset (`data/hosts/<id>.xml`): read from the
//! store, and turned into a [`Host`] with the machine types their QEMU
//! version (and distribution line) offers.

use super::{Capability, DeviceSet, Firmware, Host, HostSource, Tpm};
use super::{TRANSITIONAL_LIBVIRT, TRANSITIONAL_QEMU};
use crate::error::Error;
use crate::machine::{MachineCatalogue, MachineType, Place};
use crate::store::Database;
use guestdb_data::model::{Date, FirmwareType, Version};
use serde::Serialize;

/// A host profile as the store holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HostProfile {
    pub id: String,
    pub name: String,
    #[serde(serialize_with = "date_text")]
    pub released: Option<Date>,
    #[serde(serialize_with = "crate::machine::version_text")]
    pub qemu: Option<Version>,
    pub qemu_package: Option<String>,
    #[serde(serialize_with = "crate::machine::version_text")]
    pub libvirt: Option<Version>,
    pub libvirt_package: Option<String>,
    /// Offers the upstream machine types of its QEMU version.
    pub upstream_machines: bool,
    /// A distribution line and release whose own types it offers.
    pub machine_line: Option<(String, String)>,
    pub arches: Vec<String>,
    pub default: bool,
    pub firmware: Vec<Firmware>,
    pub tpm: Vec<Tpm>,
    pub missing_devices: Vec<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    pub at: Place,
}

fn date_text<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
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
            at: Some(self.at.clone()),
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
        let damaged = |what: String| Error::Store {
            path: self.where_().to_string(),
            message: format!("is damaged: {what}"),
        };
        let version = |s: Option<String>, what: &str| -> Result<Option<Version>, Error> {
            match s {
                None => Ok(None),
                Some(s) => Version::parse(&s)
                    .map(Some)
                    .ok_or_else(|| damaged(format!("{what} '{s}' is not a version"))),
            }
        };
        let mut out: Vec<HostProfile> = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, name, released, qemu, qemu_package, libvirt, libvirt_package, upstream,
                    machine_line, machine_release, arches, is_default, source, note, path, line
             FROM host WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        )?;
        let mut rows = stmt.query([only])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let released: Option<String> = r.get(2)?;
            let released =
                match released {
                    None => None,
                    Some(d) => Some(Date::parse(&d).ok_or_else(|| {
                        damaged(format!("host '{id}' released '{d}' is not a date"))
                    })?),
                };
            let line: Option<String> = r.get(8)?;
            let release: Option<String> = r.get(9)?;
            let arches: String = r.get(10)?;
            out.push(HostProfile {
                qemu: version(r.get(3)?, "QEMU version")?,
                libvirt: version(r.get(5)?, "libvirt version")?,
                name: r.get(1)?,
                released,
                qemu_package: r.get(4)?,
                libvirt_package: r.get(6)?,
                upstream_machines: r.get(7)?,
                machine_line: line.zip(release),
                arches: arches.split_whitespace().map(str::to_string).collect(),
                default: r.get(11)?,
                firmware: Vec::new(),
                tpm: Vec::new(),
                missing_devices: Vec::new(),
                source: r.get(12)?,
                note: r.get(13)?,
                at: Place {
                    path: r.get(14)?,
                    line: r.get(15)?,
                },
                id,
            });
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT host, kind, arch, name, type, secure_boot, code, vars, versions
             FROM host_item WHERE ?1 IS NULL OR host = ?1 ORDER BY host, ord",
        )?;
        let mut rows = stmt.query([only])?;
        while let Some(r) = rows.next()? {
            let host: String = r.get(0)?;
            let Some(h) = out.iter_mut().find(|h| h.id == host) else {
                continue;
            };
            let kind: String = r.get(1)?;
            match kind.as_str() {
                "firmware" => {
                    let t: String = r.get(4)?;
                    let kind = FirmwareType::parse(&t)
                        .ok_or_else(|| damaged(format!("host '{host}' firmware type '{t}'")))?;
                    h.firmware.push(Firmware {
                        arch: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        kind,
                        secure_boot: r.get::<_, Option<bool>>(5)?.unwrap_or(false),
                        code: r.get(6)?,
                        vars: r.get(7)?,
                    });
                }
                "tpm" => {
                    let versions: Option<String> = r.get(8)?;
                    h.tpm.push(Tpm {
                        arch: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                        model: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                        versions: versions
                            .unwrap_or_default()
                            .split_whitespace()
                            .map(str::to_string)
                            .collect(),
                    });
                }
                "missing-device" => {
                    h.missing_devices
                        .push(r.get::<_, Option<String>>(3)?.unwrap_or_default());
                }
                other => return Err(damaged(format!("host item kind '{other}'"))),
            }
        }
        Ok(out)
    }
}
