//! Listing and filtering OSes, the newest release of a distro,
//! suggestions for names that are not known, and the releases a name that
//! has no entry falls back to. Pure functions over what the database holds;
//! [`crate::Database`] offers them as methods.

use crate::os::Os;
use crate::recommend::Fallback;
use guestdb_data::model::{natural_cmp, Chipset, Date, Phase, ReleaseStatus, VirtioClass};

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
    /// `legacy`, `modern`, `legacy-only` or `none`.
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
    /// The family (`linux`).
    pub family: Option<String>,
    /// The distribution (`rhel`).
    pub distro: Option<String>,
    /// The vendor, as the data names it.
    pub vendor: Option<String>,
    /// An architecture the OS has media, resources or drivers for.
    pub arch: Option<String>,
    /// The release status.
    pub status: Option<ReleaseStatus>,
    /// A virtio class (default `net`) and the interface wanted for it.
    pub virtio: Option<(VirtioClass, VirtioWanted)>,
    /// A chipset the OS supports.
    pub chipset: Option<Chipset>,
    /// Released on or before and supported on this date, at the level of
    /// support `support` names.
    pub supported_on: Option<Date>,
    /// The support `supported_on` asks for: standard support, security
    /// maintenance without a paid add-on (`None`: this one), or any support
    /// including paid extensions.
    pub support: Option<Phase>,
}

impl Filter {
    /// Whether `os` meets every condition set.
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
            && self
                .supported_on
                .is_none_or(|d| os.supported_at(d, self.support.unwrap_or(Phase::Security)))
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

/// The newest released version of a distro among `oses`: by release date,
/// then version; a released version whose day is not known yet (no date)
/// is newer when its number (digits and dots) is higher than that one's.
pub fn newest<'d>(oses: &[&'d Os], distro: &str) -> Option<&'d Os> {
    let released: Vec<&Os> = oses
        .iter()
        .copied()
        .filter(|o| {
            o.distro.as_deref() == Some(distro) && o.release_status == ReleaseStatus::Released
        })
        .collect();
    let version = |o: &Os| o.version.clone().unwrap_or_default();
    let dated = released
        .iter()
        .copied()
        .filter(|o| o.release_date.is_some())
        .max_by(|a, b| {
            a.release_date
                .cmp(&b.release_date)
                .then_with(|| natural_cmp(&version(a), &version(b)))
        });
    let numbered = |o: &&Os| {
        o.release_date.is_none()
            && o.version.as_deref().is_some_and(|v| {
                !v.is_empty()
                    && v.split('.')
                        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            })
    };
    let undated = released
        .iter()
        .copied()
        .filter(numbered)
        .max_by(|a, b| natural_cmp(&version(a), &version(b)));
    match (dated, undated) {
        (Some(d), Some(u)) if natural_cmp(&version(u), &version(d)).is_gt() => Some(u),
        (Some(d), _) => Some(d),
        (None, u) => u.or_else(|| released.first().copied()),
    }
}

/// The names of `names` closest to `name`, best first, for "did you mean".
///
/// A name may be at most a third of its length (at least 1) in edits
/// from a suggestion (optimal string alignment: insert, delete, replace,
/// swap two neighbours). The cost is bounded whatever the input: a name
/// longer than [`SUGGEST_MAX_LEN`] characters gets none, and a candidate
/// whose length alone puts it out of reach is never compared.
pub fn suggest<'n>(names: &[&'n str], name: &str, max: usize) -> Vec<&'n str> {
    let n = name.chars().count();
    if n == 0 || n > SUGGEST_MAX_LEN {
        return Vec::new();
    }
    let reach = |a: usize, b: usize| (a.max(b) / 3).max(1);
    let lower = name.to_lowercase();
    let with_scheme = name.contains("://");
    // Closest edit distance first; among equals, the name of the same length
    // (a typo replaces more often than it drops a character).
    let mut scored: Vec<(usize, usize, &str)> = names
        .iter()
        .copied()
        .filter(|c| with_scheme || !c.contains("://"))
        .filter_map(|c| {
            let m = c.chars().count();
            let limit = reach(n, m);
            if n.abs_diff(m) > limit {
                return None;
            }
            let c_lower: std::borrow::Cow<str> = if c.chars().any(char::is_uppercase) {
                c.to_lowercase().into()
            } else {
                c.into()
            };
            let d = bounded_distance(&lower, &c_lower, limit)?;
            Some((d, m.abs_diff(n), c))
        })
        .collect();
    scored.sort();
    scored.into_iter().take(max).map(|(_, _, n)| n).collect()
}

/// The edit distance (optimal string alignment) of `a` and `b` when it is at
/// most `limit`. The common prefix and suffix are cut first (they do not
/// change the distance), then a lower bound from the characters' counts
/// skips most candidates before the quadratic comparison.
fn bounded_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    // Each edit changes the character counts by at most 2 in total (a swap by
    // none), so half the count difference bounds the distance from below.
    let mut counts = [0i32; 128];
    let mut other = 0i32;
    for ch in a.chars() {
        match counts.get_mut(ch as usize) {
            Some(c) => *c += 1,
            None => other += 1,
        }
    }
    for ch in b.chars() {
        match counts.get_mut(ch as usize) {
            Some(c) => *c -= 1,
            None => other -= 1,
        }
    }
    let bag: u32 = counts.iter().map(|c| c.unsigned_abs()).sum::<u32>() + other.unsigned_abs();
    if (bag as usize).div_ceil(2) > limit {
        return None;
    }
    let d = strsim::osa_distance(a, b);
    (d <= limit).then_some(d)
}

/// Names longer than this get no suggestion: no id, short-id or alias is
/// near (the longest ids have about 60 characters).
pub const SUGGEST_MAX_LEN: usize = 200;

/// An OS found for a name, and the fallback used when the name is a release
/// newer than the dataset knows or a family without an entry.
#[derive(Clone, Debug)]
pub struct Resolved<'d> {
    /// The OS the name resolves to.
    pub os: &'d Os,
    /// Why it stands in for the name, when it is not the name's own entry.
    pub fallback: Option<Fallback>,
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

/// The generic entry a family name with no entry of its own falls back to
/// (`linux5.15`, `linux-6.1` to the generic Linux of that kernel generation,
/// `linux` to `linux-kernel2.6`, `windows`/`win` to `windows-generic`,
/// `freebsd`, `openbsd`, `netbsd` to theirs), and why: (short-id, reason).
pub fn generic_entry(name: &str) -> Option<(String, String)> {
    let lower = name.to_ascii_lowercase();
    let (short, why) = match lower.as_str() {
        "linux" => (
            "linux-kernel2.6".to_string(),
            "no Linux distribution or kernel is named; every Linux since kernel 2.6.25 drives what this generic entry states (name the release, or a kernel generation such as linux-kernel5, for a better fit)".to_string(),
        ),
        "windows" | "win" => (
            "windows-generic".to_string(),
            "no Windows release is named; this generic entry states Windows 10's facts".to_string(),
        ),
        "freebsd" | "openbsd" | "netbsd" => (
            format!("{lower}-generic"),
            format!("no {lower} release is named; this generic entry states what its first release with virtio drives"),
        ),
        _ => {
            let rest = lower.strip_prefix("linux")?;
            let version = rest
                .trim_start_matches('-')
                .trim_start_matches("kernel")
                .trim_start_matches('-');
            let v = guestdb_data::model::Version::parse(version)?;
            let major = version.split('.').next().unwrap_or_default();
            let first_virtio = guestdb_data::model::Version::parse("2.6.25").expect("a version");
            let generation = match major {
                "2" if v >= first_virtio => "2.6",
                "3" | "4" | "5" | "6" => major,
                m if m.parse::<u32>().is_ok_and(|m| m > 6) => "6",
                _ => "",
            };
            if generation.is_empty() {
                (
                    "unknown".to_string(),
                    format!("kernel {version} predates Linux's virtio drivers (2.6.25), so nothing but emulated devices is known to work"),
                )
            } else {
                (
                    format!("linux-kernel{generation}"),
                    format!("the dataset has no entry for a Linux named {name}; the generic Linux of kernel {version}'s generation states what the first kernel of that generation drives"),
                )
            }
        }
    };
    let reason = format!("{why}; using {short}");
    Some((short, reason))
}

/// A release newer than known, or between known ones (`rhel10.9`), among
/// `all`: the nearest earlier release of the same name, and why.
pub fn newer_release<'d>(all: &[&'d Os], name: &str) -> Option<Resolved<'d>> {
    let (prefix, version) = split_release(name)?;
    if version.len() > 20 {
        return None;
    }
    let mut best: Option<(&Os, &str)> = None;
    let mut newest: Option<&str> = None;
    // Released versions only, unless the name has nothing else.
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
    let pool = if has_released { released } else { all.to_vec() };
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
    let (os, known) = best?;
    let reason = if newest.is_some_and(|n| n == known) {
        format!(
            "{name} is newer than every {prefix} release the dataset knows; {prefix}{known} is the newest"
        )
    } else {
        format!("the dataset has no {name}; {prefix}{known} is the nearest earlier release")
    };
    Some(Resolved {
        os,
        fallback: Some(Fallback {
            requested: name.to_string(),
            reason,
        }),
    })
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
