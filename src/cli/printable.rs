//! Output that never carries a control character or an invisible one to the
//! terminal: every C0 control but tab and newline, DEL, every C1 control
//! (U+0080–U+009F) and every invisible or bidirectional formatting
//! character ([`guestdb_data::text::is_invisible`]: a right-to-left override
//! would reorder what follows it) is written as the escape `\uXXXX` (a
//! surrogate pair beyond U+FFFF). Inside JSON strings (the only place
//! serde_json lets such characters through) that is the same character, so
//! JSON output stays valid; in text it is visible instead of acting on the
//! terminal (an ESC in a codename cannot recolour it). The data reader already
//! refuses such characters; this is the second line, for stores and command
//! arguments that did not pass through it.

use std::io::{self, Write};

/// A writer that escapes control and invisible characters on their way to
/// `inner`.
pub struct Printable<W: Write> {
    inner: W,
    /// The first bytes of a UTF-8 character the last write ended in.
    pending: Vec<u8>,
}

impl<W: Write> Printable<W> {
    pub fn new(inner: W) -> Printable<W> {
        Printable {
            inner,
            pending: Vec::new(),
        }
    }
}

fn is_c0_to_escape(b: u8) -> bool {
    (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f
}

/// Whether `c` (not ASCII) is written as an escape.
fn hidden(c: char) -> bool {
    c.is_control() || guestdb_data::text::is_invisible(c)
}

fn escape(w: &mut impl Write, c: char) -> io::Result<()> {
    let mut units = [0u16; 2];
    for u in c.encode_utf16(&mut units) {
        write!(w, "\\u{:04x}", u)?;
    }
    Ok(())
}

/// How many bytes the UTF-8 character starting with `lead` has (1 for a
/// byte that starts none).
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let joined;
        let data: &[u8] = if self.pending.is_empty() {
            buf
        } else {
            let mut j = std::mem::take(&mut self.pending);
            j.extend_from_slice(buf);
            joined = j;
            &joined
        };
        let mut clean_from = 0;
        let mut i = 0;
        while i < data.len() {
            let b = data[i];
            if b < 0x80 {
                if is_c0_to_escape(b) {
                    self.inner.write_all(&data[clean_from..i])?;
                    escape(&mut self.inner, char::from(b))?;
                    clean_from = i + 1;
                }
                i += 1;
                continue;
            }
            let len = utf8_len(b);
            if i + len > data.len() {
                // The rest of this character comes with the next write.
                self.inner.write_all(&data[clean_from..i])?;
                self.pending = data[i..].to_vec();
                return Ok(buf.len());
            }
            match std::str::from_utf8(&data[i..i + len])
                .ok()
                .and_then(|s| s.chars().next())
            {
                Some(c) if hidden(c) => {
                    self.inner.write_all(&data[clean_from..i])?;
                    escape(&mut self.inner, c)?;
                    i += len;
                    clean_from = i;
                }
                Some(_) => i += len,
                None => i += 1,
            }
        }
        self.inner.write_all(&data[clean_from..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.inner.write_all(&rest)?;
        }
        self.inner.flush()
    }
}

/// `text` with its control and invisible characters escaped, as [`Printable`] writes it.
pub fn printable(text: &str) -> String {
    let mut out = Printable::new(Vec::with_capacity(text.len()));
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
    String::from_utf8_lossy(&out.inner).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_escapes_and_the_rest_passes() {
        assert_eq!(printable("a\u{1b}[31mb"), "a\\u001b[31mb");
        assert_eq!(
            printable("x\u{0}\r\u{7f}\u{9b}y"),
            "x\\u0000\\u000d\\u007f\\u009by"
        );
        assert_eq!(printable("tab\there\nçé€ 😀"), "tab\there\nçé€ 😀");
    }

    #[test]
    fn a_c1_control_split_across_writes_is_still_escaped() {
        let mut out = Printable::new(Vec::new());
        out.write_all(b"a\xc2").unwrap();
        out.write_all(b"\x9bb\xc2").unwrap();
        out.write_all("\u{a9}".as_bytes()[1..].as_ref()).unwrap();
        out.flush().unwrap();
        assert_eq!(String::from_utf8(out.inner).unwrap(), "a\\u009bb\u{a9}");
    }

    #[test]
    fn bidi_and_invisible_characters_become_escapes_also_split_across_writes() {
        assert_eq!(
            printable("a\u{202e}b\u{200b}c\u{e0041}"),
            "a\\u202eb\\u200bc\\udb40\\udc41"
        );
        let mut out = Printable::new(Vec::new());
        let bytes = "x\u{2066}y".as_bytes();
        out.write_all(&bytes[..2]).unwrap();
        out.write_all(&bytes[2..3]).unwrap();
        out.write_all(&bytes[3..]).unwrap();
        out.flush().unwrap();
        assert_eq!(String::from_utf8(out.inner).unwrap(), "x\\u2066y");
    }

    #[test]
    fn json_stays_valid_json_with_the_same_string() {
        let v = serde_json::json!({"codename": "a\u{85}b\u{7f}\u{202e}\u{e0041}"});
        let text = printable(&serde_json::to_string(&v).unwrap());
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
