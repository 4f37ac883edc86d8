//! ReadDataSource: the data source fills in its configuration; nothing unknown may remain.

use super::{DataSourceHandle, Server, interrupted, interruptible};
use crate::cty::{AttributePath, Value};
use crate::framework::data_source::{ReadRequest, ReadResponse};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::values::{unknown_as_null, unknown_paths};

impl<P: Provider> Server<P> {
    /// Reads a data source. The result must be wholly known; it is null when the read was
    /// interrupted or could not start.
    pub async fn read_data_source(
        &self,
        data_source: &DataSourceHandle<P::Data>,
        req: ReadRequest,
    ) -> ReadResponse {
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => {
                return ReadResponse {
                    state: Value::Null,
                    diagnostics: diag.into(),
                };
            }
        };
        let mut resp = ReadResponse {
            state: req.config.clone(),
            diagnostics: Diagnostics::new(),
        };
        let work = data_source.implementation.read(&ctx, req, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            return ReadResponse {
                state: Value::Null,
                diagnostics: interrupted("ReadDataSource").into(),
            };
        }
        if !resp.state.is_wholly_known() {
            for path in unknown_paths(&resp.state, &AttributePath::default()) {
                resp.diagnostics.attribute_error(
                    path,
                    "Unknown Value After Read",
                    "The data source left this value unknown after reading. This is a bug in \
                     the provider, please report it.",
                );
            }
        }
        resp.state = unknown_as_null(resp.state);
        resp
    }
}

#[cfg(test)]
#[path = "read_data_source_tests.rs"]
mod tests;
