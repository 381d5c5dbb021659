//! Releases newer than the dataset knows. When nothing matches, the media
//! patterns of each distribution's newest known release are generalised:
//! where a pattern spells that release's version (`44`, `9-5`, `24.04`),
//! any number is accepted in its place. A medium that then matches, with a
//! version above the newest known, is reported as "probably <distro>
//! <version>, newer than known", low confidence, naming the release whose
//! naming it follows. Trees are judged the same way by their version field.

use super::{Confidence, Match, Matched, MediaInfo, NewerRelease, OsLookup, TreeInfo};
use crate::error::Error;
use crate::os::Os;
use guestdb_data::doc::detect::Newest;
use guestdb_data::model::natural_cmp;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::cmp::Ordering;
use std::rc::Rc;

thread_local! {
    /// The regexes of this module, compiled once per process (thread) on
    /// first use; `None` for a pattern that does not compile.
    static COMPILED: RefCell<FxHashMap<String, Option<Rc<fancy_regex::Regex>>>> =
        RefCell::new(FxHashMap::default());
}

/// `pattern` compiled, from the cache.
fn compiled(pattern: &str) -> Option<Rc<fancy_regex::Regex>> {
    COMPILED.with(|c| {
        if let Some(re) = c.borrow().get(pattern) {
            return re.clone();
        }
        let re = fancy_regex::Regex::new(pattern).ok().map(Rc::new);
        c.borrow_mut().insert(pattern.to_string(), re.clone());
        re
    })
}

/// `pattern` with the first spelling of `version`'s numbers replaced by
/// capture groups: `Fedora-.*-44` → `Fedora-.*-(\d+)`, `RHEL-9-5-0` →
/// `RHEL-(\d+)-(\d+)-0`. `None` when the pattern does not spell the version.
pub fn generalise(pattern: &str, version: &str) -> Option<String> {
    let parts: Vec<&str> = version.split('.').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let bytes = pattern.as_bytes();
    for start in 0..bytes.len() {
        if start > 0 && bytes[start - 1].is_ascii_digit() {
            continue;
        }
        let mut at = start;
        let mut out = String::new();
        let mut ok = true;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                // A separator as the pattern spells it: '.', '\.', '-', '_', ' '.
                let sep = [r"\.", ".", "-", "_", " "]
                    .into_iter()
                    .find(|s| pattern[at..].starts_with(s));
                match sep {
                    Some(s) => {
                        out.push_str(s);
                        at += s.len();
                    }
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if !pattern[at..].starts_with(part) {
                ok = false;
                break;
            }
            at += part.len();
            out.push_str(r"(\d+)");
        }
        if ok && !bytes.get(at).is_some_and(u8::is_ascii_digit) {
            return Some(format!("{}{}{}", &pattern[..start], out, &pattern[at..]));
        }
    }
    None
}

fn newer(version: &str, than: &str) -> bool {
    natural_cmp(version, than) == Ordering::Greater
}

/// The `detect/newest` row: each distro's newest release with media or trees.
fn guess<'d>(
    os: &'d Os,
    distro: &str,
    version: String,
    arch: String,
    matched: Vec<Matched>,
    entry: String,
) -> Match<'d> {
    Match {
        os,
        short_id: os.short_id().to_string(),
        id: os.id.clone(),
        name: os.name.clone(),
        arch,
        variants: Vec::new(),
        languages: Vec::new(),
        confidence: Confidence::Low,
        matched,
        fallback: false,
        newer_than_known: Some(NewerRelease {
            distro: distro.to_string(),
            version,
            nearest_short_id: os.short_id().to_string(),
        }),
        entry: format!("{} {entry}", os.path),
    }
}

/// Media of a release newer than known, by the naming of the newest known.
pub(crate) fn media<'d>(
    newest: &Newest,
    os: &OsLookup<'d>,
    media: &MediaInfo,
) -> Result<Vec<Match<'d>>, Error> {
    let Some(volume) = media.volume_id.as_deref() else {
        return Ok(Vec::new());
    };
    let mut out: Vec<Match<'d>> = Vec::new();
    for n in &newest.media {
        let known = n.version.as_deref().unwrap_or_default();
        for (pattern, arch, number) in &n.volume_ids {
            let Some(general) = generalise(pattern, known) else {
                continue;
            };
            let Some(re) = compiled(&general) else {
                continue;
            };
            let Ok(Some(caps)) = re.captures(volume) else {
                continue;
            };
            let found: Vec<&str> = (1..caps.len())
                .filter_map(|i| caps.get(i).map(|g| g.as_str()))
                .collect();
            let found = found.join(".");
            if !newer(&found, known) {
                continue;
            }
            let Some(os) = os(n.os)? else {
                continue;
            };
            let matched = vec![Matched {
                field: "volume_id",
                value: volume.to_string(),
                pattern: general.clone(),
            }];
            out.push(guess(
                os,
                &n.distro,
                found,
                arch.clone(),
                matched,
                format!("media {number}"),
            ));
            break;
        }
    }
    Ok(out)
}

/// A tree of a release newer than known: its family (and arch, variant)
/// match the newest known release's patterns, and its version is higher.
pub(crate) fn tree<'d>(
    newest: &Newest,
    os: &OsLookup<'d>,
    tree: &TreeInfo,
) -> Result<Vec<Match<'d>>, Error> {
    let Some(version) = tree.version.as_deref() else {
        return Ok(Vec::new());
    };
    if !version.starts_with(|c: char| c.is_ascii_digit()) {
        return Ok(Vec::new());
    }
    let mut out: Vec<Match<'d>> = Vec::new();
    for n in &newest.trees {
        if !newer(version, n.version.as_deref().unwrap_or_default()) {
            continue;
        }
        for (family, tarch, variant, arch, number) in &n.trees {
            let Some(family) = family else { continue };
            let mut matched = Vec::new();
            let mut fits = true;
            for (field, pattern, value) in [
                ("treeinfo_family", Some(family), &tree.family),
                ("treeinfo_arch", tarch.as_ref(), &tree.arch),
                ("treeinfo_variant", variant.as_ref(), &tree.variant),
            ] {
                let Some(pattern) = pattern else { continue };
                let hit = value.as_deref().is_some_and(|v| {
                    compiled(pattern).is_some_and(|r| r.is_match(v).unwrap_or(false))
                });
                if !hit {
                    fits = false;
                    break;
                }
                matched.push(Matched {
                    field,
                    value: value.clone().unwrap_or_default(),
                    pattern: pattern.clone(),
                });
            }
            if !fits {
                continue;
            }
            let Some(os) = os(n.os)? else {
                continue;
            };
            out.push(guess(
                os,
                &n.distro,
                version.to_string(),
                arch.clone(),
                matched,
                format!("tree {number}"),
            ));
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::generalise;

    #[test]
    fn the_version_as_the_pattern_spells_it_becomes_a_number() {
        assert_eq!(
            generalise("Fedora-S-dvd-x86_64-44", "44").unwrap(),
            r"Fedora-S-dvd-x86_64-(\d+)"
        );
        assert_eq!(
            generalise("RHEL-9-5-0-BaseOS-x86_64", "9.5").unwrap(),
            r"RHEL-(\d+)-(\d+)-0-BaseOS-x86_64"
        );
        assert_eq!(
            generalise(r"Ubuntu-Server 24\.04", "24.04").unwrap(),
            r"Ubuntu-Server (\d+)\.(\d+)"
        );
        assert_eq!(
            generalise("Debian 13.* amd64", "13").unwrap(),
            r"Debian (\d+).* amd64"
        );
        assert_eq!(
            generalise("x86_64-144", "44"),
            None,
            "inside a longer number"
        );
        assert_eq!(generalise("Fedora", "44"), None);
    }
}
