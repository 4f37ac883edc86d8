//! Every AWS operation the provider calls, as a type: its name as AWS spells it, what a
//! failure of it concerns when the failure does not say so itself, and what allows it (its
//! service's IAM action, or the task policy of the root session it runs in). Adding an
//! operation is one variant here; the compiler then asks for its name, its concern, its service
//! and whether it runs in a root session.

use std::fmt;

use super::{Service, TaskPolicy};

/// One AWS API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// IAM: the organization's id and enabled features.
    ListOrganizationsFeatures,
    /// IAM: enable `RootCredentialsManagement`.
    EnableOrganizationsRootCredentialsManagement,
    /// IAM: enable `RootSessions`.
    EnableOrganizationsRootSessions,
    /// IAM: disable `RootCredentialsManagement`.
    DisableOrganizationsRootCredentialsManagement,
    /// IAM: disable `RootSessions`.
    DisableOrganizationsRootSessions,
    /// Organizations: the service principals with trusted access.
    ListAwsServiceAccessForOrganization,
    /// Organizations: enable trusted access for a service.
    EnableAwsServiceAccess,
    /// Organizations: the delegated administrators of a service.
    ListDelegatedAdministrators,
    /// Organizations: register a delegated administrator.
    RegisterDelegatedAdministrator,
    /// Organizations: deregister a delegated administrator.
    DeregisterDelegatedAdministrator,
    /// Organizations: the services an account administers.
    ListDelegatedServicesForAccount,
    /// Organizations: one account.
    DescribeAccount,
    /// Organizations: the caller's organization.
    DescribeOrganization,
    /// Organizations: every account.
    ListAccounts,
    /// Organizations: the accounts directly in one organizational unit.
    ListAccountsForParent,
    /// Organizations: the organizational units directly in one unit.
    ListOrganizationalUnitsForParent,
    /// STS: who the credentials belong to.
    GetCallerIdentity,
    /// STS: a root session on a member account, limited to a task policy.
    AssumeRoot(TaskPolicy),
    /// IAM in a root session: which kinds of root credential the account holds.
    GetAccountSummary,
    /// IAM in a root session: the root password.
    GetLoginProfile,
    /// IAM in a root session: the root access keys.
    ListAccessKeys,
    /// IAM in a root session: the last use of an access key.
    GetAccessKeyLastUsed,
    /// IAM in a root session: the root signing certificates.
    ListSigningCertificates,
    /// IAM in a root session: the root MFA devices.
    ListMfaDevices,
    /// IAM in a root session: create the root user's login profile, without a password
    /// (password recovery).
    CreateLoginProfile,
    /// IAM in a root session: delete the root password.
    DeleteLoginProfile,
    /// IAM in a root session: delete a root access key.
    DeleteAccessKey,
    /// IAM in a root session: delete a root signing certificate.
    DeleteSigningCertificate,
    /// IAM in a root session: deactivate a root MFA device.
    DeactivateMfaDevice,
    /// S3 in a root session: a bucket's policy.
    GetBucketPolicy,
    /// S3 in a root session: delete a bucket's policy.
    DeleteBucketPolicy,
    /// SQS in a root session: a queue's attributes (its `Policy`).
    GetQueueAttributes,
    /// SQS in a root session: set a queue's attributes (an empty `Policy` removes it).
    SetQueueAttributes,
}

/// What an operation acts on, for the failures whose kind does not say what they concern
/// (throttling, internal failures, refusals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concern {
    /// Trusted access for a service in Organizations.
    TrustedAccess,
    /// IAM's organization features.
    Features,
    /// A root session on a target account: a refusal of it concerns that account.
    RootSessionTarget,
    /// Nothing a configuration chooses: the organization, the caller, an account read by id,
    /// or calls inside a root session already granted.
    Nothing,
}

impl Operation {
    /// The operation's name as AWS spells it, e.g. `ListAWSServiceAccessForOrganization`.
    pub fn name(self) -> &'static str {
        match self {
            Self::ListOrganizationsFeatures => "ListOrganizationsFeatures",
            Self::EnableOrganizationsRootCredentialsManagement => {
                "EnableOrganizationsRootCredentialsManagement"
            }
            Self::EnableOrganizationsRootSessions => "EnableOrganizationsRootSessions",
            Self::DisableOrganizationsRootCredentialsManagement => {
                "DisableOrganizationsRootCredentialsManagement"
            }
            Self::DisableOrganizationsRootSessions => "DisableOrganizationsRootSessions",
            Self::ListAwsServiceAccessForOrganization => "ListAWSServiceAccessForOrganization",
            Self::EnableAwsServiceAccess => "EnableAWSServiceAccess",
            Self::ListDelegatedAdministrators => "ListDelegatedAdministrators",
            Self::RegisterDelegatedAdministrator => "RegisterDelegatedAdministrator",
            Self::DeregisterDelegatedAdministrator => "DeregisterDelegatedAdministrator",
            Self::ListDelegatedServicesForAccount => "ListDelegatedServicesForAccount",
            Self::DescribeAccount => "DescribeAccount",
            Self::DescribeOrganization => "DescribeOrganization",
            Self::ListAccounts => "ListAccounts",
            Self::ListAccountsForParent => "ListAccountsForParent",
            Self::ListOrganizationalUnitsForParent => "ListOrganizationalUnitsForParent",
            Self::GetCallerIdentity => "GetCallerIdentity",
            Self::AssumeRoot(_) => "AssumeRoot",
            Self::GetAccountSummary => "GetAccountSummary",
            Self::GetLoginProfile => "GetLoginProfile",
            Self::ListAccessKeys => "ListAccessKeys",
            Self::GetAccessKeyLastUsed => "GetAccessKeyLastUsed",
            Self::ListSigningCertificates => "ListSigningCertificates",
            Self::ListMfaDevices => "ListMFADevices",
            Self::CreateLoginProfile => "CreateLoginProfile",
            Self::DeleteLoginProfile => "DeleteLoginProfile",
            Self::DeleteAccessKey => "DeleteAccessKey",
            Self::DeleteSigningCertificate => "DeleteSigningCertificate",
            Self::DeactivateMfaDevice => "DeactivateMFADevice",
            Self::GetBucketPolicy => "GetBucketPolicy",
            Self::DeleteBucketPolicy => "DeleteBucketPolicy",
            Self::GetQueueAttributes => "GetQueueAttributes",
            Self::SetQueueAttributes => "SetQueueAttributes",
        }
    }

    /// What the operation acts on.
    pub fn concern(self) -> Concern {
        match self {
            Self::ListOrganizationsFeatures
            | Self::EnableOrganizationsRootCredentialsManagement
            | Self::EnableOrganizationsRootSessions
            | Self::DisableOrganizationsRootCredentialsManagement
            | Self::DisableOrganizationsRootSessions => Concern::Features,
            Self::ListAwsServiceAccessForOrganization | Self::EnableAwsServiceAccess => {
                Concern::TrustedAccess
            }
            Self::AssumeRoot(_) => Concern::RootSessionTarget,
            Self::ListDelegatedAdministrators
            | Self::RegisterDelegatedAdministrator
            | Self::DeregisterDelegatedAdministrator
            | Self::ListDelegatedServicesForAccount
            | Self::DescribeAccount
            | Self::DescribeOrganization
            | Self::ListAccounts
            | Self::ListAccountsForParent
            | Self::ListOrganizationalUnitsForParent
            | Self::GetCallerIdentity
            | Self::GetAccountSummary
            | Self::GetLoginProfile
            | Self::ListAccessKeys
            | Self::GetAccessKeyLastUsed
            | Self::ListSigningCertificates
            | Self::ListMfaDevices
            | Self::CreateLoginProfile
            | Self::DeleteLoginProfile
            | Self::DeleteAccessKey
            | Self::DeleteSigningCertificate
            | Self::DeactivateMfaDevice
            | Self::GetBucketPolicy
            | Self::DeleteBucketPolicy
            | Self::GetQueueAttributes
            | Self::SetQueueAttributes => Concern::Nothing,
        }
    }
}

impl Operation {
    /// The service that answers the operation, and whether the provider sends it inside a
    /// root session.
    fn sent_to(self) -> (Service, bool) {
        match self {
            Self::GetAccountSummary
            | Self::GetLoginProfile
            | Self::ListAccessKeys
            | Self::GetAccessKeyLastUsed
            | Self::ListSigningCertificates
            | Self::ListMfaDevices
            | Self::CreateLoginProfile
            | Self::DeleteLoginProfile
            | Self::DeleteAccessKey
            | Self::DeleteSigningCertificate
            | Self::DeactivateMfaDevice => (Service::Iam, true),
            Self::GetBucketPolicy | Self::DeleteBucketPolicy => (Service::S3, true),
            Self::GetQueueAttributes | Self::SetQueueAttributes => (Service::Sqs, true),
            Self::ListOrganizationsFeatures
            | Self::EnableOrganizationsRootCredentialsManagement
            | Self::EnableOrganizationsRootSessions
            | Self::DisableOrganizationsRootCredentialsManagement
            | Self::DisableOrganizationsRootSessions => (Service::Iam, false),
            Self::ListAwsServiceAccessForOrganization
            | Self::EnableAwsServiceAccess
            | Self::ListDelegatedAdministrators
            | Self::RegisterDelegatedAdministrator
            | Self::DeregisterDelegatedAdministrator
            | Self::ListDelegatedServicesForAccount
            | Self::DescribeAccount
            | Self::DescribeOrganization
            | Self::ListAccounts
            | Self::ListAccountsForParent
            | Self::ListOrganizationalUnitsForParent => (Service::Organizations, false),
            Self::GetCallerIdentity | Self::AssumeRoot(_) => (Service::Sts, false),
        }
    }

    /// The service that answers the operation.
    pub fn service(self) -> Service {
        self.sent_to().0
    }

    /// The IAM action that allows the operation, as a policy names it: `iam:ListAccessKeys`
    /// (for these operations, the action is the operation's name in its service's namespace).
    pub fn action(self) -> String {
        let namespace = match self.service() {
            Service::Iam => "iam",
            Service::Organizations => "organizations",
            Service::Sts => "sts",
            Service::S3 => "s3",
            Service::Sqs => "sqs",
        };
        format!("{namespace}:{}", self.name())
    }

    /// The task policy of a root session the operation opens: what `sts:TaskPolicyArn` holds
    /// for `sts:AssumeRoot`.
    pub fn task_policy(self) -> Option<TaskPolicy> {
        match self {
            Self::AssumeRoot(policy) => Some(policy),
            _ => None,
        }
    }

    /// Whether the provider sends the operation inside a root session, signed with the
    /// session's credentials: the session's task policy allows it (and service control policies
    /// may deny it), not the IAM policies of the provider's own credentials.
    pub fn in_root_session(self) -> bool {
        self.sent_to().1
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_aws_spelling_where_rust_s_differs() {
        let cases = [
            (
                Operation::ListAwsServiceAccessForOrganization,
                "ListAWSServiceAccessForOrganization",
            ),
            (Operation::EnableAwsServiceAccess, "EnableAWSServiceAccess"),
            (Operation::ListMfaDevices, "ListMFADevices"),
            (Operation::DeactivateMfaDevice, "DeactivateMFADevice"),
            (
                Operation::AssumeRoot(TaskPolicy::SqsUnlockQueuePolicy),
                "AssumeRoot",
            ),
        ];
        for (operation, name) in cases {
            assert_eq!(operation.name(), name);
            assert_eq!(operation.to_string(), name);
        }
    }

    #[test]
    fn actions_are_the_names_in_their_service_s_namespace() {
        let cases = [
            (
                Operation::ListAwsServiceAccessForOrganization,
                "organizations:ListAWSServiceAccessForOrganization",
            ),
            (Operation::DeactivateMfaDevice, "iam:DeactivateMFADevice"),
            (
                Operation::EnableOrganizationsRootSessions,
                "iam:EnableOrganizationsRootSessions",
            ),
            (
                Operation::AssumeRoot(TaskPolicy::DeleteRootUserCredentials),
                "sts:AssumeRoot",
            ),
            (Operation::GetCallerIdentity, "sts:GetCallerIdentity"),
        ];
        for (operation, action) in cases {
            assert_eq!(operation.action(), action);
        }
        assert_eq!(
            Operation::AssumeRoot(TaskPolicy::S3UnlockBucketPolicy).task_policy(),
            Some(TaskPolicy::S3UnlockBucketPolicy)
        );
        assert_eq!(Operation::ListAccounts.task_policy(), None);
        assert!(Operation::ListAccessKeys.in_root_session());
        assert!(!Operation::AssumeRoot(TaskPolicy::AuditRootUserCredentials).in_root_session());
        assert!(!Operation::ListOrganizationsFeatures.in_root_session());
    }

    #[test]
    fn only_assume_root_targets_an_account_whatever_its_task() {
        for policy in TaskPolicy::ALL {
            assert_eq!(
                Operation::AssumeRoot(policy).concern(),
                Concern::RootSessionTarget
            );
        }
        assert_eq!(Operation::DeleteAccessKey.concern(), Concern::Nothing);
        assert_eq!(
            Operation::EnableAwsServiceAccess.concern(),
            Concern::TrustedAccess
        );
        assert_eq!(
            Operation::DisableOrganizationsRootSessions.concern(),
            Concern::Features
        );
    }
}
