//! Listing and filtering OSes, the newest release of a distro, and
//! suggestions for names that are not known.

use crate::error::Error;
use crate::os::Os;
use crate::store::Database;
use guestdb_data::model::{natural_cmp, Chipset, Date, ReleaseStatus, VirtioClass};

/// Which virtio interface a filter asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VirtioWanted {
    /// The legacy (pre-1.0) interface.
    Legacy,
    /// The virtio 1.0 interface.
    Modern,
    /// Only the legacy interface: the OSes that break on modern-only devices.
    LegacyOnly,
    /// Neither interface.
    None,
}

impl VirtioWanted {
    pub fn parse(s: &str) -> Option<VirtioWanted> {
        match s {
            "legacy" => Some(VirtioWanted::Legacy),
            "modern" => Some(VirtioWanted::Modern),
            "legacy-only" => Some(VirtioWanted::LegacyOnly),
            "none" => Some(VirtioWanted::None),
            _ => None,
        }
    }
}

/// Conditions an OS must meet; every set condition must hold.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub family: Option<String>,
    pub distro: Option<String>,
    pub vendor: Option<String>,
    pub arch: Option<String>,
    pub status: Option<ReleaseStatus>,
    /// A virtio class (default `net`) and the interface wanted for it.
    pub virtio: Option<(VirtioClass, VirtioWanted)>,
    pub chipset: Option<Chipset>,
    /// Released on or before and not past end of life on this date.
    pub supported_on: Option<Date>,
}

impl Filter {
    pub fn matches(&self, os: &Os) -> bool {
        let eq = |want: &Option<String>, have: &Option<String>| {
            want.as_ref().is_none_or(|w| have.as_deref() == Some(w))
        };
        eq(&self.family, &os.family)
            && eq(&self.distro, &os.distro)
            && eq(&self.vendor, &os.vendor)
            && self
                .arch
                .as_ref()
                .is_none_or(|a| os.arches.iter().any(|x| x == a))
            && self.status.is_none_or(|s| os.release_status == s)
            && self.chipset.is_none_or(|c| os.supports_chipset(c))
            && self.supported_on.is_none_or(|d| os.supported_on(d))
            && self.virtio.is_none_or(|(class, want)| {
                let v = os.virtio(class);
                match want {
                    VirtioWanted::Legacy => v.legacy,
                    VirtioWanted::Modern => v.modern,
                    VirtioWanted::LegacyOnly => v.legacy && !v.modern,
                    VirtioWanted::None => !v.legacy && !v.modern,
                }
            })
    }
}

impl Database {
    /// The OSes that match `filter`, in id order.
    pub fn list(&self, filter: &Filter) -> Result<Vec<&Os>, Error> {
        Ok(self
            .oses()?
            .into_iter()
            .filter(|os| filter.matches(os))
            .collect())
    }

    /// The newest released version of a distro (by release date, then version).
    pub fn newest(&self, distro: &str) -> Result<Option<&Os>, Error> {
        Ok(self
            .oses()?
            .into_iter()
            .filter(|o| {
                o.distro.as_deref() == Some(distro) && o.release_status == ReleaseStatus::Released
            })
            .max_by(|a, b| {
                a.release_date.cmp(&b.release_date).then_with(|| {
                    natural_cmp(
                        a.version.as_deref().unwrap_or(""),
                        b.version.as_deref().unwrap_or(""),
                    )
                })
            }))
    }

    /// Known names closest to `name`, best first, for "did you mean".
    pub fn suggest(&self, name: &str, max: usize) -> Vec<&str> {
        let Ok(names) = self.names() else {
            return Vec::new();
        };
        let lower = name.to_lowercase();
        // Closest edit distance first; among equals, the name of the same length
        // (a typo replaces more often than it drops a character).
        let mut scored: Vec<(usize, usize, &str)> = names
            .into_iter()
            .filter(|n| !n.contains("://") || name.contains("://"))
            .map(|n| {
                (
                    strsim::damerau_levenshtein(&lower, &n.to_lowercase()),
                    n.len().abs_diff(name.len()),
                    n,
                )
            })
            .filter(|(d, _, n)| *d <= (n.len().max(name.len()) / 3).max(1))
            .collect();
        scored.sort();
        scored.into_iter().take(max).map(|(_, _, n)| n).collect()
    }
}

/// An OS found for a name, and the fallback used when the name is a release
/// newer than the dataset knows.
pub struct Resolved<'d> {
    pub os: &'d Os,
    pub fallback: Option<crate::recommend::Fallback>,
}

/// `rhel10.9` → (`rhel`, `10.9`): a name and the release number it ends in.
fn split_release(name: &str) -> Option<(&str, &str)> {
    let start = name
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .last()
        .map(|(i, _)| i)?;
    let (prefix, version) = name.split_at(start);
    let version = version.trim_start_matches('.');
    if prefix.is_empty()
        || version.is_empty()
        || !version.starts_with(|c: char| c.is_ascii_digit())
        || version.ends_with('.')
        || version.contains("..")
    {
        return None;
    }
    Some((prefix, version))
}

impl Database {
    /// Finds an OS by id, short-id or alias; failing that, a release newer
    /// than the dataset knows (`rhel10.9`, `fedora60`) resolves to the
    /// nearest earlier release of the same name (`rhel10.1`), with the
    /// fallback said. `None` when neither applies.
    pub fn resolve(&self, name: &str) -> Result<Option<Resolved<'_>>, Error> {
        if let Some(os) = self.try_lookup(name)? {
            return Ok(Some(Resolved { os, fallback: None }));
        }
        let Some((prefix, version)) = split_release(name) else {
            return Ok(None);
        };
        if version.len() > 20 {
            return Ok(None);
        }
        let mut best: Option<(&Os, &str)> = None;
        let mut newest: Option<&str> = None;
        // Released versions only, unless the name has nothing else.
        let all = self.oses()?;
        let released: Vec<&Os> = all
            .iter()
            .copied()
            .filter(|o| o.release_status == ReleaseStatus::Released)
            .collect();
        let has_released = released.iter().any(|o| {
            o.short_ids
                .iter()
                .any(|s| split_release(s).is_some_and(|(p, _)| p == prefix))
        });
        let pool = if has_released { released } else { all };
        for os in pool {
            for short in &os.short_ids {
                let Some((p, v)) = split_release(short) else {
                    continue;
                };
                if p != prefix {
                    continue;
                }
                if newest.is_none_or(|n| natural_cmp(v, n).is_gt()) {
                    newest = Some(v);
                }
                if natural_cmp(v, version).is_lt()
                    && best.is_none_or(|(_, b)| natural_cmp(v, b).is_gt())
                {
                    best = Some((os, v));
                }
            }
        }
        let Some((os, known)) = best else {
            return Ok(None);
        };
        let reason = if newest.is_some_and(|n| n == known) {
            format!(
                "{name} is newer than every {prefix} release the dataset knows; {prefix}{known} is the newest"
            )
        } else {
            format!("the dataset has no {name}; {prefix}{known} is the nearest earlier release")
        };
        Ok(Some(Resolved {
            os,
            fallback: Some(crate::recommend::Fallback {
                requested: name.to_string(),
                reason,
            }),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::split_release;

    #[test]
    fn names_split_into_prefix_and_release() {
        assert_eq!(split_release("rhel10.9"), Some(("rhel", "10.9")));
        assert_eq!(split_release("fedora60"), Some(("fedora", "60")));
        assert_eq!(
            split_release("centos-stream11"),
            Some(("centos-stream", "11"))
        );
        assert_eq!(split_release("rhel6.1o"), None);
        assert_eq!(split_release("10.9"), None);
        assert_eq!(split_release("rhel10."), None);
    }
}
