//! Programs guestdb runs (a QEMU binary it probes, swtpm, the QEMU of
//! `verify`): finding them on PATH.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Whether `p` is a file someone may execute.
pub fn is_executable(p: &Path) -> bool {
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// `name` on PATH, if it is there.
pub fn search_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// What a program run by [`run`] may do before it is stopped.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// How long it may take, from start to its last byte of output.
    pub deadline: std::time::Duration,
    /// The most standard output kept; more stops it (an error).
    pub max_stdout: usize,
}

/// The most standard error kept (its start; the rest is read and dropped).
const MAX_STDERR: usize = 64 << 10;

/// What a message quotes of a program's standard error: its first line, at
/// most this many characters.
const QUOTED: usize = 200;

/// `text`'s non-empty lines joined with `; `, at most [`QUOTED`]
/// characters ([`crate::error::excerpt`]).
pub fn shortened(text: &str) -> String {
    // Only what can be quoted is joined (the text may be 64 KiB).
    let mut end = text.len().min(4 * QUOTED);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let joined: Vec<&str> = head
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let joined = joined.join("; ");
    if text.len() > head.len() {
        let cut: String = joined.chars().take(QUOTED).collect();
        format!("{cut}... ({} bytes in all)", text.len())
    } else {
        crate::error::excerpt(&joined, QUOTED)
    }
}

/// Reads `from` to its end, keeping at most `keep` bytes; `Err(())` once
/// more than `fail_over` bytes came (None: never).
fn drain(
    mut from: impl std::io::Read,
    keep: usize,
    fail_over: Option<usize>,
) -> Result<Vec<u8>, ()> {
    let mut kept = Vec::new();
    let mut total = 0usize;
    let mut buf = [0u8; 16 << 10];
    loop {
        match from.read(&mut buf) {
            Ok(0) => return Ok(kept),
            Ok(n) => {
                total += n;
                if fail_over.is_some_and(|max| total > max) {
                    return Err(());
                }
                let room = keep.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Ok(kept),
        }
    }
}

/// Kills every process of the process group `pgid` (the program and what
/// it started and left behind).
fn kill_group(pgid: u32) {
    if let Ok(pgid) = libc::pid_t::try_from(pgid) {
        // SAFETY: kill(2) with a negative pid signals a process group.
        unsafe {
            libc::kill(-pgid, libc::SIGKILL);
        }
    }
}

/// Runs `binary args` with no input, in a process group of its own, reading
/// its standard output and error at the same time (so neither pipe can
/// fill and stall it), each up to its cap; at the deadline, or when it
/// prints more than `limits.max_stdout`, the whole group is killed, and
/// when it ends, what it left running in its group is killed too (a
/// background child holding its output cannot keep guestdb waiting). Its
/// standard output, or an error that names the command and quotes the
/// start of what it said.
pub fn run(binary: &Path, args: &[&str], limits: Limits) -> Result<String, String> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::sync::mpsc;
    use std::time::Instant;
    let shown: String = format!("{} {}", binary.display(), args.join(" "))
        .chars()
        .take(QUOTED)
        .collect();
    let mut child = Command::new(binary)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let pgid = child.id();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().ok_or("no standard output")?;
    let err = child.stderr.take().ok_or("no standard error")?;
    let max = limits.max_stdout;
    let tx_out = tx.clone();
    std::thread::spawn(move || {
        let _ = tx_out.send((true, drain(out, max, Some(max))));
    });
    std::thread::spawn(move || {
        let _ = tx.send((false, drain(err, MAX_STDERR, None)));
    });
    let deadline = Instant::now() + limits.deadline;
    let (mut stdout, mut stderr, mut status) = (None, None, None);
    let stop = |child: &mut std::process::Child| {
        kill_group(pgid);
        let _ = child.wait();
    };
    while stdout.is_none() || stderr.is_none() || status.is_none() {
        if status.is_none() {
            match child.try_wait() {
                Ok(Some(s)) => {
                    status = Some(s);
                    // What it left behind in its group goes with it.
                    kill_group(pgid);
                }
                Ok(None) => {}
                Err(e) => {
                    stop(&mut child);
                    return Err(format!("{shown}: {e}"));
                }
            }
        }
        let now = Instant::now();
        if now >= deadline {
            stop(&mut child);
            return Err(format!(
                "{shown} did not finish within {} s (killed)",
                limits.deadline.as_secs()
            ));
        }
        let wait = (deadline - now).min(std::time::Duration::from_millis(10));
        match rx.recv_timeout(wait) {
            Ok((true, Ok(bytes))) => stdout = Some(bytes),
            Ok((true, Err(()))) => {
                stop(&mut child);
                return Err(format!(
                    "{shown} printed more than {} KiB; guestdb reads at most that (killed)",
                    max >> 10
                ));
            }
            Ok((false, bytes)) => stderr = Some(bytes.unwrap_or_default()),
            Err(_) => {}
        }
    }
    let (Some(out), Some(err), Some(status)) = (stdout, stderr, status) else {
        // The loop ends only when all three are there.
        return Err(format!("{shown}: its output was lost"));
    };
    if !status.success() {
        let said = shortened(&String::from_utf8_lossy(&err));
        return Err(format!(
            "{shown} failed ({status}): {}",
            if said.is_empty() {
                "no message".to_string()
            } else {
                said
            }
        ));
    }
    String::from_utf8(out).map_err(|_| format!("{shown} printed something that is not UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_is_cut_to_its_first_line_and_a_prefix() {
        assert_eq!(shortened("\n  oops\nmore\n"), "oops; more");
        assert_eq!(shortened("one line"), "one line");
        let long = "x".repeat(10_000);
        assert_eq!(
            shortened(&long),
            format!("{}... (10000 bytes in all)", "x".repeat(QUOTED))
        );
    }
}
