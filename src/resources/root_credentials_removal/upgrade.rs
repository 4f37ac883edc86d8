//! States of earlier schema versions. Version 0 had `id`, `account_id`, `credential_types` and
//! `remaining`; version 1 added `to_remove` and `root_session`, which a state of version 0 holds
//! as null (nothing recorded) until the next change, so that it plans no change.

use crate::cty::json::decode_lenient;
use crate::framework::resource::{Resource, UpgradeStateRequest, UpgradeStateResponse};

use super::RootCredentialsRemovalResource;

/// Upgrades `req` to the current schema.
pub(super) fn upgrade(
    resource: &RootCredentialsRemovalResource,
    req: UpgradeStateRequest,
    resp: &mut UpgradeStateResponse,
) {
    if req.version != 0 {
        return resp.diagnostics.error(
            "Unable to Upgrade Resource State",
            format!(
                "The state of {} has schema version {}, which no version of this provider \
                 wrote. Remove the resource from state (terraform state rm) and apply again.",
                req.type_name, req.version
            ),
        );
    }
    // Every attribute of version 0 is in version 1, unchanged; the new ones read as null.
    let decoded = serde_json::to_vec(&req.raw_state)
        .map_err(|err| err.to_string())
        .and_then(|raw| {
            decode_lenient(&raw, &resource.schema().value_type()).map_err(|err| err.to_string())
        });
    match decoded {
        Ok(state) => resp.state = state,
        Err(err) => resp.diagnostics.error(
            "Unable to Upgrade Resource State",
            format!(
                "The state of {} written with schema version 0 does not have the shape that \
                 version had: {err}.",
                req.type_name
            ),
        ),
    }
}
