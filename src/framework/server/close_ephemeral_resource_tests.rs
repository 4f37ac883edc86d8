//! CloseEphemeralResource: the type gets the private data its open answered.

use crate::framework::ephemeral_resource::CloseRequest;
use crate::framework::server::test_support::{
    Lab, assert_no_diagnostics, configured, served, summaries,
};

#[tokio::test]
async fn close_gets_the_private_data() {
    let (server, _) = configured(Lab::default()).await;
    let handle = served(server.ephemeral_resources(), "test_lease");
    let close = |private: &[u8]| CloseRequest {
        private: private.to_vec(),
    };
    let resp = server
        .close_ephemeral_resource(handle, close(b"lease-1"))
        .await;
    assert_no_diagnostics(&resp.diagnostics);
    let resp = server.close_ephemeral_resource(handle, close(b"")).await;
    assert_eq!(summaries(&resp.diagnostics), ["Unknown Lease"]);
}
