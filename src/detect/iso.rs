//! ISO 9660 images: the primary volume descriptor (ECMA-119 §8.4) and the
//! El Torito boot record (El Torito 1.0 §2.0), read from the volume
//! descriptor set that starts at sector 16. Only descriptors are read: at
//! most a few sectors of the image, whatever its size.

use super::{DetectError, MediaInfo};
use std::io::{Read, Seek, SeekFrom};

const SECTOR: u64 = 2048;
/// The volume descriptor set starts at sector 16; a set longer than this
/// is not a real image.
const MAX_DESCRIPTORS: u64 = 64;

/// A `d-characters`/`a-characters` field: ASCII (other bytes as U+FFFD),
/// trailing spaces and NULs removed; empty is absent.
fn text(bytes: &[u8]) -> Option<String> {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim_end_matches([' ', '\0']);
    (!s.is_empty()).then(|| s.to_string())
}

/// Reads the descriptors of an ISO 9660 image from `r`, which is `len` bytes.
pub fn read_iso(
    r: &mut (impl Read + Seek),
    len: u64,
    what: &str,
) -> Result<MediaInfo, DetectError> {
    let not_iso = |why: String| DetectError::NotIso {
        path: what.to_string(),
        why,
    };
    if len < (16 + 1) * SECTOR {
        return Err(not_iso(format!(
            "it is {len} bytes; an ISO 9660 image has its first volume descriptor at byte 32768"
        )));
    }
    let mut media = None;
    let mut bootable = false;
    let mut sector = [0u8; SECTOR as usize];
    for n in 16..16 + MAX_DESCRIPTORS {
        if (n + 1) * SECTOR > len {
            return Err(not_iso(format!(
                "it ends at byte {len}, inside the volume descriptor set (no terminator)"
            )));
        }
        r.seek(SeekFrom::Start(n * SECTOR))
            .and_then(|_| r.read_exact(&mut sector))
            .map_err(|e| DetectError::Io {
                path: what.to_string(),
                source: e,
            })?;
        if &sector[1..6] != b"CD001" {
            return Err(not_iso(if n == 16 {
                "no ISO 9660 volume descriptor at sector 16 (no 'CD001')".to_string()
            } else {
                format!("sector {n} of the volume descriptor set is not a descriptor")
            }));
        }
        match sector[0] {
            // Boot record: El Torito names itself in the boot system id.
            0 => bootable |= sector[7..39].starts_with(b"EL TORITO SPECIFICATION"),
            1 if media.is_none() => {
                let block = u16::from_le_bytes([sector[128], sector[129]]);
                let blocks = u32::from_le_bytes([sector[80], sector[81], sector[82], sector[83]]);
                media = Some(MediaInfo {
                    system_id: text(&sector[8..40]),
                    volume_id: text(&sector[40..72]),
                    publisher_id: text(&sector[318..446]),
                    application_id: text(&sector[574..702]),
                    volume_size: Some(u64::from(blocks) * u64::from(block)),
                    bootable: false,
                    arch: None,
                });
            }
            255 => break,
            _ => {}
        }
    }
    let mut media = media.ok_or_else(|| not_iso("it has no primary volume descriptor".into()))?;
    media.bootable = bootable;
    Ok(media)
}
