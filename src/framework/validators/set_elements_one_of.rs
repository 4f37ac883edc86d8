//! Every element of a set of strings must be one of a fixed list.

use super::{StringOneOf, ValidateRequest, Validator, check_str, invalid, wrong_type};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;

/// Every known element must be one of the given strings; unknown elements are checked later.
#[derive(Debug, Clone)]
pub struct SetElementsOneOf {
    allowed: StringOneOf,
}

impl SetElementsOneOf {
    /// Accepts elements equal to one of `allowed`.
    pub fn new(allowed: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self {
            allowed: StringOneOf::new(allowed),
        }
    }
}

impl Validator for SetElementsOneOf {
    fn description(&self) -> String {
        format!("contain only elements from: {}", self.allowed.quoted_list())
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let (Value::Set(items) | Value::List(items)) = req.value else {
            return wrong_type(diags, req, "set of strings");
        };
        for item in items {
            match item {
                Value::String(s) => {
                    let listed = |s: &str| self.allowed.allows(s);
                    let requirement = self.description();
                    check_str(
                        s,
                        req,
                        diags,
                        "Invalid Attribute Value",
                        &requirement,
                        listed,
                    );
                }
                Value::Unknown(_) => {}
                Value::Null => invalid(
                    diags,
                    req,
                    "Invalid Attribute Value",
                    "Value must not contain null elements.".to_owned(),
                ),
                _ => return wrong_type(diags, req, "set of strings"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validators::test_support::run;

    fn set(items: &[&str]) -> Value {
        Value::Set(items.iter().map(|s| Value::String((*s).into())).collect())
    }

    #[test]
    fn table() {
        let v = SetElementsOneOf::new(["RootCredentialsManagement", "RootSessions"]);
        let cases = [
            (set(&["RootSessions"]), 0),
            (set(&["RootSessions", "RootCredentialsManagement"]), 0),
            (set(&[]), 0),
            (set(&["rootsessions"]), 1),
            (set(&["Bogus", "RootSessions", "Other"]), 2),
            (Value::Set(vec![Value::Unknown(Default::default())]), 0),
            (Value::String("RootSessions".into()), 1),
        ];
        for (value, errors) in cases {
            assert_eq!(run(&v, value.clone()).errors().count(), errors, "{value:?}");
        }
    }
}
