//! StopProvider: cancels the token every operation in flight watches.

use std::sync::PoisonError;

use tokio_util::sync::CancellationToken;

use super::Server;
use crate::framework::provider::Provider;

impl<P: Provider> Server<P> {
    /// Interrupts every operation in flight and returns at once. Later operations get a
    /// fresh token, so the provider stays usable if Terraform carries on.
    pub fn stop_provider(&self) {
        let old = std::mem::replace(
            &mut *self
                .cancellation
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
            CancellationToken::new(),
        );
        tracing::info!("StopProvider: interrupting operations in flight");
        old.cancel();
    }
}

#[cfg(test)]
#[path = "stop_provider_tests.rs"]
mod tests;
