//! The `guestdb` command line: argument definitions, output, exit codes.
//!
//! Exit codes: 0 success, 1 not found / no match / import conflicts,
//! 2 error (bad arguments, bad data, unreadable store). A closed pipe on
//! standard output ends the program quietly with 0.

use crate::interop::osinfo;
use crate::os::{Os, OsDetails};
use crate::query::{Filter, VirtioWanted};
use crate::{Chipset, Database, Date, Error, ReleaseStatus, VirtioClass};
use clap::{Args, Parser, Subcommand};
use serde_json::{json, Map, Value};
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
    after_help = "Examples:\n  guestdb show rhel6.10\n  guestdb show win11 --json\n  guestdb list --distro rhel --virtio legacy-only\n  guestdb list --supported-on 2026-11-22 --chipset q35 --fields short-id,name,eol-date\n  guestdb validate data\n\nExit status: 0 ok, 1 not found or no match, 2 error."
)]
pub struct Cli {
    /// Use this compiled store instead of the embedded dataset
    #[arg(
        long,
        global = true,
        env = "GUESTDB_STORE",
        value_name = "FILE",
        conflicts_with = "data"
    )]
    store: Option<PathBuf>,
    /// Compile this data directory and use it instead of the embedded dataset
    #[arg(long, global = true, env = "GUESTDB_DATA", value_name = "DIR")]
    data: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List OSes, optionally filtered
    #[command(
        after_help = "Examples:\n  guestdb list --distro rhel\n  guestdb list --family winnt --json\n  guestdb list --virtio legacy-only --virtio-class block --fields short-id,virtio-block\n  guestdb list --supported-on 2026-11-22 --arch aarch64\n\nFields: id, short-id, short-ids, name, vendor, family, distro, version, codename, release-date,\neol-date, status, arches, chipsets, virtio-<class> (net, block, console, rng, balloon, scsi, 9p,\ngpu, input, vsock, iommu, mem, sound, fs, pmem).\n\nExit status: 0 when something matched, 1 when nothing did, 2 on error."
    )]
    List(ListArgs),
    /// Show everything known about one OS
    #[command(
        after_help = "Examples:\n  guestdb show rhel6.10\n  guestdb show http://microsoft.com/win/11 --json\n  guestdb show centos7.0 --explain\n\nExit status: 0 found, 1 unknown OS, 2 error."
    )]
    Show(ShowArgs),
    /// Check a data directory and report every finding
    #[command(
        after_help = "Examples:\n  guestdb validate\n  guestdb validate path/to/data --json\n\nFindings read 'path:line:col: error[rule]: message'. Exit status: 0 clean, 2 findings or error."
    )]
    Validate(ValidateArgs),
    /// Compile a data directory into a store file
    #[command(
        after_help = "Example:\n  guestdb build data -o guestdb.store && guestdb --store guestdb.store show rhel6.10"
    )]
    Build(BuildArgs),
    /// Import osinfo-db's data tree into a guestdb data directory
    #[command(
        name = "import-osinfo",
        after_help = "Example:\n  guestdb import-osinfo ../shared/osinfo-db/data --out data\n\nFiles edited since the last import are kept; where osinfo-db changed them too the import\nis written beside them as FILE.imported. Merge it into FILE by hand, delete nothing, and run
again with --merged. Exit status: 0 done, 1 done with conflicts, 2 error."
    )]
    ImportOsinfo(ImportArgs),
}

#[derive(Args, Debug)]
struct ListArgs {
    /// OS family, e.g. linux, winnt, freebsd
    #[arg(long)]
    family: Option<String>,
    /// Distribution, e.g. rhel, ubuntu, win
    #[arg(long)]
    distro: Option<String>,
    /// Vendor name, exactly as shown by 'show', e.g. "Red Hat, Inc"
    #[arg(long)]
    vendor: Option<String>,
    /// Known on this architecture (from its media, resources, firmware, drivers)
    #[arg(long)]
    arch: Option<String>,
    /// released, prerelease, snapshot or rolling
    #[arg(long)]
    status: Option<String>,
    /// legacy, modern, legacy-only or none (for --virtio-class)
    #[arg(long, value_name = "GENERATION")]
    virtio: Option<String>,
    /// The device class --virtio looks at
    #[arg(long, value_name = "CLASS", default_value = "net")]
    virtio_class: String,
    /// i440fx or q35
    #[arg(long)]
    chipset: Option<String>,
    /// Released on or before, and not past end of life on, this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    supported_on: Option<String>,
    /// Comma-separated fields to print
    #[arg(
        long,
        value_name = "LIST",
        default_value = "short-id,name,version,release-date,eol-date"
    )]
    fields: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ShowArgs {
    /// An id, short-id or alias
    os: String,
    /// Print JSON
    #[arg(long)]
    json: bool,
    /// Say where each fact came from
    #[arg(long)]
    explain: bool,
}

#[derive(Args, Debug)]
struct ValidateArgs {
    /// The data directory
    #[arg(default_value = "data")]
    dir: PathBuf,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct BuildArgs {
    /// The data directory
    dir: PathBuf,
    /// The store file to write
    #[arg(short, long, value_name = "FILE")]
    output: PathBuf,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct ImportArgs {
    /// osinfo-db's data directory (the one holding os/, device/, ...)
    source: PathBuf,
    /// The guestdb data directory to update
    #[arg(long, default_value = "data")]
    out: PathBuf,
    /// Take every FILE.imported left by a conflict as merged into FILE by hand
    #[arg(long)]
    merged: bool,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// How a command ended.
enum Outcome {
    Ok,
    NotFound,
}

/// A failure with a message for standard error and an exit code.
struct Failure {
    message: String,
    code: u8,
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

fn usage(message: String) -> Failure {
    Failure { message, code: 2 }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
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
            eprintln!("guestdb: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn open(cli: &Cli) -> Result<Database, Failure> {
    Ok(match (&cli.store, &cli.data) {
        (Some(store), _) => Database::open(store)?,
        (None, Some(dir)) => Database::from_data_dir(dir)?,
        (None, None) => Database::embedded()?,
    })
}

fn run(cli: &Cli, out: &mut dyn Write) -> Result<Outcome, Failure> {
    match &cli.command {
        Command::List(args) => list(&open(cli)?, args, out),
        Command::Show(args) => show(&open(cli)?, args, out),
        Command::Validate(args) => validate(args, out),
        Command::Build(args) => build(args, out),
        Command::ImportOsinfo(args) => import(args, out),
    }
}

fn parse_date(s: &str, what: &str) -> Result<Date, Failure> {
    Date::parse(s).ok_or_else(|| {
        usage(format!(
            "{what} '{s}' is not a date; expected YYYY-MM-DD, e.g. 2026-11-22"
        ))
    })
}

fn filter_from(args: &ListArgs) -> Result<Filter, Failure> {
    let status = match &args.status {
        None => None,
        Some(s) => Some(ReleaseStatus::parse(s).ok_or_else(|| {
            usage(format!(
                "unknown release status '{s}'; expected released, prerelease, snapshot or rolling"
            ))
        })?),
    };
    let class = VirtioClass::by_name(&args.virtio_class).ok_or_else(|| {
        let names: Vec<_> = VirtioClass::ALL.iter().map(|c| c.name).collect();
        usage(format!(
            "unknown virtio class '{}'; expected one of {}",
            args.virtio_class,
            names.join(", ")
        ))
    })?;
    let virtio = match &args.virtio {
        None => None,
        Some(v) => Some((
            class,
            VirtioWanted::parse(v).ok_or_else(|| {
                usage(format!(
                    "unknown virtio generation '{v}'; expected legacy, modern, legacy-only or none"
                ))
            })?,
        )),
    };
    let chipset = match &args.chipset {
        None => None,
        Some(c) => Some(
            Chipset::parse(c)
                .ok_or_else(|| usage(format!("unknown chipset '{c}'; expected i440fx or q35")))?,
        ),
    };
    let supported_on = args
        .supported_on
        .as_deref()
        .map(|d| parse_date(d, "--supported-on"))
        .transpose()?;
    Ok(Filter {
        family: args.family.clone(),
        distro: args.distro.clone(),
        vendor: args.vendor.clone(),
        arch: args.arch.clone(),
        status,
        virtio,
        chipset,
        supported_on,
    })
}

fn generation_word(os: &Os, class: VirtioClass) -> String {
    let v = os.virtio(class);
    let word = match (v.legacy, v.modern) {
        (true, true) => "both",
        (true, false) => "legacy",
        (false, true) => "modern",
        (false, false) => "none",
    };
    if v.needs_driver {
        format!("{word}+driver")
    } else {
        word.to_string()
    }
}

fn chipset_list(os: &Os) -> Vec<&'static str> {
    Chipset::ALL
        .into_iter()
        .filter(|c| os.supports_chipset(*c))
        .map(|c| c.name())
        .collect()
}

/// The fields `list` can print, besides `virtio-<class>`.
const FIELDS: &[&str] = &[
    "id",
    "short-id",
    "short-ids",
    "name",
    "vendor",
    "family",
    "distro",
    "version",
    "codename",
    "release-date",
    "eol-date",
    "status",
    "arches",
    "chipsets",
];

fn known_field(name: &str) -> bool {
    FIELDS.contains(&name)
        || name
            .strip_prefix("virtio-")
            .and_then(VirtioClass::by_name)
            .is_some()
}

/// The value of a list field, or `None` when the field name is unknown.
fn field(os: &Os, name: &str) -> Option<Value> {
    let opt = |v: &Option<String>| v.clone().map(Value::String).unwrap_or(Value::Null);
    let date = |d: &Option<Date>| {
        d.map(|d| Value::String(d.to_string()))
            .unwrap_or(Value::Null)
    };
    Some(match name {
        "id" => Value::String(os.id.clone()),
        "short-id" => Value::String(os.short_id().to_string()),
        "short-ids" => json!(os.short_ids),
        "name" => Value::String(os.name.clone()),
        "vendor" => opt(&os.vendor),
        "family" => opt(&os.family),
        "distro" => opt(&os.distro),
        "version" => opt(&os.version),
        "codename" => opt(&os.codename),
        "release-date" => date(&os.release_date),
        "eol-date" => date(&os.eol_date),
        "status" => Value::String(os.release_status.name().to_string()),
        "arches" => json!(os.arches),
        "chipsets" => json!(chipset_list(os)),
        other => {
            let class = VirtioClass::by_name(other.strip_prefix("virtio-")?)?;
            Value::String(generation_word(os, class))
        }
    })
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => "-".into(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn list(db: &Database, args: &ListArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let filter = filter_from(args)?;
    let fields: Vec<&str> = args
        .fields
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    if fields.is_empty() {
        return Err(usage(
            "--fields is empty; name at least one field, e.g. --fields short-id,name".into(),
        ));
    }
    if let Some(f) = fields.iter().find(|f| !known_field(f)) {
        return Err(usage(format!(
            "unknown field '{f}'; known: {}, virtio-<class>",
            FIELDS.join(", ")
        )));
    }
    let oses = db.list(&filter)?;
    let rows: Vec<Vec<Value>> = oses
        .iter()
        .map(|os| {
            fields
                .iter()
                .map(|f| field(os, f).unwrap_or(Value::Null))
                .collect()
        })
        .collect();
    if args.json {
        let items: Vec<Value> = rows
            .into_iter()
            .map(|row| {
                Value::Object(
                    fields
                        .iter()
                        .map(|f| f.to_string())
                        .zip(row)
                        .collect::<Map<_, _>>(),
                )
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &items).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(plain).collect()).collect();
        let mut widths: Vec<usize> = fields.iter().map(|f| f.len()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |row: &[String]| -> String {
            let mut s = String::new();
            for (i, (c, w)) in row.iter().zip(&widths).enumerate() {
                if i + 1 == row.len() {
                    s.push_str(c);
                } else {
                    s.push_str(&format!("{c:<w$}  "));
                }
            }
            s.trim_end().to_string()
        };
        let header: Vec<String> = fields.iter().map(|f| f.to_uppercase()).collect();
        writeln!(out, "{}", line(&header))?;
        for row in &cells {
            writeln!(out, "{}", line(row))?;
        }
    }
    Ok(if oses.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Ok
    })
}

fn find<'d>(db: &'d Database, name: &str) -> Result<&'d Os, Failure> {
    db.try_lookup(name)?.ok_or_else(|| {
        let hint = match db.suggest(name, 1).first() {
            Some(s) => format!("; did you mean '{s}'?"),
            None => "; 'guestdb list' shows the known OSes".to_string(),
        };
        Failure {
            message: format!("unknown OS '{name}'{hint}"),
            code: 1,
        }
    })
}

/// The JSON form of an OS for `show --json`.
pub fn os_json(os: &Os, details: &OsDetails, explain: bool) -> Value {
    let mut virtio = Map::new();
    for class in VirtioClass::ALL {
        let v = os.virtio(class);
        let mut entry = json!({"legacy": v.legacy, "modern": v.modern});
        if let Some(f) = details
            .virtio
            .iter()
            .find(|f| f.class == class.name && f.arch == "all" && f.driver.is_some())
        {
            entry["driver"] = json!(f.driver);
        }
        virtio.insert(class.name.to_string(), entry);
    }
    let relation = |kind: &str| -> Vec<&str> {
        details
            .relations
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.target.as_str())
            .collect()
    };
    let firmware: Vec<Value> = details
        .firmware
        .iter()
        .map(|f| json!({"arch": f.arch, "type": f.kind, "supported": f.supported}))
        .collect();
    let mut v = json!({
        "id": os.id,
        "short_ids": os.short_ids,
        "aliases": os.aliases,
        "name": os.name,
        "vendor": os.vendor,
        "family": os.family,
        "distro": os.distro,
        "version": os.version,
        "codename": os.codename,
        "release_date": os.release_date.map(|d| d.to_string()),
        "eol_date": os.eol_date.map(|d| d.to_string()),
        "release_status": os.release_status.name(),
        "derives_from": relation("derives-from"),
        "clones": relation("clones"),
        "upgrades": relation("upgrades"),
        "arches": os.arches,
        "virtio": virtio,
        "chipsets": {"q35": os.supports_chipset(Chipset::Q35), "i440fx": os.supports_chipset(Chipset::I440fx)},
        "firmware": firmware,
        "devices": details.devices.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        "drivers": details.drivers,
        "variants": details.variants,
        "media": details.media,
        "resources": details.resources,
        "source": details.source,
        "path": details.path,
    });
    if explain {
        v["explain"] = json!({
            "virtio": details.virtio,
            "chipsets": details.chipsets,
            "firmware": details.firmware,
            "devices": details.devices,
            "facts": details.fact_sources,
        });
    }
    v
}

fn bytes(n: u64) -> String {
    const GIB: u64 = 1 << 30;
    const MIB: u64 = 1 << 20;
    if n >= GIB && n % (GIB / 4) == 0 {
        format!("{} GiB", n as f64 / GIB as f64)
    } else if n >= MIB {
        format!("{} MiB", n / MIB)
    } else {
        format!("{n} B")
    }
}

fn why(p: &crate::os::Provenance) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &p.source {
        parts.push(format!("source {s}"));
    }
    if let Some(i) = &p.inherited_from {
        parts.push(format!("inherited from {i}"));
    }
    parts.push(format!("at {}", p.declared_at));
    let mut s = parts.join(", ");
    if let Some(n) = &p.note {
        s.push_str(&format!("; {n}"));
    }
    s
}

fn show(db: &Database, args: &ShowArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let os = find(db, &args.os)?;
    let details = db.details(os)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &os_json(os, &details, args.explain))
            .map_err(io::Error::from)?;
        writeln!(out)?;
        return Ok(Outcome::Ok);
    }
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "{}  {}", os.short_id(), os.name)?;
    writeln!(out, "  id            {}", os.id)?;
    if os.short_ids.len() > 1 || !os.aliases.is_empty() {
        let names: Vec<&str> = os
            .short_ids
            .iter()
            .chain(&os.aliases)
            .map(String::as_str)
            .collect();
        writeln!(out, "  names         {}", names.join(", "))?;
    }
    writeln!(out, "  vendor        {}", opt(&os.vendor))?;
    writeln!(
        out,
        "  family        {}   distro {}   version {}",
        opt(&os.family),
        opt(&os.distro),
        opt(&os.version)
    )?;
    if let Some(c) = &os.codename {
        writeln!(out, "  codename      {c}")?;
    }
    let date = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    writeln!(
        out,
        "  released      {}   end of life {}   ({})",
        date(os.release_date),
        date(os.eol_date),
        os.release_status.name()
    )?;
    for kind in ["derives-from", "clones", "upgrades"] {
        // The relations are in the details already; show each by short-id.
        let targets: Vec<&str> = details
            .relations
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| db.lookup(&r.target).map_or(r.target.as_str(), Os::short_id))
            .collect();
        if !targets.is_empty() {
            writeln!(out, "  {kind:<13} {}", targets.join(", "))?;
        }
    }
    if !os.arches.is_empty() {
        writeln!(out, "  arches        {}", os.arches.join(", "))?;
    }
    writeln!(out, "  virtio")?;
    let mut any = false;
    for f in &details.virtio {
        any = true;
        let word = match (f.legacy, f.modern) {
            (true, true) => "legacy and modern (1.0)",
            (true, false) => "legacy only",
            (false, true) => "modern (1.0) only",
            (false, false) => "none",
        };
        let arch = if f.arch == "all" {
            String::new()
        } else {
            format!(" [{}]", f.arch)
        };
        let driver = f
            .driver
            .as_ref()
            .map(|d| format!(", needs driver package {d}"))
            .unwrap_or_default();
        let from = match (&f.provenance.inherited_from, args.explain) {
            (Some(o), false) => format!(" (from {o})"),
            _ => String::new(),
        };
        writeln!(out, "    {:<9} {word}{driver}{arch}{from}", f.class)?;
        if args.explain {
            writeln!(out, "              {}", why(&f.provenance))?;
        }
    }
    if !any {
        writeln!(
            out,
            "    (no virtio facts known: treat as no virtio drivers)"
        )?;
    }
    let chips = chipset_list(os);
    writeln!(
        out,
        "  chipsets      {}",
        if chips.is_empty() {
            "-".to_string()
        } else {
            chips.join(", ")
        }
    )?;
    if args.explain {
        for c in &details.chipsets {
            writeln!(
                out,
                "    {:<9} {}  {}",
                c.chipset,
                if c.supported { "yes" } else { "no" },
                why(&c.provenance)
            )?;
        }
    }
    if !details.firmware.is_empty() {
        let fw: Vec<String> = details
            .firmware
            .iter()
            .map(|f| {
                format!(
                    "{} {}{}",
                    f.arch,
                    f.kind,
                    if f.supported { "" } else { " (unsupported)" }
                )
            })
            .collect();
        writeln!(out, "  firmware      {}", fw.join(", "))?;
        if args.explain {
            for f in &details.firmware {
                writeln!(out, "    {} {}: {}", f.arch, f.kind, why(&f.provenance))?;
            }
        }
    }
    if !details.devices.is_empty() {
        writeln!(out, "  devices")?;
        for d in &details.devices {
            let pci = d.pci.as_ref().map(|p| format!(" {p}")).unwrap_or_default();
            if args.explain {
                writeln!(
                    out,
                    "    {}{pci} ({})  {}",
                    d.name,
                    d.class,
                    why(&d.provenance)
                )?;
            } else {
                writeln!(out, "    {}{pci} ({})", d.name, d.class)?;
            }
        }
    }
    for d in &details.drivers {
        writeln!(
            out,
            "  driver        {} {} ({} devices)",
            d.arch,
            d.location,
            d.devices.len()
        )?;
    }
    if !details.variants.is_empty() {
        let v: Vec<&str> = details.variants.iter().map(|v| v.id.as_str()).collect();
        writeln!(out, "  variants      {}", v.join(", "))?;
    }
    if !details.media.is_empty() {
        let mut arches: Vec<&str> = details.media.iter().map(|m| m.arch.as_str()).collect();
        arches.sort();
        arches.dedup();
        writeln!(
            out,
            "  media         {} ({})",
            details.media.len(),
            arches.join(", ")
        )?;
    }
    for r in &details.resources {
        let a = &r.amounts;
        let mut parts = Vec::new();
        if let Some(n) = a.n_cpus {
            parts.push(format!("{n} CPU"));
        }
        if let Some(c) = a.cpu {
            parts.push(format!("{} MHz", c / 1_000_000));
        }
        if let Some(m) = a.ram {
            parts.push(format!("{} RAM", bytes(m)));
        }
        if let Some(s) = a.storage {
            parts.push(format!("{} disk", bytes(s)));
        }
        if parts.is_empty() {
            continue;
        }
        writeln!(out, "  {:<13} {} [{}]", r.kind, parts.join(", "), r.arch)?;
    }
    if args.explain {
        for f in &details.fact_sources {
            writeln!(out, "  {:<13} {}", f.fact, why(&f.provenance))?;
        }
        writeln!(
            out,
            "  file          {} (source {})",
            details.path,
            details.source.as_deref().unwrap_or("-")
        )?;
    }
    Ok(Outcome::Ok)
}

fn finding_json(f: &crate::data::diag::Finding) -> Value {
    json!({
        "path": f.loc.path.as_ref(),
        "line": f.loc.line,
        "col": f.loc.col,
        "rule": f.rule.name(),
        "message": f.message,
        "notes": f.notes.iter().map(|n| json!({"path": n.loc.path.as_ref(), "line": n.loc.line, "col": n.loc.col, "message": n.message})).collect::<Vec<_>>(),
    })
}

fn validate(args: &ValidateArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    if !args.dir.is_dir() {
        return Err(usage(format!(
            "'{}' is not a directory; give the data directory, e.g. 'guestdb validate data'",
            args.dir.display()
        )));
    }
    let result = crate::data::load_dir(&args.dir);
    match (&result, args.json) {
        (Ok(c), true) => {
            let v = json!({"ok": true, "oses": c.data.oses.len(), "devices": c.data.devices.len(), "dataset_version": c.data.info.version.value, "findings": []});
            serde_json::to_writer_pretty(&mut *out, &v).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        (Ok(c), false) => {
            writeln!(
                out,
                "{}: ok ({} OSes, {} devices, dataset {})",
                args.dir.display(),
                c.data.oses.len(),
                c.data.devices.len(),
                c.data.info.version.value
            )?;
        }
        (Err(findings), true) => {
            let v = json!({"ok": false, "findings": findings.iter().map(finding_json).collect::<Vec<_>>()});
            serde_json::to_writer_pretty(&mut *out, &v).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        (Err(findings), false) => {
            for f in findings {
                writeln!(out, "{f}")?;
            }
        }
    }
    match result {
        Ok(_) => Ok(Outcome::Ok),
        Err(findings) => {
            let n = findings.len();
            Err(Failure {
                message: format!(
                    "{n} error{} in {}",
                    if n == 1 { "" } else { "s" },
                    args.dir.display()
                ),
                code: 2,
            })
        }
    }
}

fn build(args: &BuildArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let checked = crate::data::load_dir(&args.dir).map_err(Error::Data)?;
    let bytes = crate::data::emit_bytes(&checked).map_err(Error::Sqlite)?;
    crate::data::write_atomic(&args.output, &bytes).map_err(|e| Error::Io {
        path: args.output.display().to_string(),
        source: e,
    })?;
    if args.json {
        let v = json!({"output": args.output.display().to_string(), "bytes": bytes.len(), "oses": checked.data.oses.len(), "dataset_version": checked.data.info.version.value});
        serde_json::to_writer_pretty(&mut *out, &v).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "wrote {} ({} bytes, {} OSes, dataset {})",
            args.output.display(),
            bytes.len(),
            checked.data.oses.len(),
            checked.data.info.version.value
        )?;
    }
    Ok(Outcome::Ok)
}

fn import(args: &ImportArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let report = osinfo::import(&args.source, &args.out, args.merged)?;
    let paths = |v: &[PathBuf]| {
        v.iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
    };
    if args.json {
        let v = json!({
            "oses": report.oses,
            "written": paths(&report.written),
            "unchanged": report.unchanged,
            "kept_edited": paths(&report.kept_edited),
            "merged": paths(&report.merged),
            "conflicts": paths(&report.conflicts),
            "removed": paths(&report.removed),
            "orphaned": paths(&report.orphaned),
            "not_imported": report.not_imported,
            "findings": report.findings.iter().map(finding_json).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &v).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "imported {} OSes from {}: {} written, {} unchanged, {} edited here and kept, {} removed",
            report.oses,
            args.source.display(),
            report.written.len(),
            report.unchanged,
            report.kept_edited.len(),
            report.removed.len()
        )?;
        for m in &report.merged {
            writeln!(out, "merged: {} now builds on this import", m.display())?;
        }
        for c in &report.conflicts {
            writeln!(out, "conflict: {} was edited here and the import now differs from the last one; kept, the new import is beside it as .imported: merge it by hand, then run again with --merged", c.display())?;
        }
        for o in &report.orphaned {
            writeln!(
                out,
                "orphaned: {} left osinfo-db but was edited here; kept",
                o.display()
            )?;
        }
        if !report.not_imported.is_empty() {
            let items: Vec<String> = report
                .not_imported
                .iter()
                .map(|(k, v)| format!("{k} x{v}"))
                .collect();
            writeln!(out, "not imported (not modelled yet): {}", items.join(", "))?;
        }
    }
    if !report.findings.is_empty() {
        for f in &report.findings {
            eprintln!("{f}");
        }
        return Err(Failure {
            message: format!("the imported data has {} findings", report.findings.len()),
            code: 2,
        });
    }
    Ok(if report.conflicts.is_empty() {
        Outcome::Ok
    } else {
        Outcome::NotFound
    })
}
