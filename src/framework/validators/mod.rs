//! Reusable attribute validators.
//!
//! The engine calls a validator only on a known, non-null value: unknown values are checked
//! again once they are known, and null means "not set", which `Required` already covers.

pub mod duration_string;
mod http_url;
mod int_between;
mod set_elements_one_of;
mod set_not_empty;
mod string_matches;
mod string_one_of;

pub use duration_string::DurationString;
pub use http_url::HttpUrl;
pub use int_between::IntBetween;
pub use set_elements_one_of::SetElementsOneOf;
pub use set_not_empty::SetNotEmpty;
pub use string_matches::StringMatches;
pub use string_one_of::StringOneOf;

use std::fmt::Debug;

use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;

/// What a validator sees.
#[derive(Debug)]
pub struct ValidateRequest<'a> {
    /// Where the value sits in the configuration.
    pub path: &'a AttributePath,
    /// The value: known and not null.
    pub value: &'a Value,
    /// The whole configuration, for checks that involve other attributes.
    pub config: &'a Value,
}

/// A check on one attribute's configuration value.
pub trait Validator: Send + Sync + Debug {
    /// What the validator requires, phrased to follow "Value must ...".
    fn description(&self) -> String;

    /// Adds an error diagnostic at `req.path` when the value is not acceptable.
    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics);
}

/// The error for a value a validator rejects: one shape for every validator.
pub(crate) fn invalid(
    diags: &mut Diagnostics,
    req: &ValidateRequest<'_>,
    summary: &str,
    detail: String,
) {
    diags.attribute_error(req.path.clone(), summary, detail);
}

/// The whole check of a string validator: a string `accepts` refuses gets the error "Value must
/// {requirement}, got: "…"." under `summary`; a value of another type is a provider bug.
pub(crate) fn check_string(
    req: &ValidateRequest<'_>,
    diags: &mut Diagnostics,
    summary: &str,
    requirement: &str,
    accepts: impl FnOnce(&str) -> bool,
) {
    match req.value {
        Value::String(s) => check_str(s, req, diags, summary, requirement, accepts),
        _ => wrong_type(diags, req, "string"),
    }
}

/// [`check_string`] on `s`, one string of the value (e.g. an element of a set).
pub(crate) fn check_str(
    s: &str,
    req: &ValidateRequest<'_>,
    diags: &mut Diagnostics,
    summary: &str,
    requirement: &str,
    accepts: impl FnOnce(&str) -> bool,
) {
    if !accepts(s) {
        let detail = format!("Value must {requirement}, got: {s:?}.");
        invalid(diags, req, summary, detail);
    }
}

/// The error for a validator attached to an attribute of the wrong type: a provider bug.
pub(crate) fn wrong_type(diags: &mut Diagnostics, req: &ValidateRequest<'_>, expected: &str) {
    diags.attribute_error(
        req.path.clone(),
        "Validator Applied to Wrong Type",
        format!(
            "This validator expects a {expected} value. This is a bug in the provider, please report it."
        ),
    );
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Runs `validator` on `value` at path `attr` and returns the diagnostics.
    pub fn run(validator: &dyn Validator, value: Value) -> Diagnostics {
        let path = AttributePath::root("attr");
        let config = Value::Object([("attr".to_owned(), value.clone())].into());
        let mut diags = Diagnostics::new();
        validator.validate(
            &ValidateRequest {
                path: &path,
                value: &value,
                config: &config,
            },
            &mut diags,
        );
        for diag in &diags {
            assert_eq!(diag.attribute, Some(path.clone()), "diagnostic path");
        }
        diags
    }

    /// Runs `validator` on each value and checks whether it fails as the table says.
    pub fn assert_table(validator: &dyn Validator, cases: impl IntoIterator<Item = (Value, bool)>) {
        for (value, fails) in cases {
            let diags = run(validator, value.clone());
            assert_eq!(diags.has_errors(), fails, "{value:?}: {diags:?}");
        }
    }

    /// [`assert_table`] for string values.
    pub fn assert_strings(validator: &dyn Validator, cases: &[(&str, bool)]) {
        let cases = cases.iter().map(|(s, fails)| (Value::from(*s), *fails));
        assert_table(validator, cases);
    }
}
