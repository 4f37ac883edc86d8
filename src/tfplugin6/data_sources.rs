//! ValidateDataResourceConfig, ReadDataSource.

use super::convert::diagnostics::diagnostics;
use super::convert::dynamic_value::{decode, encode};
use crate::cty::Type;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::provider::Provider;
use crate::framework::server::{Server, unknown_type};
use crate::tfplugin6 as pb;

fn data_source_type<P: Provider>(server: &Server<P>, type_name: &str) -> Result<Type, Diagnostic> {
    server
        .data_source_schema(type_name)
        .map(|s| s.value_type())
        .ok_or_else(|| unknown_type("Data Source", type_name))
}

/// ValidateDataResourceConfig.
pub async fn validate_data_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    let decoded = data_source_type(server, &req.type_name)
        .and_then(|ty| decode(req.config.as_ref(), &ty, "configuration"));
    let diags = match decoded {
        Ok(config) => {
            server
                .validate_data_source_config(&req.type_name, config)
                .await
        }
        Err(diag) => Diagnostics::from(diag),
    };
    pb::validate_data_resource_config::Response {
        diagnostics: diagnostics(&diags),
    }
}

/// ReadDataSource.
pub async fn read_data_source<P: Provider>(
    server: &Server<P>,
    req: pb::read_data_source::Request,
) -> pb::read_data_source::Response {
    let ty = match data_source_type(server, &req.type_name) {
        Ok(ty) => ty,
        Err(diag) => return failed(diag),
    };
    let config = match decode(req.config.as_ref(), &ty, "configuration") {
        Ok(config) => config,
        Err(diag) => return failed(diag),
    };
    let (state, mut diags) = server.read_data_source(&req.type_name, config).await;
    let state = match encode(&state, &ty, "data source result") {
        Ok(dv) => Some(dv),
        Err(diag) => {
            diags.push(diag);
            None
        }
    };
    pb::read_data_source::Response {
        state,
        diagnostics: diagnostics(&diags),
        deferred: None,
    }
}

fn failed(diag: Diagnostic) -> pb::read_data_source::Response {
    pb::read_data_source::Response {
        state: None,
        diagnostics: diagnostics(&Diagnostics::from(diag)),
        deferred: None,
    }
}
