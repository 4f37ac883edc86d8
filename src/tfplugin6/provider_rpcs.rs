//! ValidateProviderConfig, ConfigureProvider, StopProvider.

use super::convert::diagnostics::diagnostics_of;
use super::convert::dynamic_value::decode;
use crate::framework::provider::{ConfigureRequest, Provider, ValidateConfigRequest};
use crate::framework::server::Server;
use crate::tfplugin6 as pb;

pub async fn validate_provider_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_provider_config::Request,
) -> pb::validate_provider_config::Response {
    let ty = server.provider().value_type();
    let prepared = decode(req.config.as_ref(), ty, "provider configuration");
    pb::validate_provider_config::Response {
        diagnostics: diagnostics_of(prepared, |config| async move {
            server
                .validate_provider_config(ValidateConfigRequest { config })
                .await
                .diagnostics
        })
        .await,
    }
}

pub async fn configure_provider<P: Provider>(
    server: &Server<P>,
    req: pb::configure_provider::Request,
) -> pb::configure_provider::Response {
    let ty = server.provider().value_type();
    let prepared = decode(req.config.as_ref(), ty, "provider configuration");
    pb::configure_provider::Response {
        diagnostics: diagnostics_of(prepared, |config| async move {
            server
                .configure_provider(ConfigureRequest {
                    config,
                    terraform_version: req.terraform_version,
                })
                .await
                .diagnostics
        })
        .await,
    }
}

/// Interrupts work in flight and answers at once.
pub fn stop_provider<P: Provider>(server: &Server<P>) -> pb::stop_provider::Response {
    server.stop_provider();
    pb::stop_provider::Response {
        error: String::new(),
    }
}
