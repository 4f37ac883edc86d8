//! Action `centralroot_allow_root_password_recovery`: the recovery of
//! `centralroot_root_password_recovery` once, e.g.
//! `terraform apply -invoke=action.centralroot_allow_root_password_recovery.x`: a root session
//! with `IAMCreateRootUserPassword` gives the member's root user a login profile without a
//! password, with one progress line per step (what it is about to do, the session for auditors,
//! the outcome). Nothing ends the window it opens but a removal of the root password.

use async_trait::async_trait;

use crate::aws::{Aws, TaskPolicy, calls};
use crate::cty::Value;
use crate::framework::action::Progress;
use crate::framework::attributes::{self, AttributeError};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::recovery;
use crate::types_common::root_task::{self, ACCOUNT_ID, TARGETS};
use crate::types_common::root_task_action::RootTaskAction;

/// The name configurations address this action by.
pub const TYPE_NAME: &str = "centralroot_allow_root_password_recovery";

/// What the action may ask of AWS: its page's Permissions section, its share of the provider's
/// IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Plan, &[calls::ORGANIZATION]),
    (Step::Invoke, &[calls::ALLOW_PASSWORD_RECOVERY]),
]);

/// The action.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowRootPasswordRecoveryAction;

#[async_trait]
impl RootTaskAction for AllowRootPasswordRecoveryAction {
    const TASK_POLICY: TaskPolicy = TaskPolicy::CreateRootUserPassword;
    /// The account.
    type Config = String;

    fn schema(&self) -> Schema {
        let requirements = recovery::REQUIREMENTS;
        root_task::action_schema(
            format!(
                "Lets the root user of a member account recover its password, once: a root \
                 session (sts:AssumeRoot with IAMCreateRootUserPassword) gives the root user \
                 a login profile without a password, and whoever receives the account's \
                 root email can then set one with \"Forgot password\" on the sign-in page. \
                 A login profile already there is a success (recovery was possible \
                 before). It prints what it is about to do, the root session it opened \
                 (access key ID, task policy ARN, time: what CloudTrail's AssumeRoot event \
                 and the member's own events carry), then the outcome. The window stays \
                 open until the root password is removed (centralroot_root_credentials_removal \
                 or centralroot_delete_root_credentials with password). Terraform 1.14 or \
                 later; to open the window for as long as a resource exists, and on \
                 OpenTofu, use the resource centralroot_root_password_recovery. \
                 {requirements}"
            ),
            format!(
                "Lets the root user of a member account recover its password, **once**: a \
                 root session (`sts:AssumeRoot` with `IAMCreateRootUserPassword`) gives the \
                 root user a login profile without a password, and whoever receives the \
                 account's root email can then set one with \"Forgot password\" on the \
                 sign-in page. A login profile already there is a success (recovery was \
                 possible before).\n\n\
                 **This action changes AWS**, although Terraform's confirmation prompt for \
                 `terraform apply -invoke=...` speaks of \"not modifying real \
                 infrastructure\" (it means Terraform's state). It prints what it is about \
                 to do, the root session it opened (access key ID, task policy ARN and \
                 time, which CloudTrail's `AssumeRoot` event and the member's own events \
                 carry), then the outcome. The window stays open until the root password is \
                 removed again (`centralroot_root_credentials_removal`, or \
                 `centralroot_delete_root_credentials` with `password`).\n\n\
                 Terraform 1.14 or later. To open the window for as long as a resource \
                 exists, and on OpenTofu (which runs no actions), use the resource \
                 `centralroot_root_password_recovery`. {requirements}"
            ),
            root_task::account_id_attribute().description(recovery::ACCOUNT_ID_DESCRIPTION),
            [],
        )
    }

    fn read(config: &Value) -> Result<String, AttributeError> {
        attributes::string(config, ACCOUNT_ID)
    }

    async fn run(
        &self,
        aws: &Aws,
        account_id: String,
        progress: &Progress,
        diags: &mut Diagnostics,
    ) {
        progress
            .send(format!(
                "{account_id}: allowing the root user to recover its password: a root session \
                 with IAMCreateRootUserPassword creates its login profile, without a password"
            ))
            .await;
        let Some(session) = Self::open_session(aws, &account_id, progress, diags).await else {
            return;
        };
        match session.create_login_profile().await {
            Ok(creation) => {
                progress
                    .send(recovery::outcome(&account_id, &creation))
                    .await
            }
            Err(err) => TARGETS.report(diags, &err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::test_support;
    use crate::cty::AttributePath;
    use crate::framework::action::{Action, InvokeResponse, PlanRequest, PlanResponse};
    use crate::framework::context::Context;
    use crate::resources::test_support::{sandbox, seed_with_trusted_access};
    use centralroot_sandbox::FaultConfig;
    use centralroot_sandbox::seed::Feature;

    async fn invoke(ctx: &Context<Aws>, account_id: &str) -> (Vec<String>, InvokeResponse) {
        let config = attributes::object([(ACCOUNT_ID, Value::from(account_id))]);
        test_support::invoke(&AllowRootPasswordRecoveryAction, ctx, config).await
    }

    #[tokio::test]
    async fn one_line_per_step_and_the_session_for_auditors() {
        let mut seed = seed_with_trusted_access();
        seed.features
            .extend([Feature::RootCredentialsManagement, Feature::RootSessions]);
        let (handle, ctx) = sandbox(seed, FaultConfig::default()).await;
        let (lines, resp) = invoke(&ctx, "444444444444").await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[0].contains("without a password"), "{lines:?}");
        let (key, session) = handle.sandbox().sessions()[0].clone();
        assert!(lines[1].contains(&key), "{lines:?}");
        assert!(lines[1].contains("IAMCreateRootUserPassword"), "{lines:?}");
        assert!(!lines[1].contains(&session.secret));
        assert!(lines[2].contains("login profile created"), "{lines:?}");
        let model = handle.sandbox().snapshot();
        assert!(
            model
                .account("444444444444")
                .unwrap()
                .root
                .login_profile
                .is_some()
        );

        let (again, resp) = invoke(&ctx, "444444444444").await;
        assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
        assert!(again[2].contains("already there"), "{again:?}");
    }

    #[tokio::test]
    async fn a_refused_session_points_at_account_id_after_the_first_line() {
        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let (lines, resp) = invoke(&ctx, "444444444444").await;
        assert_eq!(lines.len(), 1, "{lines:?}");
        let error = resp.diagnostics.errors().next().expect("refused");
        assert_eq!(error.attribute, Some(AttributePath::root(ACCOUNT_ID)));
        assert!(error.detail.contains("RootSessions"), "{}", error.detail);

        let mut plan = PlanResponse::default();
        let config = attributes::object([(ACCOUNT_ID, Value::from("111111111111"))]);
        AllowRootPasswordRecoveryAction
            .plan(&ctx, PlanRequest { config }, &mut plan)
            .await;
        let refused = plan.diagnostics.errors().next().expect("refused at plan");
        assert_eq!(
            refused.summary,
            "The management account has no root session"
        );
    }
}
