//! The typed model of a registration: which one an instance stands for ([`RegistrationId`])
//! and what its state holds ([`Registration`]), to and from values.

use std::fmt;

use super::{ID, SERVICE_PRINCIPAL};
use crate::aws::DelegatedAdmin;
use crate::cty::Value;
use crate::framework::attributes::{self, AttributeError};
use crate::types_common::delegated_admin::{self as admin, ACCOUNT_ID, DETAILS};

/// Which registration a resource instance stands for: its `id`, `ACCOUNT/PRINCIPAL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationId {
    /// The 12-digit member account.
    pub account_id: String,
    /// The service it administers, e.g. `iam.amazonaws.com`.
    pub service_principal: String,
}

impl RegistrationId {
    /// The registration a state or plan value names; both arguments must be known.
    pub(super) fn from_value(value: &Value) -> Result<Self, AttributeError> {
        Ok(Self {
            account_id: attributes::string(value, ACCOUNT_ID)?,
            service_principal: attributes::string(value, SERVICE_PRINCIPAL)?,
        })
    }

    /// The state an import records: the arguments, with the details left to the read after it.
    pub(super) fn import_value(&self) -> Value {
        attributes::object(
            self.identity()
                .into_iter()
                .chain(DETAILS.map(|name| (name, Value::Null))),
        )
    }

    /// The attributes that say which registration this is.
    fn identity(&self) -> [(&'static str, Value); 3] {
        [
            (ID, Value::from(self.to_string())),
            (ACCOUNT_ID, Value::from(self.account_id.as_str())),
            (
                SERVICE_PRINCIPAL,
                Value::from(self.service_principal.as_str()),
            ),
        ]
    }
}

impl fmt::Display for RegistrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.account_id, self.service_principal)
    }
}

/// The resource's state: the registration and what the listing says about its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Registration {
    pub(super) id: RegistrationId,
    pub(super) details: DelegatedAdmin,
}

impl Registration {
    /// A registration AWS confirmed but the listing does not show yet: its details are empty
    /// until a refresh fills them in, so the state has nothing unknown.
    pub(super) fn unlisted(id: RegistrationId) -> Self {
        let details = DelegatedAdmin {
            account_id: id.account_id.clone(),
            ..DelegatedAdmin::default()
        };
        Self { id, details }
    }

    pub(super) fn to_value(&self) -> Value {
        attributes::object(
            self.id
                .identity()
                .into_iter()
                .chain(admin::details(&self.details)),
        )
    }
}

/// The state a read returns for `id`, registered with `details`: what listings answer.
pub(crate) fn state_value(id: &RegistrationId, details: &DelegatedAdmin) -> Value {
    Registration {
        id: id.clone(),
        details: details.clone(),
    }
    .to_value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::AttributePath;
    use crate::framework::resource::Resource;
    use crate::framework::values::ValueExt;
    use crate::resources::delegated_admin::DelegatedAdminResource;
    use crate::types_common::delegated_admin::{ARN, DELEGATION_ENABLED_DATE, EMAIL};

    #[test]
    fn state_value_matches_the_schema_and_the_listing() {
        let schema = DelegatedAdminResource.schema();
        let id = RegistrationId::parse_import("222222222222").unwrap();
        let details = DelegatedAdmin {
            account_id: "222222222222".into(),
            arn: "arn:aws:organizations::111111111111:account/o-x/222222222222".into(),
            email: "member@example.com".into(),
            name: "member".into(),
            status: "ACTIVE".into(),
            joined_method: "CREATED".into(),
            joined_timestamp: "2023-11-14T22:13:20Z".into(),
            delegation_enabled_date: "2024-01-02T03:04:05Z".into(),
        };
        let value = Registration {
            id: id.clone(),
            details,
        }
        .to_value();
        let Value::Object(attrs) = &value else {
            panic!("not an object: {value:?}");
        };
        let Value::Object(empty) = schema.empty_value() else {
            panic!("schema value is not an object");
        };
        assert_eq!(
            attrs.keys().collect::<Vec<_>>(),
            empty.keys().collect::<Vec<_>>()
        );
        assert!(value.is_wholly_known());
        assert_eq!(
            value.attr(ID).as_str(),
            Some("222222222222/iam.amazonaws.com")
        );
        assert_eq!(
            value.attr(SERVICE_PRINCIPAL).as_str(),
            Some("iam.amazonaws.com")
        );
        assert_eq!(value.attr(EMAIL).as_str(), Some("member@example.com"));
        assert_eq!(
            value.attr(DELEGATION_ENABLED_DATE).as_str(),
            Some("2024-01-02T03:04:05Z")
        );
        assert_eq!(RegistrationId::from_value(&value), Ok(id.clone()));

        let unlisted = Registration::unlisted(id.clone()).to_value();
        assert!(unlisted.is_wholly_known());
        assert_eq!(unlisted.attr(ACCOUNT_ID).as_str(), Some("222222222222"));
        assert_eq!(unlisted.attr(ARN).as_str(), Some(""));

        let imported = id.import_value();
        let Value::Object(imported_attrs) = &imported else {
            panic!("not an object: {imported:?}");
        };
        assert_eq!(
            imported_attrs.keys().collect::<Vec<_>>(),
            empty.keys().collect::<Vec<_>>()
        );
        assert!(imported.attr(ARN).is_null());
        assert_eq!(RegistrationId::from_value(&imported), Ok(id));
    }
    #[test]
    fn a_registration_needs_both_arguments_known() {
        let planned = attributes::object([
            (ACCOUNT_ID, Value::from("222222222222")),
            (SERVICE_PRINCIPAL, Value::unknown()),
        ]);
        let err = RegistrationId::from_value(&planned).unwrap_err();
        assert_eq!(err.path(), AttributePath::root(SERVICE_PRINCIPAL));
    }
}
