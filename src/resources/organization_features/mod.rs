//! `centralroot_organization_features`: the IAM centralized root access features of the
//! organization, owned as a whole set.
//!
//! The resource owns every feature of the organization: create and update enable what the
//! configuration lists and disable the rest, and features turned off outside Terraform show as
//! an in-place update rather than as a vanished resource. `enable_trusted_access` is an
//! instruction, not a remote property: it makes create and update turn on trusted access for
//! IAM in Organizations first, and is never read back from AWS except at import. Left out of
//! the configuration it keeps what the state holds (false on create), so a configuration that
//! omits it never fights what import or a `moved` block recorded.
//!
//! This file holds the schema and the operations; `model.rs` the typed plan and state,
//! `converge.rs` how create and update reach the plan and record each step, `import.rs` import
//! and the configuration generated for it, `moved.rs` `moved` blocks from hashicorp/aws.

mod converge;
mod import;
mod model;
mod moved;

pub use converge::FeatureChanges;
pub use import::{InvalidImportId, parse_import_id};
pub(crate) use model::imported_state;

use std::collections::BTreeSet;

use async_trait::async_trait;

use self::converge::{converge, enabled_now, report_failure};
use self::model::{Plan, State, unreadable};
use crate::aws::calls;
use crate::aws::{Aws, AwsError, ErrorKind, Feature, IAM_SERVICE_PRINCIPAL};
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::plan_modifiers::UseStateForUnknown;
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, GenerateConfigRequest,
    GenerateConfigResponse, ImportStateRequest, ImportStateResponse, ModifyPlanRequest,
    ModifyPlanResponse, MoveSource, MoveStateRequest, MoveStateResponse, ReadRequest, ReadResponse,
    Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use crate::framework::validators::{SetElementsOneOf, SetNotEmpty};
use crate::framework::values::ValueExt;
use crate::types_common::advice::{self, Targets};
use crate::types_common::permissions::{Permissions, Step};

/// The name configurations and import commands address this type by.
pub const TYPE_NAME: &str = "centralroot_organization_features";

/// What the resource may ask of AWS, by operation: its page's Permissions section, its share of
/// the provider's IAM policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions = Permissions::new(&[
    (Step::Read, &[calls::LIST_FEATURES]),
    (Step::Import, &[calls::ORGANIZATION, calls::TRUSTED_ACCESS]),
    (Step::Create, CONVERGE_CALLS),
    (Step::Update, CONVERGE_CALLS),
    (
        Step::Delete,
        &[calls::LIST_FEATURES, calls::DISABLE_FEATURES],
    ),
]);

/// Create and update alike: trusted access first when asked, then the features either way.
const CONVERGE_CALLS: &[&[crate::aws::Operation]] = &[
    calls::ENSURE_TRUSTED_ACCESS,
    calls::ORGANIZATION,
    calls::LIST_FEATURES,
    calls::ENABLE_FEATURES,
    calls::DISABLE_FEATURES,
];

const ENABLED_FEATURES: &str = "enabled_features";
const ENABLE_TRUSTED_ACCESS: &str = "enable_trusted_access";
const ID: &str = "id";
const ORGANIZATION_ID: &str = "organization_id";

/// Failures about trusted access point at the switch that turns it on; the others, at the
/// features.
const TARGETS: Targets = Targets {
    account: None,
    trusted_access: Some(ENABLE_TRUSTED_ACCESS),
    features: Some(ENABLED_FEATURES),
};

/// The `centralroot_organization_features` resource.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrganizationFeaturesResource;

fn schema() -> Schema {
    let allowed = Feature::ALL.map(Feature::as_str);
    Schema::new(
        0,
        Block::new()
            .description(
                "The IAM centralized root access features of the AWS organization. The resource \
                 owns the organization's whole feature set: features not listed are disabled, \
                 and features disabled outside Terraform are planned to be enabled again.",
            )
            .attribute(
                ENABLED_FEATURES,
                Attribute::required(Type::set(Type::String))
                    .description(
                        "The features to enable: `RootCredentialsManagement` (manage and delete \
                         member accounts' root credentials) and/or `RootSessions` (privileged \
                         root sessions through sts:AssumeRoot). At least one; every other \
                         feature is disabled.",
                    )
                    .validator(SetNotEmpty)
                    .validator(SetElementsOneOf::new(allowed)),
            )
            .attribute(
                ENABLE_TRUSTED_ACCESS,
                Attribute::optional_computed(Type::Bool).description(
                    "When true, create and update first enable trusted access for \
                         iam.amazonaws.com in AWS Organizations if it is off, and wait until IAM \
                         sees it. When false and trusted access is off, apply fails and says how \
                         to fix it. Destroy never disables trusted access, because other \
                         services' integrations and the IAM delegated administrator registration \
                         depend on it: the destroy plan's `true -> null` only removes the \
                         instruction from the state, and the plan says so. Import and a `moved` \
                         block from hashicorp/aws both set it to whether trusted access is on \
                         (true whenever features are enabled, which needs it). Left out, it \
                         keeps the value in state (false when creating).",
                ),
            )
            .attribute(
                ID,
                Attribute::computed(Type::String)
                    .description("The organization ID (same as organization_id).")
                    .plan_modifier(UseStateForUnknown),
            )
            .attribute(
                ORGANIZATION_ID,
                Attribute::computed(Type::String)
                    .description(
                        "The ID of the organization, `o-` followed by 10 to 32 characters.",
                    )
                    .plan_modifier(UseStateForUnknown),
            ),
    )
}

/// Warns, when the state being destroyed says `enable_trusted_access = true`, that destroy
/// leaves trusted access on: the plan shows `true -> null`, which reads as turning it off.
fn trusted_access_stays(state: &Value, diags: &mut Diagnostics) {
    if state.attr(ENABLE_TRUSTED_ACCESS) != &Value::Bool(true) {
        return;
    }
    diags.warning(
        "Trusted access for IAM stays on",
        format!(
            "Destroying {TYPE_NAME} disables the IAM organization features it manages, and never \
             trusted access for {IAM_SERVICE_PRINCIPAL} in AWS Organizations, which other \
             services' integrations and the IAM delegated administrator depend on. The plan's \
             enable_trusted_access = true -> null only removes this instruction from Terraform's \
             state. To turn trusted access off as well, run from the management account, once \
             nothing depends on it:\n  aws organizations disable-aws-service-access \
             --service-principal {IAM_SERVICE_PRINCIPAL}"
        ),
    );
}

#[async_trait]
impl Resource<Aws> for OrganizationFeaturesResource {
    fn schema(&self) -> Schema {
        schema()
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(
            IdentitySchema::new(0).attribute(
                ORGANIZATION_ID,
                IdentityAttribute::required_for_import(Type::String).description(
                    "The ID of the organization, `o-` followed by 10 to 32 characters.",
                ),
            ),
        )
    }

    async fn modify_plan(
        &self,
        _ctx: &Context<Aws>,
        req: ModifyPlanRequest,
        resp: &mut ModifyPlanResponse,
    ) {
        if req.config.is_null() {
            return trusted_access_stays(&req.prior_state, &mut resp.diagnostics);
        }
        // Left out of the configuration, the instruction stays what import, a move or the last
        // apply recorded: it is not a property of AWS to converge to, so there is nothing to
        // change. Without a prior state there is nothing to keep, and the default is false.
        if !req.config.attr(ENABLE_TRUSTED_ACCESS).is_null() {
            return;
        }
        let kept = match req.prior_state.attr(ENABLE_TRUSTED_ACCESS) {
            Value::Bool(prior) => *prior,
            _ => false,
        };
        if resp
            .planned_state
            .set_attr(ENABLE_TRUSTED_ACCESS, Value::Bool(kept))
            .is_err()
        {
            tracing::debug!("planned state is not an object; nothing to keep");
        }
    }

    async fn create(&self, ctx: &Context<Aws>, req: CreateRequest, resp: &mut CreateResponse) {
        let plan = match Plan::from_value(&req.planned_state) {
            Ok(plan) => plan,
            Err(err) => return unreadable(&mut resp.diagnostics, "plan", &err),
        };
        let aws = ctx.provider_data();
        let mut last = None;
        let result = converge(
            aws,
            ctx.cancellation(),
            &plan,
            None,
            &mut |state: &State| {
                resp.state = state.to_value();
                last = Some(state.clone());
            },
        )
        .await;
        match result {
            Ok(done) => resp.state = done.to_value(),
            Err(err) => {
                report_failure(ctx, &plan, &err, &mut resp.diagnostics);
                // Nothing recorded means nothing changed: the state stays null, and the next
                // create adopts whatever is enabled by then.
                if let Some(mut state) = last {
                    if let Some(enabled) = enabled_now(ctx).await {
                        state.enabled = enabled;
                    }
                    resp.state = state.to_value();
                }
            }
        }
    }

    async fn read(&self, ctx: &Context<Aws>, req: ReadRequest, resp: &mut ReadResponse) {
        let state = match State::from_value(&req.state) {
            Ok(state) => state,
            Err(err) => return unreadable(&mut resp.diagnostics, "state", &err),
        };
        match ctx.provider_data().list_features().await {
            Ok(found) => {
                if let Some(known) = state
                    .organization_id
                    .as_ref()
                    .filter(|known| **known != found.organization_id)
                {
                    resp.diagnostics.error(
                        "Credentials see another organization",
                        format!(
                            "The state holds the features of organization {known}, but the \
                             provider's credentials belong to organization {}. Configure the \
                             provider with credentials of {known}'s management account.",
                            found.organization_id
                        ),
                    );
                    return;
                }
                resp.state = State {
                    organization_id: Some(found.organization_id),
                    enabled: found.enabled,
                    ..state
                }
                .to_value();
            }
            // Trusted access turned off outside Terraform: no feature works, so none counts as
            // enabled and the plan re-enables them in place (and trusted access with them when
            // enable_trusted_access is true).
            Err(err) if err.kind == ErrorKind::ServiceAccessNotEnabled => {
                tracing::info!("trusted access for IAM is off; no feature counts as enabled");
                resp.state = State {
                    enabled: BTreeSet::new(),
                    ..state
                }
                .to_value();
            }
            Err(err) if err.kind == ErrorKind::OrganizationNotFound => {
                resp.diagnostics.warning(
                    "Organization no longer exists",
                    format!(
                        "The provider's credentials are no longer in an AWS organization, so \
                         {TYPE_NAME} was removed from state; the next plan creates it again.\n\n{}",
                        advice::detail(&err)
                    ),
                );
                resp.state = Value::Null;
            }
            Err(err) => TARGETS.report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(&self, ctx: &Context<Aws>, req: UpdateRequest, resp: &mut UpdateResponse) {
        // Until a change is confirmed, AWS is as the prior state says.
        resp.state = req.prior_state.clone();
        let (plan, prior) = match (
            Plan::from_value(&req.planned_state),
            State::from_value(&req.prior_state),
        ) {
            (Ok(plan), Ok(prior)) => (plan, prior),
            (Err(err), _) => return unreadable(&mut resp.diagnostics, "plan", &err),
            (_, Err(err)) => return unreadable(&mut resp.diagnostics, "prior state", &err),
        };
        let aws = ctx.provider_data();
        let mut last = prior.clone();
        let result = converge(
            aws,
            ctx.cancellation(),
            &plan,
            Some(prior),
            &mut |state: &State| {
                resp.state = state.to_value();
                last = state.clone();
            },
        )
        .await;
        match result {
            Ok(done) => resp.state = done.to_value(),
            Err(err) => {
                report_failure(ctx, &plan, &err, &mut resp.diagnostics);
                // Record what is really enabled, so the next plan shows what is left to do.
                if let Some(enabled) = enabled_now(ctx).await {
                    last.enabled = enabled;
                }
                resp.state = last.to_value();
            }
        }
    }

    async fn delete(&self, ctx: &Context<Aws>, req: DeleteRequest, resp: &mut DeleteResponse) {
        // Said again at apply: Terraform before 1.3 does not ask the provider to plan a destroy.
        trusted_access_stays(&req.state, &mut resp.diagnostics);
        let aws = ctx.provider_data();
        let nothing_left = |e: &AwsError| {
            matches!(
                e.kind,
                ErrorKind::ServiceAccessNotEnabled | ErrorKind::OrganizationNotFound
            )
        };
        // A fresh read rather than the state: features enabled since the last refresh are the
        // resource's too.
        let enabled = match aws.list_features().await {
            Ok(found) => found.enabled,
            Err(err) if nothing_left(&err) => return,
            Err(err) => return TARGETS.report(&mut resp.diagnostics, &err),
        };
        for feature in enabled {
            match aws.disable_feature(feature).await {
                Ok(_) => {}
                Err(err) if nothing_left(&err) => return,
                Err(err) => return TARGETS.report(&mut resp.diagnostics, &err),
            }
        }
    }

    async fn import_state(
        &self,
        ctx: &Context<Aws>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        import::import_state(ctx, req, resp).await;
    }

    async fn generate_config(&self, req: GenerateConfigRequest, resp: &mut GenerateConfigResponse) {
        import::generate_config(req, resp);
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
    use crate::aws::Operation;
    use crate::framework::attributes;
    use crate::framework::values::string_set;
    use crate::resources::test_support::feature_set;
    use crate::resources::test_support::{
        create, fail, plan, sandbox, seed_with_trusted_access, update,
    };
    use Feature::{RootCredentialsManagement as Rcm, RootSessions as Rs};
    use centralroot_sandbox::faults::FaultConfig;

    #[test]
    fn errors_point_at_what_they_concern() {
        let err = AwsError::of;
        let cases = [
            (
                err(
                    Operation::ListOrganizationsFeatures,
                    ErrorKind::ServiceAccessNotEnabled,
                ),
                Some(ENABLE_TRUSTED_ACCESS),
            ),
            (
                err(
                    Operation::EnableOrganizationsRootSessions,
                    ErrorKind::Throttled,
                ),
                Some(ENABLED_FEATURES),
            ),
            (
                err(
                    Operation::EnableAwsServiceAccess,
                    ErrorKind::ConcurrentModification,
                ),
                Some(ENABLE_TRUSTED_ACCESS),
            ),
            (
                err(
                    Operation::ListOrganizationsFeatures,
                    ErrorKind::NotManagementOrDelegatedAdministrator,
                ),
                None,
            ),
            (
                err(
                    Operation::ListOrganizationsFeatures,
                    ErrorKind::NotAllFeaturesMode,
                ),
                None,
            ),
            (
                err(
                    Operation::ListOrganizationsFeatures,
                    ErrorKind::InvalidCredentials,
                ),
                None,
            ),
        ];
        for (err, path) in cases {
            assert_eq!(
                TARGETS.path(&err),
                path.map(crate::cty::AttributePath::root),
                "{:?} in {}",
                err.kind,
                err.operation
            );
        }
    }
    #[test]
    fn schema_describes_every_attribute() {
        let schema = schema();
        for (name, attr) in schema.block.attributes() {
            assert!(
                !attr.get_description().plain.is_empty(),
                "{name} has no description"
            );
        }
        let features = schema.block.attribute_named(ENABLED_FEATURES);
        assert!(features.is_some_and(|a| a.validators().len() == 2));
    }

    fn planned(features: &[Feature], trusted: bool) -> Value {
        attributes::object([
            (ID, Value::unknown()),
            (ORGANIZATION_ID, Value::unknown()),
            (
                ENABLED_FEATURES,
                string_set(features.iter().map(|f| f.as_str())),
            ),
            (ENABLE_TRUSTED_ACCESS, Value::Bool(trusted)),
        ])
    }

    #[tokio::test]
    async fn destroying_says_that_trusted_access_stays_on() {
        let (handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let created = create(&OrganizationFeaturesResource, &ctx, planned(&[Rs], true)).await;
        assert!(
            !created.diagnostics.has_errors(),
            "{:?}",
            created.diagnostics
        );
        let destroy_plan = |prior: Value| {
            plan(
                &OrganizationFeaturesResource,
                &ctx,
                prior,
                Value::Null,
                Value::Null,
            )
        };
        let plan = destroy_plan(created.state.clone()).await;
        let warning = plan.diagnostics.iter().next().expect("a warning");
        assert_eq!(warning.summary, "Trusted access for IAM stays on");
        assert!(
            warning
                .detail
                .contains("enable_trusted_access = true -> null only removes"),
            "{}",
            warning.detail
        );
        let mut deleted = DeleteResponse::default();
        let req = DeleteRequest {
            state: created.state.clone(),
            private: Vec::new(),
            identity: Value::Null,
        };
        OrganizationFeaturesResource
            .delete(&ctx, req, &mut deleted)
            .await;
        assert!(!deleted.diagnostics.has_errors());
        assert_eq!(deleted.diagnostics.len(), 1, "said again at apply");
        assert!(sandbox_features(&handle).is_empty(), "features disabled");
        assert_eq!(
            handle.sandbox().snapshot().trusted_access.len(),
            1,
            "trusted access stays on"
        );

        let mut state = created.state;
        state
            .set_attr(ENABLE_TRUSTED_ACCESS, Value::Bool(false))
            .expect("an object");
        let plan = destroy_plan(state).await;
        assert!(
            plan.diagnostics.is_empty(),
            "nothing reads as turning it off"
        );
    }

    /// Creates `planned` in a sandbox of `seed` in which `operation` fails.
    async fn create_failing(
        seed: centralroot_sandbox::Seed,
        operation: &str,
        planned: Value,
    ) -> (centralroot_sandbox::ServerHandle, CreateResponse) {
        let (handle, ctx) = sandbox(seed, fail(operation)).await;
        let resp = create(&OrganizationFeaturesResource, &ctx, planned).await;
        (handle, resp)
    }

    fn sandbox_features(handle: &centralroot_sandbox::ServerHandle) -> Vec<String> {
        handle
            .sandbox()
            .snapshot()
            .features
            .iter()
            .map(|f| format!("{f:?}"))
            .collect()
    }
    #[tokio::test]
    async fn a_create_that_fails_halfway_records_what_it_enabled() {
        let (handle, resp) = create_failing(
            seed_with_trusted_access(),
            "EnableOrganizationsRootSessions",
            planned(&[Rcm, Rs], false),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        assert_eq!(sandbox_features(&handle), ["RootCredentialsManagement"]);
        let state = State::from_value(&resp.state).unwrap();
        assert_eq!(state.enabled, feature_set(&[Rcm]));
        assert!(state.organization_id.is_some_and(|id| id.starts_with("o-")));
        assert!(resp.state.is_wholly_known());
    }
    #[tokio::test]
    async fn a_create_that_only_turned_on_trusted_access_records_it() {
        let (handle, resp) = create_failing(
            centralroot_sandbox::Seed::default_seed(),
            "ListOrganizationsFeatures",
            planned(&[Rs], true),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        assert_eq!(handle.sandbox().snapshot().trusted_access.len(), 1);
        let state = State::from_value(&resp.state).unwrap();
        assert_eq!(state.enabled, feature_set(&[]));
        assert!(state.enable_trusted_access);
        assert!(resp.state.is_wholly_known());
    }
    #[tokio::test]
    async fn a_failed_create_that_changed_nothing_leaves_no_state() {
        let (_handle, resp) = create_failing(
            seed_with_trusted_access(),
            "EnableOrganizationsRootCredentialsManagement",
            planned(&[Rcm], false),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        assert!(resp.state.is_null());
    }
    #[tokio::test]
    async fn an_update_that_fails_halfway_records_what_aws_has() {
        let mut seed = seed_with_trusted_access();
        seed.features
            .push(centralroot_sandbox::seed::Feature::RootCredentialsManagement);
        let (handle, ctx) =
            sandbox(seed, fail("DisableOrganizationsRootCredentialsManagement")).await;
        let prior = State {
            organization_id: Some(handle.sandbox().snapshot().organization.unwrap().id),
            enabled: feature_set(&[Rcm]),
            enable_trusted_access: false,
        }
        .to_value();
        let resp = update(
            &OrganizationFeaturesResource,
            &ctx,
            prior,
            planned(&[Rs], false),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        let state = State::from_value(&resp.state).unwrap();
        assert_eq!(state.enabled, feature_set(&[Rcm, Rs]));
        assert_eq!(
            sandbox_features(&handle),
            ["RootCredentialsManagement", "RootSessions"]
        );
    }

    fn features_state(trusted: Option<bool>) -> Value {
        crate::framework::attributes::object([
            ("id", Value::from("o-sandbox1234")),
            ("organization_id", Value::from("o-sandbox1234")),
            (
                "enabled_features",
                crate::framework::values::string_set(["RootSessions"]),
            ),
            (
                "enable_trusted_access",
                trusted.map_or(Value::Null, Value::Bool),
            ),
        ])
    }

    async fn plan_features(
        ctx: &Context<Aws>,
        prior: Value,
        config: Value,
        proposed: Value,
    ) -> Value {
        let resource = &OrganizationFeaturesResource;
        plan(resource, ctx, prior, config, proposed)
            .await
            .planned_state
    }

    #[tokio::test]
    async fn trusted_access_left_out_keeps_what_the_state_holds() {
        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let mut unknown = features_state(None);
        unknown
            .set_attr("enable_trusted_access", Value::unknown())
            .expect("object");
        for prior in [true, false] {
            let planned = plan_features(
                &ctx,
                features_state(Some(prior)),
                features_state(None),
                unknown.clone(),
            )
            .await;
            assert_eq!(planned.attr("enable_trusted_access").as_bool(), Some(prior));
        }
        let created = plan_features(&ctx, Value::Null, features_state(None), unknown).await;
        assert_eq!(created.attr("enable_trusted_access").as_bool(), Some(false));
        let configured = plan_features(
            &ctx,
            features_state(Some(true)),
            features_state(Some(false)),
            features_state(Some(false)),
        )
        .await;
        assert_eq!(
            configured.attr("enable_trusted_access").as_bool(),
            Some(false)
        );
    }
}
