//! Matching media and trees against the dataset's patterns, as libosinfo
//! does: each pattern is a regex searched unanchored in its field,
//! case-sensitive; an entry matches when every pattern it has matches (an
//! absent field matches no pattern), its architecture fits, and its volume
//! size, when it gives one, is the medium's exactly. Entries for any
//! architecture (`all`) and of rolling releases are tried only for OSes with
//! no other match. Among matches, more specific entries (an exact volume
//! size, more fields, longer literal text in the patterns that matched) rank
//! first; equals in the dataset's order (older releases first).
//!
//! The store files each pattern under a short string ("gram") every text it
//! matches contains (see guestdb-data's `emit::detect`). A detection reads
//! the rows of the grams in its text, then only the candidate patterns and
//! the media filed under the volume-id patterns that matched: a few dozen
//! rows, never all 3,000 entries. Rows read and regexes compiled are kept
//! for the next detection.

use super::{Confidence, Match, Matched, MediaInfo, OsLookup, TreeInfo};
use crate::error::Error;
use crate::store::Store;
use guestdb_data::doc::detect::{Datamaps, MediumEntry, Pattern as PatternRow, TreeEntry};
use guestdb_data::emit::detect::{grams, FIELDS};
use once_cell::sync::OnceCell;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// Locks a cache; a panic elsewhere cannot leave a cache of read rows
/// inconsistent (entries are inserted whole), so a poisoned lock is used.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

struct Pattern {
    regex: String,
    weight: u32,
    /// Every match contains one of these (none: no such set).
    literals: Option<Vec<String>>,
    /// Compiled the first time a text contains one of its literals.
    compiled: OnceCell<Option<Compiled>>,
}

/// A pattern compiled by regex-lite (quick to build; the texts are short),
/// or by fancy-regex when it needs look-around or back-references, which
/// PCRE (libosinfo's GRegex) has and regex-lite does not.
enum Compiled {
    Lite(regex_lite::Regex),
    Fancy(fancy_regex::Regex),
}

impl Compiled {
    fn new(pattern: &str) -> Option<Compiled> {
        match regex_lite::Regex::new(pattern) {
            Ok(r) => Some(Compiled::Lite(r)),
            Err(_) => fancy_regex::Regex::new(pattern).ok().map(Compiled::Fancy),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        match self {
            Compiled::Lite(r) => r.is_match(text),
            Compiled::Fancy(r) => r.is_match(text).unwrap_or(false),
        }
    }
}

impl Pattern {
    fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| Compiled::new(&self.regex))
            .as_ref()
            .is_some_and(|r| r.is_match(value))
    }
}

/// Rows read so far, by name after `prefix` (misses included).
struct Cache<T> {
    prefix: &'static str,
    rows: Mutex<FxHashMap<Box<str>, Option<Arc<T>>>>,
}

impl<T> Cache<T> {
    fn new(prefix: &'static str) -> Cache<T> {
        Cache {
            prefix,
            rows: Mutex::new(FxHashMap::default()),
        }
    }

    /// The rows `keys`, reading the ones not read yet in one query.
    fn get<K: AsRef<str>>(
        &self,
        store: &Store,
        keys: &[K],
        parse: impl Fn(&str) -> Result<T, Error>,
    ) -> Result<Vec<Arc<T>>, Error> {
        let missing: Vec<String> = {
            let rows = lock(&self.rows);
            keys.iter()
                .filter(|k| !rows.contains_key(k.as_ref()))
                .map(|k| format!("{}{}", self.prefix, k.as_ref()))
                .collect()
        };
        if !missing.is_empty() {
            let found = store.detect_rows(&missing)?;
            let mut rows = lock(&self.rows);
            for n in &missing {
                rows.insert(n[self.prefix.len()..].into(), None);
            }
            for (name, text) in found {
                rows.insert(
                    name[self.prefix.len()..].into(),
                    Some(Arc::new(parse(&text)?)),
                );
            }
        }
        let rows = lock(&self.rows);
        Ok(keys
            .iter()
            .filter_map(|k| rows.get(k.as_ref()).cloned().flatten())
            .collect())
    }
}

/// The gram rows of one field read so far: gram → (pattern, literal index).
type GramRows = FxHashMap<Box<str>, Arc<Vec<(u32, u16)>>>;

/// The matcher of one store: what it read of the detection rows so far.
pub struct Matcher {
    /// Per field (as in `FIELDS`), gram → (pattern, index of the literal
    /// filed there), misses included.
    grams: Vec<Mutex<GramRows>>,
    patterns: Mutex<FxHashMap<u32, Arc<Pattern>>>,
    /// Per field, the patterns without literals (always run).
    always: HashMap<String, Vec<u32>>,
    media: Cache<Vec<MediumEntry>>,
    trees: Cache<Vec<TreeEntry>>,
    /// Language patterns, anchored and compiled, by their text.
    languages: Mutex<FxHashMap<String, Arc<Option<fancy_regex::Regex>>>>,
    /// Every datamap, read the first time a language pattern needs one.
    datamaps: OnceCell<Datamaps>,
}

fn ids(text: &str) -> Vec<u32> {
    text.split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// `pattern:literal` pairs of a gram row.
fn pairs(text: &str) -> Vec<(u32, u16)> {
    text.split_whitespace()
        .filter_map(|w| {
            let (p, l) = w.split_once(':')?;
            Some((p.parse().ok()?, l.parse().ok()?))
        })
        .collect()
}

impl Matcher {
    pub(crate) fn new(store: &Store) -> Result<Matcher, Error> {
        let names: Vec<String> = FIELDS
            .iter()
            .map(|f| format!("detect/always/{f}"))
            .collect();
        let always: HashMap<String, Vec<u32>> = store
            .detect_rows(&names)?
            .into_iter()
            .map(|(n, t)| (n.rsplit('/').next().unwrap_or("").to_string(), ids(&t)))
            .collect();
        if always.len() != FIELDS.len() {
            return Err(store.damaged("its detection patterns are incomplete (detect/always/...)"));
        }
        Ok(Matcher {
            grams: FIELDS
                .iter()
                .map(|_| Mutex::new(FxHashMap::default()))
                .collect(),
            patterns: Mutex::new(FxHashMap::default()),
            always,
            media: Cache::new("detect/media/"),
            trees: Cache::new("detect/trees/"),
            languages: Mutex::new(FxHashMap::default()),
            datamaps: OnceCell::new(),
        })
    }

    /// The patterns `ids`, read and compiled if not yet.
    fn patterns(&self, store: &Store, ids: &[u32]) -> Result<Vec<Arc<Pattern>>, Error> {
        let missing: Vec<u32> = {
            let have = lock(&self.patterns);
            ids.iter()
                .filter(|i| !have.contains_key(i))
                .copied()
                .collect()
        };
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|i| format!("detect/pattern/{i}"))
                .collect();
            let rows = store.detect_rows(&names)?;
            let mut have = lock(&self.patterns);
            for (name, text) in rows {
                let row: PatternRow = store.parse_doc(&name, &text)?;
                let id: u32 = name
                    .rsplit('/')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                have.insert(
                    id,
                    Arc::new(Pattern {
                        compiled: OnceCell::new(),
                        regex: row.regex,
                        weight: row.weight,
                        literals: row.literals,
                    }),
                );
            }
        }
        let have = lock(&self.patterns);
        Ok(ids.iter().filter_map(|i| have.get(i).cloned()).collect())
    }

    fn pattern(&self, store: &Store, id: u32) -> Result<Option<Arc<Pattern>>, Error> {
        Ok(self.patterns(store, &[id])?.into_iter().next())
    }

    /// The patterns of `field` that match `value`, sorted.
    fn matching(&self, store: &Store, field: &str, value: &str) -> Result<Vec<u32>, Error> {
        let f = FIELDS.iter().position(|x| *x == field).unwrap_or(0);
        let cache = &self.grams[f];
        // Not deduplicated: sorting the grams measured 50 % slower warm
        // (8.4 -> 12.3 us for a Fedora descriptor) than the few repeats cost.
        let all = grams(value);
        let missing: Vec<&str> = {
            let have = lock(cache);
            all.iter()
                .copied()
                .filter(|g| !have.contains_key(*g))
                .collect()
        };
        if !missing.is_empty() {
            let names: Vec<String> = missing
                .iter()
                .map(|g| format!("detect/gram/{field}/{g}"))
                .collect();
            let found = store.detect_rows(&names)?;
            let mut have = lock(cache);
            let empty = Arc::new(Vec::new());
            for g in &missing {
                have.insert((*g).into(), empty.clone());
            }
            let prefix = format!("detect/gram/{field}/");
            for (name, text) in found {
                have.insert(name[prefix.len()..].into(), Arc::new(pairs(&text)));
            }
        }
        let hits: Vec<(u32, u16)> = {
            let have = lock(cache);
            all.iter()
                .filter_map(|g| have.get(*g))
                .flat_map(|l| l.iter().copied())
                .collect()
        };
        let mut ids: Vec<u32> = hits.iter().map(|h| h.0).collect();
        ids.extend(self.always.get(field).into_iter().flatten().copied());
        ids.sort_unstable();
        ids.dedup();
        let patterns = self.patterns(store, &ids)?;
        let by_id: FxHashMap<u32, &Arc<Pattern>> =
            ids.iter().copied().zip(patterns.iter()).collect();
        // A candidate stays when the literal filed under its gram is in the
        // text (or it has none); then its regex decides.
        let mut passing: Vec<u32> = hits
            .iter()
            .filter(|(id, k)| {
                by_id.get(id).is_some_and(|p| {
                    p.literals
                        .as_ref()
                        .and_then(|l| l.get(usize::from(*k)))
                        .is_some_and(|l| value.contains(l.as_str()))
                })
            })
            .map(|h| h.0)
            .chain(self.always.get(field).into_iter().flatten().copied())
            .collect();
        passing.sort_unstable();
        passing.dedup();
        passing.retain(|id| by_id.get(id).is_some_and(|p| p.is_match(value)));
        Ok(passing)
    }

    fn weight(&self, store: &Store, ids: &[u32]) -> Result<u32, Error> {
        Ok(self.patterns(store, ids)?.iter().map(|p| p.weight).sum())
    }

    /// For each field with a value, the ids of the patterns its value
    /// matches (`strip` is the prefix field names have in `fields` but not
    /// in the store).
    fn field_sets(
        &self,
        store: &Store,
        fields: &[(&'static str, &Option<String>)],
        strip: &str,
    ) -> Result<Vec<Option<Vec<u32>>>, Error> {
        fields
            .iter()
            .map(|(field, v)| {
                v.as_deref()
                    .map(|s| self.matching(store, field.trim_start_matches(strip), s))
                    .transpose()
            })
            .collect()
    }

    /// The entries of `all` that `fit` accepts, with their scores: first the
    /// entries that are not fallbacks, then the fallbacks of OSes no other
    /// entry matched. `fit` gives an entry's patterns and whether its volume
    /// size matched too.
    fn select<E>(
        &self,
        store: &Store,
        all: &[&E],
        key: impl Fn(&E) -> (u32, bool),
        fit: impl Fn(&E) -> Option<([Option<u32>; 4], bool)>,
    ) -> Result<Vec<(Score, usize)>, Error> {
        let mut hits: Vec<(Score, usize)> = Vec::new();
        let mut matched_os: Vec<u32> = Vec::new();
        for fallback in [false, true] {
            let before = hits.len();
            for (k, e) in all.iter().enumerate() {
                let (os, is_fallback) = key(e);
                if is_fallback != fallback || (fallback && matched_os.contains(&os)) {
                    continue;
                }
                let Some((pats, size)) = fit(e) else {
                    continue;
                };
                let used: Vec<u32> = pats.iter().flatten().copied().collect();
                hits.push((
                    Score {
                        fallback,
                        size,
                        fields: used.len() as u32,
                        weight: self.weight(store, &used)?,
                    },
                    k,
                ));
            }
            matched_os.extend(hits[before..].iter().map(|(_, k)| key(all[*k]).0));
        }
        Ok(hits)
    }

    /// Which field matched which pattern, for the fields an entry has patterns for.
    fn matched(
        &self,
        store: &Store,
        pats: &[Option<u32>; 4],
        fields: &[(&'static str, &Option<String>); 4],
    ) -> Result<Vec<Matched>, Error> {
        let mut matched = Vec::new();
        for (p, (field, value)) in pats.iter().zip(fields.iter()) {
            if let (Some(p), Some(v)) = (p, value) {
                if let Some(p) = self.pattern(store, *p)? {
                    matched.push(Matched {
                        field,
                        value: v.clone(),
                        pattern: p.regex.clone(),
                    });
                }
            }
        }
        Ok(matched)
    }

    /// Every medium entry matching `media`, the best first.
    pub(crate) fn media<'d>(
        &self,
        store: &Store,
        os: &OsLookup<'d>,
        media: &MediaInfo,
    ) -> Result<Vec<Match<'d>>, Error> {
        let fields: [(&'static str, &Option<String>); 4] = [
            ("volume_id", &media.volume_id),
            ("system_id", &media.system_id),
            ("publisher_id", &media.publisher_id),
            ("application_id", &media.application_id),
        ];
        let sets = self.field_sets(store, &fields, "")?;
        // Only media filed under a volume-id pattern that matched can match
        // (and those without one).
        let mut groups: Vec<String> = sets[0].iter().flatten().map(|p| p.to_string()).collect();
        groups.push("none".into());
        let entries: Vec<Arc<Vec<MediumEntry>>> = self
            .media
            .get(store, &groups, |t| store.parse_doc("detection media", t))?;
        let all: Vec<&MediumEntry> = entries.iter().flat_map(|g| g.iter()).collect();
        let hits = self.select(
            store,
            &all,
            |e| (e.os, e.fallback),
            |e| {
                if media
                    .arch
                    .as_ref()
                    .is_some_and(|a| e.arch != *a && e.arch != "all")
                {
                    return None;
                }
                let pats = [e.volume_id, e.system_id, e.publisher_id, e.application_id];
                let size = e.volume_size.filter(|&s| s > 0);
                if pats.iter().all(Option::is_none) && size.is_none() {
                    return None;
                }
                if size.is_some_and(|s| Some(s) != media.volume_size) {
                    return None;
                }
                fits(&pats, &sets).then_some((pats, size.is_some()))
            },
        )?;
        let mut found = Vec::new();
        for (score, k) in hits {
            let e = all[k];
            let pats = [e.volume_id, e.system_id, e.publisher_id, e.application_id];
            let mut matched = self.matched(store, &pats, &fields)?;
            if let Some(s) = e.volume_size.filter(|&s| s > 0) {
                matched.push(Matched {
                    field: "volume_size",
                    value: s.to_string(),
                    pattern: s.to_string(),
                });
            }
            let languages = self.languages(store, e, media.volume_id.as_deref())?;
            found.push(Candidate {
                score,
                os: e.os,
                arch: e.arch.clone(),
                variants: e.variants.clone(),
                languages,
                matched,
                entry: format!("media {}", e.n),
            });
        }
        rank(os, found)
    }

    /// The languages a matched medium gives: from its language pattern (the
    /// first group of an anchored match on the volume id, looked up in its
    /// datamap), else the languages it lists.
    fn languages(
        &self,
        store: &Store,
        e: &MediumEntry,
        volume_id: Option<&str>,
    ) -> Result<Vec<String>, Error> {
        let Some(l) = e.languages.iter().find(|l| l.regex) else {
            return Ok(e.languages.iter().map(|l| l.value.clone()).collect());
        };
        let Some(volume) = volume_id else {
            return Ok(Vec::new());
        };
        let cached = lock(&self.languages).get(&l.value).cloned();
        let re = cached.unwrap_or_else(|| {
            let re = Arc::new(fancy_regex::Regex::new(&format!("^(?:{})", l.value)).ok());
            lock(&self.languages).insert(l.value.clone(), re.clone());
            re
        });
        let Some(re) = re.as_ref() else {
            return Ok(Vec::new());
        };
        let Some(raw) = re
            .captures(volume)
            .ok()
            .flatten()
            .and_then(|c| c.get(1).map(|g| g.as_str().to_string()))
        else {
            return Ok(Vec::new());
        };
        let mapped = match &l.map {
            Some(map) => self
                .datamaps
                .get_or_try_init(|| store.detect_doc("datamaps"))?
                .get(map)
                .and_then(|m| m.get(&raw))
                .cloned(),
            None => None,
        };
        Ok(vec![mapped.unwrap_or(raw)])
    }

    /// Every tree entry matching `tree`, the best first.
    pub(crate) fn trees<'d>(
        &self,
        store: &Store,
        os: &OsLookup<'d>,
        tree: &TreeInfo,
    ) -> Result<Vec<Match<'d>>, Error> {
        let fields: [(&'static str, &Option<String>); 4] = [
            ("treeinfo_family", &tree.family),
            ("treeinfo_version", &tree.version),
            ("treeinfo_arch", &tree.arch),
            ("treeinfo_variant", &tree.variant),
        ];
        let sets = self.field_sets(store, &fields, "treeinfo_")?;
        let mut groups: Vec<String> = sets[0].iter().flatten().map(|p| p.to_string()).collect();
        groups.push("none".into());
        let entries: Vec<Arc<Vec<TreeEntry>>> = self
            .trees
            .get(store, &groups, |t| store.parse_doc("detection trees", t))?;
        let all: Vec<&TreeEntry> = entries.iter().flat_map(|g| g.iter()).collect();
        let hits = self.select(
            store,
            &all,
            |e| (e.os, e.fallback),
            |e| {
                let pats = [e.family, e.version, e.treeinfo_arch, e.variant];
                let any = pats.iter().any(Option::is_some);
                (any && fits(&pats, &sets)).then_some((pats, false))
            },
        )?;
        let mut found = Vec::new();
        for (score, k) in hits {
            let e = all[k];
            let pats = [e.family, e.version, e.treeinfo_arch, e.variant];
            let matched = self.matched(store, &pats, &fields)?;
            found.push(Candidate {
                score,
                os: e.os,
                arch: e.arch.clone(),
                variants: e.variants.clone(),
                languages: Vec::new(),
                matched,
                entry: format!("tree {}", e.n),
            });
        }
        rank(os, found)
    }
}

/// Whether every pattern an entry has is among those its field matched.
fn fits(pats: &[Option<u32>; 4], sets: &[Option<Vec<u32>>]) -> bool {
    pats.iter().zip(sets).all(|(p, set)| match p {
        None => true,
        Some(p) => set.as_ref().is_some_and(|s| s.binary_search(p).is_ok()),
    })
}

/// A matching entry before ranking.
struct Candidate {
    score: Score,
    os: u32,
    arch: String,
    variants: Vec<String>,
    languages: Vec<String>,
    matched: Vec<Matched>,
    entry: String,
}

/// Orders candidates best first, keeps one per (OS, arch, variants) and sets
/// each one's confidence: high for the best when no other OS scores as well,
/// medium for other matches, low for fallbacks.
fn rank<'d>(os: &OsLookup<'d>, mut found: Vec<Candidate>) -> Result<Vec<Match<'d>>, Error> {
    found.sort_by(|a, b| b.score.cmp(&a.score).then(a.os.cmp(&b.os)));
    let mut out: Vec<(Score, Match)> = Vec::new();
    for c in found {
        if out
            .iter()
            .any(|(_, m)| m.os.idx == c.os && m.arch == c.arch && m.variants == c.variants)
        {
            continue;
        }
        let Some(os) = os(c.os)? else {
            continue;
        };
        out.push((
            c.score,
            Match {
                os,
                short_id: os.short_id().to_string(),
                id: os.id.clone(),
                name: os.name.clone(),
                arch: c.arch,
                variants: c.variants,
                languages: c.languages,
                confidence: Confidence::Low,
                matched: c.matched,
                fallback: c.score.fallback,
                newer_than_known: None,
                entry: format!("{} {}", os.path, c.entry),
            },
        ));
    }
    let best = out.first().map(|(s, _)| *s);
    let tied_with_other = |os: u32| out.iter().any(|(s, m)| Some(*s) == best && m.os.idx != os);
    let confidence: Vec<Confidence> = out
        .iter()
        .map(|(s, m)| {
            if s.fallback {
                Confidence::Low
            } else if Some(*s) == best && !tied_with_other(m.os.idx) {
                Confidence::High
            } else {
                Confidence::Medium
            }
        })
        .collect();
    Ok(out
        .into_iter()
        .zip(confidence)
        .map(|((_, mut m), c)| {
            m.confidence = c;
            m
        })
        .collect())
}

/// How well an entry matched; greater is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Score {
    fallback: bool,
    size: bool,
    fields: u32,
    weight: u32,
}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Score) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Score) -> std::cmp::Ordering {
        // Not a fallback beats a fallback; then an exact size, more fields,
        // more literal text.
        (!self.fallback, self.size, self.fields, self.weight).cmp(&(
            !other.fallback,
            other.size,
            other.fields,
            other.weight,
        ))
    }
}
