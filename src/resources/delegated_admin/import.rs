//! Import: the ID formats `ACCOUNT` and `ACCOUNT/PRINCIPAL`, and import by identity.

use super::model::RegistrationId;
use super::validation::is_service_principal;
use super::{SERVICE_PRINCIPAL, TYPE_NAME};
use crate::aws::IAM_SERVICE_PRINCIPAL;
use crate::framework::resource::{ImportStateRequest, ImportStateResponse};
use crate::framework::values::ValueExt;
use crate::types_common::delegated_admin::ACCOUNT_ID;
use crate::types_common::root_task::is_account_id;

/// The import ID formats, as the error for a malformed one lists them.
const IMPORT_FORMATS: &str = "Use one of:\n  ACCOUNT            e.g. 123456789012 (service principal \
                              iam.amazonaws.com)\n  ACCOUNT/PRINCIPAL  e.g. \
                              123456789012/iam.amazonaws.com\nwhere ACCOUNT is a 12-digit AWS \
                              account ID and PRINCIPAL a service principal such as \
                              iam.amazonaws.com.";

/// Why an import ID was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportIdError {
    /// The account part is not 12 digits.
    #[error("{0:?} is not a 12-digit AWS account ID")]
    AccountId(String),
    /// The principal part is empty or not a service principal.
    #[error("{0:?} is not a service principal such as iam.amazonaws.com")]
    ServicePrincipal(String),
    /// More than one `/`.
    #[error("the ID has more than one \"/\"")]
    TooManyParts,
}

impl RegistrationId {
    /// Parses an import ID: `ACCOUNT` (the IAM service principal) or `ACCOUNT/PRINCIPAL`.
    /// Nothing is trimmed: an ID with spaces is a typo the user should see.
    pub fn parse_import(id: &str) -> Result<Self, ImportIdError> {
        let mut parts = id.split('/');
        let account = parts.next().unwrap_or_default();
        let principal = parts.next();
        if parts.next().is_some() {
            return Err(ImportIdError::TooManyParts);
        }
        if !is_account_id(account) {
            return Err(ImportIdError::AccountId(account.to_owned()));
        }
        let principal = principal.unwrap_or(IAM_SERVICE_PRINCIPAL);
        if !is_service_principal(principal) {
            return Err(ImportIdError::ServicePrincipal(principal.to_owned()));
        }
        Ok(Self {
            account_id: account.to_owned(),
            service_principal: principal.to_owned(),
        })
    }
}

/// Imports by ID or by identity: the registration it names, its details left to the read
/// that follows.
pub(super) fn import_state(req: ImportStateRequest, resp: &mut ImportStateResponse) {
    // Importing by identity, the engine has written the identity into the state; the
    // same checks as an ID's apply to it, with the same default principal.
    let given = if req.by_identity() {
        match (
            resp.state.attr(ACCOUNT_ID).as_str(),
            resp.state.attr(SERVICE_PRINCIPAL).as_str(),
        ) {
            (Some(account), Some(principal)) => format!("{account}/{principal}"),
            (account, None) => account.unwrap_or_default().to_owned(),
            (None, Some(principal)) => format!("/{principal}"),
        }
    } else {
        req.id.clone()
    };
    match RegistrationId::parse_import(&given) {
        Ok(id) => resp.state = id.import_value(),
        Err(err) => resp.diagnostics.error(
            "Invalid import ID",
            format!("Cannot import {TYPE_NAME} with ID {given:?}: {err}.\n{IMPORT_FORMATS}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::Value;
    use crate::resources::test_support::{
        ACCESS_ANALYZER, import_by_identity, sandbox, seed_with_trusted_access,
    };
    use centralroot_sandbox::faults::FaultConfig;

    #[test]
    fn import_ids() {
        let ok = |account: &str, principal: &str| {
            Ok(RegistrationId {
                account_id: account.to_owned(),
                service_principal: principal.to_owned(),
            })
        };
        let cases: Vec<(&str, Result<RegistrationId, ImportIdError>)> = vec![
            ("123456789012", ok("123456789012", "iam.amazonaws.com")),
            (
                "123456789012/iam.amazonaws.com",
                ok("123456789012", "iam.amazonaws.com"),
            ),
            (
                "123456789012/access-analyzer.amazonaws.com",
                ok("123456789012", "access-analyzer.amazonaws.com"),
            ),
            (
                "12345678901",
                Err(ImportIdError::AccountId("12345678901".into())),
            ),
            (
                "1234567890123",
                Err(ImportIdError::AccountId("1234567890123".into())),
            ),
            (
                "12345678901a/iam.amazonaws.com",
                Err(ImportIdError::AccountId("12345678901a".into())),
            ),
            ("", Err(ImportIdError::AccountId(String::new()))),
            (
                " 123456789012",
                Err(ImportIdError::AccountId(" 123456789012".into())),
            ),
            (
                "123456789012/",
                Err(ImportIdError::ServicePrincipal(String::new())),
            ),
            (
                "123456789012/iam amazonaws.com",
                Err(ImportIdError::ServicePrincipal("iam amazonaws.com".into())),
            ),
            (
                "123456789012/iam",
                Err(ImportIdError::ServicePrincipal("iam".into())),
            ),
            (
                "123456789012/IAM.amazonaws.com",
                Err(ImportIdError::ServicePrincipal("IAM.amazonaws.com".into())),
            ),
            (
                "123456789012/iam.amazonaws.com/extra",
                Err(ImportIdError::TooManyParts),
            ),
            (
                "123456789012//iam.amazonaws.com",
                Err(ImportIdError::TooManyParts),
            ),
            (
                "arn:aws:organizations::111111111111:account/o-x/123456789012",
                Err(ImportIdError::TooManyParts),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(RegistrationId::parse_import(input), want, "{input:?}");
        }
    }
    #[test]
    fn import_id_round_trips_through_display() {
        let id = RegistrationId::parse_import("222222222222/sso.amazonaws.com").unwrap();
        assert_eq!(id.to_string(), "222222222222/sso.amazonaws.com");
        assert_eq!(RegistrationId::parse_import(&id.to_string()), Ok(id));
    }

    #[tokio::test]
    async fn import_by_identity_fills_in_the_default_principal() {
        let (_handle, ctx) = sandbox(seed_with_trusted_access(), FaultConfig::default()).await;
        let identity = crate::framework::attributes::object([
            ("account_id", Value::from("222222222222")),
            ("service_principal", Value::Null),
        ]);
        let resp = import_by_identity(TYPE_NAME, &ctx, identity).await;
        assert!(!resp.diagnostics.has_errors());
        assert_eq!(
            resp.state.attr("id").as_str(),
            Some("222222222222/iam.amazonaws.com")
        );
        assert_eq!(
            resp.state.attr("service_principal").as_str(),
            Some("iam.amazonaws.com")
        );

        let bad = crate::framework::attributes::object([
            ("account_id", Value::from("2222")),
            ("service_principal", Value::from(ACCESS_ANALYZER)),
        ]);
        let resp = import_by_identity(TYPE_NAME, &ctx, bad).await;
        assert!(resp.diagnostics.has_errors());
    }
}
