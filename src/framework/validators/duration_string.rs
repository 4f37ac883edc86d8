//! The string must be a duration like `15m` or `1h30m`, within bounds.

use std::time::Duration;

use super::{ValidateRequest, Validator, check_string};
use crate::framework::diagnostics::Diagnostics;

/// A duration string as Go (and so `hashicorp/aws`) writes them: one or more
/// `<number><unit>` with units `ns`, `us`, `ms`, `s`, `m`, `h`; e.g. `900s`, `15m`, `1h30m`.
#[derive(Debug, Clone, Copy)]
pub struct DurationString {
    min: Duration,
    max: Duration,
}

impl DurationString {
    /// Accepts durations from `min` to `max`, both included.
    pub fn between(min: Duration, max: Duration) -> Self {
        Self { min, max }
    }
}

/// Parses a Go-style duration string; `None` when it is not one.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let mut rest = text;
    let mut total = 0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let seconds_per_unit = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += number * seconds_per_unit;
    }
    Duration::try_from_secs_f64(total).ok()
}

fn human(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs / 3600, secs % 3600 / 60, secs % 60) {
        (h, 0, 0) if h > 0 => format!("{h}h"),
        (0, m, 0) => format!("{m}m"),
        (h, m, 0) => format!("{h}h{m}m"),
        _ => format!("{secs}s"),
    }
}

impl Validator for DurationString {
    fn description(&self) -> String {
        format!(
            "be a duration such as \"15m\" or \"1h\", from {} to {}",
            human(self.min),
            human(self.max)
        )
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let within = |s: &str| parse_duration(s).is_some_and(|d| d >= self.min && d <= self.max);
        check_string(req, diags, "Invalid Duration", &self.description(), within);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validators::test_support::assert_strings;

    #[test]
    fn parse_table() {
        let cases = [
            ("15m", Some(900)),
            ("1h", Some(3600)),
            ("1h30m", Some(5400)),
            ("900s", Some(900)),
            ("1.5h", Some(5400)),
            ("12h", Some(43200)),
            ("", None),
            ("15", None),
            ("m", None),
            ("15 m", None),
            ("1d", None),
            ("-1h", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration(text).map(|d| d.as_secs()), want, "{text:?}");
        }
    }

    #[test]
    fn bounds_table() {
        let v = DurationString::between(Duration::from_secs(900), Duration::from_secs(43200));
        let cases = [
            ("15m", false),
            ("1h", false),
            ("12h", false),
            ("14m59s", true),
            ("12h1s", true),
            ("soon", true),
        ];
        assert_strings(&v, &cases);
        assert!(
            v.description().contains("from 15m to 12h"),
            "{}",
            v.description()
        );
    }
}
