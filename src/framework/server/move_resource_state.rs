//! MoveResourceState: a `moved` block from another provider's resource type. The engine
//! refuses sources the target type does not list, reads the source's JSON, and checks the
//! translated state is present, wholly known and of the target's schema.

use super::identity;
use super::invariants::unknown_after;
use super::{Failed, ResourceHandle, Server};
use crate::cty::{self, Value};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::move_state::{MoveStateRequest, MoveStateResponse};
use crate::framework::provider::Provider;

/// The source of a move as Terraform sends it: state and identity still raw JSON.
#[derive(Debug, Clone)]
pub struct MoveSourceState {
    /// The source provider's full address.
    pub provider_address: String,
    /// The source resource type.
    pub type_name: String,
    /// The source schema version.
    pub schema_version: i64,
    /// The source state, JSON.
    pub state_json: Vec<u8>,
    /// The source private data.
    pub private: Vec<u8>,
    /// The source identity, JSON; empty when there is none.
    pub identity_json: Vec<u8>,
}

impl<P: Provider> Server<P> {
    /// Moves `source` into `resource`'s type. Everything is null whenever there are errors.
    pub async fn move_resource_state(
        &self,
        resource: &ResourceHandle<P::Data>,
        source: MoveSourceState,
    ) -> MoveStateResponse {
        let req = match request(resource, source) {
            Ok(req) => req,
            Err(diag) => return MoveStateResponse::failed(diag),
        };
        let mut resp = MoveStateResponse::default();
        resource.implementation.move_state(req, &mut resp).await;
        if resp.diagnostics.has_errors() {
            return MoveStateResponse::failed(resp.diagnostics);
        }
        if resp.state.is_null() {
            resp.diagnostics.error(
                "Missing Resource State After Move",
                format!(
                    "{} accepted the move but returned no state. This is a bug in the provider, \
                     please report it.",
                    resource.type_name()
                ),
            );
            return MoveStateResponse::failed(resp.diagnostics);
        }
        let unknown = unknown_after("Move", "resource", "moving the state", &resp.state);
        resp.diagnostics.extend(unknown);
        if let Err(e) = cty::msgpack::encode(&resp.state, resource.value_type()) {
            resp.diagnostics.error(
                "Invalid Moved State",
                format!(
                    "The moved state does not match the schema of {}: {e}. This is a bug in the \
                     provider, please report it.",
                    resource.type_name()
                ),
            );
        }
        if resp.diagnostics.has_errors() {
            return MoveStateResponse::failed(resp.diagnostics);
        }
        // A moved object without an identity gets one at the read that follows.
        let given = std::mem::replace(&mut resp.identity, Value::Null);
        match identity::resolve(resource, given, &resp.state) {
            identity if identity.is_wholly_known() => resp.identity = identity,
            _ => {
                resp.diagnostics.error(
                    "Unknown Resource Identity After Move",
                    "The resource returned an identity with unknown values after moving the \
                     state. This is a bug in the provider, please report it.",
                );
                return MoveStateResponse::failed(resp.diagnostics);
            }
        }
        resp
    }
}

/// The resource's request, once the source is one it accepts and its JSON reads.
fn request<D: Send + Sync + 'static>(
    resource: &ResourceHandle<D>,
    source: MoveSourceState,
) -> Result<MoveStateRequest, Diagnostic> {
    let accepted = resource.implementation.moved_from();
    if !accepted
        .iter()
        .any(|s| s.matches(&source.provider_address, &source.type_name))
    {
        let accepts = if accepted.is_empty() {
            "no resource type of another provider".to_owned()
        } else {
            accepted
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(Diagnostic::error(
            "Unsupported Resource Move",
            format!(
                "{} cannot be moved from {} of provider {:?}: it accepts moves from {accepts}. \
                 Remove the `moved` block, and import the object instead.",
                resource.type_name(),
                source.type_name,
                source.provider_address,
            ),
        ));
    }
    let unreadable = |what: &str, e: serde_json::Error| {
        Diagnostic::error(
            "Unable to Read Source State",
            format!(
                "The {what} of {} (schema version {}) that Terraform sent is not valid JSON: \
                 {e}. The state file may have been edited by hand.",
                source.type_name, source.schema_version
            ),
        )
    };
    let source_state =
        serde_json::from_slice(&source.state_json).map_err(|e| unreadable("state", e))?;
    let source_identity = if source.identity_json.is_empty() {
        None
    } else {
        Some(serde_json::from_slice(&source.identity_json).map_err(|e| unreadable("identity", e))?)
    };
    Ok(MoveStateRequest {
        source_provider_address: source.provider_address,
        source_type_name: source.type_name,
        source_schema_version: source.schema_version,
        source_state,
        source_private: source.private,
        source_identity,
    })
}

#[cfg(test)]
#[path = "move_resource_state_tests.rs"]
mod tests;
