//! ReadDataSource.

use super::{Server, diags_of, interrupted, interruptible};
use crate::cty::{AttributePath, Value};
use crate::framework::data_source::{ReadRequest, ReadResponse};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::values::{unknown_as_null, unknown_paths};

impl<P: Provider> Server<P> {
    /// Reads a data source. The result must be wholly known.
    pub async fn read_data_source(&self, type_name: &str, config: Value) -> (Value, Diagnostics) {
        let entry = match self.data_source(type_name) {
            Ok(entry) => entry,
            Err(diag) => return (Value::Null, diags_of(diag)),
        };
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return (Value::Null, diags_of(diag)),
        };
        let mut resp = ReadResponse {
            state: config.clone(),
            diagnostics: Diagnostics::new(),
        };
        let work = entry
            .data_source
            .read(&ctx, ReadRequest { config }, &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            return (Value::Null, interrupted("ReadDataSource").into());
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
        (unknown_as_null(resp.state), resp.diagnostics)
    }
}
