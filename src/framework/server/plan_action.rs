//! PlanAction: the action's own plan-time checks. Nothing is deferred: Terraform refuses a
//! deferral here.

use super::{ActionHandle, Server, interrupted, interruptible};
use crate::framework::action::{PlanRequest, PlanResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Plans an action; the configuration may hold unknown values.
    pub async fn plan_action(
        &self,
        action: &ActionHandle<P::Data>,
        req: PlanRequest,
    ) -> PlanResponse {
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => {
                return PlanResponse {
                    diagnostics: diag.into(),
                };
            }
        };
        let mut resp = PlanResponse::default();
        let work = action.implementation.plan(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            resp.diagnostics.push(interrupted("PlanAction"));
        }
        resp
    }
}

#[cfg(test)]
#[path = "plan_action_tests.rs"]
mod tests;
