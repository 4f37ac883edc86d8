//! `centralroot_organization_features`: the IAM centralized root access features of the
//! organization, owned as a whole set.
//!
//! The resource owns every feature of the organization: create and update enable what the
//! configuration lists and disable the rest, and features turned off outside Terraform show as
//! an in-place update rather than as a vanished resource. `enable_trusted_access` is an
//! instruction, not a remote property: it makes create and update turn on trusted access for
//! IAM in Organizations first, and is never read back from AWS except at import.

use std::collections::BTreeSet;

use async_trait::async_trait;

use crate::cty::{AttributePath, Type, Value};
use crate::framework::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::plan_modifiers::UseStateForUnknown;
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ImportStateRequest,
    ImportStateResponse, ReadRequest, ReadResponse, Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::{SetElementsOneOf, SetNotEmpty};
use crate::framework::values::{ValueExt, string_set};
use crate::provider::ProviderData;
use crate::provider::aws::{
    Aws, AwsError, ErrorKind, Feature, IAM_SERVICE_PRINCIPAL, OrganizationFeatures,
};

/// The resource type name.
pub const TYPE_NAME: &str = "centralroot_organization_features";

const ENABLED_FEATURES: &str = "enabled_features";
const ENABLE_TRUSTED_ACCESS: &str = "enable_trusted_access";
const ID: &str = "id";
const ORGANIZATION_ID: &str = "organization_id";

/// The `centralroot_organization_features` resource.
#[derive(Debug, Clone, Copy, Default)]
pub struct OrganizationFeaturesResource;

/// What create and update must do to reach the configured set from the enabled one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureChanges {
    /// Configured but not enabled.
    pub enable: Vec<Feature>,
    /// Enabled but not configured: the resource owns the whole set.
    pub disable: Vec<Feature>,
}

impl FeatureChanges {
    /// The calls that turn `enabled` into `wanted`.
    pub fn between(enabled: &BTreeSet<Feature>, wanted: &BTreeSet<Feature>) -> Self {
        Self {
            enable: wanted.difference(enabled).copied().collect(),
            disable: enabled.difference(wanted).copied().collect(),
        }
    }

    /// Whether nothing needs to change.
    pub fn is_empty(&self) -> bool {
        self.enable.is_empty() && self.disable.is_empty()
    }
}

/// Why an import ID was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{id:?} is not an organization ID: expected o- followed by 10 to 32 lowercase letters or \
     digits, for example:\n  terraform import centralroot_organization_features.this o-aa111bb222"
)]
pub struct InvalidImportId {
    /// The refused ID.
    pub id: String,
}

/// Checks an import ID against the organization ID pattern `o-[a-z0-9]{10,32}`.
pub fn parse_import_id(id: &str) -> Result<&str, InvalidImportId> {
    let valid = id.strip_prefix("o-").is_some_and(|rest| {
        (10..=32).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    });
    if valid {
        Ok(id)
    } else {
        Err(InvalidImportId { id: id.to_owned() })
    }
}

/// The configured features. Unknown names cannot get here (the validator rejects them), so
/// they are ignored rather than reported twice.
pub fn configured_features(value: &Value) -> BTreeSet<Feature> {
    value
        .attr(ENABLED_FEATURES)
        .elements()
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().and_then(Feature::parse))
        .collect()
}

/// `enabled_features` as a state value.
pub fn features_value(features: &BTreeSet<Feature>) -> Value {
    string_set(features.iter().map(|f| f.as_str()))
}

/// A complete state object.
pub fn state_value(
    organization_id: &str,
    features: &BTreeSet<Feature>,
    enable_trusted_access: bool,
) -> Value {
    Value::Object(
        [
            (ID.to_owned(), Value::from(organization_id)),
            (ORGANIZATION_ID.to_owned(), Value::from(organization_id)),
            (ENABLED_FEATURES.to_owned(), features_value(features)),
            (
                ENABLE_TRUSTED_ACCESS.to_owned(),
                Value::Bool(enable_trusted_access),
            ),
        ]
        .into(),
    )
}

/// The attribute an AWS failure concerns, or `None` when it is about the credentials or the
/// organization as a whole.
pub fn error_path(err: &AwsError) -> Option<AttributePath> {
    match err.kind {
        ErrorKind::ServiceAccessNotEnabled => Some(AttributePath::root(ENABLE_TRUSTED_ACCESS)),
        ErrorKind::NotManagementOrDelegatedAdministrator
        | ErrorKind::CallerIsNotManagementAccount
        | ErrorKind::OrganizationNotFound
        | ErrorKind::NotAllFeaturesMode
        | ErrorKind::AccessDenied
        | ErrorKind::InvalidCredentials
        | ErrorKind::NoCredentials
        | ErrorKind::UnsupportedApiEndpoint
        | ErrorKind::Network => None,
        _ if err.operation.contains("AWSServiceAccess") => {
            Some(AttributePath::root(ENABLE_TRUSTED_ACCESS))
        }
        _ => Some(AttributePath::root(ENABLED_FEATURES)),
    }
}

fn report(diags: &mut Diagnostics, err: &AwsError) {
    match error_path(err) {
        Some(path) => diags.attribute_error(path, err.summary(), err.detail()),
        None => diags.error(err.summary(), err.detail()),
    }
}

/// Runs `call`, waiting out trusted-access propagation only when this resource turns trusted
/// access on; otherwise ServiceAccessNotEnabled is a configuration problem to report at once.
async fn guarded<T, F, Fut>(
    aws: &Aws,
    enable_trusted_access: bool,
    mut call: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    if enable_trusted_access {
        aws.while_trusted_access_propagates(call).await
    } else {
        call().await
    }
}

/// Brings the organization's features to `wanted`, turning on trusted access first when asked.
/// Returns the features enabled at the end, as AWS last reported them.
async fn converge(
    aws: &Aws,
    wanted: &BTreeSet<Feature>,
    enable_trusted_access: bool,
) -> Result<OrganizationFeatures, AwsError> {
    if enable_trusted_access {
        aws.ensure_iam_trusted_access().await?;
    }
    let mut current = guarded(aws, enable_trusted_access, || aws.list_features()).await?;
    let changes = FeatureChanges::between(&current.enabled, wanted);
    tracing::debug!(?changes, "organization feature changes");
    for feature in changes.enable {
        current = guarded(aws, enable_trusted_access, || aws.enable_feature(feature)).await?;
    }
    for feature in changes.disable {
        current = guarded(aws, enable_trusted_access, || aws.disable_feature(feature)).await?;
    }
    Ok(current)
}

fn enable_trusted_access(value: &Value) -> bool {
    value.attr(ENABLE_TRUSTED_ACCESS).as_bool().unwrap_or(false)
}

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
                Attribute::optional_computed(Type::Bool)
                    .default_value(Value::Bool(false))
                    .description(
                        "When true, create and update first enable trusted access for \
                         iam.amazonaws.com in AWS Organizations if it is off, and wait until IAM \
                         sees it. When false and trusted access is off, apply fails and says how \
                         to fix it. Destroy never disables trusted access, because other \
                         services' integrations and the IAM delegated administrator registration \
                         depend on it. Import sets it to whether trusted access is on.",
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

#[async_trait]
impl Resource<ProviderData> for OrganizationFeaturesResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn create(
        &self,
        ctx: &Context<ProviderData>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let aws = &ctx.provider_data().aws;
        let wanted = configured_features(&req.planned_state);
        let trusted = enable_trusted_access(&req.planned_state);
        match converge(aws, &wanted, trusted).await {
            Ok(done) => {
                resp.state = state_value(&done.organization_id, &done.enabled, trusted);
            }
            // Some features may have changed before the failure, yet the state stays null: the
            // organization's features are not an object that create brought into being, and the
            // next create adopts whatever is enabled by then, so nothing is lost or orphaned.
            Err(err) => report(&mut resp.diagnostics, &err),
        }
    }

    async fn read(&self, ctx: &Context<ProviderData>, req: ReadRequest, resp: &mut ReadResponse) {
        let aws = &ctx.provider_data().aws;
        let known_org = req.state.attr(ORGANIZATION_ID).as_str().map(str::to_owned);
        match aws.list_features().await {
            Ok(found) => {
                if let Some(known) = known_org.filter(|k| *k != found.organization_id) {
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
                resp.state
                    .set_attr(ID, Value::from(found.organization_id.as_str()));
                resp.state
                    .set_attr(ORGANIZATION_ID, Value::from(found.organization_id.as_str()));
                resp.state
                    .set_attr(ENABLED_FEATURES, features_value(&found.enabled));
            }
            // Trusted access turned off outside Terraform: no feature works, so none counts as
            // enabled and the plan re-enables them in place (and trusted access with them when
            // enable_trusted_access is true).
            Err(err) if err.kind == ErrorKind::ServiceAccessNotEnabled => {
                tracing::info!("trusted access for IAM is off; no feature counts as enabled");
                resp.state
                    .set_attr(ENABLED_FEATURES, features_value(&BTreeSet::new()));
            }
            Err(err) if err.kind == ErrorKind::OrganizationNotFound => {
                resp.diagnostics.warning(
                    "Organization no longer exists",
                    format!(
                        "The provider's credentials are no longer in an AWS organization, so \
                         {TYPE_NAME} was removed from state; the next plan creates it again.\n\n{}",
                        err.detail()
                    ),
                );
                resp.state = Value::Null;
            }
            Err(err) => report(&mut resp.diagnostics, &err),
        }
    }

    async fn update(
        &self,
        ctx: &Context<ProviderData>,
        req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        let aws = &ctx.provider_data().aws;
        let wanted = configured_features(&req.planned_state);
        let trusted = enable_trusted_access(&req.planned_state);
        match converge(aws, &wanted, trusted).await {
            Ok(done) => {
                resp.state = req.planned_state;
                resp.state
                    .set_attr(ID, Value::from(done.organization_id.as_str()));
                resp.state
                    .set_attr(ORGANIZATION_ID, Value::from(done.organization_id.as_str()));
                resp.state
                    .set_attr(ENABLED_FEATURES, features_value(&done.enabled));
            }
            Err(err) => {
                report(&mut resp.diagnostics, &err);
                // Part of the change may have happened: record what is really enabled, so the
                // next plan shows what is left to do. If even that read fails, keep the prior
                // state, which the next refresh corrects.
                resp.state = match aws.list_features().await {
                    Ok(now) => {
                        let mut state = req.prior_state.clone();
                        state.set_attr(ENABLED_FEATURES, features_value(&now.enabled));
                        state
                    }
                    Err(_) => req.prior_state,
                };
            }
        }
    }

    async fn delete(
        &self,
        ctx: &Context<ProviderData>,
        _req: DeleteRequest,
        resp: &mut DeleteResponse,
    ) {
        let aws = &ctx.provider_data().aws;
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
            Err(err) => return report(&mut resp.diagnostics, &err),
        };
        for feature in enabled {
            match aws.disable_feature(feature).await {
                Ok(_) => {}
                Err(err) if nothing_left(&err) => return,
                Err(err) => return report(&mut resp.diagnostics, &err),
            }
        }
    }

    async fn import_state(
        &self,
        ctx: &Context<ProviderData>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        let id = match parse_import_id(&req.id) {
            Ok(id) => id,
            Err(err) => {
                return resp
                    .diagnostics
                    .error("Invalid organization ID", err.to_string());
            }
        };
        let aws = &ctx.provider_data().aws;
        let organization = match aws.organization().await {
            Ok(org) => org,
            Err(err) => return resp.diagnostics.error(err.summary(), err.detail()),
        };
        if organization.id != id {
            return resp.diagnostics.error(
                "Organization ID does not match the credentials",
                format!(
                    "The import ID is {id}, but the provider's credentials belong to organization \
                     {}. Import {} instead, or configure the provider with credentials of {id}'s \
                     management account.",
                    organization.id, organization.id
                ),
            );
        }
        // The generated or written configuration should reflect reality: if trusted access is
        // on, enable_trusted_access = true keeps it so without a diff.
        let trusted = match aws.trusted_access_enabled(IAM_SERVICE_PRINCIPAL).await {
            Ok(on) => on,
            Err(err) => return resp.diagnostics.error(err.summary(), err.detail()),
        };
        resp.state.set_attr(ID, Value::from(id));
        resp.state.set_attr(ORGANIZATION_ID, Value::from(id));
        resp.state
            .set_attr(ENABLE_TRUSTED_ACCESS, Value::Bool(trusted));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Feature::{RootCredentialsManagement as Rcm, RootSessions as Rs};

    fn set(features: &[Feature]) -> BTreeSet<Feature> {
        features.iter().copied().collect()
    }

    #[test]
    fn changes_enable_the_missing_and_disable_the_unconfigured() {
        let cases = [
            (set(&[]), set(&[Rcm, Rs]), vec![Rcm, Rs], vec![]),
            (set(&[Rcm]), set(&[Rs]), vec![Rs], vec![Rcm]),
            (set(&[Rcm, Rs]), set(&[Rcm]), vec![], vec![Rs]),
            (set(&[Rs]), set(&[Rs]), vec![], vec![]),
        ];
        for (enabled, wanted, enable, disable) in cases {
            let changes = FeatureChanges::between(&enabled, &wanted);
            assert_eq!(changes.enable, enable, "{enabled:?} -> {wanted:?}");
            assert_eq!(changes.disable, disable, "{enabled:?} -> {wanted:?}");
            assert_eq!(changes.is_empty(), enabled == wanted);
        }
    }

    #[test]
    fn import_ids_must_be_organization_ids() {
        assert_eq!(parse_import_id("o-sandbox1234"), Ok("o-sandbox1234"));
        assert!(parse_import_id(&format!("o-{}", "a".repeat(32))).is_ok());
        for bad in [
            "",
            "o-",
            "o-short",
            "o-Sandbox1234",
            "sandbox1234",
            "o111122223333",
            "o-sandbox_1234",
            "r-abcd1234567",
            &format!("o-{}", "a".repeat(33)),
        ] {
            let err = parse_import_id(bad).expect_err(bad);
            let text = err.to_string();
            assert!(text.contains("o- followed by 10 to 32"), "{text}");
            assert!(text.contains("terraform import"), "{text}");
        }
    }

    #[test]
    fn state_values_round_trip_the_features() {
        let state = state_value("o-sandbox1234", &set(&[Rs, Rcm]), true);
        assert_eq!(state.attr(ID).as_str(), Some("o-sandbox1234"));
        assert_eq!(state.attr(ORGANIZATION_ID).as_str(), Some("o-sandbox1234"));
        assert_eq!(state.attr(ENABLE_TRUSTED_ACCESS).as_bool(), Some(true));
        assert_eq!(configured_features(&state), set(&[Rcm, Rs]));
        assert!(state.is_wholly_known());
        assert!(schema().value_type().attribute_type(ID).is_some());
        let empty = state_value("o-sandbox1234", &set(&[]), false);
        assert_eq!(
            empty.attr(ENABLED_FEATURES).elements().map(<[Value]>::len),
            Some(0)
        );
    }

    #[test]
    fn errors_point_at_what_they_concern() {
        let err = |operation, kind| AwsError {
            operation,
            kind,
            code: None,
            message: String::new(),
            request_id: None,
        };
        let cases = [
            (
                err(
                    "ListOrganizationsFeatures",
                    ErrorKind::ServiceAccessNotEnabled,
                ),
                Some(ENABLE_TRUSTED_ACCESS),
            ),
            (
                err("EnableOrganizationsRootSessions", ErrorKind::Throttled),
                Some(ENABLED_FEATURES),
            ),
            (
                err("EnableAWSServiceAccess", ErrorKind::ConcurrentModification),
                Some(ENABLE_TRUSTED_ACCESS),
            ),
            (
                err(
                    "ListOrganizationsFeatures",
                    ErrorKind::NotManagementOrDelegatedAdministrator,
                ),
                None,
            ),
            (
                err("ListOrganizationsFeatures", ErrorKind::NotAllFeaturesMode),
                None,
            ),
            (
                err("ListOrganizationsFeatures", ErrorKind::InvalidCredentials),
                None,
            ),
        ];
        for (err, path) in cases {
            assert_eq!(
                error_path(&err),
                path.map(AttributePath::root),
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
}
