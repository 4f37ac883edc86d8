//! The go-plugin transport: how Terraform starts, authenticates and stops the
//! provider process.
//!
//! Layout:
//! - [`handshake`]: magic cookie, protocol negotiation, the handshake and reattach lines.
//! - `tls`: the per-process server certificate and the pinned client verifier (AutoMTLS).
//! - `socket`: the private unix socket and its cleanup.
//! - `incoming`: accepted connections, TLS handshakes each in their own task.
//! - `services`: go-plugin's controller, stdio and broker services.
//! - `server`: the gRPC server with health, serving until shutdown.
//! - `signals`: SIGINT ignored, SIGTERM ends the process.
//! - [`proto`]: generated go-plugin protocol code.

mod error;
pub mod handshake;
mod incoming;
pub mod proto;
mod server;
mod services;
mod signals;
mod socket;
mod tls;

use std::future::Future;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::server::Router;

pub use error::PluginError;
pub use server::MAX_MESSAGE_SIZE;

/// How long, at exit, tasks still running get before the runtime drops them.
const RUNTIME_SHUTDOWN: Duration = Duration::from_millis(100);

/// Serves `routes` (the provider service) the way Terraform expects, or with
/// `--debug` for a debugger; returns the process exit code.
pub fn main(args: &[String], routes: Routes) -> ExitCode {
    crate::logging::init();
    let served = match args {
        [] => serve_for_client(routes),
        [flag] if flag == "--debug" => serve_for_debugger(routes),
        [other, ..] => Err(PluginError::UnknownArgument(other.clone())),
    };
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Plain text: this is what a person who ran the binary reads.
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// Started by Terraform or OpenTofu: handshake, AutoMTLS, serve until Shutdown.
fn serve_for_client(routes: Routes) -> Result<(), PluginError> {
    handshake::check_magic_cookie(env_var(handshake::MAGIC_COOKIE_KEY).as_deref())?;
    handshake::negotiate_protocol(env_var("PLUGIN_PROTOCOL_VERSIONS").as_deref())?;
    let tls = tls_settings()?;
    signals::ignore_interrupt();
    let group = env_var(socket::SOCKET_GROUP_ENV);
    let serve = |path: String, listener, router, shutdown: CancellationToken| async move {
        match tls {
            Some((identity, config)) => {
                announce(&handshake::handshake_line(&path, Some(identity.cert_der())))?;
                let incoming = incoming::tls(listener, Arc::new(config), shutdown.clone());
                server::serve(router, incoming, shutdown).await
            }
            None => {
                announce(&handshake::handshake_line(&path, None))?;
                server::serve(router, incoming::plaintext(listener), shutdown).await
            }
        }
    };
    serve_on_socket(routes, group.as_deref(), false, serve)
}

/// `--debug`: plaintext, no cookie, prints `TF_REATTACH_PROVIDERS` and serves until Ctrl-C.
fn serve_for_debugger(routes: Routes) -> Result<(), PluginError> {
    let serve = |path: String, listener, router, shutdown| async move {
        let reattach = handshake::reattach_value(&path, std::process::id());
        announce(&format!(
            "Provider started. To attach Terraform CLI, set the TF_REATTACH_PROVIDERS \
             environment variable with the following:\n\n\
             \tTF_REATTACH_PROVIDERS='{reattach}'\n\n\
             Press Ctrl-C to stop the provider.\n"
        ))?;
        server::serve(router, incoming::plaintext(listener), shutdown).await
    };
    serve_on_socket(routes, None, true, serve)
}

/// Binds the socket (owned by `socket_group` when set), builds the runtime and the router, and
/// runs `serve` with the socket's path, its listener, the router and the shutdown token until
/// it returns; the socket is removed after. With `debug`, Ctrl-C stops the provider.
fn serve_on_socket<F>(
    routes: Routes,
    socket_group: Option<&str>,
    debug: bool,
    serve: impl FnOnce(String, tokio::net::UnixListener, Router, CancellationToken) -> F,
) -> Result<(), PluginError>
where
    F: Future<Output = Result<(), PluginError>>,
{
    let (listener, socket) = socket::bind(&socket_dir(), socket_group)?;
    let path = socket.path().display().to_string();
    let runtime = runtime()?;
    let served = runtime.block_on(async {
        let shutdown = CancellationToken::new();
        signals::shutdown_on_signals(shutdown.clone(), debug)?;
        let listener = into_tokio(listener, &socket)?;
        let router = server::router(routes, &shutdown).await;
        serve(path, listener, router, shutdown).await
    });
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
    drop(socket);
    served
}

/// The mTLS identity and configuration, or `None` when TLS is switched off.
fn tls_settings() -> Result<Option<(tls::ServerIdentity, rustls::ServerConfig)>, PluginError> {
    if env_var("TF_DISABLE_PLUGIN_TLS").is_some() {
        return Ok(None);
    }
    let pem = env_var("PLUGIN_CLIENT_CERT").ok_or(PluginError::MissingClientCert)?;
    let client_cert = tls::parse_client_cert(&pem)?;
    let identity = tls::ServerIdentity::generate()?;
    let config = tls::server_config(&identity, client_cert)?;
    Ok(Some((identity, config)))
}

/// A non-empty environment variable.
fn env_var(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|value| !value.is_empty())
}

fn socket_dir() -> PathBuf {
    env_var(socket::SOCKET_DIR_ENV).map_or_else(std::env::temp_dir, PathBuf::from)
}

fn runtime() -> Result<tokio::runtime::Runtime, PluginError> {
    // Provider work is network-bound; a few workers are plenty even on big machines.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(PluginError::Runtime)
}

fn into_tokio(
    listener: std::os::unix::net::UnixListener,
    socket: &socket::SocketFile,
) -> Result<tokio::net::UnixListener, PluginError> {
    listener
        .set_nonblocking(true)
        .and_then(|()| tokio::net::UnixListener::from_std(listener))
        .map_err(|source| PluginError::Socket {
            path: socket.path().to_owned(),
            source,
        })
}

/// Writes `text` to stdout and flushes it: the client reads it before anything else.
fn announce(text: &str) -> Result<(), PluginError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(PluginError::Stdout)
}
