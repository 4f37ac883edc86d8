//! StopProvider: the operations that come after it.

use crate::cty::Value;
use crate::framework::resource::ModifyPlanRequest;
use crate::framework::server::test_support::{Lab, configured, served, thing};

#[tokio::test]
async fn operations_after_a_stop_get_a_fresh_token() {
    let (server, _) = configured(Lab::default()).await;
    server.stop_provider();
    let ctx = server.context().expect("configured");
    assert!(!ctx.is_cancelled());

    let resource = served(server.resources(), "test_thing");
    let config = thing(&[("name", Value::from("after"))]);
    let req = ModifyPlanRequest {
        config: config.clone(),
        prior_state: Value::Null,
        prior_private: Vec::new(),
        prior_identity: Value::Null,
    };
    let planned = server.plan_resource_change(resource, config, req).await;
    assert!(
        planned.diagnostics.is_empty(),
        "the provider stays usable after the stop: {:?}",
        planned.diagnostics
    );
}
