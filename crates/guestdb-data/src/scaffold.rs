//! Scaffolding: the file of a distribution's next release, made from the
//! file of the release before it.
//!
//! The new release derives from and upgrades the previous one, so it
//! inherits every virtio, chipset, firmware and device fact until its own
//! file says otherwise. What is copied with the version changed: the id,
//! short-ids, name, variants, media and install trees (URLs and the
//! volume-id and treeinfo patterns) and the resources (which libosinfo does
//! not inherit). What is not copied: aliases, the codename, the dates and
//! the kernel, which differ between releases and need their own source.
//! A previous release's lifecycle phases are carried over by name and
//! label, their ends left as `YYYY-MM-DD` to fill in (a day, `tba` or
//! `unknown`), except the security phase's when an end-of-life date is given.
//! Dates that are not given are left as `YYYY-MM-DD`, which the reader
//! rejects with its location until someone fills them in.

use crate::diag::Loc;
use crate::model::*;
use crate::write::write_os;
use std::sync::Arc;

/// The placeholder written for a date that is still to be filled in.
pub const DATE_PLACEHOLDER: &str = "YYYY-MM-DD";

/// What is known about the new release besides its version.
#[derive(Clone, Debug, Default)]
pub struct NewRelease {
    pub version: String,
    pub codename: Option<String>,
    pub release_date: Option<Date>,
    pub eol_date: Option<Date>,
    pub prerelease: bool,
    /// The kernel the release ships (Linux only), with its provenance.
    pub kernel: Option<(Version, Provenance)>,
    /// The source of every fact in the new file that names none.
    pub source: Option<String>,
    /// Where the version and its dates come from (a URL, a document), kept
    /// on `<version>` so that it stays when a date is not known yet.
    pub note: Option<String>,
}

/// A scaffolded file: its text and the name it goes by beside the previous one.
#[derive(Clone, Debug)]
pub struct Scaffold {
    pub id: String,
    pub short_ids: Vec<String>,
    /// Short-ids of the previous release without its version, not copied.
    pub not_carried: Vec<String>,
    pub file_name: String,
    pub text: String,
}

/// Why a release cannot be scaffolded from `prev`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScaffoldError {
    /// The previous release states no `<version>` to replace.
    NoVersion,
    /// The new version is the previous one.
    SameVersion,
    /// The version does not occur in the id, so the new id would be the old.
    IdUnchanged,
    /// The new version is not a plain version token (it would leave the
    /// directory or break the id).
    BadVersion,
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ScaffoldError::NoVersion => {
                "the previous release states no <version>, so there is nothing to replace"
            }
            ScaffoldError::SameVersion => "the new version is the previous release's version",
            ScaffoldError::IdUnchanged => {
                "the previous release's id does not contain its version, so the new id cannot be made from it"
            }
            ScaffoldError::BadVersion => {
                "the version may hold only letters, digits and . _ + - (starting with a letter or digit, no '..'), e.g. 3.24 or 10"
            }
        })
    }
}

/// The ways a version is spelt in ids, names, URLs and patterns, each with
/// the new version spelt the same way, longest first.
fn spellings(old: &str, new: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = vec![
        (old.replace('.', "\\."), new.replace('.', "\\.")),
        (old.to_string(), new.to_string()),
    ];
    if old.contains('.') {
        for sep in ["_", "-", ""] {
            out.push((old.replace('.', sep), new.replace('.', sep)));
        }
    }
    // A version of letters and digits (Haiku's r1beta4) is also written
    // with a separator where a digit meets a letter, and title-cased
    // (Haiku R1/Beta4, volume id haiku-r1~beta4-x86).
    let (o, n) = (alnum_parts(old), alnum_parts(new));
    if o.len() > 1 && o.len() == n.len() {
        let title = |parts: &[String]| -> Vec<String> {
            parts
                .iter()
                .map(|p| {
                    let mut c = p.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect()
        };
        for sep in ["/", "~", "-", "_", " "] {
            out.push((o.join(sep), n.join(sep)));
            out.push((title(&o).join(sep), title(&n).join(sep)));
        }
        out.push((title(&o).concat(), title(&n).concat()));
    }
    out.retain(|(o, _)| !o.is_empty());
    out.sort_by_key(|(o, _)| std::cmp::Reverse(o.len()));
    out.dedup_by(|a, b| a.0 == b.0);
    out
}

/// `r1beta4` as `["r1", "beta4"]`: split where a digit meets a letter.
fn alnum_parts(v: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut prev_digit = false;
    for c in v.chars() {
        if prev_digit && c.is_ascii_alphabetic() {
            parts.push(String::new());
        }
        parts.last_mut().expect("one part").push(c);
        prev_digit = c.is_ascii_digit();
    }
    parts
}

/// `text` with every standalone occurrence of the old version (not part of
/// a longer number) replaced by the new one.
fn replace_version(text: &str, forms: &[(String, String)]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        // Not inside a longer number: no digit before, nor "digit." (1.44 is not 44).
        let inside_number = match i {
            0 => false,
            1 => bytes[0].is_ascii_digit(),
            _ => {
                let prev = bytes[i - 1];
                prev.is_ascii_digit() || (prev == b'.' && bytes[i - 2].is_ascii_digit())
            }
        };
        let before_ok = !inside_number;
        if before_ok {
            for (old, new) in forms {
                if text[i..].starts_with(old.as_str()) {
                    let end = i + old.len();
                    let continues = bytes.get(end).is_some_and(u8::is_ascii_digit);
                    if !continues {
                        out.push_str(new);
                        i = end;
                        continue 'scan;
                    }
                }
            }
        }
        let ch = text[i..].chars().next().unwrap_or_default();
        out.push(ch);
        i += ch.len_utf8();
    }
    out
}

fn located(value: String, path: &Arc<str>) -> Located<String> {
    Located::new(value, Loc::file(path))
}

/// The file of the release after `prev` (see the module documentation).
///
/// `known` says whether an OS id exists: a release the previous one clones
/// (a rebuild's upstream, rhel/9.4 for ol9.4) is replaced by the same
/// upstream's release of the new version when that exists, and dropped
/// otherwise (the clone still reaches it through the previous release).
pub fn scaffold(
    prev: &OsRecord,
    release: &NewRelease,
    known: impl Fn(&str) -> bool,
) -> Result<Scaffold, ScaffoldError> {
    let old = prev
        .version
        .as_ref()
        .map(|v| v.value.clone())
        .ok_or(ScaffoldError::NoVersion)?;
    let v = release.version.as_str();
    let plain = v.len() <= 40
        && v.starts_with(|c: char| c.is_ascii_alphanumeric())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
        && !v.contains("..");
    if !plain {
        return Err(ScaffoldError::BadVersion);
    }
    if old == release.version {
        return Err(ScaffoldError::SameVersion);
    }
    let forms = spellings(&old, &release.version);
    let re = |s: &str| replace_version(s, &forms);
    let id = re(&prev.id.value);
    if id == prev.id.value {
        return Err(ScaffoldError::IdUnchanged);
    }
    let prev_path = prev.loc.path.as_ref();
    let prev_file = prev_path.rsplit('/').next().unwrap_or(prev_path);
    let file_name = re(prev_file);
    let path: Arc<str> = Arc::from(file_name.as_str());
    let here = |s: String| located(s, &path);

    let mut os = OsRecord::new(here(id.clone()));
    os.source = release
        .source
        .clone()
        .map(here)
        .or_else(|| Some(here("guestdb".into())));
    // Short-ids without the version (a codename, "-latest") name the
    // previous release alone; moving them is the contributor's decision.
    let (versioned, dropped): (Vec<_>, Vec<_>) =
        prev.short_ids.iter().partition(|s| re(&s.value) != s.value);
    os.short_ids = versioned.iter().map(|s| here(re(&s.value))).collect();
    os.name = here(re(&prev.name.value));
    os.vendor = prev.vendor.clone();
    os.family = prev.family.clone();
    os.distro = prev.distro.clone();
    os.version = Some(here(release.version.clone()));
    os.codename = release.codename.clone().map(here);
    os.release_date = release
        .release_date
        .map(|d| Located::new(d, Loc::file(&path)));
    os.eol_date = release.eol_date.map(|d| Located::new(d, Loc::file(&path)));
    // A release of a distribution that publishes lifecycles gets the same
    // phases, by name and label: the security phase ends on the eol date
    // given; every other end is left to fill in (a day, or tba when the
    // vendor has not announced it).
    os.lifecycle = prev
        .lifecycle
        .iter()
        .map(|p| {
            let given = match (p.phase, release.eol_date) {
                (Phase::Security, Some(d)) => Some(d),
                _ => None,
            };
            Fact::with(
                "all",
                LifecyclePhase {
                    phase: p.phase,
                    // Written as the placeholder below.
                    end: given.map_or(PhaseEnd::Tba, PhaseEnd::On),
                    label: p.label.clone(),
                    expected: None,
                },
                Provenance {
                    source: given.and(release.source.clone()).map(here),
                    note: given.and(release.note.clone()),
                    loc: Loc::file(&path),
                    ..Provenance::default()
                },
            )
        })
        .collect();
    os.release_status = if release.prerelease {
        ReleaseStatus::Prerelease
    } else {
        ReleaseStatus::Released
    };
    os.derives_from = vec![here(prev.id.value.clone())];
    os.upgrades = vec![here(prev.id.value.clone())];
    os.clones = prev
        .clones
        .iter()
        .map(|c| re(&c.value))
        .filter(|c| known(c))
        .map(here)
        .collect();
    if let Some(note) = &release.note {
        os.fact_sources.push(FactSource {
            fact: "version".into(),
            provenance: Provenance::noted(note.clone(), Loc::file(&path)),
        });
    }
    os.kernel = release.kernel.clone().map(|(version, provenance)| {
        Fact::with(
            "all",
            Kernel {
                version,
                package: None,
            },
            Provenance {
                loc: Loc::file(&path),
                ..provenance
            },
        )
    });
    os.variants = prev
        .variants
        .iter()
        .map(|v| Variant {
            id: v.id.clone(),
            name: re(&v.name),
            loc: Loc::file(&path),
        })
        .collect();
    let pattern = |p: &Option<Located<String>>| p.as_ref().map(|p| here(re(&p.value)));
    let text = |t: &Option<String>| t.as_deref().map(re);
    os.media = prev
        .media
        .iter()
        .map(|m| Media {
            url: text(&m.url),
            kernel: text(&m.kernel),
            initrd: text(&m.initrd),
            iso: m.iso.as_ref().map(|iso| IsoPattern {
                volume_id: pattern(&iso.volume_id),
                system_id: pattern(&iso.system_id),
                publisher_id: pattern(&iso.publisher_id),
                application_id: pattern(&iso.application_id),
                volume_size: iso.volume_size,
                languages: iso.languages.clone(),
            }),
            ..m.clone()
        })
        .collect();
    os.trees = prev
        .trees
        .iter()
        .map(|t| Tree {
            url: text(&t.url),
            kernel: text(&t.kernel),
            initrd: text(&t.initrd),
            boot_iso: text(&t.boot_iso),
            treeinfo: t.treeinfo.as_ref().map(|ti| TreeinfoPattern {
                family: ti.family.clone(),
                version: pattern(&ti.version),
                arch: ti.arch.clone(),
                variant: ti.variant.clone(),
            }),
            ..t.clone()
        })
        .collect();
    os.resources = prev.resources.clone();

    let header = format!(
        "Scaffolded by 'guestdb new-os' from {} ({}). Check every fact against the vendor's release notes; facts not stated here are inherited from {}.",
        prev.short_ids.first().map(|s| s.value.as_str()).unwrap_or(&prev.id.value),
        prev_file,
        prev.id.value
    );
    let mut text = write_os(&os, Some(&header));
    // Phase ends not given are to be filled in, like dates.
    text = text
        .lines()
        .map(|l| {
            if l.starts_with("    <phase ") && l.contains(r#" end="tba""#) {
                l.replace(r#" end="tba""#, &format!(r#" end="{DATE_PLACEHOLDER}""#))
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    let missing: Vec<&str> = [
        ("release-date", os.release_date.is_none()),
        ("eol-date", os.eol_date.is_none() && prev.eol_date.is_some()),
    ]
    .into_iter()
    .filter(|(_, missing)| *missing)
    .map(|(name, _)| name)
    .collect();
    if !missing.is_empty() {
        text = with_placeholders(&text, &missing);
    }
    Ok(Scaffold {
        id,
        short_ids: os.short_ids.into_iter().map(|s| s.value).collect(),
        not_carried: dropped.iter().map(|s| s.value.clone()).collect(),
        file_name,
        text,
    })
}

/// Puts `<name>YYYY-MM-DD</name>` lines where the canonical layout has the
/// dates: after any date already written, else before the release status,
/// the lifecycle or the first inheritance link.
fn with_placeholders(text: &str, names: &[&str]) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| {
            l.starts_with("  <eol-date")
                || l.starts_with("  <release-status")
                || l.starts_with("  <lifecycle")
                || l.starts_with("  <derives-from")
        })
        .unwrap_or(lines.len());
    let mut out = String::with_capacity(text.len() + 64);
    for (i, line) in lines.iter().enumerate() {
        if i == at {
            for name in names {
                if *name == "release-date" || !line.starts_with("  <eol-date") {
                    out.push_str(&format!("  <{name}>{DATE_PLACEHOLDER}</{name}>\n"));
                }
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(text: &str, old: &str, new: &str) -> String {
        replace_version(text, &spellings(old, new))
    }

    #[test]
    fn every_spelling_of_the_version_is_replaced_and_nothing_else() {
        assert_eq!(re("Haiku R1/Beta4", "r1beta4", "r1beta6"), "Haiku R1/Beta6");
        assert_eq!(
            re(
                "haiku-r1~beta4-x86_64 r1beta4/haiku-r1beta4.iso",
                "r1beta4",
                "r1beta6"
            ),
            "haiku-r1~beta6-x86_64 r1beta6/haiku-r1beta6.iso"
        );
        assert_eq!(
            re("alpine-std 3\\.23.* x86_64$", "3.23", "3.24"),
            "alpine-std 3\\.24.* x86_64$"
        );
        assert_eq!(
            re("https://x/v3.23/alpine-3.23.0-x86.iso", "3.23", "3.24"),
            "https://x/v3.24/alpine-3.24.0-x86.iso"
        );
        assert_eq!(
            re("15_0_RELEASE_AMD64_CD", "15.0", "15.1"),
            "15_1_RELEASE_AMD64_CD"
        );
        assert_eq!(re("NETBSD_100", "10.0", "11.0"), "NETBSD_110");
        assert_eq!(
            re("OpenBSD/amd64   7.8 Install CD", "7.8", "7.9"),
            "OpenBSD/amd64   7.9 Install CD"
        );
        assert_eq!(
            re("pub/OpenBSD/7.8/amd64/install78.iso", "7.8", "7.9"),
            "pub/OpenBSD/7.9/amd64/install79.iso"
        );
        assert_eq!(
            re("RHEL-10-2-BaseOS-x86_64", "10.2", "10.3"),
            "RHEL-10-3-BaseOS-x86_64"
        );
        // x86_64 contains 64, 1.44 contains 44: neither is Fedora 44.
        assert_eq!(
            re("Fedora-S-dvd-x86_64-44 and 1.44 and 440", "44", "45"),
            "Fedora-S-dvd-x86_64-45 and 1.44 and 440"
        );
        assert_eq!(
            re("debian13 Debian 13.\\d+", "13", "14"),
            "debian14 Debian 14.\\d+"
        );
        assert_eq!(re("3.2 3.21", "3.2", "3.3"), "3.3 3.21");
    }
}
