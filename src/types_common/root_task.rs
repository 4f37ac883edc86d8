//! What every type that works through a root session on one member account shares: its
//! `account_id` argument, the attribute failures of the session point at, the plan-time
//! refusal of the management account, which has no root session, and, for the actions, their
//! schema, how they read their configuration and how they open their session for auditors.

use crate::aws::{Aws, AwsError, RootSession, TaskPolicy};
use crate::cty::{Type, Value};
use crate::framework::action::Progress;
use crate::framework::attributes::{self, AttributeError};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Block, IdentityAttribute, IdentitySchema, Schema};
use crate::framework::validators::StringMatches;

use super::advice::{self, Targets};
use super::evidence;

/// The member account the root session acts on.
pub const ACCOUNT_ID: &str = "account_id";

/// Failures of the root session concern the account.
pub const TARGETS: Targets = Targets {
    account: Some(ACCOUNT_ID),
    trusted_access: None,
    features: None,
};

/// The [`ACCOUNT_ID`] argument; a type whose refusals say more describes it again.
pub fn account_id_attribute() -> Attribute {
    Attribute::required(Type::String)
        .description("The 12-digit ID of a member account.")
        .validator(StringMatches::account_id())
}

/// The identity of a resource on one member account, which imports name by [`ACCOUNT_ID`].
pub fn account_identity() -> IdentitySchema {
    IdentitySchema::new(0).attribute(
        ACCOUNT_ID,
        IdentityAttribute::required_for_import(Type::String)
            .description("The 12-digit ID of the member account."),
    )
}

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

/// The schema of an action on one member account: `account_id` first, declared as given, then
/// the action's own `arguments`. Version 0: an action keeps no state to upgrade.
pub fn action_schema<const N: usize>(
    description: impl Into<String>,
    markdown: impl Into<String>,
    account_id: Attribute,
    arguments: [(&str, Attribute); N],
) -> Schema {
    let block = Block::new()
        .description(description)
        .markdown_description(markdown)
        .attribute(ACCOUNT_ID, account_id);
    let block = arguments
        .into_iter()
        .fold(block, |block, (name, attribute)| {
            block.attribute(name, attribute)
        });
    Schema::new(0, block)
}

/// What `read` got from an action's configuration, or `None` once its failure is in `diags`,
/// on the attribute it names.
pub fn from_config<T>(read: Result<T, AttributeError>, diags: &mut Diagnostics) -> Option<T> {
    read.map_err(|err| diags.attribute_error(err.path(), "Invalid configuration", err.to_string()))
        .ok()
}

/// What `read` got from a resource's planned state or state at apply, or `None` once its
/// failure is in `diags`: Terraform calls apply only with the arguments known, so a failure is
/// the provider's bug.
pub fn known_at_apply<T>(read: Result<T, AttributeError>, diags: &mut Diagnostics) -> Option<T> {
    read.map_err(|err| {
        diags.attribute_error(
            err.path(),
            "Unknown argument at apply",
            format!("{err}. This is a bug in the provider, please report it."),
        )
    })
    .ok()
}

/// The root session on `account_id`, limited to `policy`, or `None` once AWS's refusal is in
/// `diags`, on [`ACCOUNT_ID`] where it concerns the account.
pub async fn session<'a>(
    aws: &'a Aws,
    account_id: &str,
    policy: TaskPolicy,
    diags: &mut Diagnostics,
) -> Option<RootSession<'a>> {
    aws.root_session(account_id, policy)
        .await
        .map_err(|err| TARGETS.report(diags, &err))
        .ok()
}

/// An action's [`session`], with the line that records it for auditors sent before the session
/// changes anything.
pub async fn open_session<'a>(
    aws: &'a Aws,
    account_id: &str,
    policy: TaskPolicy,
    progress: &Progress,
    diags: &mut Diagnostics,
) -> Option<RootSession<'a>> {
    let session = session(aws, account_id, policy, diags).await?;
    progress.send(evidence::line(&session.evidence())).await;
    Some(session)
}

/// The warning for an account whose audit failed with `err`, for a reason about that account
/// alone: `what` says what the type did instead, AWS's advice follows.
pub fn not_audited(account_id: &str, err: &AwsError, what: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::warning(
        format!("Account {account_id} not audited: {}", err.summary()),
        format!("{what}\n\n{}", advice::detail(err)),
    )
}
