//! Writing a file so that readers see the old content or the new, never a
//! part: the bytes go to a temporary file beside the target (created new
//! with a random name, so a symlink planted there is never followed), are
//! synced, and the file is renamed over the target; then the directory is
//! synced so the rename survives a crash. The target keeps its permissions
//! (a new file gets 0666 minus the umask, as `File::create` gives).
//!
//! Only a regular file (or a symlink, which is replaced) is ever replaced:
//! a FIFO, a device node (`/dev/null`), a socket or a directory at the
//! target is refused with an error of kind `InvalidInput`, so no run (as
//! root neither) turns a device into a file.
//!
//! Temporary files are named `.NAME.guestdb-PID-RANDOM.tmp`. One left by a
//! killed writer (its process is gone) is removed by the next write into the
//! same directory.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const MARK: &str = ".guestdb-";
const SUFFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically (see the module documentation).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} names no file", path.display()),
            )
        })?
        .to_string_lossy()
        .into_owned();
    let existing = match fs::symlink_metadata(path) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if let Some(m) = &existing {
        refuse_non_regular(m.file_type())?;
    }
    remove_stale(dir);
    let keep_mode = match &existing {
        Some(m) if m.is_file() => Some(m.permissions().mode() & 0o7777),
        _ => None,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}{MARK}{}-", std::process::id()))
        .suffix(SUFFIX)
        .permissions(Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    if let Some(mode) = keep_mode {
        tmp.as_file()
            .set_permissions(Permissions::from_mode(mode))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    File::open(dir)?.sync_all()
}

/// An `InvalidInput` error for what is at a target and is neither a
/// regular file nor a symlink.
pub fn refuse_non_regular(ft: fs::FileType) -> io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    let what = if ft.is_file() || ft.is_symlink() {
        return Ok(());
    } else if ft.is_dir() {
        "a directory"
    } else if ft.is_fifo() {
        "a FIFO"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("is {what}; guestdb replaces only regular files: give the path of a new or regular file"),
    ))
}

/// Removes this module's temporary files in `dir` whose writer is gone.
fn remove_stale(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(writer_pid) else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The PID in a temporary file name `.NAME.guestdb-PID-RANDOM.tmp`.
fn writer_pid(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_suffix(SUFFIX)?;
    let (_, after) = rest.rsplit_once(MARK)?;
    let (pid, random) = after.split_once('-')?;
    if random.is_empty() || random.contains('-') {
        return None;
    }
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_of_this_module_give_a_pid() {
        assert_eq!(
            writer_pid(".rhel-6.10.xml.guestdb-4242-AbC123.tmp"),
            Some(4242)
        );
        assert_eq!(writer_pid("rhel-6.10.xml"), None);
        assert_eq!(writer_pid(".x.guestdb-12.tmp"), None);
        assert_eq!(writer_pid(".x.tmp4242"), None);
    }

    #[test]
    fn writes_replace_keep_the_mode_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.xml");
        write_atomic(&target, b"one").unwrap();
        fs::set_permissions(&target, Permissions::from_mode(0o640)).unwrap();
        write_atomic(&target, b"two").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o640
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.xml"]);
    }

    #[test]
    fn a_stale_temporary_file_of_a_dead_writer_is_removed_and_others_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        // PID 2^22 + 1 is above Linux's largest PID, so no such process runs.
        let stale = dir.path().join(".a.xml.guestdb-4194305-xyz.tmp");
        let foreign = dir.path().join(".a.xml.tmp1");
        fs::write(&stale, b"half").unwrap();
        fs::write(&foreign, b"not ours").unwrap();
        write_atomic(&dir.path().join("b.xml"), b"b").unwrap();
        assert!(!stale.exists());
        assert!(foreign.exists());
    }

    #[test]
    fn a_fifo_or_a_directory_at_the_target_is_refused_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success(), "mkfifo (coreutils)");
        for target in [fifo.as_path(), dir.path()] {
            let e = write_atomic(target, b"x").unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{target:?}");
            assert!(e.to_string().contains("replaces only regular files"));
        }
        use std::os::unix::fs::FileTypeExt;
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_symlink_at_the_target_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let target = dir.path().join("out");
        std::os::unix::fs::symlink(&victim, &target).unwrap();
        write_atomic(&target, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert_eq!(fs::read(&target).unwrap(), b"new");
        assert!(!fs::symlink_metadata(&target)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}
