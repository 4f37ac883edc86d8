//! PlanResourceChange: the engine's default plan, refined by the resource's `modify_plan`,
//! then checked against the configuration; the planned identity keeps the stored one.

use super::identity::{self, show, unexpected_change};
use super::invariants::check_plan;
use super::planning::default_plan;
use super::{ResourceHandle, Server};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};

impl<P: Provider> Server<P> {
    /// Plans a create, update, replacement or destroy from Terraform's `proposed_new_state`
    /// (null on destroy): default planning, then the resource's `modify_plan` with `req`.
    ///
    /// The planned identity is the resource's, or else the stored one (derived from the prior
    /// state when none is stored), or on create one derived from the planned state (unknown
    /// where it is). A planned identity that changes a stored attribute is an error.
    ///
    /// On errors the planned state is the proposed one and nothing requires replacement:
    /// Terraform stops at the errors and reads neither.
    pub async fn plan_resource_change(
        &self,
        resource: &ResourceHandle<P::Data>,
        proposed_new_state: Value,
        req: ModifyPlanRequest,
    ) -> ModifyPlanResponse {
        let prior_identity = identity::resolve(resource, req.prior_identity.clone(), &Value::Null);
        let fail =
            |proposed_new_state: Value, planned_private: Vec<u8>, diagnostics| ModifyPlanResponse {
                planned_state: proposed_new_state,
                planned_private,
                diagnostics,
                ..ModifyPlanResponse::default()
            };
        let plan = default_plan(
            resource.schema(),
            &req.prior_state,
            &proposed_new_state,
            &req.config,
        );
        if plan.diagnostics.has_errors() {
            return fail(proposed_new_state, req.prior_private, plan.diagnostics);
        }
        let config = req.config.clone();
        let prior_state = req.prior_state.clone();
        let mut resp = ModifyPlanResponse {
            planned_state: plan.planned,
            requires_replace: plan.requires_replace,
            planned_private: req.prior_private.clone(),
            diagnostics: plan.diagnostics,
            ..ModifyPlanResponse::default()
        };
        let modify = async |ctx: &_| {
            resource
                .implementation
                .modify_plan(ctx, req, &mut resp)
                .await
        };
        if let Err(stopped) = self.configured(modify).await {
            let diagnostics = Diagnostics::from(stopped.diagnostic("PlanResourceChange"));
            return fail(proposed_new_state, resp.planned_private, diagnostics);
        }
        if !resp.planned_state.is_null() {
            resp.diagnostics
                .extend(check_plan(resource.schema(), &config, &resp.planned_state));
        }
        resp.planned_identity = planned_identity(
            resource,
            std::mem::replace(&mut resp.planned_identity, Value::Null),
            &prior_state,
            &prior_identity,
            &resp.planned_state,
        );
        if let (Some(schema), Some(ty)) = (resource.identity_schema(), resource.identity_type())
            && !prior_state.is_null()
            && identity::changes_stored(schema, &prior_identity, &resp.planned_identity)
        {
            resp.diagnostics.push(unexpected_change(
                "planning",
                ("Prior Identity", &show(&prior_identity, ty)),
                ("Planned Identity", &show(&resp.planned_identity, ty)),
            ));
        }
        if resp.diagnostics.has_errors() {
            return fail(proposed_new_state, resp.planned_private, resp.diagnostics);
        }
        resp
    }
}

/// The planned identity when the resource planned `given` (null: none).
fn planned_identity<D: Send + Sync + 'static>(
    resource: &ResourceHandle<D>,
    given: Value,
    prior_state: &Value,
    prior_identity: &Value,
    planned_state: &Value,
) -> Value {
    if !given.is_null() || prior_state.is_null() {
        let identity = identity::resolve(resource, given, planned_state);
        // Terraform accepts an identity left unknown by a create plan, but then cannot render
        // the plan (1.15.5 prints "Failed to marshal plan to json: value is not known" and shows
        // no diff): plan none, and let apply answer the identity.
        return if identity.is_wholly_known() {
            identity
        } else {
            Value::Null
        };
    }
    if prior_identity.is_null() {
        identity::resolve(resource, Value::Null, prior_state)
    } else {
        prior_identity.clone()
    }
}

#[cfg(test)]
#[path = "plan_resource_change_tests.rs"]
mod tests;
