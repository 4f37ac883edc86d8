//! STS: `GetCallerIdentity` and `AssumeRoot`.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::identity::{Caller, TaskPolicy};
use super::seed::{Feature, IAM_SERVICE_PRINCIPAL, is_account_id};
use super::state::{RootSession, State};
use super::wire::query::{QueryParams, XmlNode};
use rand::Rng;

/// The STS operations.
pub const OPERATIONS: [&str; 2] = ["GetCallerIdentity", "AssumeRoot"];

/// The longest root session AWS grants.
const MAX_ROOT_SESSION_SECONDS: i64 = 900;

/// Runs one STS operation.
pub fn handle(
    state: &mut State,
    ctx: &Ctx<'_>,
    operation: &str,
    params: &QueryParams,
) -> Result<Vec<XmlNode>, ApiError> {
    match operation {
        "GetCallerIdentity" => Ok(caller_identity(ctx.caller)),
        "AssumeRoot" => assume_root(state, ctx, params),
        _ => Err(ApiError::unknown_operation(Service::Sts, operation)),
    }
}

fn caller_identity(caller: &Caller) -> Vec<XmlNode> {
    let account_id = caller.account_id();
    let (user_id, arn) = match caller {
        Caller::Account { .. } => (
            format!("AIDASANDBOX{account_id}"),
            format!("arn:aws:iam::{account_id}:user/sandbox-admin"),
        ),
        Caller::RootSession { .. } => (
            account_id.to_owned(),
            format!("arn:aws:iam::{account_id}:root"),
        ),
    };
    vec![
        XmlNode::text("UserId", user_id),
        XmlNode::text("Account", account_id),
        XmlNode::text("Arn", arn),
    ]
}

fn denied(message: impl Into<String>) -> ApiError {
    ApiError::access_denied(Service::Sts, message)
}

fn assume_root(
    state: &mut State,
    ctx: &Ctx<'_>,
    params: &QueryParams,
) -> Result<Vec<XmlNode>, ApiError> {
    let target = params.required("TargetPrincipal")?.to_owned();
    let policy_arn = params.required("TaskPolicyArn.arn")?;
    let task_policy = TaskPolicy::from_arn(policy_arn).ok_or_else(|| {
        ApiError::validation(format!("{policy_arn} is not a root task policy ARN"))
    })?;
    let duration = match params.get("DurationSeconds") {
        None => MAX_ROOT_SESSION_SECONDS,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=MAX_ROOT_SESSION_SECONDS).contains(d))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "1 validation error detected: Value '{text}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 900"
                ))
            })?,
    };
    if !is_account_id(&target) {
        return Err(ApiError::validation(format!(
            "1 validation error detected: Value '{target}' at 'targetPrincipal' failed to satisfy constraint: Member must be a 12-digit account ID"
        )));
    }
    let Caller::Account { account_id, .. } = ctx.caller else {
        return Err(denied("A root session cannot call sts:AssumeRoot."));
    };
    let not_authorized = || {
        denied(format!(
            "User: arn:aws:iam::{account_id}:user/sandbox-admin is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::{target}:root"
        ))
    };
    if state.organization_of(account_id).is_none()
        || !state.all_features()
        || !state.trusted_access_visible(IAM_SERVICE_PRINCIPAL, ctx.propagation)
    {
        return Err(not_authorized());
    }
    if !state.is_management(account_id)
        && !state.is_delegated_admin(account_id, Some(IAM_SERVICE_PRINCIPAL))
    {
        return Err(not_authorized());
    }
    if !state.model.features.contains(&Feature::RootSessions) {
        return Err(denied(
            "Root sessions are not enabled for the organization (enable the RootSessions feature).",
        ));
    }
    if state.organization_of(&target).is_none() || state.is_management(&target) {
        return Err(not_authorized());
    }
    let access_key_id = format!("ASIA{}", random_string(16, UPPER_ALPHANUMERIC));
    let session = RootSession {
        account_id: target,
        task_policy,
        secret: random_string(40, ALPHANUMERIC),
        token: random_string(96, ALPHANUMERIC),
        expiration: ctx.now + duration,
    };
    let credentials = XmlNode::Element(
        "Credentials",
        vec![
            XmlNode::text("AccessKeyId", access_key_id.as_str()),
            XmlNode::text("SecretAccessKey", session.secret.as_str()),
            XmlNode::text("SessionToken", session.token.as_str()),
            XmlNode::timestamp("Expiration", session.expiration),
        ],
    );
    state.add_session(access_key_id, session, ctx.now);
    Ok(vec![credentials])
}

const UPPER_ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn random_string(len: usize, charset: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| charset[rng.random_range(0..charset.len())] as char)
        .collect()
}
