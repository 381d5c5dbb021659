//! Install-media detection (DESIGN.md §4.3): which OS, architecture,
//! variant and language an ISO image, an `isoinfo -d` dump or an install
//! tree's `.treeinfo` is.
//!
//! - [`iso`], [`isoinfo`], [`treeinfo`]: reading each kind of input;
//! - [`matcher`]: matching against the dataset's patterns as libosinfo does;
//! - [`newer`]: naming a release newer than the dataset knows.
//!
//! The patterns are read and compiled once per [`Database`], on the first
//! detection (never by commands that do not detect).

pub mod iso;
pub mod isoinfo;
pub mod matcher;
pub mod newer;
pub mod treeinfo;

use crate::error::Error;
use crate::os::Os;
use crate::store::Store;
use guestdb_data::doc::detect::Newest;
use once_cell::sync::OnceCell;
use serde::Serialize;
use std::fmt;
use std::path::Path;

/// What an install ISO says about itself: its primary volume descriptor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MediaInfo {
    /// The volume id (up to 32 characters).
    pub volume_id: Option<String>,
    /// The system id.
    pub system_id: Option<String>,
    /// The publisher id.
    pub publisher_id: Option<String>,
    /// The application id.
    pub application_id: Option<String>,
    /// Bytes: the volume's blocks times its block size.
    pub volume_size: Option<u64>,
    /// It has an El Torito boot record.
    pub bootable: bool,
    /// The architecture, when the caller knows it (an ISO does not say).
    pub arch: Option<String>,
}

/// What an install tree's `.treeinfo` says about it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TreeInfo {
    /// The family (`Red Hat Enterprise Linux`).
    pub family: Option<String>,
    /// The version (`9.6`).
    pub version: Option<String>,
    /// The variant (`BaseOS`), if the tree names one.
    pub variant: Option<String>,
    /// As the tree names it (`i386`, `x86_64`, `aarch64`).
    pub arch: Option<String>,
}

/// How sure a match is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// The best match, and no other OS matches as well.
    High,
    /// Matched, but another OS matches equally well (the media is ambiguous).
    Medium,
    /// A fallback entry (any architecture, a rolling release) or a release
    /// newer than the dataset knows, guessed from the distribution's naming.
    Low,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
            Confidence::Low => "low",
        })
    }
}

/// One field that matched, and the pattern it matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matched {
    /// The field (`volume_id`, `treeinfo_family`, `volume_size`).
    pub field: &'static str,
    /// What the medium or tree has in it.
    pub value: String,
    /// The pattern (a regex) it matched.
    pub pattern: String,
}

/// A release newer than the dataset knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NewerRelease {
    /// The distribution (`fedora`).
    pub distro: String,
    /// The version read from the media (`46`).
    pub version: String,
    /// The newest release the dataset knows, whose patterns were generalised.
    pub nearest_short_id: String,
}

/// A candidate OS for a medium or tree, with why.
#[derive(Clone, Debug, Serialize)]
pub struct Match<'d> {
    #[serde(skip)]
    /// The OS of the dataset.
    pub os: &'d Os,
    /// Its first short-id.
    pub short_id: String,
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The architecture of the matching entry (`all` when it names none).
    pub arch: String,
    /// The OS variants the entry is for (`server`, `workstation`).
    pub variants: Vec<String>,
    /// The installer languages the medium gives, where it says.
    pub languages: Vec<String>,
    /// How sure the match is.
    pub confidence: Confidence,
    /// Each field that matched, with the pattern it matched.
    pub matched: Vec<Matched>,
    /// Matched only in the fallback pass (arch `all` or a rolling release).
    pub fallback: bool,
    /// Set when the OS is a guess: a release newer than known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_than_known: Option<NewerRelease>,
    /// Where the matching entry is declared (`os/...xml` and its media or tree number).
    pub entry: String,
}

impl Match<'_> {
    /// The JSON form of the candidate for media read from `path` (what
    /// `guestdb detect --json` prints for each).
    pub fn to_json(&self, path: &str, input: &Input) -> serde_json::Value {
        let kind = match input {
            Input::Iso(_) => "iso",
            Input::Isoinfo(_) => "isoinfo",
            Input::Treeinfo(_) => "treeinfo",
        };
        serde_json::json!({
            "path": path,
            "input": kind,
            "short_id": self.short_id,
            "id": self.id,
            "name": self.name,
            "arch": self.arch,
            "variant": self.variants.first(),
            "variants": self.variants,
            "languages": self.languages,
            "confidence": self.confidence,
            "fallback": self.fallback,
            "newer_than_known": self.newer_than_known,
            "matched": self.matched,
            "entry": self.entry,
        })
    }
}

/// Why a path could not be read as media.
#[derive(Debug)]
pub enum DetectError {
    /// The path could not be read.
    Io {
        /// The path as given.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file is no ISO 9660 image (and nothing else detection reads).
    NotIso {
        /// The path as given.
        path: String,
        /// Why not.
        why: String,
    },
    /// The file is no `.treeinfo` file.
    NotTreeinfo {
        /// The path as given.
        path: String,
        /// Why not.
        why: String,
    },
    /// Not a file or directory detection knows.
    Unknown {
        /// The path as given.
        path: String,
        /// Why it is not one.
        why: String,
    },
}

impl fmt::Display for DetectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DetectError::Io { path, source } => write!(f, "{path}: {source}"),
            DetectError::NotIso { path, why } => write!(f, "{path}: not an ISO 9660 image: {why}"),
            DetectError::NotTreeinfo { path, why } => {
                write!(f, "{path}: not a .treeinfo file: {why}")
            }
            DetectError::Unknown { path, why } => write!(f, "{path}: {why}"),
        }
    }
}

impl std::error::Error for DetectError {}

/// What a path holds, read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Input {
    /// An ISO 9660 image.
    Iso(MediaInfo),
    /// An `isoinfo -d` dump.
    Isoinfo(MediaInfo),
    /// A `.treeinfo` file, or a directory holding one.
    Treeinfo(TreeInfo),
}

/// Reads `path` as whatever it is: an ISO image, an `isoinfo -d` dump, a
/// `.treeinfo` file or a directory with one. Reads at most a few sectors of
/// an image.
pub fn read_path(path: &Path) -> Result<Input, DetectError> {
    use std::io::Read;
    let shown = path.display().to_string();
    let io = |e: std::io::Error| DetectError::Io {
        path: shown.clone(),
        source: e,
    };
    // A file that cannot be read as what it looks like: a FIFO, a device,
    // one larger than such files are.
    let bounded = |e: crate::error::Error| DetectError::Unknown {
        path: e.path().unwrap_or(&shown).to_string(),
        why: e.message().to_string(),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        let file = path.join(".treeinfo");
        if std::fs::symlink_metadata(&file).is_err() {
            return Err(DetectError::Unknown {
                path: shown,
                why: "a directory without a .treeinfo file; give an ISO image, an isoinfo -d dump, a .treeinfo file or an install tree".into(),
            });
        }
        let text = crate::input::read_to_string(&file, crate::input::TREEINFO).map_err(bounded)?;
        return treeinfo::read_treeinfo(&text, &file.display().to_string()).map(Input::Treeinfo);
    }
    if !meta.is_file() {
        return Err(DetectError::Unknown {
            path: shown,
            why: "not a regular file or directory".into(),
        });
    }
    let mut file = crate::input::open(
        path,
        crate::input::Kind {
            what: "install media",
            max: u64::MAX,
        },
    )
    .map_err(bounded)?;
    let mut head = [0u8; 256];
    let n = file.read(&mut head).map_err(io)?;
    let head = &head[..n];
    if n == 0 {
        return Err(DetectError::Unknown {
            path: shown,
            why: "the file is empty".into(),
        });
    }
    let head_text = std::str::from_utf8(head).ok();
    if head_text.is_some_and(isoinfo::is_dump) {
        let text = crate::input::read_to_string(path, crate::input::ISOINFO).map_err(bounded)?;
        return isoinfo::read_isoinfo(&text, &shown).map(Input::Isoinfo);
    }
    let text_start = head_text.is_some_and(|t| t.trim_start().starts_with('['));
    if text_start
        || path
            .file_name()
            .is_some_and(|f| f == ".treeinfo" || f == "treeinfo")
    {
        let text = crate::input::read_to_string(path, crate::input::TREEINFO).map_err(bounded)?;
        return treeinfo::read_treeinfo(&text, &shown).map(Input::Treeinfo);
    }
    iso::read_iso(&mut file, meta.len(), &shown).map(Input::Iso)
}

/// How detection finds the OS of a store row: the caller's (cached) lookup.
pub(crate) type OsLookup<'d> = dyn Fn(u32) -> Result<Option<&'d Os>, Error> + 'd;

/// Detection over one store: what it read and compiled of the patterns so
/// far (nothing until the first detection).
#[derive(Default)]
pub struct Detector {
    matcher: OnceCell<matcher::Matcher>,
    newest: OnceCell<Newest>,
}

impl Detector {
    fn matcher(&self, store: &Store) -> Result<&matcher::Matcher, Error> {
        self.matcher
            .get_or_try_init(|| matcher::Matcher::new(store))
    }

    /// Each distro's newest release with media or trees (read once).
    fn newest(&self, store: &Store) -> Result<&Newest, Error> {
        self.newest
            .get_or_try_init(|| store.detect_doc("detect/newest"))
    }

    /// Every OS whose install media match `media`, the best first; when
    /// none does, a release newer than known that the media's naming suggests.
    pub(crate) fn media<'d>(
        &self,
        store: &Store,
        os: &OsLookup<'d>,
        media: &MediaInfo,
    ) -> Result<Vec<Match<'d>>, Error> {
        let mut found = self.matcher(store)?.media(store, os, media)?;
        if found.is_empty() {
            found = newer::media(self.newest(store)?, os, media)?;
        }
        Ok(found)
    }

    /// Every OS whose install trees match `tree`, the best first.
    pub(crate) fn tree<'d>(
        &self,
        store: &Store,
        os: &OsLookup<'d>,
        tree: &TreeInfo,
    ) -> Result<Vec<Match<'d>>, Error> {
        let mut found = self.matcher(store)?.trees(store, os, tree)?;
        if found.is_empty() {
            found = newer::tree(self.newest(store)?, os, tree)?;
        }
        Ok(found)
    }
}
