//! `.treeinfo` files of install trees (an INI file). Family and version come
//! from `[general]`, or from `[release]` (`name`, `version`) in the newer
//! format; arch from `[general]` or `[tree]`; the variant from `[general]`
//! (`variant`), or the first of `[tree] variants`.

use super::{DetectError, TreeInfo};
use std::collections::HashMap;

/// The longest family, version, arch or variant read (real ones are under
/// 64 bytes); longer is refused before any pattern is matched against it.
const MAX_FIELD: usize = 256;

/// Reads a `.treeinfo` text.
pub fn read_treeinfo(text: &str, what: &str) -> Result<TreeInfo, DetectError> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = Some(name.trim().to_string());
            sections.entry(name.trim().to_string()).or_default();
            continue;
        }
        let (Some(section), Some((key, value))) = (&current, line.split_once('=')) else {
            return Err(DetectError::NotTreeinfo {
                path: what.to_string(),
                why: format!(
                    "line {} is neither [section] nor key = value: {:?}",
                    n + 1,
                    crate::error::excerpt(raw, 60)
                ),
            });
        };
        sections
            .entry(section.clone())
            .or_default()
            .entry(key.trim().to_string())
            .or_insert_with(|| value.trim().to_string());
    }
    let get = |s: &str, k: &str| {
        sections
            .get(s)
            .and_then(|m| m.get(k))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let info = TreeInfo {
        family: get("general", "family").or_else(|| get("release", "name")),
        version: get("general", "version").or_else(|| get("release", "version")),
        arch: get("general", "arch").or_else(|| get("tree", "arch")),
        variant: get("general", "variant").or_else(|| {
            get("tree", "variants").and_then(|v| v.split(',').next().map(|s| s.trim().to_string()))
        }),
    };
    for (field, value) in [
        ("family", &info.family),
        ("version", &info.version),
        ("arch", &info.arch),
        ("variant", &info.variant),
    ] {
        if let Some(v) = value.as_deref().filter(|v| v.len() > MAX_FIELD) {
            return Err(DetectError::NotTreeinfo {
                path: what.to_string(),
                why: format!(
                    "its {field} is {} bytes; real ones are under {MAX_FIELD}: {:?}",
                    v.len(),
                    crate::error::excerpt(v, 40)
                ),
            });
        }
    }
    if info.family.is_none() && info.version.is_none() {
        return Err(DetectError::NotTreeinfo {
            path: what.to_string(),
            why:
                "it names no family or version ([general] family/version or [release] name/version)"
                    .into(),
        });
    }
    Ok(info)
}
