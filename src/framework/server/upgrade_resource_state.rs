//! UpgradeResourceState: Terraform sends every stored state through here, even when the
//! schema version has not changed, and expects it back as msgpack in the current schema.

use super::{Server, diags_of};
use crate::cty::{self, Value};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;
use crate::framework::resource::{UpgradeStateRequest, UpgradeStateResponse};

/// UpgradeResourceState output.
#[derive(Debug, Default)]
pub struct UpgradeResourceStateResponse {
    /// The state in the current schema; `None` on failure.
    pub state: Option<Value>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl<P: Provider> Server<P> {
    /// Reads `raw_json` (state written with schema `version`) as the current schema.
    ///
    /// Same version: decoded leniently (attributes the schema no longer has are dropped,
    /// missing ones become null). Older version: the resource's `upgrade_state`. Newer
    /// version: an error, since this provider cannot know that shape.
    pub async fn upgrade_resource_state(
        &self,
        type_name: &str,
        version: i64,
        raw_json: &[u8],
    ) -> UpgradeResourceStateResponse {
        let fail = |diagnostics: Diagnostics| UpgradeResourceStateResponse {
            state: None,
            diagnostics,
        };
        let entry = match self.resource(type_name) {
            Ok(entry) => entry,
            Err(diag) => return fail(diags_of(diag)),
        };
        let current = entry.schema.version;
        if version > current {
            return fail(diags_of(Diagnostic::error(
                "Unable to Upgrade Resource State",
                format!(
                    "The state of {type_name} was written by a newer provider version (schema \
                     version {version}, this provider knows up to {current}). Use that provider \
                     version or newer."
                ),
            )));
        }
        let ty = entry.schema.value_type();
        if version == current {
            return match cty::json::decode_lenient(raw_json, &ty) {
                Ok(state) => UpgradeResourceStateResponse {
                    state: Some(state),
                    diagnostics: Diagnostics::new(),
                },
                Err(e) => fail(diags_of(unreadable(type_name, &e.to_string()))),
            };
        }
        let raw_state = match serde_json::from_slice(raw_json) {
            Ok(raw) => raw,
            Err(e) => return fail(diags_of(unreadable(type_name, &e.to_string()))),
        };
        let mut resp = UpgradeStateResponse {
            state: Value::Null,
            diagnostics: Diagnostics::new(),
        };
        entry
            .resource
            .upgrade_state(UpgradeStateRequest { version, raw_state }, &mut resp)
            .await;
        if resp.diagnostics.has_errors() {
            return fail(resp.diagnostics);
        }
        UpgradeResourceStateResponse {
            state: Some(resp.state),
            diagnostics: resp.diagnostics,
        }
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
