//! STS: `GetCallerIdentity`, `AssumeRoot`, and `AssumeRole` (for the provider's `assume_role`).
//!
//! The sandbox has no IAM roles: any role name in a seeded account can be assumed by any
//! long-term or role caller, and the session has that account administrator's permissions.

use super::engine::Ctx;
use super::error::{ApiError, Service};
use super::identity::{Caller, TaskPolicy, assumed_role_arn, root_arn};
use super::scp;
use super::seed::{IAM_SERVICE_PRINCIPAL, is_account_id};
use super::state::{Session, SessionKind, State};
use super::wire::query::{QueryParams, XmlNode};
use rand::Rng;

/// The STS operations.
pub const OPERATIONS: [&str; 3] = ["GetCallerIdentity", "AssumeRoot", "AssumeRole"];

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
        "GetCallerIdentity" => Ok(caller_identity(ctx.caller, &state.model.partition)),
        "AssumeRoot" => assume_root(state, ctx, params),
        "AssumeRole" => assume_role(state, ctx, params),
        _ => Err(ApiError::unknown_operation(Service::Sts, operation)),
    }
}

fn caller_identity(caller: &Caller, partition: &str) -> Vec<XmlNode> {
    let account_id = caller.account_id();
    let user_id = match caller {
        Caller::Account { .. } => format!("AIDASANDBOX{account_id}"),
        Caller::RootSession { .. } => account_id.to_owned(),
        Caller::AssumedRole { session_name, .. } => {
            format!("AROASANDBOX{account_id}:{session_name}")
        }
    };
    vec![
        XmlNode::text("UserId", user_id),
        XmlNode::text("Account", account_id),
        XmlNode::text("Arn", caller.arn(partition)),
    ]
}

/// `arn:<partition>:iam::ACCOUNT:role/PATH/NAME` → (ACCOUNT, NAME).
fn parse_role_arn<'a>(arn: &'a str, partition: &str) -> Option<(&'a str, &'a str)> {
    let rest = arn
        .strip_prefix("arn:")?
        .strip_prefix(partition)?
        .strip_prefix(":iam::")?;
    let (account, resource) = rest.split_once(":role/")?;
    let name = resource.rsplit('/').next().filter(|n| !n.is_empty())?;
    is_account_id(account).then_some((account, name))
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
    let partition = state.model.partition.clone();
    let task_policy = TaskPolicy::from_arn(policy_arn, &partition).ok_or_else(|| {
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
    if ctx.caller.is_root_session() {
        return Err(denied("A root session cannot call sts:AssumeRoot."));
    }
    let resource = root_arn(&partition, &target);
    if let Some(refusal) = scp::denial(state, Service::Sts, ctx.caller, "sts:AssumeRoot", &resource)
    {
        return Err(refusal);
    }
    let account_id = ctx.caller.account_id();
    let not_authorized = || {
        denied(format!(
            "User: {} is not authorized to perform: sts:AssumeRoot on resource: {resource}",
            ctx.caller.arn(&partition)
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
    let missing: Vec<&str> = state
        .model
        .features_for(task_policy)
        .iter()
        .filter(|f| !state.model.features.contains(f))
        .map(|f| f.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(denied(format!(
            "Root sessions with {} are not enabled for the organization (enable the {} feature).",
            task_policy.name(),
            missing.join(" and ")
        )));
    }
    let Some(member) = state
        .account(&target)
        .filter(|_| state.organization_of(&target).is_some() && !state.is_management(&target))
    else {
        return Err(not_authorized());
    };
    if let Some(refusal) = scp::switch_denial(state, ctx.caller, &target) {
        return Err(refusal);
    }
    if member.status != "ACTIVE" {
        return Err(denied(format!(
            "The account {target} is suspended: sts:AssumeRoot cannot target it."
        )));
    }
    Ok(vec![issue(
        state,
        target,
        SessionKind::Root(task_policy),
        ctx.now + duration,
        ctx.now,
    )])
}

/// One AWS input constraint: the parameter's member name in messages, its length range in
/// characters and the characters its pattern allows besides `\w` (`None`: any).
struct Constraint {
    member: &'static str,
    min: usize,
    max: usize,
    extra: Option<&'static str>,
}

const ROLE_ARN: Constraint = Constraint {
    member: "roleArn",
    min: 20,
    max: 2048,
    extra: None,
};
const ROLE_SESSION_NAME: Constraint = Constraint {
    member: "roleSessionName",
    min: 2,
    max: 64,
    extra: Some("+=,.@-"),
};
const EXTERNAL_ID: Constraint = Constraint {
    member: "externalId",
    min: 2,
    max: 1224,
    extra: Some("+=,.@:/-"),
};

impl Constraint {
    /// What `value` violates, in AWS's words.
    fn violation(&self, value: &str) -> Option<String> {
        let length = value.chars().count();
        let broken = if length < self.min {
            format!(
                "Member must have length greater than or equal to {}",
                self.min
            )
        } else if length > self.max {
            format!("Member must have length less than or equal to {}", self.max)
        } else if let Some(extra) = self
            .extra
            .filter(|extra| !value.chars().all(|c| is_word(c) || extra.contains(c)))
        {
            format!("Member must satisfy regular expression pattern: [\\w{extra}]*")
        } else {
            return None;
        };
        // The value is echoed as AWS does, cut short: it may be any size.
        let shown: String = value.chars().take(128).collect();
        let cut = if shown.len() < value.len() { "..." } else { "" };
        Some(format!(
            "Value '{shown}{cut}' at '{}' failed to satisfy constraint: {broken}",
            self.member
        ))
    }
}

/// `\w` of AWS's patterns: an ASCII letter, digit or underscore.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Checks the parameters against their constraints and answers AWS's ValidationError listing
/// every violation.
fn check(values: &[(&Constraint, Option<&str>)]) -> Result<(), ApiError> {
    let violations: Vec<String> = values
        .iter()
        .filter_map(|(constraint, value)| constraint.violation((*value)?))
        .collect();
    match violations.len() {
        0 => Ok(()),
        1 => Err(ApiError::validation(format!(
            "1 validation error detected: {}",
            violations[0]
        ))),
        n => Err(ApiError::validation(format!(
            "{n} validation errors detected: {}",
            violations.join("; ")
        ))),
    }
}

fn assume_role(
    state: &mut State,
    ctx: &Ctx<'_>,
    params: &QueryParams,
) -> Result<Vec<XmlNode>, ApiError> {
    let role_arn = params.required("RoleArn")?;
    let session_name = params.required("RoleSessionName")?;
    // Validated before anything is kept: a session stores its role ARN and session name.
    check(&[
        (&ROLE_ARN, Some(role_arn)),
        (&ROLE_SESSION_NAME, Some(session_name)),
        (&EXTERNAL_ID, params.get("ExternalId")),
    ])?;
    let (role_arn, session_name) = (role_arn.to_owned(), session_name.to_owned());
    let (account, _) = parse_role_arn(&role_arn, &state.model.partition)
        .ok_or_else(|| ApiError::validation(format!("{role_arn} is not a valid role ARN")))?;
    let account = account.to_owned();
    let duration = match params.get("DurationSeconds") {
        None => 3600,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|d| (900..=43_200).contains(d))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "DurationSeconds {text} must be between 900 and 43200"
                ))
            })?,
    };
    if ctx.caller.is_root_session() || state.account(&account).is_none() {
        return Err(denied(format!(
            "User is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
        )));
    }
    let arn = assumed_role_arn(&state.model.partition, &account, &role_arn, &session_name);
    let kind = SessionKind::Role {
        role_arn,
        session_name: session_name.clone(),
    };
    let credentials = issue(state, account.clone(), kind, ctx.now + duration, ctx.now);
    Ok(vec![
        credentials,
        XmlNode::Element(
            "AssumedRoleUser",
            vec![
                XmlNode::text(
                    "AssumedRoleId",
                    format!("AROASANDBOX{account}:{session_name}"),
                ),
                XmlNode::text("Arn", arn),
            ],
        ),
    ])
}

/// Creates temporary credentials and answers their `<Credentials>` element.
fn issue(
    state: &mut State,
    account_id: String,
    kind: SessionKind,
    expiration: i64,
    now: i64,
) -> XmlNode {
    let access_key_id = format!("ASIA{}", random_string(16, UPPER_ALPHANUMERIC));
    let session = Session {
        account_id,
        kind,
        secret: random_string(40, ALPHANUMERIC),
        token: random_string(96, ALPHANUMERIC),
        expiration,
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
    state.add_session(access_key_id, session, now);
    credentials
}

const UPPER_ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

fn random_string(len: usize, charset: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| charset[rng.random_range(0..charset.len())] as char)
        .collect()
}
