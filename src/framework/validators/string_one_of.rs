//! The string must be one of a fixed list.

use super::{ValidateRequest, Validator, check_string};
use crate::framework::diagnostics::Diagnostics;

/// The string must equal one of the given values (case-sensitive).
#[derive(Debug, Clone)]
pub struct StringOneOf {
    allowed: Vec<String>,
}

impl StringOneOf {
    /// Accepts exactly the strings in `allowed`.
    pub fn new(allowed: impl IntoIterator<Item = impl Into<String>>) -> Self {
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

    /// Whether `s` is listed.
    pub(crate) fn allows(&self, s: &str) -> bool {
        self.allowed.iter().any(|a| a == s)
    }
}

impl Validator for StringOneOf {
    fn description(&self) -> String {
        format!("be one of: {}", self.quoted_list())
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let listed = |s: &str| self.allows(s);
        check_string(
            req,
            diags,
            "Invalid Attribute Value",
            &self.description(),
            listed,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Value;
    use crate::framework::validators::test_support::{assert_table, run};

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
        assert_table(&v, cases);
        let diags = run(&v, Value::String("legacy".into()));
        let detail = &diags.iter().next().unwrap().detail;
        assert!(detail.contains("\"standard\", \"adaptive\""), "{detail}");
        assert!(detail.contains("\"legacy\""), "{detail}");
    }
}
