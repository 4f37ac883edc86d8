//! Action `centralroot_delete_root_credentials`: the removal of
//! `centralroot_root_credentials_removal` as a one-off, e.g.
//! `terraform apply -invoke=action.centralroot_delete_root_credentials.x`, reporting one progress
//! line per credential removed.

use async_trait::async_trait;

use crate::aws::{Aws, TaskPolicy};
use crate::cty::{AttributePath, Type};
use crate::framework::action::{
    Action, InvokeRequest, InvokeResponse, PlanRequest, PlanResponse, Progress,
};
use crate::framework::attributes;
use crate::framework::context::Context;
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::{SetElementsOneOf, StringMatches};
use crate::types_common::removal::{self, ACCOUNT_ID, ALL_KINDS, CREDENTIAL_TYPES, TARGETS};

/// The name configurations address this action by.
pub const TYPE_NAME: &str = "centralroot_delete_root_credentials";

/// The action.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeleteRootCredentialsAction;

#[async_trait]
impl Action<Aws> for DeleteRootCredentialsAction {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Deletes a member account's root user credentials once, through a root \
                     session (sts:AssumeRoot with IAMDeleteRootUserCredentials; MFA devices are \
                     deactivated), printing one line per credential removed. Terraform 1.14 or \
                     later. To keep credentials removed, use the resource \
                     centralroot_root_credentials_removal instead.",
                )
                .attribute(
                    ACCOUNT_ID,
                    Attribute::required(Type::String)
                        .description("The 12-digit ID of a member account.")
                        .validator(StringMatches::account_id()),
                )
                .attribute(
                    CREDENTIAL_TYPES,
                    Attribute::optional(Type::set(Type::String))
                        .description(
                            "The kinds to remove: `password`, `access_keys`, \
                             `signing_certificates`, `mfa_devices`. All when null.",
                        )
                        .validator(SetElementsOneOf::new(ALL_KINDS)),
                ),
        )
    }

    async fn plan(&self, ctx: &Context<Aws>, req: PlanRequest, resp: &mut PlanResponse) {
        let Ok(Some(account_id)) = attributes::optional_string(&req.config, ACCOUNT_ID) else {
            return;
        };
        if let Ok(org) = ctx.provider_data().organization().await
            && org.management_account_id == account_id
        {
            resp.diagnostics.attribute_error(
                AttributePath::root(ACCOUNT_ID),
                "The management account has no root session",
                format!(
                    "{account_id} is the management account of organization {}; \
                     sts:AssumeRoot targets member accounts only.",
                    org.id
                ),
            );
        }
    }

    async fn invoke(
        &self,
        ctx: &Context<Aws>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        let (account_id, kinds) = match (
            attributes::string(&req.config, ACCOUNT_ID),
            removal::selected_kinds(&req.config),
        ) {
            (Ok(account_id), Ok(kinds)) => (account_id, kinds),
            (Err(err), _) | (_, Err(err)) => {
                return resp.diagnostics.attribute_error(
                    err.path(),
                    "Invalid configuration",
                    err.to_string(),
                );
            }
        };
        let aws = ctx.provider_data();
        let session = match aws
            .root_session(&account_id, TaskPolicy::DeleteRootUserCredentials)
            .await
        {
            Ok(session) => session,
            Err(err) => return TARGETS.report(&mut resp.diagnostics, &err),
        };
        let report = match session.audit().await {
            Ok(report) => report,
            Err(err) => return TARGETS.report(&mut resp.diagnostics, &err),
        };
        let selected = removal::selected(&report, &kinds);
        if selected.is_empty() {
            progress
                .send(format!(
                    "{account_id}: no root credentials of the selected kinds"
                ))
                .await;
        }
        for credential in selected {
            if let Err(err) = session.remove(&credential).await {
                return TARGETS.report(&mut resp.diagnostics, &err);
            }
            progress
                .send(format!(
                    "{account_id}: {} {}",
                    removal::label(&credential),
                    removal::verb(&credential)
                ))
                .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Value;
    use crate::framework::action::ActionEvent;
    use crate::framework::values::string_set;
    use crate::resources::test_support::{sandbox, seed_with_trusted_access};
    use centralroot_sandbox::FaultConfig;
    use centralroot_sandbox::seed::Feature;
    use tokio::sync::mpsc;

    #[tokio::test]
    async fn one_progress_line_per_credential_removed() {
        let mut seed = seed_with_trusted_access();
        seed.features.push(Feature::RootSessions);
        let (handle, ctx) = sandbox(seed, FaultConfig::default()).await;
        let (tx, mut rx) = mpsc::channel(16);
        let progress = Progress::new(tx);
        let mut resp = InvokeResponse::default();
        let config = attributes::object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (
                CREDENTIAL_TYPES,
                string_set(["password", "access_keys", "mfa_devices"]),
            ),
        ]);
        DeleteRootCredentialsAction
            .invoke(&ctx, InvokeRequest { config }, &progress, &mut resp)
            .await;
        drop(progress);
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        let mut lines = Vec::new();
        while let Some(ActionEvent::Progress(line)) = rx.recv().await {
            lines.push(line);
        }
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert_eq!(lines[0], "222222222222: password deleted");
        assert!(lines[2].ends_with("deactivated"), "{lines:?}");
        let model = handle.sandbox().snapshot();
        let root = &model.account("222222222222").unwrap().root;
        assert_eq!(root.signing_certificates.len(), 1, "not selected");
        assert!(root.access_keys.is_empty() && root.login_profile.is_none());
    }
}
