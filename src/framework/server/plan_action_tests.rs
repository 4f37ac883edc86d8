//! PlanAction: planning needs a configured provider.

use crate::cty::Value;
use crate::framework::action::PlanRequest;
use crate::framework::server::test_support::{Lab, served, summaries, unconfigured};

#[tokio::test]
async fn plan_needs_a_configured_provider() {
    let server = unconfigured(Lab::default());
    let handle = served(server.actions(), "test_count");
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
