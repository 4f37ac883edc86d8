//! PlanResourceChange: the engine's default plan, refined by the resource's `modify_plan`,
//! then checked against the configuration.

use super::invariants::check_plan;
use super::planning::default_plan;
use super::{ResourceHandle, Server, interrupted, interruptible};
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};

impl<P: Provider> Server<P> {
    /// Plans a create, update, replacement or destroy from Terraform's `proposed_new_state`
    /// (null on destroy): default planning, then the resource's `modify_plan` with `req`.
    ///
    /// On errors the planned state is the proposed one and nothing requires replacement:
    /// Terraform stops at the errors and reads neither.
    pub async fn plan_resource_change(
        &self,
        resource: &ResourceHandle<P::Data>,
        proposed_new_state: Value,
        req: ModifyPlanRequest,
    ) -> ModifyPlanResponse {
        let fail =
            |proposed_new_state: Value, planned_private: Vec<u8>, diagnostics| ModifyPlanResponse {
                planned_state: proposed_new_state,
                requires_replace: Vec::new(),
                planned_private,
                diagnostics,
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
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return fail(proposed_new_state, req.prior_private, diag.into()),
        };
        let config = req.config.clone();
        let mut resp = ModifyPlanResponse {
            planned_state: plan.planned,
            requires_replace: plan.requires_replace,
            planned_private: req.prior_private.clone(),
            diagnostics: plan.diagnostics,
        };
        let work = resource.implementation.modify_plan(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            let diagnostics = Diagnostics::from(interrupted("PlanResourceChange"));
            return fail(proposed_new_state, resp.planned_private, diagnostics);
        }
        if !resp.planned_state.is_null() {
            resp.diagnostics
                .extend(check_plan(resource.schema(), &config, &resp.planned_state));
        }
        if resp.diagnostics.has_errors() {
            return fail(proposed_new_state, resp.planned_private, resp.diagnostics);
        }
        resp
    }
}
