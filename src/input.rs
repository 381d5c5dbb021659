//! Reading files guestdb does not control (domcaps files, install media,
//! `.treeinfo` files, domain XML): every such read goes through [`read`]
//! or [`read_to_string`]. The file is opened without blocking (a FIFO
//! cannot hang the reader), must be a regular file once open (not a FIFO, a
//! device such as `/dev/zero`, or a directory, also behind a symlink), and
//! is read up to the size documented for its [`Kind`], never more. The
//! reading itself is [`guestdb_data::input`], which the data reader shares.

use crate::error::Error;
use guestdb_data::input::ReadError;
use std::path::Path;

/// What a file is read as, and the most guestdb reads of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// What the file is, in words (`a domcaps file`).
    pub what: &'static str,
    /// The largest file accepted, in bytes.
    pub max: u64,
}

const MIB: u64 = 1 << 20;

/// `virsh domcapabilities` output (real ones are 10–40 KiB).
pub const DOMCAPS: Kind = Kind {
    what: "a domcaps file",
    max: 4 * MIB,
};

/// A libvirt domain XML (`virsh dumpxml`; real ones are a few KiB).
pub const DOMAIN_XML: Kind = Kind {
    what: "a libvirt domain XML",
    max: 4 * MIB,
};

/// A `.treeinfo` file (real ones are under 4 KiB).
pub const TREEINFO: Kind = Kind {
    what: "a .treeinfo file",
    max: MIB,
};

/// An `isoinfo -d` dump (real ones are under 2 KiB).
pub const ISOINFO: Kind = Kind {
    what: "an isoinfo -d dump",
    max: MIB,
};

/// A QEMU command line saved to a file.
pub const QEMU_CMDLINE: Kind = Kind {
    what: "a QEMU command line",
    max: MIB,
};

/// An export's manifest (one line per file; real ones are about 100 KiB).
pub const MANIFEST: Kind = Kind {
    what: "an export manifest",
    max: 4 * MIB,
};

/// An osinfo-db XML file (real ones are under 100 KiB).
pub const OSINFO_XML: Kind = Kind {
    what: "an osinfo-db XML file",
    max: 4 * MIB,
};

/// The error for a file `kind` that the shared reader refused.
fn refused(path: &Path, kind: Kind, e: ReadError) -> Error {
    match e {
        ReadError::Io(e) => Error::io(path)(e),
        ReadError::NotRegular(what) => Error::file(
            path,
            format!("is {what}; give {} as a regular file", kind.what),
        ),
        ReadError::TooLarge(len) => Error::file(
            path,
            format!(
                "is larger than guestdb reads of {} ({} bytes; at most {} MiB)",
                kind.what,
                len.map_or("more than that".to_string(), |n| n.to_string()),
                kind.max / MIB
            ),
        ),
    }
}

/// A firmware descriptor (`/usr/share/qemu/firmware/*.json`; real ones
/// are about 1 KiB).
pub const FIRMWARE_JSON: Kind = Kind {
    what: "a firmware descriptor",
    max: MIB,
};

/// A compiled store (`guestdb build`; the full dataset is about 12 MiB).
pub const STORE: Kind = Kind {
    what: "a guestdb store",
    max: 1024 * MIB,
};

/// An osinfo-db import lock (`osinfo-import.lock`; real ones are about
/// 100 KiB).
pub const IMPORT_LOCK: Kind = Kind {
    what: "an import lock",
    max: 4 * MIB,
};

/// A guestdb data file (`dataset.xml`, `devices.xml`, an OS file).
pub const DATA_FILE: Kind = Kind {
    what: "a data file",
    max: guestdb_data::input::DATA_FILE_MAX,
};

/// Opens `path` for reading as `kind` without blocking, and checks that it
/// is a regular file no larger than the kind allows.
pub fn open(path: &Path, kind: Kind) -> Result<std::fs::File, Error> {
    guestdb_data::input::open(path, kind.max).map_err(|e| refused(path, kind, e))
}

/// The bytes of `path`, read as `kind` (see [`open`]).
pub fn read(path: &Path, kind: Kind) -> Result<Vec<u8>, Error> {
    guestdb_data::input::read(path, kind.max).map_err(|e| refused(path, kind, e))
}

/// The text of `path`, read as `kind` (see [`open`]); it must be UTF-8.
pub fn read_to_string(path: &Path, kind: Kind) -> Result<String, Error> {
    let bytes = read(path, kind)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::file(
            path,
            format!(
                "is not UTF-8 text (at byte {}); give {} as UTF-8",
                e.utf8_error().valid_up_to(),
                kind.what
            ),
        )
    })
}
