//! What a valid service principal is, for the schema's validator, import and moves alike (a
//! valid account ID is [`crate::types_common::root_task::is_account_id`]).

use crate::framework::diagnostics::Diagnostics;
use crate::framework::validators::{ValidateRequest, Validator, check_string};

/// Whether `principal` looks like a service principal: a lowercase DNS name of at least two
/// labels (`iam.amazonaws.com`), at most 128 characters, as Organizations accepts them.
pub fn is_service_principal(principal: &str) -> bool {
    let label_ok = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    principal.len() <= 128
        && principal.split('.').count() >= 2
        && principal.split('.').all(label_ok)
}

/// The schema validator for `service_principal`, sharing [`is_service_principal`] with import.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ServicePrincipal;

impl Validator for ServicePrincipal {
    fn description(&self) -> String {
        "be a service principal such as iam.amazonaws.com (a lowercase DNS name, no spaces or \"/\")"
            .to_owned()
    }

    fn validate(&self, req: &ValidateRequest<'_>, diags: &mut Diagnostics) {
        let requirement = self.description();
        check_string(
            req,
            diags,
            "Invalid Attribute Value",
            &requirement,
            is_service_principal,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::IAM_SERVICE_PRINCIPAL;
    use crate::cty::{AttributePath, Value};

    #[test]
    fn service_principals() {
        let cases = [
            ("iam.amazonaws.com", true),
            ("access-analyzer.amazonaws.com", true),
            ("config-multiaccountsetup.amazonaws.com", true),
            ("iam", false),
            ("", false),
            ("iam..amazonaws.com", false),
            (".amazonaws.com", false),
            ("-iam.amazonaws.com", false),
            ("iam.amazonaws.com/x", false),
            ("iam .amazonaws.com", false),
            ("Iam.amazonaws.com", false),
        ];
        for (principal, valid) in cases {
            assert_eq!(is_service_principal(principal), valid, "{principal:?}");
        }
        let long = format!("{}.com", "a".repeat(125));
        assert!(!is_service_principal(&long));
    }
    #[test]
    fn service_principal_validator_reports_on_the_attribute() {
        use crate::framework::validators::test_support::run;
        assert!(
            run(
                &ServicePrincipal,
                Value::String(IAM_SERVICE_PRINCIPAL.into())
            )
            .is_empty()
        );
        let diags = run(&ServicePrincipal, Value::String("iam amazonaws.com".into()));
        let error = diags.errors().next().expect("an error");
        assert_eq!(error.attribute, Some(AttributePath::root("attr")));
        assert!(
            error.detail.contains("iam.amazonaws.com"),
            "{}",
            error.detail
        );
    }
}
