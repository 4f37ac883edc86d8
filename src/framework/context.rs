//! What every configured operation receives besides its request: the provider's data and
//! the cancellation token.

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

    /// Cancelled when Terraform sends `StopProvider` (Ctrl-C). Long waits should select on
    /// [`CancellationToken::cancelled`]; the engine also abandons the operation and reports
    /// it interrupted.
    pub fn cancellation(&self) -> &CancellationToken {
        &self.cancellation
    }

    /// Whether the operation was asked to stop.
    pub fn is_cancelled(&self) -> bool {
        self.cancellation.is_cancelled()
    }
}
