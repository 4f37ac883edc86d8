//! The number must be a whole number within bounds.

use bigdecimal::ToPrimitive;

use super::{ValidateRequest, Validator, invalid, wrong_type};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;

/// A whole number from `min` to `max`, both included.
#[derive(Debug, Clone, Copy)]
pub struct IntBetween {
    min: i64,
    max: i64,
}

impl IntBetween {
    /// Accepts whole numbers in `min..=max`.
    pub fn new(min: i64, max: i64) -> Self {
        Self { min, max }
    }
}

impl Validator for IntBetween {
    fn description(&self) -> String {
        format!("be a whole number from {} to {}", self.min, self.max)
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let Value::Number(n) = req.value else {
            return wrong_type(diags, req, "number");
        };
        let within = n.0.is_integer()
            && n.0
                .to_i64()
                .is_some_and(|i| (self.min..=self.max).contains(&i));
        if !within {
            invalid(
                diags,
                req,
                "Invalid Attribute Value",
                format!("Value must {}, got: {}.", self.description(), n.0),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Number;
    use crate::framework::validators::test_support::run;

    fn num(s: &str) -> Value {
        Value::Number(Number(s.parse().unwrap()))
    }

    #[test]
    fn table() {
        let v = IntBetween::new(0, 25);
        let cases = [
            ("0", false),
            ("25", false),
            ("3", false),
            ("-1", true),
            ("26", true),
            ("2.5", true),
            ("100000000000000000000000", true),
        ];
        for (n, fails) in cases {
            assert_eq!(run(&v, num(n)).has_errors(), fails, "{n}");
        }
        assert!(run(&v, Value::String("3".into())).has_errors());
    }
}
