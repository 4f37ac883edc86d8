//! Turns accepted unix connections into the stream of connections tonic serves.
//!
//! With TLS every handshake runs in its own task, so a slow or refused client
//! never holds up the next one; finished streams reach the server through a
//! channel.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::{ReceiverStream, UnixListenerStream};
use tokio_util::sync::CancellationToken;

/// A client that has not finished its TLS handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause after a failed accept (e.g. out of file descriptors) before retrying.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// Plaintext connections, as accepted.
pub fn plaintext(listener: UnixListener) -> UnixListenerStream {
    UnixListenerStream::new(listener)
}

/// Connections that completed a TLS handshake with `config`; accepting stops at `shutdown`.
pub fn tls(
    listener: UnixListener,
    config: Arc<rustls::ServerConfig>,
    shutdown: CancellationToken,
) -> ReceiverStream<io::Result<TlsStream<UnixStream>>> {
    let (ready, incoming) = mpsc::channel(16);
    let acceptor = TlsAcceptor::from(config);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = shutdown.cancelled() => break,
            };
            match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(handshake(acceptor.clone(), stream, ready.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accepting a plugin connection failed");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            }
        }
    });
    ReceiverStream::new(incoming)
}

async fn handshake(
    acceptor: TlsAcceptor,
    stream: UnixStream,
    ready: mpsc::Sender<io::Result<TlsStream<UnixStream>>>,
) {
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        // rustls refuses a client whose ALPN list lacks h2, but accepts one that offers no ALPN
        // at all; grpc-go refuses TLS without h2, and so do we.
        Ok(Ok(tls)) if tls.get_ref().1.alpn_protocol() != Some(b"h2".as_slice()) => {
            tracing::warn!("TLS handshake with a plugin client refused: ALPN h2 not negotiated");
        }
        Ok(Ok(tls)) => {
            // The receiver is gone only when the server has stopped.
            let _ = ready.send(Ok(tls)).await;
        }
        Ok(Err(error)) => tracing::warn!(%error, "TLS handshake with a plugin client refused"),
        Err(_) => tracing::warn!("TLS handshake with a plugin client timed out"),
    }
}
