//! A member account's root-user credentials, read and removed through a root session
//! (`sts:AssumeRoot`): one session per account and operation, its credentials used for every
//! call of that operation, never shared across accounts or task policies.
//!
//! Every session signs through the provider's one IAM client, with its own credentials as a
//! per-call override: a client per session would bring its own connection pool, and a
//! thousand-account audit would open a thousand of them.

use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_iam::config::{Credentials, IdentityCache};
use futures::future::try_join_all;

use super::adaptive_limit::Permit;
use super::assume_root::MAX_ROOT_SESSION;
use super::{Aws, AwsError, ErrorKind, TaskPolicy, rfc3339};

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

impl RootCredentialReport {
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

/// A root session on one member account: its credentials, and a place among the root sessions
/// the provider lets work at once ([`super::AdaptiveLimit`]) until it is dropped.
#[derive(Debug)]
pub struct RootSession<'a> {
    aws: &'a Aws,
    account_id: String,
    policy: TaskPolicy,
    signing: aws_sdk_iam::config::Builder,
    _permit: Permit,
}

fn is_no_such_entity(err: &AwsError) -> bool {
    err.code.as_deref() == Some("NoSuchEntity")
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
            .assume_root(account_id, policy, MAX_ROOT_SESSION)
            .await?;
        let provider = SharedCredentialsProvider::new(Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.clone(),
            Some(credentials.session_token.clone()),
            Some(credentials.expiration),
            "sts:AssumeRoot",
        ));
        let mut signing = aws_sdk_iam::config::Builder::default();
        signing.set_credentials_provider(Some(provider));
        // Static credentials need no cache, and the client's cache would keep every session's.
        signing.set_identity_cache(IdentityCache::no_cache());
        Ok(RootSession {
            aws: self,
            account_id: account_id.to_owned(),
            policy,
            signing,
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

    /// The IAM client, signing with this session's credentials.
    fn iam(&self) -> &aws_sdk_iam::Client {
        &self.aws.iam
    }

    /// Reads every root credential: the password (`GetLoginProfile`, `NoSuchEntity` = none),
    /// access keys with their last use, signing certificates and MFA devices. The four kinds are
    /// read at once, and the last use of every key at once: three round trips in all.
    pub async fn audit(&self) -> Result<RootCredentialReport, AwsError> {
        let (password_created, access_keys, signing_certificates, mfa_devices) = futures::try_join!(
            self.password_created(),
            self.access_keys(),
            self.signing_certificates(),
            self.mfa_devices(),
        )?;
        Ok(RootCredentialReport {
            password_created,
            access_keys,
            signing_certificates,
            mfa_devices,
        })
    }

    async fn password_created(&self) -> Result<Option<String>, AwsError> {
        let answer = self
            .iam()
            .get_login_profile()
            .customize()
            .config_override(self.signing.clone())
            .send()
            .await;
        match answer {
            Ok(out) => Ok(Some(rfc3339(out.login_profile().map(|p| p.create_date())))),
            Err(e) => {
                let err = AwsError::from_sdk("GetLoginProfile", e, None);
                if is_no_such_entity(&err) {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    // One page of each list is all there is: a root user holds at most 2 access keys,
    // 2 signing certificates and 8 MFA devices, and a page holds 100.

    async fn access_keys(&self) -> Result<Vec<RootAccessKey>, AwsError> {
        let keys = self
            .iam()
            .list_access_keys()
            .customize()
            .config_override(self.signing.clone())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListAccessKeys", e, None))?;
        try_join_all(keys.access_key_metadata().iter().map(|key| async move {
            let id = key.access_key_id().unwrap_or_default().to_owned();
            let used = self
                .iam()
                .get_access_key_last_used()
                .access_key_id(&id)
                .customize()
                .config_override(self.signing.clone())
                .send()
                .await
                .map_err(|e| AwsError::from_sdk("GetAccessKeyLastUsed", e, None))?;
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
        let answer = self
            .iam()
            .list_signing_certificates()
            .customize()
            .config_override(self.signing.clone())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListSigningCertificates", e, None))?;
        Ok(answer
            .certificates()
            .iter()
            .map(|c| c.certificate_id().to_owned())
            .collect())
    }

    async fn mfa_devices(&self) -> Result<Vec<String>, AwsError> {
        let answer = self
            .iam()
            .list_mfa_devices()
            .customize()
            .config_override(self.signing.clone())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk("ListMFADevices", e, None))?;
        Ok(answer
            .mfa_devices()
            .iter()
            .map(|d| d.serial_number().to_owned())
            .collect())
    }

    /// Removes one credential (an MFA device is deactivated). One already gone counts as
    /// removed: the goal is its absence.
    pub async fn remove(&self, credential: &RootCredential) -> Result<(), AwsError> {
        let result = match credential {
            RootCredential::Password => self
                .iam()
                .delete_login_profile()
                .customize()
                .config_override(self.signing.clone())
                .send()
                .await
                .map(drop)
                .map_err(|e| AwsError::from_sdk("DeleteLoginProfile", e, None)),
            RootCredential::AccessKey(id) => self
                .iam()
                .delete_access_key()
                .access_key_id(id)
                .customize()
                .config_override(self.signing.clone())
                .send()
                .await
                .map(drop)
                .map_err(|e| AwsError::from_sdk("DeleteAccessKey", e, None)),
            RootCredential::SigningCertificate(id) => self
                .iam()
                .delete_signing_certificate()
                .certificate_id(id)
                .customize()
                .config_override(self.signing.clone())
                .send()
                .await
                .map(drop)
                .map_err(|e| AwsError::from_sdk("DeleteSigningCertificate", e, None)),
            RootCredential::MfaDevice(serial) => self
                .iam()
                .deactivate_mfa_device()
                .serial_number(serial)
                .customize()
                .config_override(self.signing.clone())
                .send()
                .await
                .map(drop)
                .map_err(|e| AwsError::from_sdk("DeactivateMFADevice", e, None)),
        };
        // An audit another reader started meanwhile may hold what was there before.
        self.aws.audits.forget(&self.account_id);
        match result {
            Err(err) if is_no_such_entity(&err) => {
                tracing::info!(account_id = %self.account_id, ?credential, "already removed");
                Ok(())
            }
            other => other,
        }
    }
}

/// Whether a failure to audit one account is about that account (reported per account by an
/// organization-wide audit) rather than about the caller's credentials or the way to AWS, which
/// would fail every account alike.
pub fn concerns_one_account(err: &AwsError) -> bool {
    !matches!(
        err.kind,
        ErrorKind::InvalidCredentials | ErrorKind::NoCredentials | ErrorKind::Network
    )
}
