//! `guestdb new-os`: scaffold the next release of a distribution from the
//! file of the release before it (the scaffolding itself is
//! `guestdb_data::scaffold`).

use super::{parse_date, usage, write_json, Failure, Outcome};
use crate::data::diag::Findings;
use crate::data::model::{Located, Provenance, Version};
use crate::data::scaffold::{scaffold, NewRelease, DATE_PLACEHOLDER};
use crate::Error;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

pub(super) const AFTER_HELP: &str = "Examples:
  guestdb new-os alpinelinux3.23 3.24 --release-date 2026-06-09 --eol-date 2028-06-01
  guestdb new-os fedora44 45 --out data --kernel 6.19 --source distro-release-notes
  guestdb validate data && guestdb --data data recommend alpinelinux3.24

The new file goes beside the previous release's file. It derives from and upgrades the previous
release, so it inherits its virtio, chipset, firmware and device facts; the media patterns and
URLs are copied with the version changed. Dates not given are written as YYYY-MM-DD, which
'guestdb validate' reports until they are filled in; so are the ends of the lifecycle phases the
previous release states (a day, or tba while the vendor has not announced it), except the
security phase's when --eol-date gives it. Running it again changes nothing: an
unchanged file is left alone, and a file edited since is never overwritten.

Exit status: 0 written or already there, 1 the file exists with other content, 2 error.";

#[derive(Args, Debug)]
pub struct NewOsArgs {
    /// The previous release (short-id, id or alias)
    previous: String,
    /// The new release's version, e.g. 3.24
    version: String,
    /// The guestdb data directory
    #[arg(long, default_value = "data")]
    out: PathBuf,
    /// Release date (YYYY-MM-DD); left to fill in when not given
    #[arg(long, value_name = "DATE")]
    release_date: Option<String>,
    /// End of security maintenance without a paid add-on (YYYY-MM-DD): the eol-date and the
    /// security phase's end; left to fill in when not given and the previous release has one
    #[arg(long, value_name = "DATE")]
    eol_date: Option<String>,
    /// Codename of the new release
    #[arg(long)]
    codename: Option<String>,
    /// Mark the release as announced but not yet released
    #[arg(long)]
    prerelease: bool,
    /// Upstream Linux kernel version the release ships, e.g. 6.18
    #[arg(long, value_name = "VERSION")]
    kernel: Option<String>,
    /// Source id (from dataset.xml) of the file's facts; "guestdb" (contributors) when not given
    #[arg(long, value_name = "ID")]
    source: Option<String>,
    /// Where the version, dates and kernel come from (a URL or document), kept as a note
    #[arg(long, value_name = "TEXT")]
    note: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub(super) fn run(args: &NewOsArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    if !args.out.is_dir() {
        return Err(usage(format!(
            "'{}' is not a directory; give the data directory with --out, e.g. '--out data'",
            args.out.display()
        )));
    }
    let mut findings = Findings::default();
    let data = crate::data::read::read_dir(&args.out, &mut findings)
        .ok_or_else(|| Failure::from(Error::data(findings.0)))?;
    let prev = data
        .oses
        .iter()
        .find(|o| o.id.value == args.previous || o.names().any(|n| n.value == args.previous))
        .ok_or_else(|| Failure {
            message: format!(
                "no OS '{}' in {}; name the previous release by its short-id, e.g. 'guestdb new-os alpinelinux3.23 3.24'",
                args.previous,
                args.out.display()
            ),
            code: 1,
        })?;
    for (what, text) in [("--codename", &args.codename), ("--note", &args.note)] {
        if text
            .as_deref()
            .is_some_and(|t| t.chars().any(char::is_control))
        {
            return Err(usage(format!(
                "{what} holds a control character (a newline, a tab, ...); give it on one line"
            )));
        }
    }
    let source = args.source.clone().unwrap_or_else(|| "guestdb".into());
    if !data.info.sources.iter().any(|s| s.id.value == source) {
        let defined: Vec<&str> = data
            .info
            .sources
            .iter()
            .map(|s| s.id.value.as_str())
            .collect();
        return Err(usage(format!(
            "source '{source}' is not defined in {}/dataset.xml; give one of: {}",
            args.out.display(),
            defined.join(", ")
        )));
    }
    let kernel = match &args.kernel {
        None => None,
        Some(k) => {
            let version = Version::parse(k).ok_or_else(|| {
                usage(format!(
                    "--kernel '{k}' is not a kernel version; expected e.g. 6.18 or 2.6.32"
                ))
            })?;
            Some((
                version,
                Provenance {
                    source: args
                        .source
                        .clone()
                        .map(|s| Located::new(s, prev.loc.clone())),
                    note: args.note.clone(),
                    ..Provenance::default()
                },
            ))
        }
    };
    let release = NewRelease {
        version: args.version.clone(),
        codename: args.codename.clone(),
        release_date: args
            .release_date
            .as_deref()
            .map(|d| parse_date(d, "--release-date"))
            .transpose()?,
        eol_date: args
            .eol_date
            .as_deref()
            .map(|d| parse_date(d, "--eol-date"))
            .transpose()?,
        prerelease: args.prerelease,
        kernel,
        source: Some(source),
        note: args.note.clone(),
    };
    let known = |id: &str| data.oses.iter().any(|o| o.id.value == id);
    let made = scaffold(prev, &release, known).map_err(|e| {
        usage(format!(
            "cannot scaffold {} {} from {}: {e}",
            prev.name.value, args.version, args.previous
        ))
    })?;
    let prev_path = Path::new(prev.loc.path.as_ref());
    let path = prev_path.with_file_name(&made.file_name);
    if let Some(other) = data.oses.iter().find(|o| {
        Path::new(o.loc.path.as_ref()) != path
            && (o.id.value == made.id || o.names().any(|n| made.short_ids.contains(&n.value)))
    }) {
        return Err(usage(format!(
            "{} already describes {} (or one of its short-ids {}); not scaffolded again",
            other.loc.path,
            made.id,
            made.short_ids.join(", ")
        )));
    }
    let existing = match std::fs::symlink_metadata(&path) {
        Err(e) => Err(e),
        Ok(_) => Ok(crate::input::read(&path, crate::input::DATA_FILE)?),
    };
    let state = match existing {
        Ok(existing) if existing == made.text.as_bytes() => "unchanged",
        Ok(_) => {
            return Err(Failure {
                message: format!(
                    "{} exists and differs from the scaffold (edited since?); it is left as it is. Remove it to scaffold again",
                    path.display()
                ),
                code: 1,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::data::write_atomic(&path, made.text.as_bytes()).map_err(Error::io(&path))?;
            "written"
        }
        Err(e) => {
            return Err(Error::io(path)(e)
            .into())
        }
    };
    let to_fill: Vec<String> = made
        .text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(DATE_PLACEHOLDER))
        .map(|(i, l)| {
            let name = l.trim().trim_start_matches('<');
            let name = name.split('>').next().unwrap_or(name);
            // A lifecycle phase: `phase security`.
            let phase;
            let name = match name.strip_prefix("phase name=\"") {
                Some(rest) => {
                    phase = format!("phase {}", rest.split('"').next().unwrap_or(rest));
                    phase.as_str()
                }
                None => name,
            };
            format!("{}:{}: {name}", path.display(), i + 1)
        })
        .collect();
    let short = made.short_ids.first().cloned().unwrap_or(made.id.clone());
    if args.json {
        let v = json!({
            "path": path.display().to_string(),
            "state": state,
            "id": made.id,
            "short_ids": made.short_ids,
            "derives_from": prev.id.value,
            "to_fill": to_fill,
            "not_carried": made.not_carried,
        });
        write_json(out, &v)?;
    } else {
        writeln!(
            out,
            "{state}: {} ({}, derives from {})",
            path.display(),
            made.id,
            prev.id.value
        )?;
        for f in &to_fill {
            writeln!(out, "fill in: {f}")?;
        }
        if !made.not_carried.is_empty() {
            writeln!(
                out,
                "not carried over (they name {} alone; move them by hand if they should name the new release): {}",
                args.previous,
                made.not_carried.join(", ")
            )?;
        }
        writeln!(
            out,
            "next: check the name, media patterns and facts against the release notes, then\n  guestdb validate {0}\n  guestdb --data {0} show {short}\n  guestdb --data {0} recommend {short}",
            args.out.display()
        )?;
    }
    Ok(Outcome::Ok)
}
