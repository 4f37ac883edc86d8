//! The [`EphemeralResource`] trait: a value opened for the length of one Terraform run
//! (credentials, a session), never stored in plan or state (Terraform ≥ 1.10).
//!
//! Terraform opens an ephemeral resource once its configuration is wholly known, in plan and
//! again in apply, may renew it while the run lasts, and closes it after every provider and
//! resource that used its result is done. Renewal extends what was opened; it cannot change
//! the result, so [`RenewResponse`] has none.

use std::time::SystemTime;

use async_trait::async_trait;

use crate::cty::Value;
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;

pub use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};

/// `open` input.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    /// The configuration, wholly known: Terraform does not open while it holds unknowns, and
    /// the engine refuses such a request before calling `open`.
    pub config: Value,
}

/// `open` output.
#[derive(Debug, Default)]
pub struct OpenResponse {
    /// The result, starting as the configuration: fill in the computed attributes. The engine
    /// checks that it ends wholly known and keeps every configured value.
    pub result: Value,
    /// When Terraform should call `renew`, if ever.
    pub renew_at: Option<SystemTime>,
    /// Opaque data Terraform hands to the first `renew` and to `close`.
    pub private: Vec<u8>,
    /// With an error, Terraform uses no result and never calls `renew` or `close`: release
    /// anything already acquired before returning.
    pub diagnostics: Diagnostics,
}

/// `renew` input.
#[derive(Debug, Clone)]
pub struct RenewRequest {
    /// What `open`, or the previous `renew`, answered in `private`.
    pub private: Vec<u8>,
}

/// `renew` output.
#[derive(Debug, Default)]
pub struct RenewResponse {
    /// When to renew again; `None` ends the renewals.
    pub renew_at: Option<SystemTime>,
    /// Opaque data for the next `renew` (not for `close`, which always receives what `open`
    /// answered), starting as the request's.
    pub private: Vec<u8>,
    /// With an error, Terraform stops renewing and reports it when it closes the resource.
    pub diagnostics: Diagnostics,
}

/// `close` input.
#[derive(Debug, Clone)]
pub struct CloseRequest {
    /// What `open` answered in `private` (Terraform never passes a renewed one).
    pub private: Vec<u8>,
}

/// `close` output.
#[derive(Debug, Default)]
pub struct CloseResponse {
    /// Errors and warnings, shown after the run.
    pub diagnostics: Diagnostics,
}

/// An ephemeral resource type. `D` is the provider's configured data. Its full type name
/// (e.g. `centralroot_root_session`) is given with it in [`Provider::ephemeral_resources`].
///
/// [`Provider::ephemeral_resources`]: crate::framework::provider::Provider::ephemeral_resources
#[async_trait]
pub trait EphemeralResource<D: Send + Sync + 'static>: Send + Sync {
    /// The schema; read once when the server starts.
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond the schema's validators. Values may be unknown.
    async fn validate_config(
        &self,
        _req: ValidateConfigRequest,
        _resp: &mut ValidateConfigResponse,
    ) {
    }

    /// Opens the resource and fills in its result.
    async fn open(&self, ctx: &Context<D>, req: OpenRequest, resp: &mut OpenResponse);

    /// Extends what `open` acquired. Terraform calls it only after an answer set `renew_at`;
    /// without an implementation nothing is extended and the renewals end.
    async fn renew(&self, _ctx: &Context<D>, _req: RenewRequest, _resp: &mut RenewResponse) {}

    /// Releases what `open` acquired, once everything that used the result is done.
    async fn close(&self, _ctx: &Context<D>, _req: CloseRequest, _resp: &mut CloseResponse) {}
}
