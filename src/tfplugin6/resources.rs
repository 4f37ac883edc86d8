//! UpgradeResourceState, UpgradeResourceIdentity, ReadResource, PlanResourceChange, ApplyResourceChange, ImportResourceState, MoveResourceState,
//! GenerateResourceConfig: each looks its type up once, decodes against the handle's value
//! (and identity) type, calls the engine with the handle and encodes the answer with it.

use super::convert::answer::Answer;
use super::convert::diagnostics::{diagnostics, path};
use super::convert::dynamic_value::{decode, decode_for, encode_into, encode_unless_failed};
use super::convert::identity::{decode_identity, encode_identity};
use crate::cty::Value;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;
use crate::framework::resource::{ImportStateRequest, ModifyPlanRequest, ReadRequest};
use crate::framework::server::{Change, MoveSourceState, ResourceHandle, Server};
use crate::tfplugin6 as pb;

/// Encodes `identity` with the type's identity schema, recording a failure in `diags`.
fn encode_identity_into<D>(
    identity: &Value,
    resource: &ResourceHandle<D>,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    encode_identity(identity, resource.identity_type(), what).unwrap_or_else(|diag| {
        diags.push(diag);
        None
    })
}

/// Raw JSON state in, msgpack in the current schema out.
pub async fn upgrade_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::upgrade_resource_state::Request,
) -> pb::upgrade_resource_state::Response {
    let resource = match server.resource(&req.type_name) {
        Ok(resource) => resource,
        Err(diag) => return Answer::failed(diag),
    };
    let raw = req.raw_state.unwrap_or_default();
    if raw.json.is_empty() {
        return Answer::failed(Diagnostic::error(
            "Unable to Upgrade Resource State",
            if raw.flatmap.is_empty() {
                "Terraform sent an empty state to upgrade. This is a bug in Terraform, please report it."
            } else {
                "The stored state uses the legacy flatmap format of Terraform 0.11 and earlier, \
                 which this provider cannot read. Refresh it with a Terraform version between \
                 0.12 and 0.15 first."
            },
        ));
    }
    let upgraded = server
        .upgrade_resource_state(resource, req.version, &raw.json)
        .await;
    let mut diags = upgraded.diagnostics;
    let upgraded_state = encode_unless_failed(
        &upgraded.state,
        resource.value_type(),
        "upgraded state",
        &mut diags,
    );
    pb::upgrade_resource_state::Response {
        upgraded_state,
        diagnostics: diagnostics(&diags),
    }
}

/// A request that cannot reach the engine is answered with the state and private data
/// Terraform sent, untouched.
pub async fn read_resource<P: Provider>(
    server: &Server<P>,
    req: pb::read_resource::Request,
) -> pb::read_resource::Response {
    let decoded = server.resource(&req.type_name).and_then(|resource| {
        let state = decode(
            req.current_state.as_ref(),
            resource.value_type(),
            "current state",
        )?;
        let identity = decode_identity(
            req.current_identity.as_ref(),
            resource.identity_type(),
            "current identity",
        )?;
        Ok((resource, state, identity))
    });
    let (resource, state, identity) = match decoded {
        Ok(decoded) => decoded,
        Err(diag) => {
            return pb::read_resource::Response {
                new_state: req.current_state,
                diagnostics: diagnostics(&Diagnostics::from(diag)),
                private: req.private,
                new_identity: req.current_identity,
                ..Default::default()
            };
        }
    };
    let read = ReadRequest {
        state,
        private: req.private,
        identity,
    };
    let resp = server.read_resource(resource, read).await;
    let mut diags = resp.diagnostics;
    let new_state = encode_into(
        &resp.state,
        resource.value_type(),
        "refreshed state",
        &mut diags,
    );
    let new_identity = encode_identity_into(&resp.identity, resource, "new identity", &mut diags);
    pb::read_resource::Response {
        new_state,
        diagnostics: diagnostics(&diags),
        private: resp.private,
        new_identity,
        ..Default::default()
    }
}

pub async fn plan_resource_change<P: Provider>(
    server: &Server<P>,
    req: pb::plan_resource_change::Request,
) -> pb::plan_resource_change::Response {
    let decoded = server.resource(&req.type_name).and_then(|resource| {
        let ty = resource.value_type();
        let proposed = decode(req.proposed_new_state.as_ref(), ty, "proposed new state")?;
        let modify = ModifyPlanRequest {
            prior_state: decode(req.prior_state.as_ref(), ty, "prior state")?,
            config: decode(req.config.as_ref(), ty, "configuration")?,
            prior_private: req.prior_private,
            prior_identity: decode_identity(
                req.prior_identity.as_ref(),
                resource.identity_type(),
                "prior identity",
            )?,
        };
        Ok((resource, proposed, modify))
    });
    let (resource, proposed, modify) = match decoded {
        Ok(decoded) => decoded,
        Err(diag) => return Answer::failed(diag),
    };
    let resp = server
        .plan_resource_change(resource, proposed, modify)
        .await;
    let mut diags = resp.diagnostics;
    let planned_state = encode_into(
        &resp.planned_state,
        resource.value_type(),
        "planned state",
        &mut diags,
    );
    let planned_identity = encode_identity_into(
        &resp.planned_identity,
        resource,
        "planned identity",
        &mut diags,
    );
    pb::plan_resource_change::Response {
        planned_state,
        planned_identity,
        requires_replace: resp.requires_replace.iter().map(path).collect(),
        planned_private: resp.planned_private,
        diagnostics: diagnostics(&diags),
        ..Default::default()
    }
}

/// A request that cannot reach the engine is answered with the prior state Terraform sent,
/// untouched.
pub async fn apply_resource_change<P: Provider>(
    server: &Server<P>,
    req: pb::apply_resource_change::Request,
) -> pb::apply_resource_change::Response {
    let decoded = server.resource(&req.type_name).and_then(|resource| {
        let ty = resource.value_type();
        let prior = decode(req.prior_state.as_ref(), ty, "prior state")?;
        let planned = decode(req.planned_state.as_ref(), ty, "planned state")?;
        let config = decode(req.config.as_ref(), ty, "configuration")?;
        let identity = decode_identity(
            req.planned_identity.as_ref(),
            resource.identity_type(),
            "planned identity",
        )?;
        Ok((resource, prior, planned, config, identity))
    });
    let (resource, prior, planned, config, identity) = match decoded {
        Ok(decoded) => decoded,
        Err(diag) => {
            return pb::apply_resource_change::Response {
                new_state: req.prior_state,
                private: req.planned_private,
                new_identity: req.planned_identity,
                diagnostics: diagnostics(&Diagnostics::from(diag)),
                ..Default::default()
            };
        }
    };
    let change = Change::new(prior, planned, config, req.planned_private, identity);
    let resp = server.apply_resource_change(resource, change).await;
    let mut diags = resp.diagnostics;
    let new_state = encode_into(
        &resp.new_state,
        resource.value_type(),
        "new state",
        &mut diags,
    );
    let new_identity =
        encode_identity_into(&resp.new_identity, resource, "new identity", &mut diags);
    pb::apply_resource_change::Response {
        new_state,
        new_identity,
        private: resp.private,
        diagnostics: diagnostics(&diags),
        ..Default::default()
    }
}

pub async fn import_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::import_resource_state::Request,
) -> pb::import_resource_state::Response {
    let decoded = server.resource(&req.type_name).and_then(|resource| {
        // Terraform sends an identity only for types that have one; for any other it is an
        // error rather than an import by an empty ID.
        let ty = resource.identity_type();
        let identity = match (&req.identity, ty) {
            (Some(_), None) => Value::Object(Default::default()),
            (identity, ty) => decode_identity(identity.as_ref(), ty, "identity")?,
        };
        Ok((resource, identity))
    });
    let (resource, identity) = match decoded {
        Ok(decoded) => decoded,
        Err(diag) => return Answer::failed(diag),
    };
    let resp = server
        .import_resource_state(
            resource,
            ImportStateRequest {
                id: req.id,
                identity,
            },
        )
        .await;
    let mut diags = resp.diagnostics;
    let state = encode_unless_failed(
        &resp.state,
        resource.value_type(),
        "imported state",
        &mut diags,
    );
    let identity = encode_identity_into(&resp.identity, resource, "imported identity", &mut diags);
    let imported_resources = state
        .filter(|_| !diags.has_errors())
        .map(|state| pb::import_resource_state::ImportedResource {
            type_name: req.type_name,
            state: Some(state),
            private: resp.private,
            identity,
        })
        .into_iter()
        .collect();
    pb::import_resource_state::Response {
        imported_resources,
        diagnostics: diagnostics(&diags),
        deferred: None,
    }
}

/// Raw JSON identity in, msgpack in the current identity schema out.
pub fn upgrade_resource_identity<P: Provider>(
    server: &Server<P>,
    req: pb::upgrade_resource_identity::Request,
) -> pb::upgrade_resource_identity::Response {
    let resource = match server.resource(&req.type_name) {
        Ok(resource) => resource,
        Err(diag) => return Answer::failed(diag),
    };
    let raw = req.raw_identity.unwrap_or_default();
    let resp = server.upgrade_resource_identity(resource, req.version, &raw.json);
    let mut diags = resp.diagnostics;
    let upgraded_identity =
        encode_identity_into(&resp.identity, resource, "upgraded identity", &mut diags);
    pb::upgrade_resource_identity::Response {
        upgraded_identity,
        diagnostics: diagnostics(&diags),
    }
}

pub async fn move_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::move_resource_state::Request,
) -> pb::move_resource_state::Response {
    let resource = match server.resource(&req.target_type_name) {
        Ok(resource) => resource,
        Err(diag) => return Answer::failed(diag),
    };
    let source = MoveSourceState {
        provider_address: req.source_provider_address,
        type_name: req.source_type_name,
        schema_version: req.source_schema_version,
        state_json: req.source_state.unwrap_or_default().json,
        private: req.source_private,
        identity_json: req.source_identity.unwrap_or_default().json,
    };
    let resp = server.move_resource_state(resource, source).await;
    let mut diags = resp.diagnostics;
    let target_state = encode_unless_failed(
        &resp.state,
        resource.value_type(),
        "moved state",
        &mut diags,
    );
    let target_identity =
        encode_identity_into(&resp.identity, resource, "moved identity", &mut diags);
    if diags.has_errors() {
        return Answer::of(&diags);
    }
    pb::move_resource_state::Response {
        target_state,
        diagnostics: diagnostics(&diags),
        target_private: resp.private,
        target_identity,
    }
}

pub async fn generate_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::generate_resource_config::Request,
) -> pb::generate_resource_config::Response {
    let found = server.resource(&req.type_name);
    let (resource, state) = match decode_for(found, req.state.as_ref(), "state") {
        Ok(decoded) => decoded,
        Err(diag) => return Answer::failed(diag),
    };
    let resp = server.generate_resource_config(resource, state).await;
    let mut diags = resp.diagnostics;
    let config = encode_unless_failed(
        &resp.config,
        resource.value_type(),
        "generated configuration",
        &mut diags,
    );
    pb::generate_resource_config::Response {
        config,
        diagnostics: diagnostics(&diags),
    }
}
