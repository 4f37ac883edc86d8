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

use std::collections::BTreeSet;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::aws::{Aws, AwsError, ErrorKind, Feature, IAM_SERVICE_PRINCIPAL, OrganizationFeatures};
use crate::cty::{Type, Value};
use crate::framework::Context;
use crate::framework::attributes::{self, AttributeError};
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
use crate::framework::values::string_set;
use crate::types_common::advice::{self, Targets};
use crate::types_common::moved::{self, MoveError};

/// The name configurations and import commands address this type by.
pub const TYPE_NAME: &str = "centralroot_organization_features";

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

/// What the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    /// The features to have enabled, and no others.
    wanted: BTreeSet<Feature>,
    /// Whether to turn on trusted access first.
    enable_trusted_access: bool,
}

/// The features `enabled_features` names. Unknown names cannot get here (the validator rejects
/// them), so they are ignored rather than reported twice.
fn features(value: &Value) -> Result<BTreeSet<Feature>, AttributeError> {
    Ok(attributes::strings(value, ENABLED_FEATURES)?
        .iter()
        .filter_map(|name| Feature::parse(name))
        .collect())
}

/// `enable_trusted_access`, whose default is false.
fn enable_trusted_access(value: &Value) -> Result<bool, AttributeError> {
    Ok(attributes::optional_bool(value, ENABLE_TRUSTED_ACCESS)?.unwrap_or(false))
}

impl Plan {
    fn from_value(planned: &Value) -> Result<Self, AttributeError> {
        Ok(Self {
            wanted: features(planned)?,
            enable_trusted_access: enable_trusted_access(planned)?,
        })
    }
}

/// The resource's state.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    /// `o-…`; only a state Terraform holds from elsewhere can lack it.
    organization_id: Option<String>,
    /// The features enabled, as AWS last said.
    enabled: BTreeSet<Feature>,
    /// The instruction the state was applied with.
    enable_trusted_access: bool,
}

impl State {
    fn from_value(state: &Value) -> Result<Self, AttributeError> {
        Ok(Self {
            organization_id: attributes::optional_string(state, ORGANIZATION_ID)?,
            enabled: features(state)?,
            enable_trusted_access: enable_trusted_access(state)?,
        })
    }

    /// What AWS reported, applied with the planned instruction.
    fn reported(found: &OrganizationFeatures, plan: &Plan) -> Self {
        Self {
            organization_id: Some(found.organization_id.clone()),
            enabled: found.enabled.clone(),
            enable_trusted_access: plan.enable_trusted_access,
        }
    }

    fn to_value(&self) -> Value {
        let organization = || {
            self.organization_id
                .as_deref()
                .map_or(Value::Null, Value::from)
        };
        attributes::object([
            (ID, organization()),
            (ORGANIZATION_ID, organization()),
            (
                ENABLED_FEATURES,
                string_set(self.enabled.iter().map(|f| f.as_str())),
            ),
            (
                ENABLE_TRUSTED_ACCESS,
                Value::Bool(self.enable_trusted_access),
            ),
        ])
    }
}

/// Reports a model that cannot be read: the engine checked the values against the schema, so
/// this is a bug rather than something to fix in the configuration.
fn unreadable(diags: &mut Diagnostics, what: &str, err: &AttributeError) {
    diags.attribute_error(
        err.path(),
        format!("Unreadable {what}"),
        format!("{err}. This is a bug in the provider, please report it."),
    );
}

/// Runs `call`, waiting out trusted-access propagation only when this resource turns trusted
/// access on; otherwise ServiceAccessNotEnabled is a configuration problem to report at once.
/// `stop` ends the wait, not a call in flight.
async fn guarded<T, F, Fut>(
    aws: &Aws,
    stop: &CancellationToken,
    enable_trusted_access: bool,
    mut call: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    if enable_trusted_access {
        aws.while_trusted_access_propagates(stop, call).await
    } else {
        call().await
    }
}

/// Brings the organization's features to what `plan` asks, turning on trusted access first
/// when asked, and calls `record` with the state AWS has after each change it confirms, so an
/// interruption or a failure at any point leaves that state behind. `start` is the state before
/// the first change (`None` on create, where the organization is not known yet).
///
/// `stop` (Terraform's Ctrl-C) ends only the propagation wait: every call sent runs to
/// completion and is recorded, and the feature calls follow one another without a stop
/// between them, because finishing a short call beats leaving a partial object.
async fn converge(
    aws: &Aws,
    stop: &CancellationToken,
    plan: &Plan,
    start: Option<State>,
    record: &mut impl FnMut(&State),
) -> Result<State, AwsError> {
    let trusted = plan.enable_trusted_access;
    if trusted && aws.ensure_iam_trusted_access().await? {
        let organization_id = match &start {
            Some(State {
                organization_id: Some(id),
                ..
            }) => Ok(id.clone()),
            _ => aws.organization().await.map(|org| org.id),
        };
        match organization_id {
            // Until IAM sees trusted access, no feature can be in use: read reports none.
            Ok(id) => record(&State {
                organization_id: Some(id),
                enabled: start.map(|s| s.enabled).unwrap_or_default(),
                enable_trusted_access: trusted,
            }),
            // Trusted access on is nothing this resource owns (destroy leaves it on), so
            // going on without recording it loses nothing.
            Err(err) => {
                tracing::debug!(%err, "trusted access enabled; state waits for the features")
            }
        }
    }
    let mut current = guarded(aws, stop, trusted, || aws.list_features()).await?;
    let changes = FeatureChanges::between(&current.enabled, &plan.wanted);
    tracing::debug!(?changes, "organization feature changes");
    for feature in changes.enable {
        current = guarded(aws, stop, trusted, || aws.enable_feature(feature)).await?;
        record(&State::reported(&current, plan));
    }
    for feature in changes.disable {
        current = guarded(aws, stop, trusted, || aws.disable_feature(feature)).await?;
        record(&State::reported(&current, plan));
    }
    Ok(State::reported(&current, plan))
}

/// After a failed change, what is really enabled: a change whose answer was lost may have been
/// made. `None` when even that read fails, or Terraform asked to stop, and the last recorded
/// state must do.
async fn enabled_now(ctx: &Context<Aws>) -> Option<BTreeSet<Feature>> {
    let read = ctx.unless_cancelled(ctx.provider_data().list_features());
    read.await?.ok().map(|found| found.enabled)
}

/// Reports why `converge` failed: a propagation wait that Terraform's Ctrl-C ended is said as
/// such, anything else as AWS answered.
fn report_failure(ctx: &Context<Aws>, plan: &Plan, err: &AwsError, diags: &mut Diagnostics) {
    if ctx.is_cancelled()
        && plan.enable_trusted_access
        && err.kind == ErrorKind::ServiceAccessNotEnabled
    {
        diags.error(
            "Interrupted while trusted access propagates",
            format!(
                "Trusted access for {IAM_SERVICE_PRINCIPAL} is on, but IAM did not see it yet \
                 when Terraform asked the provider to stop, so the features are not enabled \
                 yet. The state records exactly that; run `terraform apply` again to enable \
                 them."
            ),
        );
    } else {
        TARGETS.report(diags, err);
    }
}

/// The hashicorp/aws type whose state `moved` blocks bring here.
const MOVE_SOURCE: MoveSource = MoveSource {
    provider: moved::HASHICORP_AWS,
    type_name: "aws_iam_organizations_features",
};

/// The state of an `aws_iam_organizations_features` (`{"id": "o-…", "enabled_features":
/// [...]}`). hashicorp/aws never manages trusted access with it, so the moved state does not
/// either: `enable_trusted_access` is false, which a configuration leaving it out keeps.
fn moved_state(source: &serde_json::Value) -> Result<State, MoveError> {
    let id = moved::string(source, ID)?;
    let organization_id = parse_import_id(id)
        .map_err(|_| MoveError::invalid(ID, &source[ID], "expected an organization ID o-…"))?;
    let names = source
        .get(ENABLED_FEATURES)
        .and_then(serde_json::Value::as_array)
        .ok_or(MoveError::Missing(ENABLED_FEATURES))?;
    let enabled = names
        .iter()
        .map(|name| {
            name.as_str().and_then(Feature::parse).ok_or_else(|| {
                MoveError::invalid(
                    ENABLED_FEATURES,
                    name,
                    format!(
                        "expected one of {}",
                        Feature::ALL.map(Feature::as_str).join(", ")
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(State {
        organization_id: Some(organization_id.to_owned()),
        enabled,
        enable_trusted_access: false,
    })
}

/// The state a read after an import returns for what AWS reported: `enable_trusted_access`
/// says whether trusted access for IAM is on, as import records it. Listings answer this.
pub(crate) fn imported_state(found: &OrganizationFeatures, trusted_access: bool) -> Value {
    State {
        organization_id: Some(found.organization_id.clone()),
        enabled: found.enabled.clone(),
        enable_trusted_access: trusted_access,
    }
    .to_value()
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
                Attribute::optional_computed(Type::Bool).description(
                    "When true, create and update first enable trusted access for \
                         iam.amazonaws.com in AWS Organizations if it is off, and wait until IAM \
                         sees it. When false and trusted access is off, apply fails and says how \
                         to fix it. Destroy never disables trusted access, because other \
                         services' integrations and the IAM delegated administrator registration \
                         depend on it. Import sets it to whether trusted access is on. Left \
                         out, it keeps the value in state (false when creating).",
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
impl Resource<Aws> for OrganizationFeaturesResource {
    fn type_name(&self) -> &'static str {
        TYPE_NAME
    }

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
        // Left out of the configuration, the instruction stays what import, a move or the last
        // apply recorded: it is not a property of AWS to converge to, so there is nothing to
        // change. Without a prior state there is nothing to keep, and the default is false.
        if req.config.is_null() || !req.config.attr(ENABLE_TRUSTED_ACCESS).is_null() {
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

    async fn delete(&self, ctx: &Context<Aws>, _req: DeleteRequest, resp: &mut DeleteResponse) {
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
        // Importing by identity, the engine has written the organization ID into the state.
        let given = if req.by_identity() {
            resp.state
                .attr(ORGANIZATION_ID)
                .as_str()
                .unwrap_or_default()
                .to_owned()
        } else {
            req.id.clone()
        };
        let id = match parse_import_id(&given) {
            Ok(id) => id,
            Err(err) => {
                return resp
                    .diagnostics
                    .error("Invalid organization ID", err.to_string());
            }
        };
        let aws = ctx.provider_data();
        let organization = match aws.organization().await {
            Ok(org) => org,
            Err(err) => return Targets::NONE.report(&mut resp.diagnostics, &err),
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
            Err(err) => return Targets::NONE.report(&mut resp.diagnostics, &err),
        };
        // The features are left to the read that follows the import.
        resp.state = State {
            organization_id: Some(id.to_owned()),
            enabled: BTreeSet::new(),
            enable_trusted_access: trusted,
        }
        .to_value();
    }

    async fn generate_config(&self, req: GenerateConfigRequest, resp: &mut GenerateConfigResponse) {
        // enabled_features must list at least one feature: an organization with none has
        // nothing to adopt, and a configuration with an empty set would not validate.
        if req
            .state
            .attr(ENABLED_FEATURES)
            .elements()
            .is_some_and(<[Value]>::is_empty)
        {
            resp.diagnostics.error(
                "No feature to adopt",
                format!(
                    "The organization has no centralized root access feature enabled, so there \
                     is no {TYPE_NAME} to generate configuration for. Write the resource with the \
                     features to enable instead of importing it."
                ),
            );
        }
    }

    fn moved_from(&self) -> Vec<MoveSource> {
        vec![MOVE_SOURCE]
    }

    async fn move_state(&self, req: MoveStateRequest, resp: &mut MoveStateResponse) {
        match moved::check_version(&req).and_then(|()| moved_state(&req.source_state)) {
            Ok(state) => resp.state = state.to_value(),
            Err(err) => moved::report(&mut resp.diagnostics, &req, TYPE_NAME, &MOVE_SOURCE, &err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::values::ValueExt;
    use crate::resources::test_support::{create, fail, sandbox, seed_with_trusted_access, update};
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
        let state = State {
            organization_id: Some("o-sandbox1234".into()),
            enabled: set(&[Rs, Rcm]),
            enable_trusted_access: true,
        };
        let value = state.to_value();
        assert_eq!(value.attr(ID).as_str(), Some("o-sandbox1234"));
        assert_eq!(value.attr(ORGANIZATION_ID).as_str(), Some("o-sandbox1234"));
        assert_eq!(value.attr(ENABLE_TRUSTED_ACCESS).as_bool(), Some(true));
        assert!(value.is_wholly_known());
        assert_eq!(State::from_value(&value), Ok(state));
        let Value::Object(attrs) = &value else {
            panic!("not an object: {value:?}");
        };
        let Value::Object(empty) = schema().empty_value() else {
            panic!("schema value is not an object");
        };
        assert_eq!(
            attrs.keys().collect::<Vec<_>>(),
            empty.keys().collect::<Vec<_>>()
        );
        let none = State {
            organization_id: Some("o-sandbox1234".into()),
            enabled: set(&[]),
            enable_trusted_access: false,
        }
        .to_value();
        assert_eq!(
            none.attr(ENABLED_FEATURES).elements().map(<[Value]>::len),
            Some(0)
        );
    }

    #[test]
    fn plans_read_the_wanted_features_and_the_default_instruction() {
        let planned = attributes::object([
            (ENABLED_FEATURES, string_set(["RootSessions"])),
            (ENABLE_TRUSTED_ACCESS, Value::Null),
            (ID, Value::unknown()),
            (ORGANIZATION_ID, Value::unknown()),
        ]);
        assert_eq!(
            Plan::from_value(&planned),
            Ok(Plan {
                wanted: set(&[Rs]),
                enable_trusted_access: false,
            })
        );
        let unknown = attributes::object([(ENABLED_FEATURES, Value::unknown())]);
        assert_eq!(
            Plan::from_value(&unknown).unwrap_err().path(),
            crate::cty::AttributePath::root(ENABLED_FEATURES)
        );
    }

    #[test]
    fn errors_point_at_what_they_concern() {
        let err = AwsError::of;
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
        let (handle, ctx) = sandbox(
            seed_with_trusted_access(),
            fail("EnableOrganizationsRootSessions"),
        )
        .await;
        let resp = create(
            &OrganizationFeaturesResource,
            &ctx,
            planned(&[Rcm, Rs], false),
        )
        .await;
        assert!(resp.diagnostics.has_errors());
        assert_eq!(sandbox_features(&handle), ["RootCredentialsManagement"]);
        let state = State::from_value(&resp.state).unwrap();
        assert_eq!(state.enabled, set(&[Rcm]));
        assert!(state.organization_id.is_some_and(|id| id.starts_with("o-")));
        assert!(resp.state.is_wholly_known());
    }

    #[tokio::test]
    async fn a_create_that_only_turned_on_trusted_access_records_it() {
        let (handle, ctx) = sandbox(
            centralroot_sandbox::Seed::default_seed(),
            fail("ListOrganizationsFeatures"),
        )
        .await;
        let resp = create(&OrganizationFeaturesResource, &ctx, planned(&[Rs], true)).await;
        assert!(resp.diagnostics.has_errors());
        assert_eq!(handle.sandbox().snapshot().trusted_access.len(), 1);
        let state = State::from_value(&resp.state).unwrap();
        assert_eq!(state.enabled, set(&[]));
        assert!(state.enable_trusted_access);
        assert!(resp.state.is_wholly_known());
    }

    #[tokio::test]
    async fn a_failed_create_that_changed_nothing_leaves_no_state() {
        let (_handle, ctx) = sandbox(
            seed_with_trusted_access(),
            fail("EnableOrganizationsRootCredentialsManagement"),
        )
        .await;
        let resp = create(&OrganizationFeaturesResource, &ctx, planned(&[Rcm], false)).await;
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
            enabled: set(&[Rcm]),
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
        assert_eq!(state.enabled, set(&[Rcm, Rs]));
        assert_eq!(
            sandbox_features(&handle),
            ["RootCredentialsManagement", "RootSessions"]
        );
    }
}
