//! What users read when an AWS call fails: the summary AWS's failure gets, the advice in this
//! provider's terms (which argument to set, which import command to run), what AWS said, and the
//! attribute the diagnostic points at. Written once for every resource and data source, so that
//! [`crate::aws`] stays free of Terraform's words.

use std::borrow::Cow;

use crate::aws::endpoint::REFUSED_ATTEMPTS;
use crate::aws::{
    AwsError, Endpoint, EndpointSource, ErrorKind, Feature, Operation, Reason, ScpDenial, Service,
    Subject, TaskPolicy,
};
use crate::cty::AttributePath;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};

/// What to do about a failure, in the configuration's terms; empty when there is nothing to add
/// to what AWS said.
pub fn advice(err: &AwsError) -> Cow<'static, str> {
    match (&err.kind, &err.endpoint) {
        (ErrorKind::ConnectionRefused, Some(endpoint)) => refused(endpoint).into(),
        (ErrorKind::Network, Some(endpoint)) => format!(
            "Check network access to {} (the {} endpoint, from {}).",
            endpoint.url,
            endpoint.service,
            setting(endpoint)
        )
        .into(),
        (ErrorKind::RootSessionDenied, _) => match err.operation {
            Operation::AssumeRoot(policy) => root_session_denied(policy).into(),
            _ => static_advice(err).into(),
        },
        (ErrorKind::DeniedByServiceControlPolicy, _) => match err.scp_denial() {
            Some(denial) if denial.policy_arn.is_some() => scp_denial(&denial).into(),
            _ => static_advice(err).into(),
        },
        _ => static_advice(err).into(),
    }
}

/// The features `policy` needs, in words: `RootSessions`, or `both A and B`.
fn features_needed(policy: TaskPolicy) -> String {
    match policy.features() {
        [one] => one.as_str().to_owned(),
        many => format!(
            "both {}",
            many.iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
    }
}

/// Why AWS may have refused a root session with `policy`, naming the feature that task needs.
fn root_session_denied(policy: TaskPolicy) -> String {
    let needed = features_needed(policy);
    let all = Feature::ALL.map(Feature::as_str).join(" and ");
    let reading = if policy.features().len() > 1 {
        format!(
            "AWS does not state which feature {policy} needs and sources tie password recovery to \
             either, so enable both"
        )
    } else {
        format!(
            "{policy} needs {needed} by the best reading of AWS's documentation, which does not \
             state it; enabling both {all} covers every reading"
        )
    };
    format!(
        "AWS refused a root session (sts:AssumeRoot) with {policy} on account_id. It grants one \
         only when all of these hold:\n\
         - the provider runs as the organization's management account or as the delegated \
         administrator for iam.amazonaws.com (data source centralroot_caller_identity shows \
         which account it runs as);\n\
         - enabled_features of centralroot_organization_features contains {needed}, with \
         enable_trusted_access = true ({reading});\n\
         - the caller's IAM policies allow sts:AssumeRoot and no service control policy denies \
         it;\n\
         - account_id is an active member account of the organization, not the management \
         account."
    )
}

/// What to change in the service control policy `denial` names, and how to exempt root
/// sessions from it.
fn scp_denial(denial: &ScpDenial) -> String {
    let policy = denial.policy_arn.as_deref().unwrap_or_default();
    let account = &denial.account_id;
    let action = &denial.action;
    let change = format!(
        "Change it from the management account (aws organizations update-policy --policy-id {}), \
         or detach it from account {account} and its organizational units.",
        denial.policy_id().unwrap_or("<policy id>")
    );
    if denial.in_root_session() {
        format!(
            "The service control policy {policy} denies {action} to the root user of account \
             {account} inside a root session: service control policies apply to root sessions \
             too, whatever the task policy allows. To let centralized root access through, \
             exempt root sessions in the policy's deny statement with the condition\n  \
             \"Condition\": {{\"Null\": {{\"aws:AssumedRoot\": \"true\"}}}}\n\
             (the deny then applies only where aws:AssumedRoot is absent, outside root \
             sessions). {change}"
        )
    } else {
        format!(
            "The service control policy {policy} denies {action} to {}, in account {account}, \
             whatever IAM allows. Allow {action} in that policy for the principal the provider \
             runs as (an exemption by the condition \"Null\": {{\"aws:AssumedRoot\": \"true\"}} \
             does not help here: it spares only calls made inside root sessions). {change}",
            denial.principal
        )
    }
}

/// The setting that chose `endpoint`, in the configuration's terms.
fn setting(endpoint: &Endpoint) -> String {
    let block_argument = match endpoint.service {
        Service::Iam => "iam",
        Service::Organizations => "organizations",
        Service::Sts => "sts",
        Service::S3 => "s3",
        Service::Sqs => "sqs",
    };
    match &endpoint.source {
        EndpointSource::Configured => {
            format!("endpoints {{ {block_argument} }} in the provider block")
        }
        EndpointSource::ServiceEnvironment(variable) => {
            format!("the environment variable {variable}")
        }
        EndpointSource::ProfileServices(profile) => {
            format!("the services section of profile \"{profile}\" in the shared AWS config file")
        }
        EndpointSource::Environment => "the environment variable AWS_ENDPOINT_URL".into(),
        EndpointSource::Profile(profile) => {
            format!("endpoint_url of profile \"{profile}\" in the shared AWS config file")
        }
        EndpointSource::AwsDefault => format!("AWS's default endpoint for {}", endpoint.service),
    }
}

/// Advice for an endpoint that refused every connection: where its URL came from, and what to
/// change there.
fn refused(endpoint: &Endpoint) -> String {
    let fix = match endpoint.source {
        EndpointSource::AwsDefault => {
            "AWS's endpoints accept connections, so something between this machine and AWS \
             refuses them: check the network, the firewall and any proxy (HTTPS_PROXY)."
        }
        _ => {
            "Start the service that should answer there (for a rehearsal, the sandbox: \
             terraform-provider-centralroot sandbox), or correct or remove that setting to \
             reach AWS itself."
        }
    };
    format!(
        "Nothing accepted a connection at {}, the {} endpoint, which comes from {}. {fix} \
         (A refused connection is tried at most {REFUSED_ATTEMPTS} times, quickly: it is not \
         retried like throttling.)",
        endpoint.url,
        endpoint.service,
        setting(endpoint),
    )
}

/// The advice that needs nothing but the kind of failure.
fn static_advice(err: &AwsError) -> &'static str {
    match &err.kind {
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
        ErrorKind::DeniedByServiceControlPolicy => {
            "A service control policy of the organization explicitly denies this call for the \
             caller's or the target's account; IAM permissions cannot override it. From the \
             management account, change the policy (or detach it from the account or its \
             organizational unit) to allow the call, e.g. sts:AssumeRoot and the root task's \
             actions for centralized root access. A deny statement exempts root sessions with \
             the condition \"Null\": {\"aws:AssumedRoot\": \"true\"}."
        }
        ErrorKind::RootSessionDenied => {
            "AWS refused a root session (sts:AssumeRoot) on account_id. It grants one only when \
             all of these hold:\n\
             - the provider runs as the organization's management account or as the delegated \
             administrator for iam.amazonaws.com (data source centralroot_caller_identity shows \
             which account it runs as);\n\
             - enabled_features of centralroot_organization_features contains the feature the \
             task needs (RootCredentialsManagement for the credential tasks, RootSessions for \
             the unlocks, by the best reading), with enable_trusted_access = true;\n\
             - the caller's IAM policies allow sts:AssumeRoot and no service control policy \
             denies it;\n\
             - account_id is a member account of the organization, not the management account."
        }
        ErrorKind::TargetIsManagementAccount => {
            "account_id is the organization's management account, which has no root session: \
             sts:AssumeRoot targets member accounts only, so its root credentials cannot be \
             audited or removed centrally. Secure the management account's root user in that \
             account itself (sign in as root: MFA, no access keys), and choose a member account \
             here."
        }
        ErrorKind::RegionDisabled => {
            "Root sessions need a regional STS endpoint, and STS is deactivated in this Region \
             for the account. Set region in the provider block to a Region where STS is active, \
             or activate it in the IAM console (Account settings)."
        }
        ErrorKind::InvalidCredentials => {
            "Check access_key/secret_key/token, the profile, or the environment variables \
             AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; session \
             credentials may have expired."
        }
        ErrorKind::NoCredentials => {
            "The provider found no credentials: not in the provider block (access_key and \
             secret_key), the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), the \
             shared credentials and config files (the profile in use: profile in the provider \
             block, AWS_PROFILE, or default), a web identity token, nor the container or \
             instance metadata. Set one of them, e.g. profile = \"<name>\" in the provider \
             block, or assume_role with base credentials."
        }
        ErrorKind::CredentialsUnavailable => {
            "A source of credentials was found but could not give them; what AWS said below \
             names it. Check that source: the profile's settings (source_profile, sso_session, \
             credential_process), an SSO session that expired (aws sso login), or the role of \
             assume_role and its trust policy."
        }
        ErrorKind::Throttled | ErrorKind::ConcurrentModification | ErrorKind::ServiceFailure => {
            "The provider retried up to max_retries times. Apply again, or raise max_retries \
             in the provider block."
        }
        ErrorKind::ConstraintViolation(Some(
            Reason::CannotRegisterMasterAsDelegatedAdministrator,
        )) => {
            "account_id is the organization's management account, which already has every \
             permission a delegated administrator gets. Choose a member account."
        }
        ErrorKind::ConstraintViolation(Some(Reason::ServiceAccessNotEnabled)) => {
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
        ErrorKind::NoSuchBucket => {
            "No bucket has this name. Check bucket: bucket names are global, so a misspelt name \
             names no bucket (another account's bucket answers AccessDenied instead)."
        }
        ErrorKind::NoSuchQueue => {
            "No queue has this URL in the Region and account it names. Check queue_url against \
             what the member account sees: aws sqs get-queue-url --queue-name <name> --region \
             <region>."
        }
        ErrorKind::ConnectionRefused | ErrorKind::Network => {
            "Check network access to the AWS endpoints, and endpoints in the provider block."
        }
        ErrorKind::Other => "",
    }
}

/// The advice, then what AWS said: a diagnostic's detail.
pub fn detail(err: &AwsError) -> String {
    let mut detail = advice(err).into_owned();
    if !detail.is_empty() {
        detail.push_str("\n\n");
    }
    detail.push_str("AWS said: ");
    detail.push_str(&err.to_string());
    detail
}

/// The attributes of one type that failures about each [`Subject`] point at, so Terraform
/// shows the line to change. A subject a type has no attribute for points nowhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Targets {
    /// Where failures about the account point.
    pub account: Option<&'static str>,
    /// Where failures about the service's trusted access point.
    pub trusted_access: Option<&'static str>,
    /// Where failures about IAM's organization features point.
    pub features: Option<&'static str>,
}

impl Targets {
    /// A type whose failures all concern it as a whole.
    pub const NONE: Targets = Targets {
        account: None,
        trusted_access: None,
        features: None,
    };

    /// The attribute `err` concerns in this type.
    pub fn path(&self, err: &AwsError) -> Option<AttributePath> {
        let name = match err.subject()? {
            Subject::Account => self.account,
            Subject::TrustedAccess => self.trusted_access,
            Subject::Features => self.features,
        }?;
        Some(AttributePath::root(name))
    }

    /// `err` as an error diagnostic, on the attribute it concerns when there is one.
    pub fn diagnostic(&self, err: &AwsError) -> Diagnostic {
        let diagnostic = Diagnostic::error(err.summary(), detail(err));
        match self.path(err) {
            Some(path) => diagnostic.at(path),
            None => diagnostic,
        }
    }

    /// Adds `err` to `diags` as [`Targets::diagnostic`] says.
    pub fn report(&self, diags: &mut Diagnostics, err: &AwsError) {
        diags.push(self.diagnostic(err));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::Operation;
    use crate::types_common::delegated_admin::ACCOUNT_ID;

    fn err(operation: Operation, kind: ErrorKind) -> AwsError {
        AwsError {
            message: "what AWS said".into(),
            request_id: Some("r-1".into()),
            ..AwsError::of(operation, kind)
        }
    }

    #[test]
    fn service_access_detail_names_both_fixes_and_what_aws_said() {
        let detail = detail(&err(
            Operation::EnableOrganizationsRootSessions,
            ErrorKind::ServiceAccessNotEnabled,
        ));
        assert!(detail.contains("enable_trusted_access = true"));
        assert!(detail.contains("enable-aws-service-access --service-principal iam.amazonaws.com"));
        assert!(detail.contains("AWS said: EnableOrganizationsRootSessions failed: what AWS said"));
        assert!(detail.contains("r-1"));
    }

    #[test]
    fn already_registered_advice_names_both_import_ways() {
        let detail = detail(&err(
            Operation::RegisterDelegatedAdministrator,
            ErrorKind::AccountAlreadyRegistered,
        ));
        assert!(
            detail.contains("terraform import <address> <account_id>\n"),
            "{detail}"
        );
        assert!(detail.contains("import {"), "{detail}");
    }

    #[test]
    fn a_refused_connection_names_the_setting_that_chose_the_endpoint() {
        let refused = |service, source| AwsError {
            endpoint: Some(Box::new(Endpoint {
                service,
                url: "http://127.0.0.1:4566".into(),
                source,
            })),
            ..err(
                Operation::ListOrganizationsFeatures,
                ErrorKind::ConnectionRefused,
            )
        };
        let cases = [
            (
                Service::Iam,
                EndpointSource::Configured,
                "comes from endpoints { iam } in the provider block. Start the service",
            ),
            (
                Service::Sts,
                EndpointSource::ServiceEnvironment("AWS_ENDPOINT_URL_STS"),
                "comes from the environment variable AWS_ENDPOINT_URL_STS.",
            ),
            (
                Service::Organizations,
                EndpointSource::Environment,
                "comes from the environment variable AWS_ENDPOINT_URL.",
            ),
            (
                Service::Iam,
                EndpointSource::Profile("sandbox".into()),
                "comes from endpoint_url of profile \"sandbox\" in the shared AWS config file.",
            ),
            (
                Service::Iam,
                EndpointSource::ProfileServices("sandbox".into()),
                "comes from the services section of profile \"sandbox\"",
            ),
            (
                Service::Iam,
                EndpointSource::AwsDefault,
                "comes from AWS's default endpoint for IAM. AWS's endpoints accept connections",
            ),
        ];
        for (service, source, says) in cases {
            let detail = detail(&refused(service, source));
            assert!(
                detail.starts_with("Nothing accepted a connection at http://127.0.0.1:4566"),
                "{detail}"
            );
            assert!(detail.contains(says), "{says:?} in {detail}");
        }
        let no_endpoint = err(
            Operation::DescribeOrganization,
            ErrorKind::ConnectionRefused,
        );
        assert!(detail(&no_endpoint).starts_with("Check network access"));
    }

    #[test]
    fn missing_and_failing_credentials_are_told_apart() {
        let none = detail(&err(Operation::GetCallerIdentity, ErrorKind::NoCredentials));
        assert!(
            none.starts_with("The provider found no credentials"),
            "{none}"
        );
        let failing = detail(&err(
            Operation::GetCallerIdentity,
            ErrorKind::CredentialsUnavailable,
        ));
        assert!(
            failing.starts_with("A source of credentials was found but could not give them"),
            "{failing}"
        );
    }

    #[test]
    fn unexplained_failures_say_only_what_aws_said() {
        let detail = detail(&err(Operation::DescribeOrganization, ErrorKind::Other));
        assert!(
            detail.starts_with("AWS said: DescribeOrganization failed"),
            "{detail}"
        );
    }

    #[test]
    fn diagnostics_point_at_the_type_s_attribute_for_the_subject() {
        let targets = Targets {
            account: Some(ACCOUNT_ID),
            trusted_access: Some("service_principal"),
            features: None,
        };
        let already = err(
            Operation::RegisterDelegatedAdministrator,
            ErrorKind::AccountAlreadyRegistered,
        );
        let diagnostic = targets.diagnostic(&already);
        assert_eq!(diagnostic.attribute, Some(AttributePath::root(ACCOUNT_ID)));
        assert_eq!(diagnostic.summary, already.summary());
        assert_eq!(Targets::NONE.diagnostic(&already).attribute, None);
        let features = err(
            Operation::EnableOrganizationsRootSessions,
            ErrorKind::Throttled,
        );
        assert_eq!(targets.path(&features), None, "no attribute for features");
        let mut diags = Diagnostics::new();
        targets.report(&mut diags, &features);
        assert!(diags.has_errors());
    }

    #[test]
    fn a_refused_root_session_names_the_feature_its_task_needs() {
        let refused = |policy| {
            detail(&err(
                Operation::AssumeRoot(policy),
                ErrorKind::RootSessionDenied,
            ))
        };
        let audit = refused(TaskPolicy::AuditRootUserCredentials);
        assert!(
            audit.contains("with IAMAuditRootUserCredentials on account_id"),
            "{audit}"
        );
        assert!(
            audit.contains("contains RootCredentialsManagement, with enable_trusted_access"),
            "{audit}"
        );
        assert!(audit.contains("which does not state it"), "{audit}");
        let unlock = refused(TaskPolicy::S3UnlockBucketPolicy);
        assert!(unlock.contains("contains RootSessions, with"), "{unlock}");
        let recovery = refused(TaskPolicy::CreateRootUserPassword);
        assert!(
            recovery.contains("contains both RootCredentialsManagement and RootSessions"),
            "{recovery}"
        );
        assert!(recovery.contains("so enable both"), "{recovery}");
    }

    #[test]
    fn a_service_control_policy_is_named_with_the_account_the_action_and_the_exemption() {
        let policy = "arn:aws:organizations::111111111111:policy/o-exampleorg/\
                      service_control_policy/p-examplepolicy";
        let in_session = AwsError {
            message: format!(
                "User: arn:aws:iam::222222222222:root is not authorized to perform: \
                 iam:ListAccessKeys on resource: arn:aws:iam::222222222222:root with an explicit \
                 deny in a service control policy: {policy}"
            ),
            ..err(
                Operation::ListAccessKeys,
                ErrorKind::DeniedByServiceControlPolicy,
            )
        };
        let text = detail(&in_session);
        for says in [
            policy,
            "denies iam:ListAccessKeys to the root user of account 222222222222 inside a root session",
            "\"Condition\": {\"Null\": {\"aws:AssumedRoot\": \"true\"}}",
            "update-policy --policy-id p-examplepolicy",
            "detach it from account 222222222222",
        ] {
            assert!(text.contains(says), "{says:?} in {text}");
        }
        let caller = AwsError {
            message: format!(
                "User: arn:aws:iam::333333333333:user/admin is not authorized to perform: \
                 sts:AssumeRoot on resource: arn:aws:iam::222222222222:root with an explicit \
                 deny in a service control policy: {policy}"
            ),
            ..err(
                Operation::AssumeRoot(TaskPolicy::AuditRootUserCredentials),
                ErrorKind::DeniedByServiceControlPolicy,
            )
        };
        let text = detail(&caller);
        assert!(
            text.contains(
                "denies sts:AssumeRoot to arn:aws:iam::333333333333:user/admin, in account 333333333333"
            ),
            "{text}"
        );
        assert!(text.contains("does not help here"), "{text}");
        let unnamed = detail(&err(
            Operation::ListAccessKeys,
            ErrorKind::DeniedByServiceControlPolicy,
        ));
        assert!(
            unnamed.starts_with("A service control policy of the organization"),
            "{unnamed}"
        );
        assert!(unnamed.contains("aws:AssumedRoot"), "{unnamed}");
    }
}
