//! Resource `centralroot_root_password_recovery`: while it exists, a member account's root user
//! may recover its password through "Forgot password" on the sign-in page. Create opens a root
//! session with `IAMCreateRootUserPassword` and creates the root user's login profile without a
//! password (one already there is a success: recovery was possible before); read audits whether
//! a login profile exists, and forgets the resource when it is gone, so that the plan creates it
//! again; destroy ends the window: it deletes the login profile, whatever password was set
//! through it, in a root session with `IAMDeleteRootUserCredentials`, and says so. Both sessions
//! are recorded for auditors: create's in `root_session`, destroy's in its warning.

use async_trait::async_trait;

use crate::aws::{
    Aws, LoginProfileCreation, RootCredential, SessionEvidence, TaskPolicy, calls,
    concerns_one_account,
};
use crate::cty::{AttributePath, Type, Value};
use crate::framework::attributes;
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, ReadRequest, ReadResponse,
    Resource, UpdateRequest, UpdateResponse, import_id_into, refuse_update,
};
use crate::framework::schema::{Attribute, Block, IdentitySchema, Schema};
use crate::framework::validators::StringMatches;
use crate::framework::values::ValueExt;
use crate::types_common::evidence::{self, ROOT_SESSION};
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::recovery;
use crate::types_common::root_task::{self, ACCOUNT_ID, TARGETS};

/// The name configurations address this resource by.
pub const TYPE_NAME: &str = "centralroot_root_password_recovery";

const ID: &str = "id";
const LOGIN_PROFILE_CREATED: &str = "login_profile_created";
const EXISTED_BEFORE: &str = "existed_before";

/// What the resource may ask of AWS, by operation: its page's Permissions section, its share of
/// the provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Plan, &[calls::ORGANIZATION]),
    (Step::Read, &[calls::AUDIT_ACCOUNT]),
    (Step::Import, &[]),
    (Step::Create, &[calls::ALLOW_PASSWORD_RECOVERY]),
    (Step::Update, &[]),
    (Step::Delete, &[calls::END_PASSWORD_RECOVERY]),
]);

/// The resource.
#[derive(Debug, Clone, Copy, Default)]
pub struct RootPasswordRecoveryResource;

/// The state of a recovery window on `account_id`.
fn state(account_id: &str, creation: &LoginProfileCreation, session: Value) -> Value {
    attributes::object([
        (ID, Value::from(account_id)),
        (ACCOUNT_ID, Value::from(account_id)),
        (LOGIN_PROFILE_CREATED, Value::from(creation.created())),
        (
            EXISTED_BEFORE,
            Value::Bool(matches!(creation, LoginProfileCreation::AlreadyThere(_))),
        ),
        (ROOT_SESSION, session),
    ])
}

/// The account of a state or plan, which is known wherever the engine calls with one.
fn account_of(value: &Value) -> Result<String, attributes::AttributeError> {
    attributes::string(value, ACCOUNT_ID)
}

#[async_trait]
impl Resource<Aws> for RootPasswordRecoveryResource {
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(root_task::account_identity())
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(format!(
                    "Lets the root user of a member account recover its password, for as long \
                     as the resource exists (break-glass). Create gives the root user a login \
                     profile without a password, through a root session (sts:AssumeRoot with \
                     IAMCreateRootUserPassword): whoever receives the account's root email can \
                     then set a password with \"Forgot password\" on the sign-in page. Nothing \
                     deleted earlier comes back (no old password, no MFA device). A login \
                     profile that exists already counts as created (recovery was possible \
                     before; create warns, and existed_before says so). Refresh audits the \
                     account: when the login profile is gone, the resource leaves the state and \
                     the next plan creates it again. Destroy ends the window: its plan warns \
                     that it deletes the login profile (Terraform 1.3 and later), and the \
                     apply deletes it, and any password set through it, through a root session \
                     with IAMDeleteRootUserCredentials, with a warning that names that session. \
                     {} While it exists, leave password out of the credential_types of a \
                     centralroot_root_credentials_removal of the same account, which would \
                     delete the login profile at every apply. Works on OpenTofu, which runs no \
                     actions. Import with the account ID.",
                    recovery::REQUIREMENTS
                ))
                .attribute(
                    ID,
                    Attribute::computed(Type::String)
                        .description("The account ID.")
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    ACCOUNT_ID,
                    Attribute::required(Type::String)
                        .description(recovery::ACCOUNT_ID_DESCRIPTION)
                        .validator(StringMatches::account_id())
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    LOGIN_PROFILE_CREATED,
                    Attribute::computed(Type::String)
                        .description(
                            "When the root user's login profile was created (RFC 3339): since \
                             then, the root user can recover its password. Empty when AWS did \
                             not say.",
                        )
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    EXISTED_BEFORE,
                    Attribute::computed(Type::Bool)
                        .description(
                            "Whether the login profile was there before this resource was \
                             created (AWS answered EntityAlreadyExists): recovery was possible \
                             already, or the root user still had a password. Destroy deletes \
                             it all the same. Null after an import.",
                        )
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    ROOT_SESSION,
                    evidence::root_session_attribute(
                        "The root session that created the login profile (sts:AssumeRoot with \
                         IAMCreateRootUserPassword); null after an import.",
                    )
                    .plan_modifier(UseStateForUnknown),
                ),
        )
    }

    async fn modify_plan(
        &self,
        ctx: &Context<Aws>,
        req: ModifyPlanRequest,
        resp: &mut ModifyPlanResponse,
    ) {
        if req.config.is_null() {
            // Destroy: the plan says what apply deletes.
            if let Ok(account_id) = account_of(&req.prior_state) {
                resp.diagnostics
                    .push(destroy_warning(&account_id, &req.prior_state));
            }
            return;
        }
        // Only a new window can name the management account: account_id forces a
        // replacement, which plans a create.
        if req.prior_state.is_null() {
            root_task::refuse_management_account(
                ctx.provider_data(),
                &req.config,
                TaskPolicy::CreateRootUserPassword,
                &mut resp.diagnostics,
            )
            .await;
        }
    }

    async fn create(&self, ctx: &Context<Aws>, req: CreateRequest, resp: &mut CreateResponse) {
        let diags = &mut resp.diagnostics;
        let Some(account_id) = root_task::known_at_apply(account_of(&req.planned_state), diags)
        else {
            return;
        };
        let policy = TaskPolicy::CreateRootUserPassword;
        let Some(session) =
            root_task::session(ctx.provider_data(), &account_id, policy, diags).await
        else {
            return;
        };
        let opened = evidence::root_session_value(&session.evidence());
        match session.create_login_profile().await {
            Ok(creation) => {
                tracing::info!(
                    account_id,
                    access_key_id = session.access_key_id(),
                    ?creation,
                    "root password recovery allowed"
                );
                if let LoginProfileCreation::AlreadyThere(_) = creation {
                    resp.diagnostics.push(
                        recovery::already_there(&account_id).at(AttributePath::root(ACCOUNT_ID)),
                    );
                }
                resp.state = state(&account_id, &creation, opened);
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn read(&self, ctx: &Context<Aws>, req: ReadRequest, resp: &mut ReadResponse) {
        let Ok(account_id) = account_of(&req.state) else {
            return;
        };
        match ctx.provider_data().audit_account(&account_id).await {
            Ok(report) => match report.password_created {
                Some(created) => {
                    let _ = resp.state.set_attr(ID, Value::from(account_id.as_str()));
                    let _ = resp
                        .state
                        .set_attr(LOGIN_PROFILE_CREATED, Value::from(created));
                }
                None => {
                    tracing::info!(account_id, "no login profile: password recovery ended");
                    resp.state = Value::Null;
                }
            },
            Err(err) if concerns_one_account(&err) => resp.diagnostics.push(
                root_task::not_audited(
                    &account_id,
                    &err,
                    format_args!(
                        "The refresh could not read whether the root user of account \
                         {account_id} has a login profile, so the state keeps what the last \
                         refresh found and the plan changes nothing for this account."
                    ),
                )
                .at(AttributePath::root(ACCOUNT_ID)),
            ),
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(&self, _ctx: &Context<Aws>, req: UpdateRequest, resp: &mut UpdateResponse) {
        // account_id requires replacement and every other attribute is computed, so Terraform
        // never plans an update.
        refuse_update(TYPE_NAME, req, resp);
    }

    async fn delete(&self, ctx: &Context<Aws>, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Ok(account_id) = account_of(&req.state) else {
            return;
        };
        let (aws, policy) = (ctx.provider_data(), TaskPolicy::DeleteRootUserCredentials);
        let Some(session) =
            root_task::session(aws, &account_id, policy, &mut resp.diagnostics).await
        else {
            return;
        };
        let opened = session.evidence();
        match session.remove(&RootCredential::Password).await {
            Ok(deleted) => {
                tracing::info!(
                    account_id,
                    access_key_id = opened.access_key_id,
                    deleted,
                    "root password recovery ended"
                );
                resp.diagnostics.push(ended(&opened, deleted));
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn import_state(
        &self,
        _ctx: &Context<Aws>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        if !req.by_identity() && !StringMatches::account_id().is_match(&req.id) {
            return resp.diagnostics.error(
                "Invalid import ID",
                format!(
                    "Cannot import {TYPE_NAME} with ID {:?}: the ID is the 12-digit ID of the \
                     member account, e.g. 222222222222.",
                    req.id
                ),
            );
        }
        import_id_into(ACCOUNT_ID, &req, resp);
        let account_id = resp.state.attr(ACCOUNT_ID).clone();
        let _ = resp.state.set_attr(ID, account_id);
    }
}

/// What a destroy says it did, naming the session for auditors.
fn ended(session: &SessionEvidence, deleted: bool) -> Diagnostic {
    let done = if deleted {
        "its login profile was deleted"
    } else {
        "its login profile was already gone"
    };
    Diagnostic::warning(
        format!("Password recovery ended on account {}", session.account_id),
        format!(
            "The root user of account {} can no longer recover its password: {done}, through              the {}. Allow recovery again with this resource or the action              centralroot_allow_root_password_recovery.",
            session.account_id,
            evidence::describe(session)
        ),
    )
    .at(AttributePath::root(ACCOUNT_ID))
}

/// What the plan of a destroy says apply will do.
fn destroy_warning(account_id: &str, prior: &Value) -> Diagnostic {
    let created = prior
        .attr(LOGIN_PROFILE_CREATED)
        .as_str()
        .filter(|at| !at.is_empty())
        .map_or(String::new(), |at| format!(" (created {at})"));
    let before = if prior.attr(EXISTED_BEFORE).as_bool() == Some(true) {
        " It was there before this resource was created: it is deleted all the same."
    } else {
        ""
    };
    Diagnostic::warning(
        format!("Destroying ends password recovery on account {account_id}"),
        format!(
            "Apply deletes the root user's login profile{created} through a root session with \
             IAMDeleteRootUserCredentials, with any password set through it: the root user can \
             then neither sign in with a password nor recover one, until recovery is allowed \
             again.{before}"
        ),
    )
    .at(AttributePath::root(ACCOUNT_ID))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::test_support::{
        self, create, import_by_identity, sandbox, seed_with_trusted_access,
    };
    use centralroot_sandbox::FaultConfig;
    use centralroot_sandbox::seed::{AccountPatch, Feature, RootUser};

    const MEMBER: &str = "444444444444";

    fn seed() -> centralroot_sandbox::Seed {
        let mut seed = seed_with_trusted_access();
        seed.features
            .extend([Feature::RootCredentialsManagement, Feature::RootSessions]);
        seed
    }

    fn planned(account_id: &str) -> Value {
        attributes::object([
            (ID, Value::unknown()),
            (ACCOUNT_ID, Value::from(account_id)),
            (LOGIN_PROFILE_CREATED, Value::unknown()),
            (EXISTED_BEFORE, Value::unknown()),
            (ROOT_SESSION, Value::unknown()),
        ])
    }

    async fn refresh(ctx: &Context<Aws>, state: &Value) -> ReadResponse {
        test_support::refresh(&RootPasswordRecoveryResource, ctx, state).await
    }

    async fn destroy(ctx: &Context<Aws>, state: &Value) -> DeleteResponse {
        let mut resp = DeleteResponse::default();
        let req = DeleteRequest {
            state: state.clone(),
            private: Vec::new(),
            identity: Value::Null,
        };
        RootPasswordRecoveryResource
            .delete(ctx, req, &mut resp)
            .await;
        resp
    }

    #[tokio::test]
    async fn create_read_and_destroy_open_and_close_the_window() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let created = create(&RootPasswordRecoveryResource, &ctx, planned(MEMBER)).await;
        assert!(created.diagnostics.is_empty(), "{:?}", created.diagnostics);
        assert!(created.state.is_wholly_known(), "{:?}", created.state);
        assert_eq!(created.state.attr(EXISTED_BEFORE), &Value::Bool(false));
        let account = |handle: &centralroot_sandbox::ServerHandle| {
            handle
                .sandbox()
                .snapshot()
                .account(MEMBER)
                .unwrap()
                .root
                .clone()
        };
        assert!(
            account(&handle).login_profile.is_some(),
            "the window is open"
        );
        let session = handle.sandbox().sessions()[0].clone();
        assert_eq!(
            created
                .state
                .attr(ROOT_SESSION)
                .attr(evidence::ACCESS_KEY_ID)
                .as_str(),
            Some(session.0.as_str())
        );
        let log = handle.sandbox().requests();
        assert_eq!(
            log.root_sessions["IAMCreateRootUserPassword"]
                .keys()
                .collect::<Vec<_>>(),
            ["CreateLoginProfile"]
        );

        let read = refresh(&ctx, &created.state).await;
        assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
        assert_eq!(read.state, created.state, "nothing changed");

        let ended = destroy(&ctx, &created.state).await;
        assert!(!ended.diagnostics.has_errors(), "{:?}", ended.diagnostics);
        let said = ended.diagnostics.iter().next().expect("says so");
        assert_eq!(
            said.summary,
            format!("Password recovery ended on account {MEMBER}")
        );
        let deleting = handle.sandbox().sessions()[2].0.clone();
        assert!(said.detail.contains(&deleting), "{}", said.detail);
        assert!(
            said.detail.contains("IAMDeleteRootUserCredentials"),
            "{}",
            said.detail
        );
        assert!(
            account(&handle).login_profile.is_none(),
            "the window is closed"
        );

        let gone = refresh(&ctx, &created.state).await;
        assert!(
            gone.state.is_null(),
            "gone out of band: the plan creates it again"
        );
    }

    #[tokio::test]
    async fn a_login_profile_already_there_is_a_success_that_warns() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let created = create(&RootPasswordRecoveryResource, &ctx, planned("222222222222")).await;
        assert!(
            !created.diagnostics.has_errors(),
            "{:?}",
            created.diagnostics
        );
        let warning = created.diagnostics.iter().next().expect("a warning");
        assert_eq!(
            warning.summary,
            "Account 222222222222 already had a login profile"
        );
        assert_eq!(created.state.attr(EXISTED_BEFORE), &Value::Bool(true));
        assert_eq!(
            created.state.attr(LOGIN_PROFILE_CREATED).as_str(),
            Some("2023-11-14T22:13:20Z"),
            "read in the same session"
        );
        let destroying = destroy_warning("222222222222", &created.state);
        assert!(
            destroying.detail.contains("deleted all the same"),
            "{}",
            destroying.detail
        );
        let log = handle.sandbox().requests();
        assert_eq!(
            log.root_sessions["IAMCreateRootUserPassword"]
                .keys()
                .collect::<Vec<_>>(),
            ["CreateLoginProfile", "GetLoginProfile"]
        );
    }

    #[tokio::test]
    async fn without_root_sessions_nothing_is_created_and_the_error_names_both_features() {
        let (handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let created = create(&RootPasswordRecoveryResource, &ctx, planned(MEMBER)).await;
        let error = created.diagnostics.errors().next().expect("refused");
        assert_eq!(error.attribute, Some(AttributePath::root(ACCOUNT_ID)));
        assert!(
            error.detail.contains("RootCredentialsManagement"),
            "{}",
            error.detail
        );
        assert!(error.detail.contains("RootSessions"), "{}", error.detail);
        assert!(created.state.is_null());
        assert_eq!(
            handle.sandbox().snapshot().account(MEMBER).unwrap().root,
            RootUser::default()
        );
    }

    #[tokio::test]
    async fn an_account_that_cannot_be_audited_keeps_its_state() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let created = create(&RootPasswordRecoveryResource, &ctx, planned(MEMBER)).await;
        handle.sandbox().update_account(
            MEMBER,
            AccountPatch {
                assume_root_denied: Some(true),
                ..AccountPatch::default()
            },
        );
        let read = refresh(&ctx, &created.state).await;
        assert!(!read.diagnostics.has_errors(), "{:?}", read.diagnostics);
        assert_eq!(read.state, created.state);
        let ended = destroy(&ctx, &created.state).await;
        assert!(ended.diagnostics.has_errors(), "the engine keeps the state");
    }

    #[tokio::test]
    async fn import_by_id_or_identity_names_the_account() {
        let (_handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let identity = attributes::object([(ACCOUNT_ID, Value::from(MEMBER))]);
        let imported = import_by_identity(TYPE_NAME, &ctx, identity).await;
        assert!(
            imported.diagnostics.is_empty(),
            "{:?}",
            imported.diagnostics
        );
        assert_eq!(imported.state.attr(ID).as_str(), Some(MEMBER));

        let mut resp = ImportStateResponse {
            state: RootPasswordRecoveryResource.schema().empty_value(),
            ..ImportStateResponse::default()
        };
        let req = ImportStateRequest {
            type_name: TYPE_NAME,
            id: "2222".into(),
            identity: Value::Null,
        };
        RootPasswordRecoveryResource
            .import_state(&ctx, req, &mut resp)
            .await;
        let error = resp.diagnostics.errors().next().expect("refused");
        assert!(error.detail.contains("12-digit"), "{}", error.detail);
    }
}
