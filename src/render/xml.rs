//! Text for XML (libvirt domain XML, the osinfo-db export): the one place
//! that turns a value into attribute or element text. Markup characters
//! become entities; tab, line feed and carriage return become character
//! references, so an attribute keeps them (a parser would turn them into
//! spaces); invisible and bidirectional characters become character
//! references too, so the file shows them. Other control characters cannot
//! be written in XML 1.0 at all: values holding them are refused before
//! they get here (see [`representable`]).

/// Whether XML 1.0 can hold `s` (no control characters but tab, line feed
/// and carriage return).
pub fn representable(s: &str) -> bool {
    !s.chars()
        .any(|c| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
}

/// `s` escaped for an XML attribute (in either quotes) or element.
/// Characters XML cannot hold (see [`representable`]) are left out.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\'' => out.push_str("&apos;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push_str(&format!("&#{};", c as u32)),
            c if (c as u32) < 0x20 => {}
            c if c.is_control() || guestdb_data::text::is_invisible(c) => {
                out.push_str(&format!("&#x{:x};", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_line_breaks_and_bidi_become_references() {
        assert_eq!(
            escape("a'b\"c<d>&\n\u{202e}é"),
            "a&apos;b&quot;c&lt;d&gt;&amp;&#10;&#x202e;é"
        );
        assert!(!representable("a\u{1b}"));
        assert!(representable("a\tb\n"));
    }
}
