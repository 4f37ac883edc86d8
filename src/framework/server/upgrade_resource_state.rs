//! UpgradeResourceState: Terraform sends every stored state through here, even when the
//! schema version has not changed, and expects it back as msgpack in the current schema.

use super::{Failed, ResourceHandle, Server};
use crate::cty::{self, Value};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::provider::Provider;
use crate::framework::resource::{UpgradeStateRequest, UpgradeStateResponse};

impl<P: Provider> Server<P> {
    /// Reads `raw_json` (state written with schema `version`) as the current schema; the
    /// state is null whenever there are errors.
    ///
    /// Same version: decoded leniently (attributes the schema no longer has are dropped,
    /// missing ones become null). Older version: the resource's `upgrade_state`. Newer
    /// version: an error, since this provider cannot know that shape.
    pub async fn upgrade_resource_state(
        &self,
        resource: &ResourceHandle<P::Data>,
        version: i64,
        raw_json: &[u8],
    ) -> UpgradeStateResponse {
        let type_name = resource.type_name();
        let current = resource.schema().version;
        if version > current {
            return UpgradeStateResponse::failed(Diagnostic::error(
                "Unable to Upgrade Resource State",
                format!(
                    "The state of {type_name} was written by a newer provider version (schema \
                     version {version}, this provider knows up to {current}). Use that provider \
                     version or newer."
                ),
            ));
        }
        if version == current {
            return match cty::json::decode_lenient(raw_json, resource.value_type()) {
                Ok(state) => UpgradeStateResponse {
                    state,
                    ..UpgradeStateResponse::default()
                },
                Err(e) => UpgradeStateResponse::failed(unreadable(type_name, &e.to_string())),
            };
        }
        let raw_state = match serde_json::from_slice(raw_json) {
            Ok(raw) => raw,
            Err(e) => return UpgradeStateResponse::failed(unreadable(type_name, &e.to_string())),
        };
        let mut resp = UpgradeStateResponse::default();
        let req = UpgradeStateRequest {
            type_name,
            version,
            raw_state,
        };
        resource.implementation.upgrade_state(req, &mut resp).await;
        if resp.diagnostics.has_errors() {
            resp.state = Value::Null;
        }
        resp
    }
}

fn unreadable(type_name: &str, reason: &str) -> Diagnostic {
    Diagnostic::error(
        "Unable to Read Prior State",
        format!(
            "The stored state of {type_name} does not match its schema: {reason}. The state \
             file may have been edited by hand."
        ),
    )
}

#[cfg(test)]
#[path = "upgrade_resource_state_tests.rs"]
mod tests;
