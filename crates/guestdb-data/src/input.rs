//! The one bounded reader of files guestdb does not control, shared by the
//! data reader (data files, also found inside directories and through
//! symlinks) and the library's `input` module (domcaps, media, osinfo-db,
//! stores' neighbours): the file is opened without blocking (a FIFO cannot
//! hang the reader), must be a regular file once open (not a FIFO, a device
//! such as `/dev/zero`, a socket or a directory, also behind a symlink), and
//! is read up to a given size, never more (one byte more tells a file that
//! grew while it was read).

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The system's error opening or reading it.
    Io(std::io::Error),
    /// It is not a regular file: what it is (`a FIFO`, `a device`, ...).
    NotRegular(&'static str),
    /// It is larger than allowed: its size, or None when it grew past the
    /// limit while it was read.
    TooLarge(Option<u64>),
}

/// The largest data file the data reader reads (the largest real one,
/// `corrections.xml`, is about 300 KiB; a generated one with a million
/// elements about 35 MiB).
pub const DATA_FILE_MAX: u64 = 64 << 20;

/// What a non-regular file type is, in words.
fn what(ft: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading without blocking, and checks that it is a
/// regular file of at most `max` bytes.
pub fn open(path: &Path, max: u64) -> Result<std::fs::File, ReadError> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(what(meta.file_type())));
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge(Some(meta.len())));
    }
    Ok(file)
}

/// The bytes of `path` (see [`open`]).
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let file = open(path, max)?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge(None));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_a_directory_and_a_large_file_are_refused() {
        assert!(matches!(
            read(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a device"))
        ));
        assert!(matches!(
            read(Path::new("/"), 10),
            Err(ReadError::NotRegular("a directory"))
        ));
        let dir = std::env::temp_dir().join(format!("guestdb-input-{}", std::process::id()));
        std::fs::write(&dir, b"0123456789a").unwrap();
        assert!(matches!(read(&dir, 10), Err(ReadError::TooLarge(Some(11)))));
        assert_eq!(read(&dir, 11).unwrap(), b"0123456789a");
        std::fs::remove_file(&dir).unwrap();
    }
}
