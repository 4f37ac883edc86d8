//! ConfigureProvider: the provider builds its data once; every later operation receives it
//! through its [`Context`](crate::framework::context::Context).

use std::sync::{Arc, PoisonError};

use super::{Server, interrupted, interruptible};
use crate::framework::provider::{ConfigureRequest, ConfigureResponse, Provider};

impl<P: Provider> Server<P> {
    /// Configures the provider; on success its data is handed to every later operation and
    /// returned in the answer.
    pub async fn configure_provider(
        &self,
        req: ConfigureRequest,
    ) -> ConfigureResponse<Arc<P::Data>> {
        let token = self.current_token();
        let mut resp = ConfigureResponse::default();
        let work = self.provider.implementation.configure(req, &mut resp);
        if interruptible(&token, work).await.is_none() {
            return ConfigureResponse {
                data: None,
                diagnostics: interrupted("ConfigureProvider").into(),
            };
        }
        let mut answer = ConfigureResponse {
            data: None,
            diagnostics: resp.diagnostics,
        };
        if !answer.diagnostics.has_errors() {
            match resp.data {
                Some(data) => {
                    let data = Arc::new(data);
                    *self.data.write().unwrap_or_else(PoisonError::into_inner) =
                        Some(Arc::clone(&data));
                    answer.data = Some(data);
                }
                None => answer.diagnostics.error(
                    "Provider Configuration Incomplete",
                    "The provider reported no error but built nothing for its resources. This \
                     is a bug in the provider, please report it.",
                ),
            }
        }
        answer
    }
}
