//! ValidateResourceConfig, UpgradeResourceState, ReadResource, PlanResourceChange,
//! ApplyResourceChange, ImportResourceState.

use super::convert::diagnostics::{diagnostics, path};
use super::convert::dynamic_value::{decode, encode};
use crate::cty::{Type, Value};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;
use crate::framework::server::{
    ApplyResourceChangeRequest, PlanResourceChangeRequest, ReadResourceRequest, Server,
    unknown_type,
};
use crate::tfplugin6 as pb;

fn resource_type<P: Provider>(server: &Server<P>, type_name: &str) -> Result<Type, Diagnostic> {
    server
        .resource_schema(type_name)
        .map(|s| s.value_type())
        .ok_or_else(|| unknown_type("Resource", type_name))
}

/// Encodes `value`, recording a failure in `diags`.
fn encode_into(
    value: &Value,
    ty: &Type,
    what: &str,
    diags: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    match encode(value, ty, what) {
        Ok(dv) => Some(dv),
        Err(diag) => {
            diags.push(diag);
            None
        }
    }
}

/// ValidateResourceConfig.
pub async fn validate_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_resource_config::Request,
) -> pb::validate_resource_config::Response {
    let decoded = resource_type(server, &req.type_name)
        .and_then(|ty| decode(req.config.as_ref(), &ty, "configuration"));
    let diags = match decoded {
        Ok(config) => {
            server
                .validate_resource_config(&req.type_name, config)
                .await
        }
        Err(diag) => Diagnostics::from(diag),
    };
    pb::validate_resource_config::Response {
        diagnostics: diagnostics(&diags),
    }
}

/// UpgradeResourceState: raw JSON state in, msgpack in the current schema out.
pub async fn upgrade_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::upgrade_resource_state::Request,
) -> pb::upgrade_resource_state::Response {
    let failed = |diag: Diagnostic| pb::upgrade_resource_state::Response {
        upgraded_state: None,
        diagnostics: diagnostics(&Diagnostics::from(diag)),
    };
    let ty = match resource_type(server, &req.type_name) {
        Ok(ty) => ty,
        Err(diag) => return failed(diag),
    };
    let raw = req.raw_state.unwrap_or_default();
    if raw.json.is_empty() {
        return failed(Diagnostic::error(
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
        .upgrade_resource_state(&req.type_name, req.version, &raw.json)
        .await;
    let mut diags = upgraded.diagnostics;
    let upgraded_state = upgraded
        .state
        .and_then(|state| encode_into(&state, &ty, "upgraded state", &mut diags));
    pb::upgrade_resource_state::Response {
        upgraded_state,
        diagnostics: diagnostics(&diags),
    }
}

/// ReadResource.
pub async fn read_resource<P: Provider>(
    server: &Server<P>,
    req: pb::read_resource::Request,
) -> pb::read_resource::Response {
    let failed = |diag: Diagnostic, req: pb::read_resource::Request| pb::read_resource::Response {
        new_state: req.current_state,
        diagnostics: diagnostics(&Diagnostics::from(diag)),
        private: req.private,
        ..Default::default()
    };
    let ty = match resource_type(server, &req.type_name) {
        Ok(ty) => ty,
        Err(diag) => return failed(diag, req),
    };
    let state = match decode(req.current_state.as_ref(), &ty, "current state") {
        Ok(state) => state,
        Err(diag) => return failed(diag, req),
    };
    let resp = server
        .read_resource(
            &req.type_name,
            ReadResourceRequest {
                state,
                private: req.private,
            },
        )
        .await;
    let mut diags = resp.diagnostics;
    let new_state = encode_into(&resp.state, &ty, "refreshed state", &mut diags);
    pb::read_resource::Response {
        new_state,
        diagnostics: diagnostics(&diags),
        private: resp.private,
        ..Default::default()
    }
}

/// PlanResourceChange.
pub async fn plan_resource_change<P: Provider>(
    server: &Server<P>,
    req: pb::plan_resource_change::Request,
) -> pb::plan_resource_change::Response {
    let failed = |diag: Diagnostic| pb::plan_resource_change::Response {
        diagnostics: diagnostics(&Diagnostics::from(diag)),
        ..Default::default()
    };
    let ty = match resource_type(server, &req.type_name) {
        Ok(ty) => ty,
        Err(diag) => return failed(diag),
    };
    let decoded = (|| {
        Ok::<_, Diagnostic>(PlanResourceChangeRequest {
            prior_state: decode(req.prior_state.as_ref(), &ty, "prior state")?,
            proposed_new_state: decode(req.proposed_new_state.as_ref(), &ty, "proposed new state")?,
            config: decode(req.config.as_ref(), &ty, "configuration")?,
            prior_private: req.prior_private.clone(),
        })
    })();
    let plan_req = match decoded {
        Ok(plan_req) => plan_req,
        Err(diag) => return failed(diag),
    };
    let resp = server.plan_resource_change(&req.type_name, plan_req).await;
    let mut diags = resp.diagnostics;
    let planned_state = encode_into(&resp.planned_state, &ty, "planned state", &mut diags);
    pb::plan_resource_change::Response {
        planned_state,
        requires_replace: resp.requires_replace.iter().map(path).collect(),
        planned_private: resp.planned_private,
        diagnostics: diagnostics(&diags),
        ..Default::default()
    }
}

/// ApplyResourceChange.
pub async fn apply_resource_change<P: Provider>(
    server: &Server<P>,
    req: pb::apply_resource_change::Request,
) -> pb::apply_resource_change::Response {
    let failed = |diag: Diagnostic, req: &pb::apply_resource_change::Request| {
        pb::apply_resource_change::Response {
            new_state: req.prior_state.clone(),
            private: req.planned_private.clone(),
            diagnostics: diagnostics(&Diagnostics::from(diag)),
            ..Default::default()
        }
    };
    let ty = match resource_type(server, &req.type_name) {
        Ok(ty) => ty,
        Err(diag) => return failed(diag, &req),
    };
    let decoded = (|| {
        Ok::<_, Diagnostic>(ApplyResourceChangeRequest {
            prior_state: decode(req.prior_state.as_ref(), &ty, "prior state")?,
            planned_state: decode(req.planned_state.as_ref(), &ty, "planned state")?,
            config: decode(req.config.as_ref(), &ty, "configuration")?,
            planned_private: req.planned_private.clone(),
        })
    })();
    let apply_req = match decoded {
        Ok(apply_req) => apply_req,
        Err(diag) => return failed(diag, &req),
    };
    let resp = server
        .apply_resource_change(&req.type_name, apply_req)
        .await;
    let mut diags = resp.diagnostics;
    let new_state = encode_into(&resp.new_state, &ty, "new state", &mut diags);
    pb::apply_resource_change::Response {
        new_state,
        private: resp.private,
        diagnostics: diagnostics(&diags),
        ..Default::default()
    }
}

/// ImportResourceState.
pub async fn import_resource_state<P: Provider>(
    server: &Server<P>,
    req: pb::import_resource_state::Request,
) -> pb::import_resource_state::Response {
    let ty = match resource_type(server, &req.type_name) {
        Ok(ty) => ty,
        Err(diag) => {
            return pb::import_resource_state::Response {
                diagnostics: diagnostics(&Diagnostics::from(diag)),
                ..Default::default()
            };
        }
    };
    let resp = server.import_resource_state(&req.type_name, req.id).await;
    let mut diags = resp.diagnostics;
    let imported_resources = resp
        .state
        .and_then(|state| encode_into(&state, &ty, "imported state", &mut diags))
        .map(|state| pb::import_resource_state::ImportedResource {
            type_name: req.type_name.clone(),
            state: Some(state),
            private: resp.private,
            identity: None,
        })
        .into_iter()
        .collect();
    pb::import_resource_state::Response {
        imported_resources,
        diagnostics: diagnostics(&diags),
        deferred: None,
    }
}
