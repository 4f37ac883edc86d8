//! Replace the resource when the attribute changes.

use super::{PlanModifier, PlanModifyRequest, PlanModifyResponse};

/// Asks Terraform to replace the resource when the planned value differs from the prior
/// state (an unknown planned value counts as a change). Nothing happens on create.
///
/// On a computed attribute, put [`UseStateForUnknown`](super::UseStateForUnknown) first, or
/// every unrelated update would replace the resource.
#[derive(Debug, Clone, Copy, Default)]
pub struct RequiresReplace;

impl PlanModifier for RequiresReplace {
    fn description(&self) -> String {
        "If the value of this attribute changes, Terraform will destroy and recreate the resource."
            .to_owned()
    }

    fn modify(&self, req: &PlanModifyRequest<'_>, resp: &mut PlanModifyResponse) {
        let Some(state) = req.state else {
            return;
        };
        if !crate::cty::Value::semantically_equal(state, &resp.plan) {
            resp.requires_replace = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Value;
    use crate::framework::plan_modifiers::test_support::run;
    use crate::framework::values::string_set;
    use crate::framework::values::test_values::{string, unknown};

    #[test]
    fn table() {
        let cases = [
            ("create", string("a"), None, string("a"), false),
            (
                "unchanged",
                string("a"),
                Some(string("a")),
                string("a"),
                false,
            ),
            ("changed", string("b"), Some(string("a")), string("b"), true),
            (
                "set reordered",
                Value::Null,
                Some(string_set(["x", "y"])),
                string_set(["y", "x"]),
                false,
            ),
            (
                "unknown plan",
                unknown(),
                Some(string("a")),
                unknown(),
                true,
            ),
            ("removed", Value::Null, Some(string("a")), Value::Null, true),
        ];
        for (name, config, state, plan, want) in cases {
            let (planned, replace) = run(&RequiresReplace, config, state, plan.clone());
            assert_eq!(replace, want, "{name}");
            assert_eq!(planned, plan, "{name}: the plan is never changed");
        }
    }
}
