//! Machine types: which ones a QEMU version offers, which it marks
//! deprecated and what the unversioned aliases point to, computed from the
//! catalogue in `data/machines/` (upstream release list, families, extra
//! names, deliberate removals and deprecations, QEMU's lifecycle rule; and
//! the distributions' own lines). Nothing here is listed per release.

use crate::error::Error;
use crate::store::Database;
use guestdb_data::model::{from_release, natural_cmp, Date, Version};
use serde::Serialize;
use std::fmt;

/// Where a catalogue fact was declared: `path:line` relative to the data directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    pub path: String,
    pub line: u32,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub version: Version,
    pub date: Option<Date>,
    pub at: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Family {
    pub name: String,
    pub arches: Vec<String>,
    pub prefix: String,
    pub alias: Option<String>,
    pub alias_since: Option<Version>,
    pub first: Version,
    pub default_machine: bool,
    pub at: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Extra {
    name: String,
    family: String,
    version: Version,
    added: Version,
    at: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Change {
    removed: bool,
    family: String,
    from: Version,
    to: Version,
    release: Version,
    note: Option<String>,
    at: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Lifecycle {
    since: Version,
    deprecate_after: u16,
    delete_after: u16,
    delete_since: Version,
    at: Place,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct LineMachine {
    name: String,
    family: String,
    arches: Vec<String>,
    since: Vec<String>,
    deprecated_since: Vec<String>,
    variant: Option<String>,
    at: Place,
}

/// A distribution's own machine types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub id: String,
    pub name: String,
    /// Its QEMU also offers the upstream types.
    pub with_upstream: bool,
    aliases: Vec<(String, String)>,
    machines: Vec<LineMachine>,
    pub at: Place,
}

impl Line {
    /// Every release label the line's data names (`9.4`, `10.0`, ...), in order.
    pub fn releases(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .machines
            .iter()
            .flat_map(|m| m.since.iter().map(String::as_str))
            .collect();
        all.sort_by(|a, b| natural_cmp(a, b));
        all.dedup();
        all
    }
}

/// Where a machine type comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Origin {
    /// Upstream QEMU's: `version` is its ABI version X.Y (micro for bug-fix types).
    Upstream,
    /// A distribution's line (`rhel`, `ubuntu`).
    Downstream { line: String },
}

/// A machine type a host offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MachineType {
    pub name: String,
    /// `i440fx`, `q35`, `virt`, `pseries`, `s390-ccw-virtio`.
    pub family: String,
    /// The unversioned names that point to it on this host (`q35`, `ubuntu-q35`).
    pub aliases: Vec<String>,
    pub deprecated: bool,
    /// The QEMU release that added it (upstream types).
    #[serde(serialize_with = "version_text")]
    pub qemu_version: Option<Version>,
    /// The version the lifecycle treats it as (upstream types).
    #[serde(serialize_with = "version_text")]
    pub version: Option<Version>,
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

/// A version as JSON: `"7.2"`, or null.
pub(crate) fn version_text<S: serde::Serializer>(
    v: &Option<Version>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
    }
}

/// The whole machine-type catalogue of a store.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MachineCatalogue {
    pub releases: Vec<Release>,
    pub families: Vec<Family>,
    extras: Vec<Extra>,
    changes: Vec<Change>,
    lifecycle: Option<Lifecycle>,
    pub lines: Vec<Line>,
}

/// `(c.major, c.minor) >= (x.major + k, x.minor)`: release `c` is at least
/// `k` years of releases after version `x` (QEMU's lifecycle arithmetic).
fn aged(c: Version, x: Version, k: u16) -> bool {
    (u32::from(c.major), u32::from(c.minor))
        >= (u32::from(x.major) + u32::from(k), u32::from(x.minor))
}

impl MachineCatalogue {
    /// The newest QEMU release the catalogue knows.
    pub fn newest_release(&self) -> Option<Version> {
        self.releases.iter().map(|r| r.version).max()
    }

    pub fn release(&self, version: Version) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| r.version == version.release())
    }

    pub fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

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

impl Database {
    /// The machine-type catalogue with every downstream line, read from the
    /// store on first use.
    pub fn machine_catalogue(&self) -> Result<&MachineCatalogue, Error> {
        self.machines
            .get_or_try_init(|| self.read_machine_catalogue(None))
    }

    /// The catalogue with only the downstream lines `lines` (cheaper for one
    /// host profile, which needs at most its own line).
    pub fn machine_catalogue_for(&self, lines: &[&str]) -> Result<MachineCatalogue, Error> {
        match self.machines.get() {
            Some(all) => Ok(all.clone()),
            None => self.read_machine_catalogue(Some(lines)),
        }
    }

    fn read_machine_catalogue(&self, only: Option<&[&str]>) -> Result<MachineCatalogue, Error> {
        let mut cat = MachineCatalogue::default();
        let version = |s: Option<String>, what: &str| -> Result<Option<Version>, Error> {
            match s {
                None => Ok(None),
                Some(s) => Version::parse(&s).map(Some).ok_or_else(|| Error::Store {
                    path: self.where_().to_string(),
                    message: format!("is damaged: {what} '{s}' is not a version"),
                }),
            }
        };
        let need = |v: Option<Version>, what: &str| -> Result<Version, Error> {
            v.ok_or_else(|| Error::Store {
                path: self.where_().to_string(),
                message: format!("is damaged: a machine-type row has no {what}"),
            })
        };
        let mut stmt = self.conn.prepare(
            "SELECT kind, name, family, arches, prefix, alias, version, since, until, date, flag,
                    deprecate_after, delete_after, note, path, line
             FROM upstream_machine_fact ORDER BY ord",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let at = Place {
                path: r.get(14)?,
                line: r.get(15)?,
            };
            let text = |i: usize| -> rusqlite::Result<String> {
                Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
            };
            let v = version(r.get(6)?, "version")?;
            let since = version(r.get(7)?, "since")?;
            let until = version(r.get(8)?, "until")?;
            match kind.as_str() {
                "release" => cat.releases.push(Release {
                    version: need(v, "version")?,
                    date: r.get::<_, Option<String>>(9)?.and_then(|d| Date::parse(&d)),
                    at,
                }),
                "family" => cat.families.push(Family {
                    name: text(1)?,
                    arches: text(3)?.split_whitespace().map(str::to_string).collect(),
                    prefix: text(4)?,
                    alias: r.get(5)?,
                    alias_since: since,
                    first: need(v, "first version")?,
                    default_machine: r.get::<_, Option<bool>>(10)?.unwrap_or(false),
                    at,
                }),
                "machine" => cat.extras.push(Extra {
                    name: text(1)?,
                    family: text(2)?,
                    version: need(v, "version")?,
                    added: need(since, "added")?,
                    at,
                }),
                "deprecated" | "removed" => cat.changes.push(Change {
                    removed: kind == "removed",
                    family: text(2)?,
                    from: need(v, "from")?,
                    to: need(until, "to")?,
                    release: need(since, "release")?,
                    note: r.get(13)?,
                    at,
                }),
                "lifecycle" => {
                    cat.lifecycle = Some(Lifecycle {
                        since: need(since, "since")?,
                        delete_since: need(until, "delete-since")?,
                        deprecate_after: r.get::<_, Option<u16>>(11)?.unwrap_or(u16::MAX),
                        delete_after: r.get::<_, Option<u16>>(12)?.unwrap_or(u16::MAX),
                        at,
                    })
                }
                other => {
                    return Err(Error::Store {
                        path: self.where_().to_string(),
                        message: format!("is damaged: unknown machine-type row kind '{other}'"),
                    })
                }
            }
        }
        if only.is_some_and(|l| l.is_empty()) {
            return Ok(cat);
        }
        let wanted = |id: &str| only.is_none_or(|l| l.contains(&id));
        let mut stmt = self.conn.prepare(
            "SELECT id, name, upstream, aliases, path, line FROM downstream_line ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if !wanted(&id) {
                continue;
            }
            let aliases: String = r.get(3)?;
            cat.lines.push(Line {
                id,
                name: r.get(1)?,
                with_upstream: r.get(2)?,
                aliases: aliases
                    .split_whitespace()
                    .filter_map(|p| p.split_once('='))
                    .map(|(a, f)| (a.to_string(), f.to_string()))
                    .collect(),
                machines: Vec::new(),
                at: Place {
                    path: r.get(4)?,
                    line: r.get(5)?,
                },
            });
        }
        let mut stmt = self.conn.prepare(
            "SELECT line_id, name, family, arches, since, deprecated_since, variant, path, line
             FROM downstream_machine ORDER BY line_id, ord",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if !wanted(&id) {
                continue;
            }
            let words = |i: usize| -> rusqlite::Result<Vec<String>> {
                Ok(r.get::<_, String>(i)?
                    .split_whitespace()
                    .map(str::to_string)
                    .collect())
            };
            let m = LineMachine {
                name: r.get(1)?,
                family: r.get(2)?,
                arches: words(3)?,
                since: words(4)?,
                deprecated_since: words(5)?,
                variant: r.get(6)?,
                at: Place {
                    path: r.get(7)?,
                    line: r.get(8)?,
                },
            };
            if let Some(l) = cat.lines.iter_mut().find(|l| l.id == id) {
                l.machines.push(m);
            }
        }
        Ok(cat)
    }
}
