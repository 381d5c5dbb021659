//! Output that never carries a control character to the terminal: every C0
//! control but tab and newline, DEL and every C1 control (U+0080–U+009F) is
//! written as the escape `\u00XX`. Inside JSON strings (the only place
//! serde_json lets such characters through) that is the same character, so
//! JSON output stays valid; in text it is visible instead of acting on the
//! terminal (an ESC in a codename cannot recolour it). The data reader already
//! refuses such characters; this is the second line, for stores and command
//! arguments that did not pass through it.

use std::io::{self, Write};

/// A writer that escapes control characters on their way to `inner`.
pub struct Printable<W: Write> {
    inner: W,
    /// A 0xC2 byte seen at the end of the last write: the start of a C1
    /// control (C2 80..9F) or of another two-byte character.
    pending_c2: bool,
}

impl<W: Write> Printable<W> {
    pub fn new(inner: W) -> Printable<W> {
        Printable {
            inner,
            pending_c2: false,
        }
    }
}

fn is_c0_to_escape(b: u8) -> bool {
    (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f
}

fn escape(w: &mut impl Write, code: u8) -> io::Result<()> {
    write!(w, "\\u{:04x}", code)
}

impl<W: Write> Write for Printable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut clean_from = 0;
        let mut i = 0;
        if self.pending_c2 {
            self.pending_c2 = false;
            match buf.first() {
                Some(&b @ 0x80..=0x9f) => {
                    escape(&mut self.inner, b)?;
                    i = 1;
                    clean_from = 1;
                }
                Some(_) => self.inner.write_all(&[0xc2])?,
                None => {
                    self.pending_c2 = true;
                    return Ok(0);
                }
            }
        }
        while i < buf.len() {
            let b = buf[i];
            if is_c0_to_escape(b) {
                self.inner.write_all(&buf[clean_from..i])?;
                escape(&mut self.inner, b)?;
                i += 1;
                clean_from = i;
            } else if b == 0xc2 {
                match buf.get(i + 1) {
                    Some(&c @ 0x80..=0x9f) => {
                        self.inner.write_all(&buf[clean_from..i])?;
                        escape(&mut self.inner, c)?;
                        i += 2;
                        clean_from = i;
                    }
                    Some(_) => i += 2,
                    None => {
                        self.inner.write_all(&buf[clean_from..i])?;
                        self.pending_c2 = true;
                        return Ok(buf.len());
                    }
                }
            } else {
                i += 1;
            }
        }
        self.inner.write_all(&buf[clean_from..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.pending_c2 {
            self.pending_c2 = false;
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

/// `text` with its control characters escaped, as [`Printable`] writes it.
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
    fn json_stays_valid_json_with_the_same_string() {
        let v = serde_json::json!({"codename": "a\u{85}b\u{7f}"});
        let text = printable(&serde_json::to_string(&v).unwrap());
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
