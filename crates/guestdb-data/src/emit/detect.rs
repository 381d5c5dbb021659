//! The detection catalogue: every install medium's ISO patterns and every
//! install tree's `.treeinfo` patterns, with the OS they identify, as rows
//! of the `detect` table that one detection reads a few of (never all):
//!
//! - `detect/pattern/N`: pattern N, `{regex, weight, literals}`; each
//!   distinct pattern is stored once;
//! - `detect/gram/F/G`: the patterns of field F that a text containing the
//!   1-3 character string G may match, as `pattern:literal` pairs (space-
//!   separated): every pattern with required literals (found here, at build
//!   time) is filed under one gram of each of its literals, the rarest; the
//!   rest under `detect/always/F`;
//! - `detect/media/N`: the media whose volume-id pattern is N (`none`: media
//!   without one), each `{os, n, arch, variants, fallback, system_id?,
//!   publisher_id?, application_id?, volume_size?, languages}`;
//! - `detect/trees/N`: the trees whose family pattern is N, likewise;
//! - `detect/newest`: each distro's newest release (released before prerelease) with media or trees, for
//!   naming releases newer than known;
//! - `datamaps`: every datamap, `{id: {in: out}}`.

use super::catalogue::json;
use super::os::languages;
use crate::doc::detect as d;
use crate::model::*;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use rusqlite::{params, Connection};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Literal strings of which every match of `pattern` contains one; `None`
/// when there is no short set (the matcher then always runs the pattern).
///
/// A match of a concatenation contains a match of every part of it, so the
/// literals are looked for in each tail (as prefixes) and each head (as
/// suffixes) of the pattern's top-level concatenation, and the set whose
/// shortest literal is longest wins; a set too large becomes its common
/// prefix or suffix.
pub fn required_literals(pattern: &str) -> Option<Vec<String>> {
    use regex_syntax::hir::{Hir, HirKind};
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    let parts: Vec<Hir> = match hir.kind() {
        HirKind::Concat(v) => v.clone(),
        _ => vec![hir.clone()],
    };
    let mut best: Option<Vec<String>> = None;
    let shortest = |v: &Vec<String>| v.iter().map(String::len).min().unwrap_or(0);
    for k in 0..parts.len() {
        let tail = Hir::concat(parts[k..].to_vec());
        let head = Hir::concat(parts[..parts.len() - k].to_vec());
        for (kind, h) in [(ExtractKind::Prefix, tail), (ExtractKind::Suffix, head)] {
            let Some(texts) = literal_set(&h, kind) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| shortest(&texts) > shortest(b)) {
                best = Some(texts);
            }
        }
    }
    best
}

/// The prefix (or suffix) literals of `hir`, if a usable finite set.
fn literal_set(hir: &regex_syntax::hir::Hir, kind: ExtractKind) -> Option<Vec<String>> {
    let mut extractor = Extractor::new();
    extractor
        .kind(kind.clone())
        .limit_total(1000)
        .limit_class(16);
    let seq = extractor.extract(hir);
    let literals = seq.literals()?;
    let mut texts: Vec<String> = literals
        .iter()
        .map(|l| String::from_utf8(l.as_bytes().to_vec()).ok())
        .collect::<Option<_>>()?;
    texts.sort();
    texts.dedup();
    if texts.len() > 256 {
        let common = match kind {
            ExtractKind::Prefix => common_prefix(&texts),
            _ => common_suffix(&texts),
        };
        texts = vec![common];
    }
    if texts.is_empty() || texts.iter().any(String::is_empty) {
        return None;
    }
    Some(texts)
}

fn common_prefix(texts: &[String]) -> String {
    let first = &texts[0];
    let mut n = first.len();
    for t in texts {
        n = n.min(
            first
                .bytes()
                .zip(t.bytes())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    while !first.is_char_boundary(n) {
        n -= 1;
    }
    first[..n].to_string()
}

fn common_suffix(texts: &[String]) -> String {
    let first = &texts[0];
    let mut n = first.len();
    for t in texts {
        n = n.min(
            first
                .bytes()
                .rev()
                .zip(t.bytes().rev())
                .take_while(|(a, b)| a == b)
                .count(),
        );
    }
    let mut start = first.len() - n;
    while !first.is_char_boundary(start) {
        start += 1;
    }
    first[start..].to_string()
}

#[cfg(test)]
mod tests {
    use super::required_literals;

    #[test]
    fn literals_are_what_every_match_must_contain() {
        assert_eq!(required_literals("RHEL-6.10 .*.i386$").unwrap(), ["RHEL-6"]);
        let alma = required_literals("AlmaLinux-10-([0-9]|[1-9][0-9])-x86_64-dvd").unwrap();
        assert_eq!(alma.len(), 100);
        assert!(alma.contains(&"AlmaLinux-10-5-x86_64-dvd".to_string()));
        assert_eq!(required_literals("8.1/X86_64").unwrap(), ["1/X86_64"]);
        assert_eq!(
            required_literals(".*RHEL/5.10 i386.*").unwrap(),
            ["10 i386"]
        );
        assert_eq!(
            required_literals("^.*RHEL-7.0.*x86_64.*$").unwrap(),
            ["RHEL-7"]
        );
        assert_eq!(required_literals("(4[5-9]|[5-9][0-9])").unwrap().len(), 55);
        // Look-around is not regex-syntax's: no literals, the pattern always runs.
        assert_eq!(required_literals("Asianux Server (7 (?!SP[123]))"), None);
    }
}

/// Distinct patterns, each with its literals and the fields it is used in.
#[derive(Default)]
struct Patterns {
    index: HashMap<String, usize>,
    list: Vec<(String, Option<Vec<String>>)>,
    fields: Vec<BTreeSet<&'static str>>,
}

impl Patterns {
    /// The id of the pattern `p` (stored once), used in `field`.
    fn id(&mut self, field: &'static str, p: &Option<Located<String>>) -> Option<u32> {
        let p = p.as_ref()?;
        let i = match self.index.get(&p.value) {
            Some(&i) => i,
            None => {
                let i = self.list.len();
                self.list
                    .push((p.value.clone(), required_literals(&p.value)));
                self.fields.push(BTreeSet::new());
                self.index.insert(p.value.clone(), i);
                i
            }
        };
        self.fields[i].insert(field);
        Some(i as u32)
    }
}

/// The fields patterns are matched in: the ISO descriptor's, then the `.treeinfo`'s.
pub const FIELDS: [&str; 8] = [
    "volume_id",
    "system_id",
    "publisher_id",
    "application_id",
    "family",
    "version",
    "arch",
    "variant",
];

/// The grams (strings of at most [`GRAM`] characters) of `text`; the same
/// gram may occur more than once.
pub fn grams(text: &str) -> Vec<&str> {
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let mut out = Vec::new();
    for (k, &s) in starts.iter().enumerate() {
        for len in 1..=GRAM {
            if k + len > starts.len() {
                break;
            }
            let end = starts.get(k + len).copied().unwrap_or(text.len());
            out.push(&text[s..end]);
        }
    }
    out
}

/// The longest gram: patterns are filed under strings of up to this many
/// characters (a shorter literal under itself).
pub const GRAM: usize = 3;

/// The gram a literal is filed under: of its substrings of [`GRAM`]
/// characters, the one the fewest patterns' literals contain (so a common
/// prefix like "Fed" does not gather every Fedora pattern).
fn rarest_gram<'a>(literal: &'a str, frequency: &HashMap<&str, usize>) -> &'a str {
    let full: Vec<&str> = grams(literal)
        .into_iter()
        .filter(|g| g.chars().count() == GRAM)
        .collect();
    // (duplicates do not matter for a minimum)
    full.into_iter()
        .min_by_key(|g| frequency.get(g).copied().unwrap_or(0))
        .unwrap_or(literal)
}

/// The characters a pattern states literally (outside classes and escapes):
/// how specific it is when it has no required literal.
fn spelled(regex: &str) -> usize {
    let (mut n, mut in_class, mut escaped) = (0, false, false);
    for c in regex.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            c if !in_class && c.is_alphanumeric() => n += 1,
            _ => {}
        }
    }
    n
}

pub(super) fn emit_detect(
    tx: &Connection,
    data: &Dataset,
    store_idx: &[u32],
) -> rusqlite::Result<()> {
    let mut patterns = Patterns::default();
    let mut media: BTreeMap<String, Vec<d::MediumEntry>> = BTreeMap::new();
    let mut trees: BTreeMap<String, Vec<d::TreeEntry>> = BTreeMap::new();
    let key = |p: Option<u32>| p.map_or("none".to_string(), |p| p.to_string());
    for (i, os) in data.oses.iter().enumerate() {
        let rolling = os.release_status == ReleaseStatus::Rolling;
        for (n, m) in os.media.iter().enumerate() {
            let Some(iso) = &m.iso else { continue };
            let volume = patterns.id("volume_id", &iso.volume_id);
            let entry = d::MediumEntry {
                os: store_idx[i],
                n,
                arch: m.arch.clone(),
                variants: texts(&m.variants),
                fallback: m.arch == "all" || rolling,
                volume_id: volume,
                system_id: patterns.id("system_id", &iso.system_id),
                publisher_id: patterns.id("publisher_id", &iso.publisher_id),
                application_id: patterns.id("application_id", &iso.application_id),
                volume_size: iso.volume_size,
                languages: languages(&iso.languages),
            };
            media.entry(key(volume)).or_default().push(entry);
        }
        for (n, t) in os.trees.iter().enumerate() {
            let Some(info) = &t.treeinfo else { continue };
            let family = patterns.id("family", &info.family);
            let entry = d::TreeEntry {
                os: store_idx[i],
                n,
                arch: t.arch.clone(),
                variants: texts(&t.variants),
                fallback: t.arch == "all",
                family,
                version: patterns.id("version", &info.version),
                treeinfo_arch: patterns.id("arch", &info.arch),
                variant: patterns.id("variant", &info.variant),
            };
            trees.entry(key(family)).or_default().push(entry);
        }
    }
    let mut stmt = tx.prepare("INSERT INTO detect (name, doc) VALUES (?1, ?2)")?;
    // How many patterns each gram occurs in.
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for (_, literals) in &patterns.list {
        let mut mine: Vec<&str> = literals.iter().flatten().flat_map(|l| grams(l)).collect();
        mine.sort_unstable();
        mine.dedup();
        for g in mine {
            *frequency.entry(g).or_default() += 1;
        }
    }
    let mut filed: BTreeMap<(&str, &str), Vec<(usize, usize)>> = BTreeMap::new();
    let mut always: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (regex, literals)) in patterns.list.iter().enumerate() {
        let weight = match literals {
            Some(l) => l.iter().map(|t| t.chars().count()).min().unwrap_or(0),
            None => spelled(regex),
        };
        for &field in &patterns.fields[i] {
            if literals.is_none() {
                always.entry(field).or_default().push(i);
            }
            for (k, l) in literals.iter().flatten().enumerate() {
                filed
                    .entry((field, rarest_gram(l, &frequency)))
                    .or_default()
                    .push((i, k));
            }
        }
        let pattern = d::Pattern {
            regex: regex.clone(),
            weight: weight as u32,
            literals: literals.clone(),
        };
        stmt.execute(params![format!("detect/pattern/{i}"), json(&pattern)?])?;
    }
    let words = |ids: &[usize]| {
        ids.iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    for ((field, g), hits) in &filed {
        let text: Vec<String> = hits.iter().map(|(i, k)| format!("{i}:{k}")).collect();
        stmt.execute(params![format!("detect/gram/{field}/{g}"), text.join(" ")])?;
    }
    for field in FIELDS {
        let ids = always.get(field).map(Vec::as_slice).unwrap_or(&[]);
        stmt.execute(params![format!("detect/always/{field}"), words(ids)])?;
    }
    for (k, list) in &media {
        stmt.execute(params![format!("detect/media/{k}"), json(list)?])?;
    }
    for (k, list) in &trees {
        stmt.execute(params![format!("detect/trees/{k}"), json(list)?])?;
    }
    stmt.execute(params!["detect/newest", json(&newest(data, store_idx))?])?;
    let datamaps: d::Datamaps = data
        .datamaps
        .iter()
        .map(|m| {
            let entries = m
                .entries
                .iter()
                .map(|(i, o, _)| (i.clone(), o.clone()))
                .collect();
            (m.id.value.clone(), entries)
        })
        .collect();
    stmt.execute(params!["datamaps", json(&datamaps)?])?;
    Ok(())
}

/// For each distro, its release with the highest version that has media
/// (a released one before any prerelease)
/// (and the one that has trees): `{media: [{distro, os, version,
/// volume_ids: [[pattern, arch, n]]}], trees: [{distro, os, version,
/// trees: [[family, treeinfo arch, variant, arch, n]]}]}`.
fn newest(data: &Dataset, store_idx: &[u32]) -> d::Newest {
    let mut with_media: BTreeMap<&str, usize> = BTreeMap::new();
    let mut with_trees: BTreeMap<&str, usize> = BTreeMap::new();
    let numeric = |os: &OsRecord| {
        os.version
            .as_ref()
            .is_some_and(|v| v.value.starts_with(|c: char| c.is_ascii_digit()))
    };
    for (i, os) in data.oses.iter().enumerate() {
        let Some(distro) = os.distro.as_ref().map(|d| d.value.as_str()) else {
            continue;
        };
        if !numeric(os) {
            continue;
        }
        let version = |j: usize| {
            data.oses[j]
                .version
                .as_ref()
                .map_or("", |v| v.value.as_str())
        };
        let mine = version(i);
        for (has, best) in [
            (os.media.iter().any(|m| m.iso.is_some()), &mut with_media),
            (
                os.trees.iter().any(|t| t.treeinfo.is_some()),
                &mut with_trees,
            ),
        ] {
            // A released version beats a prerelease (what `recommend`
            // falls back to is the newest released), then the higher version.
            let released = |j: usize| data.oses[j].release_status == ReleaseStatus::Released;
            if has
                && best.get(distro).is_none_or(|&j| {
                    released(i)
                        .cmp(&released(j))
                        .then(natural_cmp(mine, version(j)))
                        == std::cmp::Ordering::Greater
                })
            {
                best.insert(distro, i);
            }
        }
    }
    let media = with_media
        .iter()
        .map(|(distro, &i)| {
            let os = &data.oses[i];
            let volume_ids = os
                .media
                .iter()
                .enumerate()
                .filter_map(|(n, m)| {
                    let v = m.iso.as_ref()?.volume_id.as_ref()?;
                    Some((v.value.clone(), m.arch.clone(), n))
                })
                .collect();
            d::NewestMedia {
                distro: distro.to_string(),
                os: store_idx[i],
                version: os.version.as_ref().map(|v| v.value.clone()),
                volume_ids,
            }
        })
        .collect();
    let trees = with_trees
        .iter()
        .map(|(distro, &i)| {
            let os = &data.oses[i];
            let text = |p: &Option<Located<String>>| p.as_ref().map(|p| p.value.clone());
            let list = os
                .trees
                .iter()
                .enumerate()
                .filter_map(|(n, t)| {
                    let info = t.treeinfo.as_ref()?;
                    Some((
                        text(&info.family),
                        text(&info.arch),
                        text(&info.variant),
                        t.arch.clone(),
                        n,
                    ))
                })
                .collect();
            d::NewestTrees {
                distro: distro.to_string(),
                os: store_idx[i],
                version: os.version.as_ref().map(|v| v.value.clone()),
                trees: list,
            }
        })
        .collect();
    d::Newest { media, trees }
}

fn texts(list: &[Located<String>]) -> Vec<String> {
    list.iter().map(|v| v.value.clone()).collect()
}
