//! PlanAction: the action's own plan-time checks. Nothing is deferred: Terraform refuses a
//! deferral here.

use super::{ActionHandle, Server};
use crate::framework::action::{PlanRequest, PlanResponse};
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Plans an action; the configuration may hold unknown values.
    pub async fn plan_action(
        &self,
        action: &ActionHandle<P::Data>,
        req: PlanRequest,
    ) -> PlanResponse {
        let mut resp = PlanResponse::default();
        let plan = async |ctx: &_| action.implementation.plan(ctx, req, &mut resp).await;
        if let Err(stopped) = self.configured(plan).await {
            resp.diagnostics.push(stopped.diagnostic("PlanAction"));
        }
        resp
    }
}

#[cfg(test)]
#[path = "plan_action_tests.rs"]
mod tests;
