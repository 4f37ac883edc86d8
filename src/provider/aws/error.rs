//! AWS failures, classified once so every resource explains them the same way.

use std::fmt;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// The `Reason` Organizations gives when a service has no trusted access yet.
const SERVICE_ACCESS_NOT_ENABLED: &str = "SERVICE_ACCESS_NOT_ENABLED";

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
    /// The credentials are not valid (unknown key, wrong secret, expired token).
    InvalidCredentials,
    /// No credentials could be found at all.
    NoCredentials,
    /// AWS throttled the request and retries ran out.
    Throttled,
    /// Another change to the organization was in progress and retries ran out.
    ConcurrentModification,
    /// AWS failed internally and retries ran out.
    ServiceFailure,
    /// A constraint of Organizations, with its reason code (for example
    /// `CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR`).
    ConstraintViolation(Option<String>),
    /// The request was malformed, with its reason code.
    InvalidInput(Option<String>),
    /// The account is not in the organization.
    AccountNotFound,
    /// The account is already a delegated administrator for the service.
    AccountAlreadyRegistered,
    /// The account is not a delegated administrator for the service.
    AccountNotRegistered,
    /// The call went to a Region or endpoint that does not serve Organizations.
    UnsupportedApiEndpoint,
    /// The request never got an answer (connection, DNS, timeout).
    Network,
    /// Anything else AWS answered.
    Other,
}

impl ErrorKind {
    /// Classifies an AWS error code. Codes are compared without a `namespace#` prefix and without
    /// the `Exception` suffix, because the API reference and the models disagree on it.
    pub fn from_code(code: &str, reason: Option<String>) -> Self {
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
            "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "UnrecognizedClient"
            | "ExpiredToken"
            | "InvalidSignature"
            | "IncompleteSignature" => Self::InvalidCredentials,
            "Throttling" | "TooManyRequests" | "ThrottlingException" => Self::Throttled,
            "ConcurrentModification" => Self::ConcurrentModification,
            "ServiceFailure" | "Service" | "InternalFailure" | "ServiceUnavailable" => {
                Self::ServiceFailure
            }
            // Organizations' way of saying what IAM calls OrganizationNotInAllFeaturesMode, e.g.
            // when enabling trusted access; one kind, so users get the same advice.
            "ConstraintViolation"
                if reason.as_deref() == Some("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE") =>
            {
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

/// A failed AWS call: which operation, what kind of failure, and what AWS said.
#[derive(Debug, Clone, thiserror::Error)]
pub struct AwsError {
    /// The AWS operation, e.g. `EnableOrganizationsRootSessions`.
    pub operation: &'static str,
    /// The classified failure.
    pub kind: ErrorKind,
    /// The error code as AWS sent it, when it sent one.
    pub code: Option<String>,
    /// AWS's message, or a description of the transport failure.
    pub message: String,
    /// The request id, for AWS support.
    pub request_id: Option<String>,
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
    /// Classifies an SDK error. `reason` carries the `Reason` member that Organizations attaches
    /// to ConstraintViolation and InvalidInput errors, which only the typed error exposes.
    pub fn from_sdk<E, R>(
        operation: &'static str,
        err: SdkError<E, R>,
        reason: Option<String>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: fmt::Debug,
    {
        match &err {
            SdkError::ServiceError(_) => {
                let code = err.code().map(str::to_owned);
                let kind = code
                    .as_deref()
                    .map_or(ErrorKind::Other, |c| ErrorKind::from_code(c, reason));
                Self {
                    operation,
                    kind,
                    message: err.message().unwrap_or_default().to_owned(),
                    request_id: err.meta().extra("aws_request_id").map(str::to_owned),
                    code,
                }
            }
            SdkError::ConstructionFailure(_) => Self::local(operation, &err, ErrorKind::Other),
            SdkError::DispatchFailure(failure) if failure.is_user() => {
                Self::local(operation, &err, ErrorKind::NoCredentials)
            }
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => {
                Self::local(operation, &err, ErrorKind::Network)
            }
            _ => Self::local(operation, &err, ErrorKind::Other),
        }
    }

    fn local(operation: &'static str, err: &dyn std::error::Error, kind: ErrorKind) -> Self {
        Self {
            operation,
            kind,
            code: None,
            message: error_chain(err),
            request_id: None,
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
            ErrorKind::InvalidCredentials => "AWS rejected the credentials".into(),
            ErrorKind::NoCredentials => "No AWS credentials were found".into(),
            ErrorKind::Throttled => "AWS kept throttling requests".into(),
            ErrorKind::ConcurrentModification => {
                "Another change to the organization kept conflicting".into()
            }
            ErrorKind::ServiceFailure => "AWS kept failing internally".into(),
            ErrorKind::ConstraintViolation(Some(reason))
                if reason == "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR" =>
            {
                "The management account cannot be a delegated administrator".into()
            }
            ErrorKind::ConstraintViolation(Some(reason))
                if reason == "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED" =>
            {
                "Too many delegated administrators for this service".into()
            }
            ErrorKind::ConstraintViolation(Some(reason))
                if reason == SERVICE_ACCESS_NOT_ENABLED =>
            {
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
            ErrorKind::Network => "Could not reach AWS".into(),
            ErrorKind::Other => format!("{} failed", self.operation),
        }
    }

    /// What to do about it, followed by what AWS said, for a diagnostic detail.
    pub fn detail(&self) -> String {
        let advice = match &self.kind {
            ErrorKind::ServiceAccessNotEnabled => {
                "Centralized root access needs trusted access for iam.amazonaws.com in AWS \
                 Organizations. Set enable_trusted_access = true on centralroot_organization_features, \
                 or run from the management account:\n  aws organizations enable-aws-service-access \
                 --service-principal iam.amazonaws.com\nIf enable_trusted_access is already true, \
                 trusted access is on but IAM did not see it within the provider's wait; apply \
                 again in a minute."
            }
            ErrorKind::NotManagementOrDelegatedAdministrator => {
                "Configure the provider with credentials of the organization's management account, \
                 or of the account registered as delegated administrator for iam.amazonaws.com."
            }
            ErrorKind::CallerIsNotManagementAccount => {
                "Enabling centralized root access features must be done with credentials of the \
                 organization's management account; the IAM delegated administrator can only read \
                 and use them."
            }
            ErrorKind::OrganizationNotFound => {
                "Centralized root access works only inside AWS Organizations. Use credentials of an \
                 account in an organization (normally the management account)."
            }
            ErrorKind::NotAllFeaturesMode => {
                "The organization uses consolidated billing only. Enable all features in AWS \
                 Organizations (aws organizations enable-all-features) and accept the handshake in \
                 every member account, then apply again."
            }
            ErrorKind::AccessDenied => {
                "The caller's IAM policies or the organization's service control policies deny this \
                 call. Grant the action to the provider's credentials."
            }
            ErrorKind::InvalidCredentials => {
                "Check access_key/secret_key/token, the profile, or the environment variables \
                 AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; session \
                 credentials may have expired."
            }
            ErrorKind::NoCredentials => {
                "Set credentials in the provider block, a profile, or the standard AWS environment \
                 variables."
            }
            ErrorKind::Throttled
            | ErrorKind::ConcurrentModification
            | ErrorKind::ServiceFailure => {
                "The provider retried up to max_retries times. Apply again, or raise max_retries \
                 in the provider block."
            }
            ErrorKind::ConstraintViolation(Some(reason))
                if reason == "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR" =>
            {
                "account_id is the organization's management account, which already has every \
                 permission a delegated administrator gets. Choose a member account."
            }
            ErrorKind::ConstraintViolation(Some(reason))
                if reason == SERVICE_ACCESS_NOT_ENABLED =>
            {
                "A delegated administrator can only be registered for a service that has trusted \
                 access in AWS Organizations. For iam.amazonaws.com, manage \
                 centralroot_organization_features with enable_trusted_access = true and add \
                 depends_on = [centralroot_organization_features.<name>] to this resource, or run \
                 from the management account:\n  aws organizations enable-aws-service-access \
                 --service-principal <service_principal>"
            }
            ErrorKind::ConstraintViolation(_) | ErrorKind::InvalidInput(_) => {
                "Check the arguments against the AWS Organizations limits."
            }
            ErrorKind::AccountNotFound => {
                "account_id must be an account of this organization (see aws organizations \
                 list-accounts)."
            }
            ErrorKind::AccountAlreadyRegistered => {
                "Import the existing registration instead of creating it:\n  terraform import \
                 <address> <account_id>\nor, for a service principal other than iam.amazonaws.com:\n  \
                 terraform import <address> <account_id>/<service_principal>\nOn Terraform 1.5 and \
                 later, an import block does the same:\n  import {\n    to = <address>\n    id = \
                 \"<account_id>\"\n  }"
            }
            ErrorKind::AccountNotRegistered => {
                "The registration no longer exists; refresh to remove it from state."
            }
            ErrorKind::UnsupportedApiEndpoint => {
                "Organizations is served from us-east-1 (or the partition's main Region); check \
                 region and endpoints.organizations in the provider block."
            }
            ErrorKind::Network => {
                "Check network access to the AWS endpoints, and endpoints in the provider block."
            }
            ErrorKind::Other => "",
        };
        let mut detail = String::from(advice);
        if !detail.is_empty() {
            detail.push_str("\n\n");
        }
        detail.push_str("AWS said: ");
        detail.push_str(&self.to_string());
        detail
    }

    /// Whether the error says the resource or its organization is gone.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::OrganizationNotFound | ErrorKind::AccountNotFound
        )
    }
}

/// Classifies an Organizations SDK error, keeping the `Reason` that only the operation's typed
/// `ConstraintViolationException` and `InvalidInputException` carry.
macro_rules! organizations_error {
    ($operation:literal, $err:expr, $kind:ident) => {{
        let err = $err;
        let reason = match err.as_service_error() {
            Some($kind::ConstraintViolationException(c)) => {
                c.reason().map(|r| r.as_str().to_owned())
            }
            Some($kind::InvalidInputException(i)) => i.reason().map(|r| r.as_str().to_owned()),
            _ => None,
        };
        $crate::provider::aws::AwsError::from_sdk($operation, err, reason)
    }};
}
pub(crate) use organizations_error;

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
            ("SomethingNew", ErrorKind::Other),
        ];
        for (code, kind) in cases {
            assert_eq!(ErrorKind::from_code(code, None), kind, "{code}");
        }
    }

    #[test]
    fn service_access_detail_names_both_fixes() {
        let err = AwsError {
            operation: "EnableOrganizationsRootSessions",
            kind: ErrorKind::ServiceAccessNotEnabled,
            code: Some("ServiceAccessNotEnabledException".into()),
            message: "trusted access is off".into(),
            request_id: Some("r-1".into()),
        };
        let detail = err.detail();
        assert!(detail.contains("enable_trusted_access = true"));
        assert!(detail.contains("enable-aws-service-access --service-principal iam.amazonaws.com"));
        assert!(detail.contains("trusted access is off"));
        assert!(detail.contains("r-1"));
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
    fn management_account_reason_gets_its_own_summary() {
        let kind = ErrorKind::from_code(
            "ConstraintViolationException",
            Some("CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR".into()),
        );
        let err = AwsError {
            operation: "RegisterDelegatedAdministrator",
            kind,
            code: None,
            message: String::new(),
            request_id: None,
        };
        assert_eq!(
            err.summary(),
            "The management account cannot be a delegated administrator"
        );
    }
}
