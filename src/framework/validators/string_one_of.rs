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

    pub(crate) fn quoted_list(allowed: &[String]) -> String {
        allowed
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Validator for StringOneOf {
    fn description(&self) -> String {
        format!("be one of: {}", Self::quoted_list(&self.allowed))
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let Value::String(s) = req.value else {
            return wrong_type(diags, req, "string");
        };
        if !self.allowed.iter().any(|a| a == s) {
            invalid(
                diags,
                req,
                "Invalid Attribute Value",
                format!("Value must {}, got: {s:?}.", self.description()),
            );
        }
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
