//! Machine types: which ones a QEMU version offers, which it marks
//! deprecated and what the unversioned aliases point to, computed from the
//! catalogue in `data/machines/` (upstream release list, families, extra
//! names, deliberate removals and deprecations, QEMU's lifecycle rule; and
//! the distributions' own lines). Nothing here is listed per release.

use guestdb_data::doc::catalogue::{Change, Extra, Family, Lifecycle, Line, Machines, Release};
pub use guestdb_data::doc::Place;
use guestdb_data::model::{from_release, natural_cmp, Version};
use serde::Serialize;

/// Every release label a line's data names (`9.4`, `10.0`, ...), in order.
pub fn line_releases(line: &Line) -> Vec<&str> {
    let mut all: Vec<&str> = line
        .machines
        .iter()
        .flat_map(|m| m.since.iter().map(String::as_str))
        .collect();
    all.sort_by(|a, b| natural_cmp(a, b));
    all.dedup();
    all
}

/// Where a machine type comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Origin {
    /// Upstream QEMU's: `version` is its ABI version X.Y (micro for bug-fix types).
    Upstream,
    /// A distribution's line.
    Downstream {
        /// The line's id (`rhel`, `ubuntu`).
        line: String,
    },
}

/// A machine type a host offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MachineType {
    /// Its name (`pc-q35-7.2`).
    pub name: String,
    /// `i440fx`, `q35`, `virt`, `pseries`, `s390-ccw-virtio`.
    pub family: String,
    /// The unversioned names that point to it on this host (`q35`, `ubuntu-q35`).
    pub aliases: Vec<String>,
    /// The host marks it deprecated.
    pub deprecated: bool,
    /// The QEMU release that added it (upstream types).
    pub qemu_version: Option<Version>,
    /// The version the lifecycle treats it as (upstream types).
    pub version: Option<Version>,
    /// Upstream QEMU's, or a distribution's.
    pub origin: Origin,
    /// A variant (`hpb`, `maxcpus`, `sxxm`): never chosen unless named.
    pub variant: Option<String>,
    /// Newer types sort higher within a family and origin.
    #[serde(skip)]
    pub rank: (u32, u32, u32),
    /// The catalogue fact it follows from.
    pub at: Place,
    /// Why it is deprecated, with the fact that says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deprecated_by: Option<String>,
}

/// The whole machine-type catalogue of a store: upstream QEMU's types and
/// the distributions' lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MachineCatalogue {
    /// QEMU's releases, oldest first.
    pub releases: Vec<Release>,
    /// The families of versioned types.
    pub families: Vec<Family>,
    extras: Vec<Extra>,
    changes: Vec<Change>,
    lifecycle: Option<Lifecycle>,
    /// The distributions' own lines.
    pub lines: Vec<Line>,
}

/// `(c.major, c.minor) >= (x.major + k, x.minor)`: release `c` is at least
/// `k` years of releases after version `x` (QEMU's lifecycle arithmetic).
fn aged(c: Version, x: Version, k: u16) -> bool {
    (u32::from(c.major), u32::from(c.minor))
        >= (u32::from(x.major) + u32::from(k), u32::from(x.minor))
}

impl MachineCatalogue {
    /// The catalogue of the store documents `machines` and the lines.
    pub fn new(upstream: Machines, lines: Vec<Line>) -> MachineCatalogue {
        MachineCatalogue {
            releases: upstream.releases,
            families: upstream.families,
            extras: upstream.extras,
            changes: upstream.changes,
            lifecycle: upstream.lifecycle,
            lines,
        }
    }

    /// The newest QEMU release the catalogue knows.
    pub fn newest_release(&self) -> Option<Version> {
        self.releases.iter().map(|r| r.version).max()
    }

    /// The release `version` (its X.Y), if the catalogue lists it.
    pub fn release(&self, version: Version) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| r.version == version.release())
    }

    /// The family `name` (`q35`).
    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    /// The distribution line `id` (`rhel`).
    pub fn line(&self, id: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.id == id)
    }

    /// The upstream machine types QEMU `qemu` offers for `arch`, each
    /// family newest first. `None` when `qemu` is not a listed release.
    pub fn upstream(&self, qemu: Version, arch: &str) -> Option<Vec<MachineType>> {
        let current = self.release(qemu)?.version;
        let mut out = Vec::new();
        for f in self
            .families
            .iter()
            .filter(|f| f.arches.iter().any(|a| a == arch))
        {
            if !f.versioned {
                // One type under one name in every release from the first.
                if current >= f.first {
                    out.push(MachineType {
                        name: f.prefix.clone(),
                        family: f.name.clone(),
                        aliases: Vec::new(),
                        deprecated: false,
                        qemu_version: Some(f.first),
                        version: None,
                        origin: Origin::Upstream,
                        variant: None,
                        rank: (0, 0, 0),
                        at: f.at.clone(),
                        deprecated_by: None,
                    });
                }
                continue;
            }
            let mut members: Vec<(String, Version, Version, bool, Place)> = self
                .releases
                .iter()
                .filter(|r| r.version >= f.first && r.version <= current)
                .map(|r| {
                    (
                        format!("{}{}", f.prefix, r.version),
                        r.version,
                        r.version,
                        false,
                        f.at.clone(),
                    )
                })
                .collect();
            members.extend(
                self.extras
                    .iter()
                    .filter(|e| e.family == f.name && e.added <= current)
                    .map(|e| (e.name.clone(), e.version, e.added, true, e.at.clone())),
            );
            let mut typed: Vec<MachineType> = Vec::new();
            for (name, version, added, extra, at) in members {
                let changes = self
                    .changes
                    .iter()
                    .filter(|c| c.family == f.name && version >= c.from && version <= c.to);
                let mut removed = false;
                let mut deprecated_by = None;
                for c in changes.filter(|c| c.release <= current) {
                    if c.removed {
                        removed = true;
                    } else {
                        deprecated_by = Some(format!(
                            "deprecated since QEMU {}{} ({})",
                            c.release,
                            c.note
                                .as_ref()
                                .map(|n| format!(": {n}"))
                                .unwrap_or_default(),
                            c.at
                        ));
                    }
                }
                if let Some(l) = &self.lifecycle {
                    if current >= l.delete_since && aged(current, version, l.delete_after) {
                        removed = true;
                    }
                    if deprecated_by.is_none()
                        && current >= l.since
                        && aged(current, version, l.deprecate_after)
                    {
                        deprecated_by = Some(format!(
                            "deprecated by QEMU's lifecycle rule: {version} is {} years of releases older than {current} ({})",
                            l.deprecate_after, l.at
                        ));
                    }
                }
                if removed {
                    continue;
                }
                // Within a family: by version, an extra just above its plain sibling.
                let rank = (
                    u32::from(version.major) << 16 | u32::from(version.minor),
                    u32::from(extra),
                    u32::from(version.micro.unwrap_or(0)),
                );
                typed.push(MachineType {
                    name,
                    family: f.name.clone(),
                    aliases: Vec::new(),
                    deprecated: deprecated_by.is_some(),
                    qemu_version: Some(added),
                    version: Some(version),
                    origin: Origin::Upstream,
                    variant: None,
                    rank,
                    at,
                    deprecated_by,
                });
            }
            typed.sort_by_key(|m| std::cmp::Reverse(m.rank));
            if let Some(alias) = &f.alias {
                let alias_ok = f.alias_since.is_none_or(|s| current >= s);
                if let Some(newest) = typed
                    .iter_mut()
                    .find(|m| m.version == Some(current) && m.qemu_version == Some(current))
                    .filter(|_| alias_ok)
                {
                    newest.aliases.push(alias.clone());
                }
            }
            out.extend(typed);
        }
        Some(out)
    }

    /// The machine types of `line` at release `release` for `arch`, each
    /// family newest first. `None` when the line is unknown.
    pub fn downstream(&self, line: &str, release: &str, arch: &str) -> Option<Vec<MachineType>> {
        let l = self.line(line)?;
        let mut out: Vec<MachineType> = Vec::new();
        for (ord, m) in l.machines.iter().enumerate() {
            if !m.arches.iter().any(|a| a == arch)
                || !from_release(m.since.iter().map(String::as_str), release)
            {
                continue;
            }
            let deprecated = from_release(m.deprecated_since.iter().map(String::as_str), release);
            out.push(MachineType {
                name: m.name.clone(),
                family: m.family.clone(),
                aliases: Vec::new(),
                deprecated,
                qemu_version: None,
                version: None,
                origin: Origin::Downstream { line: l.id.clone() },
                variant: m.variant.clone(),
                rank: (ord as u32, 0, 0),
                at: m.at.clone(),
                deprecated_by: deprecated
                    .then(|| format!("deprecated in {} {release} ({})", l.name, m.at)),
            });
        }
        out.sort_by(|a, b| a.family.cmp(&b.family).then(b.rank.cmp(&a.rank)));
        // Aliases: the line's own, and (when the line replaces upstream) the
        // upstream family aliases, each on the newest non-variant type.
        let mut aliases: Vec<(String, String)> = l.aliases.clone();
        if !l.with_upstream {
            for f in &self.families {
                if let Some(a) = &f.alias {
                    aliases.push((a.clone(), f.name.clone()));
                }
            }
        }
        for (alias, family) in aliases {
            if let Some(m) = out
                .iter_mut()
                .find(|m| m.family == family && m.variant.is_none())
            {
                m.aliases.push(alias);
            }
        }
        Some(out)
    }
}
