//! ReadDataSource: the data source fills in its configuration; nothing unknown may remain.

use super::invariants::unknown_after;
use super::{DataSourceHandle, Failed, Server};
use crate::framework::data_source::{ReadRequest, ReadResponse};
use crate::framework::provider::Provider;
use crate::framework::values::unknown_as_null;

impl<P: Provider> Server<P> {
    /// Reads a data source. The result must be wholly known; it is null when the read was
    /// interrupted or could not start.
    pub async fn read_data_source(
        &self,
        data_source: &DataSourceHandle<P::Data>,
        req: ReadRequest,
    ) -> ReadResponse {
        let mut resp = ReadResponse {
            state: req.config.clone(),
            ..ReadResponse::default()
        };
        let read = async |ctx: &_| data_source.implementation.read(ctx, req, &mut resp).await;
        if let Err(stopped) = self.configured(read).await {
            return ReadResponse::failed(stopped.diagnostic("ReadDataSource"));
        }
        let unknown = unknown_after("Read", "data source", "reading", &resp.state);
        resp.diagnostics.extend(unknown);
        resp.state = unknown_as_null(resp.state);
        resp
    }
}

#[cfg(test)]
#[path = "read_data_source_tests.rs"]
mod tests;
