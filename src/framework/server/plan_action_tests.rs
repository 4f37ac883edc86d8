//! PlanAction: planning needs a configured provider.

use crate::cty::Value;
use crate::framework::action::PlanRequest;
use crate::framework::server::test_support::{Lab, summaries, unconfigured};

#[tokio::test]
async fn plan_needs_a_configured_provider() {
    let server = unconfigured(Lab::default());
    let handle = server.action("test_count").expect("served");
    let plan = server
        .plan_action(
            handle,
            PlanRequest {
                config: Value::unknown(),
            },
        )
        .await;
    assert_eq!(summaries(&plan.diagnostics), ["Provider Not Configured"]);
}
