//! The string must be one of a fixed list.

use super::{ValidateRequest, Validator, invalid, wrong_type};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;

/// The string must equal one of the given values (case-sensitive).
#[derive(Debug, Clone)]
pub struct StringOneOf {
    allowed: Vec<String>,
}

impl StringOneOf {
    /// Accepts exactly the strings in `allowed`.
    pub fn new<I, S>(allowed: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            allowed: allowed.into_iter().map(Into::into).collect(),
        }
    }

    pub(crate) fn quoted_list(&self) -> String {
        self.allowed
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Reports `s` unless it is listed; `must` completes "Value must …" in the message, so a
    /// validator built on this list can word its own rule.
    pub(crate) fn check(
        &self,
        s: &str,
        must: &str,
        req: &ValidateRequest<'_>,
        diags: &mut Diagnostics,
    ) {
        if !self.allowed.iter().any(|a| a == s) {
            invalid(
                diags,
                req,
                "Invalid Attribute Value",
                format!("Value must {must}, got: {s:?}."),
            );
        }
    }
}

impl Validator for StringOneOf {
    fn description(&self) -> String {
        format!("be one of: {}", self.quoted_list())
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let Value::String(s) = req.value else {
            return wrong_type(diags, req, "string");
        };
        self.check(s, &self.description(), req, diags);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validators::test_support::run;

    #[test]
    fn table() {
        let v = StringOneOf::new(["standard", "adaptive"]);
        let cases = [
            (Value::String("standard".into()), false),
            (Value::String("adaptive".into()), false),
            (Value::String("Standard".into()), true),
            (Value::String(String::new()), true),
            (Value::Bool(true), true),
        ];
        for (value, fails) in cases {
            assert_eq!(run(&v, value.clone()).has_errors(), fails, "{value:?}");
        }
        let diags = run(&v, Value::String("legacy".into()));
        let detail = &diags.iter().next().unwrap().detail;
        assert!(detail.contains("\"standard\", \"adaptive\""), "{detail}");
        assert!(detail.contains("\"legacy\""), "{detail}");
    }
}
