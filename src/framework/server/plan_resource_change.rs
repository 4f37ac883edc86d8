//! PlanResourceChange.

use super::invariants::check_plan;
use super::planning::default_plan;
use super::{Server, interrupted, interruptible};
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ModifyPlanRequest, ModifyPlanResponse};

/// PlanResourceChange input, decoded.
#[derive(Debug, Clone)]
pub struct PlanResourceChangeRequest {
    /// The prior state; null on create.
    pub prior_state: Value,
    /// Terraform's proposed new state; null on destroy.
    pub proposed_new_state: Value,
    /// The configuration; null on destroy.
    pub config: Value,
    /// The prior private data.
    pub prior_private: Vec<u8>,
}

/// PlanResourceChange output.
#[derive(Debug)]
pub struct PlanResourceChangeResponse {
    /// The planned state.
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<AttributePath>,
    /// Private data for apply.
    pub planned_private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl<P: Provider> Server<P> {
    /// Plans a create, update, replacement or destroy: default planning, then the
    /// resource's `modify_plan`.
    pub async fn plan_resource_change(
        &self,
        type_name: &str,
        req: PlanResourceChangeRequest,
    ) -> PlanResourceChangeResponse {
        let fail = |req: &PlanResourceChangeRequest, diagnostics: Diagnostics| {
            PlanResourceChangeResponse {
                planned_state: req.proposed_new_state.clone(),
                requires_replace: Vec::new(),
                planned_private: req.prior_private.clone(),
                diagnostics,
            }
        };
        let entry = match self.resource(type_name) {
            Ok(entry) => entry,
            Err(diag) => return fail(&req, diag.into()),
        };
        let plan = default_plan(
            &entry.schema,
            &req.prior_state,
            &req.proposed_new_state,
            &req.config,
        );
        if plan.diagnostics.has_errors() {
            return fail(&req, plan.diagnostics);
        }
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return fail(&req, diag.into()),
        };
        let mut resp = ModifyPlanResponse {
            planned_state: plan.planned,
            requires_replace: plan.requires_replace,
            planned_private: req.prior_private.clone(),
            diagnostics: plan.diagnostics,
        };
        let modify_req = ModifyPlanRequest {
            config: req.config.clone(),
            prior_state: req.prior_state.clone(),
            prior_private: req.prior_private.clone(),
        };
        let work = entry.resource.modify_plan(&ctx, modify_req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            return fail(&req, interrupted("PlanResourceChange").into());
        }
        if !resp.planned_state.is_null() {
            resp.diagnostics
                .extend(check_plan(&entry.schema, &req.config, &resp.planned_state));
        }
        if resp.diagnostics.has_errors() {
            return fail(&req, resp.diagnostics);
        }
        PlanResourceChangeResponse {
            planned_state: resp.planned_state,
            requires_replace: resp.requires_replace,
            planned_private: resp.planned_private,
            diagnostics: resp.diagnostics,
        }
    }
}
