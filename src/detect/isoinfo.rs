//! `isoinfo -d` output (genisoimage/cdrkit): the text form of the same
//! descriptor fields, as the detection corpus stores them.

use super::{DetectError, MediaInfo};

/// The text after `label` on a line that starts with it, trimmed.
fn field<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    line.strip_prefix(label).map(str::trim)
}

/// Whether `text` begins as an `isoinfo -d` dump does. (isoinfo may print a
/// locale note first: "Setting input-charset ...".)
pub fn is_dump(text: &str) -> bool {
    text.lines()
        .take(3)
        .any(|l| l.starts_with("CD-ROM is in ISO 9660 format"))
}

/// Reads an `isoinfo -d` dump.
pub fn read_isoinfo(text: &str, what: &str) -> Result<MediaInfo, DetectError> {
    if !is_dump(text) {
        return Err(DetectError::NotIso {
            path: what.to_string(),
            why: "an isoinfo -d dump starts with 'CD-ROM is in ISO 9660 format'".into(),
        });
    }
    let mut media = MediaInfo::default();
    let (mut block, mut blocks): (Option<u64>, Option<u64>) = (None, None);
    let opt = |v: &str| (!v.is_empty()).then(|| v.to_string());
    for line in text.lines() {
        if let Some(v) = field(line, "System id:") {
            media.system_id = opt(v);
        } else if let Some(v) = field(line, "Volume id:") {
            media.volume_id = opt(v);
        } else if let Some(v) = field(line, "Publisher id:") {
            media.publisher_id = opt(v);
        } else if let Some(v) = field(line, "Application id:") {
            media.application_id = opt(v);
        } else if let Some(v) = field(line, "Logical block size is:") {
            block = v.parse().ok();
        } else if let Some(v) = field(line, "Volume size is:") {
            blocks = v.parse().ok();
        } else if line.starts_with("El Torito VD version") {
            media.bootable = true;
        }
    }
    // The primary volume descriptor's fixed field sizes (ISO 9660 8.4): a
    // longer value comes from no real image, and is refused before any
    // pattern is matched against it.
    for (label, value, max) in [
        ("System id", &media.system_id, 32),
        ("Volume id", &media.volume_id, 32),
        ("Publisher id", &media.publisher_id, 128),
        ("Application id", &media.application_id, 128),
    ] {
        if let Some(v) = value.as_deref().filter(|v| v.len() > max) {
            return Err(DetectError::NotIso {
                path: what.to_string(),
                why: format!(
                    "its {label} is {} bytes; ISO 9660 holds at most {max}: {:?}",
                    v.len(),
                    crate::error::excerpt(v, 40)
                ),
            });
        }
    }
    media.volume_size = match (block, blocks) {
        (Some(b), Some(n)) => b.checked_mul(n),
        _ => None,
    };
    Ok(media)
}
