//! UpgradeResourceState, UpgradeResourceIdentity, ReadResource, PlanResourceChange,
//! ApplyResourceChange, ImportResourceState, MoveResourceState, GenerateResourceConfig: each looks
//! its type up once, decodes against the handle's value (and identity) type, calls the engine with
//! the handle and encodes the answer with it.

use super::convert::answer::Answer;
use super::convert::diagnostics::path;
use super::convert::dynamic_value::{decode, decode_for};
use super::convert::encoder::Encoder;
use super::convert::identity::decode_identity;
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::provider::Provider;
use crate::framework::resource::{ImportStateRequest, ModifyPlanRequest, ReadRequest};
use crate::framework::server::{Change, MoveSourceState, Server};
use crate::tfplugin6 as pb;

/// Raw JSON state in, msgpack in the current schema out.
pub async fn upgrade_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::upgrade_resource_state::Request,
) -> pb::upgrade_resource_state::Response {
    let resource = match server.resources().get(&req.type_name) {
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
    let mut out = Encoder::new(resource, upgraded.diagnostics);
    let upgraded_state = out.value_unless_failed(&upgraded.state, "upgraded state");
    pb::upgrade_resource_state::Response {
        upgraded_state,
        diagnostics: out.diagnostics(),
    }
}

/// A request that cannot reach the engine is answered with the state and private data
/// Terraform sent, untouched.
pub async fn read_resource<P: Provider>(
    server: &Server<P>,
    req: pb::read_resource::Request,
) -> pb::read_resource::Response {
    let decoded = server.resources().get(&req.type_name).and_then(|resource| {
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
                private: req.private,
                new_identity: req.current_identity,
                ..Answer::failed(diag)
            };
        }
    };
    let read = ReadRequest {
        state,
        private: req.private,
        identity,
    };
    let resp = server.read_resource(resource, read).await;
    let mut out = Encoder::new(resource, resp.diagnostics);
    let new_state = out.value(&resp.state, "refreshed state");
    let new_identity = out.identity(&resp.identity, "new identity");
    pb::read_resource::Response {
        new_state,
        diagnostics: out.diagnostics(),
        private: resp.private,
        new_identity,
        ..Default::default()
    }
}

pub async fn plan_resource_change<P: Provider>(
    server: &Server<P>,
    req: pb::plan_resource_change::Request,
) -> pb::plan_resource_change::Response {
    let decoded = server.resources().get(&req.type_name).and_then(|resource| {
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
    let mut out = Encoder::new(resource, resp.diagnostics);
    let planned_state = out.value(&resp.planned_state, "planned state");
    let planned_identity = out.identity(&resp.planned_identity, "planned identity");
    pb::plan_resource_change::Response {
        planned_state,
        planned_identity,
        requires_replace: resp.requires_replace.iter().map(path).collect(),
        planned_private: resp.planned_private,
        diagnostics: out.diagnostics(),
        ..Default::default()
    }
}

/// A request that cannot reach the engine is answered with the prior state Terraform sent,
/// untouched.
pub async fn apply_resource_change<P: Provider>(
    server: &Server<P>,
    req: pb::apply_resource_change::Request,
) -> pb::apply_resource_change::Response {
    let decoded = server.resources().get(&req.type_name).and_then(|resource| {
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
                ..Answer::failed(diag)
            };
        }
    };
    let change = Change::new(prior, planned, config, req.planned_private, identity);
    let resp = server.apply_resource_change(resource, change).await;
    let mut out = Encoder::new(resource, resp.diagnostics);
    let new_state = out.value(&resp.new_state, "new state");
    let new_identity = out.identity(&resp.new_identity, "new identity");
    pb::apply_resource_change::Response {
        new_state,
        new_identity,
        private: resp.private,
        diagnostics: out.diagnostics(),
        ..Default::default()
    }
}

pub async fn import_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::import_resource_state::Request,
) -> pb::import_resource_state::Response {
    let decoded = server.resources().get(&req.type_name).and_then(|resource| {
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
                type_name: resource.type_name(),
                id: req.id,
                identity,
            },
        )
        .await;
    let mut out = Encoder::new(resource, resp.diagnostics);
    let state = out.value_unless_failed(&resp.state, "imported state");
    let identity = out.identity(&resp.identity, "imported identity");
    let imported_resources = state
        .filter(|_| !out.has_errors())
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
        diagnostics: out.diagnostics(),
        deferred: None,
    }
}

/// Raw JSON identity in, msgpack in the current identity schema out.
pub fn upgrade_resource_identity<P: Provider>(
    server: &Server<P>,
    req: pb::upgrade_resource_identity::Request,
) -> pb::upgrade_resource_identity::Response {
    let resource = match server.resources().get(&req.type_name) {
        Ok(resource) => resource,
        Err(diag) => return Answer::failed(diag),
    };
    let raw = req.raw_identity.unwrap_or_default();
    let resp = server.upgrade_resource_identity(resource, req.version, &raw.json);
    let mut out = Encoder::new(resource, resp.diagnostics);
    let upgraded_identity = out.identity(&resp.identity, "upgraded identity");
    pb::upgrade_resource_identity::Response {
        upgraded_identity,
        diagnostics: out.diagnostics(),
    }
}

pub async fn move_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::move_resource_state::Request,
) -> pb::move_resource_state::Response {
    let resource = match server.resources().get(&req.target_type_name) {
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
    let mut out = Encoder::new(resource, resp.diagnostics);
    let target_state = out.value_unless_failed(&resp.state, "moved state");
    let target_identity = out.identity(&resp.identity, "moved identity");
    if out.has_errors() {
        return pb::move_resource_state::Response {
            diagnostics: out.diagnostics(),
            ..Default::default()
        };
    }
    pb::move_resource_state::Response {
        target_state,
        diagnostics: out.diagnostics(),
        target_private: resp.private,
        target_identity,
    }
}

pub async fn generate_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::generate_resource_config::Request,
) -> pb::generate_resource_config::Response {
    let found = server.resources().get(&req.type_name);
    let (resource, state) = match decode_for(found, req.state.as_ref(), "state") {
        Ok(decoded) => decoded,
        Err(diag) => return Answer::failed(diag),
    };
    let resp = server.generate_resource_config(resource, state).await;
    let mut out = Encoder::new(resource, resp.diagnostics);
    let config = out.value_unless_failed(&resp.config, "generated configuration");
    pb::generate_resource_config::Response {
        config,
        diagnostics: out.diagnostics(),
    }
}
