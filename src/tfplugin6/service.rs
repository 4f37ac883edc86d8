//! The `tfplugin6.Provider` gRPC service. An RPC the provider serves delegates to its group's
//! file ([`schemas`], [`validate`], [`provider_rpcs`], [`resources`], [`data_sources`],
//! [`ephemeral_resources`], [`actions`], [`list_resources`]); an unsupported one answers here
//! with [`unsupported()`]'s diagnostic, or through [`unsupported`](mod@unsupported) when its
//! answer is a stream or names the called function.

use tonic::{Request, Response, Status, Streaming};

use super::convert::answer::Answer;
use super::unsupported::{OneShot, unsupported};
use super::{
    actions, data_sources, ephemeral_resources, list_resources, provider_rpcs, resources, schemas,
    unsupported, validate,
};
use crate::framework::provider::Provider;
use crate::framework::server::Server;
use crate::plugin::MAX_MESSAGE_SIZE;
use crate::tfplugin6 as pb;
use crate::tfplugin6::provider_server::ProviderServer;

/// The gRPC service of a provider, ready for a tonic router, with tonic's 4 MiB message limit
/// raised to [`MAX_MESSAGE_SIZE`].
pub fn grpc_service<P: Provider>(provider: P) -> ProviderServer<ProviderService<P>> {
    grpc_service_for(Server::new(provider))
}

/// The gRPC service of an engine built beforehand, e.g. with a shorter stop grace.
pub fn grpc_service_for<P: Provider>(server: Server<P>) -> ProviderServer<ProviderService<P>> {
    ProviderServer::new(ProviderService { server })
        .max_decoding_message_size(MAX_MESSAGE_SIZE)
        .max_encoding_message_size(MAX_MESSAGE_SIZE)
}

/// Serves one provider's engine over `tfplugin6.Provider`.
pub struct ProviderService<P: Provider> {
    server: Server<P>,
}

impl<P: Provider> ProviderService<P> {
    /// A service around a fresh engine for `provider`.
    pub fn new(provider: P) -> Self {
        Self {
            server: Server::new(provider),
        }
    }
}

type Reply<T> = Result<Response<T>, Status>;

fn ok<T>(message: T) -> Reply<T> {
    Ok(Response::new(message))
}

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Reply<pb::get_metadata::Response> {
        ok(schemas::get_metadata(&self.server))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Reply<pb::get_provider_schema::Response> {
        tracing::debug!("GetProviderSchema");
        ok(schemas::get_provider_schema(&self.server))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Reply<pb::validate_provider_config::Response> {
        tracing::debug!("ValidateProviderConfig");
        ok(validate::validate_provider_config(&self.server, req.into_inner()).await)
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Reply<pb::validate_resource_config::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ValidateResourceConfig");
        ok(validate::validate_resource_config(&self.server, req).await)
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Reply<pb::validate_data_resource_config::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ValidateDataResourceConfig");
        ok(validate::validate_data_resource_config(&self.server, req).await)
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Reply<pb::upgrade_resource_state::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, version = req.version, "UpgradeResourceState");
        ok(resources::upgrade_resource_state(&self.server, req).await)
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Reply<pb::get_resource_identity_schemas::Response> {
        ok(schemas::get_resource_identity_schemas(&self.server))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Reply<pb::upgrade_resource_identity::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, version = req.version, "UpgradeResourceIdentity");
        ok(resources::upgrade_resource_identity(&self.server, req))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Reply<pb::configure_provider::Response> {
        tracing::debug!("ConfigureProvider");
        ok(provider_rpcs::configure_provider(&self.server, req.into_inner()).await)
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Reply<pb::read_resource::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ReadResource");
        ok(resources::read_resource(&self.server, req).await)
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Reply<pb::plan_resource_change::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "PlanResourceChange");
        ok(resources::plan_resource_change(&self.server, req).await)
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Reply<pb::apply_resource_change::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ApplyResourceChange");
        ok(resources::apply_resource_change(&self.server, req).await)
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Reply<pb::import_resource_state::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ImportResourceState");
        ok(resources::import_resource_state(&self.server, req).await)
    }

    async fn move_resource_state(
        &self,
        req: Request<pb::move_resource_state::Request>,
    ) -> Reply<pb::move_resource_state::Response> {
        let req = req.into_inner();
        tracing::debug!(
            source_type_name = %req.source_type_name,
            target_type_name = %req.target_type_name,
            "MoveResourceState"
        );
        ok(resources::move_resource_state(&self.server, req).await)
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Reply<pb::read_data_source::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ReadDataSource");
        ok(data_sources::read_data_source(&self.server, req).await)
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> Reply<pb::generate_resource_config::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "GenerateResourceConfig");
        ok(resources::generate_resource_config(&self.server, req).await)
    }

    async fn validate_ephemeral_resource_config(
        &self,
        req: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Reply<pb::validate_ephemeral_resource_config::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ValidateEphemeralResourceConfig");
        ok(validate::validate_ephemeral_resource_config(&self.server, req).await)
    }

    async fn open_ephemeral_resource(
        &self,
        req: Request<pb::open_ephemeral_resource::Request>,
    ) -> Reply<pb::open_ephemeral_resource::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "OpenEphemeralResource");
        ok(ephemeral_resources::open_ephemeral_resource(&self.server, req).await)
    }

    async fn renew_ephemeral_resource(
        &self,
        req: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Reply<pb::renew_ephemeral_resource::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "RenewEphemeralResource");
        ok(ephemeral_resources::renew_ephemeral_resource(&self.server, req).await)
    }

    async fn close_ephemeral_resource(
        &self,
        req: Request<pb::close_ephemeral_resource::Request>,
    ) -> Reply<pb::close_ephemeral_resource::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "CloseEphemeralResource");
        ok(ephemeral_resources::close_ephemeral_resource(&self.server, req).await)
    }

    type ListResourceStream = list_resources::EventStream;

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Reply<Self::ListResourceStream> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, limit = req.limit, "ListResource");
        ok(list_resources::list_resource(&self.server, req))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Reply<pb::validate_list_resource_config::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ValidateListResourceConfig");
        ok(validate::validate_list_resource_config(&self.server, req).await)
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Reply<pb::get_functions::Response> {
        ok(pb::get_functions::Response::default())
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Reply<pb::call_function::Response> {
        ok(unsupported::call_function(&req.into_inner().name))
    }

    async fn validate_state_store_config(
        &self,
        _: Request<pb::validate_state_store::Request>,
    ) -> Reply<pb::validate_state_store::Response> {
        ok(Answer::failed(unsupported("ValidateStateStoreConfig")))
    }

    async fn configure_state_store(
        &self,
        _: Request<pb::configure_state_store::Request>,
    ) -> Reply<pb::configure_state_store::Response> {
        ok(Answer::failed(unsupported("ConfigureStateStore")))
    }

    type ReadStateBytesStream = OneShot<pb::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        _: Request<pb::read_state_bytes::Request>,
    ) -> Reply<Self::ReadStateBytesStream> {
        ok(unsupported::read_state_bytes())
    }

    async fn write_state_bytes(
        &self,
        _: Request<Streaming<pb::write_state_bytes::RequestChunk>>,
    ) -> Reply<pb::write_state_bytes::Response> {
        // Answer without draining the upload: there is nowhere to write it.
        ok(Answer::failed(unsupported("WriteStateBytes")))
    }

    async fn lock_state(
        &self,
        _: Request<pb::lock_state::Request>,
    ) -> Reply<pb::lock_state::Response> {
        ok(Answer::failed(unsupported("LockState")))
    }

    async fn unlock_state(
        &self,
        _: Request<pb::unlock_state::Request>,
    ) -> Reply<pb::unlock_state::Response> {
        ok(Answer::failed(unsupported("UnlockState")))
    }

    async fn get_states(
        &self,
        _: Request<pb::get_states::Request>,
    ) -> Reply<pb::get_states::Response> {
        ok(Answer::failed(unsupported("GetStates")))
    }

    async fn delete_state(
        &self,
        _: Request<pb::delete_state::Request>,
    ) -> Reply<pb::delete_state::Response> {
        ok(Answer::failed(unsupported("DeleteState")))
    }

    async fn plan_action(
        &self,
        req: Request<pb::plan_action::Request>,
    ) -> Reply<pb::plan_action::Response> {
        let req = req.into_inner();
        tracing::debug!(action_type = %req.action_type, "PlanAction");
        ok(actions::plan_action(&self.server, req).await)
    }

    type InvokeActionStream = actions::InvokeActionStream;

    async fn invoke_action(
        &self,
        req: Request<pb::invoke_action::Request>,
    ) -> Reply<Self::InvokeActionStream> {
        let req = req.into_inner();
        tracing::debug!(action_type = %req.action_type, "InvokeAction");
        ok(actions::invoke_action(&self.server, req))
    }

    async fn validate_action_config(
        &self,
        req: Request<pb::validate_action_config::Request>,
    ) -> Reply<pb::validate_action_config::Response> {
        let req = req.into_inner();
        tracing::debug!(type_name = %req.type_name, "ValidateActionConfig");
        ok(validate::validate_action_config(&self.server, req).await)
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Reply<pb::stop_provider::Response> {
        ok(provider_rpcs::stop_provider(&self.server))
    }
}
