//! The string must match a regular expression.

use regex::Regex;

use super::{ValidateRequest, Validator, check_string};
use crate::framework::diagnostics::Diagnostics;

/// The string must match a regular expression; `requirement` says what that means in words.
#[derive(Debug, Clone)]
pub struct StringMatches {
    pattern: Regex,
    requirement: String,
}

impl StringMatches {
    /// Matches `pattern` (anchor it with `^…$` to match the whole string). `requirement`
    /// completes "Value must …", e.g. "be a 12-digit AWS account ID".
    ///
    /// The pattern is written by the provider author, so an invalid one is a programming
    /// error caught by the schema tests.
    pub fn new(pattern: &str, requirement: impl Into<String>) -> Result<Self, regex::Error> {
        Ok(Self {
            pattern: Regex::new(pattern)?,
            requirement: requirement.into(),
        })
    }

    /// A 12-digit AWS account ID.
    pub fn account_id() -> Self {
        Self::from_static(r"^[0-9]{12}$", "be a 12-digit AWS account ID")
    }

    /// Whether `text` meets the requirement, for input that does not come through a schema
    /// (an import ID).
    pub fn is_match(&self, text: &str) -> bool {
        self.pattern.is_match(text)
    }

    fn from_static(pattern: &'static str, requirement: &str) -> Self {
        match Regex::new(pattern) {
            Ok(pattern) => Self {
                pattern,
                requirement: requirement.to_owned(),
            },
            // A constant pattern that fails to compile fails every test using it.
            Err(e) => unreachable!("constant pattern {pattern:?} is invalid: {e}"),
        }
    }
}

impl Validator for StringMatches {
    fn description(&self) -> String {
        self.requirement.clone()
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let matches = |s: &str| self.pattern.is_match(s);
        check_string(
            req,
            diags,
            "Invalid Attribute Value",
            &self.requirement,
            matches,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Value;
    use crate::framework::validators::test_support::{assert_strings, run};

    #[test]
    fn account_id_table() {
        let v = StringMatches::account_id();
        let cases = [
            ("123456789012", false),
            ("000000000000", false),
            ("12345678901", true),
            ("1234567890123", true),
            ("12345678901a", true),
            (" 123456789012", true),
            ("", true),
        ];
        assert_strings(&v, &cases);
        for (text, invalid) in cases {
            assert_eq!(v.is_match(text), !invalid, "{text:?}");
        }
    }

    #[test]
    fn custom_pattern_and_bad_pattern() {
        let v = StringMatches::new(r"^[a-z]{2}-[a-z]+-[0-9]$", "be an AWS region").unwrap();
        assert!(!run(&v, Value::String("eu-west-1".into())).has_errors());
        let diags = run(&v, Value::String("EU".into()));
        assert!(
            diags
                .iter()
                .next()
                .unwrap()
                .detail
                .contains("be an AWS region")
        );
        assert!(StringMatches::new("(", "x").is_err());
    }
}
