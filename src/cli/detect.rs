//! `guestdb detect`: which OS an ISO image, an isoinfo dump or an install
//! tree is.

use super::{write_json, Failure, Outcome};
use crate::detect::{read_path, Input, Match};
use crate::render::table::table;
use crate::Database;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

pub(super) const AFTER_HELP: &str = "\
Examples:
  guestdb detect Fedora-Server-dvd-x86_64-44-1.7.iso
  guestdb detect rhel-9.5-x86_64-boot.iso.txt --json      (an isoinfo -d dump)
  guestdb detect /srv/trees/rhel9.5/ --all                (an install tree with .treeinfo)
  guestdb recommend --media Fedora-Server-dvd-x86_64-44-1.7.iso

Each path is an ISO 9660 image (only its volume descriptors are read), the
output of 'isoinfo -d -i IMAGE', a .treeinfo file or a directory holding one.
Patterns are matched as libosinfo does; a release newer than the dataset knows
is reported as such, with low confidence.

Exit status: 0 every path identified, 1 some path matched nothing, 2 a path
could not be read.";

#[derive(Args, Debug)]
pub struct DetectArgs {
    /// ISO images, isoinfo -d dumps, .treeinfo files or install trees
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Every candidate, not only the best
    #[arg(long)]
    all: bool,
    /// The media's architecture, when known (an ISO does not say)
    #[arg(long)]
    arch: Option<String>,
    /// Print JSON: an array of candidates, each with its path
    #[arg(long)]
    json: bool,
}

pub(super) fn run(
    db: &Database,
    args: &DetectArgs,
    out: &mut dyn Write,
) -> Result<Outcome, Failure> {
    let mut all_json = Vec::new();
    let mut unmatched = 0;
    let mut errors = Vec::new();
    for path in &args.paths {
        let shown = path.display().to_string();
        let mut input = match read_path(path) {
            Ok(i) => i,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        if let (Some(a), Input::Iso(m) | Input::Isoinfo(m)) = (&args.arch, &mut input) {
            m.arch = Some(a.clone());
        }
        let found = db.identify(&input)?;
        if found.is_empty() {
            unmatched += 1;
        }
        let shown_matches: &[Match] = if args.all {
            &found
        } else {
            &found[..found.len().min(1)]
        };
        if args.json {
            all_json.extend(shown_matches.iter().map(|m| m.to_json(&shown, &input)));
            continue;
        }
        if found.is_empty() {
            writeln!(out, "{shown}: no known OS matches")?;
            describe_input(out, &input)?;
            continue;
        }
        for (i, m) in shown_matches.iter().enumerate() {
            let what = match &m.newer_than_known {
                Some(n) => format!(
                    "probably {} {}, newer than known (nearest known: {})",
                    n.distro, n.version, n.nearest_short_id
                ),
                None => format!("{}  {}", m.short_id, m.name),
            };
            let head = if i == 0 {
                shown.clone()
            } else {
                format!("{shown} (also)")
            };
            writeln!(out, "{head}: {what}")?;
            let mut rows = vec![
                vec!["arch".to_string(), m.arch.clone()],
                vec!["confidence".into(), m.confidence.to_string()],
            ];
            if !m.variants.is_empty() {
                rows.push(vec!["variant".into(), m.variants.join(", ")]);
            }
            if !m.languages.is_empty() {
                rows.push(vec!["languages".into(), m.languages.join(", ")]);
            }
            for f in &m.matched {
                rows.push(vec![
                    f.field.replace('_', " "),
                    format!("{:?} ~ /{}/", f.value, f.pattern),
                ]);
            }
            rows.push(vec!["entry".into(), m.entry.clone()]);
            write!(out, "{}", table(&rows, "  "))?;
        }
        if !args.all && found.len() > 1 {
            writeln!(
                out,
                "  ({} more candidates; --all lists them)",
                found.len() - 1
            )?;
        }
    }
    if args.json {
        write_json(out, &all_json)?;
    }
    if !errors.is_empty() {
        return Err(Failure {
            message: errors.join("\nguestdb: "),
            code: 2,
        });
    }
    Ok(if unmatched > 0 {
        Outcome::NotFound
    } else {
        Outcome::Ok
    })
}

fn describe_input(out: &mut dyn Write, input: &Input) -> Result<(), Failure> {
    let rows: Vec<Vec<String>> = match input {
        Input::Iso(m) | Input::Isoinfo(m) => [
            ("volume id", m.volume_id.clone()),
            ("system id", m.system_id.clone()),
            ("publisher id", m.publisher_id.clone()),
            ("application id", m.application_id.clone()),
            ("volume size", m.volume_size.map(|s| s.to_string())),
        ]
        .into_iter()
        .map(|(k, v)| vec![k.to_string(), v.unwrap_or_else(|| "-".into())])
        .collect(),
        Input::Treeinfo(t) => [
            ("family", t.family.clone()),
            ("version", t.version.clone()),
            ("variant", t.variant.clone()),
            ("arch", t.arch.clone()),
        ]
        .into_iter()
        .map(|(k, v)| vec![k.to_string(), v.unwrap_or_else(|| "-".into())])
        .collect(),
    };
    write!(out, "{}", table(&rows, "  "))?;
    Ok(())
}
