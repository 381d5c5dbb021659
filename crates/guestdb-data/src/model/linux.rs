//! The Linux driver table (`data/linux.xml`): from which mainline kernel
//! each virtio class is driven, per generation, and from which kernel a
//! chipset is usable. An OS that states its `<kernel>` gets the facts the
//! table implies for every class it states nothing about.

use super::*;
use crate::diag::Loc;

/// `<virtio class="net" legacy="2.6.25" modern="4.0"/>`: the first mainline
/// kernels whose drivers bind the class's legacy (transitional) and modern
/// (virtio 1.0) PCI devices. `None`: no kernel does (a class without a
/// legacy ID).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinuxVirtio {
    pub class: VirtioClass,
    pub legacy: Option<Version>,
    pub modern: Option<Version>,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `<chipset name="q35" since="4.0"/>`: from this kernel on the chipset is
/// supported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinuxChipset {
    pub chipset: Chipset,
    pub since: Version,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `<transport arch="s390x" name="virtio-ccw" since="3.8"/>`: on this
/// architecture virtio devices reach the guest over another transport than
/// PCI, which the kernel needs from `since` on. Below it the kernel drives
/// no virtio device of that architecture, whatever its PCI facts say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinuxTransport {
    pub arch: String,
    pub name: String,
    pub since: Version,
    pub provenance: Provenance,
    pub loc: Loc,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinuxTable {
    pub virtio: Vec<LinuxVirtio>,
    pub chipsets: Vec<LinuxChipset>,
    pub transports: Vec<LinuxTransport>,
    pub loc: Option<Loc>,
}

/// What a kernel implies for one virtio class: (legacy, modern).
impl LinuxVirtio {
    pub fn implies(&self, kernel: Version) -> (bool, bool) {
        (
            self.legacy.is_some_and(|v| kernel >= v),
            self.modern.is_some_and(|v| kernel >= v),
        )
    }
}
