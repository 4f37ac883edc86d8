//! The HTTP server: one listener for IAM, STS, Organizations and the control plane.

use super::body;
use super::connections::{self, CloseWithoutAnswer};
use super::control::{self, Exposure};
use super::engine::{HttpRequest, Sandbox};
use super::limits::Limits;
use super::seed::{Credentials, Seed};
use super::wire::Encoded;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, Uri, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The router: `/_sandbox/…` for the control plane, everything else is an AWS request.
pub fn router(sandbox: Arc<Sandbox>, limits: Limits, exposure: Exposure) -> Router {
    Router::new()
        .nest(control::PREFIX, control::router(exposure))
        .fallback(aws)
        .with_state(sandbox)
        .layer(middleware::from_fn_with_state(limits, body::read_body))
        // `body::read_body` enforces the size limit, in the shape the client parses.
        .layer(DefaultBodyLimit::disable())
}

/// An AWS answer as an HTTP response.
pub fn respond(encoded: Encoded, request_id: &str) -> Response {
    let mut response = (encoded.status, encoded.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(encoded.content_type),
    );
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", id);
    }
    for (name, value) in &encoded.headers {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(*name, value);
        }
    }
    response
}

async fn aws(
    State(sandbox): State<Arc<Sandbox>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = sandbox
        .handle(HttpRequest {
            method: method.as_str(),
            path: uri.path(),
            query: uri.query().unwrap_or_default(),
            headers: &headers,
            body: &body,
        })
        .await;
    match answer.encoded {
        Some(encoded) => respond(encoded, &answer.request_id),
        None => {
            let mut response = Response::default();
            response.extensions_mut().insert(CloseWithoutAnswer);
            response
        }
    }
}

/// Serves `sandbox` on `listener` within `limits` until `shutdown` completes, then lets open
/// requests finish.
pub async fn serve(
    listener: TcpListener,
    sandbox: Arc<Sandbox>,
    limits: Limits,
    exposure: Exposure,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    connections::serve(
        listener,
        router(sandbox, limits, exposure),
        limits,
        shutdown,
    )
    .await
}

/// Starts sandboxes in-process.
#[derive(Debug)]
pub struct Server;

impl Server {
    /// Binds `addr` (e.g. `127.0.0.1:0`), serves `seed` in a background task and answers the
    /// bound address and a handle that stops the server.
    pub async fn bind(addr: &str, seed: Seed) -> io::Result<(SocketAddr, ServerHandle)> {
        Self::bind_with_limits(addr, seed, Limits::default()).await
    }

    /// [`Server::bind`] with other limits (connections, timeouts, body size, STS sessions).
    pub async fn bind_with_limits(
        addr: &str,
        seed: Seed,
        limits: Limits,
    ) -> io::Result<(SocketAddr, ServerHandle)> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let sandbox = Sandbox::with_limits(seed, &limits);
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(
            listener,
            Arc::clone(&sandbox),
            limits,
            Exposure::Loopback,
            async {
                // A dropped sender means the handle is gone: stop as well.
                let _ = stopped.await;
            },
        ));
        Ok((
            addr,
            ServerHandle {
                addr,
                sandbox,
                stop: Some(stop),
                task: Some(task),
            },
        ))
    }
}

/// A running in-process sandbox; dropping it stops the server.
#[derive(Debug)]
pub struct ServerHandle {
    addr: SocketAddr,
    sandbox: Arc<Sandbox>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl ServerHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL` or an SDK's `endpoint_url`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The shared sandbox (state, faults, request counters).
    pub fn sandbox(&self) -> &Arc<Sandbox> {
        &self.sandbox
    }

    /// The management account's credentials in the current model.
    pub fn management_credentials(&self) -> Option<Credentials> {
        self.sandbox.snapshot().management_credentials()
    }

    /// The credentials of an account in the current model.
    pub fn credentials(&self, account_id: &str) -> Option<Credentials> {
        self.sandbox.snapshot().credentials(account_id)
    }

    /// Stops accepting requests, waits for open requests to finish and answers the final model.
    pub async fn shutdown(mut self) -> io::Result<Seed> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.map_err(io::Error::other)??;
        }
        Ok(self.sandbox.snapshot())
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
