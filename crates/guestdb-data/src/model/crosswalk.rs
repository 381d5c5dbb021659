//! `data/crosswalk/SCHEME.xml`: the names other tools give the OSes.

use super::*;

/// How well a scheme's name matches an OS.
pub const QUALITIES: &[&str] = &["exact", "family", "generic"];

/// `<crosswalk scheme="vmware" title=".." source="..">`: one naming scheme
/// (VMware guest ids, Proxmox `ostype`, ...) and its names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crosswalk {
    /// The scheme's short name, the prefix of `SCHEME:NAME` (`vmware`).
    pub scheme: Located<String>,
    /// What the names are, in words (`VMware guest OS identifier`).
    pub title: String,
    pub provenance: Provenance,
    pub names: Vec<SchemeName>,
    pub loc: Loc,
}

/// `<name value="rhel9_64Guest">` with the OSes it names (`<os>`, best
/// first), or `gap="why"` when it names none guestdb knows; `arch="aarch64"`
/// when the name is for one architecture (`rhel.9.arm64`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeName {
    pub value: Located<String>,
    /// The architecture the name is for (guestdb's name: `aarch64`), where
    /// the scheme's name says one.
    pub arch: Option<Located<String>>,
    /// What the scheme says the name is for, where it says.
    pub note: Option<String>,
    /// Why no OS matches (a gap).
    pub gap: Option<String>,
    /// The OSes it names, the one `SCHEME:NAME` resolves to first.
    pub oses: Vec<SchemeOs>,
    pub loc: Loc,
}

/// `<os id="http://redhat.com/rhel/9-unknown" quality="family"/>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemeOs {
    pub id: Located<String>,
    /// One of [`QUALITIES`].
    pub quality: Located<String>,
}
