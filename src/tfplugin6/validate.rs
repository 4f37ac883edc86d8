//! ValidateProviderConfig and the Validate*Config of every kind of type: the configuration
//! decoded against the type's handle, then the engine's checks
//! ([`Server::validate_config`]).

use super::convert::answer::{Answer, answer_with};
use super::convert::dynamic_value::decode_for;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::provider::Provider;
use crate::framework::resource::ValidateConfigRequest;
use crate::framework::server::{Handle, Kind, Server};
use crate::tfplugin6 as pb;
use crate::tfplugin6::DynamicValue;

/// The answer to validating `config` (the field `what` names) as the configuration of the
/// type `found`.
async fn validate<P, T, R>(
    server: &Server<P>,
    found: Result<&Handle<T>, Diagnostic>,
    config: Option<&DynamicValue>,
    what: &str,
) -> R
where
    P: Provider,
    T: Kind + ?Sized,
    R: Answer,
{
    answer_with(
        decode_for(found, config, what),
        |(handle, config)| async move {
            let req = ValidateConfigRequest { config };
            server.validate_config(handle, req).await.diagnostics
        },
    )
    .await
}

pub async fn validate_provider_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_provider_config::Request,
) -> pb::validate_provider_config::Response {
    let config = req.config.as_ref();
    validate(
        server,
        Ok(server.provider()),
        config,
        "provider configuration",
    )
    .await
}

pub async fn validate_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_resource_config::Request,
) -> pb::validate_resource_config::Response {
    let resource = server.resources().get(&req.type_name);
    validate(server, resource, req.config.as_ref(), "configuration").await
}

pub async fn validate_data_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    let data_source = server.data_sources().get(&req.type_name);
    validate(server, data_source, req.config.as_ref(), "configuration").await
}

pub async fn validate_ephemeral_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_ephemeral_resource_config::Request,
) -> pb::validate_ephemeral_resource_config::Response {
    let ephemeral = server.ephemeral_resources().get(&req.type_name);
    validate(server, ephemeral, req.config.as_ref(), "configuration").await
}

pub async fn validate_action_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_action_config::Request,
) -> pb::validate_action_config::Response {
    let action = server.actions().get(&req.type_name);
    validate(server, action, req.config.as_ref(), "configuration").await
}

/// The `config {}` block of a `list` block.
pub async fn validate_list_resource_config<P: Provider>(
    server: &Server<P>,
    req: pb::validate_list_resource_config::Request,
) -> pb::validate_list_resource_config::Response {
    let list = server.list_resources().get(&req.type_name);
    validate(server, list, req.config.as_ref(), "list configuration").await
}
