//! A member account's root-user credentials, read and removed through a root session
//! (`sts:AssumeRoot`): one session per account and operation, its credentials used for every
//! call of that operation, never shared across accounts or task policies.
//!
//! An audit reads the account summary first (`GetAccountSummary`, which says in one call
//! whether the root user has a password, access keys, signing certificates and MFA) and lists
//! only the kinds it flags: a member without root credentials costs two requests, `AssumeRoot`
//! and the summary. A removal's session cannot read the summary (the delete task policy does not
//! allow it), so it lists every kind.
//!
//! Every session signs through the provider's one IAM client, with its own credentials as a
//! per-call override: a client per session would bring its own connection pool, and a
//! thousand-account audit would open a thousand of them.

use std::collections::BTreeSet;
use std::time::SystemTime;

use std::future::Future;
use std::sync::Arc;

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_iam::config::{Credentials, IdentityCache};
use aws_sdk_iam::types::SummaryKeyType;
use futures::future::try_join_all;

use super::adaptive_limit::Permit;
use super::assume_root::MAX_ROOT_SESSION;
use super::evidence::SessionEvidence;
use super::timestamp::to_rfc3339_or_empty as rfc3339;
use super::{Aws, AwsError, ErrorKind, Operation, TaskPolicy, ThrottleObserver};

/// A root access key and its last use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootAccessKey {
    /// `AKIA…`.
    pub id: String,
    /// `Active` or `Inactive`.
    pub status: String,
    /// RFC 3339.
    pub created: String,
    /// RFC 3339; empty when the key was never used.
    pub last_used: String,
}

/// What a member's root user holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootCredentialReport {
    /// When the root password was created (RFC 3339), if there is one.
    pub password_created: Option<String>,
    /// Root access keys.
    pub access_keys: Vec<RootAccessKey>,
    /// Root signing certificate ids.
    pub signing_certificates: Vec<String>,
    /// Serial numbers of the root user's MFA devices.
    pub mfa_devices: Vec<String>,
}

impl RootCredentialReport {
    /// Whether the root user holds any credential at all.
    pub fn has_credentials(&self) -> bool {
        self.password_created.is_some()
            || !self.access_keys.is_empty()
            || !self.signing_certificates.is_empty()
            || !self.mfa_devices.is_empty()
    }
}

/// A kind of root credential, as a removal selects them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CredentialKind {
    /// The console password (login profile).
    Password,
    /// Access keys.
    AccessKeys,
    /// X.509 signing certificates.
    SigningCertificates,
    /// MFA devices.
    MfaDevices,
}

impl CredentialKind {
    /// Every kind, in the order a report lists and a removal removes them.
    pub const ALL: [CredentialKind; 4] = [
        CredentialKind::Password,
        CredentialKind::AccessKeys,
        CredentialKind::SigningCertificates,
        CredentialKind::MfaDevices,
    ];
}

/// One root credential, as removal names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RootCredential {
    /// The console password.
    Password,
    /// An access key, by id.
    AccessKey(String),
    /// A signing certificate, by id.
    SigningCertificate(String),
    /// An MFA device, by serial number (deactivated: the task policy cannot delete it).
    MfaDevice(String),
}

impl RootCredential {
    /// The kind the credential is of.
    pub fn kind(&self) -> CredentialKind {
        match self {
            RootCredential::Password => CredentialKind::Password,
            RootCredential::AccessKey(_) => CredentialKind::AccessKeys,
            RootCredential::SigningCertificate(_) => CredentialKind::SigningCertificates,
            RootCredential::MfaDevice(_) => CredentialKind::MfaDevices,
        }
    }
}

impl RootCredentialReport {
    /// The credentials of the report whose kind is in `kinds`, in the order of
    /// [`RootCredentialReport::credentials`].
    pub fn of_kinds(&self, kinds: &BTreeSet<CredentialKind>) -> Vec<RootCredential> {
        self.credentials()
            .into_iter()
            .filter(|c| kinds.contains(&c.kind()))
            .collect()
    }

    /// Every credential in the report, password first.
    pub fn credentials(&self) -> Vec<RootCredential> {
        self.password_created
            .iter()
            .map(|_| RootCredential::Password)
            .chain(
                self.access_keys
                    .iter()
                    .map(|k| RootCredential::AccessKey(k.id.clone())),
            )
            .chain(
                self.signing_certificates
                    .iter()
                    .cloned()
                    .map(RootCredential::SigningCertificate),
            )
            .chain(
                self.mfa_devices
                    .iter()
                    .cloned()
                    .map(RootCredential::MfaDevice),
            )
            .collect()
    }
}

/// The kinds of root credential an account holds, as its summary flags them.
#[derive(Debug, Clone, Copy)]
struct Present {
    password: bool,
    access_keys: bool,
    signing_certificates: bool,
    mfa_devices: bool,
}

impl Present {
    const EVERY_KIND: Present = Present {
        password: true,
        access_keys: true,
        signing_certificates: true,
        mfa_devices: true,
    };
}

/// What `read` answers when `present`, nothing (the kind's empty value) otherwise.
async fn read_if<T: Default>(
    present: bool,
    read: impl Future<Output = Result<T, AwsError>>,
) -> Result<T, AwsError> {
    if present {
        read.await
    } else {
        Ok(T::default())
    }
}

/// A root session on one member account: its credentials, and a place among the root sessions
/// the provider lets work at once ([`super::AdaptiveLimit`]) until it is dropped.
#[derive(Debug)]
pub struct RootSession<'a> {
    aws: &'a Aws,
    account_id: String,
    policy: TaskPolicy,
    access_key_id: String,
    opened_at: SystemTime,
    credentials: SharedCredentialsProvider,
    _permit: Permit,
}

fn is_no_such_entity(err: &AwsError) -> bool {
    err.code.as_deref() == Some("NoSuchEntity")
}

/// Sends an IAM request signed with `$session`'s credentials, classifying a failure as one of
/// `$operation`.
macro_rules! in_session {
    ($session:expr, $operation:expr, $request:expr) => {
        $request
            .customize()
            .config_override($session.iam_signing())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk($operation, e, None))
    };
}

impl Aws {
    /// Opens a root session on `account_id` limited to `policy`, for one operation's calls,
    /// once fewer root sessions than the adaptive limit are at work.
    pub async fn root_session(
        &self,
        account_id: &str,
        policy: TaskPolicy,
    ) -> Result<RootSession<'_>, AwsError> {
        let permit = self.root_sessions.acquire().await;
        let credentials = self
            .request_root_session(account_id, policy, MAX_ROOT_SESSION)
            .await?;
        let provider = SharedCredentialsProvider::new(Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key,
            Some(credentials.session_token),
            Some(credentials.expiration),
            "sts:AssumeRoot",
        ));
        Ok(RootSession {
            aws: self,
            account_id: account_id.to_owned(),
            policy,
            access_key_id: credentials.access_key_id,
            opened_at: SystemTime::now(),
            credentials: provider,
            _permit: permit,
        })
    }

    /// The root credentials of `account_id`, audited once per run through a root session with
    /// `IAMAuditRootUserCredentials` and shared by every reader (data sources, refreshes).
    pub async fn audit_account(&self, account_id: &str) -> Result<RootCredentialReport, AwsError> {
        self.audits
            .get_or_audit(account_id, || async {
                self.root_session(account_id, TaskPolicy::AuditRootUserCredentials)
                    .await?
                    .audit()
                    .await
            })
            .await
    }
}

impl RootSession<'_> {
    /// The member account the session acts on.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The task policy limiting the session.
    pub fn task_policy(&self) -> TaskPolicy {
        self.policy
    }

    /// The access key id of the session's credentials, which the member's CloudTrail events
    /// made in the session carry (never a secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// What an auditor joins the session's CloudTrail events with: its access key id, task
    /// policy and when AWS granted it (never a secret).
    pub fn evidence(&self) -> SessionEvidence {
        SessionEvidence {
            account_id: self.account_id.clone(),
            access_key_id: self.access_key_id.clone(),
            task_policy: self.policy,
            task_policy_arn: self.policy.arn(self.aws.partition()),
            opened_at: self.opened_at,
        }
    }

    /// The IAM client, to be signed with [`RootSession::iam_signing`].
    fn iam(&self) -> &aws_sdk_iam::Client {
        &self.aws.iam
    }

    /// The provider's clients, for the calls of other services made in the session.
    pub(super) fn aws(&self) -> &Aws {
        self.aws
    }

    /// The session's credentials, for the per-call signing of those calls.
    pub(super) fn credentials(&self) -> SharedCredentialsProvider {
        self.credentials.clone()
    }

    /// What tells the adaptive limit on root sessions how each attempt of a call made in the
    /// session went.
    pub(super) fn throttle_observer(&self) -> ThrottleObserver {
        ThrottleObserver::new(Arc::clone(&self.aws.root_sessions))
    }

    /// The per-call configuration that signs an IAM call with this session's credentials, and
    /// tells the adaptive limit on root sessions how each attempt went.
    fn iam_signing(&self) -> aws_sdk_iam::config::Builder {
        let mut signing =
            aws_sdk_iam::config::Builder::default().interceptor(self.throttle_observer());
        signing.set_credentials_provider(Some(self.credentials.clone()));
        // Static credentials need no cache, and the client's cache would keep every session's.
        signing.set_identity_cache(IdentityCache::no_cache());
        signing
    }

    /// Reads every root credential: the password (`GetLoginProfile`, `NoSuchEntity` = none),
    /// access keys with their last use, signing certificates and MFA devices. With the audit
    /// task policy, the account summary first, then only the kinds it flags; with another,
    /// every kind. The kinds are read at once, and the last use of every key at once.
    pub async fn audit(&self) -> Result<RootCredentialReport, AwsError> {
        let present = match self.policy {
            TaskPolicy::AuditRootUserCredentials => self.present().await?,
            _ => Present::EVERY_KIND,
        };
        let (password_created, access_keys, signing_certificates, mfa_devices) = futures::try_join!(
            read_if(present.password, self.password_created()),
            read_if(present.access_keys, self.access_keys()),
            read_if(present.signing_certificates, self.signing_certificates()),
            read_if(present.mfa_devices, self.mfa_devices()),
        )?;
        Ok(RootCredentialReport {
            password_created,
            access_keys,
            signing_certificates,
            mfa_devices,
        })
    }

    /// Which kinds the account summary flags. A flag the summary leaves out counts as set:
    /// reading a list too many is better than missing a credential.
    async fn present(&self) -> Result<Present, AwsError> {
        let answer = in_session!(
            self,
            Operation::GetAccountSummary,
            self.iam().get_account_summary()
        )?;
        let flag = |key: SummaryKeyType| {
            answer
                .summary_map()
                .and_then(|map| map.get(&key))
                .is_none_or(|value| *value > 0)
        };
        Ok(Present {
            password: flag(SummaryKeyType::AccountPasswordPresent),
            access_keys: flag(SummaryKeyType::AccountAccessKeysPresent),
            signing_certificates: flag(SummaryKeyType::AccountSigningCertificatesPresent),
            mfa_devices: flag(SummaryKeyType::AccountMfaEnabled),
        })
    }

    async fn password_created(&self) -> Result<Option<String>, AwsError> {
        let answer = in_session!(
            self,
            Operation::GetLoginProfile,
            self.iam().get_login_profile()
        );
        match answer {
            Ok(out) => Ok(Some(rfc3339(out.login_profile().map(|p| p.create_date())))),
            Err(err) if is_no_such_entity(&err) => Ok(None),
            Err(err) => Err(err),
        }
    }

    // One page of each list is all there is: a root user holds at most 2 access keys,
    // 2 signing certificates and 8 MFA devices, and a page holds 100.

    async fn access_keys(&self) -> Result<Vec<RootAccessKey>, AwsError> {
        let keys = in_session!(
            self,
            Operation::ListAccessKeys,
            self.iam().list_access_keys()
        )?;
        try_join_all(keys.access_key_metadata().iter().map(|key| async move {
            let id = key.access_key_id().unwrap_or_default().to_owned();
            let used = in_session!(
                self,
                Operation::GetAccessKeyLastUsed,
                self.iam().get_access_key_last_used().access_key_id(&id)
            )?;
            Ok(RootAccessKey {
                status: key
                    .status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                created: rfc3339(key.create_date()),
                last_used: rfc3339(used.access_key_last_used().and_then(|u| u.last_used_date())),
                id,
            })
        }))
        .await
    }

    async fn signing_certificates(&self) -> Result<Vec<String>, AwsError> {
        let answer = in_session!(
            self,
            Operation::ListSigningCertificates,
            self.iam().list_signing_certificates()
        )?;
        Ok(answer
            .certificates()
            .iter()
            .map(|c| c.certificate_id().to_owned())
            .collect())
    }

    async fn mfa_devices(&self) -> Result<Vec<String>, AwsError> {
        let answer = in_session!(
            self,
            Operation::ListMfaDevices,
            self.iam().list_mfa_devices()
        )?;
        Ok(answer
            .mfa_devices()
            .iter()
            .map(|d| d.serial_number().to_owned())
            .collect())
    }

    /// Removes one credential (an MFA device is deactivated): `true` when AWS removed it,
    /// `false` when it was already gone, which counts as removed: the goal is its absence. The
    /// account's audit of this run is forgotten after each attempt, whatever its outcome, so no
    /// reader is answered from before it.
    pub async fn remove(&self, credential: &RootCredential) -> Result<bool, AwsError> {
        let iam = self.iam();
        let result = match credential {
            RootCredential::Password => in_session!(
                self,
                Operation::DeleteLoginProfile,
                iam.delete_login_profile()
            )
            .map(drop),
            RootCredential::AccessKey(id) => in_session!(
                self,
                Operation::DeleteAccessKey,
                iam.delete_access_key().access_key_id(id)
            )
            .map(drop),
            RootCredential::SigningCertificate(id) => in_session!(
                self,
                Operation::DeleteSigningCertificate,
                iam.delete_signing_certificate().certificate_id(id)
            )
            .map(drop),
            RootCredential::MfaDevice(serial) => in_session!(
                self,
                Operation::DeactivateMfaDevice,
                iam.deactivate_mfa_device().serial_number(serial)
            )
            .map(drop),
        };
        // An audit another reader started meanwhile may hold what was there before.
        self.aws.audits.forget(&self.account_id);
        match result {
            Ok(()) => Ok(true),
            Err(err) if is_no_such_entity(&err) => {
                tracing::info!(account_id = %self.account_id, ?credential, "already removed");
                Ok(false)
            }
            Err(err) => Err(err),
        }
    }
}

/// What `CreateLoginProfile` did in a root session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginProfileCreation {
    /// AWS created the login profile, at this time (RFC 3339).
    Created(String),
    /// A login profile was there already (`EntityAlreadyExists`), created at this time (RFC
    /// 3339; empty when it could not be read): password recovery was possible before.
    AlreadyThere(String),
}

impl LoginProfileCreation {
    /// When the login profile was created (RFC 3339), by this call or before; empty when unknown.
    pub fn created(&self) -> &str {
        match self {
            LoginProfileCreation::Created(at) | LoginProfileCreation::AlreadyThere(at) => at,
        }
    }
}

impl RootSession<'_> {
    /// Creates the root user's login profile without a password, as AWS requires in a root
    /// session (`IAMCreateRootUserPassword`): the root user can then set one through "Forgot
    /// password". When one exists already, reads when it was created (`GetLoginProfile`, which
    /// the task policy allows too); that read failing does not undo what is a success. The
    /// account's audit of this run is forgotten, whatever the outcome.
    pub async fn create_login_profile(&self) -> Result<LoginProfileCreation, AwsError> {
        let answer = in_session!(
            self,
            Operation::CreateLoginProfile,
            self.iam().create_login_profile()
        );
        self.aws.audits.forget(&self.account_id);
        match answer {
            Ok(out) => Ok(LoginProfileCreation::Created(rfc3339(
                out.login_profile().map(|p| p.create_date()),
            ))),
            Err(err) if err.code.as_deref() == Some("EntityAlreadyExists") => {
                let existing = in_session!(
                    self,
                    Operation::GetLoginProfile,
                    self.iam().get_login_profile()
                );
                let created = match existing {
                    Ok(out) => rfc3339(out.login_profile().map(|p| p.create_date())),
                    Err(err) => {
                        tracing::warn!(account_id = %self.account_id, %err, "login profile not read");
                        String::new()
                    }
                };
                Ok(LoginProfileCreation::AlreadyThere(created))
            }
            Err(err) => Err(err),
        }
    }
}

/// Whether a failure to audit one account is about that account (reported per account by an
/// organization-wide audit) rather than about the caller's credentials or the way to AWS, which
/// would fail every account alike.
pub fn concerns_one_account(err: &AwsError) -> bool {
    !matches!(
        err.kind,
        ErrorKind::InvalidCredentials
            | ErrorKind::NoCredentials
            | ErrorKind::CredentialsUnavailable
            | ErrorKind::ConnectionRefused
            | ErrorKind::Network
    )
}
