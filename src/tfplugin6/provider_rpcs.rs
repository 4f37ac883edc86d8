//! ConfigureProvider, StopProvider.

use super::convert::answer::answer_with;
use super::convert::dynamic_value::decode;
use crate::framework::provider::{ConfigureRequest, Provider};
use crate::framework::server::Server;
use crate::tfplugin6 as pb;

pub async fn configure_provider<P: Provider>(
    server: &Server<P>,
    req: pb::configure_provider::Request,
) -> pb::configure_provider::Response {
    let ty = server.provider().value_type();
    let prepared = decode(req.config.as_ref(), ty, "provider configuration");
    answer_with(prepared, |config| async move {
        let configure = ConfigureRequest {
            config,
            terraform_version: req.terraform_version,
        };
        server.configure_provider(configure).await.diagnostics
    })
    .await
}

/// Interrupts work in flight and answers at once.
pub fn stop_provider<P: Provider>(server: &Server<P>) -> pb::stop_provider::Response {
    server.stop_provider();
    pb::stop_provider::Response {
        error: String::new(),
    }
}
