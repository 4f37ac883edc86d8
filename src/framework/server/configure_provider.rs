//! ConfigureProvider.

use std::sync::{Arc, PoisonError};

use super::{Server, interrupted, interruptible};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::{ConfigureRequest, ConfigureResponse, Provider};

impl<P: Provider> Server<P> {
    /// Configures the provider; on success its data is handed to every later operation.
    pub async fn configure_provider(&self, req: ConfigureRequest) -> Diagnostics {
        let token = self.current_token();
        let mut resp = ConfigureResponse::default();
        if interruptible(&token, self.provider.configure(req, &mut resp))
            .await
            .is_none()
        {
            return interrupted("ConfigureProvider").into();
        }
        if !resp.diagnostics.has_errors() {
            match resp.data {
                Some(data) => {
                    *self.data.write().unwrap_or_else(PoisonError::into_inner) =
                        Some(Arc::new(data));
                }
                None => resp.diagnostics.error(
                    "Provider Configuration Incomplete",
                    "The provider reported no error but built nothing for its resources. This \
                     is a bug in the provider, please report it.",
                ),
            }
        }
        resp.diagnostics
    }
}
