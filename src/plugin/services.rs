//! The go-plugin services served beside the provider: controller, stdio and
//! broker. Each one holds the process-wide shutdown token so that none of
//! their streams keeps a graceful shutdown waiting.

use std::pin::Pin;

use futures::{Stream, StreamExt as _, stream};
use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status, Streaming};

use super::proto::grpc_broker_server::GrpcBroker;
use super::proto::grpc_controller_server::GrpcController;
use super::proto::grpc_stdio_server::GrpcStdio;
use super::proto::{ConnInfo, Empty, StdioData};

/// A response stream that yields nothing and ends at shutdown.
fn silent_until<T: Send + 'static>(
    shutdown: &CancellationToken,
) -> Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>> {
    let done = shutdown.clone().cancelled_owned();
    Box::pin(stream::once(done).filter_map(|()| async { None }))
}

/// `plugin.GRPCController`: the client's way to end the process.
#[derive(Debug, Clone)]
pub struct Controller {
    shutdown: CancellationToken,
}

impl Controller {
    /// A controller that cancels `shutdown` when asked to.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("shutdown requested by the plugin client");
        // The server finishes this response before it stops.
        self.shutdown.cancel();
        Ok(Response::new(Empty {}))
    }
}

/// `plugin.GRPCStdio`: this provider never writes to stdout or stderr outside
/// the handshake and the logs, so the stream stays empty.
#[derive(Debug, Clone)]
pub struct Stdio {
    shutdown: CancellationToken,
}

impl Stdio {
    /// A stdio service whose streams end at `shutdown`.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    type StreamStdioStream = Pin<Box<dyn Stream<Item = Result<StdioData, Status>> + Send>>;

    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<Self::StreamStdioStream>, Status> {
        Ok(Response::new(silent_until(&self.shutdown)))
    }
}

/// `plugin.GRPCBroker`: providers open no extra connections, so the broker
/// reads what the client sends and answers nothing.
#[derive(Debug, Clone)]
pub struct Broker {
    shutdown: CancellationToken,
}

impl Broker {
    /// A broker whose streams end at `shutdown`.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self { shutdown }
    }
}

#[tonic::async_trait]
impl GrpcBroker for Broker {
    type StartStreamStream = Pin<Box<dyn Stream<Item = Result<ConnInfo, Status>> + Send>>;

    async fn start_stream(
        &self,
        request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<Self::StartStreamStream>, Status> {
        let inbound = request.into_inner();
        let ignored = inbound
            .take_until(self.shutdown.clone().cancelled_owned())
            .filter_map(|info| async move {
                if let Ok(info) = info {
                    tracing::debug!(service_id = info.service_id, "broker request ignored");
                }
                None
            });
        Ok(Response::new(Box::pin(ignored)))
    }
}
