//! QEMU machine types: the upstream release list with the versioned machine
//! families and the rules that retire them, and the machine types
//! distributions add or ship instead (downstream lines). Which machine types
//! one QEMU offers is computed from these (`guestdb::machine`), not listed
//! per release.

use super::*;
use crate::diag::Loc;

/// The machine families the engine knows, by chipset or board.
pub const MACHINE_FAMILIES: &[&str] = &["i440fx", "q35", "virt", "pseries", "s390-ccw-virtio"];

/// A QEMU release X.Y.0 and the day it came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QemuRelease {
    pub version: Version,
    pub date: Option<Date>,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// A versioned machine family: `pc-q35-X.Y` for every release X.Y from `first`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineFamily {
    /// `i440fx`, `q35`, `virt`, `pseries`, `s390-ccw-virtio`.
    pub name: Located<String>,
    /// The architectures whose QEMU offers it (`x86_64 i686`).
    pub arches: Vec<String>,
    /// What precedes the version in a machine name (`pc-q35-`).
    pub prefix: String,
    /// The unversioned name that means "the newest of this family" (`q35`).
    pub alias: Option<String>,
    /// The first release in which `alias` names the newest versioned type.
    pub alias_since: Option<Version>,
    /// The first version of the family.
    pub first: Version,
    /// The family's newest type is QEMU's default machine for these arches.
    pub default_machine: bool,
    /// One type per release (`versioned="false"`: one type named `prefix`
    /// in every release from `first`, such as riscv64's `virt`).
    pub versioned: bool,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// A machine name outside the one-per-release pattern: a bug-fix type such
/// as `pc-q35-4.0.1`, a tagged one such as `pseries-2.12-sxxm`, or the old
/// `pc-0.10`..`pc-1.3` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraMachine {
    pub name: Located<String>,
    pub family: Located<String>,
    /// The version the lifecycle rules treat it as (`4.0` for `pc-q35-4.0.1`).
    pub version: Version,
    /// The first release that offers it.
    pub added: Version,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// Whether a [`MachineChange`] retires machine types or only marks them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Deprecated,
    Removed,
}

impl ChangeKind {
    pub fn name(self) -> &'static str {
        match self {
            ChangeKind::Deprecated => "deprecated",
            ChangeKind::Removed => "removed",
        }
    }
}

/// A deliberate deprecation or removal: the types of `family` with versions
/// `from`..=`to` are deprecated (or gone) from release `release` on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineChange {
    pub kind: ChangeKind,
    pub family: Located<String>,
    pub from: Version,
    pub to: Version,
    pub release: Version,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// QEMU's lifecycle of versioned machine types (since 9.1): a type X.Y is
/// deprecated from release (X + deprecate_after).Y and no longer offered from
/// release (X + delete_after).Y, the latter only from `delete_since` on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    pub since: Version,
    pub deprecate_after: u16,
    pub delete_after: u16,
    pub delete_since: Version,
    pub provenance: Provenance,
    pub loc: Loc,
}

/// `data/machines/qemu.xml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpstreamMachines {
    pub releases: Vec<QemuRelease>,
    pub families: Vec<MachineFamily>,
    pub extras: Vec<ExtraMachine>,
    pub changes: Vec<MachineChange>,
    pub lifecycle: Option<Lifecycle>,
}

/// A machine type a distribution's QEMU offers. `since` names, per major
/// release line, the release from which it is offered: the type is offered
/// in release R when `since` holds a release of R's major line that is not
/// after R (natural order). `deprecated_since` works the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownstreamMachine {
    pub name: Located<String>,
    pub family: Located<String>,
    pub arches: Vec<String>,
    pub since: Vec<Located<String>>,
    pub deprecated_since: Vec<Located<String>>,
    /// A variant of another type (`hpb`, `maxcpus`, `sxxm`), never chosen
    /// unless asked for by name.
    pub variant: Option<String>,
    pub provenance: Provenance,
    pub loc: Loc,
}

impl DownstreamMachine {
    pub fn offered_in(&self, release: &str) -> bool {
        from_release(self.since.iter().map(|s| s.value.as_str()), release)
    }

    pub fn deprecated_in(&self, release: &str) -> bool {
        from_release(
            self.deprecated_since.iter().map(|s| s.value.as_str()),
            release,
        )
    }
}

/// The major release line of a distribution release (`9` for `9.6`).
pub fn release_major(release: &str) -> &str {
    release.split('.').next().unwrap_or(release)
}

/// Whether a per-line list of starting releases (`since="9.4 10.0"`) covers
/// `release`: it holds a release of the same major line not after it.
///
/// ```
/// use guestdb_data::model::from_release;
/// assert!(from_release(["9.4", "10.0"], "9.6"));
/// assert!(from_release(["9.4", "10.0"], "10.1"));
/// assert!(!from_release(["9.8", "10.2"], "10.0"));
/// assert!(!from_release(["9.4"], "9.2"));
/// ```
pub fn from_release<'a>(starts: impl IntoIterator<Item = &'a str>, release: &str) -> bool {
    starts.into_iter().any(|s| {
        release_major(s) == release_major(release)
            && natural_cmp(s, release) != std::cmp::Ordering::Greater
    })
}

/// `data/machines/<line>.xml`: one distribution's own machine types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DownstreamLine {
    /// `rhel`, `ubuntu`.
    pub id: Located<String>,
    pub name: String,
    /// Whether this distribution's QEMU also offers the upstream types.
    pub with_upstream: bool,
    /// Unversioned names the distribution adds (`ubuntu-q35` for the newest
    /// `pc-q35-<codename>`) and the family each names the newest type of.
    pub aliases: Vec<(String, String)>,
    /// Each family's types oldest first: the newest offered type of a
    /// family is the last of its types a release offers.
    pub machines: Vec<DownstreamMachine>,
    pub provenance: Provenance,
    pub loc: Loc,
}
