//! Keep the prior state value instead of "known after apply".

use super::{PlanModifier, PlanModifyRequest, PlanModifyResponse};
use crate::cty::Value;

/// For a computed value that does not change once set (an ID, an ARN): when the plan says
/// unknown, the configuration says nothing and the prior state holds a value, plan that value.
#[derive(Debug, Clone, Copy, Default)]
pub struct UseStateForUnknown;

impl PlanModifier for UseStateForUnknown {
    fn description(&self) -> String {
        "Once set, the value of this attribute in state will not change.".to_owned()
    }

    fn modify(&self, req: &PlanModifyRequest<'_>, resp: &mut PlanModifyResponse) {
        let Some(state) = req.state else {
            return;
        };
        let config_unset = matches!(req.config, Value::Null);
        let plan_unknown = matches!(resp.plan, Value::Unknown(_));
        if config_unset && plan_unknown && !matches!(state, Value::Null) {
            resp.plan = state.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::plan_modifiers::test_support::run;
    use crate::framework::values::test_values::{string, unknown};

    #[test]
    fn table() {
        let cases = [
            ("create", Value::Null, None, unknown(), unknown()),
            (
                "update keeps state",
                Value::Null,
                Some(string("id-1")),
                unknown(),
                string("id-1"),
            ),
            (
                "null state stays unknown",
                Value::Null,
                Some(Value::Null),
                unknown(),
                unknown(),
            ),
            (
                "configured value wins",
                unknown(),
                Some(string("a")),
                unknown(),
                unknown(),
            ),
            (
                "known plan untouched",
                Value::Null,
                Some(string("a")),
                string("b"),
                string("b"),
            ),
        ];
        for (name, config, state, plan, want) in cases {
            let (planned, replace) = run(&UseStateForUnknown, config, state, plan);
            assert_eq!(planned, want, "{name}");
            assert!(!replace, "{name}");
        }
    }
}
