//! UpgradeResourceIdentity: Terraform sends a stored identity whose version differs from the
//! identity schema's. Every identity schema here is still at its first version, so the engine
//! reads the current version and refuses any other with a diagnostic.

use super::{Failed, ResourceHandle, Server};
use crate::cty::{self, Value};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;

/// What UpgradeResourceIdentity answers.
#[derive(Debug, Default)]
pub struct UpgradeIdentityResponse {
    /// The identity in the current identity schema; null with errors, or when Terraform sent
    /// none.
    pub identity: Value,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl<P: Provider> Server<P> {
    /// Reads `raw_json`, an identity stored with identity schema `version`, as the current
    /// identity schema.
    pub fn upgrade_resource_identity(
        &self,
        resource: &ResourceHandle<P::Data>,
        version: i64,
        raw_json: &[u8],
    ) -> UpgradeIdentityResponse {
        match stored_identity(resource, version, raw_json) {
            Ok(identity) => UpgradeIdentityResponse {
                identity,
                ..UpgradeIdentityResponse::default()
            },
            Err(diag) => UpgradeIdentityResponse::failed(diag),
        }
    }
}

/// The identity `raw_json` holds (null when empty), once `resource` has an identity schema
/// of `version` and the JSON matches it.
fn stored_identity<D>(
    resource: &ResourceHandle<D>,
    version: i64,
    raw_json: &[u8],
) -> Result<Value, Diagnostic> {
    let type_name = resource.type_name();
    let (Some(schema), Some(ty)) = (resource.identity_schema(), resource.identity_type()) else {
        return Err(Diagnostic::error(
            "Unable to Upgrade Resource Identity",
            format!(
                "{type_name} has no resource identity in this provider version, so a stored \
                 identity (version {version}) cannot be read. Use the provider version that \
                 wrote it."
            ),
        ));
    };
    if version != schema.version {
        return Err(Diagnostic::error(
            "Unable to Upgrade Resource Identity",
            format!(
                "The identity of {type_name} was stored with identity version {version}, \
                 which this provider version does not know: it reads version {}. Use the \
                 provider version that wrote it.",
                schema.version
            ),
        ));
    }
    if raw_json.is_empty() {
        return Ok(Value::Null);
    }
    cty::json::decode_lenient(raw_json, ty).map_err(|e| {
        Diagnostic::error(
            "Unable to Upgrade Resource Identity",
            format!(
                "The stored identity of {type_name} does not match its identity schema: \
                 {e}. The state file may have been edited by hand."
            ),
        )
    })
}

#[cfg(test)]
#[path = "upgrade_resource_identity_tests.rs"]
mod tests;
