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
use crate::store::Database;
use serde::Serialize;
use std::fmt;
use std::path::Path;

/// What an install ISO says about itself: its primary volume descriptor.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MediaInfo {
    pub volume_id: Option<String>,
    pub system_id: Option<String>,
    pub publisher_id: Option<String>,
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
    pub family: Option<String>,
    pub version: Option<String>,
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
    pub field: &'static str,
    pub value: String,
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
    pub os: &'d Os,
    pub short_id: String,
    pub id: String,
    pub name: String,
    /// The architecture of the matching entry (`all` when it names none).
    pub arch: String,
    /// The OS variants the entry is for (`server`, `workstation`).
    pub variants: Vec<String>,
    pub languages: Vec<String>,
    pub confidence: Confidence,
    pub matched: Vec<Matched>,
    /// Matched only in the fallback pass (arch `all` or a rolling release).
    pub fallback: bool,
    /// Set when the OS is a guess: a release newer than known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub newer_than_known: Option<NewerRelease>,
    /// Where the matching entry is declared (`os/...xml` and its media or tree number).
    pub entry: String,
}

/// Why a path could not be read as media.
#[derive(Debug)]
pub enum DetectError {
    Io {
        path: String,
        source: std::io::Error,
    },
    NotIso {
        path: String,
        why: String,
    },
    NotTreeinfo {
        path: String,
        why: String,
    },
    /// Not a file or directory detection knows.
    Unknown {
        path: String,
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
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        let file = path.join(".treeinfo");
        let text = match std::fs::read_to_string(&file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(DetectError::Unknown {
                    path: shown,
                    why: "a directory without a .treeinfo file; give an ISO image, an isoinfo -d dump, a .treeinfo file or an install tree".into(),
                })
            }
            Err(e) => return Err(io(e)),
        };
        return treeinfo::read_treeinfo(&text, &file.display().to_string()).map(Input::Treeinfo);
    }
    if !meta.is_file() {
        return Err(DetectError::Unknown {
            path: shown,
            why: "not a regular file or directory".into(),
        });
    }
    let mut file = std::fs::File::open(path).map_err(io)?;
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
        let text = std::fs::read_to_string(path).map_err(io)?;
        return isoinfo::read_isoinfo(&text, &shown).map(Input::Isoinfo);
    }
    let text_start = head_text.is_some_and(|t| t.trim_start().starts_with('['));
    if text_start
        || path
            .file_name()
            .is_some_and(|f| f == ".treeinfo" || f == "treeinfo")
    {
        let text = std::fs::read_to_string(path).map_err(io)?;
        return treeinfo::read_treeinfo(&text, &shown).map(Input::Treeinfo);
    }
    iso::read_iso(&mut file, meta.len(), &shown).map(Input::Iso)
}

impl Database {
    /// Every OS whose install media match `media`, the best first.
    pub fn identify_media(&self, media: &MediaInfo) -> Result<Vec<Match<'_>>, Error> {
        let mut found = self.matcher()?.media(self, media)?;
        if found.is_empty() {
            found = newer::media(self, media)?;
        }
        Ok(found)
    }

    /// Every OS whose install trees match `tree`, the best first.
    pub fn identify_tree(&self, tree: &TreeInfo) -> Result<Vec<Match<'_>>, Error> {
        let mut found = self.matcher()?.trees(self, tree)?;
        if found.is_empty() {
            found = newer::tree(self, tree)?;
        }
        Ok(found)
    }

    /// Matches for what [`read_path`] read.
    pub fn identify(&self, input: &Input) -> Result<Vec<Match<'_>>, Error> {
        match input {
            Input::Iso(m) | Input::Isoinfo(m) => self.identify_media(m),
            Input::Treeinfo(t) => self.identify_tree(t),
        }
    }

    /// The detection row `name` as `T`; every store has it.
    fn detect_doc<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<T, Error> {
        let rows = self.detect_rows(&[name.to_string()])?;
        let (_, text) = rows.into_iter().next().ok_or_else(|| Error::Store {
            path: self.where_().to_string(),
            message: format!("is damaged: it has no detection row '{name}'"),
        })?;
        self.parse_doc(&format!("detection row '{name}'"), &text)
    }

    fn matcher(&self) -> Result<&matcher::Matcher, Error> {
        self.detect.get_or_try_init(|| matcher::Matcher::new(self))
    }

    /// Each distro's newest release with media or trees (read once).
    fn newest_releases(&self) -> Result<&newer::Newest, Error> {
        self.newest
            .get_or_try_init(|| self.detect_doc("detect/newest"))
    }

    /// Every datamap, by id (read once).
    pub(crate) fn datamaps(
        &self,
    ) -> Result<&std::collections::HashMap<String, std::collections::HashMap<String, String>>, Error>
    {
        self.datamaps
            .get_or_try_init(|| self.detect_doc("datamaps"))
    }
}
