//! Signal handling. Ctrl-C reaches Terraform's whole process group, and
//! Terraform answers it with `StopProvider`: the plugin itself must survive it.

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

use super::error::PluginError;

/// Ignores SIGINT for the rest of the process, from before anything is served.
pub fn ignore_interrupt() {
    // SAFETY: installing SIG_IGN runs no code of ours in signal context and
    // has no memory-safety preconditions.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}

/// Cancels `shutdown` on SIGTERM, and on SIGINT too when `interrupt` is set
/// (the debug mode, which runs in a terminal of its own).
pub fn shutdown_on_signals(
    shutdown: CancellationToken,
    interrupt: bool,
) -> Result<(), PluginError> {
    let mut terminate = signal(SignalKind::terminate()).map_err(PluginError::Runtime)?;
    let mut interrupted = if interrupt {
        Some(signal(SignalKind::interrupt()).map_err(PluginError::Runtime)?)
    } else {
        None
    };
    tokio::spawn(async move {
        let on_interrupt = async {
            match interrupted.as_mut() {
                Some(stream) => stream.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = terminate.recv() => tracing::debug!("SIGTERM received, shutting down"),
            _ = on_interrupt => tracing::debug!("SIGINT received, shutting down"),
        }
        shutdown.cancel();
    });
    Ok(())
}
