//! Findings about data files: `path:line:col: error[rule]: message`, with notes.
//!
//! Every reader, resolver and checker reports through [`Finding`]; nothing in the
//! compiler stops at the first problem.

use std::fmt;
use std::sync::Arc;

/// A place in a data file. Lines and columns start at 1; columns count characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub path: Arc<str>,
    pub line: u32,
    pub col: u32,
}

impl Default for Loc {
    /// No place (facts made by a program, not read from a file).
    fn default() -> Loc {
        Loc {
            path: Arc::from(""),
            line: 0,
            col: 0,
        }
    }
}

impl Loc {
    pub fn new(path: &Arc<str>, line: u32, col: u32) -> Loc {
        Loc {
            path: Arc::clone(path),
            line,
            col,
        }
    }

    /// The start of a file, for findings about the file as a whole.
    pub fn file(path: &Arc<str>) -> Loc {
        Loc::new(path, 1, 1)
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path, self.line, self.col)
    }
}

/// The rule a finding breaks. The name is what appears between the brackets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    Io,
    Encoding,
    XmlSyntax,
    UnknownElement,
    UnknownAttribute,
    MissingElement,
    MissingAttribute,
    DuplicateElement,
    InvalidValue,
    InvalidDate,
    InvalidPciId,
    InvalidRegex,
    DuplicateId,
    DuplicateName,
    IdPath,
    UnresolvedReference,
    InheritanceCycle,
    ReleaseAfterEol,
    ResourceOrder,
    VirtioContradictsDevices,
    KernelContradiction,
    FirmwareContradiction,
    ReleaseOrder,
    LifecycleOrder,
    EolDateMismatch,
    SchemaVersion,
}

impl Rule {
    pub const ALL: &'static [Rule] = &[
        Rule::Io,
        Rule::Encoding,
        Rule::XmlSyntax,
        Rule::UnknownElement,
        Rule::UnknownAttribute,
        Rule::MissingElement,
        Rule::MissingAttribute,
        Rule::DuplicateElement,
        Rule::InvalidValue,
        Rule::InvalidDate,
        Rule::InvalidPciId,
        Rule::InvalidRegex,
        Rule::DuplicateId,
        Rule::DuplicateName,
        Rule::IdPath,
        Rule::UnresolvedReference,
        Rule::InheritanceCycle,
        Rule::ReleaseAfterEol,
        Rule::ResourceOrder,
        Rule::VirtioContradictsDevices,
        Rule::KernelContradiction,
        Rule::FirmwareContradiction,
        Rule::ReleaseOrder,
        Rule::LifecycleOrder,
        Rule::EolDateMismatch,
        Rule::SchemaVersion,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rule::Io => "io",
            Rule::Encoding => "encoding",
            Rule::XmlSyntax => "xml-syntax",
            Rule::UnknownElement => "unknown-element",
            Rule::UnknownAttribute => "unknown-attribute",
            Rule::MissingElement => "missing-element",
            Rule::MissingAttribute => "missing-attribute",
            Rule::DuplicateElement => "duplicate-element",
            Rule::InvalidValue => "invalid-value",
            Rule::InvalidDate => "invalid-date",
            Rule::InvalidPciId => "invalid-pci-id",
            Rule::InvalidRegex => "invalid-regex",
            Rule::DuplicateId => "duplicate-id",
            Rule::DuplicateName => "duplicate-name",
            Rule::IdPath => "id-path",
            Rule::UnresolvedReference => "unresolved-reference",
            Rule::InheritanceCycle => "inheritance-cycle",
            Rule::ReleaseAfterEol => "release-after-eol",
            Rule::ResourceOrder => "resource-order",
            Rule::VirtioContradictsDevices => "virtio-contradicts-devices",
            Rule::KernelContradiction => "kernel-contradiction",
            Rule::FirmwareContradiction => "firmware-contradiction",
            Rule::ReleaseOrder => "release-order",
            Rule::LifecycleOrder => "lifecycle-order",
            Rule::EolDateMismatch => "eol-date-mismatch",
            Rule::SchemaVersion => "schema-version",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A related place that helps explain a finding ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub loc: Loc,
    pub message: String,
}

/// One broken rule at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub loc: Loc,
    pub message: String,
    pub notes: Vec<Note>,
}

impl Finding {
    pub fn new(rule: Rule, loc: Loc, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            loc,
            message: message.into(),
            notes: Vec::new(),
        }
    }

    pub fn note(mut self, loc: Loc, message: impl Into<String>) -> Finding {
        self.notes.push(Note {
            loc,
            message: message.into(),
        });
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: error[{}]: {}", self.loc, self.rule, self.message)?;
        for note in &self.notes {
            write!(f, "\n{}: note: {}", note.loc, note.message)?;
        }
        Ok(())
    }
}

/// All findings of one run, in a stable order: first those that stopped a
/// file from being read at all (io, encoding, xml-syntax), whose
/// consequences elsewhere (an undefined target) follow; then by place and rule.
#[derive(Debug, Default)]
pub struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn push(&mut self, finding: Finding) {
        self.0.push(finding);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn sorted(mut self) -> Vec<Finding> {
        let later = |r: Rule| !matches!(r, Rule::Io | Rule::Encoding | Rule::XmlSyntax);
        self.0.sort_by(|a, b| {
            (later(a.rule), &a.loc, a.rule, &a.message).cmp(&(
                later(b.rule),
                &b.loc,
                b.rule,
                &b.message,
            ))
        });
        self.0.dedup();
        self.0
    }
}

/// Turns byte offsets of one file into line and column.
pub struct LineIndex<'a> {
    src: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> LineIndex<'a> {
        let mut starts = vec![0];
        starts.extend(
            src.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { src, starts }
    }

    pub fn loc(&self, path: &Arc<str>, offset: usize) -> Loc {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self
            .src
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(offset - start);
        Loc::new(path, line as u32, col as u32 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_characters() {
        let path: Arc<str> = Arc::from("f.xml");
        let idx = LineIndex::new("ab\nçd\n");
        assert_eq!(idx.loc(&path, 0).to_string(), "f.xml:1:1");
        assert_eq!(idx.loc(&path, 3).to_string(), "f.xml:2:1");
        // 'ç' is two bytes but one column.
        assert_eq!(idx.loc(&path, 5).to_string(), "f.xml:2:2");
        assert_eq!(idx.loc(&path, 99).to_string(), "f.xml:3:1");
    }

    #[test]
    fn every_rule_has_a_distinct_name() {
        let mut names: Vec<_> = Rule::ALL.iter().map(|r| r.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Rule::ALL.len());
    }
}
