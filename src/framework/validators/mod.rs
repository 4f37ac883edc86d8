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
}
