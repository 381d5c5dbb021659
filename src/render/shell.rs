//! Text for a POSIX shell: the one place that turns a value into a shell
//! word ([`quote`]) or into a comment line ([`comment`]). Both keep a value
//! on its line and mean what it says: no value can end a comment, start a
//! command, substitute one (`$(...)`, backquotes) or reorder the terminal
//! (bidirectional and invisible characters are written as escapes).

/// Whether `c` would not show as itself on a terminal: a control character
/// (C0, DEL, C1), or an invisible or bidirectional formatting character
/// (see [`guestdb_data::text::is_invisible`]).
fn hidden(c: char) -> bool {
    c.is_control() || guestdb_data::text::is_invisible(c)
}

/// `arg` as one shell word: as is when it is made of characters no shell
/// treats specially, in single quotes otherwise, and in `$'...'` quotes
/// (POSIX.1-2024, bash, zsh, ksh) with `\n`, `\xHH` escapes when it holds a
/// line break, a control character or an invisible or bidirectional one,
/// so the word stays on one line and shows every character it holds.
pub fn quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./,=:+@%".contains(&b));
    if plain {
        return arg.to_string();
    }
    if !arg.chars().any(hidden) {
        return format!("'{}'", arg.replace('\'', "'\\''"));
    }
    let mut out = String::from("$'");
    for c in arg.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if hidden(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `text` as one comment line (`# text`, with its newline): line breaks,
/// control characters and invisible or bidirectional characters in it are
/// written as `\n`, `\xHH` escapes, so nothing in it can end the comment.
pub fn comment(text: &str) -> String {
    let mut out = String::from("# ");
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            c if hidden(c) => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_one_line_and_show_every_character() {
        assert_eq!(quote("a/b,c=d"), "a/b,c=d");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's $(x)"), "'it'\\''s $(x)'");
        assert_eq!(quote("a\nb'c"), "$'a\\nb\\'c'");
        assert_eq!(quote("\u{202e}x"), "$'\\xe2\\x80\\xaex'");
        assert_eq!(quote("\u{1b}[31m\\"), "$'\\x1b[31m\\\\'");
    }

    #[test]
    fn a_comment_is_one_line() {
        assert_eq!(comment("a\nrm -rf ~\r"), "# a\\nrm -rf ~\\x0d\n");
        assert_eq!(comment("x\u{2066}y"), "# x\\xe2\\x81\\xa6y\n");
    }
}
