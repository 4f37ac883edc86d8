//! [`RootTaskAction`]: what an action doing one root task on a member account declares, and
//! the [`Action`] every such action is. The flow is the same for all of them: plan refuses the
//! management account for the action's task policy, invoke reads the configuration (a failure
//! on the attribute it names) and then runs the task. An action states its task policy once,
//! and both the refusal and its root session follow from it.

use async_trait::async_trait;

use crate::aws::{Aws, RootSession, TaskPolicy};
use crate::cty::Value;
use crate::framework::action::{
    Action, InvokeRequest, InvokeResponse, PlanRequest, PlanResponse, Progress,
};
use crate::framework::attributes::AttributeError;
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;

use super::root_task;

/// An action on one member account, through a root session limited to [`Self::TASK_POLICY`].
#[async_trait]
pub trait RootTaskAction: Send + Sync {
    /// The task policy of the action's root session.
    const TASK_POLICY: TaskPolicy;

    /// What one invocation reads from the configuration.
    type Config: Send;

    /// The schema of the action's `config` block, usually [`root_task::action_schema`].
    fn schema(&self) -> Schema;

    /// Reads the configuration, wholly known, into what one invocation does.
    fn read(config: &Value) -> Result<Self::Config, AttributeError>;

    /// Runs the task, reporting each step through `progress` and failures in `diags`.
    async fn run(
        &self,
        aws: &Aws,
        config: Self::Config,
        progress: &Progress,
        diags: &mut Diagnostics,
    );

    /// The root session on `account_id`, its line for auditors sent; `None` once AWS's
    /// refusal is in `diags`.
    async fn open_session<'a>(
        aws: &'a Aws,
        account_id: &str,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) -> Option<RootSession<'a>> {
        root_task::open_session(aws, account_id, Self::TASK_POLICY, progress, diags).await
    }
}

#[async_trait]
impl<T: RootTaskAction> Action<Aws> for T {
    fn schema(&self) -> Schema {
        RootTaskAction::schema(self)
    }

    async fn plan(&self, ctx: &Context<Aws>, req: PlanRequest, resp: &mut PlanResponse) {
        let aws = ctx.provider_data();
        root_task::refuse_management_account(
            aws,
            &req.config,
            T::TASK_POLICY,
            &mut resp.diagnostics,
        )
        .await;
    }

    async fn invoke(
        &self,
        ctx: &Context<Aws>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        let diags = &mut resp.diagnostics;
        if let Some(config) = root_task::from_config(T::read(&req.config), diags) {
            self.run(ctx.provider_data(), config, progress, diags).await;
        }
    }
}
