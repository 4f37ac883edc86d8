//! Resource `centralroot_root_credentials_removal`: declares that a member account's root user
//! has no credentials of the selected kinds. The plan lists in `to_remove` the credentials
//! found (`plan.rs` says from what); create and update delete those, and no others, through
//! one root session with `IAMDeleteRootUserCredentials` (MFA devices are deactivated: the task
//! policy cannot delete them), record that session in `root_session`, and leave in `remaining`
//! whatever appeared after the plan. Read audits with `IAMAuditRootUserCredentials` and shows
//! what came back in `remaining`, which the next plan turns into an in-place update that
//! removes it.
//! Destroy only forgets: deleted credentials cannot be restored.
//!
//! A refresh that cannot audit its account (a service control policy, a suspended account)
//! keeps the state of the last refresh and warns, so that one member never breaks the plan of
//! the organization; a failure that would hit every account alike (the caller's credentials,
//! the network) is an error. An account that left the organization is forgotten.
//!
//! Import (by account ID, or by identity on Terraform ≥ 1.12) adopts a removal of every kind,
//! which the list type of the same name finds for `terraform query`.
//!
//! `plan.rs` holds what a plan lists, `upgrade.rs` the states of earlier schema versions.

mod plan;
mod upgrade;

use plan::Refreshed;

use std::pin::pin;

use async_trait::async_trait;
use futures::StreamExt;

use crate::aws::{
    Aws, AwsError, CredentialKind, Membership, RemovalStep, RootCredential, TaskPolicy, calls,
    concerns_one_account,
};
use crate::cty::{AttributePath, Type, Value};
use crate::framework::attributes;
use crate::framework::context::Context;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, ReadRequest, ReadResponse,
    Resource, UpdateRequest, UpdateResponse, UpgradeStateRequest, UpgradeStateResponse,
};
use crate::framework::schema::{Attribute, Block, IdentitySchema, Schema};
use crate::framework::validators::SetElementsOneOf;
use crate::framework::values::{ValueExt, string_set};
use crate::types_common::evidence::{self, ROOT_SESSION};
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::removal::{
    self, ACCOUNT_ID, ALL_KINDS, CREDENTIAL_TYPES, Removal, TARGETS,
};
use crate::types_common::{advice, root_task};

/// The name configurations address this resource by.
pub const TYPE_NAME: &str = "centralroot_root_credentials_removal";

/// What the resource may ask of AWS, by operation: its page's Permissions section, its share of
/// the provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Plan, &[calls::ORGANIZATION, calls::AUDIT_ACCOUNT]),
    (Step::Read, &[calls::AUDIT_ACCOUNT, calls::MEMBERSHIP]),
    (Step::Import, &[]),
    (Step::Create, &[calls::REMOVE_ROOT_CREDENTIALS]),
    (Step::Update, &[calls::REMOVE_ROOT_CREDENTIALS]),
    (Step::Delete, &[]),
]);

/// The schema version: 1 added `to_remove` and `root_session`.
const VERSION: i64 = 1;

const ID: &str = "id";
const REMAINING: &str = "remaining";
const TO_REMOVE: &str = "to_remove";

/// The resource.
#[derive(Debug, Clone, Copy, Default)]
pub struct RootCredentialsRemovalResource;

/// The state of `removal` with `remaining` left, never changed yet: what the list type answers
/// for each member it finds, and what an import starts from.
pub(crate) fn state(removal: &Removal, remaining: &[RootCredential]) -> Value {
    let blank = attributes::object([(TO_REMOVE, Value::Null), (ROOT_SESSION, Value::Null)]);
    with_remaining(&blank, removal, remaining)
}

/// `state` (the stored or planned state) with `remaining` left, as a refresh or an apply
/// records it.
fn with_remaining(state: &Value, removal: &Removal, remaining: &[RootCredential]) -> Value {
    let mut state = state.clone();
    for (name, value) in [
        (ID, Value::from(removal.account_id.as_str())),
        (ACCOUNT_ID, Value::from(removal.account_id.as_str())),
        (CREDENTIAL_TYPES, removal.kinds_value()),
        (REMAINING, removal::labels(remaining)),
    ] {
        // A state is always an object; a value that is not one stays as it is.
        let _ = state.set_attr(name, value);
    }
    state
}

/// Create and update alike: removes through one root session what `planned` lists in
/// `to_remove` (what its session finds, when the plan could not list it), recording in
/// `recorded` the state with what is left after the session's audit and after each confirmed
/// removal. A credential the session finds that the plan did not list stays, with a warning.
/// Every removal runs to completion once started: the engine lets a write in progress finish
/// when Terraform stops the provider.
async fn apply_planned(
    ctx: &Context<Aws>,
    planned: &Value,
    recorded: &mut Value,
    diags: &mut Diagnostics,
) {
    let Some(removal) = root_task::known_at_apply(Removal::from_value(planned), diags) else {
        return;
    };
    let listed = match plan::listed(planned) {
        Ok(listed) => listed,
        Err(text) => {
            return diags.attribute_error(
                AttributePath::root(TO_REMOVE),
                "Unreadable plan",
                format!(
                    "{TO_REMOVE} holds {text:?}, which names no root credential. This is a bug \
                     in the provider, please report it."
                ),
            );
        }
    };
    let aws = ctx.provider_data();
    let mut steps =
        pin!(aws.remove_root_credentials(&removal.account_id, &removal.kinds, listed.as_deref()));
    let mut state = planned.clone();
    while let Some(step) = steps.next().await {
        match step {
            Ok(RemovalStep::Found {
                session,
                found,
                unplanned,
            }) => {
                if listed.is_none() {
                    let _ = state.set_attr(TO_REMOVE, removal::labels(&found));
                }
                let _ = state.set_attr(ROOT_SESSION, evidence::root_session_value(&session));
                if !unplanned.is_empty() {
                    diags.push(left_in_place(&removal.account_id, &unplanned));
                }
                *recorded = with_remaining(&state, &removal, &found);
            }
            Ok(RemovalStep::Removed { left, .. }) => {
                *recorded = with_remaining(&state, &removal, &left);
            }
            Err(err) => return TARGETS.report(diags, &err),
        }
    }
}

/// The warning for credentials the apply's session found that the reviewed plan did not list.
fn left_in_place(account_id: &str, unplanned: &[RootCredential]) -> Diagnostic {
    let names: Vec<String> = unplanned.iter().map(removal::label).collect();
    Diagnostic::warning(
        format!("Root credentials left in place on account {account_id}"),
        format!(
            "Apply removes only what the reviewed plan listed in {TO_REMOVE}. The root session \
             found {} of the selected kinds that the plan did not list: they appeared after the \
             plan, and they stay. They are listed in {REMAINING}, and the next plan lists them \
             in {TO_REMOVE} for removal.",
            names.join(", ")
        ),
    )
    .at(AttributePath::root(ACCOUNT_ID))
}

/// A refresh whose audit failed for a reason about this account alone: the state of the last
/// refresh stays, with a warning that names the account and the cause, unless the account is no
/// longer in the organization, which forgets the removal.
async fn not_audited(aws: &Aws, removal: &Removal, err: &AwsError, resp: &mut ReadResponse) {
    let id = &removal.account_id;
    // An import has no last refresh to keep: it needs an audit.
    if resp.state.attr(REMAINING).is_null() {
        resp.diagnostics.push(
            Diagnostic::error(
                format!("Account {id} cannot be imported: {}", err.summary()),
                format!(
                    "Importing a removal audits the account's root credentials, and that audit \
                     failed.\n\n{}",
                    advice::detail(err)
                ),
            )
            .at(AttributePath::root(ACCOUNT_ID)),
        );
        return;
    }
    let standing = match aws.membership(id).await {
        Ok(Membership::Gone) => {
            resp.state = Value::Null;
            resp.diagnostics.push(
                Diagnostic::warning(
                    format!("Account {id} is no longer in the organization"),
                    format!(
                        "The refresh could not audit the root credentials of account {id}, and \
                         AWS Organizations no longer knows the account (DescribeAccount: \
                         AccountNotFound): it was closed or it left the organization. Its root \
                         credentials can no longer be audited or removed from here, so this \
                         removal is forgotten: it leaves the state, and nothing changes in AWS. \
                         While the configuration still names the account, the plan creates the \
                         removal again, and that apply fails.\n\nThe audit failed with: {}",
                        advice::detail(err)
                    ),
                )
                .at(AttributePath::root(ACCOUNT_ID)),
            );
            return;
        }
        Ok(Membership::Member(state)) if !state.is_empty() && state != "ACTIVE" => {
            format!(" The account is {state} in the organization.")
        }
        Ok(Membership::Member(_)) => String::new(),
        Err(describe) => {
            tracing::debug!(account_id = %id, %describe, "cannot tell where the account stands");
            String::new()
        }
    };
    let kept = attributes::strings(&resp.state, REMAINING).unwrap_or_default();
    let kept = if kept.is_empty() {
        "nothing left of the selected kinds".to_owned()
    } else {
        kept.join(", ")
    };
    resp.diagnostics.push(
        root_task::not_audited(
            id,
            err,
            format_args!(
                "The refresh could not audit the root credentials of account {id}, so the state \
                 keeps what the last refresh found ({kept}) and the plan changes nothing for \
                 this account: credentials that came back on it stay unseen until it can be \
                 audited again, and an apply that changes this removal fails until then.\
                 {standing}"
            ),
        )
        .at(AttributePath::root(ACCOUNT_ID)),
    );
}

/// Import by account ID or by identity: a removal of every kind (the schema's default) from
/// the account, which the read that follows audits.
fn import(req: &ImportStateRequest, resp: &mut ImportStateResponse) {
    // Importing by identity, the engine has written the identity's account into the state.
    let account_id = if req.by_identity() {
        resp.state
            .attr(ACCOUNT_ID)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    } else {
        req.id.clone()
    };
    if !root_task::is_account_id(&account_id) {
        return resp.diagnostics.error(
            "Invalid import ID",
            format!(
                "Cannot import {TYPE_NAME} with ID {account_id:?}: the ID is the 12-digit ID of \
                 a member account, e.g. 222222222222."
            ),
        );
    }
    let removal = Removal {
        account_id,
        kinds: CredentialKind::ALL.into(),
    };
    resp.state = state(&removal, &[]);
    // Never audited yet: the read that follows fills it in, or fails.
    if resp.state.set_attr(REMAINING, Value::Null).is_err() {
        tracing::debug!("the imported state is not an object");
    }
}

#[async_trait]
impl Resource<Aws> for RootCredentialsRemovalResource {
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(root_task::account_identity())
    }

    fn schema(&self) -> Schema {
        Schema::new(
            VERSION,
            Block::new()
                .description(
                    "Removes the root user credentials of a member account and keeps them \
                     removed: the plan lists in to_remove the credentials of the selected kinds \
                     it finds, and create deletes those, and no others, through a root session \
                     (sts:AssumeRoot with IAMDeleteRootUserCredentials; MFA devices are \
                     deactivated, as the task policy no longer deletes them), recorded in \
                     root_session for auditors; refresh audits the account, and credentials \
                     that reappear show in the next plan as an in-place update that removes \
                     them. Destroy only forgets: deleted credentials cannot be restored. The \
                     provider must run as the management account or as the IAM delegated \
                     administrator, with the IAM organization feature RootCredentialsManagement \
                     enabled (the feature AWS ties to the audit and removal of root credentials \
                     by the best current reading; with RootSessions enabled too, every reading \
                     is covered); the management account itself cannot be a target. A refresh \
                     that cannot audit its account (a service control policy, a suspended \
                     account) keeps the last known state and warns instead of failing the plan; \
                     an account no longer in the organization is forgotten. While a \
                     centralroot_root_password_recovery of the same account exists, leave \
                     password out of credential_types. Import with the account ID: the \
                     imported removal selects every kind.",
                )
                .attribute(
                    ID,
                    Attribute::computed(Type::String)
                        .description("The account ID.")
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    ACCOUNT_ID,
                    root_task::account_id_attribute().plan_modifier(RequiresReplace),
                )
                .attribute(
                    CREDENTIAL_TYPES,
                    Attribute::optional_computed(Type::set(Type::String))
                        .description(
                            "The kinds of root credentials to remove: `password`, \
                             `access_keys`, `signing_certificates`, `mfa_devices`. All by \
                             default.",
                        )
                        .default_value(string_set(ALL_KINDS))
                        .validator(SetElementsOneOf::new(ALL_KINDS)),
                )
                .attribute(
                    TO_REMOVE,
                    Attribute::computed(Type::list(Type::String)).description(
                        "The root credentials apply removes, named as in `remaining`. In a \
                         plan: those of the selected kinds on the account, as the last refresh \
                         found them for an update, and as read while planning for a create \
                         (known after apply only when the account could not be read then; apply \
                         then removes what its root session finds). After apply: those it was \
                         planned to remove, each removed or found already gone. Apply removes \
                         no other credential: one that appears after the plan of an update \
                         stays, listed in `remaining`, with a warning, and the next plan lists \
                         it here. A create is planned again at apply, reading the account again: \
                         a credential that appeared in between makes that plan differ from the \
                         reviewed one, and Terraform stops the create (\"inconsistent final \
                         plan\") before anything is deleted; plan again. Null in a state \
                         written before this attribute existed, until the next change.",
                    ),
                )
                .attribute(
                    REMAINING,
                    Attribute::computed(Type::list(Type::String)).description(
                        "Root credentials of the selected kinds still there (`password`, \
                         `access_key:ID`, `signing_certificate:ID`, `mfa_device:SERIAL`): \
                         found by the last refresh, or after an apply, those it left in place \
                         because they appeared after the plan (empty when none did). When not \
                         empty, the next plan updates the resource to remove them.",
                    ),
                )
                .attribute(
                    ROOT_SESSION,
                    evidence::root_session_attribute(
                        "The root session of the last create or update (sts:AssumeRoot with \
                         IAMDeleteRootUserCredentials), which made the removals listed in \
                         `to_remove`; null in a state written before this attribute existed, \
                         until the next change.",
                    ),
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
            resp.diagnostics.warning(
                "Destroying only forgets the removal",
                "Root credentials cannot be restored: destroying this resource removes it from \
                 state and changes nothing in AWS. A root password can be recovered through \
                 the member account's sign-in page (password recovery).",
            );
            return;
        }
        let aws = ctx.provider_data();
        // Only a new removal can name the management account: account_id forces a
        // replacement, which plans a create.
        if req.prior_state.is_null() {
            root_task::refuse_management_account(
                aws,
                &req.config,
                TaskPolicy::DeleteRootUserCredentials,
                &mut resp.diagnostics,
            )
            .await;
            if resp.diagnostics.has_errors() {
                return;
            }
        }
        plan::list_removals(aws, &req.prior_state, &req.prior_private, resp).await;
    }

    async fn create(&self, ctx: &Context<Aws>, req: CreateRequest, resp: &mut CreateResponse) {
        let (recorded, diags) = (&mut resp.state, &mut resp.diagnostics);
        apply_planned(ctx, &req.planned_state, recorded, diags).await;
    }

    async fn read(&self, ctx: &Context<Aws>, req: ReadRequest, resp: &mut ReadResponse) {
        let Ok(removal) = Removal::from_value(&req.state) else {
            return;
        };
        let aws = ctx.provider_data();
        match aws.audit_account(&removal.account_id).await {
            Ok(report) => {
                resp.state = with_remaining(&req.state, &removal, &report.of_kinds(&removal.kinds));
                resp.private = Refreshed::audited(&report).to_private();
            }
            Err(err) if concerns_one_account(&err) => {
                resp.private = Refreshed::not_audited().to_private();
                not_audited(aws, &removal, &err, resp).await;
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(&self, ctx: &Context<Aws>, req: UpdateRequest, resp: &mut UpdateResponse) {
        // What the last refresh found is out of date once credentials are removed.
        resp.private = Vec::new();
        let (recorded, diags) = (&mut resp.state, &mut resp.diagnostics);
        apply_planned(ctx, &req.planned_state, recorded, diags).await;
    }

    async fn import_state(
        &self,
        _ctx: &Context<Aws>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        import(&req, resp);
    }

    async fn delete(&self, _ctx: &Context<Aws>, req: DeleteRequest, resp: &mut DeleteResponse) {
        resp.diagnostics.warning(
            "Root credentials stay removed",
            "This resource left the state; AWS is unchanged. Credentials it removed cannot be \
             restored.",
        );
        tracing::info!(
            account_id = attributes::optional_string(&req.state, ACCOUNT_ID)
                .ok()
                .flatten(),
            "forgetting a root credential removal; nothing changes in AWS"
        );
    }

    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        upgrade::upgrade(self, req, resp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::test_support::{
        self, create, fail, import_by_id, import_by_identity, sandbox, seed_with_trusted_access,
    };
    use centralroot_sandbox::seed::{AccountPatch, Feature};
    use centralroot_sandbox::{FaultConfig, ServerHandle};

    /// A create plan that could not list what it removes (`to_remove` unknown).
    fn planned(account_id: &str, kinds: &[&str]) -> Value {
        attributes::object([
            (ID, Value::unknown()),
            (ACCOUNT_ID, Value::from(account_id)),
            (CREDENTIAL_TYPES, string_set(kinds.iter().copied())),
            (TO_REMOVE, Value::unknown()),
            (REMAINING, Value::unknown()),
            (ROOT_SESSION, Value::unknown()),
        ])
    }

    /// A create plan listing `to_remove`.
    fn planned_listing(account_id: &str, kinds: &[&str], to_remove: &[&str]) -> Value {
        let mut plan = planned(account_id, kinds);
        let listed = Value::List(to_remove.iter().map(|c| Value::from(*c)).collect());
        plan.set_attr(TO_REMOVE, listed).expect("an object");
        plan
    }

    fn seed() -> centralroot_sandbox::Seed {
        let mut seed = seed_with_trusted_access();
        seed.features.push(Feature::RootCredentialsManagement);
        seed
    }

    #[tokio::test]
    async fn create_removes_exactly_the_selected_kinds_and_read_shows_what_returns() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let resource = RootCredentialsRemovalResource;
        let resp = create(
            &resource,
            &ctx,
            planned("222222222222", &["password", "mfa_devices"]),
        )
        .await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        assert_eq!(
            resp.state.attr(REMAINING).elements().map(<[Value]>::len),
            Some(0)
        );
        assert_eq!(resp.state.attr(ID).as_str(), Some("222222222222"));
        assert_eq!(
            resp.state.attr(TO_REMOVE),
            &Value::List(vec![
                Value::from("password"),
                Value::from("mfa_device:arn:aws:iam::222222222222:mfa/root-account-mfa-device")
            ]),
            "unknown in the plan: what the session found"
        );
        let session = &handle.sandbox().sessions()[0];
        let recorded = resp.state.attr(ROOT_SESSION);
        assert_eq!(
            recorded.attr(evidence::ACCESS_KEY_ID).as_str(),
            Some(session.0.as_str())
        );
        assert_eq!(
            recorded.attr(evidence::TASK_POLICY_ARN).as_str(),
            Some("arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials")
        );
        assert!(recorded.attr(evidence::OPENED_AT).as_str().is_some());
        let model = handle.sandbox().snapshot();
        let root = &model.account("222222222222").unwrap().root;
        assert!(root.login_profile.is_none());
        assert!(root.mfa_devices.is_empty());
        assert_eq!(root.access_keys.len(), 1, "not selected");
        assert_eq!(root.signing_certificates.len(), 1, "not selected");
        let log = handle.sandbox().requests();
        assert_eq!(log.operations["AssumeRoot"].succeeded, 1);
        assert_eq!(log.root_sessions.len(), 1);
        assert!(
            log.root_sessions["IAMDeleteRootUserCredentials"].contains_key("DeactivateMFADevice")
        );

        let mut root = root.clone();
        root.login_profile = Some(centralroot_sandbox::seed::LoginProfile {
            created: 1,
            password_reset_required: false,
        });
        patch(
            &handle,
            "222222222222",
            AccountPatch {
                root: Some(root),
                ..Default::default()
            },
        );
        let read = refresh(&ctx, &resp.state).await;
        assert!(!read.diagnostics.has_errors(), "{:?}", read.diagnostics);
        assert_eq!(
            read.state.attr(REMAINING),
            &Value::List(vec![Value::from("password")]),
            "only the selected kinds count"
        );
        for kept in [TO_REMOVE, ROOT_SESSION] {
            assert_eq!(read.state.attr(kept), resp.state.attr(kept), "{kept}");
        }
    }

    #[tokio::test]
    async fn apply_removes_what_the_plan_listed_and_leaves_what_appeared_since() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let before = handle.sandbox().snapshot();
        let key = before.account("222222222222").unwrap().root.access_keys[0]
            .id
            .clone();
        let plan = planned_listing(
            "222222222222",
            &["password", "access_keys"],
            &["password", "access_key:AKIAGONE000000000000"],
        );
        let resp = create(&RootCredentialsRemovalResource, &ctx, plan.clone()).await;
        assert!(!resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
        assert_eq!(
            resp.state.attr(TO_REMOVE),
            plan.attr(TO_REMOVE),
            "as planned, the key already gone included"
        );
        let label = format!("access_key:{key}");
        assert_eq!(
            resp.state.attr(REMAINING),
            &Value::List(vec![Value::from(label.as_str())]),
            "not in the plan: left in place"
        );
        let warning = resp.diagnostics.iter().next().expect("a warning");
        assert_eq!(
            warning.summary,
            "Root credentials left in place on account 222222222222"
        );
        assert!(warning.detail.contains(&label), "{}", warning.detail);
        let root = &handle
            .sandbox()
            .snapshot()
            .account("222222222222")
            .unwrap()
            .root
            .clone();
        assert!(root.login_profile.is_none(), "planned: removed");
        assert_eq!(root.access_keys.len(), 1, "not planned: kept");
        let log = handle.sandbox().requests();
        assert!(!log.operations.contains_key("DeleteAccessKey"), "{log:?}");
    }

    #[tokio::test]
    async fn a_state_of_version_0_upgrades_through_the_engine_with_nothing_recorded() {
        let server = crate::framework::server::Server::new(crate::provider::CentralRootProvider);
        let handle = server.resources().get(TYPE_NAME).expect("served");
        let stored = serde_json::json!({
            "id": "222222222222",
            "account_id": "222222222222",
            "credential_types": ["access_keys", "password"],
            "remaining": ["access_key:AKIAEXAMPLE"],
        });
        let raw = serde_json::to_vec(&stored).unwrap();
        let upgraded = server.upgrade_resource_state(handle, 0, &raw).await;
        assert!(
            upgraded.diagnostics.is_empty(),
            "{:?}",
            upgraded.diagnostics
        );
        assert_eq!(
            upgraded.state,
            attributes::object([
                (ID, Value::from("222222222222")),
                (ACCOUNT_ID, Value::from("222222222222")),
                (CREDENTIAL_TYPES, string_set(["access_keys", "password"])),
                (TO_REMOVE, Value::Null),
                (
                    REMAINING,
                    Value::List(vec![Value::from("access_key:AKIAEXAMPLE")])
                ),
                (ROOT_SESSION, Value::Null),
            ])
        );
        let unknown = server.upgrade_resource_state(handle, 7, &raw).await;
        assert!(unknown.diagnostics.has_errors(), "a version never written");
        let version_0_shape = server.upgrade_resource_state(handle, 0, b"[]").await;
        assert!(version_0_shape.diagnostics.has_errors());
        assert!(version_0_shape.state.is_null());
    }

    async fn refresh(ctx: &Context<Aws>, state: &Value) -> ReadResponse {
        test_support::refresh(&RootCredentialsRemovalResource, ctx, state).await
    }

    /// A service control policy now denies root sessions on `id`.
    fn deny_root_sessions(handle: &ServerHandle, id: &str) {
        let deny = AccountPatch {
            assume_root_denied: Some(true),
            ..AccountPatch::default()
        };
        patch(handle, id, deny);
    }

    fn patch(handle: &ServerHandle, id: &str, patch: AccountPatch) {
        handle
            .sandbox()
            .update_account(id, patch)
            .expect("seeded account");
    }

    /// A sandbox, its context, and the state of a removal of every kind from `account_id`.
    async fn removed(account_id: &str) -> (ServerHandle, Context<Aws>, Value) {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let created = create(
            &RootCredentialsRemovalResource,
            &ctx,
            planned(account_id, &ALL_KINDS),
        )
        .await;
        assert!(
            !created.diagnostics.has_errors(),
            "{:?}",
            created.diagnostics
        );
        (handle, ctx, created.state)
    }

    #[tokio::test]
    async fn an_account_that_cannot_be_audited_keeps_its_state_and_warns() {
        let (handle, ctx, created) = removed("222222222222").await;
        deny_root_sessions(&handle, "222222222222");
        let read = refresh(&ctx, &created).await;
        assert!(!read.diagnostics.has_errors(), "{:?}", read.diagnostics);
        assert_eq!(read.state, created, "the last refresh's state stays");
        let warning = read.diagnostics.iter().next().expect("a warning");
        assert_eq!(
            warning.summary,
            "Account 222222222222 not audited: A service control policy denies the call"
        );
        assert_eq!(warning.attribute, Some(AttributePath::root(ACCOUNT_ID)));
        assert!(
            warning
                .detail
                .contains("(nothing left of the selected kinds)"),
            "{}",
            warning.detail
        );
        assert!(
            warning
                .detail
                .contains("with an explicit deny in a service control policy"),
            "the cause as AWS said it: {}",
            warning.detail
        );

        patch(
            &handle,
            "222222222222",
            AccountPatch {
                assume_root_denied: Some(false),
                status: Some("SUSPENDED".into()),
                ..AccountPatch::default()
            },
        );
        let read = refresh(&ctx, &created).await;
        assert_eq!(read.state, created);
        let warning = read.diagnostics.iter().next().expect("a warning");
        assert_eq!(
            warning.summary,
            "Account 222222222222 not audited: AWS refused a root session on the account"
        );
        assert!(
            warning
                .detail
                .contains("The account is SUSPENDED in the organization."),
            "{}",
            warning.detail
        );
    }

    #[tokio::test]
    async fn an_account_that_left_the_organization_is_forgotten_with_a_warning() {
        let (handle, ctx, created) = removed("333333333333").await;
        let mut model = handle.sandbox().snapshot();
        for account in &mut model.accounts {
            if account.id == "333333333333" {
                account.in_organization = false;
            }
        }
        handle.sandbox().replace(model);
        let read = refresh(&ctx, &created).await;
        assert!(!read.diagnostics.has_errors(), "{:?}", read.diagnostics);
        assert!(read.state.is_null(), "forgotten");
        let warning = read.diagnostics.iter().next().expect("a warning");
        assert_eq!(
            warning.summary,
            "Account 333333333333 is no longer in the organization"
        );
        assert!(
            warning.detail.contains("nothing changes in AWS"),
            "{}",
            warning.detail
        );
    }

    #[tokio::test]
    async fn a_failure_that_would_hit_every_account_fails_the_refresh() {
        let (handle, ctx, created) = removed("222222222222").await;
        handle.shutdown().await.expect("the sandbox stops");
        let read = refresh(&ctx, &created).await;
        let error = read.diagnostics.errors().next().expect("an error");
        assert!(
            error
                .summary
                .starts_with("Nothing answers at the STS endpoint"),
            "{}",
            error.summary
        );
    }

    #[tokio::test]
    async fn a_failed_removal_keeps_what_was_done_in_state() {
        let (_handle, ctx) = sandbox(seed(), fail("DeleteAccessKey")).await;
        let resp = create(
            &RootCredentialsRemovalResource,
            &ctx,
            planned("333333333333", &ALL_KINDS),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        let remaining: Vec<&str> = resp
            .state
            .attr(REMAINING)
            .elements()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(remaining.len(), 3, "the password went first: {remaining:?}");
        assert!(remaining[0].starts_with("access_key:"));
    }

    #[tokio::test]
    async fn without_root_sessions_the_error_points_at_account_id() {
        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let resp = create(
            &RootCredentialsRemovalResource,
            &ctx,
            planned("333333333333", &ALL_KINDS),
        )
        .await;
        let error = resp.diagnostics.errors().next().unwrap();
        assert_eq!(error.attribute, Some(AttributePath::root(ACCOUNT_ID)));
        assert!(error.detail.contains("RootSessions"), "{}", error.detail);
        assert!(resp.state.is_null(), "nothing was done");
    }

    #[tokio::test]
    async fn import_by_id_or_by_identity_reads_a_removal_of_every_kind() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        let by_id = import_by_id(TYPE_NAME, &ctx, "222222222222").await;
        let identity = attributes::object([(ACCOUNT_ID, Value::from("222222222222"))]);
        let by_identity = import_by_identity(TYPE_NAME, &ctx, identity).await;
        assert!(!by_id.diagnostics.has_errors(), "{:?}", by_id.diagnostics);
        assert!(!by_identity.diagnostics.has_errors());
        assert_eq!(by_id.state, by_identity.state);
        assert_eq!(by_id.state.attr(REMAINING), &Value::Null, "not audited yet");

        let read = refresh(&ctx, &by_id.state).await;
        assert!(!read.diagnostics.has_errors(), "{:?}", read.diagnostics);
        let model = handle.sandbox().snapshot();
        let root = &model.account("222222222222").unwrap().root;
        let expected = usize::from(root.login_profile.is_some())
            + root.access_keys.len()
            + root.signing_certificates.len()
            + root.mfa_devices.len();
        assert!(expected >= 4, "the member holds every kind");
        assert_eq!(read.state.attr(ID).as_str(), Some("222222222222"));
        let mut every_kind = ALL_KINDS;
        every_kind.sort_unstable();
        assert_eq!(read.state.attr(CREDENTIAL_TYPES), &string_set(every_kind));
        assert_eq!(
            read.state.attr(REMAINING).elements().map(<[Value]>::len),
            Some(expected),
            "every credential the member holds"
        );
        assert_eq!(
            refresh(&ctx, &read.state).await.state,
            read.state,
            "read is stable"
        );
        assert_eq!(
            handle
                .sandbox()
                .requests()
                .operations
                .get("DeleteAccessKey"),
            None
        );

        for wrong in ["22222222222", "222222222222/iam.amazonaws.com", ""] {
            let refused = import_by_id(TYPE_NAME, &ctx, wrong).await;
            let error = refused.diagnostics.errors().next().expect("an error");
            assert_eq!(error.summary, "Invalid import ID");
            assert!(error.detail.contains("12-digit"), "{}", error.detail);
        }
    }

    #[tokio::test]
    async fn an_account_that_cannot_be_audited_cannot_be_imported() {
        let (handle, ctx) = sandbox(seed(), FaultConfig::default()).await;
        deny_root_sessions(&handle, "222222222222");
        let imported = import_by_id(TYPE_NAME, &ctx, "222222222222").await;
        let read = refresh(&ctx, &imported.state).await;
        let error = read.diagnostics.errors().next().expect("an error");
        assert!(
            error
                .summary
                .starts_with("Account 222222222222 cannot be imported"),
            "{}",
            error.summary
        );
        assert_eq!(error.attribute, Some(AttributePath::root(ACCOUNT_ID)));
    }
}
