//! ReadResource.

use super::{Server, interrupted, interruptible};
use crate::cty::{AttributePath, Value};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::provider::Provider;
use crate::framework::resource::{ReadRequest, ReadResponse};
use crate::framework::values::{unknown_as_null, unknown_paths};

/// ReadResource input, decoded.
#[derive(Debug, Clone)]
pub struct ReadResourceRequest {
    /// The stored state.
    pub state: Value,
    /// The stored private data.
    pub private: Vec<u8>,
}

/// ReadResource output.
#[derive(Debug)]
pub struct ReadResourceResponse {
    /// The refreshed state; null when the object is gone.
    pub state: Value,
    /// Private data.
    pub private: Vec<u8>,
    /// Errors and warnings.
    pub diagnostics: Diagnostics,
}

impl<P: Provider> Server<P> {
    /// Refreshes a resource. A null result removes it from state.
    pub async fn read_resource(
        &self,
        type_name: &str,
        req: ReadResourceRequest,
    ) -> ReadResourceResponse {
        let fail = |req: ReadResourceRequest, diagnostics: Diagnostics| ReadResourceResponse {
            state: req.state,
            private: req.private,
            diagnostics,
        };
        let entry = match self.resource(type_name) {
            Ok(entry) => entry,
            Err(diag) => return fail(req, diag.into()),
        };
        if req.state.is_null() {
            return fail(req, Diagnostics::new());
        }
        let ctx = match self.context() {
            Ok(ctx) => ctx,
            Err(diag) => return fail(req, diag.into()),
        };
        let mut resp = ReadResponse {
            state: req.state.clone(),
            private: req.private.clone(),
            diagnostics: Diagnostics::new(),
        };
        let work = entry.resource.read(&ctx, req.clone().into(), &mut resp);
        if interruptible(ctx.cancellation(), work).await.is_none() {
            return fail(req, interrupted("ReadResource").into());
        }
        if !resp.state.is_wholly_known() {
            for path in unknown_paths(&resp.state, &AttributePath::default()) {
                resp.diagnostics.attribute_error(
                    path,
                    "Unknown Value After Read",
                    "The resource left this value unknown after refreshing. This is a bug in the \
                     provider, please report it.",
                );
            }
        }
        ReadResourceResponse {
            state: unknown_as_null(resp.state),
            private: resp.private,
            diagnostics: resp.diagnostics,
        }
    }
}

impl From<ReadResourceRequest> for ReadRequest {
    fn from(req: ReadResourceRequest) -> Self {
        Self {
            state: req.state,
            private: req.private,
        }
    }
}
