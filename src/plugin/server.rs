//! The gRPC server: the caller's routes plus the go-plugin services, served
//! until shutdown with a short grace period for open streams.

use std::io;
use std::time::Duration;

use futures::Stream;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::{Connected, Router};
use tonic_health::ServingStatus;

use super::error::PluginError;
use super::proto::grpc_broker_server::GrpcBrokerServer;
use super::proto::grpc_controller_server::GrpcControllerServer;
use super::proto::grpc_stdio_server::GrpcStdioServer;
use super::services::{Broker, Controller, Stdio};

/// Largest gRPC message the provider service should accept or send; Terraform
/// itself allows up to `i32::MAX`, schemas and states can be large.
pub const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// Once shutdown is requested, streams still open after this are cut; the
/// client gives the process 2 s before it kills it.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(400);

/// Adds health (service `plugin` SERVING), controller, stdio and broker to `routes`.
pub async fn router(routes: Routes, shutdown: &CancellationToken) -> Router {
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status("plugin", ServingStatus::Serving)
        .await;
    let routes = routes
        .add_service(health_service)
        .add_service(GrpcControllerServer::new(Controller::new(shutdown.clone())))
        .add_service(GrpcStdioServer::new(Stdio::new(shutdown.clone())))
        .add_service(GrpcBrokerServer::new(Broker::new(shutdown.clone())));
    Server::builder().add_routes(routes)
}

/// Serves `incoming` until `shutdown` is cancelled and the grace period is over.
pub async fn serve<I, IO>(
    router: Router,
    incoming: I,
    shutdown: CancellationToken,
) -> Result<(), PluginError>
where
    I: Stream<Item = io::Result<IO>>,
    IO: AsyncRead + AsyncWrite + Connected + Unpin + Send + 'static,
{
    let server = router.serve_with_incoming_shutdown(incoming, shutdown.clone().cancelled_owned());
    let grace_over = async {
        shutdown.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        served = server => served?,
        () = grace_over => tracing::debug!("connections still open after the shutdown grace period"),
    }
    Ok(())
}
