//! Timestamps from AWS answers, converted without ever panicking.
//!
//! The SDK parses any timestamp AWS sends, offsets included, into a [`DateTime`] of `i64`
//! seconds: `9999-12-31T23:59:59-23:59` is a valid answer that lands in the year 10000. State
//! and results hold RFC 3339, which stops at 9999-12-31, and the `time` crate panics when asked
//! to hold such a value; the release build aborts on a panic. Every conversion of a timestamp
//! that came from AWS therefore goes through this module and ends in a value or in
//! [`OutOfRange`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

/// A timestamp outside what RFC 3339 can write: before 0001-01-01 or after 9999-12-31 (UTC).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{epoch_seconds} seconds since 1970 is outside the years 1 to 9999 that RFC 3339 can write"
)]
pub struct OutOfRange {
    /// The timestamp as seconds since the Unix epoch, the one form every value has.
    pub epoch_seconds: String,
}

impl OutOfRange {
    fn of(t: &DateTime) -> Self {
        Self {
            epoch_seconds: t.fmt(Format::EpochSeconds).unwrap_or_default(),
        }
    }
}

/// `t` in RFC 3339, UTC (`2023-11-14T22:13:20Z`), as state holds timestamps.
pub fn to_rfc3339(t: &DateTime) -> Result<String, OutOfRange> {
    t.fmt(Format::DateTime).map_err(|_| OutOfRange::of(t))
}

/// `t` as a [`SystemTime`], when RFC 3339 can also write it (so that whatever holds it can be
/// shown).
pub fn to_system_time(t: &DateTime) -> Result<SystemTime, OutOfRange> {
    to_rfc3339(t)?;
    SystemTime::try_from(*t).map_err(|_| OutOfRange::of(t))
}

/// `t` as an SDK [`DateTime`]; `None` only where `SystemTime` reaches beyond `i64` seconds.
pub fn from_system_time(t: SystemTime) -> Option<DateTime> {
    let nanos = match t.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::try_from(after.as_nanos()).ok()?,
        Err(before) => i128::try_from(before.duration().as_nanos())
            .ok()?
            .checked_neg()?,
    };
    DateTime::from_nanos(nanos).ok()
}

/// `t` in RFC 3339, UTC.
pub fn system_time_to_rfc3339(t: SystemTime) -> Result<String, OutOfRange> {
    match from_system_time(t) {
        Some(t) => to_rfc3339(&t),
        None => Err(OutOfRange {
            epoch_seconds: match t.duration_since(UNIX_EPOCH) {
                Ok(after) => after.as_secs().to_string(),
                Err(before) => format!("-{}", before.duration().as_secs()),
            },
        }),
    }
}

/// How long from `now` until `t`; zero once `t` has passed.
pub fn until(t: SystemTime, now: SystemTime) -> Duration {
    t.duration_since(now).unwrap_or_default()
}

/// An optional timestamp of a report in RFC 3339: empty when AWS left it out, and also when it
/// is out of range (logged), since a wrong date must not fail a read of everything else.
pub fn to_rfc3339_or_empty(t: Option<&DateTime>) -> String {
    let Some(t) = t else {
        return String::new();
    };
    to_rfc3339(t).unwrap_or_else(|err| {
        tracing::warn!(%err, "AWS answered a timestamp out of range; leaving it empty");
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The last second RFC 3339 can write: 9999-12-31T23:59:59Z.
    const LAST: i64 = 253_402_300_799;
    /// The first: 0001-01-01T00:00:00Z.
    const FIRST: i64 = -62_135_596_800;

    #[test]
    fn the_edges_of_rfc3339_convert_and_one_second_beyond_does_not() {
        let last = DateTime::from_secs(LAST);
        assert_eq!(to_rfc3339(&last).unwrap(), "9999-12-31T23:59:59Z");
        assert_eq!(
            system_time_to_rfc3339(to_system_time(&last).unwrap()).unwrap(),
            "9999-12-31T23:59:59Z"
        );
        let first = DateTime::from_secs(FIRST);
        assert_eq!(to_rfc3339(&first).unwrap(), "0001-01-01T00:00:00Z");
        assert_eq!(
            from_system_time(to_system_time(&first).unwrap()),
            Some(first)
        );
        for beyond in [LAST + 1, FIRST - 1, i64::MAX, i64::MIN] {
            let t = DateTime::from_secs(beyond);
            let err = to_rfc3339(&t).unwrap_err();
            assert_eq!(err.epoch_seconds, beyond.to_string());
            assert_eq!(to_system_time(&t), Err(err));
            assert_eq!(to_rfc3339_or_empty(Some(&t)), "");
        }
        assert_eq!(to_rfc3339_or_empty(None), "");
    }

    #[test]
    fn an_offset_that_crosses_into_the_year_10000_is_out_of_range() {
        let t = DateTime::from_str("9999-12-31T23:59:59-23:59", Format::DateTimeWithOffset)
            .expect("the SDK accepts it");
        assert!(to_rfc3339(&t).is_err());
        assert!(to_system_time(&t).is_err());
    }

    #[test]
    fn time_left_is_zero_once_past() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        assert_eq!(
            until(now + Duration::from_secs(5), now),
            Duration::from_secs(5)
        );
        assert_eq!(until(UNIX_EPOCH, now), Duration::ZERO);
    }
}
