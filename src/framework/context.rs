//! What every configured operation receives besides its request: the provider's data and
//! the cancellation token.

use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

/// The context of one operation on a configured provider.
#[derive(Debug)]
pub struct Context<D> {
    data: Arc<D>,
    cancellation: CancellationToken,
}

impl<D> Clone for Context<D> {
    fn clone(&self) -> Self {
        Self {
            data: Arc::clone(&self.data),
            cancellation: self.cancellation.clone(),
        }
    }
}

impl<D> Context<D> {
    /// A context handing out `data`, cancelled through `cancellation`.
    pub fn new(data: Arc<D>, cancellation: CancellationToken) -> Self {
        Self { data, cancellation }
    }

    /// What the provider built at `ConfigureProvider` (for this provider, its AWS clients).
    pub fn provider_data(&self) -> &D {
        &self.data
    }

    /// The same data, for a task that outlives the operation's borrow.
    pub fn provider_data_arc(&self) -> Arc<D> {
        Arc::clone(&self.data)
    }

    /// Cancelled when Terraform sends `StopProvider` (Ctrl-C). Waits and reads that follow a
    /// change should end when it is (see [`Context::unless_cancelled`]); a change sent to the
    /// remote system should not, and runs to completion. The engine abandons a read at once,
    /// and a create, update or delete only once its stop grace is over.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }

    /// Whether the operation was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }

    /// Runs `work` unless the operation is asked to stop first: `None` when it was (at once
    /// if it already had been). For work that can be abandoned, such as a read after a
    /// change, never for the change itself.
    pub async fn unless_cancelled<F: Future>(&self, work: F) -> Option<F::Output> {
        tokio::select! {
            biased;
            () = self.cancellation.cancelled() => None,
            out = work => Some(out),
        }
    }
}
