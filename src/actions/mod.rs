//! The provider's action types (Terraform ≥ 1.14), one module per type; the provider's list in
//! [`crate::provider`] serves them.

pub mod allow_root_password_recovery;
pub mod delete_root_credentials;
pub mod unlock_s3_bucket_policy;
pub mod unlock_sqs_queue_policy;

/// Runs an action as the engine would, for the actions' tests.
#[cfg(test)]
pub(crate) mod test_support {
    use tokio::sync::mpsc;

    use crate::aws::Aws;
    use crate::cty::Value;
    use crate::framework::action::{Action, ActionEvent, InvokeRequest, InvokeResponse, Progress};
    use crate::framework::context::Context;

    /// Invokes `action` with `config`: the progress lines it sent, and its response.
    pub async fn invoke(
        action: &dyn Action<Aws>,
        ctx: &Context<Aws>,
        config: Value,
    ) -> (Vec<String>, InvokeResponse) {
        let (tx, mut rx) = mpsc::channel(16);
        let progress = Progress::new(tx);
        let mut resp = InvokeResponse::default();
        action
            .invoke(ctx, InvokeRequest { config }, &progress, &mut resp)
            .await;
        drop(progress);
        let mut lines = Vec::new();
        while let Some(ActionEvent::Progress(line)) = rx.recv().await {
            lines.push(line);
        }
        (lines, resp)
    }
}
