//! ValidateDataResourceConfig, ReadDataSource: each looks its type up once, decodes against
//! the handle's value type, calls the engine with the handle and encodes the answer with it.

use super::convert::diagnostics::{diagnostics, diagnostics_of};
use super::convert::dynamic_value::{decode, encode_into};
use crate::framework::data_source::{ReadRequest, ValidateConfigRequest};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::server::Server;
use crate::tfplugin6 as pb;

pub async fn validate_data_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    let prepared = server.data_source(&req.type_name).and_then(|data_source| {
        let config = decode(
            req.config.as_ref(),
            data_source.value_type(),
            "configuration",
        )?;
        Ok((data_source, ValidateConfigRequest { config }))
    });
    pb::validate_data_resource_config::Response {
        diagnostics: diagnostics_of(prepared, |(data_source, req)| async move {
            server
                .validate_data_source_config(data_source, req)
                .await
                .diagnostics
        })
        .await,
    }
}

pub async fn read_data_source<P: Provider>(
    server: &Server<P>,
    req: pb::read_data_source::Request,
) -> pb::read_data_source::Response {
    let decoded = server.data_source(&req.type_name).and_then(|data_source| {
        let config = decode(
            req.config.as_ref(),
            data_source.value_type(),
            "configuration",
        )?;
        Ok((data_source, config))
    });
    let (data_source, config) = match decoded {
        Ok(decoded) => decoded,
        Err(diag) => {
            return pb::read_data_source::Response {
                state: None,
                diagnostics: diagnostics(&Diagnostics::from(diag)),
                deferred: None,
            };
        }
    };
    let resp = server
        .read_data_source(data_source, ReadRequest { config })
        .await;
    let mut diags = resp.diagnostics;
    let state = encode_into(
        &resp.state,
        data_source.value_type(),
        "data source result",
        &mut diags,
    );
    pb::read_data_source::Response {
        state,
        diagnostics: diagnostics(&diags),
        deferred: None,
    }
}
