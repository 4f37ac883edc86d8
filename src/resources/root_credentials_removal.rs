//! Resource `centralroot_root_credentials_removal`: declares that a member account's root user
//! has no credentials of the selected kinds. Create and update delete them through one root
//! session with `IAMDeleteRootUserCredentials` (MFA devices are deactivated: the task policy
//! cannot delete them); read audits with `IAMAuditRootUserCredentials` and shows what came back
//! in `remaining`, which the next plan turns into an in-place update that removes it. Destroy
//! only forgets: deleted credentials cannot be restored.
//!
//! A refresh that cannot audit its account (a service control policy, a suspended account)
//! keeps the state of the last refresh and warns, so that one member never breaks the plan of
//! the organization; a failure that would hit every account alike (the caller's credentials,
//! the network) is an error. An account that left the organization is forgotten.

use std::pin::pin;

use async_trait::async_trait;
use futures::StreamExt;

use crate::aws::{Aws, AwsError, Membership, RootCredential, TaskPolicy, concerns_one_account};
use crate::cty::{AttributePath, Type, Value};
use crate::framework::attributes;
use crate::framework::context::Context;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ModifyPlanRequest,
    ModifyPlanResponse, ReadRequest, ReadResponse, Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::SetElementsOneOf;
use crate::framework::values::string_set;
use crate::types_common::removal::{
    self, ACCOUNT_ID, ALL_KINDS, CREDENTIAL_TYPES, Removal, TARGETS,
};
use crate::types_common::{advice, root_task};

/// The name configurations address this resource by.
pub const TYPE_NAME: &str = "centralroot_root_credentials_removal";

const ID: &str = "id";
const REMAINING: &str = "remaining";

/// The resource.
#[derive(Debug, Clone, Copy, Default)]
pub struct RootCredentialsRemovalResource;

/// The state of `removal` with `remaining` left.
fn state(removal: &Removal, remaining: &[RootCredential]) -> Value {
    attributes::object([
        (ID, Value::from(removal.account_id.as_str())),
        (ACCOUNT_ID, Value::from(removal.account_id.as_str())),
        (CREDENTIAL_TYPES, removal.kinds_value()),
        (
            REMAINING,
            Value::List(
                remaining
                    .iter()
                    .map(|c| Value::from(removal::label(c).as_str()))
                    .collect(),
            ),
        ),
    ])
}

/// Create and update alike: removes what `planned` selects through one root session,
/// recording in `recorded` the state with what is left after the session's audit and after
/// each confirmed removal. Every removal runs to completion once started: the engine lets a write in
/// progress finish when Terraform stops the provider.
async fn apply_planned(
    ctx: &Context<Aws>,
    planned: &Value,
    recorded: &mut Value,
    diags: &mut Diagnostics,
) {
    let removal = match Removal::from_value(planned) {
        Ok(removal) => removal,
        Err(err) => return invalid(diags, &err),
    };
    let aws = ctx.provider_data();
    let mut steps = pin!(aws.remove_root_credentials(&removal.account_id, &removal.kinds));
    while let Some(step) = steps.next().await {
        match step {
            Ok(step) => *recorded = state(&removal, step.left()),
            Err(err) => return TARGETS.report(diags, &err),
        }
    }
}

/// A refresh whose audit failed for a reason about this account alone: the state of the last
/// refresh stays, with a warning that names the account and the cause, unless the account is no
/// longer in the organization, which forgets the removal.
async fn not_audited(aws: &Aws, removal: &Removal, err: &AwsError, resp: &mut ReadResponse) {
    let id = &removal.account_id;
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
        Diagnostic::warning(
            format!("Account {id} not audited: {}", err.summary()),
            format!(
                "The refresh could not audit the root credentials of account {id}, so the state \
                 keeps what the last refresh found ({kept}) and the plan changes nothing for \
                 this account: credentials that came back on it stay unseen until it can be \
                 audited again, and an apply that changes this removal fails until then.\
                 {standing}\n\n{}",
                advice::detail(err)
            ),
        )
        .at(AttributePath::root(ACCOUNT_ID)),
    );
}

fn invalid(diags: &mut Diagnostics, err: &attributes::AttributeError) {
    diags.attribute_error(
        err.path(),
        "Unknown argument at apply",
        format!("{err}. This is a bug in the provider, please report it."),
    );
}

#[async_trait]
impl Resource<Aws> for RootCredentialsRemovalResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Removes the root user credentials of a member account and keeps them \
                     removed: create deletes the selected kinds through a root session \
                     (sts:AssumeRoot with IAMDeleteRootUserCredentials; MFA devices are \
                     deactivated, as the task policy no longer deletes them); refresh audits \
                     the account, and credentials that reappear show in the next plan as an \
                     in-place update that removes them. Destroy only forgets: deleted \
                     credentials cannot be restored. The provider must run as the management \
                     account or as the IAM delegated administrator, with the IAM organization \
                     feature RootCredentialsManagement enabled (the feature AWS ties to the \
                     audit and removal of root credentials by the best current reading; with \
                     RootSessions enabled too, every reading is covered); the management account \
                     itself cannot be a target. A refresh that cannot audit its account (a \
                     service control policy, a suspended account) keeps the last known state \
                     and warns instead of failing the plan; an account no longer in the \
                     organization is forgotten.",
                )
                .attribute(
                    ID,
                    Attribute::computed(Type::String)
                        .description("The account ID.")
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    ACCOUNT_ID,
                    removal::account_id_attribute().plan_modifier(RequiresReplace),
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
                    REMAINING,
                    Attribute::computed(Type::list(Type::String)).description(
                        "Root credentials of the selected kinds found by the last refresh \
                         (`password`, `access_key:ID`, `signing_certificate:ID`, \
                         `mfa_device:SERIAL`); empty after apply. When not empty, the plan \
                         updates the resource to remove them.",
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
        // Apply always ends with nothing of the selected kinds left.
        if let Value::Object(attrs) = &mut resp.planned_state {
            attrs.insert(REMAINING.to_owned(), Value::List(Vec::new()));
        }
        // Only a new removal can name the management account: account_id forces a
        // replacement, which plans a create.
        if !req.prior_state.is_null() {
            return;
        }
        root_task::refuse_management_account(
            ctx.provider_data(),
            &req.config,
            TaskPolicy::DeleteRootUserCredentials,
            &mut resp.diagnostics,
        )
        .await;
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
            Ok(report) => resp.state = state(&removal, &report.of_kinds(&removal.kinds)),
            Err(err) if concerns_one_account(&err) => {
                not_audited(aws, &removal, &err, resp).await;
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(&self, ctx: &Context<Aws>, req: UpdateRequest, resp: &mut UpdateResponse) {
        let (recorded, diags) = (&mut resp.state, &mut resp.diagnostics);
        apply_planned(ctx, &req.planned_state, recorded, diags).await;
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::values::ValueExt;
    use crate::resources::test_support::{create, fail, sandbox, seed_with_trusted_access};
    use centralroot_sandbox::seed::{AccountPatch, Feature};
    use centralroot_sandbox::{FaultConfig, ServerHandle};

    fn planned(account_id: &str, kinds: &[&str]) -> Value {
        attributes::object([
            (ID, Value::unknown()),
            (ACCOUNT_ID, Value::from(account_id)),
            (CREDENTIAL_TYPES, string_set(kinds.iter().copied())),
            (REMAINING, Value::List(Vec::new())),
        ])
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
    }

    /// Refreshes `state` as the engine would, the response starting from the stored state.
    async fn refresh(ctx: &Context<Aws>, state: &Value) -> ReadResponse {
        let mut resp = ReadResponse {
            state: state.clone(),
            private: Vec::new(),
            identity: Value::Null,
            diagnostics: Diagnostics::new(),
        };
        let req = ReadRequest {
            state: state.clone(),
            private: Vec::new(),
            identity: Value::Null,
        };
        RootCredentialsRemovalResource
            .read(ctx, req, &mut resp)
            .await;
        resp
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
        patch(
            &handle,
            "222222222222",
            AccountPatch {
                assume_root_denied: Some(true),
                ..AccountPatch::default()
            },
        );
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
}
