//! Releases' lifecycles: the phases the data states against Debian's
//! distro-info-data, each distribution's rule (with its sourced
//! exceptions), the freshness of phases not announced yet, the shared phase
//! logic as `list`, `show` and `recommend` use it, and kernel package
//! strings. Each data test states one invariant and lists every offender.

use crate::common::{db, findings_of, fixture, run, write_files};
use guestdb::lifecycle::{Phase, PhaseEnd};
use guestdb::{Date, Os};
use std::collections::BTreeMap;

fn assert_none(what: &str, offenders: Vec<String>) {
    assert!(
        offenders.is_empty(),
        "{} {what}:\n  {}",
        offenders.len(),
        offenders.join("\n  ")
    );
}

// ----------------------------------------------------------------- dates

fn plus_days(d: Date, n: i64) -> Date {
    Date::from_days(d.days() + n).expect("a day")
}

/// The same day `n` months later (clamped to the month's last day).
fn plus_months(d: Date, n: i64) -> Date {
    let m0 = i64::from(d.year) * 12 + i64::from(d.month) - 1 + n;
    let (year, month) = (m0 / 12, m0 % 12 + 1);
    (1..=d.day)
        .rev()
        .find_map(|day| Date::parse(&format!("{year:04}-{month:02}-{day:02}")))
        .expect("a day")
}

/// The last day of `d`'s month.
fn end_of_month(d: Date) -> Date {
    plus_days(
        plus_months(
            Date::parse(&format!("{:04}-{:02}-01", d.year, d.month)).expect("day"),
            1,
        ),
        -1,
    )
}

/// Monday 0 … Sunday 6.
fn weekday(d: Date) -> i64 {
    (d.days() + 3).rem_euclid(7)
}

fn date(s: &str) -> Date {
    Date::parse(s).expect("date")
}

// ----------------------------------------------------------------- data

/// Every OS of the embedded dataset by short-id.
fn oses() -> BTreeMap<String, Os> {
    db().oses()
        .expect("OSes")
        .into_iter()
        .map(|o| (o.short_id().to_string(), o.clone()))
        .collect()
}

fn end(os: &Os, phase: Phase) -> Option<PhaseEnd> {
    os.lifecycle.get(phase)
}

/// The end of a release's standard support: its standard phase, or its
/// security phase when it has one phase only.
fn standard_end(os: &Os) -> Option<PhaseEnd> {
    end(os, Phase::Standard).or(end(os, Phase::Security))
}

fn show(e: Option<PhaseEnd>) -> String {
    e.map_or("(none)".into(), |e| e.to_string())
}

/// Checks one rule on one phase: `expected` is the day the rule gives,
/// `exceptions` the releases that break it with the source that says so.
fn check(
    offenders: &mut Vec<String>,
    os: &Os,
    phase: Phase,
    expected: Date,
    rule: &str,
    exceptions: &[(&str, &str)],
) {
    let have = end(os, phase);
    if exceptions.iter().any(|(s, _)| *s == os.short_id()) {
        return;
    }
    match have {
        Some(PhaseEnd::On(d)) if d == expected => {}
        // An unknown end says why in its note; the rule cannot be checked.
        Some(PhaseEnd::Unknown) => {}
        _ => offenders.push(format!(
            "{}: {} ends {}, the rule ({rule}) gives {expected}",
            os.short_id(),
            phase,
            show(have)
        )),
    }
}

// ----------------------------------------------------------------- distro-info

/// The rows of an installed distro-info-data CSV, by version.
fn distro_info(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = format!("/usr/share/distro-info/{name}.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{path}: {e} (Debian package distro-info-data); run tools/test-setup.sh to install what the tests need")
    });
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
#[ignore = "needs distro-info-data: run tools/test.sh"]
fn ubuntu_and_debian_releases_match_the_installed_distro_info_data() {
    // Debian's distro-info-data lists every Debian and Ubuntu release with
    // its release day, the end of its standard support (eol), the end of
    // its free security maintenance (Ubuntu: eol-server where the server
    // had longer; Debian: eol-lts, the free LTS from the Debian archive) and
    // of the paid extension (Ubuntu Pro ESM: eol-esm; Freexian ELTS:
    // eol-elts). The data's release date and phases must be the same.
    let oses = oses();
    let mut offenders = Vec::new();
    let mut compared = 0;
    for (distro, security_col, extended_col) in [
        ("ubuntu", "eol-server", "eol-esm"),
        ("debian", "eol-lts", "eol-elts"),
    ] {
        for row in distro_info(distro) {
            let Some(release) = row.get("release") else {
                continue; // not released yet (Debian 14)
            };
            let version = row
                .get("version")
                .map(|v| v.split_whitespace().next().unwrap_or(v).to_string())
                .unwrap_or_default();
            // Debian 3.0 to 6.0 are debian3 to debian6 in the data.
            let short = [
                format!("{distro}{version}"),
                format!("{distro}{}", version.trim_end_matches(".0")),
            ]
            .into_iter()
            .find(|s| oses.contains_key(s))
            .unwrap_or(format!("{distro}{version}"));
            let Some(os) = oses.get(&short) else {
                offenders.push(format!(
                    "{short}: in distro-info-data ({release}) but not in the data"
                ));
                continue;
            };
            compared += 1;
            let mut differ = |what: &str, have: String, want: String| {
                if have != want {
                    offenders.push(format!(
                        "{short}: {what} is {have}, distro-info-data says {want}"
                    ));
                }
            };
            let opt = |k: &str| row.get(k).cloned().unwrap_or("(none)".into());
            differ(
                "release date",
                os.release_date.map_or("(none)".into(), |d| d.to_string()),
                release.clone(),
            );
            differ(
                "end of standard support",
                show(standard_end(os)),
                opt("eol"),
            );
            differ(
                "end of security maintenance",
                show(end(os, Phase::Security)),
                row.get(security_col).cloned().unwrap_or(opt("eol")),
            );
            differ(
                "end of the paid extension",
                show(end(os, Phase::Extended)),
                opt(extended_col),
            );
            differ(
                "eol-date",
                os.eol_date.map_or("(none)".into(), |d| d.to_string()),
                row.get(security_col).cloned().unwrap_or(opt("eol")),
            );
        }
    }
    assert!(compared >= 60, "only {compared} releases compared");
    assert_none("differences from distro-info-data", offenders);
}

// ----------------------------------------------------------------- rules

/// Releases of a distribution by a version pattern: (version parts, OS),
/// released and dated, in version order.
fn releases<'a>(oses: &'a BTreeMap<String, Os>, prefix: &str) -> Vec<(Vec<u32>, &'a Os)> {
    let mut out: Vec<(Vec<u32>, &Os)> = oses
        .iter()
        .filter_map(|(short, os)| {
            let rest = short.strip_prefix(prefix)?;
            let parts: Option<Vec<u32>> = rest.split('.').map(|p| p.parse().ok()).collect();
            Some((parts?, os))
        })
        .filter(|(_, os)| os.release_status == guestdb::ReleaseStatus::Released)
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn fedora_ends_four_weeks_after_the_release_two_later() {
    // docs.fedoraproject.org/en-US/releases/lifecycle/: release N is
    // maintained until four weeks after N+2 is released (one phase: no
    // separate standard support, no paid extension). Silverblue N is
    // Fedora N. Before Fedora 15 the rule said "one month"; Fedora Core 1-4
    // were carried further by Fedora Legacy.
    const EXCEPTIONS: &[(&str, &str)] = &[
        ("fedora27", "fedora-docs-eol: 2018-11-30, 31 days after Fedora 29"),
        ("silverblue27", "as Fedora 27"),
        ("fedora41", "fedora-docs-eol: 2025-12-15 (pagure fedora-pgm/schedule issue 218 moved it from 2025-11-19)"),
        ("silverblue41", "as Fedora 41"),
        ("fedora42", "fedora-schedule: 2026-05-27, four weeks after Fedora 44 slipped to 2026-04-28 plus a day"),
        ("silverblue42", "as Fedora 42"),
    ];
    let oses = oses();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for prefix in ["fedora", "silverblue"] {
        let list = releases(&oses, prefix);
        for (v, os) in &list {
            let Some(later) = list.iter().find(|(w, _)| w[0] == v[0] + 2) else {
                continue;
            };
            let Some(ga) = later.1.release_date else {
                continue;
            };
            checked += 1;
            if v[0] < 15 {
                // The old "one month after N+2" rule: 28 to 43 days.
                let sec = end(os, Phase::Security);
                let ok = match sec {
                    Some(PhaseEnd::On(d)) => (28..=43).contains(&(d.days() - ga.days())),
                    Some(PhaseEnd::Unknown) => v[0] <= 4,
                    _ => false,
                };
                if !ok {
                    offenders.push(format!(
                        "{}: security ends {}, not one month after {} ({ga})",
                        os.short_id(),
                        show(sec),
                        later.1.short_id()
                    ));
                }
                continue;
            }
            check(
                &mut offenders,
                os,
                Phase::Security,
                plus_days(ga, 28),
                "N+2 + 4 weeks",
                EXCEPTIONS,
            );
        }
    }
    for (v, fedora) in releases(&oses, "fedora") {
        let twin = format!("silverblue{}", v[0]);
        if let Some(sb) = oses.get(&twin) {
            if sb.lifecycle != fedora.lifecycle {
                offenders.push(format!(
                    "{twin}: phases differ from {}'s",
                    fedora.short_id()
                ));
            }
        }
    }
    assert!(checked >= 40, "only {checked} Fedora releases checked");
    assert_none("Fedora releases off the rule", offenders);
}

#[test]
fn an_rhel_minor_ends_when_the_next_minor_ships_and_the_last_with_its_major() {
    // Red Hat applies errata to the newest minor release: a minor's free
    // maintenance ends the day the next one is released (EUS is paid, in
    // the extended phase). The last minor of a major ends with the major's
    // maintenance support, which the major's placeholder entry
    // (rhelN-unknown) states. The same holds for the rebuilds that updated
    // only their newest minor: CentOS Linux, Scientific Linux, Oracle Linux
    // and Rocky Linux.
    const EXCEPTIONS: &[(&str, &str)] = &[
        ("rhel2.1", "RHEL 2.1 minors: articles/3078's days are inconsistent (redhat-docs); see the phases' notes"),
        ("centos7.0", "one entry for every CentOS 7 release (7.0.1406-7.9.2009): it ends with CentOS 7 (endoflife-date)"),
        ("scientificlinux7.6", "the newest SL 7 entry, but not the last SL 7: it ended when SL 7.7 came out (2019-08-26), which has no entry"),
        ("rocky8.6", "the newest Rocky 8 minor with an entry of its own: rocky8 stands for 8.7-8.10; 8.6 ended when 8.7 came out (rocky-wiki)"),
        ("rocky9.0", "the only Rocky 9 minor with an entry of its own: rocky9 stands for 9.1 on; 9.0 ended when 9.1 came out (rocky-wiki)"),
    ];
    let oses = oses();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for prefix in ["rhel", "centos", "scientificlinux", "ol", "oel", "rocky"] {
        let mut list = releases(&oses, prefix);
        if prefix == "ol" {
            list.extend(releases(&oses, "oel"));
            list.sort_by(|a, b| a.0.cmp(&b.0));
        }
        if prefix == "oel" {
            continue;
        }
        for (i, (v, os)) in list.iter().enumerate() {
            if v.len() < 2 || os.release_date.is_none() {
                continue;
            }
            let next = list[i + 1..].iter().find(|(w, _)| w[0] == v[0]);
            match next {
                Some((_, n)) => {
                    let Some(ga) = n.release_date else { continue };
                    checked += 1;
                    check(
                        &mut offenders,
                        os,
                        Phase::Security,
                        ga,
                        "the next minor's release",
                        EXCEPTIONS,
                    );
                }
                None => {
                    // The newest minor: maintained until the next minor
                    // (not out yet: tba), or, the last of its major, to
                    // the end of the major's maintenance.
                    if end(os, Phase::Security) == Some(PhaseEnd::Tba) {
                        continue;
                    }
                    let major = format!("{prefix}{}-unknown", v[0]);
                    let Some(PhaseEnd::On(d)) =
                        oses.get(&major).and_then(|m| end(m, Phase::Security))
                    else {
                        continue;
                    };
                    checked += 1;
                    check(
                        &mut offenders,
                        os,
                        Phase::Security,
                        d,
                        "the major's maintenance",
                        EXCEPTIONS,
                    );
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} minors checked");
    assert_none("minor releases off the rule", offenders);
}

#[test]
fn ubuntu_lts_get_five_years_and_interim_releases_nine_months() {
    // ubuntu.com/about/release-cycle: an LTS gets five years of standard
    // support (free security maintenance), then ESM with Ubuntu Pro (paid)
    // to ten years; an interim release gets nine months (eighteen before
    // 13.04) and no ESM. Days are Canonical's announcements, so a window:
    // LTS standard support ends within six weeks after the fifth
    // anniversary (6.06-10.04 had three desktop years, within 45 days of
    // the third anniversary, and five server years),
    // ESM within eight days after the tenth; interim ends within two
    // days before to twelve after nine months (before 13.04: 273 to 302
    // days after nine months).
    let oses = oses();
    let mut offenders = Vec::new();
    for (v, os) in releases(&oses, "ubuntu") {
        let Some(ga) = os.release_date else { continue };
        let lts = (v[1] == 4 && v[0] % 2 == 0) || v == [6, 6];
        let window = |offenders: &mut Vec<String>, phase: Phase, from: Date, to: Date| match end(
            os, phase,
        ) {
            Some(PhaseEnd::On(d)) if d >= from && d <= to => {}
            other => offenders.push(format!(
                "{}: {phase} ends {}, not between {from} and {to}",
                os.short_id(),
                show(other)
            )),
        };
        if lts {
            let five = plus_months(ga, 60);
            window(&mut offenders, Phase::Security, five, plus_days(five, 42));
            if v[0] >= 14 {
                let ten = plus_months(ga, 120);
                window(&mut offenders, Phase::Extended, ten, plus_days(ten, 8));
            }
            if v[0] <= 10
                && !matches!(end(os, Phase::Standard), Some(PhaseEnd::On(d)) if plus_months(ga, 36) <= d && d <= plus_days(plus_months(ga, 36), 45))
            {
                offenders.push(format!(
                    "{}: desktop support does not end after three years",
                    os.short_id()
                ));
            }
        } else {
            let nine = plus_months(ga, 9);
            let (from, to) = if (v[0], v[1]) >= (13, 4) {
                (plus_days(nine, -2), plus_days(nine, 12))
            } else {
                (plus_days(nine, 273), plus_days(nine, 302))
            };
            window(&mut offenders, Phase::Security, from, to);
            if end(os, Phase::Extended).is_some() {
                offenders.push(format!(
                    "{}: an interim release with a paid extension",
                    os.short_id()
                ));
            }
        }
    }
    assert_none("Ubuntu releases off the rule", offenders);
}

#[test]
fn debian_lts_ends_five_years_after_the_release_on_june_30() {
    // wiki.debian.org/LTS: from Debian 8 on, the free LTS (security
    // maintenance from the Debian archive) ends on 30 June five years after
    // the release year, and Freexian's paid ELTS on 30 June ten years after.
    const EXCEPTIONS: &[(&str, &str)] = &[(
        "debian11",
        "distro-info-data and the Debian LTS wiki: bullseye LTS ends 2026-08-31",
    )];
    let oses = oses();
    let mut offenders = Vec::new();
    for (v, os) in releases(&oses, "debian") {
        let Some(ga) = os.release_date else { continue };
        if v[0] < 8 {
            continue;
        }
        let june = |years: u16| date(&format!("{}-06-30", ga.year + years));
        check(
            &mut offenders,
            os,
            Phase::Security,
            june(5),
            "June 30, five years on",
            EXCEPTIONS,
        );
        check(
            &mut offenders,
            os,
            Phase::Extended,
            june(10),
            "June 30, ten years on",
            &[],
        );
    }
    assert_none("Debian releases off the rule", offenders);
}

#[test]
fn openbsd_supports_the_two_newest_releases() {
    // www.openbsd.org/errata.html: errata and syspatches are made for the
    // two newest releases, so release N is supported until N+2 comes out.
    let oses = oses();
    let list = releases(&oses, "openbsd");
    // Releases count x.0 … x.9, then (x+1).0.
    let number = |v: &[u32]| v[0] * 10 + v[1];
    let newest = list.iter().map(|(v, _)| number(v)).max().unwrap_or(0);
    let mut offenders = Vec::new();
    for (v, os) in &list {
        let later = number(v) + 2;
        let sec = end(os, Phase::Security);
        match list.iter().find(|(w, _)| number(w) == later) {
            Some((_, n)) => match n.release_date {
                Some(ga) => check(&mut offenders, os, Phase::Security, ga, "release N+2", &[]),
                // N+2 is out on a day the data does not know: unknown.
                None if sec == Some(PhaseEnd::Unknown) => {}
                None => offenders.push(format!(
                    "{}: N+2 is out on a day not known, yet the end is {}",
                    os.short_id(),
                    show(sec)
                )),
            },
            // N+2 is not out yet: not announced.
            None if later > newest && sec != Some(PhaseEnd::Tba) => offenders.push(format!(
                "{}: N+2 is not out, yet the end is {}",
                os.short_id(),
                show(sec)
            )),
            // Not out and tba, or missing from the data: nothing to compare.
            None => {}
        }
    }
    assert!(list.len() >= 30, "only {} OpenBSD releases", list.len());
    assert_none("OpenBSD releases off the rule", offenders);
}

#[test]
fn freebsd_point_releases_end_three_months_after_the_next() {
    // www.freebsd.org/security/ (support model since 2015): a point release
    // that is not the last of its branch is supported until three months
    // after the next point release of the branch, to the end of that month.
    const EXCEPTIONS: &[(&str, &str)] = &[(
        "freebsd11.0",
        "freebsd-security: 11.0's EoL is 2017-11-30, one month later than the formula",
    )];
    let oses = oses();
    let list = releases(&oses, "freebsd");
    let mut offenders = Vec::new();
    let mut checked = 0;
    for (i, (v, os)) in list.iter().enumerate() {
        if v[0] < 11 || v.len() != 2 {
            continue;
        }
        let Some((_, next)) = list[i + 1..].iter().find(|(w, _)| w[0] == v[0]) else {
            continue;
        };
        let Some(ga) = next.release_date else {
            continue;
        };
        checked += 1;
        check(
            &mut offenders,
            os,
            Phase::Security,
            end_of_month(plus_months(ga, 3)),
            "three months after the next point release",
            EXCEPTIONS,
        );
    }
    assert!(checked >= 10, "only {checked} FreeBSD releases checked");
    assert_none("FreeBSD releases off the rule", offenders);
}

#[test]
fn every_netbsd_release_of_a_major_ends_with_its_branch() {
    // www.netbsd.org/releases/formal.html: security fixes and point
    // releases cover the major branch; every X.y ends with branch X.
    let oses = oses();
    let mut by_major: BTreeMap<u32, Vec<&Os>> = BTreeMap::new();
    for (v, os) in releases(&oses, "netbsd") {
        by_major.entry(v[0]).or_default().push(os);
    }
    let mut offenders = Vec::new();
    for (major, list) in by_major {
        let first = end(list[0], Phase::Security);
        for os in &list {
            if end(os, Phase::Security) != first {
                offenders.push(format!(
                    "{}: ends {}, {} ends {}",
                    os.short_id(),
                    show(end(os, Phase::Security)),
                    list[0].short_id(),
                    show(first)
                ));
            }
        }
        let _ = major;
    }
    assert_none("NetBSD releases off their branch", offenders);
}

#[test]
fn alpine_branches_get_about_two_years() {
    // alpinelinux.org/releases/: the main repository of a branch is
    // supported about two years, to the first of a month; the community
    // repository only until the next branch (its standard phase). 3.16 to
    // 3.18 ended on the second anniversary of their release instead.
    let oses = oses();
    let list = releases(&oses, "alpinelinux");
    let mut offenders = Vec::new();
    for (i, (v, os)) in list.iter().enumerate() {
        let Some(ga) = os.release_date else { continue };
        match end(os, Phase::Security) {
            Some(PhaseEnd::On(d)) => {
                let anniversary = (16..=18).contains(&v[1]) && v[0] == 3;
                let ok = if anniversary {
                    d == plus_months(ga, 24)
                } else {
                    d.day == 1 && d >= plus_months(ga, 21) && d <= plus_months(ga, 24)
                };
                if !ok {
                    offenders.push(format!(
                        "{}: main repository support ends {d}, released {ga}",
                        os.short_id()
                    ));
                }
            }
            other => offenders.push(format!(
                "{}: main repository support ends {}",
                os.short_id(),
                show(other)
            )),
        }
        match (
            list.get(i + 1).and_then(|(_, n)| n.release_date),
            end(os, Phase::Standard),
        ) {
            (Some(next), Some(PhaseEnd::On(d))) if d == next => {}
            (None, Some(PhaseEnd::Tba)) => {}
            (next, have) => offenders.push(format!(
                "{}: community repository support ends {}, the next branch came out {}",
                os.short_id(),
                show(have),
                next.map_or("(not yet)".into(), |d| d.to_string())
            )),
        }
    }
    assert!(list.len() >= 15, "only {} Alpine branches", list.len());
    assert_none("Alpine branches off the rule", offenders);
}

#[test]
fn windows_support_ends_on_a_patch_tuesday() {
    // learn.microsoft.com/lifecycle: since Windows Vista and Server 2008,
    // every Windows support phase ends on the second Tuesday of a month,
    // the day updates are published.
    let oses = oses();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for os in oses.values().filter(|o| o.distro.as_deref() == Some("win")) {
        if os.release_date.is_none_or(|r| r < date("2007-01-01")) {
            continue;
        }
        for phase in Phase::ALL {
            let Some(PhaseEnd::On(d)) = end(os, phase) else {
                continue;
            };
            checked += 1;
            if weekday(d) != 1 || !(8..=14).contains(&d.day) {
                offenders.push(format!(
                    "{}: {phase} ends {d}, not a second Tuesday",
                    os.short_id()
                ));
            }
        }
    }
    assert!(checked >= 30, "only {checked} Windows phase ends checked");
    assert_none("Windows phase ends off Patch Tuesday", offenders);
}

#[test]
fn every_release_of_a_distribution_with_lifecycles_states_one() {
    // A distribution whose releases carry lifecycles gives every released
    // release one (a new release gets it from 'guestdb new-os'); rolling
    // releases and the catch-all entries without a version have none.
    let oses = oses();
    let with: std::collections::BTreeSet<&str> = oses
        .values()
        .filter(|o| !o.lifecycle.is_empty())
        .filter_map(|o| o.distro.as_deref())
        .collect();
    let offenders = oses
        .values()
        .filter(|o| o.lifecycle.is_empty() && o.release_status == guestdb::ReleaseStatus::Released)
        .filter(|o| o.distro.as_deref().is_some_and(|d| with.contains(d)))
        .filter(|o| {
            o.version
                .as_deref()
                .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
        })
        .filter(|o| !o.short_id().ends_with("-unknown"))
        .map(|o| o.short_id().to_string())
        .collect();
    assert_none("released releases without a lifecycle", offenders);
}

// ----------------------------------------------------------------- freshness

#[test]
#[ignore = "depends on today's date: run tools/test.sh"]
fn no_phase_is_still_not_announced_after_it_was_due() {
    // A phase whose end is not announced yet ("tba") states by when it is
    // expected, or its distribution's freshness record (data/dataset.xml
    // <fresh next=...>) says when the next release, and with it the news,
    // is due. Sixty days after that the data is stale: the end must be
    // dated (or the expectation moved, with a reason). A tba phase after a
    // phase that already ended by a stated day is stale too.
    let db = db();
    let today = guestdb::cli::today().expect("the system clock gives today");
    let bytes = std::fs::read(crate::common::root().join("data/dataset.xml")).expect("dataset.xml");
    let mut findings = guestdb::data::diag::Findings::default();
    let info = guestdb::data::read::read_dataset_info(
        &std::sync::Arc::from("dataset.xml"),
        &bytes,
        &mut findings,
    )
    .expect("dataset.xml reads");
    let mut offenders = Vec::new();
    let mut tba = 0;
    for os in db.oses().expect("OSes") {
        let details = db.details(os).expect("details");
        let fresh = info
            .freshness
            .iter()
            .find(|f| os.distro.as_deref() == Some(f.distro.as_str()));
        for p in details.lifecycle.iter().filter(|p| p.end == PhaseEnd::Tba) {
            tba += 1;
            let due = p.expected.or(fresh.map(|f| f.next));
            if let Some(due) = due {
                if today > plus_days(due, 60) {
                    offenders.push(format!(
                        "{}: the {} phase's end was expected by {due} and is still not announced (tba)",
                        os.short_id(),
                        p.phase
                    ));
                }
            }
            let later_ended = details
                .lifecycle
                .iter()
                .find(|q| q.phase > p.phase && q.end.date().is_some_and(|d| d < today));
            if let Some(q) = later_ended {
                offenders.push(format!(
                    "{}: the {} phase is tba, yet the {} phase after it ended {}",
                    os.short_id(),
                    p.phase,
                    q.phase,
                    q.end
                ));
            }
        }
    }
    assert!(tba > 0, "no phase is tba: the test checks nothing");
    assert_none("phases not announced past their due day", offenders);
}

// ----------------------------------------------------------------- use

#[test]
fn list_supported_on_counts_the_phase_asked_for() {
    // On 2026-12-07 Windows 7 is out of support even with paid ESU (ended
    // 2023-01-10); RHEL 7.9 only with paid ELS (to 2029-05-31); Windows 10
    // with ESU; Debian 12 in its free LTS; a release whose end no source
    // gives is never listed.
    let list = |support: &str| -> Vec<String> {
        let r = run(&[
            "list",
            "--supported-on",
            "2026-12-07",
            "--support",
            support,
            "--fields",
            "short-id",
            "--json",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).expect("JSON");
        v.iter()
            .map(|o| o["short_id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let (standard, security, extended) = (list("standard"), list("security"), list("extended"));
    let has = |l: &[String], s: &str| l.iter().any(|x| x == s);
    for (os, std_, sec, ext) in [
        ("win7", false, false, false),
        ("rhel7.9", false, false, true),
        ("win10", false, false, true),
        ("debian12", false, true, true),
        ("rhel9.8", true, true, true),
        ("ubuntu24.04", true, true, true),
        ("dragonflybsd5.6", false, false, false),
    ] {
        assert_eq!(
            (has(&standard, os), has(&security, os), has(&extended, os)),
            (std_, sec, ext),
            "{os} at standard/security/extended"
        );
    }
    // The default is security maintenance.
    let r = run(&[
        "list",
        "--supported-on",
        "2026-12-07",
        "--fields",
        "short-id",
        "--json",
    ]);
    let v: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v.len(), security.len());
    let bad = run(&["list", "--supported-on", "2026-12-07", "--support", "paid"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("unknown support level 'paid'; expected standard, security or extended"),
        "{}",
        bad.stderr
    );
}

#[test]
fn show_prints_the_phases_with_their_sources() {
    let r = run(&["show", "rhel7.9", "--explain"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for want in [
        "  lifecycle\n    ga        2020-09-29   general availability\n",
        "    security  2024-06-30   maintenance support (end of life)\n              source endoflife-date, at os/redhat.com/rhel-7.9.xml:",
        "    extended  2029-05-31   extended life-cycle support, paid\n",
    ] {
        assert!(r.stdout.contains(want), "show lacks {want:?}:\n{}", r.stdout);
    }
    let j = run(&["show", "win10-ltsb2016", "--json", "--explain"]);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("JSON");
    assert_eq!(v["eol_date"], "2026-10-13");
    assert_eq!(v["lifecycle"]["standard"]["end"], "2021-10-12");
    assert_eq!(v["lifecycle"]["security"]["label"], "extended support");
    assert_eq!(v["lifecycle"]["extended"]["end"], "tba");
    assert_eq!(v["lifecycle"]["extended"]["expected"], "2029-10-09");
    let explained = &v["explain"]["lifecycle"];
    assert_eq!(
        explained[0]["provenance"]["source"], "microsoft-lifecycle-data",
        "{explained}"
    );
}

#[test]
fn the_end_of_life_warning_names_the_phase_that_ended_and_the_next() {
    let day = date("2026-12-07");
    let warnings = |os: &str| -> Vec<(String, String)> {
        let db = db();
        let host = db
            .profile_host("debian-12", Some("x86_64"))
            .expect("store")
            .expect("profile");
        let target = guestdb::recommend::Target {
            arch: "x86_64",
            hosts: &[host],
            policy: Default::default(),
            today: Some(day),
        };
        let rec = db
            .recommend(&db.resolve(os).expect("store").expect("known"), &target)
            .expect("a recommendation");
        rec.warnings
            .iter()
            .map(|w| (w.code.to_string(), w.message.clone()))
            .collect()
    };
    let has = |os: &str, code: &str, message: &str| {
        let w = warnings(os);
        assert!(
            w.iter().any(|(c, m)| c == code && m == message),
            "{os}: no [{code}] {message:?} in {w:?}"
        );
    };
    has("rhel7.9", "end-of-life", "rhel7.9: maintenance support ended 2024-06-30; paid extended life-cycle support until 2029-05-31");
    has("win7", "end-of-life", "win7: extended support ended 2020-01-14; paid extended security updates ended 2023-01-10 too: it gets no security updates");
    has(
        "fedora41",
        "end-of-life",
        "fedora41: maintenance ended 2025-12-15: it gets no security updates",
    );
    has("popos20.04", "end-of-life-unknown", "popos20.04: the end of its security maintenance is unknown (no source gives the day): it may get no security updates");
    assert!(
        !warnings("rhel9.8")
            .iter()
            .any(|(c, _)| c.starts_with("end-of-life")),
        "rhel9.8 is supported"
    );
}

// ----------------------------------------------------------------- reader

#[test]
fn a_lifecycle_that_does_not_read_is_a_located_finding() {
    let dir = fixture();
    write_files(
        dir.path(),
        &[(
            "os/guestdb.test/b-1.xml",
            b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <lifecycle>\n    <phase name=\"ga\" end=\"2020-01-01\"/>\n    <phase name=\"standard\" end=\"2023-02-29\"/>\n    <phase name=\"extended\" end=\"unknown\"/>\n    <phase name=\"extended\" end=\"soon\" expected=\"2030-01-01\"/>\n  </lifecycle>\n</os>\n",
        )],
    );
    let found = findings_of(dir.path());
    let want = [
        "data/os/guestdb.test/b-1.xml:3:3: error[missing-element]: <lifecycle> needs a <phase name=\"security\"> (the end of security maintenance without a paid add-on, what <eol-date> means); use end=\"unknown\" with a note when no source gives it",
        "data/os/guestdb.test/b-1.xml:4:12: error[invalid-value]: lifecycle phase 'ga' is unknown; expected standard, security or extended (the release date is <release-date>)",
        "data/os/guestdb.test/b-1.xml:5:28: error[invalid-date]: end '2023-02-29' is not a phase end; expected YYYY-MM-DD of a real day, unknown or tba",
        "data/os/guestdb.test/b-1.xml:6:5: error[missing-attribute]: a phase whose end is unknown needs a note saying why (no source reachable, sources disagree, ...)",
        "data/os/guestdb.test/b-1.xml:7:28: error[invalid-value]: end 'soon' is not a phase end; expected YYYY-MM-DD of a real day, unknown or tba",
    ];
    for w in want {
        assert!(
            found.iter().any(|f| f == w),
            "no finding {w:?} in {found:#?}"
        );
    }
    write_files(
        dir.path(),
        &[(
            "os/guestdb.test/b-1.xml",
            b"<os id=\"http://guestdb.test/b/1\">\n  <name>B</name>\n  <lifecycle>\n    <phase name=\"security\" end=\"tba\"/>\n    <phase name=\"security\" end=\"2020-01-01\" expected=\"2030-01-01\"/>\n  </lifecycle>\n</os>\n",
        )],
    );
    let found = findings_of(dir.path());
    for w in [
        "data/os/guestdb.test/b-1.xml:5:45: error[invalid-value]: 'expected' dates an end not announced yet; it goes with end=\"tba\" only",
        "data/os/guestdb.test/b-1.xml:5:5: error[duplicate-element]: a second <phase name=\"security\">; state each phase once\ndata/os/guestdb.test/b-1.xml:4:5: note: first given here",
    ] {
        assert!(found.iter().any(|f| f == w), "no finding {w:?} in {found:#?}");
    }
}

// ----------------------------------------------------------------- kernels

#[test]
fn every_kernel_package_string_starts_with_its_version() {
    // `<kernel version="5.14" package="5.14.0-70.13.1.el9_0">`: the
    // distribution's package is a build of the upstream version.
    let db = db();
    let mut offenders = Vec::new();
    let mut checked = 0;
    for os in db.oses().expect("OSes") {
        let d = db.details(os).expect("details");
        let kernels = d
            .kernel
            .iter()
            .map(|k| ("all", k))
            .chain(d.arch_kernels.iter().map(|a| (a.arch.as_str(), &a.kernel)));
        for (arch, k) in kernels {
            let Some(package) = &k.package else { continue };
            checked += 1;
            let version = k.version.to_string();
            let ok = package
                .strip_prefix(&version)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '-', '_', '+', '~']));
            if !ok {
                offenders.push(format!(
                    "{} [{arch}]: package {package} is not a build of {version}",
                    os.short_id()
                ));
            }
        }
    }
    assert!(checked >= 250, "only {checked} kernel packages");
    assert_none(
        "kernel package strings that do not start with their version",
        offenders,
    );
}

#[test]
fn rhel_9_and_10_media_kernels_are_their_z_stream_builds() {
    // RHEL 9 and 10 installation media carry a z-stream build of the
    // minor's kernel (dist tag el9_N, el10_N), and the data says so.
    let db = db();
    let mut offenders = Vec::new();
    for os in db.oses().expect("OSes") {
        let Some(v) = os.short_id().strip_prefix("rhel") else {
            continue;
        };
        let Some((major, minor)) = v.split_once('.') else {
            continue;
        };
        if !matches!(major, "9" | "10") {
            continue;
        }
        let d = db.details(os).expect("details");
        let package = d
            .kernel
            .as_ref()
            .and_then(|k| k.package.clone())
            .unwrap_or_default();
        if !package.ends_with(&format!(".el{major}_{minor}")) {
            offenders.push(format!("{}: package {package}", os.short_id()));
        }
    }
    assert_none(
        "RHEL 9/10 kernels without their z-stream dist tag",
        offenders,
    );
}
