//! The set (or list) must have at least one element.

use super::{ValidateRequest, Validator, invalid, wrong_type};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;

/// The collection must not be empty.
#[derive(Debug, Clone, Copy, Default)]
pub struct SetNotEmpty;

impl Validator for SetNotEmpty {
    fn description(&self) -> String {
        "contain at least one element".to_owned()
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let (Value::Set(items) | Value::List(items)) = req.value else {
            return wrong_type(diags, req, "set");
        };
        if items.is_empty() {
            invalid(
                diags,
                req,
                "Invalid Attribute Value",
                format!("Value must {}.", self.description()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validators::test_support::assert_table;

    #[test]
    fn table() {
        let cases = [
            (Value::Set(vec![]), true),
            (Value::Set(vec![Value::String("a".into())]), false),
            (Value::Set(vec![Value::Unknown(Default::default())]), false),
            (Value::List(vec![]), true),
            (Value::String("a".into()), true),
        ];
        assert_table(&SetNotEmpty, cases);
    }
}
