//! `sts:AssumeRoot`: short-lived credentials of a member account's root user, limited to one
//! root task policy.
//!
//! AssumeRoot is served only by regional STS endpoints. The STS client is built with the
//! configured region (never the legacy global `sts.amazonaws.com`, which the SDK uses only for
//! the pseudo-region `aws-global`), so the call goes to `sts.<region>.amazonaws.com`.
//!
//! Every root session the provider opens waits for a place among the root sessions at work
//! ([`super::AdaptiveLimit`]) and for its turn at the pace AWS allows ([`super::Pacer`]); a
//! throttled request is asked again at its next turn, not by the SDK's backoff.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_sts::operation::assume_root::AssumeRootOutput;
use aws_sdk_sts::types::PolicyDescriptorType;
use rand::Rng;

use super::retry::ThrottlingLeftToTheCaller;
use super::timestamp::{self, OutOfRange};
use super::{Aws, AwsError, ErrorKind, Feature, Operation, Partition};

/// The longest session AWS grants: `DurationSeconds` may not exceed 900.
pub const MAX_ROOT_SESSION: Duration = Duration::from_secs(900);

/// Throttled requests for one session are asked again at most this many times when the SDK
/// configuration does not say how many attempts a call gets.
const DEFAULT_ATTEMPTS: u32 = 3;

/// The AWS-managed policies a root session can be limited to; AWS allows nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskPolicy {
    /// Read the root user's password, access keys, signing certificates and MFA devices.
    AuditRootUserCredentials,
    /// Delete the root user's password, access keys and signing certificates, and deactivate
    /// its MFA devices (plus the audit reads).
    DeleteRootUserCredentials,
    /// Create a root password (password recovery).
    CreateRootUserPassword,
    /// Read, replace or delete a bucket policy that locks everyone out.
    S3UnlockBucketPolicy,
    /// Read or replace a queue policy that locks everyone out.
    SqsUnlockQueuePolicy,
}

impl TaskPolicy {
    /// Every task policy, in the order the documentation lists them.
    pub const ALL: [TaskPolicy; 5] = [
        TaskPolicy::AuditRootUserCredentials,
        TaskPolicy::DeleteRootUserCredentials,
        TaskPolicy::CreateRootUserPassword,
        TaskPolicy::S3UnlockBucketPolicy,
        TaskPolicy::SqsUnlockQueuePolicy,
    ];

    /// The policy's name as AWS spells it, e.g. `IAMAuditRootUserCredentials`.
    pub fn name(self) -> &'static str {
        match self {
            TaskPolicy::AuditRootUserCredentials => "IAMAuditRootUserCredentials",
            TaskPolicy::DeleteRootUserCredentials => "IAMDeleteRootUserCredentials",
            TaskPolicy::CreateRootUserPassword => "IAMCreateRootUserPassword",
            TaskPolicy::S3UnlockBucketPolicy => "S3UnlockBucketPolicy",
            TaskPolicy::SqsUnlockQueuePolicy => "SQSUnlockQueuePolicy",
        }
    }

    /// The IAM organization features a root session with this policy needs, by the best
    /// current reading: AWS does not state it, and its pages and tools disagree. The IAM
    /// credential tasks need `RootCredentialsManagement`, the S3 and SQS unlocks
    /// `RootSessions`; password recovery is tied to either, so both are named.
    pub fn features(self) -> &'static [Feature] {
        match self {
            TaskPolicy::AuditRootUserCredentials | TaskPolicy::DeleteRootUserCredentials => {
                &[Feature::RootCredentialsManagement]
            }
            TaskPolicy::CreateRootUserPassword => {
                &[Feature::RootCredentialsManagement, Feature::RootSessions]
            }
            TaskPolicy::S3UnlockBucketPolicy | TaskPolicy::SqsUnlockQueuePolicy => {
                &[Feature::RootSessions]
            }
        }
    }

    /// `arn:<partition>:iam::aws:policy/root-task/<name>`, in the partition of the
    /// credentials in use.
    pub fn arn(self, partition: Partition) -> String {
        partition.arn(&format!("iam::aws:policy/root-task/{}", self.name()))
    }
}

impl fmt::Display for TaskPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of the [`TaskPolicy`] names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a root task policy")]
pub struct UnknownTaskPolicy(pub String);

impl FromStr for TaskPolicy {
    type Err = UnknownTaskPolicy;

    /// Parses the exact name AWS uses, e.g. `IAMAuditRootUserCredentials`.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        TaskPolicy::ALL
            .into_iter()
            .find(|policy| policy.name() == name)
            .ok_or_else(|| UnknownTaskPolicy(name.to_owned()))
    }
}

/// Temporary credentials of a member account's root user. `Debug` shows the access key id and
/// the expiration only.
#[derive(Clone, PartialEq, Eq)]
pub struct RootCredentials {
    /// `ASIA…`
    pub access_key_id: String,
    /// Secret: never log it.
    pub secret_access_key: String,
    /// Secret: never log it.
    pub session_token: String,
    /// When AWS stops accepting the credentials.
    pub expiration: SystemTime,
}

impl fmt::Debug for RootCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RootCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration", &self.expiration)
            .finish()
    }
}

impl RootCredentials {
    /// The credentials of an AssumeRoot answer for a session with `policy`. An answer without
    /// credentials, or whose expiration cannot be written in RFC 3339 (AWS never sends one; the
    /// SDK accepts any offset, so `9999-12-31T23:59:59-23:59` reads as the year 10000), is an
    /// error of the call rather than a value that would fail later.
    pub fn from_answer(answer: &AssumeRootOutput, policy: TaskPolicy) -> Result<Self, AwsError> {
        let invalid = |what: String| AwsError {
            operation: Operation::AssumeRoot(policy),
            kind: ErrorKind::Other,
            code: None,
            message: format!("the answer has no {what}"),
            request_id: None,
            endpoint: None,
        };
        let credentials = answer
            .credentials()
            .ok_or_else(|| invalid("credentials".into()))?;
        let expiration = timestamp::to_system_time(credentials.expiration())
            .map_err(|err| invalid(format!("valid expiration: {err}")))?;
        Ok(Self {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: credentials.secret_access_key().to_owned(),
            session_token: credentials.session_token().to_owned(),
            expiration,
        })
    }

    /// When the credentials expire, in RFC 3339.
    pub fn expiration_rfc3339(&self) -> Result<String, OutOfRange> {
        timestamp::system_time_to_rfc3339(self.expiration)
    }
}

/// AssumeRoot reports every refusal as `AccessDenied` (the caller, the organization features,
/// trusted access, a service control policy); only the explicit deny of a service control policy
/// says so in its message. A refusal gets its own kind so callers can name every cause.
fn classify(mut err: AwsError) -> AwsError {
    if err.kind == ErrorKind::AccessDenied {
        err.kind = ErrorKind::RootSessionDenied;
    }
    err
}

impl Aws {
    /// Refuses a root session with `policy` on the management account, which has none: AWS
    /// would answer a bare `AccessDenied`, so this says why, before anything is asked of STS.
    /// It is the one check of the target for every root session, at plan time as at the call.
    /// When the organization cannot be described, AWS decides.
    pub async fn refuse_management_account(
        &self,
        account_id: &str,
        policy: TaskPolicy,
    ) -> Result<(), AwsError> {
        match self.organization_managed_from(account_id).await {
            Some(org) => Err(AwsError {
                operation: Operation::AssumeRoot(policy),
                kind: ErrorKind::TargetIsManagementAccount,
                code: None,
                message: format!(
                    "{account_id} is the management account of organization {}; root sessions \
                     target member accounts only",
                    org.id
                ),
                request_id: None,
                endpoint: None,
            }),
            None => Ok(()),
        }
    }

    /// Opens a root session on `account_id` limited to `policy`, lasting `duration` (at most
    /// [`MAX_ROOT_SESSION`]; AWS rejects longer ones), for credentials handed out of the
    /// provider: it takes its turn among the root sessions at work while it is asked for. The
    /// caller must be the management account or the delegated administrator for IAM, with the
    /// feature the task needs enabled; the target must be a member account
    /// ([`ErrorKind::TargetIsManagementAccount`] otherwise, without calling STS).
    pub async fn assume_root(
        &self,
        account_id: &str,
        policy: TaskPolicy,
        duration: Duration,
    ) -> Result<RootCredentials, AwsError> {
        let _at_work = self.root_sessions.acquire().await;
        self.request_root_session(account_id, policy, duration)
            .await
    }

    /// `AssumeRoot` at the pacer's turns: a throttled request is asked again at its next turn,
    /// after a jittered backoff, as often as the SDK's retry configuration allows attempts.
    /// The caller holds its place among the root sessions at work.
    pub(crate) async fn request_root_session(
        &self,
        account_id: &str,
        policy: TaskPolicy,
        duration: Duration,
    ) -> Result<RootCredentials, AwsError> {
        self.refuse_management_account(account_id, policy).await?;
        let seconds = i32::try_from(duration.as_secs()).unwrap_or(i32::MAX);
        let retry = self.sdk_config.retry_config();
        let attempts = retry.map_or(DEFAULT_ATTEMPTS, |r| r.max_attempts()).max(1);
        let mut attempt = 1;
        let output = loop {
            self.pacer.wait_turn().await;
            let answer = self
                .sts
                .assume_root()
                .target_principal(account_id)
                .task_policy_arn(
                    PolicyDescriptorType::builder()
                        .arn(policy.arn(self.partition))
                        .build(),
                )
                .duration_seconds(seconds)
                .customize()
                .config_override(
                    aws_sdk_sts::config::Builder::default()
                        .retry_classifier(ThrottlingLeftToTheCaller),
                )
                .send()
                .await
                .map_err(|e| classify(AwsError::from_sdk(Operation::AssumeRoot(policy), e, None)));
            match answer {
                Ok(output) => {
                    self.pacer.succeeded(Instant::now());
                    self.root_sessions.succeeded();
                    break output;
                }
                Err(err) if err.kind == ErrorKind::Throttled => {
                    self.pacer.throttled(Instant::now());
                    self.root_sessions.throttled();
                    if attempt >= attempts {
                        return Err(err);
                    }
                    let ceiling = retry.map_or(Duration::from_secs(20), |r| r.max_backoff());
                    let base = retry.map_or(Duration::from_secs(1), |r| r.initial_backoff());
                    let backoff = base
                        .saturating_mul(1 << (attempt - 1).min(16))
                        .min(ceiling)
                        .mul_f64(rand::rng().random::<f64>());
                    tokio::time::sleep(backoff).await;
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        };
        let credentials = RootCredentials::from_answer(&output, policy)?;
        tracing::debug!(
            account_id,
            task_policy = policy.name(),
            access_key_id = credentials.access_key_id,
            expires_in_seconds =
                timestamp::until(credentials.expiration, SystemTime::now()).as_secs(),
            "opened a root session"
        );
        Ok(credentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns_are_aws_spelling_and_parse_back() {
        let arns: Vec<String> = TaskPolicy::ALL
            .iter()
            .map(|p| p.arn(Partition::Aws))
            .collect();
        assert_eq!(
            arns,
            [
                "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
                "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword",
                "arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy",
                "arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy",
            ]
        );
        assert_eq!(
            TaskPolicy::AuditRootUserCredentials.arn(Partition::AwsUsGov),
            "arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials"
        );
        assert_eq!(
            TaskPolicy::SqsUnlockQueuePolicy.arn(Partition::AwsCn),
            "arn:aws-cn:iam::aws:policy/root-task/SQSUnlockQueuePolicy"
        );
        for policy in TaskPolicy::ALL {
            assert_eq!(policy.name().parse::<TaskPolicy>(), Ok(policy));
            assert_eq!(policy.to_string(), policy.name());
        }
        assert_eq!(
            "SqsUnlockQueuePolicy".parse::<TaskPolicy>(),
            Err(UnknownTaskPolicy("SqsUnlockQueuePolicy".into()))
        );
        assert_eq!(
            "iamauditrootusercredentials".parse::<TaskPolicy>(),
            Err(UnknownTaskPolicy("iamauditrootusercredentials".into()))
        );
    }

    #[test]
    fn debug_hides_the_secret_and_the_token() {
        let credentials = RootCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "the-secret".into(),
            session_token: "the-token".into(),
            expiration: SystemTime::UNIX_EPOCH,
        };
        let shown = format!("{credentials:?}");
        assert!(shown.contains("ASIAEXAMPLE"), "{shown}");
        assert!(!shown.contains("the-secret"), "{shown}");
        assert!(!shown.contains("the-token"), "{shown}");
    }

    #[test]
    fn a_refusal_is_a_root_session_denial_unless_more_specific() {
        const OPERATION: Operation = Operation::AssumeRoot(TaskPolicy::AuditRootUserCredentials);
        let refused = classify(AwsError::of(OPERATION, ErrorKind::AccessDenied));
        assert_eq!(refused.kind, ErrorKind::RootSessionDenied);
        let scp = classify(AwsError::of(
            OPERATION,
            ErrorKind::DeniedByServiceControlPolicy,
        ));
        assert_eq!(scp.kind, ErrorKind::DeniedByServiceControlPolicy);
        let caller = classify(AwsError::of(
            OPERATION,
            ErrorKind::NotManagementOrDelegatedAdministrator,
        ));
        assert_eq!(
            caller.kind,
            ErrorKind::NotManagementOrDelegatedAdministrator
        );
    }

    fn answer(expiration: Option<aws_smithy_types::DateTime>) -> AssumeRootOutput {
        let credentials = expiration.map(|expiration| {
            aws_sdk_sts::types::Credentials::builder()
                .access_key_id("ASIAEXAMPLE")
                .secret_access_key("secret")
                .session_token("token")
                .expiration(expiration)
                .build()
                .expect("every field set")
        });
        AssumeRootOutput::builder()
            .set_credentials(credentials)
            .build()
    }

    #[test]
    fn an_answer_is_read_only_with_credentials_and_an_expiration_in_range() {
        use aws_smithy_types::DateTime;

        let policy = TaskPolicy::AuditRootUserCredentials;
        let read = RootCredentials::from_answer(&answer(Some(DateTime::from_secs(900))), policy)
            .expect("in range");
        assert_eq!(read.access_key_id, "ASIAEXAMPLE");
        assert_eq!(read.expiration_rfc3339().unwrap(), "1970-01-01T00:15:00Z");

        let none = RootCredentials::from_answer(&answer(None), policy).unwrap_err();
        assert_eq!(none.message, "the answer has no credentials");
        assert_eq!(none.operation, Operation::AssumeRoot(policy));

        for secs in [i64::MAX, i64::MIN, 253_402_300_800, -62_135_596_801] {
            let err =
                RootCredentials::from_answer(&answer(Some(DateTime::from_secs(secs))), policy)
                    .unwrap_err();
            assert_eq!(err.kind, ErrorKind::Other, "{secs}");
            assert!(
                err.message
                    .starts_with("the answer has no valid expiration"),
                "{secs}: {err}"
            );
        }
    }
}
