//! What each entry point of this layer may send to AWS, as the lists of [`Operation`]s the
//! types build their permissions from: a type declares the entry points it uses, and its
//! documentation, the provider's IAM policy and the end-to-end check of the sandbox's request
//! log follow. A function that starts calling another operation adds it to its list here;
//! an entry point built on another includes that one's list whole ([`concat`]).

use super::Operation::{self, *};
use super::TaskPolicy;

/// `parts` end to end, for the lists built on others. `N` must be their total length: a list
/// that adds up wrong does not compile.
const fn concat<const N: usize>(parts: &[&[Operation]]) -> [Operation; N] {
    let mut all = [GetCallerIdentity; N];
    let mut filled = 0;
    let mut part = 0;
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            all[filled] = parts[part][i];
            filled += 1;
            i += 1;
        }
        part += 1;
    }
    assert!(filled == N, "the parts do not add up to the list's length");
    all
}

/// [`Aws::caller_identity`](super::Aws::caller_identity).
pub const CALLER_IDENTITY: &[Operation] = &[GetCallerIdentity];

/// [`Aws::organization`](super::Aws::organization) and the checks built on it: the refusal of
/// the management account as a target or a delegated administrator.
pub const ORGANIZATION: &[Operation] = &[DescribeOrganization];

/// [`Aws::membership`](super::Aws::membership).
pub const MEMBERSHIP: &[Operation] = &[DescribeAccount];

/// [`Aws::list_features`](super::Aws::list_features).
pub const LIST_FEATURES: &[Operation] = &[ListOrganizationsFeatures];

/// [`Aws::enable_feature`](super::Aws::enable_feature).
pub const ENABLE_FEATURES: &[Operation] = &[
    EnableOrganizationsRootCredentialsManagement,
    EnableOrganizationsRootSessions,
];

/// [`Aws::disable_feature`](super::Aws::disable_feature).
pub const DISABLE_FEATURES: &[Operation] = &[
    DisableOrganizationsRootCredentialsManagement,
    DisableOrganizationsRootSessions,
];

/// [`Aws::trusted_access_enabled`](super::Aws::trusted_access_enabled) and
/// [`Aws::trusted_access_principals`](super::Aws::trusted_access_principals).
pub const TRUSTED_ACCESS: &[Operation] = &[ListAwsServiceAccessForOrganization];

/// [`Aws::ensure_iam_trusted_access`](super::Aws::ensure_iam_trusted_access).
pub const ENSURE_TRUSTED_ACCESS: &[Operation] =
    &[ListAwsServiceAccessForOrganization, EnableAwsServiceAccess];

/// [`Aws::find_delegated_admin`](super::Aws::find_delegated_admin),
/// [`Aws::delegated_admins`](super::Aws::delegated_admins) and
/// [`Aws::each_delegated_admin_page`](super::Aws::each_delegated_admin_page).
pub const DELEGATED_ADMINS: &[Operation] = &[ListDelegatedAdministrators];

/// [`Aws::register_delegated_admin`](super::Aws::register_delegated_admin): the registration,
/// then the account's own reads of it.
pub const REGISTER_DELEGATED_ADMIN: &[Operation] = &[
    RegisterDelegatedAdministrator,
    ListDelegatedServicesForAccount,
    DescribeAccount,
];

/// [`Aws::deregister_delegated_admin`](super::Aws::deregister_delegated_admin).
pub const DEREGISTER_DELEGATED_ADMIN: &[Operation] = &[DeregisterDelegatedAdministrator];

/// The reads of every kind of root credential, [`RootSession::audit`](super::RootSession::audit)
/// in a session of another task policy than the audit's (which cannot read the summary).
const AUDIT_READS: &[Operation] = &[
    GetLoginProfile,
    ListAccessKeys,
    GetAccessKeyLastUsed,
    ListSigningCertificates,
    ListMfaDevices,
];

/// [`Aws::assume_root`](super::Aws::assume_root) with `policy`: the management account's
/// refusal, then the session.
pub const fn assume_root(policy: TaskPolicy) -> [Operation; 2] {
    [DescribeOrganization, AssumeRoot(policy)]
}

/// [`Aws::assume_root`](super::Aws::assume_root) with whichever task policy a configuration
/// names.
pub const ASSUME_ROOT_ANY_TASK: &[Operation] = &{
    let mut all = [DescribeOrganization; 1 + TaskPolicy::ALL.len()];
    let mut i = 0;
    while i < TaskPolicy::ALL.len() {
        all[i + 1] = AssumeRoot(TaskPolicy::ALL[i]);
        i += 1;
    }
    all
};

/// [`Aws::audit_account`](super::Aws::audit_account): a root session with
/// `IAMAuditRootUserCredentials`, the account summary, and the reads of the kinds it flags.
pub const AUDIT_ACCOUNT: &[Operation] = &concat::<{ 3 + AUDIT_READS.len() }>(&[
    &assume_root(TaskPolicy::AuditRootUserCredentials),
    &[GetAccountSummary],
    AUDIT_READS,
]);

/// [`Aws::audit_organization`](super::Aws::audit_organization): the organization, its accounts,
/// and [`AUDIT_ACCOUNT`] for each member.
pub const AUDIT_ORGANIZATION: &[Operation] =
    &concat::<{ 2 + AUDIT_ACCOUNT.len() }>(&[&[DescribeOrganization, ListAccounts], AUDIT_ACCOUNT]);

/// [`Aws::accounts_in_units`](super::Aws::accounts_in_units).
pub const ACCOUNTS_IN_UNITS: &[Operation] =
    &[ListAccountsForParent, ListOrganizationalUnitsForParent];

/// [`Aws::remove_root_credentials`](super::Aws::remove_root_credentials): a root session with
/// `IAMDeleteRootUserCredentials`, its audit, and the removals.
pub const REMOVE_ROOT_CREDENTIALS: &[Operation] = &concat::<{ 6 + AUDIT_READS.len() }>(&[
    &assume_root(TaskPolicy::DeleteRootUserCredentials),
    AUDIT_READS,
    &[
        DeleteLoginProfile,
        DeleteAccessKey,
        DeleteSigningCertificate,
        DeactivateMfaDevice,
    ],
]);

/// [`RootSession::create_login_profile`](super::RootSession::create_login_profile) in a root
/// session with `IAMCreateRootUserPassword`: the login profile, or when one exists already,
/// when it was created.
pub const ALLOW_PASSWORD_RECOVERY: &[Operation] = &concat::<4>(&[
    &assume_root(TaskPolicy::CreateRootUserPassword),
    &[CreateLoginProfile, GetLoginProfile],
]);

/// [`RootSession::remove`](super::RootSession::remove) of the password in a root session with
/// `IAMDeleteRootUserCredentials`: the end of a recovery window.
pub const END_PASSWORD_RECOVERY: &[Operation] = &concat::<3>(&[
    &assume_root(TaskPolicy::DeleteRootUserCredentials),
    &[DeleteLoginProfile],
]);

/// [`RootSession::bucket_policy`](super::RootSession::bucket_policy) then
/// [`RootSession::delete_bucket_policy`](super::RootSession::delete_bucket_policy) in a root
/// session with `S3UnlockBucketPolicy`.
pub const UNLOCK_BUCKET_POLICY: &[Operation] = &concat::<4>(&[
    &assume_root(TaskPolicy::S3UnlockBucketPolicy),
    &[GetBucketPolicy, DeleteBucketPolicy],
]);

/// [`RootSession::queue_policy`](super::RootSession::queue_policy) then
/// [`RootSession::delete_queue_policy`](super::RootSession::delete_queue_policy) in a root
/// session with `SQSUnlockQueuePolicy`.
pub const UNLOCK_QUEUE_POLICY: &[Operation] = &concat::<4>(&[
    &assume_root(TaskPolicy::SqsUnlockQueuePolicy),
    &[GetQueueAttributes, SetQueueAttributes],
]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_built_on_others_hold_them_whole() {
        assert_eq!(
            AUDIT_ACCOUNT,
            [
                DescribeOrganization,
                AssumeRoot(TaskPolicy::AuditRootUserCredentials),
                GetAccountSummary,
                GetLoginProfile,
                ListAccessKeys,
                GetAccessKeyLastUsed,
                ListSigningCertificates,
                ListMfaDevices,
            ]
        );
        assert_eq!(
            AUDIT_ORGANIZATION[..2],
            [DescribeOrganization, ListAccounts]
        );
        assert_eq!(AUDIT_ORGANIZATION[2..], *AUDIT_ACCOUNT);
        assert_eq!(
            REMOVE_ROOT_CREDENTIALS.last(),
            Some(&DeactivateMfaDevice),
            "{REMOVE_ROOT_CREDENTIALS:?}"
        );
        assert!(
            REMOVE_ROOT_CREDENTIALS
                .iter()
                .all(|op| op.in_root_session() || op.service() != super::super::Service::Iam)
        );
    }
}
