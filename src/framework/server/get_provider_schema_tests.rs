//! GetProviderSchema: the capabilities the engine advertises for the types it serves.

use crate::framework::server::test_support::{Lab, configured};

#[tokio::test]
async fn moves_and_generated_configuration_are_advertised() {
    let (server, _) = configured(Lab::default()).await;
    let caps = server.capabilities();
    assert!(caps.move_resource_state && caps.generate_resource_config);
}
