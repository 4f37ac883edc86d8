//! Who is calling: the access key of a request decides the caller.

use super::error::{ApiError, Service};
use super::state::{SessionKind, State};

/// The root-task policies `sts:AssumeRoot` accepts (`arn:<partition>:iam::aws:policy/root-task/<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPolicy {
    /// Read the root user's credentials.
    AuditRootUserCredentials,
    /// Create a root password (password recovery).
    CreateRootUserPassword,
    /// Read and delete the root user's credentials.
    DeleteRootUserCredentials,
    /// Unlock a misconfigured S3 bucket policy (no IAM access).
    S3UnlockBucketPolicy,
    /// Unlock a misconfigured SQS queue policy (no IAM access).
    SqsUnlockQueuePolicy,
}

/// What follows `arn:<partition>:` in a task policy ARN, before the policy's name.
const TASK_POLICY_PATH: &str = "iam::aws:policy/root-task/";

/// IAM actions that read the root user's credentials.
const AUDIT_ACTIONS: [&str; 6] = [
    "GetUser",
    "GetLoginProfile",
    "ListAccessKeys",
    "ListSigningCertificates",
    "ListMFADevices",
    "GetAccessKeyLastUsed",
];

impl TaskPolicy {
    /// Every task policy.
    pub const ALL: [TaskPolicy; 5] = [
        TaskPolicy::AuditRootUserCredentials,
        TaskPolicy::CreateRootUserPassword,
        TaskPolicy::DeleteRootUserCredentials,
        TaskPolicy::S3UnlockBucketPolicy,
        TaskPolicy::SqsUnlockQueuePolicy,
    ];

    /// Parses a task policy ARN of `partition`; one of another partition names no policy there.
    pub fn from_arn(arn: &str, partition: &str) -> Option<TaskPolicy> {
        let path = arn
            .strip_prefix("arn:")?
            .strip_prefix(partition)?
            .strip_prefix(':')?;
        TaskPolicy::from_name(path.strip_prefix(TASK_POLICY_PATH)?)
    }

    /// The name after `root-task/`, e.g. `IAMAuditRootUserCredentials`.
    pub fn name(self) -> &'static str {
        match self {
            TaskPolicy::AuditRootUserCredentials => "IAMAuditRootUserCredentials",
            TaskPolicy::CreateRootUserPassword => "IAMCreateRootUserPassword",
            TaskPolicy::DeleteRootUserCredentials => "IAMDeleteRootUserCredentials",
            TaskPolicy::S3UnlockBucketPolicy => "S3UnlockBucketPolicy",
            TaskPolicy::SqsUnlockQueuePolicy => "SQSUnlockQueuePolicy",
        }
    }

    /// Parses a task policy name.
    pub fn from_name(name: &str) -> Option<TaskPolicy> {
        match name {
            "IAMAuditRootUserCredentials" => Some(TaskPolicy::AuditRootUserCredentials),
            "IAMCreateRootUserPassword" => Some(TaskPolicy::CreateRootUserPassword),
            "IAMDeleteRootUserCredentials" => Some(TaskPolicy::DeleteRootUserCredentials),
            "S3UnlockBucketPolicy" => Some(TaskPolicy::S3UnlockBucketPolicy),
            "SQSUnlockQueuePolicy" => Some(TaskPolicy::SqsUnlockQueuePolicy),
            _ => None,
        }
    }

    /// Whether the policy allows this IAM action on the root user.
    pub fn allows(self, action: &str) -> bool {
        match self {
            // GetAccountSummary is the audit's alone: the delete task policy lists the credentials
            // but cannot read the summary.
            TaskPolicy::AuditRootUserCredentials => {
                AUDIT_ACTIONS.contains(&action) || action == "GetAccountSummary"
            }
            TaskPolicy::DeleteRootUserCredentials => {
                AUDIT_ACTIONS.contains(&action)
                    || matches!(
                        action,
                        "DeleteLoginProfile"
                            | "DeleteAccessKey"
                            | "DeleteSigningCertificate"
                            | "DeactivateMFADevice"
                    )
            }
            // The published policy: these two, not GetUser.
            TaskPolicy::CreateRootUserPassword => {
                matches!(action, "CreateLoginProfile" | "GetLoginProfile")
            }
            TaskPolicy::S3UnlockBucketPolicy | TaskPolicy::SqsUnlockQueuePolicy => false,
        }
    }
}

/// The authenticated principal of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// The administrator of an account, through the account's seeded access key.
    Account {
        /// The account.
        account_id: String,
        /// The key that signed.
        access_key_id: String,
    },
    /// An `sts:AssumeRoot` session on a member account's root user.
    RootSession {
        /// The member account.
        account_id: String,
        /// The temporary key that signed.
        access_key_id: String,
        /// What the session may do.
        task_policy: TaskPolicy,
        /// Epoch seconds.
        expiration: i64,
    },
    /// An `sts:AssumeRole` session, with the permissions of the account's administrator.
    AssumedRole {
        /// The account of the role.
        account_id: String,
        /// The temporary key that signed.
        access_key_id: String,
        /// `arn:aws:iam::ACCOUNT:role/NAME`.
        role_arn: String,
        /// `RoleSessionName`.
        session_name: String,
        /// Epoch seconds.
        expiration: i64,
    },
}

impl Caller {
    /// The account the caller acts in.
    pub fn account_id(&self) -> &str {
        match self {
            Caller::Account { account_id, .. }
            | Caller::RootSession { account_id, .. }
            | Caller::AssumedRole { account_id, .. } => account_id,
        }
    }

    /// The access key that signed the request.
    pub fn access_key_id(&self) -> &str {
        match self {
            Caller::Account { access_key_id, .. }
            | Caller::RootSession { access_key_id, .. }
            | Caller::AssumedRole { access_key_id, .. } => access_key_id,
        }
    }

    /// When temporary credentials expire (epoch seconds); `None` for long-term keys.
    pub fn expiration(&self) -> Option<i64> {
        match self {
            Caller::Account { .. } => None,
            Caller::RootSession { expiration, .. } | Caller::AssumedRole { expiration, .. } => {
                Some(*expiration)
            }
        }
    }

    /// Whether this is a root session.
    pub fn is_root_session(&self) -> bool {
        matches!(self, Caller::RootSession { .. })
    }

    /// The caller's ARN in `partition`, as `GetCallerIdentity` and refusals name it.
    pub fn arn(&self, partition: &str) -> String {
        match self {
            Caller::Account { account_id, .. } => {
                format!("arn:{partition}:iam::{account_id}:user/sandbox-admin")
            }
            Caller::RootSession { account_id, .. } => root_arn(partition, account_id),
            Caller::AssumedRole {
                account_id,
                role_arn,
                session_name,
                ..
            } => assumed_role_arn(partition, account_id, role_arn, session_name),
        }
    }
}

/// The ARN of a session of the role `role_arn` named `session_name`, in `partition`.
pub fn assumed_role_arn(
    partition: &str,
    account_id: &str,
    role_arn: &str,
    session_name: &str,
) -> String {
    let name = role_arn.rsplit('/').next().unwrap_or_default();
    format!("arn:{partition}:sts::{account_id}:assumed-role/{name}/{session_name}")
}

/// The ARN of `account_id`'s root user in `partition`.
pub fn root_arn(partition: &str, account_id: &str) -> String {
    format!("arn:{partition}:iam::{account_id}:root")
}

/// A caller whose signature still has to be checked against `secret`.
#[derive(Debug)]
pub struct Claimed {
    /// The caller, if the signature matches.
    pub caller: Caller,
    /// The secret the signature must be computed with.
    pub secret: String,
}

/// Finds the caller owning `access_key_id`; STS sessions must present their session token.
pub fn resolve(
    state: &State,
    service: Service,
    access_key_id: &str,
    session_token: Option<&str>,
) -> Result<Claimed, ApiError> {
    if let Some(account) = state
        .model
        .accounts
        .iter()
        .find(|a| a.access_key_id == access_key_id)
    {
        return Ok(Claimed {
            caller: Caller::Account {
                account_id: account.id.clone(),
                access_key_id: access_key_id.to_owned(),
            },
            secret: account.secret_access_key.clone(),
        });
    }
    let session = state
        .session(access_key_id)
        .ok_or_else(|| ApiError::invalid_client_token(service))?;
    if session_token != Some(session.token.as_str()) {
        return Err(ApiError::invalid_client_token(service));
    }
    let account_id = session.account_id.clone();
    let access_key_id = access_key_id.to_owned();
    let expiration = session.expiration;
    let caller = match &session.kind {
        SessionKind::Root(task_policy) => Caller::RootSession {
            account_id,
            access_key_id,
            task_policy: *task_policy,
            expiration,
        },
        SessionKind::Role {
            role_arn,
            session_name,
        } => Caller::AssumedRole {
            account_id,
            access_key_id,
            role_arn: role_arn.clone(),
            session_name: session_name.clone(),
            expiration,
        },
    };
    Ok(Claimed {
        caller,
        secret: session.secret.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_policies_allow_what_their_names_say() {
        let audit = TaskPolicy::from_arn(
            "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
            "aws",
        )
        .unwrap();
        assert!(audit.allows("ListAccessKeys"));
        assert!(audit.allows("GetAccountSummary"));
        assert!(!audit.allows("DeleteAccessKey"));
        let delete = TaskPolicy::from_arn(
            "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials",
            "aws",
        )
        .unwrap();
        assert!(delete.allows("DeactivateMFADevice"));
        assert!(!delete.allows("GetAccountSummary"));
        assert!(!delete.allows("CreateLoginProfile"));
        let create = TaskPolicy::from_arn(
            "arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword",
            "aws",
        )
        .unwrap();
        assert!(create.allows("CreateLoginProfile"));
        assert!(create.allows("GetLoginProfile"));
        assert!(!create.allows("GetUser"), "not in the published policy");
        assert!(!create.allows("DeleteLoginProfile"));
        assert_eq!(
            TaskPolicy::from_arn("arn:aws:iam::aws:policy/Admin", "aws"),
            None
        );
        let gov = "arn:aws-us-gov:iam::aws:policy/root-task/IAMAuditRootUserCredentials";
        assert_eq!(TaskPolicy::from_arn(gov, "aws-us-gov"), Some(audit));
        assert_eq!(
            TaskPolicy::from_arn(gov, "aws"),
            None,
            "another partition's ARN"
        );
        assert_eq!(
            TaskPolicy::from_arn(
                "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials",
                "aws-us-gov"
            ),
            None
        );
    }
}
