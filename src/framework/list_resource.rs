//! The [`ListResource`] trait: what `terraform query` lists (Terraform ≥ 1.14).
//!
//! A list type shares its name with a managed resource type that has an identity schema:
//! each result is one object of that type, named by its identity. The engine streams each
//! result to Terraform as soon as [`ListResults::push`] receives it, so results of the first
//! page reach Terraform while later pages are being fetched.

use async_trait::async_trait;
use tokio::sync::mpsc;

use crate::cty::Value;
use crate::framework::context::Context;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::Schema;

pub use crate::framework::resource::{ValidateConfigRequest, ValidateConfigResponse};

/// `list` input.
#[derive(Debug, Clone)]
pub struct ListRequest {
    /// The `config {}` block of the `list` block, wholly known.
    pub config: Value,
    /// Whether Terraform wants each result's full state (`include_resource = true`, always
    /// with `-generate-config-out`). The engine drops states Terraform did not ask for.
    pub include_resource_object: bool,
    /// The most results Terraform takes; the engine stops the listing once it has them.
    pub limit: i64,
}

/// One object found by a listing.
#[derive(Debug, Clone)]
pub struct ListResult {
    /// The object's identity; left null, the engine derives it from `resource_object`
    /// through the managed resource type.
    pub identity: Value,
    /// A short human name, e.g. the account and service principal.
    pub display_name: String,
    /// The object's state in the managed resource type's schema, as a read would return
    /// it; null when not known without another request and not asked for.
    pub resource_object: Value,
}

/// What a listing produced, as the engine hands it on: one result, or the diagnostics the
/// listing ended with.
#[derive(Debug)]
pub(crate) enum ListItem {
    Result(Box<ListResult>),
    Diagnostics(Diagnostics),
}

/// Where a listing sends its results.
#[derive(Debug)]
pub struct ListResults {
    sender: mpsc::Sender<ListItem>,
}

impl ListResults {
    pub(crate) fn new(sender: mpsc::Sender<ListItem>) -> Self {
        Self { sender }
    }

    /// Sends one result; waits while Terraform has not taken the previous one yet. `false`
    /// means Terraform needs no more (limit reached, or it went away): stop listing.
    pub async fn push(&self, result: ListResult) -> bool {
        self.sender
            .send(ListItem::Result(Box::new(result)))
            .await
            .is_ok()
    }

    /// Sends a warning at once, between two results: about an object the listing had to leave
    /// out, for example, so that Terraform shows it even when it stops the listing at its limit
    /// before the end. `false` means Terraform needs no more: stop listing. (An error ends the
    /// listing: put it in [`ListResponse::diagnostics`] and return.)
    pub async fn warn(&self, warning: Diagnostic) -> bool {
        self.sender
            .send(ListItem::Diagnostics(warning.into()))
            .await
            .is_ok()
    }

    /// Whether Terraform needs no more results.
    pub fn is_closed(&self) -> bool {
        self.sender.is_closed()
    }
}

/// `list` output, beside the streamed results.
#[derive(Debug, Default)]
pub struct ListResponse {
    /// Sent after the results, as one last event: an error tells Terraform the listing
    /// failed (the results already sent stay valid).
    pub diagnostics: Diagnostics,
}

/// A list resource type. `D` is the provider's configured data. It is given in
/// [`Provider::list_resources`] with its type name: the name of a managed resource type with
/// an identity schema.
///
/// [`Provider::list_resources`]: crate::framework::provider::Provider::list_resources
#[async_trait]
pub trait ListResource<D: Send + Sync + 'static>: Send + Sync {
    /// The schema of the `config {}` block; read once when the server starts.
    fn config_schema(&self) -> Schema;

    /// Checks the configuration beyond the schema's validators. Values may be unknown.
    async fn validate_config(
        &self,
        _req: ValidateConfigRequest,
        _resp: &mut ValidateConfigResponse,
    ) {
    }

    /// Lists the objects, pushing each to `results` as it is found; stops when `push`
    /// returns `false`.
    async fn list(
        &self,
        ctx: &Context<D>,
        req: ListRequest,
        results: &ListResults,
        resp: &mut ListResponse,
    );
}
