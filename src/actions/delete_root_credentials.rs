//! Action `centralroot_delete_root_credentials`: the removal of
//! `centralroot_root_credentials_removal` as a one-off, e.g.
//! `terraform apply -invoke=action.centralroot_delete_root_credentials.x`, reporting the root
//! session it opened (for auditors) and one progress line per credential removed.

use std::pin::pin;

use async_trait::async_trait;
use futures::StreamExt;

use crate::aws::calls;
use crate::aws::{Aws, CredentialKind, RemovalStep, TaskPolicy};
use crate::cty::{Type, Value};
use crate::framework::action::Progress;
use crate::framework::attributes::AttributeError;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::SetElementsOneOf;
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::removal::{self, ALL_KINDS, CREDENTIAL_TYPES, Removal, TARGETS};
use crate::types_common::root_task_action::RootTaskAction;
use crate::types_common::{evidence, root_task};

/// The name configurations address this action by.
pub const TYPE_NAME: &str = "centralroot_delete_root_credentials";

/// What the action may ask of AWS: its page's Permissions section, its share of the provider's
/// IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Plan, &[calls::ORGANIZATION]),
    (Step::Invoke, &[calls::REMOVE_ROOT_CREDENTIALS]),
]);

/// The action.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeleteRootCredentialsAction;

/// The first progress line, sent before anything is asked of AWS: what the action is about to
/// delete, from which account, and that it cannot be undone, since Terraform's own prompt says
/// that actions do not modify real infrastructure.
fn announcement(removal: &Removal) -> String {
    let kinds: Vec<&str> = removal
        .kinds
        .iter()
        .map(|kind| match kind {
            CredentialKind::Password => "password",
            CredentialKind::AccessKeys => "access keys",
            CredentialKind::SigningCertificates => "signing certificates",
            CredentialKind::MfaDevices => "MFA devices (deactivated)",
        })
        .collect();
    let listed = match kinds.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    };
    format!(
        "{}: deleting the root user's {listed}, irreversibly: deleted root credentials cannot be \
         restored",
        removal.account_id
    )
}

#[async_trait]
impl RootTaskAction for DeleteRootCredentialsAction {
    const TASK_POLICY: TaskPolicy = TaskPolicy::DeleteRootUserCredentials;
    type Config = Removal;

    fn schema(&self) -> Schema {
        root_task::action_schema(
            "Deletes a member account's root user credentials, irreversibly: the root \
             password, access keys and signing certificates of the selected kinds are \
             deleted, and MFA devices deactivated, through a root session (sts:AssumeRoot \
             with IAMDeleteRootUserCredentials). Terraform's confirmation prompt for \
             apply -invoke says that changes are written to the state \"without \
             modifying real infrastructure\"; this action modifies the member account, \
             and what it deletes cannot be restored (a root password can only be \
             recovered through the account's sign-in page). Before it starts it prints \
             what it is about to delete and from which account, then the root session it \
             opened (access key ID, task policy ARN, time: what CloudTrail's AssumeRoot \
             event and the member's own events carry), then one line per credential \
             removed. Terraform 1.14 or later. To keep credentials removed, \
             use the resource centralroot_root_credentials_removal instead.",
            "Deletes a member account's root user credentials, **irreversibly**: the \
             root password, access keys and signing certificates of the selected kinds \
             are deleted, and MFA devices deactivated, through a root session \
             (`sts:AssumeRoot` with `IAMDeleteRootUserCredentials`).\n\n\
             **This action changes AWS.** Terraform's confirmation prompt for \
             `terraform apply -invoke=...` says that \"any changes will be written to \
             the state without modifying real infrastructure\": that is about \
             Terraform's state, which an action leaves alone. This action deletes \
             credentials from the member account, and they cannot be restored (a root password can only be recovered through the \
             account's sign-in page, by whoever receives its root email). Before it \
             starts, it prints what it is about to delete and from which account; then \
             the root session it opened (access key ID, task policy ARN and time, which \
             CloudTrail's `AssumeRoot` event and the member's own events carry); then \
             one line per credential removed.\n\n\
             Terraform 1.14 or later. To keep credentials removed, use the resource \
             `centralroot_root_credentials_removal` instead.",
            root_task::account_id_attribute(),
            [(
                CREDENTIAL_TYPES,
                Attribute::optional(Type::set(Type::String))
                    .description(
                        "The kinds to remove: `password`, `access_keys`, \
                         `signing_certificates`, `mfa_devices`. All when null.",
                    )
                    .validator(SetElementsOneOf::new(ALL_KINDS)),
            )],
        )
    }

    fn read(config: &Value) -> Result<Removal, AttributeError> {
        Removal::from_value(config)
    }

    async fn run(&self, aws: &Aws, removal: Removal, progress: &Progress, diags: &mut Diagnostics) {
        let account_id = &removal.account_id;
        progress.send(announcement(&removal)).await;
        let mut steps = pin!(aws.remove_root_credentials(account_id, &removal.kinds, None));
        while let Some(step) = steps.next().await {
            let line = match step {
                Ok(RemovalStep::Found { session, found, .. }) => {
                    progress.send(evidence::line(&session)).await;
                    if !found.is_empty() {
                        continue;
                    }
                    format!("{account_id}: no root credentials of the selected kinds")
                }
                Ok(RemovalStep::Removed { credential, .. }) => format!(
                    "{account_id}: {} {}",
                    removal::label(&credential),
                    removal::verb(&credential)
                ),
                Err(err) => return TARGETS.report(diags, &err),
            };
            progress.send(line).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::test_support::invoke;
    use crate::framework::action::{Action, PlanRequest, PlanResponse};
    use crate::framework::attributes;
    use crate::framework::values::string_set;
    use crate::resources::test_support::{sandbox, seed_with_trusted_access};
    use crate::types_common::removal::ACCOUNT_ID;
    use centralroot_sandbox::FaultConfig;
    use centralroot_sandbox::seed::Feature;

    #[tokio::test]
    async fn one_progress_line_per_credential_removed() {
        let mut seed = seed_with_trusted_access();
        seed.features.push(Feature::RootCredentialsManagement);
        let (handle, ctx) = sandbox(seed, FaultConfig::default()).await;
        let config = attributes::object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (
                CREDENTIAL_TYPES,
                string_set(["password", "access_keys", "mfa_devices"]),
            ),
        ]);
        let (lines, resp) = invoke(&DeleteRootCredentialsAction, &ctx, config).await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        assert_eq!(lines.len(), 5, "{lines:?}");
        assert_eq!(
            lines[0],
            "222222222222: deleting the root user's password, access keys and MFA devices \
             (deactivated), irreversibly: deleted root credentials cannot be restored",
            "announced before anything is deleted"
        );
        let session = &handle.sandbox().sessions()[0];
        assert_eq!(
            lines[1],
            format!(
                "222222222222: root session {} \
                 (arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials), opened {}",
                session.0,
                &lines[1][lines[1].len() - 20..]
            ),
            "the session for auditors, never its secret"
        );
        assert!(!lines[1].contains(&session.1.secret));
        assert_eq!(lines[2], "222222222222: password deleted");
        assert!(lines[4].ends_with("deactivated"), "{lines:?}");
        let model = handle.sandbox().snapshot();
        let root = &model.account("222222222222").unwrap().root;
        assert_eq!(root.signing_certificates.len(), 1, "not selected");
        assert!(root.access_keys.is_empty() && root.login_profile.is_none());
    }

    #[tokio::test]
    async fn the_management_account_is_refused_at_plan_on_account_id() {
        let (handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let plan = |account_id: &str| PlanRequest {
            config: attributes::object([
                (ACCOUNT_ID, Value::from(account_id)),
                (CREDENTIAL_TYPES, Value::Null),
            ]),
        };
        let mut resp = PlanResponse::default();
        DeleteRootCredentialsAction
            .plan(&ctx, plan("111111111111"), &mut resp)
            .await;
        let error = resp.diagnostics.errors().next().expect("refused");
        assert_eq!(error.summary, "The management account has no root session");
        assert_eq!(
            error.attribute,
            Some(crate::cty::AttributePath::root(ACCOUNT_ID))
        );
        assert!(error.detail.contains("o-"), "{}", error.detail);

        let mut resp = PlanResponse::default();
        DeleteRootCredentialsAction
            .plan(&ctx, plan("222222222222"), &mut resp)
            .await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert_eq!(
            handle.sandbox().requests().operations["DescribeOrganization"].total,
            1,
            "described once for both plans"
        );
        assert!(
            !handle
                .sandbox()
                .requests()
                .operations
                .contains_key("AssumeRoot")
        );
    }
}
