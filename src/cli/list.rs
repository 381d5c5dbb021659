//! `guestdb list`: OSes matching filters, as a table or JSON.

use super::{parse_date, usage, write_json, Failure, Outcome};
use crate::lifecycle::Phase;
use crate::os::Os;
use crate::query::{Filter, VirtioWanted};
use crate::render::table::table;
use crate::{Chipset, Database, Date, ReleaseStatus, VirtioClass};
use clap::Args;
use serde_json::{json, Map, Value};
use std::io::Write;

#[derive(Args, Debug)]
pub struct ListArgs {
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
    /// Released on or before, and supported on, this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    supported_on: Option<String>,
    /// The support --supported-on asks for: standard (full support only),
    /// security (security maintenance without a paid add-on) or extended
    /// (paid extensions too)
    #[arg(long, value_name = "LEVEL", default_value = "security")]
    support: String,
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
    /// List a name scheme instead (glance, kubevirt, ovirt, proxmox,
    /// virtualbox, vmware): each name, the OS it resolves to and how well it
    /// matches, or why it names none (a gap)
    #[arg(long, value_name = "SCHEME")]
    scheme: Option<String>,
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
    let class = VirtioClass::parse(&args.virtio_class).map_err(usage)?;
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
    let support = Phase::parse(&args.support).ok_or_else(|| {
        usage(format!(
            "unknown support level '{}'; expected standard, security or extended",
            args.support
        ))
    })?;
    Ok(Filter {
        family: args.family.clone(),
        distro: args.distro.clone(),
        vendor: args.vendor.clone(),
        arch: args.arch.clone(),
        status,
        virtio,
        chipset,
        supported_on,
        support: Some(support),
    })
}

fn support_word(v: crate::VirtioSupport) -> String {
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

/// The OS-wide answer for `class`, and each architecture's that differs
/// from it: `none (x86_64: both+driver)`.
fn generation_word(os: &Os, details: Option<&crate::OsDetails>, class: VirtioClass) -> String {
    let word = support_word(os.virtio(class));
    let differing = details
        .map(|d| os.virtio_differing(d, class))
        .unwrap_or_default();
    if differing.is_empty() {
        return word;
    }
    let arches: Vec<String> = differing
        .into_iter()
        .map(|(arch, v)| format!("{arch}: {}", support_word(v)))
        .collect();
    format!("{word} ({})", arches.join(", "))
}

pub(super) fn chipset_list(os: &Os) -> Vec<&'static str> {
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
    "standard-end",
    "security-end",
    "extended-end",
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
fn field(os: &Os, details: Option<&crate::OsDetails>, name: &str) -> Option<Value> {
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
        "standard-end" | "security-end" | "extended-end" => {
            let phase = Phase::parse(name.trim_end_matches("-end"))?;
            os.lifecycle
                .get(phase)
                .map(|e| Value::String(e.to_string()))
                .unwrap_or(Value::Null)
        }
        "status" => Value::String(os.release_status.name().to_string()),
        "arches" => json!(os.arches),
        "chipsets" => json!(chipset_list(os)),
        other => {
            let class = VirtioClass::by_name(other.strip_prefix("virtio-")?)?;
            Value::String(generation_word(os, details, class))
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

/// `list --scheme S`: the names of a scheme with the OS each resolves to.
fn scheme(db: &Database, name: &str, json: bool, out: &mut dyn Write) -> Result<Outcome, Failure> {
    let cw = db.crosswalk()?;
    let Some(s) = cw.scheme(name) else {
        let known: Vec<&str> = cw.schemes().iter().map(|s| s.scheme.as_str()).collect();
        return Err(Failure {
            message: format!(
                "unknown scheme '{}'; known: {}",
                super::shortened(name),
                known.join(", ")
            ),
            code: 1,
        });
    };
    let mut items = Vec::new();
    // An ARCH column where a name of the scheme is for one architecture.
    let arches = s.names.iter().any(|n| n.arch.is_some());
    let mut header = vec!["NAME".to_string()];
    if arches {
        header.push("ARCH".to_string());
    }
    header.extend(["OS", "QUALITY", "ALSO"].map(String::from));
    let mut rows = vec![header];
    for n in &s.names {
        let short = |id: &str| -> Result<String, Failure> {
            Ok(db
                .lookup(id)?
                .map_or_else(|| id.to_string(), |o| o.short_id().to_string()))
        };
        let os = n.oses.first().map(|o| short(&o.id)).transpose()?;
        let also: Vec<String> = n
            .oses
            .iter()
            .skip(1)
            .map(|o| short(&o.id))
            .collect::<Result<_, _>>()?;
        let family: Vec<String> = n
            .family
            .iter()
            .map(|id| short(id))
            .collect::<Result<_, _>>()?;
        let quality = n.oses.first().map(|o| o.quality.clone());
        items.push(json!({
            "name": n.name,
            "arch": n.arch,
            "os": os,
            "quality": quality,
            "also": also,
            "family": family,
            "gap": n.gap,
            "note": n.note,
        }));
        let mut row = vec![n.name.clone()];
        if arches {
            row.push(n.arch.clone().unwrap_or_else(|| "-".into()));
        }
        row.extend([
            os.unwrap_or_else(|| "-".into()),
            quality.unwrap_or_else(|| "gap".into()),
            if also.is_empty() {
                n.gap.clone().unwrap_or_default()
            } else {
                also.join(", ")
            },
        ]);
        rows.push(row);
    }
    if json {
        write_json(
            out,
            &json!({ "scheme": s.scheme, "title": s.title, "source": s.source, "names": items }),
        )?;
    } else {
        write!(out, "{}", table(&rows, ""))?;
    }
    Ok(Outcome::Ok)
}

pub(super) fn run(db: &Database, args: &ListArgs, out: &mut dyn Write) -> Result<Outcome, Failure> {
    if let Some(name) = &args.scheme {
        return scheme(db, name, args.json, out);
    }
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
    // A virtio field reads the per-architecture facts too.
    let per_arch = fields.iter().any(|f| f.starts_with("virtio-"));
    let mut rows: Vec<Vec<Value>> = Vec::with_capacity(oses.len());
    for os in &oses {
        let details = if per_arch {
            Some(db.details(os)?)
        } else {
            None
        };
        rows.push(
            fields
                .iter()
                .map(|f| field(os, details.as_ref(), f).unwrap_or(Value::Null))
                .collect(),
        );
    }
    if args.json {
        let items: Vec<Value> = rows
            .into_iter()
            .map(|row| {
                Value::Object(
                    fields
                        .iter()
                        .map(|f| f.replace('-', "_"))
                        .zip(row)
                        .collect::<Map<_, _>>(),
                )
            })
            .collect();
        write_json(out, &items)?;
    } else {
        let cells: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(plain).collect()).collect();
        let header: Vec<String> = fields.iter().map(|f| f.to_uppercase()).collect();
        let rows: Vec<Vec<String>> = std::iter::once(header).chain(cells).collect();
        write!(out, "{}", table(&rows, ""))?;
    }
    Ok(if oses.is_empty() {
        Outcome::NotFound
    } else {
        Outcome::Ok
    })
}
