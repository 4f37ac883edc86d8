//! Arbitrary-precision numbers.

use std::fmt;
use std::str::FromStr;

use bigdecimal::BigDecimal;
use bigdecimal::num_traits::ToPrimitive;

/// Longest number text accepted from the wire. go-cty keeps 512 bits (about 155 digits);
/// anything this long is either a mistake or an attack on the parser.
const MAX_TEXT_LEN: usize = 4096;

/// Largest decimal exponent magnitude accepted. It keeps the plain notation Terraform expects
/// (`1e400` is written out digit by digit) bounded in size. Every finite `f64` fits
/// (its exact expansion has at most 1074 fractional digits).
const MAX_SCALE: i64 = 8192;

/// A cty number. Terraform numbers are arbitrary-precision decimals; this keeps them exact.
///
/// Numbers parsed from text (wire strings, JSON) are bounded: at most 4096 characters and a
/// decimal exponent within ±8192. Infinities and NaN cannot be represented.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Number(pub bigdecimal::BigDecimal);

/// A number text that is not a finite decimal within the bounds above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid number {text:?}: {reason}")]
pub struct NumberError {
    text: String,
    reason: &'static str,
}

impl NumberError {
    fn new(text: &str, reason: &'static str) -> Self {
        // Keep the error small even when the offending text is huge.
        let text = text.chars().take(64).collect();
        NumberError { text, reason }
    }
}

impl Number {
    /// The value as an `i64`, only when it is an integer in range.
    pub fn to_i64(&self) -> Option<i64> {
        let n = self.0.normalized();
        let (_, scale) = n.as_bigint_and_exponent();
        // A normalized integer with more than 18 trailing zeros is at least 10^19 > i64::MAX;
        // checking first avoids materializing a huge power of ten.
        if !(-18..=0).contains(&scale) {
            return None;
        }
        n.to_i64()
    }

    /// The value as an `f64`, only when the `f64` is exactly this number.
    pub fn to_f64_exact(&self) -> Option<f64> {
        let n = self.0.normalized();
        let (_, scale) = n.as_bigint_and_exponent();
        // An f64 has at most 1074 fractional decimal digits and is below 10^309.
        if !(-309..=1074).contains(&scale) {
            return None;
        }
        let f = n.to_scientific_notation().parse::<f64>().ok()?;
        if !f.is_finite() {
            return None;
        }
        let back = BigDecimal::try_from(f).ok()?;
        (back == n).then_some(f)
    }

    /// The nearest `f64` (infinite when out of range). Lossy: for display and heuristics only.
    pub fn to_f64_lossy(&self) -> f64 {
        self.0
            .to_scientific_notation()
            .parse::<f64>()
            .unwrap_or(f64::NAN)
    }

    /// The exact value of a finite `f64`; `None` for infinities and NaN.
    pub fn from_f64(f: f64) -> Option<Number> {
        BigDecimal::try_from(f).ok().map(Number)
    }
}

impl From<i64> for Number {
    fn from(v: i64) -> Self {
        Number(BigDecimal::from(v))
    }
}

impl From<u64> for Number {
    fn from(v: u64) -> Self {
        Number(BigDecimal::from(v))
    }
}

impl From<i32> for Number {
    fn from(v: i32) -> Self {
        Number(BigDecimal::from(v))
    }
}

impl FromStr for Number {
    type Err = NumberError;

    /// Parses decimal notation with an optional exponent (`-12.5`, `1e400`), as
    /// `cty.ParseNumberVal` does.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > MAX_TEXT_LEN {
            return Err(NumberError::new(s, "too long"));
        }
        // BigDecimal's parser is more liberal than cty's; check the grammar first.
        if !is_decimal_syntax(s) {
            return Err(NumberError::new(s, "not a decimal number"));
        }
        let d = BigDecimal::from_str(s).map_err(|_| NumberError::new(s, "not a decimal number"))?;
        let n = d.normalized();
        let (_, scale) = n.as_bigint_and_exponent();
        if !(-MAX_SCALE..=MAX_SCALE).contains(&scale) {
            return Err(NumberError::new(s, "exponent out of range"));
        }
        Ok(Number(n))
    }
}

/// `-?digits(.digits)?([eE][+-]?digits)?`, also accepting a leading `+` and forms like `.5`
/// and `5.` that Go's big.Float parser accepts.
fn is_decimal_syntax(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut mantissa_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        mantissa_digits += i - frac_start;
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        // Exponents beyond this many digits are out of range anyway; refusing them early keeps
        // the parser from overflowing.
        if i == exp_start || i - exp_start > 6 {
            return false;
        }
    }
    i == b.len()
}

impl fmt::Display for Number {
    /// Plain decimal notation without exponent and without trailing zeros (`1.5`, `100`),
    /// as go-cty writes numbers (`big.Float.Text('f', -1)`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.normalized().write_plain_string(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Number {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_displays_plain() {
        assert_eq!(n("1.50").to_string(), "1.5");
        assert_eq!(n("1e2").to_string(), "100");
        assert_eq!(n("-0.001").to_string(), "-0.001");
        assert_eq!(n("0").to_string(), "0");
        assert_eq!(n("-0").to_string(), "0");
        assert_eq!(n("1e400").to_string().len(), 401);
        assert_eq!(n(".5").to_string(), "0.5");
    }

    #[test]
    fn rejects_non_numbers_and_out_of_range() {
        for bad in [
            "",
            "-",
            "abc",
            "1x",
            "0x10",
            "inf",
            "NaN",
            "1e",
            "1e+",
            "--1",
            "1e99999999",
            "1e9000",
            "1e-9000",
            " 1",
        ] {
            assert!(bad.parse::<Number>().is_err(), "{bad:?} should fail");
        }
        assert!("1".repeat(MAX_TEXT_LEN + 1).parse::<Number>().is_err());
    }

    #[test]
    fn i64_conversion_is_exact() {
        assert_eq!(n("9223372036854775807").to_i64(), Some(i64::MAX));
        assert_eq!(n("-9223372036854775808").to_i64(), Some(i64::MIN));
        assert_eq!(n("9223372036854775808").to_i64(), None);
        assert_eq!(n("1.5").to_i64(), None);
        assert_eq!(n("1.0").to_i64(), Some(1));
        assert_eq!(n("1e18").to_i64(), Some(1_000_000_000_000_000_000));
        assert_eq!(n("1e19").to_i64(), None);
    }

    #[test]
    fn f64_conversion_is_exact() {
        assert_eq!(n("1.5").to_f64_exact(), Some(1.5));
        assert_eq!(n("0.1").to_f64_exact(), None);
        assert_eq!(n("1e400").to_f64_exact(), None);
        assert_eq!(n("1e300").to_f64_exact(), None);
        let tiny = Number::from_f64(f64::MIN_POSITIVE / 4.0).unwrap();
        assert_eq!(tiny.to_f64_exact(), Some(f64::MIN_POSITIVE / 4.0));
        let big = Number::from_f64(f64::MAX).unwrap();
        assert_eq!(big.to_f64_exact(), Some(f64::MAX));
        assert_eq!(Number::from_f64(f64::INFINITY), None);
        assert_eq!(Number::from_f64(f64::NAN), None);
        assert_eq!(n("0.1").to_f64_lossy(), 0.1);
    }
}
