//! A small element tree over quick-xml that remembers where everything is.
//!
//! Data files are small, so the reader builds the whole tree first and then
//! converts it to typed records with precise `path:line:col` for every finding.
//! quick-xml's serde layer cannot report positions, which is why this thin
//! layer exists instead of `#[derive(Deserialize)]` on the records.

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

/// An element with its attributes, child elements and text, each with the byte
/// offset where it starts in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub pos: usize,
    pub attrs: Vec<Attr>,
    pub children: Vec<Element>,
    /// Character data directly inside this element (entities resolved).
    pub text: String,
    /// Offset of the first non-blank character of `text`, or of the element.
    pub text_pos: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    pub name: String,
    pub value: String,
    pub pos: usize,
}

/// A syntax error with the offset where the parser noticed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub pos: usize,
    pub message: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

fn entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

/// Finds where attribute `name` starts inside the raw text of a start tag
/// that begins at `tag_pos` (the `<`).
fn attr_offset(src: &str, tag_pos: usize, tag_end: usize, name: &str) -> usize {
    let tag = src.get(tag_pos..tag_end).unwrap_or("");
    let mut from = 0;
    while let Some(i) = tag.get(from..).and_then(|t| t.find(name)) {
        let at = from + i;
        let before_ok = at > 0 && tag.as_bytes()[at - 1].is_ascii_whitespace();
        let after = tag[at + name.len()..].trim_start();
        if before_ok && after.starts_with('=') {
            return tag_pos + at;
        }
        from = at + name.len();
    }
    tag_pos
}

/// Whether XML 1.0 allows `c` in a document (its `Char` production): tab,
/// newline, carriage return and everything from U+0020 on except U+FFFE and
/// U+FFFF (surrogates cannot occur in a `str`). What xmllint accepts.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first character XML 1.0 does not allow in `text`, with its offset.
fn first_bad_char(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| !is_xml_char(c))
}

fn bad_char_message(c: char, how: &str) -> String {
    format!(
        "character U+{:04X} {how}is not allowed in XML 1.0 (allowed: tab, newline, carriage return, U+0020 to U+D7FF, U+E000 to U+FFFD, U+10000 and above)",
        c as u32
    )
}

/// How deep elements may nest. Data files need five levels; the limit keeps
/// hostile input from exhausting the stack when the tree is dropped.
pub const MAX_DEPTH: usize = 32;

/// Parses a whole document and returns its root element. Comments, the XML
/// declaration and processing instructions are skipped; a DOCTYPE is refused
/// (data files have no use for entity declarations).
pub fn parse(src: &str) -> Result<Element, SyntaxError> {
    // A UTF-8 byte order mark is allowed before the document.
    let bom = if src.starts_with('\u{feff}') {
        '\u{feff}'.len_utf8()
    } else {
        0
    };
    let body = &src[bom..];
    // Raw characters first: one pass over the whole file, comments included.
    if let Some((at, c)) = first_bad_char(body) {
        return Err(SyntaxError {
            pos: bom + at,
            message: bad_char_message(c, ""),
        });
    }
    parse_body(body)
        .map_err(|e| SyntaxError {
            pos: e.pos + bom,
            ..e
        })
        .map(|mut root| {
            shift(&mut root, bom);
            root
        })
}

/// Moves every recorded offset by `by` bytes.
fn shift(el: &mut Element, by: usize) {
    if by == 0 {
        return;
    }
    el.pos += by;
    el.text_pos += by;
    for a in &mut el.attrs {
        a.pos += by;
    }
    for c in &mut el.children {
        shift(c, by);
    }
}

/// The element a start tag (between `before` and `after` in `src`) opens.
fn element_of(
    src: &str,
    start: &quick_xml::events::BytesStart,
    before: usize,
    after: usize,
) -> Result<Element, SyntaxError> {
    let err = |message: String| SyntaxError {
        pos: before,
        message,
    };
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| err(format!("bad attribute: {e}")))?;
        let name = attr.key.as_ref().to_string();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| err(format!("attribute '{name}': {e}")))?
            .into_owned();
        let pos = attr_offset(src, before, after, &name);
        if let Some((_, c)) = first_bad_char(&value) {
            return Err(SyntaxError {
                pos,
                message: format!(
                    "attribute '{name}': {}",
                    bad_char_message(c, "(from a character reference) ")
                ),
            });
        }
        attrs.push(Attr { name, value, pos });
    }
    Ok(Element {
        name: start.name().as_ref().to_string(),
        pos: before,
        attrs,
        children: Vec::new(),
        text: String::new(),
        text_pos: before,
    })
}

fn parse_body(src: &str) -> Result<Element, SyntaxError> {
    let mut reader = Reader::from_str(src);
    reader.config_mut().enable_all_checks(true);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| SyntaxError {
            pos: reader.error_position() as usize,
            message: e.to_string(),
        })?;
        let after = reader.buffer_position() as usize;
        let err = |message: String| SyntaxError {
            pos: before,
            message,
        };
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(err(format!(
                        "element <{}> after the root element",
                        start.name().as_ref()
                    )));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(err(format!("elements nest deeper than {MAX_DEPTH} levels")));
                }
                stack.push(element_of(src, &start, before, after)?);
            }
            Event::Empty(start) => {
                if root.is_some() {
                    return Err(err(format!(
                        "element <{}> after the root element",
                        start.name().as_ref()
                    )));
                }
                let element = element_of(src, &start, before, after)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                // quick-xml checks that end names match.
                let Some(done) = stack.pop() else {
                    return Err(err("closing tag without an opening tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(text) => {
                let content = text.xml10_content();
                push_text(&mut stack, &content, before, &err)?;
            }
            Event::CData(data) => {
                let content = data.xml10_content();
                let content = content.into_owned();
                push_text(&mut stack, &content, before, &err)?;
            }
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let ch = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(|e| err(e.to_string()))?
                } else {
                    entity(&name)
                };
                let Some(ch) = ch else {
                    return Err(err(format!("unknown entity '&{name};'")));
                };
                if !is_xml_char(ch) {
                    return Err(err(bad_char_message(
                        ch,
                        &format!("(reference '&{name};') "),
                    )));
                }
                push_text(&mut stack, ch.encode_utf8(&mut [0; 4]), before, &err)?;
            }
            Event::DocType(_) => return Err(err("DOCTYPE declarations are not allowed".into())),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(SyntaxError {
            pos: src.len(),
            message: format!("element <{}> is not closed", open.name),
        });
    }
    root.ok_or_else(|| SyntaxError {
        pos: 0,
        message: "no root element".into(),
    })
}

fn push_text(
    stack: &mut [Element],
    content: &str,
    pos: usize,
    err: &dyn Fn(String) -> SyntaxError,
) -> Result<(), SyntaxError> {
    match stack.last_mut() {
        Some(el) => {
            // The first non-blank text sets text_pos, which until then is the
            // element's own offset (a '<', never text). Checking that instead of
            // trimming the text gathered so far keeps reading linear: a parent
            // gathers the blanks between all its children.
            if el.text_pos == el.pos {
                let lead = content.len() - content.trim_start().len();
                if lead < content.len() {
                    el.text_pos = pos + lead;
                }
            }
            el.text.push_str(content);
            Ok(())
        }
        None if content.trim().is_empty() => Ok(()),
        None => Err(err("text outside the root element".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_elements_attributes_and_text() {
        let src =
            "<?xml version='1.0'?>\n<a x='1'>\n  <b  y = \"2\"/>\n  <c>hi &amp; bye</c>\n</a>\n";
        let root = parse(src).expect("parses");
        assert_eq!(root.name, "a");
        assert_eq!(&src[root.pos..root.pos + 2], "<a");
        let b = &root.children[0];
        assert_eq!(&src[b.attr("y").unwrap().pos..][..1], "y");
        let c = &root.children[1];
        assert_eq!(c.text, "hi & bye");
        assert_eq!(&src[c.text_pos..][..2], "hi");
    }

    #[test]
    fn a_byte_order_mark_is_skipped_and_positions_still_point_into_the_file() {
        let src = "\u{feff}<a x='1'/>";
        let root = parse(src).expect("parses");
        assert_eq!(&src[root.pos..root.pos + 2], "<a");
        assert_eq!(&src[root.attrs[0].pos..][..1], "x");
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "<a>".repeat(50_000), "</a>".repeat(50_000));
        assert!(parse(&deep).unwrap_err().message.contains("nest deeper"));
    }

    #[test]
    fn characters_xml_1_0_forbids_are_refused_raw_or_referenced() {
        for (bad, at) in [
            ("<a>\u{1b}[31m</a>", 3),
            ("<a>x\u{0}</a>", 4),
            ("<!-- \u{7} --><a/>", 5),
            ("<a x='\u{1}'/>", 0),
            ("<a>\u{fffe}</a>", 3),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(
                e.message.contains("is not allowed in XML 1.0"),
                "{bad:?}: {e:?}"
            );
            if at > 0 {
                assert_eq!(e.pos, at, "{bad:?}");
            }
        }
        for bad in [
            "<a>&#x1b;</a>",
            "<a>&#0;</a>",
            "<a x='&#x1;'/>",
            "<a>&#xFFFF;</a>",
        ] {
            // quick-xml refuses &#0; itself, in its own words.
            let e = parse(bad).unwrap_err();
            assert!(e.message.contains("character"), "{bad:?}: {e:?}");
        }
        // What XML allows passes: tab, newline, CR, references to them, DEL and beyond.
        let ok =
            parse("<a x='&#9;&#xA;'>\t\r\n&#x7f;\u{7f}\u{e000}\u{10ffff}</a>").expect("allowed");
        assert!(ok.text.contains('\u{10ffff}'));
    }

    #[test]
    fn text_position_is_the_first_non_blank_text_among_children() {
        let src = "<a>\n  <b/>\n  <c/>  tail <d/> more</a>";
        let root = parse(src).expect("parses");
        assert_eq!(&src[root.text_pos..][..4], "tail");
        assert_eq!(root.children.len(), 3);
    }

    #[test]
    fn syntax_errors_are_errors_not_panics() {
        for bad in [
            "",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "text",
            "<a>&nope;</a>",
            "<!DOCTYPE a><a/>",
            "<a x='1' x='2'/>",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
    }
}
