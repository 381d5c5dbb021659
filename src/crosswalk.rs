//! The crosswalk: the names other tools give the OSes (VMware guest ids,
//! Proxmox `ostype`, ...; `data/crosswalk/`), looked up as `SCHEME:NAME`.

use guestdb_data::doc::catalogue::{Scheme, SchemeName};
use rustc_hash::FxHashMap;

/// Every scheme, indexed by `SCHEME:NAME` and by OS.
#[derive(Debug, Default)]
pub struct Crosswalk {
    schemes: Vec<Scheme>,
    /// `scheme:name` as written, to (scheme, name) indexes.
    exact: FxHashMap<Box<str>, (u32, u32)>,
    /// The same in lower case, for names typed in another case.
    folded: FxHashMap<Box<str>, (u32, u32)>,
    /// OS id to every (scheme, name, OS position) naming it; the position
    /// [`FAMILY`] for an OS of a family name's series (`family`).
    by_os: FxHashMap<Box<str>, Vec<(u32, u32, u32)>>,
}

/// The OS position of a release a family name covers without listing it.
const FAMILY: u32 = u32::MAX;

/// A name of a scheme, found.
#[derive(Clone, Copy, Debug)]
pub struct Found<'c> {
    /// The scheme.
    pub scheme: &'c Scheme,
    /// The name, with the OSes it names.
    pub name: &'c SchemeName,
}

impl<'c> Found<'c> {
    /// The OS the name resolves to (its first) and how well it matches;
    /// `None` for a gap.
    pub fn best(&self) -> Option<(&'c str, &'c str)> {
        self.name
            .oses
            .first()
            .map(|o| (o.id.as_str(), o.quality.as_str()))
    }

    /// The architecture the name is for (`aarch64` for
    /// `kubevirt:rhel.9.arm64`), where the scheme's name says one.
    pub fn arch(&self) -> Option<&'c str> {
        self.name.arch.as_deref()
    }
}

/// An OS's name in one scheme.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OsName<'c> {
    /// The scheme (`vmware`).
    pub scheme: &'c str,
    /// The OS's name in it (`rhel9_64Guest`).
    pub name: &'c str,
    /// `exact`, `family` or `generic`.
    pub quality: &'c str,
    /// The architecture the name is for, where it says one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arch: Option<&'c str>,
    /// The OS the name resolves to, when not this one: a family name
    /// (`vmware:rhel6_64Guest` shown for rhel6.10 resolves to
    /// rhel6-unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolves_to: Option<&'c str>,
}

/// Rank of a quality: exact first.
fn rank(quality: &str) -> u8 {
    match quality {
        "exact" => 0,
        "family" => 1,
        _ => 2,
    }
}

/// Whether `text` has the shape of `SCHEME:NAME` (a scheme, a colon, a
/// name that does not start with `/`), so that callers can tell without
/// reading the crosswalk that a short-id or an id URL
/// (`http://redhat.com/rhel/6.10`) is not one.
pub fn may_be_scheme_name(text: &str) -> bool {
    text.split_once(':').is_some_and(|(scheme, name)| {
        !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && !name.starts_with('/')
    })
}

impl Crosswalk {
    /// Indexes `schemes`.
    pub fn new(schemes: Vec<Scheme>) -> Crosswalk {
        let mut c = Crosswalk {
            schemes,
            ..Crosswalk::default()
        };
        for (si, s) in c.schemes.iter().enumerate() {
            for (ni, n) in s.names.iter().enumerate() {
                let key = format!("{}:{}", s.scheme, n.name);
                c.folded
                    .entry(key.to_ascii_lowercase().into())
                    .or_insert((si as u32, ni as u32));
                c.exact.entry(key.into()).or_insert((si as u32, ni as u32));
                for (oi, o) in n.oses.iter().enumerate() {
                    c.by_os
                        .entry(o.id.as_str().into())
                        .or_default()
                        .push((si as u32, ni as u32, oi as u32));
                }
                for id in &n.family {
                    c.by_os
                        .entry(id.as_str().into())
                        .or_default()
                        .push((si as u32, ni as u32, FAMILY));
                }
            }
        }
        c
    }

    /// Every scheme, in name order.
    pub fn schemes(&self) -> &[Scheme] {
        &self.schemes
    }

    /// The scheme named `name` (`vmware`, in any case).
    pub fn scheme(&self, name: &str) -> Option<&Scheme> {
        self.schemes
            .iter()
            .find(|s| s.scheme.eq_ignore_ascii_case(name))
    }

    /// Whether `text` is `SCHEME:NAME` for a known scheme.
    pub fn is_scheme_name(&self, text: &str) -> bool {
        may_be_scheme_name(text)
            && text
                .split_once(':')
                .is_some_and(|(s, _)| self.scheme(s).is_some())
    }

    /// The name `SCHEME:NAME` (the name in any case).
    pub fn lookup(&self, text: &str) -> Option<Found<'_>> {
        let &(si, ni) = match self.exact.get(text) {
            Some(hit) => hit,
            None => {
                // Lower case on the stack for names of usual length.
                let mut buf = [0u8; 64];
                match buf.get_mut(..text.len()) {
                    Some(b) => {
                        b.copy_from_slice(text.as_bytes());
                        b.make_ascii_lowercase();
                        self.folded.get(std::str::from_utf8(b).ok()?)?
                    }
                    None => self.folded.get(text.to_ascii_lowercase().as_str())?,
                }
            }
        };
        let scheme = &self.schemes[si as usize];
        Some(Found {
            scheme,
            name: &scheme.names[ni as usize],
        })
    }

    /// The OS's name in each scheme that names it, for each architecture
    /// the scheme's names state (in the scheme's order): the best match
    /// (exact before family before generic; among equals, a name that
    /// resolves to the OS, then one of a family's series, then the first
    /// listed). A family name covers every release of its OS's series
    /// (quality `family`) and resolves to the OS it lists.
    pub fn names_of(&self, os_id: &str) -> Vec<OsName<'_>> {
        let Some(hits) = self.by_os.get(os_id) else {
            return Vec::new();
        };
        // (scheme, name) indexes, the name, and its rank (lowest best).
        type Key = (u8, u32);
        let mut best: Vec<((u32, u32), OsName<'_>, Key)> = Vec::new();
        for &(si, ni, oi) in hits {
            let s = &self.schemes[si as usize];
            let n = &s.names[ni as usize];
            let (quality, key, resolves_to) = if oi == FAMILY {
                let to = n.oses.first().map(|o| o.id.as_str());
                ("family", (rank("family"), 2), to)
            } else {
                let q = n.oses[oi as usize].quality.as_str();
                let to = n.oses.first().map(|o| o.id.as_str()).filter(|_| oi > 0);
                (q, (rank(q), if oi == 0 { 0 } else { 3 }), to)
            };
            let name = OsName {
                scheme: &s.scheme,
                name: &n.name,
                quality,
                arch: n.arch.as_deref(),
                resolves_to,
            };
            match best
                .iter_mut()
                .find(|(b, o, _)| b.0 == si && o.arch == name.arch)
            {
                Some(b) if key < b.2 => *b = ((si, ni), name, key),
                Some(_) => {}
                None => best.push(((si, ni), name, key)),
            }
        }
        // By scheme, then in the scheme's order.
        best.sort_by_key(|(at, _, _)| *at);
        best.into_iter().map(|(_, n, _)| n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::may_be_scheme_name;

    #[test]
    fn only_scheme_shaped_names_may_be_scheme_names() {
        for yes in ["vmware:rhel9_64Guest", "proxmox:win11", "KubeVirt:rhel.9"] {
            assert!(may_be_scheme_name(yes), "{yes}");
        }
        for no in [
            "rhel6.10",
            "http://redhat.com/rhel/6.10",
            ":rhel9",
            "vm ware:x",
            "",
        ] {
            assert!(!may_be_scheme_name(no), "{no}");
        }
    }
}
