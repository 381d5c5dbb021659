//! A release's support lifecycle: whether it is supported on a day at a
//! level of support, where a day falls among its phases, and whether its
//! security maintenance has ended. One implementation for `list
//! --supported-on`, the end-of-life rule of `recommend` and `check`.
//!
//! A release's phases end in order: standard (full) support, security
//! maintenance without a paid add-on (what `eol_date` means), and extended
//! support that costs extra. Each end is a day, `unknown` (it ended or is
//! fixed, but no source gives the day) or `tba` (not announced yet). A
//! phase the release does not have (no paid extension) is not stated.

use guestdb_data::model::Date;
pub use guestdb_data::model::{Phase, PhaseEnd};

/// The ends of a release's phases, as its summary row keeps them; `None`
/// for a phase the data does not state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PhaseEnds {
    /// End of standard (full) support.
    pub standard: Option<PhaseEnd>,
    /// End of security maintenance without a paid add-on.
    pub security: Option<PhaseEnd>,
    /// End of paid extended support.
    pub extended: Option<PhaseEnd>,
}

impl PhaseEnds {
    /// The end of `phase`, when the data states the phase.
    pub fn get(&self, phase: Phase) -> Option<PhaseEnd> {
        match phase {
            Phase::Standard => self.standard,
            Phase::Security => self.security,
            Phase::Extended => self.extended,
        }
    }

    /// No phase stated: the release has no lifecycle in the data.
    pub fn is_empty(&self) -> bool {
        Phase::ALL.iter().all(|p| self.get(*p).is_none())
    }

    /// The stated phases with their ends, in phase order.
    pub fn phases(&self) -> Vec<(Phase, PhaseEnd)> {
        Phase::ALL
            .iter()
            .filter_map(|p| self.get(*p).map(|e| (*p, e)))
            .collect()
    }
}

/// Whether an end lets a release be supported on `day`: a day on or after
/// it, or an end not announced yet. An unknown end never does: the data
/// cannot say the release is still supported.
fn covers(end: PhaseEnd, day: Date) -> bool {
    match end {
        PhaseEnd::On(d) => d >= day,
        PhaseEnd::Tba => true,
        PhaseEnd::Unknown => false,
    }
}

/// Whether a release is supported on `day` with support up to `level`
/// (`standard`: full support only; `security`: security maintenance
/// without a paid add-on; `extended`: any support, paid or not).
///
/// It must be released by `day` (`release`). With phases, one of the
/// phases up to `level` must cover `day`: end on or after it, or end on a
/// day not announced yet; a release with one phase (no separate standard
/// support) answers `standard` with its security phase, one without a paid
/// extension answers `extended` with its free phases. Without phases, as
/// before lifecycles: not past `eol` (none: supported).
///
/// ```
/// use guestdb::lifecycle::{supported_on, Phase, PhaseEnd, PhaseEnds};
/// use guestdb::Date;
/// let d = |s| Date::parse(s).unwrap();
/// // RHEL 7.9: maintenance to 2024-06-30, paid ELS to 2029-05-31.
/// let rhel = PhaseEnds {
///     standard: Some(PhaseEnd::On(d("2019-08-06"))),
///     security: Some(PhaseEnd::On(d("2024-06-30"))),
///     extended: Some(PhaseEnd::On(d("2029-05-31"))),
/// };
/// let released = Some(d("2020-09-29"));
/// let day = d("2026-12-07");
/// assert!(!supported_on(released, Some(d("2024-06-30")), &rhel, day, Phase::Security));
/// assert!(supported_on(released, Some(d("2024-06-30")), &rhel, day, Phase::Extended));
/// // An unknown end is never counted as supported.
/// let unknown = PhaseEnds { security: Some(PhaseEnd::Unknown), ..PhaseEnds::default() };
/// assert!(!supported_on(released, None, &unknown, day, Phase::Extended));
/// ```
pub fn supported_on(
    release: Option<Date>,
    eol: Option<Date>,
    ends: &PhaseEnds,
    day: Date,
    level: Phase,
) -> bool {
    if release.is_none_or(|r| r > day) {
        return false;
    }
    if ends.is_empty() {
        return eol.is_none_or(|e| e >= day);
    }
    let phases = ends.phases();
    let mut up_to: Vec<PhaseEnd> = phases
        .iter()
        .filter(|(p, _)| *p <= level)
        .map(|(_, e)| *e)
        .collect();
    if up_to.is_empty() {
        // Standard support asked of a release whose data states only later
        // phases: its first stated phase is its standard support.
        up_to.extend(phases.first().map(|(_, e)| *e));
    }
    up_to.into_iter().any(|end| covers(end, day))
}

/// Where a day falls among a release's phases (each `(phase, end)`, in
/// phase order): indices into them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// The last phase that ended before the day (a dated end).
    pub ended: Option<usize>,
    /// The phase the day is in: the first after `ended` whose end is on or
    /// after the day, or not announced yet. `None` when every later phase
    /// ended or has an unknown end.
    pub current: Option<usize>,
}

/// Where `day` falls among `phases` (`(phase, end)`, in phase order).
pub fn position(phases: &[(Phase, PhaseEnd)], day: Date) -> Position {
    let ended = phases
        .iter()
        .rposition(|(_, end)| end.date().is_some_and(|d| d < day));
    let from = ended.map_or(0, |i| i + 1);
    let current = phases
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, (_, end))| covers(*end, day))
        .map(|(i, _)| i);
    Position { ended, current }
}

/// The end of a release's security maintenance, when it was before `day`:
/// the index of the security phase and of the phase after it (the paid
/// extension, if the release has one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndOfLife {
    /// The security phase (in the slice given to [`end_of_life`]).
    pub security: usize,
    /// The day it ended.
    pub on: Date,
    /// The paid extension after it, if the release has one.
    pub extended: Option<usize>,
}

/// Whether the security maintenance of a release with `phases` (`(phase,
/// end)`, in phase order) ended before `day`.
pub fn end_of_life(phases: &[(Phase, PhaseEnd)], day: Date) -> Option<EndOfLife> {
    let security = phases.iter().position(|(p, _)| *p == Phase::Security)?;
    let on = phases[security].1.date().filter(|d| *d < day)?;
    let extended = phases.iter().position(|(p, _)| *p == Phase::Extended);
    Some(EndOfLife {
        security,
        on,
        extended,
    })
}

/// Today, from the system clock (for end-of-life warnings only).
pub fn today() -> Option<Date> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Date::from_days((secs / 86_400) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    #[test]
    fn a_level_counts_its_own_phase_and_those_before_it() {
        let ubuntu = PhaseEnds {
            standard: Some(PhaseEnd::On(d("2025-05-29"))),
            security: Some(PhaseEnd::On(d("2025-05-29"))),
            extended: Some(PhaseEnd::On(d("2030-04-23"))),
        };
        let r = Some(d("2020-04-23"));
        let day = d("2026-01-01");
        assert!(!supported_on(r, None, &ubuntu, day, Phase::Standard));
        assert!(!supported_on(r, None, &ubuntu, day, Phase::Security));
        assert!(supported_on(r, None, &ubuntu, day, Phase::Extended));
        assert!(!supported_on(
            r,
            None,
            &ubuntu,
            d("2031-01-01"),
            Phase::Extended
        ));
        assert!(
            !supported_on(r, None, &ubuntu, d("2019-01-01"), Phase::Extended),
            "not before its release"
        );
    }

    #[test]
    fn without_a_paid_extension_extended_is_the_free_support() {
        let fedora = PhaseEnds {
            standard: Some(PhaseEnd::On(d("2025-12-15"))),
            security: Some(PhaseEnd::On(d("2025-12-15"))),
            extended: None,
        };
        let r = Some(d("2024-10-29"));
        assert!(supported_on(
            r,
            None,
            &fedora,
            d("2025-12-15"),
            Phase::Extended
        ));
        assert!(!supported_on(
            r,
            None,
            &fedora,
            d("2025-12-16"),
            Phase::Extended
        ));
    }

    #[test]
    fn only_a_security_phase_answers_standard_too_and_tba_is_supported() {
        let one = PhaseEnds {
            security: Some(PhaseEnd::Tba),
            ..PhaseEnds::default()
        };
        let r = Some(d("2026-05-20"));
        assert!(supported_on(
            r,
            None,
            &one,
            d("2030-01-01"),
            Phase::Standard
        ));
    }

    #[test]
    fn without_phases_eol_date_decides_as_before() {
        let none = PhaseEnds::default();
        let r = Some(d("2010-01-01"));
        assert!(supported_on(
            r,
            None,
            &none,
            d("2026-01-01"),
            Phase::Security
        ));
        assert!(!supported_on(
            r,
            Some(d("2020-01-01")),
            &none,
            d("2026-01-01"),
            Phase::Extended
        ));
        assert!(!supported_on(
            None,
            None,
            &none,
            d("2026-01-01"),
            Phase::Security
        ));
    }

    #[test]
    fn position_and_end_of_life() {
        let rhel = [
            (Phase::Standard, PhaseEnd::On(d("2019-08-06"))),
            (Phase::Security, PhaseEnd::On(d("2024-06-30"))),
            (Phase::Extended, PhaseEnd::On(d("2029-05-31"))),
        ];
        assert_eq!(
            position(&rhel, d("2026-12-07")),
            Position {
                ended: Some(1),
                current: Some(2)
            }
        );
        assert_eq!(
            position(&rhel, d("2018-01-01")),
            Position {
                ended: None,
                current: Some(0)
            }
        );
        assert_eq!(
            end_of_life(&rhel, d("2026-12-07")),
            Some(EndOfLife {
                security: 1,
                on: d("2024-06-30"),
                extended: Some(2)
            })
        );
        assert_eq!(end_of_life(&rhel, d("2024-06-30")), None, "its last day");
        let unknown = [(Phase::Security, PhaseEnd::Unknown)];
        assert_eq!(end_of_life(&unknown, d("2026-12-07")), None);
        assert_eq!(position(&unknown, d("2026-12-07")), Position::default());
    }
}
