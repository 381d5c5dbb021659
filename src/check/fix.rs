//! The fix: the findings' [`Change`]s applied to the original text as byte
//! edits, so everything guestdb has no opinion on (PCI addresses, MAC
//! addresses, disk paths, comments, quoting, indentation) stays byte for
//! byte; and a unified diff of the change.

use super::domain::{Domain, ModelAt};
use super::{Change, Finding};
use guestdb_data::xml::Element;

/// One edit: replace `text[start..end]` with `with`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Edit {
    start: usize,
    end: usize,
    with: String,
}

/// The end (one past `>`) of the start tag at `pos`, and whether it is
/// an empty-element tag (`/>`).
fn tag_end(text: &str, pos: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut quote = None;
    let mut i = pos;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'\'' || b == b'"' => quote = Some(b),
            None if b == b'>' => return (i + 1, i > 0 && bytes[i - 1] == b'/'),
            None => {}
        }
        i += 1;
    }
    (text.len(), false)
}

fn find(el: &Element, pos: usize) -> Option<&Element> {
    if el.pos == pos {
        return Some(el);
    }
    el.children.iter().find_map(|c| find(c, pos))
}

/// One past the end of element `el` (its end tag, or its empty tag).
fn element_end(text: &str, el: &Element) -> usize {
    let (end, empty) = tag_end(text, el.pos);
    if empty {
        return end;
    }
    let from = el
        .children
        .last()
        .map(|c| element_end(text, c))
        .unwrap_or(end);
    let close = format!("</{}", el.name);
    match text[from..].find(&close) {
        Some(i) => tag_end(text, from + i).0,
        None => text.len(),
    }
}

/// The span of the value of attribute `name` in the start tag at `pos`.
fn attr_value(text: &str, el: &Element, name: &str) -> Option<(usize, usize)> {
    let a = el.attr(name)?;
    let rest = &text[a.pos + name.len()..];
    let eq = rest.find('=')?;
    let after = &rest[eq + 1..];
    let lead = after.len() - after.trim_start().len();
    let q = after[lead..].chars().next()?;
    let start = a.pos + name.len() + eq + 1 + lead + 1;
    let len = text[start..].find(q)?;
    Some((start, start + len))
}

/// The whole lines `start..end` cover, when nothing else is on them.
fn whole_lines(text: &str, start: usize, end: usize) -> (usize, usize) {
    let line_start = text[..start].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let before_blank = text[line_start..start].trim().is_empty();
    let line_end = text[end..]
        .find('\n')
        .map(|i| end + i + 1)
        .unwrap_or(text.len());
    let after_blank = text[end..line_end].trim().is_empty();
    if before_blank && after_blank {
        (line_start, line_end)
    } else {
        (start, end)
    }
}

/// The indentation of the line `pos` is on.
fn indent_of(text: &str, pos: usize) -> &str {
    let line_start = text[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start().len()]
}

struct Editor<'t> {
    text: &'t str,
    root: &'t Element,
    quote: char,
    edits: Vec<Edit>,
}

impl Editor<'_> {
    fn q(&self, snippet: &str) -> String {
        if self.quote == '"' {
            snippet.replace('\'', "\"")
        } else {
            snippet.to_string()
        }
    }

    fn set_attr(&mut self, el: &Element, name: &str, value: &str) {
        if let Some((s, e)) = attr_value(self.text, el, name) {
            self.edits.push(Edit {
                start: s,
                end: e,
                with: value.to_string(),
            });
        } else {
            let (end, empty) = tag_end(self.text, el.pos);
            let at = if empty { end - 2 } else { end - 1 };
            let with = format!(" {name}={q}{value}{q}", q = self.quote);
            self.edits.push(Edit {
                start: at,
                end: at,
                with,
            });
        }
    }

    fn remove_attr(&mut self, el: &Element, name: &str) {
        if let (Some(a), Some((_, e))) = (el.attr(name), attr_value(self.text, el, name)) {
            let before = self.text[..a.pos].trim_end().len();
            self.edits.push(Edit {
                start: before,
                end: e + 1,
                with: String::new(),
            });
        }
    }

    fn remove(&mut self, el: &Element) {
        let (s, e) = whole_lines(self.text, el.pos, element_end(self.text, el));
        self.edits.push(Edit {
            start: s,
            end: e,
            with: String::new(),
        });
    }

    /// Inserts `snippet` as the last child of `parent`, indented like its children.
    fn append_child(&mut self, parent: &Element, snippet: &str) {
        let end = element_end(self.text, parent);
        let (tag, empty) = tag_end(self.text, parent.pos);
        if empty {
            // <devices/>: rare; write it open.
            let with = format!("<{n}>{s}</{n}>", n = parent.name, s = self.q(snippet));
            self.edits.push(Edit {
                start: parent.pos,
                end: tag,
                with,
            });
            return;
        }
        let close = self.text[..end].rfind("</").unwrap_or(end);
        let close_line = self.text[..close].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let indent = match parent.children.first() {
            Some(c) => indent_of(self.text, c.pos).to_string(),
            None => format!("{}  ", indent_of(self.text, parent.pos)),
        };
        if self.text[close_line..close].trim().is_empty() {
            self.edits.push(Edit {
                start: close_line,
                end: close_line,
                with: format!("{indent}{}\n", self.q(snippet)),
            });
        } else {
            self.edits.push(Edit {
                start: close,
                end: close,
                with: self.q(snippet),
            });
        }
    }

    /// Inserts `snippet` on its own line after element `el`, indented like it.
    fn insert_after(&mut self, el: &Element, snippet: &str) {
        let end = element_end(self.text, el);
        let indent = indent_of(self.text, el.pos).to_string();
        self.edits.push(Edit {
            start: end,
            end,
            with: format!("\n{indent}{}", self.q(snippet)),
        });
    }
}

fn child<'e>(el: &'e Element, name: &str) -> Option<&'e Element> {
    el.children.iter().find(|c| c.name == name)
}

/// The domain with every finding's change applied. Findings without a
/// change are left as they are.
pub fn apply(text: &str, d: &Domain, findings: &[Finding]) -> String {
    let root = &d.root;
    let (tag, _) = tag_end(text, root.pos);
    let quote = if text[root.pos..tag].contains('"') {
        '"'
    } else {
        '\''
    };
    let mut ed = Editor {
        text,
        root,
        quote,
        edits: Vec::new(),
    };
    let changes: Vec<&Change> = findings.iter().filter_map(|f| f.change.as_ref()).collect();
    let secure_boot = changes.iter().any(|c| matches!(c, Change::SecureBoot));
    for change in &changes {
        match change {
            Change::Model {
                at,
                model,
                drop_address,
            } => {
                match at {
                    ModelAt::Attr(pos, name) => {
                        if let Some(el) = find(ed.root, *pos) {
                            ed.set_attr(el, name, model);
                        }
                    }
                    ModelAt::ModelType(pos) => {
                        if let Some(el) = find(ed.root, *pos) {
                            match child(el, "model") {
                                Some(m) => ed.set_attr(m, "type", model),
                                None => {
                                    let (end, _) = tag_end(text, el.pos);
                                    ed.edits.push(Edit {
                                        start: end,
                                        end,
                                        with: format!("<model type={q}{model}{q}/>", q = quote),
                                    });
                                }
                            }
                        }
                    }
                    ModelAt::DiskBus(_) => {}
                }
                if let Some(addr) = drop_address.and_then(|p| find(ed.root, p)) {
                    ed.remove(addr);
                }
            }
            Change::DiskBus { disk, bus } => {
                if let Some(el) = find(ed.root, *disk) {
                    if let Some(t) = child(el, "target") {
                        ed.set_attr(t, "bus", bus);
                        if t.attr("dev").is_some() {
                            let prefix = if bus == "sata" || bus == "scsi" || bus == "usb" {
                                "sd"
                            } else {
                                "hd"
                            };
                            // The first name of the new bus no other disk has.
                            let taken: Vec<&str> = child(ed.root, "devices")
                                .map(|d| {
                                    d.children
                                        .iter()
                                        .filter(|c| c.name == "disk")
                                        .filter_map(|c| child(c, "target"))
                                        .filter_map(|t| t.attr("dev"))
                                        .map(|a| a.value.as_str())
                                        .collect()
                                })
                                .unwrap_or_default();
                            if let Some(name) = ('a'..='z')
                                .map(|l| format!("{prefix}{l}"))
                                .find(|n| !taken.contains(&n.as_str()))
                            {
                                ed.set_attr(t, "dev", &name);
                            }
                        }
                    }
                    ed.remove_attr(el, "model");
                    if let Some(a) = child(el, "address") {
                        ed.remove(a);
                    }
                }
            }
            Change::AddDevice(snippet) => {
                if let Some(devs) = child(ed.root, "devices") {
                    ed.append_child(devs, snippet);
                }
            }
            Change::Machine(name) => {
                if let Some(t) = child(ed.root, "os").and_then(|o| child(o, "type")) {
                    ed.set_attr(t, "machine", name);
                }
            }
            Change::Efi => {
                if !secure_boot {
                    if let Some(os) = child(ed.root, "os") {
                        ed.set_attr(os, "firmware", "efi");
                    }
                }
            }
            Change::SecureBoot => {
                if let Some(os) = child(ed.root, "os") {
                    ed.set_attr(os, "firmware", "efi");
                    if child(os, "firmware").is_none() {
                        if let Some(t) = child(os, "type") {
                            let inner = format!("{}  ", indent_of(text, t.pos));
                            let indent = indent_of(text, t.pos).to_string();
                            let snippet = format!(
                                "<firmware>\n{inner}<feature enabled='yes' name='enrolled-keys'/>\n{inner}<feature enabled='yes' name='secure-boot'/>\n{indent}</firmware>"
                            );
                            ed.insert_after(t, &snippet);
                        }
                    }
                }
                match child(ed.root, "features") {
                    Some(f) if child(f, "smm").is_none() => ed.append_child(f, "<smm state='on'/>"),
                    Some(_) => {}
                    None => {
                        if let Some(os) = child(ed.root, "os") {
                            ed.insert_after(os, "<features>\n    <smm state='on'/>\n  </features>");
                        }
                    }
                }
            }
        }
    }
    let mut edits = ed.edits;
    edits.sort_by_key(|e| (e.start, e.end));
    edits.dedup();
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for e in &edits {
        if e.start < at {
            // Overlapping edits (two fixes of one element): the first wins.
            continue;
        }
        out.push_str(&text[at..e.start]);
        out.push_str(&e.with);
        at = e.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A unified diff (3 lines of context) from `old` to `new`, labelled `a/NAME`
/// and `b/NAME`; empty when they are the same.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    // Common prefix and suffix, then a longest-common-subsequence table
    // over the middle (fixes are a few lines; the middle is bounded).
    let pre = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suf = a[pre..]
        .iter()
        .rev()
        .zip(b[pre..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let am = &a[pre..a.len() - suf];
    let bm = &b[pre..b.len() - suf];
    // ops: (' ' | '-' | '+', line)
    let mut ops: Vec<(char, &str)> = a[..pre].iter().map(|l| (' ', *l)).collect();
    if am.len().saturating_mul(bm.len()) <= 4_000_000 {
        let (n, m) = (am.len(), bm.len());
        let mut t = vec![0u32; (n + 1) * (m + 1)];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                t[i * (m + 1) + j] = if am[i] == bm[j] {
                    t[(i + 1) * (m + 1) + j + 1] + 1
                } else {
                    t[(i + 1) * (m + 1) + j].max(t[i * (m + 1) + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                ops.push((' ', am[i]));
                i += 1;
                j += 1;
            } else if i < n && (j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1]) {
                ops.push(('-', am[i]));
                i += 1;
            } else {
                ops.push(('+', bm[j]));
                j += 1;
            }
        }
    } else {
        ops.extend(am.iter().map(|l| ('-', *l)));
        ops.extend(bm.iter().map(|l| ('+', *l)));
    }
    ops.extend(a[a.len() - suf..].iter().map(|l| (' ', *l)));

    let name = name.trim_start_matches('/');
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    const CONTEXT: usize = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| *k != ' ')
        .map(|(i, _)| i)
        .collect();
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(CONTEXT);
        let mut end = changed[k];
        while k < changed.len() && changed[k] <= end + 2 * CONTEXT + 1 {
            end = changed[k];
            k += 1;
        }
        let end = (end + CONTEXT + 1).min(ops.len());
        let old_before = ops[..start].iter().filter(|(c, _)| *c != '+').count();
        let new_before = ops[..start].iter().filter(|(c, _)| *c != '-').count();
        let old_len = ops[start..end].iter().filter(|(c, _)| *c != '+').count();
        let new_len = ops[start..end].iter().filter(|(c, _)| *c != '-').count();
        let at = |before: usize, len: usize| if len == 0 { before } else { before + 1 };
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            at(old_before, old_len),
            old_len,
            at(new_before, new_len),
            new_len
        ));
        for (c, l) in &ops[start..end] {
            out.push(*c);
            out.push_str(l);
            if !l.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_of_one_changed_line_has_one_hunk_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nD\ne\nf\ng\nh\n";
        let d = unified_diff("x.xml", old, new);
        assert_eq!(
            d,
            "--- a/x.xml\n+++ b/x.xml\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n"
        );
        assert_eq!(unified_diff("x", old, old), "");
    }

    #[test]
    fn attribute_values_are_replaced_in_place_and_the_rest_kept() {
        let text = "<domain type='kvm'>\n  <devices>\n    <memballoon  model = \"virtio\" />\n  </devices>\n</domain>\n";
        let d = super::super::domain::read(text).expect("reads");
        let el = &d.root.children[0].children[0];
        assert_eq!(
            attr_value(text, el, "model").map(|(s, e)| &text[s..e]),
            Some("virtio")
        );
        assert_eq!(
            element_end(text, &d.root.children[0]),
            text.find("</devices>").unwrap() + 10
        );
    }
}
