//! `sts:AssumeRoot`: short-lived credentials of a member account's root user, limited to one
//! root task policy.
//!
//! AssumeRoot is served only by regional STS endpoints. The STS client is built with the
//! configured region (never the legacy global `sts.amazonaws.com`, which the SDK uses only for
//! the pseudo-region `aws-global`), so the call goes to `sts.<region>.amazonaws.com`.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use aws_sdk_sts::types::PolicyDescriptorType;

use super::{Aws, AwsError, ErrorKind};

/// The longest session AWS grants: `DurationSeconds` may not exceed 900.
pub const MAX_ROOT_SESSION: Duration = Duration::from_secs(900);

const OPERATION: &str = "AssumeRoot";

const TASK_POLICY_PREFIX: &str = "arn:aws:iam::aws:policy/root-task/";

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

    /// `arn:aws:iam::aws:policy/root-task/<name>`.
    pub fn arn(self) -> String {
        format!("{TASK_POLICY_PREFIX}{}", self.name())
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

/// AssumeRoot reports every refusal as `AccessDenied` (the caller, the organization features,
/// trusted access, a service control policy); only the explicit deny of a service control policy
/// says so in its message. A refusal gets its own kind so callers can name every cause.
fn classify(mut err: AwsError) -> AwsError {
    if err.kind == ErrorKind::AccessDenied {
        err.kind = ErrorKind::RootSessionDenied;
    }
    err
}

/// The management account has no root session: AWS answers a bare `AccessDenied`, so this is
/// checked first, to say why. When the organization cannot be described, AWS decides.
async fn refuse_management_account(aws: &Aws, account_id: &str) -> Result<(), AwsError> {
    match aws.organization().await {
        Ok(org) if org.management_account_id == account_id => Err(AwsError {
            operation: OPERATION,
            kind: ErrorKind::TargetIsManagementAccount,
            code: None,
            message: format!(
                "{account_id} is the management account of organization {}; root sessions \
                 target member accounts only",
                org.id
            ),
            request_id: None,
        }),
        Ok(_) => Ok(()),
        Err(err) => {
            tracing::debug!(%err, "skipping the management account check");
            Ok(())
        }
    }
}

impl Aws {
    /// Opens a root session on `account_id` limited to `policy`, lasting `duration` (at most
    /// [`MAX_ROOT_SESSION`]; AWS rejects longer ones). The caller must be the management account
    /// or the delegated administrator for IAM, with the `RootSessions` feature enabled; the
    /// target must be a member account ([`ErrorKind::TargetIsManagementAccount`] otherwise,
    /// without calling STS).
    pub async fn assume_root(
        &self,
        account_id: &str,
        policy: TaskPolicy,
        duration: Duration,
    ) -> Result<RootCredentials, AwsError> {
        refuse_management_account(self, account_id).await?;
        let seconds = i32::try_from(duration.as_secs()).unwrap_or(i32::MAX);
        let output = self
            .sts
            .assume_root()
            .target_principal(account_id)
            .task_policy_arn(PolicyDescriptorType::builder().arn(policy.arn()).build())
            .duration_seconds(seconds)
            .send()
            .await
            .map_err(|e| classify(AwsError::from_sdk(OPERATION, e, None)))?;
        let missing = |what: &str| AwsError {
            operation: OPERATION,
            kind: ErrorKind::Other,
            code: None,
            message: format!("the answer has no {what}"),
            request_id: None,
        };
        let credentials = output.credentials().ok_or_else(|| missing("credentials"))?;
        let expiration = SystemTime::try_from(*credentials.expiration())
            .map_err(|_| missing("valid expiration"))?;
        tracing::debug!(
            account_id,
            task_policy = policy.name(),
            access_key_id = credentials.access_key_id(),
            expires_in_seconds = expiration
                .duration_since(SystemTime::now())
                .map_or(0, |left| left.as_secs()),
            "opened a root session"
        );
        Ok(RootCredentials {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: credentials.secret_access_key().to_owned(),
            session_token: credentials.session_token().to_owned(),
            expiration,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns_are_aws_spelling_and_parse_back() {
        let arns: Vec<String> = TaskPolicy::ALL.iter().map(|p| p.arn()).collect();
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
}
