//! Ephemeral resource `centralroot_root_session`: an `sts:AssumeRoot` session on one member
//! account, limited to one root task policy, whose temporary credentials configure another
//! provider block (for example a `centralroot` or `aws` provider acting as that account's root
//! user) and never reach plan or state.
//!
//! There is no renewal: Terraform's renewal may only extend what was opened, never hand out new
//! credentials, and a root session cannot be extended beyond AWS's 15 minutes. Closing does
//! nothing: AWS has no call to end a session early. Terraform opens the resource in plan and
//! again in apply, so each run asks AWS for a fresh session.

use std::time::Duration;

use async_trait::async_trait;

use crate::aws::calls;
use crate::aws::timestamp::OutOfRange;
use crate::aws::{Aws, MAX_ROOT_SESSION, RootCredentials, TaskPolicy};
use crate::cty::{Type, Value};
use crate::framework::attributes::{self, object};
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral_resource::{EphemeralResource, OpenRequest, OpenResponse};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::validators::duration_string::parse_duration;
use crate::framework::validators::{
    DurationString, StringMatches, ValidateRequest, Validator, invalid, wrong_type,
};
use crate::types_common::permissions::{Permissions, Step};
use crate::types_common::root_task::{ACCOUNT_ID, TARGETS};

/// The name configurations address this type by.
pub const TYPE_NAME: &str = "centralroot_root_session";

/// What the ephemeral resource may ask of AWS (`sts:AssumeRoot` with the task policy its
/// configuration names): its page's Permissions section, its share of the provider's IAM
/// policy, and what the end-to-end tests let it send.
pub const PERMISSIONS: Permissions =
    Permissions::new(&[(Step::Open, &[calls::ASSUME_ROOT_ANY_TASK])]);

const TASK_POLICY: &str = "task_policy";
const DURATION: &str = "duration";
const ACCESS_KEY_ID: &str = "access_key_id";
const SECRET_ACCESS_KEY: &str = "secret_access_key";
const SESSION_TOKEN: &str = "session_token";
const EXPIRATION: &str = "expiration";

/// The session length when `duration` is not set: the longest AWS grants.
const DEFAULT_DURATION: &str = "15m";
/// The shortest `duration` accepted; AWS has no lower bound worth a session.
const MIN_DURATION: Duration = Duration::from_secs(1);

/// The ephemeral resource: opened once per plan and once per apply; nothing to renew or close.
#[derive(Debug, Clone, Copy, Default)]
pub struct RootSessionEphemeralResource;

/// The names `task_policy` accepts, quoted, for descriptions and diagnostics.
fn policy_names() -> String {
    TaskPolicy::ALL
        .iter()
        .map(|p| format!("{:?}", p.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy a mistyped name most likely meant: a different case, the name without its
/// service prefix (`AuditRootUserCredentials`), or the policy's ARN.
fn meant(text: &str) -> Option<TaskPolicy> {
    let wanted = text.rsplit('/').next().unwrap_or(text).to_ascii_lowercase();
    TaskPolicy::ALL.into_iter().find(|policy| {
        let name = policy.name().to_ascii_lowercase();
        name == wanted || (wanted.len() >= 8 && name.ends_with(&wanted))
    })
}

/// The schema validator for `task_policy`: one of the five names, exactly as AWS spells them.
#[derive(Debug, Clone, Copy)]
struct TaskPolicyName;

impl Validator for TaskPolicyName {
    fn description(&self) -> String {
        format!("be one of the root task policies: {}", policy_names())
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let Value::String(text) = req.value else {
            return wrong_type(diags, req, "string");
        };
        if text.parse::<TaskPolicy>().is_ok() {
            return;
        }
        let hint = meant(text)
            .map(|policy| format!(" Did you mean {:?}?", policy.name()))
            .unwrap_or_default();
        invalid(
            diags,
            req,
            "Unknown root task policy",
            format!(
                "Value must {}, got: {text:?}.{hint} AWS grants root sessions only for these \
                 AWS-managed policies, named without their ARN prefix \
                 arn:aws:iam::aws:policy/root-task/.",
                self.description()
            ),
        );
    }
}

/// What to open, read from a wholly known configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SessionRequest {
    account_id: String,
    policy: TaskPolicy,
    /// As configured, or [`DEFAULT_DURATION`].
    duration_text: String,
    duration: Duration,
}

impl SessionRequest {
    /// The validators already checked every value; a failure here is a provider bug.
    fn from_config(config: &Value) -> Result<Self, String> {
        let account_id = attributes::string(config, ACCOUNT_ID).map_err(|e| e.to_string())?;
        let policy = attributes::string(config, TASK_POLICY)
            .map_err(|e| e.to_string())?
            .parse::<TaskPolicy>()
            .map_err(|e| e.to_string())?;
        let duration_text = attributes::optional_string(config, DURATION)
            .map_err(|e| e.to_string())?
            .unwrap_or_else(|| DEFAULT_DURATION.to_owned());
        let duration = parse_duration(&duration_text)
            .filter(|d| (MIN_DURATION..=MAX_ROOT_SESSION).contains(d))
            .ok_or_else(|| format!("{DURATION} {duration_text:?} is not a valid duration"))?;
        Ok(Self {
            account_id,
            policy,
            duration_text,
            duration,
        })
    }

    /// The result: the configuration, with the effective duration and the credentials.
    fn result(&self, credentials: &RootCredentials) -> Result<Value, OutOfRange> {
        let expiration = credentials.expiration_rfc3339()?;
        let text = |s: &str| Value::from(s);
        Ok(object([
            (ACCOUNT_ID, text(&self.account_id)),
            (TASK_POLICY, text(self.policy.name())),
            (DURATION, text(&self.duration_text)),
            (ACCESS_KEY_ID, text(&credentials.access_key_id)),
            (SECRET_ACCESS_KEY, text(&credentials.secret_access_key)),
            (SESSION_TOKEN, text(&credentials.session_token)),
            (EXPIRATION, Value::from(expiration)),
        ]))
    }
}

fn schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .description(
                "Opens a root session (sts:AssumeRoot) on a member account of the organization, \
                 limited to one root task policy, and returns its temporary credentials to \
                 configure another provider block with. Needs Terraform 1.10 or later, and a \
                 provider running as the management account or the delegated administrator for \
                 IAM, with the IAM organization features the task needs (AWS does not state \
                 which consistently: by the best reading, RootCredentialsManagement for the \
                 credential tasks, RootSessions for the S3 and SQS unlocks, possibly both for \
                 the password; enable both). The credentials are ephemeral: they never reach \
                 the plan or the state. They last at most 15 minutes and cannot be \
                 renewed, so use them for operations that finish within that time; every plan \
                 and every apply opens a new session.",
            )
            .markdown_description(
                "Opens a root session (`sts:AssumeRoot`) on a member account of the \
                 organization, limited to one root task policy, and returns its temporary \
                 credentials to configure another provider block with, such as a second \
                 `centralroot` or `aws` provider acting as that account's root user.\n\n\
                 - **Terraform 1.10 or later**: ephemeral resources are new in 1.10.\n\
                 - **Never in plan or state**: the credentials are ephemeral values. Terraform \
                 keeps them in memory for the run and passes them only where ephemeral values \
                 are allowed (provider blocks, locals, ephemeral variables and outputs, \
                 write-only arguments); `secret_access_key` and `session_token` are also \
                 sensitive.\n\
                 - **15 minutes at most, no renewal**: AWS grants a root session for up to 15 \
                 minutes, and Terraform can only extend an ephemeral resource, never replace its \
                 credentials. Keep the work done with them short; every `plan` and every \
                 `apply` opens a new session, so a run that outlasts one session fails with \
                 expired credentials and can simply be run again.\n\
                 - **Who can open one**: the provider must run as the organization's management \
                 account or as the delegated administrator for IAM, with trusted access for \
                 IAM and the IAM organization features the task needs \
                 (`centralroot_organization_features`). AWS does not state consistently which \
                 feature each task needs; by the best current reading, \
                 `RootCredentialsManagement` for the credential tasks \
                 (`IAMAuditRootUserCredentials`, `IAMDeleteRootUserCredentials`), \
                 `RootSessions` for `S3UnlockBucketPolicy` and `SQSUnlockQueuePolicy`, and \
                 possibly both for `IAMCreateRootUserPassword`. Enable both, and every task \
                 works whichever reading AWS applies. The management account itself has no \
                 root session.",
            )
            .attribute(
                ACCOUNT_ID,
                Attribute::required(Type::String)
                    .description(
                        "The 12-digit ID of the member account whose root user the session acts \
                         as. The management account has no root session.",
                    )
                    .validator(StringMatches::account_id()),
            )
            .attribute(
                TASK_POLICY,
                Attribute::required(Type::String)
                    .description(
                        "The AWS-managed root task policy that limits the session, by name: \
                         auditing the root user's credentials, deleting them, recreating its \
                         password, or unlocking a bucket or queue policy that locks everyone \
                         out.",
                    )
                    .validator(TaskPolicyName),
            )
            .attribute(
                DURATION,
                Attribute::optional_computed(Type::String)
                    .description(format!(
                        "How long the credentials last, as a duration such as \"5m\" or \"900s\": \
                         at most 15 minutes, the AWS limit; {DEFAULT_DURATION} when not set."
                    ))
                    .validator(DurationString::between(MIN_DURATION, MAX_ROOT_SESSION)),
            )
            .attribute(
                ACCESS_KEY_ID,
                Attribute::computed(Type::String)
                    .description("The access key ID of the temporary credentials."),
            )
            .attribute(
                SECRET_ACCESS_KEY,
                Attribute::computed(Type::String)
                    .sensitive()
                    .description("The secret access key of the temporary credentials."),
            )
            .attribute(
                SESSION_TOKEN,
                Attribute::computed(Type::String)
                    .sensitive()
                    .description("The session token of the temporary credentials."),
            )
            .attribute(
                EXPIRATION,
                Attribute::computed(Type::String)
                    .description("When the credentials stop working (RFC 3339)."),
            ),
    )
}

#[async_trait]
impl EphemeralResource<Aws> for RootSessionEphemeralResource {
    fn schema(&self) -> Schema {
        schema()
    }

    async fn open(&self, ctx: &Context<Aws>, req: OpenRequest, resp: &mut OpenResponse) {
        let session = match SessionRequest::from_config(&req.config) {
            Ok(session) => session,
            Err(err) => {
                return resp.diagnostics.error(
                    "Invalid root session configuration",
                    format!("{err}. This is a bug in the provider, please report it."),
                );
            }
        };
        let credentials = match ctx
            .provider_data()
            .assume_root(&session.account_id, session.policy, session.duration)
            .await
        {
            Ok(credentials) => credentials,
            Err(err) => return TARGETS.report(&mut resp.diagnostics, &err),
        };
        tracing::info!(
            account_id = %session.account_id,
            task_policy = session.policy.name(),
            access_key_id = %credentials.access_key_id,
            "opened root session"
        );
        match session.result(&credentials) {
            Ok(result) => resp.result = result,
            Err(err) => resp.diagnostics.error(
                "Unreadable session expiration",
                format!("AWS answered an expiration that cannot be written as RFC 3339: {err}."),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;
    use crate::cty::AttributePath;
    use crate::framework::validators::test_support::run;
    use crate::framework::values::ValueExt;

    fn config(duration: Option<&str>) -> Value {
        object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (TASK_POLICY, Value::from("IAMAuditRootUserCredentials")),
            (DURATION, duration.map_or(Value::Null, Value::from)),
            (ACCESS_KEY_ID, Value::Null),
            (SECRET_ACCESS_KEY, Value::Null),
            (SESSION_TOKEN, Value::Null),
            (EXPIRATION, Value::Null),
        ])
    }

    #[test]
    fn duration_defaults_to_the_aws_maximum() {
        let session = SessionRequest::from_config(&config(None)).unwrap();
        assert_eq!(session.duration, MAX_ROOT_SESSION);
        assert_eq!(session.duration_text, "15m");
        assert_eq!(session.policy, TaskPolicy::AuditRootUserCredentials);
        let short = SessionRequest::from_config(&config(Some("90s"))).unwrap();
        assert_eq!(short.duration, Duration::from_secs(90));
        assert!(SessionRequest::from_config(&config(Some("16m"))).is_err());
    }

    #[test]
    fn the_result_keeps_the_configuration_and_has_the_schema_type() {
        let session = SessionRequest::from_config(&config(None)).unwrap();
        let credentials = RootCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_900),
        };
        let result = session.result(&credentials).unwrap();
        let ty = schema().value_type();
        let encoded = crate::cty::msgpack::encode(&result, &ty);
        assert!(encoded.is_ok(), "{result:?} is not a {ty:?}: {encoded:?}");
        assert_eq!(result.attr(ACCOUNT_ID).as_str(), Some("222222222222"));
        assert_eq!(result.attr(DURATION).as_str(), Some("15m"));
        assert_eq!(result.attr(SESSION_TOKEN).as_str(), Some("token"));
        assert_eq!(
            result.attr(EXPIRATION).as_str(),
            Some("2023-11-14T22:28:20Z")
        );
    }

    #[test]
    fn an_expiration_rfc3339_cannot_write_is_an_error_not_a_panic() {
        let session = SessionRequest::from_config(&config(None)).unwrap();
        // 10000-01-01T00:00:00Z: the year `9999-12-31T23:59:59-23:59` lands in.
        let beyond = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_800);
        let credentials = RootCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "secret".into(),
            session_token: "token".into(),
            expiration: beyond,
        };
        let err = session.result(&credentials).unwrap_err();
        assert_eq!(err.epoch_seconds, "253402300800");
    }

    #[test]
    fn the_credentials_are_sensitive() {
        let schema = schema();
        for name in [SECRET_ACCESS_KEY, SESSION_TOKEN] {
            let attribute = schema.block.attribute_named(name).unwrap();
            assert!(attribute.is_sensitive(), "{name}");
        }
    }

    #[test]
    fn task_policy_names_are_exact_and_mistakes_get_a_hint() {
        for policy in TaskPolicy::ALL {
            assert!(!run(&TaskPolicyName, Value::from(policy.name())).has_errors());
        }
        let cases = [
            (
                "iamauditrootusercredentials",
                Some("IAMAuditRootUserCredentials"),
            ),
            (
                "AuditRootUserCredentials",
                Some("IAMAuditRootUserCredentials"),
            ),
            (
                "arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy",
                Some("SQSUnlockQueuePolicy"),
            ),
            ("SqsUnlockQueuePolicy", Some("SQSUnlockQueuePolicy")),
            ("AdministratorAccess", None),
            ("Policy", None),
        ];
        for (text, hint) in cases {
            let diags = run(&TaskPolicyName, Value::from(text));
            let diag = diags.errors().next().expect(text);
            assert_eq!(diag.attribute, Some(AttributePath::root("attr")));
            assert!(
                diag.detail.contains("IAMDeleteRootUserCredentials"),
                "{text}"
            );
            match hint {
                Some(name) => assert!(
                    diag.detail.contains(&format!("Did you mean {name:?}?")),
                    "{text}: {}",
                    diag.detail
                ),
                None => assert!(!diag.detail.contains("Did you mean"), "{text}"),
            }
        }
    }
}
