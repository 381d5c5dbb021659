//! The detection rows (the `detect` table; the layout is described in
//! `emit::detect`): patterns, the media and trees filed under a pattern,
//! each distribution's newest release, and the datamaps.

use super::Language;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `detect/pattern/N`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pattern {
    pub regex: String,
    /// How specific the pattern is (characters it spells literally).
    pub weight: u32,
    /// Every match contains one of these (none: no such set).
    #[serde(default)]
    pub literals: Option<Vec<String>>,
}

/// A medium in `detect/media/N`: the OS (store index), the medium's number
/// in it, and its patterns by number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediumEntry {
    pub os: u32,
    pub n: usize,
    pub arch: String,
    pub variants: Vec<String>,
    /// Tried only for OSes nothing else matched (`arch="all"`, rolling).
    pub fallback: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<u64>,
    pub languages: Vec<Language>,
}

/// A tree in `detect/trees/N`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreeEntry {
    pub os: u32,
    pub n: usize,
    pub arch: String,
    pub variants: Vec<String>,
    pub fallback: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treeinfo_arch: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<u32>,
}

/// A distribution's newest release with media: its volume-id patterns as
/// (pattern, arch, medium number).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewestMedia {
    pub distro: String,
    pub os: u32,
    pub version: Option<String>,
    pub volume_ids: Vec<(String, String, usize)>,
}

/// A tree's family, treeinfo arch and variant patterns, arch and number.
pub type NewestTree = (
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    usize,
);

/// A distribution's newest release with trees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewestTrees {
    pub distro: String,
    pub os: u32,
    pub version: Option<String>,
    pub trees: Vec<NewestTree>,
}

/// `detect/newest`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Newest {
    pub media: Vec<NewestMedia>,
    pub trees: Vec<NewestTrees>,
}

/// `datamaps`: every datamap by id, each from input to output.
pub type Datamaps = BTreeMap<String, BTreeMap<String, String>>;
