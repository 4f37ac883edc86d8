//! What every type that works through a root session on one member account shares: its
//! `account_id` argument, the attribute failures of the session point at, and the plan-time
//! refusal of the management account, which has no root session.

use crate::aws::{Aws, TaskPolicy};
use crate::cty::Value;
use crate::framework::attributes;
use crate::framework::diagnostics::Diagnostics;

use super::advice::Targets;

/// The member account the root session acts on.
pub const ACCOUNT_ID: &str = "account_id";

/// Failures of the root session concern the account.
pub const TARGETS: Targets = Targets {
    account: Some(ACCOUNT_ID),
    trusted_access: None,
    features: None,
};

/// Whether `text` is a 12-digit account ID, as [`ACCOUNT_ID`] holds one.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// At plan time, refuses a configuration whose `account_id` is the organization's management
/// account, with the diagnostic opening the session would end with. An `account_id` not known
/// yet is left to the root session itself.
pub async fn refuse_management_account(
    aws: &Aws,
    config: &Value,
    policy: TaskPolicy,
    diags: &mut Diagnostics,
) {
    let Ok(Some(account_id)) = attributes::optional_string(config, ACCOUNT_ID) else {
        return;
    };
    if let Err(err) = aws.refuse_management_account(&account_id, policy).await {
        TARGETS.report(diags, &err);
    }
}
