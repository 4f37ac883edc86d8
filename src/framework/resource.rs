//! The [`Resource`] trait: what a managed resource type implements.
//!
//! The core is `schema`, `create`, `read`, `update` and `delete`; the other methods are
//! capabilities with defaults. Every operation takes a request struct and fills a response
//! struct, so new protocol fields never break implementations. The type's name is not here: the
//! provider gives it with the type in [`Provider::resources`](crate::framework::provider::Provider::resources).
//!
//! Identity (Terraform ≥ 1.12): a type with an [`Resource::identity_schema`] finds the
//! stored identity in each request (`identity`, `prior_identity`, `planned_identity`: null
//! when Terraform has none yet) and may set one in each response; an identity left null in a
//! response is derived from the new state by [`Resource::identity_from_state`]. Types without
//! an identity schema never see one and what they set is ignored.
//!
//! Values are [`Value`] objects of the schema's [`value_type`](crate::framework::schema::Schema::value_type);
//! [`ValueExt`](crate::framework::values::ValueExt) reads their attributes.

use async_trait::async_trait;

use crate::cty::Value;
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{IdentitySchema, Schema};

pub use crate::framework::move_state::{MoveSource, MoveStateRequest, MoveStateResponse};

/// `validate_config` input.
#[derive(Debug, Clone)]
pub struct ValidateConfigRequest {
    /// The configuration; may hold unknown values.
    pub config: Value,
}

/// `validate_config` output.
#[derive(Debug, Default)]
pub struct ValidateConfigResponse {
    /// Errors and warnings, ideally on attribute paths.
    pub diagnostics: Diagnostics,
}

/// `create` input.
#[derive(Debug, Clone)]
pub struct CreateRequest {
    /// The configuration (wholly known at apply).
    pub config: Value,
    /// The planned state: every known value here must be in the new state.
    pub planned_state: Value,
    /// Private data from `modify_plan`.
    pub planned_private: Vec<u8>,
    /// The planned identity (unknown where the planned state is).
    pub planned_identity: Value,
}

/// `create` output.
#[derive(Debug, Default)]
pub struct CreateResponse {
    /// The new state, starting null: set it as soon as the object exists, before any later
    /// await, so that Terraform tracks it (as tainted) even if a later step fails or is
    /// interrupted by `StopProvider`, which drops the operation at an await point.
    pub state: Value,
    /// Opaque data stored beside the state.
    pub private: Vec<u8>,
    /// The identity, starting null: left null, the engine derives it from `state`.
    pub identity: Value,
    /// With an error, Terraform keeps a non-null `state` as a tainted object and replaces it
    /// on the next apply.
    pub diagnostics: Diagnostics,
}

/// `read` input.
#[derive(Debug, Clone)]
pub struct ReadRequest {
    /// The state as last stored (upgraded to the current schema).
    pub state: Value,
    /// Opaque data stored beside it.
    pub private: Vec<u8>,
    /// The stored identity; null before the first read of an object imported by ID, moved,
    /// or stored by a provider version without identities.
    pub identity: Value,
}

/// `read` output.
#[derive(Debug, Default)]
pub struct ReadResponse {
    /// The refreshed state, starting as the request's state. Set it to
    /// [`Value::Null`] when the object no longer exists.
    pub state: Value,
    /// Opaque data, starting as the request's.
    pub private: Vec<u8>,
    /// The identity, starting null: left null, the engine derives it from `state`. It must
    /// keep every non-null attribute of the stored identity.
    pub identity: Value,
    /// With an error, Terraform keeps the state it had and ignores `state`.
    pub diagnostics: Diagnostics,
}

/// `update` input.
#[derive(Debug, Clone)]
pub struct UpdateRequest {
    /// The configuration (wholly known at apply).
    pub config: Value,
    /// The planned state: every known value here must be in the new state.
    pub planned_state: Value,
    /// The state before the update, as last refreshed.
    pub prior_state: Value,
    /// Private data from `modify_plan`.
    pub planned_private: Vec<u8>,
    /// The planned identity: the stored one.
    pub planned_identity: Value,
}

/// `update` output.
#[derive(Debug, Default)]
pub struct UpdateResponse {
    /// The new state, starting as the prior state. Advance it as each change is confirmed
    /// remotely, and end with the planned state, its unknown values filled in: if the update
    /// fails or is interrupted (Terraform's `StopProvider` drops the operation at an await
    /// point), Terraform stores what this holds at that moment.
    pub state: Value,
    /// Opaque data, starting as the planned private data.
    pub private: Vec<u8>,
    /// The identity, starting null: left null, the engine derives it from `state`. It must
    /// equal the planned identity.
    pub identity: Value,
    /// With an error, Terraform keeps `state` as it is: record in it what was done.
    pub diagnostics: Diagnostics,
}

/// `delete` input.
#[derive(Debug, Clone)]
pub struct DeleteRequest {
    /// The state of the object to delete.
    pub state: Value,
    /// Opaque data stored beside it.
    pub private: Vec<u8>,
    /// The stored identity (null when none is stored).
    pub identity: Value,
}

/// `delete` output.
#[derive(Debug, Default)]
pub struct DeleteResponse {
    /// Errors and warnings. Without errors, the resource leaves the state.
    pub diagnostics: Diagnostics,
}

/// `modify_plan` input.
#[derive(Debug, Clone)]
pub struct ModifyPlanRequest {
    /// The configuration (null when destroying); may hold unknown values.
    pub config: Value,
    /// The prior state (null when creating).
    pub prior_state: Value,
    /// Opaque data stored beside the prior state (empty when creating).
    pub prior_private: Vec<u8>,
    /// The stored identity (null when creating, or when none is stored yet).
    pub prior_identity: Value,
}

/// `modify_plan` output: the engine's default plan, to refine.
#[derive(Debug, Default)]
pub struct ModifyPlanResponse {
    /// The planned state (null when destroying).
    pub planned_state: Value,
    /// Attributes whose change forces replacement.
    pub requires_replace: Vec<crate::cty::AttributePath>,
    /// Opaque data handed to apply.
    pub planned_private: Vec<u8>,
    /// The planned identity, starting null: left null, the engine plans the stored identity
    /// for an update or destroy, and for a create one derived from the planned state when it
    /// is wholly known (none otherwise: Terraform cannot render a plan with an unknown one).
    pub planned_identity: Value,
    /// Warnings are shown with the plan; an error fails it.
    pub diagnostics: Diagnostics,
}

/// `import_state` input: exactly one of `id` and `identity` is set.
#[derive(Debug, Clone)]
pub struct ImportStateRequest {
    /// The resource's full type name, as the provider registered it.
    pub type_name: &'static str,
    /// The ID given to `terraform import` or an `import` block; empty when importing by
    /// identity.
    pub id: String,
    /// The `identity` of an `import` block (Terraform ≥ 1.12), with every attribute the
    /// identity schema requires for import set; null when importing by ID.
    pub identity: Value,
}

impl ImportStateRequest {
    /// Whether this is an import by identity rather than by ID.
    pub fn by_identity(&self) -> bool {
        !self.identity.is_null()
    }
}

/// `import_state` output.
#[derive(Debug, Default)]
pub struct ImportStateResponse {
    /// The imported state, starting as the schema's empty value (every attribute null) with,
    /// when importing by identity, the identity's attributes written into the state
    /// attributes they are read from: set enough (usually `id`) for `read` to find the
    /// object, which Terraform calls next.
    pub state: Value,
    /// Opaque data stored beside it.
    pub private: Vec<u8>,
    /// The identity, starting null: left null, the engine derives it from `state` (and,
    /// importing by identity, falls back to the requested identity).
    pub identity: Value,
    /// With an error, nothing is imported.
    pub diagnostics: Diagnostics,
}

/// `upgrade_state` input: state stored under an older schema version.
#[derive(Debug, Clone)]
pub struct UpgradeStateRequest {
    /// The resource's full type name, as the provider registered it.
    pub type_name: &'static str,
    /// The schema version the state was written with.
    pub version: i64,
    /// The stored state, as JSON in that version's shape.
    pub raw_state: serde_json::Value,
}

/// `upgrade_state` output.
#[derive(Debug, Default)]
pub struct UpgradeStateResponse {
    /// The state in the current schema; [`crate::cty::json::decode_lenient`] turns adjusted
    /// JSON into it.
    pub state: Value,
    /// With an error, Terraform stops before planning anything.
    pub diagnostics: Diagnostics,
}

/// `generate_config` input.
#[derive(Debug, Clone)]
pub struct GenerateConfigRequest {
    /// The refreshed state of an imported or listed object.
    pub state: Value,
}

/// `generate_config` output.
#[derive(Debug, Default)]
pub struct GenerateConfigResponse {
    /// The configuration Terraform writes, starting as the engine's default: the state with
    /// computed-only attributes, and attributes equal to their schema default, null. A plan
    /// of it after the import must be empty.
    pub config: Value,
    /// With an error, Terraform writes no configuration.
    pub diagnostics: Diagnostics,
}

/// A managed resource type. `D` is the provider's configured data (see
/// [`Provider::Data`](crate::framework::provider::Provider::Data)). Its full type name (e.g.
/// `centralroot_delegated_admin`) is given with it in
/// [`Provider::resources`](crate::framework::provider::Provider::resources).
#[async_trait]
pub trait Resource<D: Send + Sync + 'static>: Send + Sync {
    /// The schema; read once when the server starts.
    fn schema(&self) -> Schema;

    /// Creates the object described by `req.planned_state`.
    async fn create(&self, ctx: &Context<D>, req: CreateRequest, resp: &mut CreateResponse);

    /// Refreshes `req.state` from the real object.
    async fn read(&self, ctx: &Context<D>, req: ReadRequest, resp: &mut ReadResponse);

    /// Updates the object in place to match `req.planned_state`.
    async fn update(&self, ctx: &Context<D>, req: UpdateRequest, resp: &mut UpdateResponse);

    /// Deletes the object.
    async fn delete(&self, ctx: &Context<D>, req: DeleteRequest, resp: &mut DeleteResponse);

    /// Checks the configuration beyond the schema's validators (cross-attribute rules).
    /// Values may be unknown.
    async fn validate_config(
        &self,
        _req: ValidateConfigRequest,
        _resp: &mut ValidateConfigResponse,
    ) {
    }

    /// Refines the engine's default plan (see [`crate::framework::server`] for what it
    /// already did).
    async fn modify_plan(
        &self,
        _ctx: &Context<D>,
        _req: ModifyPlanRequest,
        _resp: &mut ModifyPlanResponse,
    ) {
    }

    /// Turns an import ID into a state `read` can refresh. Without it, import fails with a
    /// diagnostic.
    async fn import_state(
        &self,
        _ctx: &Context<D>,
        req: ImportStateRequest,
        resp: &mut ImportStateResponse,
    ) {
        resp.diagnostics.error(
            "Resource Import Not Implemented",
            format!(
                "{} cannot be imported. This is not something you can fix in your configuration.",
                req.type_name
            ),
        );
    }

    /// The identity schema (Terraform ≥ 1.12); read once when the server starts. With one,
    /// the engine serves the identity in every answer, checks it is never all null and never
    /// changes a stored attribute, and accepts import by identity.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }

    /// The identity of the object whose state is `state`, for a response that left its
    /// identity null. By default each identity attribute is read from its state attribute
    /// (see [`IdentitySchema::from_state`]).
    fn identity_from_state(&self, identity: &IdentitySchema, state: &Value) -> Value {
        identity.from_state(state)
    }

    /// Refines the configuration `terraform plan -generate-config-out` and
    /// `terraform query -generate-config-out` write for an imported object (Terraform ≥ 1.14).
    async fn generate_config(
        &self,
        _req: GenerateConfigRequest,
        _resp: &mut GenerateConfigResponse,
    ) {
    }

    /// The resource types of other providers whose state `moved` blocks may move into this
    /// type (Terraform ≥ 1.8). The engine refuses any other source with a diagnostic naming
    /// these.
    fn moved_from(&self) -> Vec<MoveSource> {
        Vec::new()
    }

    /// Translates the state of one of [`Self::moved_from`]'s types into this type's state,
    /// without changing anything remote. Leave `resp.state` null with an error diagnostic when
    /// the source state cannot be translated.
    async fn move_state(&self, _req: MoveStateRequest, _resp: &mut MoveStateResponse) {}

    /// Upgrades state written under an older schema version (`req.version` < current).
    /// State of the current version never reaches this method.
    async fn upgrade_state(&self, req: UpgradeStateRequest, resp: &mut UpgradeStateResponse) {
        resp.diagnostics.error(
            "Unable to Upgrade Resource State",
            format!(
                "The state of {} was written with schema version {}, which this provider version \
                 cannot upgrade. Use the provider version that wrote it, or remove the resource \
                 from state and import it again.",
                req.type_name, req.version
            ),
        );
    }
}

/// The update of a resource whose every argument requires replacement, which Terraform never
/// plans: the state stays as it was, with an error that asks for a bug report. Call it from
/// [`Resource::update`].
pub fn refuse_update(type_name: &str, req: UpdateRequest, resp: &mut UpdateResponse) {
    resp.state = req.prior_state;
    resp.diagnostics.error(
        "Update not supported",
        format!(
            "{type_name} is replaced, never updated. This is a bug in the provider, please \
             report it."
        ),
    );
}

/// Passthrough import: the import ID becomes attribute `attribute` (usually `id`) of the
/// empty state. Call it from [`Resource::import_state`]. Importing by identity there is no
/// ID, and the engine has written the identity into the state already: this does nothing.
pub fn import_id_into(attribute: &str, req: &ImportStateRequest, resp: &mut ImportStateResponse) {
    if req.by_identity() {
        return;
    }
    if let Value::Object(attrs) = &mut resp.state {
        attrs.insert(attribute.to_owned(), Value::String(req.id.clone()));
    }
}
