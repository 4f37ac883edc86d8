//! ValidateProviderConfig, ConfigureProvider, StopProvider.

use super::convert::diagnostics::diagnostics;
use super::convert::dynamic_value::decode;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::{ConfigureRequest, Provider, ValidateConfigRequest};
use crate::framework::server::Server;
use crate::tfplugin6 as pb;

pub async fn validate_provider_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_provider_config::Request,
) -> pb::validate_provider_config::Response {
    let ty = server.provider().value_type();
    let diags = match decode(req.config.as_ref(), ty, "provider configuration") {
        Ok(config) => {
            server
                .validate_provider_config(ValidateConfigRequest { config })
                .await
                .diagnostics
        }
        Err(diag) => Diagnostics::from(diag),
    };
    pb::validate_provider_config::Response {
        diagnostics: diagnostics(&diags),
    }
}

pub async fn configure_provider<P: Provider>(
    server: &Server<P>,
    req: pb::configure_provider::Request,
) -> pb::configure_provider::Response {
    let ty = server.provider().value_type();
    let diags = match decode(req.config.as_ref(), ty, "provider configuration") {
        Ok(config) => {
            server
                .configure_provider(ConfigureRequest {
                    config,
                    terraform_version: req.terraform_version,
                })
                .await
                .diagnostics
        }
        Err(diag) => Diagnostics::from(diag),
    };
    pb::configure_provider::Response {
        diagnostics: diagnostics(&diags),
    }
}

/// Interrupts work in flight and answers at once.
pub fn stop_provider<P: Provider>(server: &Server<P>) -> pb::stop_provider::Response {
    server.stop_provider();
    pb::stop_provider::Response {
        error: String::new(),
    }
}
