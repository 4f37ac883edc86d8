//! RenewEphemeralResource: a type without renewal keeps its private data and asks for none.

use crate::framework::ephemeral_resource::RenewRequest;
use crate::framework::server::test_support::{Lab, assert_no_diagnostics, configured, served};

#[tokio::test]
async fn renew_keeps_private_data_and_ends_without_an_implementation() {
    let (server, _) = configured(Lab::default()).await;
    let handle = served(server.ephemeral_resources(), "test_lease");
    let req = RenewRequest {
        private: b"lease-1".to_vec(),
    };
    let resp = server.renew_ephemeral_resource(handle, req).await;
    assert_no_diagnostics(&resp.diagnostics);
    assert_eq!(resp.renew_at, None, "no further renewal");
    assert_eq!(resp.private, b"lease-1");
}
