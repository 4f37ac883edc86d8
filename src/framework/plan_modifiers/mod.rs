//! Reusable attribute plan modifiers.
//!
//! The engine runs an attribute's modifiers in order after its default planning, on create
//! and update (never on destroy), each seeing the plan left by the previous one.

mod requires_replace;
mod use_state_for_unknown;

pub use requires_replace::RequiresReplace;
pub use use_state_for_unknown::UseStateForUnknown;

use std::fmt::Debug;

use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;

/// What a plan modifier sees.
#[derive(Debug)]
pub struct PlanModifyRequest<'a> {
    /// Where the attribute sits.
    pub path: &'a AttributePath,
    /// The attribute's configuration value.
    pub config: &'a Value,
    /// The attribute's prior state value; `None` when the resource is being created.
    pub state: Option<&'a Value>,
}

/// What a plan modifier may change.
#[derive(Debug)]
pub struct PlanModifyResponse {
    /// The attribute's planned value, as planned so far.
    pub plan: Value,
    /// Set to ask Terraform to replace the resource because of this attribute.
    pub requires_replace: bool,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

/// A step that refines one attribute's planned value.
pub trait PlanModifier: Send + Sync + Debug {
    /// What the modifier does, as a sentence.
    fn description(&self) -> String;

    /// Refines `resp.plan` or asks for replacement.
    fn modify(&self, req: &PlanModifyRequest<'_>, resp: &mut PlanModifyResponse);
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Runs `modifier` and returns (planned value, requires replace).
    pub fn run(
        modifier: &dyn PlanModifier,
        config: Value,
        state: Option<Value>,
        plan: Value,
    ) -> (Value, bool) {
        let path = AttributePath::root("attr");
        let mut resp = PlanModifyResponse {
            plan,
            requires_replace: false,
            diagnostics: Diagnostics::new(),
        };
        modifier.modify(
            &PlanModifyRequest {
                path: &path,
                config: &config,
                state: state.as_ref(),
            },
            &mut resp,
        );
        assert!(resp.diagnostics.is_empty());
        (resp.plan, resp.requires_replace)
    }
}
