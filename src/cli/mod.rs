//! The `guestdb` command line: the top-level arguments, dispatch, output
//! helpers and exit codes. Each command lives in its own file beside this one.
//!
//! Exit codes: 0 success, 1 not found / no match / import conflicts,
//! 2 error (bad arguments, bad data, unreadable store). A closed pipe on
//! standard output ends the program quietly with 0.

mod build;
mod check;
mod detect;
mod diff;
mod export;
mod import;
mod list;
mod machines;
mod new_os;
mod parse;
pub(crate) mod printable;
mod recommend;
mod release;
mod show;
mod target;
mod validate;
mod verify;

/// Today's date from the system clock (what end-of-life warnings compare with).
pub use recommend::today;

use crate::os::Os;
use crate::{Database, Date, Error};
use clap::{Args, Parser, Subcommand};
use serde_json::{json, Value};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (dataset ",
    env!("GUESTDB_DATASET_VERSION"),
    ", schema ",
    env!("GUESTDB_SCHEMA_VERSION"),
    ")"
);

#[derive(Parser, Debug)]
#[command(
    name = "guestdb",
    version = LONG_VERSION,
    about = "Guest OS knowledge: virtio generations, chipsets, firmware and devices per OS",
    after_help = "Examples:\n  guestdb recommend rhel6.10\n  guestdb detect Fedora-Server-dvd-x86_64-44-1.7.iso\n  guestdb show rhel6.10\n  guestdb show win11 --json\n  guestdb list --distro rhel --virtio legacy-only\n  guestdb list --supported-on 2026-11-22 --chipset q35 --fields short-id,name,eol-date\n  guestdb validate data\n\nExit status: 0 ok, 1 not found or no match, 2 error."
)]
pub struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

/// The options every subcommand takes.
#[derive(Args, Debug)]
struct Global {
    /// Use this compiled store instead of the embedded dataset (or set GUESTDB_STORE)
    #[arg(long, global = true, value_name = "FILE", conflicts_with = "data")]
    store: Option<PathBuf>,
    /// Compile this data directory and use it instead of the embedded dataset (or set GUESTDB_DATA)
    #[arg(long, global = true, value_name = "DIR")]
    data: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List OSes, optionally filtered
    #[command(
        after_help = "Examples:\n  guestdb list --distro rhel\n  guestdb list --family winnt --json\n  guestdb list --virtio legacy-only --virtio-class block --fields short-id,virtio-block\n  guestdb list --supported-on 2026-11-22 --arch aarch64\n  guestdb list --distro rhel --supported-on 2026-12-07 --support extended --fields short-id,eol-date,extended-end\n  guestdb list --scheme vmware --json\n\nFields: id, short-id, short-ids, name, vendor, family, distro, version, codename, release-date,\neol-date, standard-end, security-end, extended-end, status, arches, chipsets, virtio-<class>\n(net, block, console, rng, balloon, scsi, 9p, gpu, input, vsock, iommu, mem, sound, fs, pmem).\n\nExit status: 0 when something matched, 1 when nothing did, 2 on error."
    )]
    List(list::ListArgs),
    /// Show everything known about one OS
    #[command(
        after_help = "Examples:\n  guestdb show rhel6.10\n  guestdb show http://microsoft.com/win/11 --json\n  guestdb show centos7.0 --explain\n  guestdb show vmware:rhel9_64Guest\n  guestdb show proxmox:win11 --json\n\nAn OS may be named SCHEME:NAME (glance, kubevirt, ovirt, proxmox,\nvirtualbox, vmware: 'guestdb list --scheme S'); a match that is not exact\nprints a warning. Exit status: 0 found, 1 unknown OS or a gap, 2 error."
    )]
    Show(show::ShowArgs),
    /// Check a data directory and report every finding
    #[command(
        after_help = "Examples:\n  guestdb validate\n  guestdb validate path/to/data --json\n\nFindings read 'path:line:col: error[rule]: message'. Exit status: 0 clean, 2 findings or error."
    )]
    Validate(validate::ValidateArgs),
    /// Compile a data directory into a store file
    #[command(
        after_help = "Example:\n  guestdb build data -o guestdb.store && guestdb --store guestdb.store show rhel6.10"
    )]
    Build(build::BuildArgs),
    /// Import osinfo-db's data tree into a guestdb data directory
    #[command(
        name = "import-osinfo",
        after_help = "Example:\n  guestdb import-osinfo ../shared/osinfo-db/data --out data\n\nFiles edited since the last import are kept; where osinfo-db changed them too the import\nis written beside them as FILE.imported. Merge it into FILE by hand, delete nothing, and run
again with --merged. Exit status: 0 done, 1 done with conflicts, 2 error."
    )]
    ImportOsinfo(import::ImportArgs),
    /// Write the data as an osinfo-db tree that libosinfo and virt-install load
    #[command(name = "export-osinfo", after_help = export::AFTER_HELP)]
    ExportOsinfo(export::ExportArgs),
    /// Compare two datasets (stores or data directories), OS by OS and field by field
    #[command(after_help = diff::AFTER_HELP)]
    Diff(diff::DiffArgs),
    /// Build a dataset release: the versioned store, its checksum and release notes
    #[command(after_help = release::AFTER_HELP)]
    Release(release::ReleaseArgs),
    /// Scaffold the next release of a distribution from the previous one's file
    #[command(name = "new-os", after_help = new_os::AFTER_HELP)]
    NewOs(new_os::NewOsArgs),
    /// Recommend machine type, firmware and every device for an OS on a host
    #[command(after_help = recommend::AFTER_HELP)]
    Recommend(recommend::RecommendArgs),
    /// List the machine types a host (or a QEMU version) offers, or the host profiles
    #[command(after_help = machines::AFTER_HELP)]
    Machines(machines::MachinesArgs),
    /// Identify the OS of an ISO image, an isoinfo dump or an install tree
    #[command(after_help = detect::AFTER_HELP)]
    Detect(detect::DetectArgs),
    /// Start the recommended guest on a real QEMU or libvirt and check every PCI ID (s390x: every virtio-ccw device) it sees
    #[command(after_help = verify::AFTER_HELP)]
    Verify(verify::VerifyArgs),
    /// Check existing VMs (libvirt domain XMLs) against what their OS drives and their hosts offer, and fix them
    #[command(after_help = check::AFTER_HELP)]
    Check(check::CheckArgs),
}

/// How a command ended.
pub(crate) enum Outcome {
    Ok,
    NotFound,
}

/// A failure with a message for standard error and an exit code.
pub(crate) struct Failure {
    pub(crate) message: String,
    pub(crate) code: u8,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure {
            message: e.to_string(),
            code: 2,
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure {
            message: format!("cannot write output: {e}"),
            code: if e.kind() == io::ErrorKind::BrokenPipe {
                0
            } else {
                2
            },
        }
    }
}

pub(crate) fn usage(message: String) -> Failure {
    Failure { message, code: 2 }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match parse::parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = io::stdout();
    let mut out = printable::Printable::new(io::BufWriter::new(stdout.lock()));
    let result = run(&cli, &mut out).and_then(|o| {
        out.flush()?;
        Ok(o)
    });
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::NotFound) => ExitCode::from(1),
        Err(f) if f.code == 0 => ExitCode::SUCCESS,
        Err(f) => {
            let _ = out.flush();
            eprintln!("guestdb: {}", printable::printable(&f.message));
            ExitCode::from(f.code)
        }
    }
}

/// Where the dataset comes from: `--store` or `--data`, else the variables
/// GUESTDB_STORE or GUESTDB_DATA (empty counts as unset), else the embedded
/// dataset. Options win over variables; both variables set is an error.
fn open(cli: &Cli) -> Result<Database, Failure> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let (store, data) = match (&cli.global.store, &cli.global.data) {
        (None, None) => (var("GUESTDB_STORE"), var("GUESTDB_DATA")),
        (store, data) => (store.clone(), data.clone()),
    };
    Ok(match (store, data) {
        (Some(_), Some(_)) => {
            return Err(usage(
                "GUESTDB_STORE and GUESTDB_DATA are both set; unset one of them, or choose with --store or --data".into(),
            ))
        }
        (Some(store), None) => Database::open(&store)?,
        (None, Some(dir)) => Database::from_data_dir(&dir)?,
        (None, None) => Database::embedded()?,
    })
}

/// Runs a command on the database the options name. The database is not
/// dropped: the process ends right after, and freeing SQLite's connection
/// and caches would cost a fifth of a one-shot command's time.
fn with_db(
    cli: &Cli,
    command: impl FnOnce(&Database) -> Result<Outcome, Failure>,
) -> Result<Outcome, Failure> {
    let db = open(cli)?;
    let result = command(&db);
    std::mem::forget(db);
    result
}

fn run(cli: &Cli, out: &mut dyn Write) -> Result<Outcome, Failure> {
    match &cli.command {
        Command::List(args) => with_db(cli, |db| list::run(db, args, out)),
        Command::Show(args) => with_db(cli, |db| show::run(db, args, out)),
        Command::Validate(args) => validate::run(args, out),
        Command::Build(args) => build::run(args, out),
        Command::ImportOsinfo(args) => import::run(args, out),
        Command::NewOs(args) => new_os::run(args, out),
        Command::Diff(args) => diff::run(args, out),
        Command::ExportOsinfo(args) => export::run(args, out),
        Command::Release(args) => release::run(args, out),
        Command::Recommend(args) => with_db(cli, |db| recommend::run(db, args, out)),
        Command::Machines(args) => with_db(cli, |db| machines::run(db, args, out)),
        Command::Verify(args) => with_db(cli, |db| verify::run(db, args, out)),
        Command::Detect(args) => with_db(cli, |db| detect::run(db, args, out)),
        Command::Check(args) => with_db(cli, |db| check::run(db, args, out)),
    }
}

pub(crate) fn parse_date(s: &str, what: &str) -> Result<Date, Failure> {
    Date::parse(s).ok_or_else(|| {
        usage(format!(
            "{what} '{s}' is not a date; expected YYYY-MM-DD, e.g. 2026-11-22"
        ))
    })
}

/// `SCHEME:NAME` of a known scheme (`vmware:rhel9_64Guest`): the OS it
/// resolves to, with a warning on standard error when the match is not
/// exact; a not-found failure (exit 1) for a gap or an unknown name;
/// `None` when `text` names no scheme.
fn from_scheme<'d>(db: &'d Database, text: &str) -> Result<Option<&'d Os>, Failure> {
    Ok(scheme_os(db, text)?.map(|(os, _)| os))
}

/// As [`from_scheme`], with the architecture the name is for, where it
/// says one (`kubevirt:rhel.9.arm64`: aarch64).
fn scheme_os<'d>(
    db: &'d Database,
    text: &str,
) -> Result<Option<(&'d Os, Option<&'d str>)>, Failure> {
    if !crate::crosswalk::may_be_scheme_name(text) {
        return Ok(None);
    }
    let cw = db.crosswalk()?;
    if !cw.is_scheme_name(text) {
        return Ok(None);
    }
    let scheme = text.split_once(':').map_or(text, |(s, _)| s);
    let Some(found) = cw.lookup(text) else {
        return Err(Failure {
            message: format!(
                "'{}' is no {scheme} name guestdb knows; 'guestdb list --scheme {scheme}' lists them",
                shortened(text)
            ),
            code: 1,
        });
    };
    let Some((id, quality)) = found.best() else {
        return Err(Failure {
            message: format!(
                "{text} names no OS guestdb knows: {}",
                found.name.gap.as_deref().unwrap_or("a gap")
            ),
            code: 1,
        });
    };
    let Some(os) = db.lookup(id)? else {
        return Err(Failure {
            message: format!("{text} resolves to '{id}', which the store does not have"),
            code: 2,
        });
    };
    if quality != "exact" {
        eprintln!(
            "guestdb: warning: {} is a {quality} match for {} ({}){}",
            printable::printable(text),
            os.short_id(),
            os.name,
            found
                .name
                .note
                .as_deref()
                .map(|n| format!("; {scheme}'s name stands for {n}"))
                .unwrap_or_default()
        );
    }
    Ok(Some((os, found.arch())))
}

/// The OS named `name` (an id, short-id, alias or `SCHEME:NAME`), or a
/// not-found failure (exit 1) with a suggestion.
pub(crate) fn find<'d>(db: &'d Database, name: &str) -> Result<&'d Os, Failure> {
    if let Some(os) = from_scheme(db, name)? {
        return Ok(os);
    }
    db.lookup(name)?.ok_or_else(|| {
        let hint = match db.suggest(name, 1).unwrap_or_default().first() {
            Some(s) => format!("; did you mean '{s}'?"),
            None => "; 'guestdb list' shows the known OSes".to_string(),
        };
        Failure {
            message: format!("unknown OS '{}'{hint}", shortened(name)),
            code: 1,
        }
    })
}

/// `text` for a message: at most 80 characters, else its start and its length.
pub(crate) fn shortened(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}... ({} characters)", &text[..cut], text.chars().count()),
    }
}

/// The OS named `name`, or a release newer than known standing in for it;
/// a not-found failure (exit 1) with a suggestion otherwise.
pub(crate) fn resolve<'d>(
    db: &'d Database,
    name: &str,
) -> Result<crate::query::Resolved<'d>, Failure> {
    if let Some(os) = from_scheme(db, name)? {
        return Ok(crate::query::Resolved { os, fallback: None });
    }
    match db.resolve(name)? {
        Some(r) => Ok(r),
        None => find(db, name).map(|os| crate::query::Resolved { os, fallback: None }),
    }
}

/// As [`resolve`], and the guest architecture: `arch` (an `--arch`) or
/// the one a `SCHEME:NAME` is for; a usage failure (exit 2) when they
/// disagree.
pub(crate) fn resolve_arch<'d>(
    db: &'d Database,
    name: &str,
    arch: Option<&str>,
) -> Result<(crate::query::Resolved<'d>, Option<String>), Failure> {
    let Some((os, named)) = scheme_os(db, name)? else {
        return Ok((resolve(db, name)?, arch.map(str::to_string)));
    };
    let arch = name_arch(name, named, arch)?;
    Ok((crate::query::Resolved { os, fallback: None }, arch))
}

/// The architecture for `name`, which is for `named` (a `SCHEME:NAME`'s),
/// given `--arch` `given`: the one given, else the name's; a usage failure
/// (exit 2) when they disagree.
fn name_arch(
    name: &str,
    named: Option<&str>,
    given: Option<&str>,
) -> Result<Option<String>, Failure> {
    if let Some(given) = given {
        target::check_arch(given)?;
    }
    match (given, named) {
        (Some(given), Some(named)) if given != named => Err(usage(format!(
            "--arch {given} contradicts {}, a name for {named}; leave --arch out or give --arch {named}",
            shortened(name)
        ))),
        (Some(given), _) => Ok(Some(given.to_string())),
        (None, named) => Ok(named.map(str::to_string)),
    }
}

/// An `--os` for `check`: the id of the OS a `SCHEME:NAME` resolves to
/// (an `--arch` contradicting the name's is a usage failure), else the
/// name as given.
pub(crate) fn os_for_check(
    db: &Database,
    name: &str,
    arch: Option<&str>,
) -> Result<String, Failure> {
    match scheme_os(db, name)? {
        Some((os, named)) => {
            name_arch(name, named, arch)?;
            Ok(os.id.clone())
        }
        None => Ok(name.to_string()),
    }
}

/// Writes `value` as pretty JSON and a newline.
pub(crate) fn write_json(
    out: &mut dyn Write,
    value: &impl serde::Serialize,
) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

/// A data finding as JSON (validate, import).
pub(crate) fn finding_json(f: &crate::data::diag::Finding) -> Value {
    json!({
        "path": f.loc.path.as_ref(),
        "line": f.loc.line,
        "col": f.loc.col,
        "rule": f.rule.name(),
        "message": f.message,
        "notes": f.notes.iter().map(|n| json!({"path": n.loc.path.as_ref(), "line": n.loc.line, "col": n.loc.col, "message": n.message})).collect::<Vec<_>>(),
    })
}
