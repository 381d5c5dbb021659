//! Characters that do not show as themselves: the one list the data reader
//! rejects in identifiers and names, and every output escapes.

/// Whether `c` is an invisible or bidirectional formatting character: one
/// that shows as nothing, or that reorders the text around it on a
/// terminal, so that two different ids can look the same or a name can
/// disguise what follows it. These are the Unicode bidirectional controls
/// (ALM, LRM, RLM, LRE..RLO, LRI..PDI), the zero-width and invisible
/// operators (ZWSP, ZWNJ, ZWJ, WJ, U+2061..U+2064), the soft hyphen, the
/// Mongolian vowel separator, the combining grapheme joiner, the Hangul
/// fillers, variation selectors, the byte-order mark, interlinear
/// annotation controls and the tag characters.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{061c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{17b4}'
            | '\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// The first character of `s` that [`is_invisible`] or is a control
/// character other than tab and newline, with its byte offset.
pub fn first_hidden(s: &str) -> Option<(usize, char)> {
    s.char_indices()
        .find(|&(_, c)| is_invisible(c) || (c.is_control() && c != '\t' && c != '\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_and_zero_width_characters_are_invisible_letters_are_not() {
        for c in ['\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}', '\u{e0041}'] {
            assert!(is_invisible(c), "{c:?}");
        }
        for c in ['a', 'é', 'Ж', '中', ' ', '-', '\u{2010}'] {
            assert!(!is_invisible(c), "{c:?}");
        }
        assert_eq!(first_hidden("rhel\u{200b}9"), Some((4, '\u{200b}')));
        assert_eq!(first_hidden("a\tb\nc"), None);
    }
}
