//! What a valid account ID and service principal are, for the schema's validator, import
//! and moves alike.

use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::validators::{ValidateRequest, Validator, invalid, wrong_type};

/// Whether `id` is a 12-digit account ID.
pub(super) fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

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
        let Value::String(s) = req.value else {
            return wrong_type(diags, req, "string");
        };
        if !is_service_principal(s) {
            invalid(
                diags,
                req,
                "Invalid Attribute Value",
                format!("Value must {}, got: {s:?}.", self.description()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::IAM_SERVICE_PRINCIPAL;
    use crate::cty::AttributePath;

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
