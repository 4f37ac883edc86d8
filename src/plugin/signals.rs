//! Signal handling. Ctrl-C reaches Terraform's whole process group, and
//! Terraform answers it with `StopProvider`: the plugin itself must survive it.

use tokio::signal::unix::{SignalKind, signal};
use tokio_util::sync::CancellationToken;

use super::error::PluginError;

/// Ignores SIGINT for the rest of the process, from before anything is served, and unblocks
/// every other signal: a parent may start us with signals blocked (Terraform embedded in a
/// Python process does, SIGTERM included), which would make SIGTERM never arrive.
pub fn ignore_interrupt() {
    // SAFETY: installing SIG_IGN runs no code of ours in signal context, and setting the
    // calling thread's mask from an initialised empty set has no memory-safety preconditions.
    // This runs before the runtime starts, so the threads it spawns inherit the mask.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::pthread_sigmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
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
