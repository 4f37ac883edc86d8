//! `centralroot_delegated_admin`: a member account registered as delegated administrator for a
//! service (by default IAM, for centralized root access) through AWS Organizations.
//!
//! A registration has no update: both arguments replace it. Refreshes go through the provider's
//! shared listing ([`Aws::find_delegated_admin`]), so refreshing N registrations costs ⌈N/20⌉
//! `ListDelegatedAdministrators` pages per service principal, not N calls. A create reads its
//! own registration back by account (`ListDelegatedServicesForAccount` and `DescribeAccount`)
//! instead of listing, so creating N costs N registrations and 2N reads, and no listing.
//!
//! This file holds the schema and the operations; `model.rs` the typed state, `import.rs` the
//! import ID formats and import by ID or identity, `validation.rs` what an account ID and a
//! service principal are, `moved.rs` `moved` blocks from hashicorp/aws.

mod import;
mod model;
mod moved;
mod validation;

pub use import::ImportIdError;
pub use model::RegistrationId;
pub(crate) use model::state_value;
pub(crate) use validation::ServicePrincipal;
pub use validation::is_service_principal;

use async_trait::async_trait;

use self::model::Registration;
use crate::aws::calls;
use crate::aws::{Aws, ErrorKind, IAM_SERVICE_PRINCIPAL, Reason};
use crate::cty::{AttributePath, Type, Value};
use crate::framework::attributes;
use crate::framework::context::Context;
use crate::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ModifyPlanRequest, ModifyPlanResponse, MoveSource, MoveStateRequest,
    MoveStateResponse, ReadRequest, ReadResponse, Resource, UpdateRequest, UpdateResponse,
    refuse_update,
};
use crate::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use crate::framework::validators::StringMatches;
use crate::types_common::advice::{self, Targets};
use crate::types_common::delegated_admin::{
    ACCOUNT_ID, ARN, DELEGATION_ENABLED_DATE, EMAIL, JOINED_METHOD, JOINED_TIMESTAMP, NAME, STATUS,
};
use crate::types_common::permissions::{Permissions, Step};

/// The name configurations and import commands address this type by.
pub const TYPE_NAME: &str = "centralroot_delegated_admin";

/// What the resource may ask of AWS, by operation: its page's Permissions section, its share of
/// the provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Plan, &[calls::ORGANIZATION]),
    (Step::Read, &[calls::DELEGATED_ADMINS]),
    (Step::Import, &[]),
    (Step::Create, &[calls::REGISTER_DELEGATED_ADMIN]),
    (Step::Delete, &[calls::DEREGISTER_DELEGATED_ADMIN]),
]);

/// The registration as `ACCOUNT/PRINCIPAL`, the import ID.
const ID: &str = "id";
/// The service the account administers.
const SERVICE_PRINCIPAL: &str = "service_principal";

/// Failures about the account point at `account_id`; a service without trusted access, at the
/// service principal.
const TARGETS: Targets = Targets {
    account: Some(ACCOUNT_ID),
    trusted_access: Some(SERVICE_PRINCIPAL),
    features: None,
};

/// The resource: one registration, replaced whenever an argument changes.
#[derive(Debug, Clone, Copy, Default)]
pub struct DelegatedAdminResource;

fn computed(description: &str) -> Attribute {
    Attribute::computed(Type::String)
        .description(description)
        .plan_modifier(UseStateForUnknown)
}

#[async_trait]
impl Resource<Aws> for DelegatedAdminResource {
    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(0)
                .attribute(
                    ACCOUNT_ID,
                    IdentityAttribute::required_for_import(Type::String)
                        .description("The 12-digit ID of the registered member account."),
                )
                .attribute(
                    SERVICE_PRINCIPAL,
                    IdentityAttribute::optional_for_import(Type::String).description(
                        "The service the account administers; iam.amazonaws.com when an \
                         `import` block leaves it out.",
                    ),
                ),
        )
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .description(
                    "Registers a member account of the organization as delegated administrator \
                     for a service in AWS Organizations; by default for IAM \
                     (iam.amazonaws.com), which lets that account manage centralized root access \
                     instead of the management account. Trusted access for the service must be \
                     enabled first (centralroot_organization_features with \
                     enable_trusted_access = true). Import with the ID ACCOUNT or \
                     ACCOUNT/PRINCIPAL.",
                )
                .attribute(
                    ACCOUNT_ID,
                    Attribute::required(Type::String)
                        .description(
                            "The 12-digit ID of the member account to register. The \
                             organization's management account cannot be registered.",
                        )
                        .validator(StringMatches::account_id())
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    SERVICE_PRINCIPAL,
                    Attribute::optional_computed(Type::String)
                        .description(
                            "The service the account administers, as its service principal; \
                             iam.amazonaws.com is centralized root access.",
                        )
                        .default_value(Value::String(IAM_SERVICE_PRINCIPAL.to_owned()))
                        .validator(ServicePrincipal)
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    ID,
                    computed("The registration, as ACCOUNT/PRINCIPAL (the import ID)."),
                )
                .attribute(ARN, computed("The ARN of the registered account."))
                .attribute(
                    EMAIL,
                    computed("The email address of the registered account."),
                )
                .attribute(NAME, computed("The name of the registered account."))
                .attribute(
                    STATUS,
                    computed(
                        "The status of the registered account in the organization: ACTIVE, \
                         SUSPENDED or PENDING_CLOSURE.",
                    ),
                )
                .attribute(
                    JOINED_METHOD,
                    computed("How the account joined the organization: INVITED or CREATED."),
                )
                .attribute(
                    JOINED_TIMESTAMP,
                    computed("When the account joined the organization (RFC 3339)."),
                )
                .attribute(
                    DELEGATION_ENABLED_DATE,
                    computed(
                        "When the account became delegated administrator for the service \
                         (RFC 3339).",
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
        // Only a new registration can name the management account: an existing one passed
        // this check, and account_id changes replace it, which plans a create.
        if !req.prior_state.is_null() || req.config.is_null() {
            return;
        }
        let Ok(Some(account_id)) = attributes::optional_string(&req.config, ACCOUNT_ID) else {
            return;
        };
        // The check only saves a failed apply; without an answer, apply reports AWS's own.
        if let Some(org) = ctx
            .provider_data()
            .organization_managed_from(&account_id)
            .await
        {
            resp.diagnostics.attribute_error(
                AttributePath::root(ACCOUNT_ID),
                "The management account cannot be a delegated administrator",
                format!(
                    "{account_id} is the management account of organization {}, which AWS \
                     Organizations refuses to register ({}); it already has every permission a \
                     delegated administrator gets. Choose a member account.",
                    org.id,
                    Reason::CannotRegisterMasterAsDelegatedAdministrator
                ),
            );
        }
    }

    async fn create(&self, ctx: &Context<Aws>, req: CreateRequest, resp: &mut CreateResponse) {
        let id = match RegistrationId::from_value(&req.planned_state) {
            Ok(id) => id,
            Err(err) => {
                return resp.diagnostics.attribute_error(
                    err.path(),
                    "Unknown registration",
                    format!(
                        "{err}: {ACCOUNT_ID} and {SERVICE_PRINCIPAL} must be known at apply. \
                         This is a bug in the provider, please report it."
                    ),
                );
            }
        };
        let aws = ctx.provider_data();
        let registration = match aws
            .register_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(registration) => registration,
            Err(err) => return TARGETS.report(&mut resp.diagnostics, &err),
        };
        tracing::info!(registration = %id, "registered delegated administrator");
        // Recorded before the read, so that a failure or an interruption from here on
        // leaves the registration in state rather than orphaned in AWS.
        resp.state = Registration::unlisted(id.clone()).to_value();
        // The registration is done: Terraform's Ctrl-C only skips the read of its details,
        // which the next refresh makes anyway, and the create succeeds so the object is not
        // tainted. The read is of this one account, not the whole listing, so N creates cost
        // N reads rather than N listings.
        match ctx.unless_cancelled(registration.read()).await {
            Some(Ok(Some(details))) => resp.state = Registration { id, details }.to_value(),
            Some(Ok(None)) => resp.diagnostics.warning(
                "Registration not listed yet",
                format!(
                    "{id} was registered, but ListDelegatedServicesForAccount does not show it \
                     yet, so its details are empty until the next refresh."
                ),
            ),
            Some(Err(err)) => TARGETS.report(&mut resp.diagnostics, &err),
            None => resp.diagnostics.warning(
                "Registration details not read",
                format!(
                    "{id} was registered, and Terraform asked the provider to stop before \
                     its details were read, so they are empty until the next refresh."
                ),
            ),
        }
    }

    async fn read(&self, ctx: &Context<Aws>, req: ReadRequest, resp: &mut ReadResponse) {
        let id = match RegistrationId::from_value(&req.state) {
            Ok(id) => id,
            Err(err) => {
                return resp.diagnostics.error(
                    "Incomplete state",
                    format!(
                        "The state of this delegated administrator is incomplete ({err}). Remove \
                         it from state (terraform state rm) and import it again."
                    ),
                );
            }
        };
        match ctx
            .provider_data()
            .find_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(Some(details)) => resp.state = Registration { id, details }.to_value(),
            Ok(None) => {
                tracing::info!(registration = %id, "delegated administrator no longer registered");
                resp.state = Value::Null;
            }
            Err(err) if err.kind == ErrorKind::OrganizationNotFound => {
                resp.diagnostics.warning(
                    err.summary(),
                    format!(
                        "{id} was removed from state: without an organization there is no \
                         delegated administrator.\n\n{}",
                        advice::detail(&err)
                    ),
                );
                resp.state = Value::Null;
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(&self, _ctx: &Context<Aws>, req: UpdateRequest, resp: &mut UpdateResponse) {
        // Every argument requires replacement, so Terraform never plans an update.
        refuse_update(TYPE_NAME, req, resp);
    }

    async fn delete(&self, ctx: &Context<Aws>, req: DeleteRequest, resp: &mut DeleteResponse) {
        // A state without both arguments never reached AWS: nothing to deregister.
        let Ok(id) = RegistrationId::from_value(&req.state) else {
            return;
        };
        match ctx
            .provider_data()
            .deregister_delegated_admin(&id.account_id, &id.service_principal)
            .await
        {
            Ok(()) => tracing::info!(registration = %id, "deregistered delegated administrator"),
            // An account that left the organization is no longer anyone's administrator.
            Err(err) if err.kind == ErrorKind::AccountNotFound => {
                tracing::info!(registration = %id, "account left the organization");
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
        import::import_state(req, resp);
    }

    fn moved_from(&self) -> Vec<MoveSource> {
        vec![moved::MOVE_SOURCE]
    }

    async fn move_state(&self, req: MoveStateRequest, resp: &mut MoveStateResponse) {
        moved::move_state(req, resp);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::{AwsError, Operation};
    use crate::resources::test_support::{create, fail, sandbox, seed_with_trusted_access, update};
    use crate::types_common::delegated_admin::DETAILS;

    #[test]
    fn failures_point_at_the_argument_they_concern() {
        let err = |kind| AwsError::of(Operation::RegisterDelegatedAdministrator, kind);
        let cases = [
            (ErrorKind::AccountAlreadyRegistered, Some(ACCOUNT_ID)),
            (ErrorKind::AccountNotFound, Some(ACCOUNT_ID)),
            (
                ErrorKind::ConstraintViolation(Some(
                    Reason::CannotRegisterMasterAsDelegatedAdministrator,
                )),
                Some(ACCOUNT_ID),
            ),
            (
                ErrorKind::ConstraintViolation(Some(Reason::ServiceAccessNotEnabled)),
                Some(SERVICE_PRINCIPAL),
            ),
            (
                ErrorKind::ConstraintViolation(Some(
                    Reason::MaxDelegatedAdministratorsForServiceLimitExceeded,
                )),
                None,
            ),
            (ErrorKind::AccessDenied, None),
            (ErrorKind::Throttled, None),
        ];
        for (kind, want) in cases {
            assert_eq!(
                TARGETS.path(&err(kind.clone())),
                want.map(AttributePath::root),
                "{kind:?}"
            );
        }
    }

    fn planned(account: &str) -> Value {
        attributes::object(
            [
                (ID, Value::unknown()),
                (ACCOUNT_ID, Value::from(account)),
                (SERVICE_PRINCIPAL, Value::from(IAM_SERVICE_PRINCIPAL)),
            ]
            .into_iter()
            .chain(DETAILS.map(|name| (name, Value::unknown()))),
        )
    }
    #[tokio::test]
    async fn a_registration_is_in_state_even_when_the_read_after_it_fails() {
        let (handle, ctx) = sandbox(
            seed_with_trusted_access(),
            fail("ListDelegatedServicesForAccount"),
        )
        .await;
        let resp = create(&DelegatedAdminResource, &ctx, planned("222222222222")).await;
        assert!(resp.diagnostics.has_errors(), "the read failed");
        assert_eq!(
            handle.sandbox().snapshot().delegated_administrators.len(),
            1,
            "registered in AWS"
        );
        let id = RegistrationId::parse_import("222222222222").unwrap();
        assert_eq!(resp.state, Registration::unlisted(id).to_value());
        assert!(resp.state.is_wholly_known());
    }
    #[tokio::test]
    async fn a_stop_keeps_the_registration_and_skips_only_its_read() {
        use centralroot_sandbox::faults::FaultConfig;
        use tokio_util::sync::CancellationToken;
        let (handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let stopped = CancellationToken::new();
        stopped.cancel();
        let ctx = Context::new(ctx.provider_data_arc(), stopped);
        let resp = create(&DelegatedAdminResource, &ctx, planned("222222222222")).await;
        assert!(
            !resp.diagnostics.has_errors(),
            "a completed registration is no error: {:?}",
            resp.diagnostics
        );
        let summaries: Vec<_> = resp
            .diagnostics
            .iter()
            .map(|d| d.summary.as_str())
            .collect();
        assert_eq!(summaries, ["Registration details not read"]);
        assert_eq!(
            handle.sandbox().snapshot().delegated_administrators.len(),
            1,
            "the registration ran although the stop came first"
        );
        let id = RegistrationId::parse_import("222222222222").unwrap();
        assert_eq!(resp.state, Registration::unlisted(id).to_value());
    }
    #[tokio::test]
    async fn update_answers_the_prior_state_whatever_the_response_started_as() {
        use centralroot_sandbox::faults::FaultConfig;
        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let id = RegistrationId::parse_import("222222222222").unwrap();
        let prior = Registration::unlisted(id).to_value();
        let resp = update(
            &DelegatedAdminResource,
            &ctx,
            prior.clone(),
            planned("222222222222"),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        assert_eq!(resp.state, prior);
    }
}
