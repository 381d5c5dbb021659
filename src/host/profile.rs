//! Host profiles of the dataset (`data/hosts/<id>.xml`): read from the
//! store, and turned into a [`Host`] with the machine types their QEMU
//! version (and distribution line) offers.

use super::{Accel, Capability, Catalogues, DeviceSet, Host, HostCpu, HostSource};
use super::{CPU_MAXIMUM_LIBVIRT, TRANSITIONAL_LIBVIRT, TRANSITIONAL_QEMU};
use crate::machine::MachineType;
pub use guestdb_data::doc::catalogue::HostProfile;

/// The host a profile describes, with the machine types its QEMU version
/// (and distribution line) offers for `arch`, or for every arch it runs
/// when `arch` is `None`.
pub fn host(
    profile: &HostProfile,
    catalogues: &Catalogues,
    arch: Option<&str>,
) -> Result<Host, String> {
    let catalogue = catalogues.machines;
    let qemu = profile
        .qemu
        .ok_or_else(|| format!("host profile '{}' names no QEMU version", profile.id))?;
    let mut machines = Vec::new();
    for arch in profile
        .arches
        .iter()
        .filter(|a| arch.is_none_or(|x| x == a.as_str()))
    {
        let mut offered: Vec<MachineType> = Vec::new();
        if profile.upstream_machines {
            offered.extend(catalogue.upstream(qemu, arch).ok_or_else(|| {
                format!(
                    "host profile '{}': QEMU {qemu} is not a release of the machine-type catalogue",
                    profile.id
                )
            })?);
        }
        if let Some((line, release)) = &profile.machine_line {
            offered.extend(catalogue.downstream(line, release, arch).ok_or_else(|| {
                format!(
                    "host profile '{}': machine-type line '{line}' is not in the catalogue",
                    profile.id
                )
            })?);
        }
        machines.push((arch.clone(), offered));
    }
    let transitional = match profile.libvirt {
        Some(l) => Capability {
            available: qemu >= TRANSITIONAL_QEMU && l >= TRANSITIONAL_LIBVIRT,
            why: format!(
                "{}: QEMU {qemu} (needs >= {TRANSITIONAL_QEMU}) and libvirt {l} (needs >= {TRANSITIONAL_LIBVIRT}) ({})",
                profile.id, profile.at
            ),
        },
        None => Capability {
            available: qemu >= TRANSITIONAL_QEMU,
            why: format!(
                "{}: QEMU {qemu} (needs >= {TRANSITIONAL_QEMU}); no libvirt ({})",
                profile.id, profile.at
            ),
        },
    };
    Ok(Host {
        name: profile.id.clone(),
        description: profile.name.clone(),
        source: HostSource::Profile(profile.at.path.clone()),
        qemu: Some(qemu),
        libvirt: profile.libvirt,
        arches: profile.arches.clone(),
        machines,
        firmware: profile.firmware.clone(),
        tpm: profile.tpm.clone(),
        devices: DeviceSet::AllBut(profile.missing_devices.clone()),
        transitional,
        accel: Accel {
            kvm: true,
            tcg: true,
            why: format!(
                "{}: a distribution host runs KVM guests (and TCG) ({})",
                profile.id, profile.at
            ),
        },
        spice: Capability {
            available: profile.spice,
            why: format!(
                "{}: SPICE {} ({})",
                profile.id,
                if profile.spice { "offered" } else { "not offered" },
                profile.at
            ),
        },
        hyperv: super::hyperv_by_versions(catalogues.hyperv, Some(qemu), profile.libvirt, None),
        hyperv_why: format!(
            "{}: what QEMU {qemu}{} offers (data/hyperv.xml); the CPU vendor is not known, so no vendor-specific feature",
            profile.id,
            profile
                .libvirt
                .map(|l| format!(" and libvirt {l}"))
                .unwrap_or_default()
        ),
        cpu: HostCpu {
            vendor: None,
            host_model: true,
            maximum: profile.libvirt.is_none_or(|l| l >= CPU_MAXIMUM_LIBVIRT),
            models: super::cpus_by_version(catalogues.cpus, Some(qemu)),
            host_model_name: None,
            usable_known: false,
        },
        osinfo: None,
    })
}
