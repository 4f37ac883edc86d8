//! AWS failures, classified once so every caller explains them the same way.

use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use aws_credential_types::provider::error::CredentialsError;

use super::endpoint::{Endpoint, Unreachable, chain};
use super::operation::{Concern, Operation};

/// The `Reason` Organizations attaches to ConstraintViolation and InvalidInput errors, decoded
/// once here so callers match on variants rather than on strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The management account was proposed as a delegated administrator.
    CannotRegisterMasterAsDelegatedAdministrator,
    /// The service has no trusted access in Organizations.
    ServiceAccessNotEnabled,
    /// The service already has as many delegated administrators as it allows.
    MaxDelegatedAdministratorsForServiceLimitExceeded,
    /// The organization has consolidated billing only.
    OrganizationNotInAllFeaturesMode,
    /// A reason this layer does not tell apart, as AWS spelled it.
    Other(String),
}

impl Reason {
    const KNOWN: [(&'static str, Reason); 4] = [
        (
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
            Reason::CannotRegisterMasterAsDelegatedAdministrator,
        ),
        (
            "SERVICE_ACCESS_NOT_ENABLED",
            Reason::ServiceAccessNotEnabled,
        ),
        (
            "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
            Reason::MaxDelegatedAdministratorsForServiceLimitExceeded,
        ),
        (
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
            Reason::OrganizationNotInAllFeaturesMode,
        ),
    ];

    /// The reason as AWS spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Reason::Other(text) => text,
            known => Self::KNOWN
                .iter()
                .find(|(_, reason)| reason == known)
                .map_or("", |(text, _)| text),
        }
    }
}

impl From<&str> for Reason {
    fn from(text: &str) -> Self {
        Self::KNOWN
            .into_iter()
            .find(|(known, _)| *known == text)
            .map_or_else(|| Reason::Other(text.to_owned()), |(_, reason)| reason)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of failure AWS (or the way to it) reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// Trusted access for `iam.amazonaws.com` is off in Organizations.
    ServiceAccessNotEnabled,
    /// The caller is neither the management account nor the IAM delegated administrator.
    NotManagementOrDelegatedAdministrator,
    /// Only the management account itself may do this.
    CallerIsNotManagementAccount,
    /// The caller's account is not in an organization.
    OrganizationNotFound,
    /// The organization has consolidated billing only.
    NotAllFeaturesMode,
    /// IAM policy of the caller forbids the call.
    AccessDenied,
    /// An explicit deny in a service control policy forbids the call, whatever IAM allows.
    DeniedByServiceControlPolicy,
    /// AWS refused a root session (`AssumeRoot`) without saying why: the caller is neither the
    /// management account nor the IAM delegated administrator, the organization features or
    /// trusted access are off, or the target is not a member account.
    RootSessionDenied,
    /// STS is not activated in the configured Region for the account.
    RegionDisabled,
    /// A root session was asked for on the management account, which has none.
    TargetIsManagementAccount,
    /// The credentials are not valid (unknown key, wrong secret, expired token).
    InvalidCredentials,
    /// No credentials could be found at all: no source of the credential chain had any.
    NoCredentials,
    /// A source of credentials was found but failed to give them (a profile that names a
    /// missing source profile, an expired SSO session, a role that could not be assumed, a
    /// credential process that failed).
    CredentialsUnavailable,
    /// AWS throttled the request and retries ran out.
    Throttled,
    /// Another change to the organization was in progress and retries ran out.
    ConcurrentModification,
    /// AWS failed internally and retries ran out.
    ServiceFailure,
    /// A constraint of Organizations, with its reason.
    ConstraintViolation(Option<Reason>),
    /// The request was malformed, with its reason.
    InvalidInput(Option<Reason>),
    /// The account is not in the organization.
    AccountNotFound,
    /// The account is already a delegated administrator for the service.
    AccountAlreadyRegistered,
    /// The account is not a delegated administrator for the service.
    AccountNotRegistered,
    /// No S3 bucket has the name.
    NoSuchBucket,
    /// No SQS queue has the URL (in the Region it names).
    NoSuchQueue,
    /// The call went to a Region or endpoint that does not serve Organizations.
    UnsupportedApiEndpoint,
    /// Nothing accepted the connection at the endpoint: no service listens there.
    ConnectionRefused,
    /// The request never got an answer (DNS, TLS, a connection reset, a timeout).
    Network,
    /// Anything else AWS answered.
    Other,
}

/// What a kind of failure is about, before the operation is taken into account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum About {
    /// Always this subject, whatever the operation.
    Subject(Subject),
    /// The caller's credentials or permissions, the organization as a whole, or the way to
    /// AWS: nothing one argument of a type chooses.
    Caller,
    /// A refusal of the caller, unless what it refuses is a root session on a target account:
    /// then that account, which may not allow one.
    Refusal,
    /// Nothing by itself: what the operation acts on ([`Operation::concern`]).
    Operation,
}

impl ErrorKind {
    /// What failures of this kind are about; every kind decides here.
    fn about(&self) -> About {
        match self {
            Self::ServiceAccessNotEnabled => About::Subject(Subject::TrustedAccess),
            Self::RootSessionDenied
            | Self::TargetIsManagementAccount
            | Self::AccountNotFound
            | Self::AccountAlreadyRegistered
            | Self::AccountNotRegistered => About::Subject(Subject::Account),
            Self::ConstraintViolation(reason) => match reason {
                Some(Reason::CannotRegisterMasterAsDelegatedAdministrator) => {
                    About::Subject(Subject::Account)
                }
                Some(Reason::ServiceAccessNotEnabled) => About::Subject(Subject::TrustedAccess),
                Some(
                    Reason::MaxDelegatedAdministratorsForServiceLimitExceeded
                    | Reason::OrganizationNotInAllFeaturesMode
                    | Reason::Other(_),
                )
                | None => About::Operation,
            },
            Self::NotManagementOrDelegatedAdministrator | Self::DeniedByServiceControlPolicy => {
                About::Refusal
            }
            Self::CallerIsNotManagementAccount
            | Self::OrganizationNotFound
            | Self::NotAllFeaturesMode
            | Self::AccessDenied
            | Self::RegionDisabled
            | Self::InvalidCredentials
            | Self::NoCredentials
            | Self::CredentialsUnavailable
            | Self::UnsupportedApiEndpoint
            | Self::ConnectionRefused
            | Self::Network => About::Caller,
            Self::Throttled
            | Self::ConcurrentModification
            | Self::ServiceFailure
            | Self::InvalidInput(_)
            | Self::NoSuchBucket
            | Self::NoSuchQueue
            | Self::Other => About::Operation,
        }
    }

    /// Classifies an AWS error code. Codes are compared without a `namespace#` prefix and without
    /// the `Exception` suffix, because the API reference and the models disagree on it.
    pub fn from_code(code: &str, reason: Option<Reason>) -> Self {
        let code = code.rsplit('#').next().unwrap_or(code);
        let code = code.strip_suffix("Exception").unwrap_or(code);
        match code {
            "ServiceAccessNotEnabled" => Self::ServiceAccessNotEnabled,
            "AccountNotManagementOrDelegatedAdministrator" => {
                Self::NotManagementOrDelegatedAdministrator
            }
            "CallerIsNotManagementAccount" => Self::CallerIsNotManagementAccount,
            "OrganizationNotFound" | "AWSOrganizationsNotInUse" => Self::OrganizationNotFound,
            "OrganizationNotInAllFeaturesMode" => Self::NotAllFeaturesMode,
            "AccessDenied" => Self::AccessDenied,
            "RegionDisabled" => Self::RegionDisabled,
            "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "UnrecognizedClient"
            | "ExpiredToken"
            | "InvalidSignature"
            | "IncompleteSignature"
            | "InvalidAccessKeyId" => Self::InvalidCredentials,
            "Throttling"
            | "TooManyRequests"
            | "ThrottlingException"
            | "SlowDown"
            | "RequestThrottled" => Self::Throttled,
            "ConcurrentModification" => Self::ConcurrentModification,
            "ServiceFailure" | "Service" | "InternalFailure" | "InternalError"
            | "ServiceUnavailable" => Self::ServiceFailure,
            "NoSuchBucket" => Self::NoSuchBucket,
            "AWS.SimpleQueueService.NonExistentQueue" | "QueueDoesNotExist" => Self::NoSuchQueue,
            // Organizations' way of saying what IAM calls OrganizationNotInAllFeaturesMode, e.g.
            // when enabling trusted access; one kind, so users get the same advice.
            "ConstraintViolation" if reason == Some(Reason::OrganizationNotInAllFeaturesMode) => {
                Self::NotAllFeaturesMode
            }
            "ConstraintViolation" => Self::ConstraintViolation(reason),
            "InvalidInput" => Self::InvalidInput(reason),
            "AccountNotFound" => Self::AccountNotFound,
            "AccountAlreadyRegistered" => Self::AccountAlreadyRegistered,
            "AccountNotRegistered" => Self::AccountNotRegistered,
            "UnsupportedAPIEndpoint" => Self::UnsupportedApiEndpoint,
            _ => Self::Other,
        }
    }
}

/// What a failure is about, so that a caller can point at its own setting for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// The account being registered or deregistered.
    Account,
    /// Trusted access for the service in Organizations.
    TrustedAccess,
    /// IAM's organization features.
    Features,
}

/// A failed AWS call: which operation, what kind of failure, and what AWS said.
#[derive(Debug, Clone, thiserror::Error)]
pub struct AwsError {
    /// The AWS operation, e.g. `EnableOrganizationsRootSessions`.
    pub operation: Operation,
    /// The classified failure.
    pub kind: ErrorKind,
    /// The error code as AWS sent it, when it sent one.
    pub code: Option<String>,
    /// AWS's message, or a description of the transport failure.
    pub message: String,
    /// The request id, for AWS support.
    pub request_id: Option<String>,
    /// Where the call went, when the connection failed (boxed: most errors have none).
    pub endpoint: Option<Box<Endpoint>>,
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.operation)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl AwsError {
    /// A failure of `operation` of kind `kind`, with no message from AWS, for tests.
    #[cfg(test)]
    pub(crate) fn of(operation: Operation, kind: ErrorKind) -> Self {
        Self {
            operation,
            kind,
            code: None,
            message: String::new(),
            request_id: None,
            endpoint: None,
        }
    }

    /// Classifies an SDK error. `reason` carries the `Reason` member that Organizations attaches
    /// to ConstraintViolation and InvalidInput errors, which only the typed error exposes.
    pub fn from_sdk<E, R>(operation: Operation, err: SdkError<E, R>, reason: Option<Reason>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: fmt::Debug + 'static,
    {
        match &err {
            SdkError::ServiceError(_) => {
                let code = err.code().map(str::to_owned);
                let message = err.message().unwrap_or_default().to_owned();
                let kind = match code.as_deref() {
                    Some(c) => ErrorKind::from_code(c, reason),
                    None => ErrorKind::Other,
                };
                Self {
                    operation,
                    kind: refine_denial(kind, &message),
                    message,
                    request_id: err.meta().extra("aws_request_id").map(str::to_owned),
                    code,
                    endpoint: None,
                }
            }
            SdkError::ConstructionFailure(_) => Self::local(operation, &err, ErrorKind::Other),
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
                Self::undelivered(operation, &err)
            }
            _ => Self::local(operation, &err, ErrorKind::Other),
        }
    }

    /// A call that got no answer. The SDK reports credentials that could not be loaded the same
    /// way as a connection that failed (a dispatch failure), so the cause is looked up in the
    /// error's sources: the credential chain's error, or the label [`Unreachable`] that the
    /// clients put on a failed connection.
    fn undelivered(operation: Operation, err: &(dyn std::error::Error + 'static)) -> Self {
        if let Some(credentials) = chain(err).find_map(|e| e.downcast_ref::<CredentialsError>()) {
            let kind = match credentials {
                CredentialsError::CredentialsNotLoaded(_) => ErrorKind::NoCredentials,
                _ => ErrorKind::CredentialsUnavailable,
            };
            return Self {
                message: error_chain(credentials),
                ..Self::local(operation, err, kind)
            };
        }
        match Unreachable::find(err) {
            Some(label) => Self {
                // The label names the endpoint; the last of the SDK's causes says what failed.
                message: match chain(label).last() {
                    Some(cause) => format!("{label}: {cause}"),
                    None => label.to_string(),
                },
                endpoint: Some(Box::new(label.endpoint.clone())),
                ..Self::local(
                    operation,
                    err,
                    if label.refused {
                        ErrorKind::ConnectionRefused
                    } else {
                        ErrorKind::Network
                    },
                )
            },
            None => Self::local(operation, err, ErrorKind::Network),
        }
    }

    /// What the failure is about, when it is about one thing the caller chose: the account, the
    /// service's trusted access, or the features. Failures of the credentials, the organization
    /// as a whole or the network are about none of them.
    pub fn subject(&self) -> Option<Subject> {
        let concern = self.operation.concern();
        match self.kind.about() {
            About::Subject(subject) => Some(subject),
            About::Caller => None,
            About::Refusal => match concern {
                Concern::RootSessionTarget => Some(Subject::Account),
                Concern::TrustedAccess | Concern::Features | Concern::Nothing => None,
            },
            About::Operation => match concern {
                Concern::TrustedAccess => Some(Subject::TrustedAccess),
                Concern::Features => Some(Subject::Features),
                Concern::RootSessionTarget | Concern::Nothing => None,
            },
        }
    }

    fn local(operation: Operation, err: &dyn std::error::Error, kind: ErrorKind) -> Self {
        Self {
            operation,
            kind,
            code: None,
            message: error_chain(err),
            request_id: None,
            endpoint: None,
        }
    }

    /// A short statement of what is wrong, for a diagnostic summary.
    pub fn summary(&self) -> String {
        match &self.kind {
            ErrorKind::ServiceAccessNotEnabled => {
                "IAM trusted access is not enabled in AWS Organizations".into()
            }
            ErrorKind::NotManagementOrDelegatedAdministrator => {
                "Caller is not the management account or the IAM delegated administrator".into()
            }
            ErrorKind::CallerIsNotManagementAccount => {
                "Only the management account can enable this feature".into()
            }
            ErrorKind::OrganizationNotFound => "The account is not in an AWS organization".into(),
            ErrorKind::NotAllFeaturesMode => {
                "The organization does not have all features enabled".into()
            }
            ErrorKind::AccessDenied => "AWS denied access".into(),
            ErrorKind::DeniedByServiceControlPolicy => {
                "A service control policy denies the call".into()
            }
            ErrorKind::RootSessionDenied => "AWS refused a root session on the account".into(),
            ErrorKind::RegionDisabled => "STS is not activated in this Region".into(),
            ErrorKind::TargetIsManagementAccount => {
                "The management account has no root session".into()
            }
            ErrorKind::InvalidCredentials => "AWS rejected the credentials".into(),
            ErrorKind::NoCredentials => "No AWS credentials were found".into(),
            ErrorKind::CredentialsUnavailable => "The AWS credentials could not be loaded".into(),
            ErrorKind::Throttled => "AWS kept throttling requests".into(),
            ErrorKind::ConcurrentModification => {
                "Another change to the organization kept conflicting".into()
            }
            ErrorKind::ServiceFailure => "AWS kept failing internally".into(),
            ErrorKind::ConstraintViolation(Some(
                Reason::CannotRegisterMasterAsDelegatedAdministrator,
            )) => "The management account cannot be a delegated administrator".into(),
            ErrorKind::ConstraintViolation(Some(
                Reason::MaxDelegatedAdministratorsForServiceLimitExceeded,
            )) => "Too many delegated administrators for this service".into(),
            ErrorKind::ConstraintViolation(Some(Reason::ServiceAccessNotEnabled)) => {
                "Trusted access for the service is not enabled in AWS Organizations".into()
            }
            ErrorKind::ConstraintViolation(_) => "AWS Organizations constraint violated".into(),
            ErrorKind::InvalidInput(_) => "AWS Organizations rejected the input".into(),
            ErrorKind::AccountNotFound => "The account is not in the organization".into(),
            ErrorKind::AccountAlreadyRegistered => {
                "The account is already a delegated administrator".into()
            }
            ErrorKind::AccountNotRegistered => {
                "The account is not a delegated administrator".into()
            }
            ErrorKind::UnsupportedApiEndpoint => {
                "AWS Organizations is not available at this endpoint".into()
            }
            ErrorKind::NoSuchBucket => "The bucket does not exist".into(),
            ErrorKind::NoSuchQueue => "The queue does not exist".into(),
            ErrorKind::ConnectionRefused => match &self.endpoint {
                Some(endpoint) => format!(
                    "Nothing answers at the {} endpoint {}",
                    endpoint.service, endpoint.url
                ),
                None => "AWS refused the connection".into(),
            },
            ErrorKind::Network => match &self.endpoint {
                Some(endpoint) => format!(
                    "Could not reach the {} endpoint {}",
                    endpoint.service, endpoint.url
                ),
                None => "Could not reach AWS".into(),
            },
            ErrorKind::Other => format!("{} failed", self.operation),
        }
    }
}

/// Classifies an Organizations SDK error, keeping the `Reason` that only the operation's typed
/// `ConstraintViolationException` and `InvalidInputException` carry.
macro_rules! organizations_error {
    ($operation:expr, $err:expr, $kind:ident) => {{
        let err = $err;
        let reason = match err.as_service_error() {
            Some($kind::ConstraintViolationException(c)) => {
                c.reason().map(|r| $crate::aws::Reason::from(r.as_str()))
            }
            Some($kind::InvalidInputException(i)) => {
                i.reason().map(|r| $crate::aws::Reason::from(r.as_str()))
            }
            _ => None,
        };
        $crate::aws::AwsError::from_sdk($operation, err, reason)
    }};
}
pub(crate) use organizations_error;

/// AWS tells an explicit deny of a service control policy apart only in the message of an
/// `AccessDenied`; the advice for it differs (the fix is in Organizations, not in IAM).
fn refine_denial(kind: ErrorKind, message: &str) -> ErrorKind {
    if kind == ErrorKind::AccessDenied
        && message.contains("explicit deny in a service control policy")
    {
        ErrorKind::DeniedByServiceControlPolicy
    } else {
        kind
    }
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::TaskPolicy;

    const ASSUME_ROOT: Operation = Operation::AssumeRoot(TaskPolicy::AuditRootUserCredentials);

    #[test]
    fn codes_classify_with_and_without_suffix_and_namespace() {
        let cases = [
            (
                "ServiceAccessNotEnabledException",
                ErrorKind::ServiceAccessNotEnabled,
            ),
            (
                "ServiceAccessNotEnabled",
                ErrorKind::ServiceAccessNotEnabled,
            ),
            (
                "com.amazonaws.organizations#ConcurrentModificationException",
                ErrorKind::ConcurrentModification,
            ),
            (
                "AWSOrganizationsNotInUseException",
                ErrorKind::OrganizationNotFound,
            ),
            ("Throttling", ErrorKind::Throttled),
            ("TooManyRequestsException", ErrorKind::Throttled),
            ("SignatureDoesNotMatch", ErrorKind::InvalidCredentials),
            ("InvalidAccessKeyId", ErrorKind::InvalidCredentials),
            ("SlowDown", ErrorKind::Throttled),
            ("InternalError", ErrorKind::ServiceFailure),
            ("NoSuchBucket", ErrorKind::NoSuchBucket),
            (
                "AWS.SimpleQueueService.NonExistentQueue",
                ErrorKind::NoSuchQueue,
            ),
            (
                "com.amazonaws.sqs#QueueDoesNotExist",
                ErrorKind::NoSuchQueue,
            ),
            ("SomethingNew", ErrorKind::Other),
        ];
        for (code, kind) in cases {
            assert_eq!(ErrorKind::from_code(code, None), kind, "{code}");
        }
    }

    #[test]
    fn reasons_decode_once_and_keep_unknown_ones() {
        for (text, reason) in Reason::KNOWN {
            assert_eq!(Reason::from(text), reason);
            assert_eq!(reason.as_str(), text);
        }
        let new = Reason::from("SOMETHING_NEW");
        assert_eq!(new, Reason::Other("SOMETHING_NEW".into()));
        assert_eq!(new.to_string(), "SOMETHING_NEW");
    }

    #[test]
    fn failures_name_what_they_are_about() {
        let err = AwsError::of;
        let cases = [
            (
                err(
                    Operation::RegisterDelegatedAdministrator,
                    ErrorKind::AccountAlreadyRegistered,
                ),
                Some(Subject::Account),
            ),
            (
                err(
                    Operation::RegisterDelegatedAdministrator,
                    ErrorKind::ConstraintViolation(Some(
                        Reason::CannotRegisterMasterAsDelegatedAdministrator,
                    )),
                ),
                Some(Subject::Account),
            ),
            (
                err(
                    Operation::RegisterDelegatedAdministrator,
                    ErrorKind::ConstraintViolation(Some(Reason::ServiceAccessNotEnabled)),
                ),
                Some(Subject::TrustedAccess),
            ),
            (
                err(
                    Operation::RegisterDelegatedAdministrator,
                    ErrorKind::Throttled,
                ),
                None,
            ),
            (
                err(
                    Operation::DisableOrganizationsRootSessions,
                    ErrorKind::ServiceFailure,
                ),
                Some(Subject::Features),
            ),
            (
                err(
                    Operation::ListAwsServiceAccessForOrganization,
                    ErrorKind::Throttled,
                ),
                Some(Subject::TrustedAccess),
            ),
            (
                err(Operation::DescribeOrganization, ErrorKind::AccessDenied),
                None,
            ),
        ];
        for (err, subject) in cases {
            assert_eq!(
                err.subject(),
                subject,
                "{:?} in {}",
                err.kind,
                err.operation
            );
        }
    }

    #[test]
    fn consolidated_billing_reads_the_same_from_both_services() {
        let kind = ErrorKind::from_code(
            "ConstraintViolationException",
            Some("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE".into()),
        );
        assert_eq!(kind, ErrorKind::NotAllFeaturesMode);
        assert_eq!(
            ErrorKind::from_code("OrganizationNotInAllFeaturesModeException", None),
            ErrorKind::NotAllFeaturesMode
        );
    }

    #[test]
    fn only_an_explicit_scp_deny_is_told_apart_from_access_denied() {
        let scp = "User: arn:aws:iam::111111111111:user/admin is not authorized to perform: \
                   sts:AssumeRoot on resource: arn:aws:iam::222222222222:root with an explicit \
                   deny in a service control policy";
        assert_eq!(
            refine_denial(ErrorKind::AccessDenied, scp),
            ErrorKind::DeniedByServiceControlPolicy
        );
        assert_eq!(
            refine_denial(ErrorKind::AccessDenied, "not authorized"),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            refine_denial(ErrorKind::Throttled, scp),
            ErrorKind::Throttled
        );
        assert_eq!(
            ErrorKind::from_code("RegionDisabledException", None),
            ErrorKind::RegionDisabled
        );
    }

    #[test]
    fn refused_root_sessions_are_about_the_target_account() {
        for kind in [
            ErrorKind::RootSessionDenied,
            ErrorKind::TargetIsManagementAccount,
            ErrorKind::DeniedByServiceControlPolicy,
            ErrorKind::NotManagementOrDelegatedAdministrator,
        ] {
            assert_eq!(
                AwsError::of(ASSUME_ROOT, kind.clone()).subject(),
                Some(Subject::Account),
                "{kind:?}"
            );
        }
        assert_eq!(
            AwsError::of(
                Operation::EnableOrganizationsRootSessions,
                ErrorKind::DeniedByServiceControlPolicy
            )
            .subject(),
            None
        );
        assert_eq!(
            AwsError::of(ASSUME_ROOT, ErrorKind::Throttled).subject(),
            None
        );
    }

    #[test]
    fn management_account_reason_gets_its_own_summary() {
        let kind = ErrorKind::from_code(
            "ConstraintViolationException",
            Some("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR".into()),
        );
        let err = AwsError::of(Operation::RegisterDelegatedAdministrator, kind);
        assert_eq!(
            err.summary(),
            "The management account cannot be a delegated administrator"
        );
    }
}
