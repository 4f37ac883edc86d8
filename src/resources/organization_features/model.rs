//! The typed model: what the configuration asks for ([`Plan`]) and what the state holds
//! ([`State`]), to and from values.

use std::collections::BTreeSet;

use super::{ENABLE_TRUSTED_ACCESS, ENABLED_FEATURES, ID, ORGANIZATION_ID};
use crate::aws::{Feature, OrganizationFeatures};
use crate::cty::Value;
use crate::framework::attributes::{self, AttributeError};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::values::string_set;

/// What the configuration asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    /// The features to have enabled, and no others.
    pub(super) wanted: BTreeSet<Feature>,
    /// Whether to turn on trusted access first.
    pub(super) enable_trusted_access: bool,
}

/// The features `enabled_features` names. Unknown names cannot get here (the validator rejects
/// them), so they are ignored rather than reported twice.
fn features(value: &Value) -> Result<BTreeSet<Feature>, AttributeError> {
    Ok(attributes::strings(value, ENABLED_FEATURES)?
        .iter()
        .filter_map(|name| Feature::parse(name))
        .collect())
}

/// `enable_trusted_access`, whose default is false.
fn enable_trusted_access(value: &Value) -> Result<bool, AttributeError> {
    Ok(attributes::optional_bool(value, ENABLE_TRUSTED_ACCESS)?.unwrap_or(false))
}

impl Plan {
    pub(super) fn from_value(planned: &Value) -> Result<Self, AttributeError> {
        Ok(Self {
            wanted: features(planned)?,
            enable_trusted_access: enable_trusted_access(planned)?,
        })
    }
}

/// The resource's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct State {
    /// `o-…`; only a state Terraform holds from elsewhere can lack it.
    pub(super) organization_id: Option<String>,
    /// The features enabled, as AWS last said.
    pub(super) enabled: BTreeSet<Feature>,
    /// The instruction the state was applied with.
    pub(super) enable_trusted_access: bool,
}

impl State {
    pub(super) fn from_value(state: &Value) -> Result<Self, AttributeError> {
        Ok(Self {
            organization_id: attributes::optional_string(state, ORGANIZATION_ID)?,
            enabled: features(state)?,
            enable_trusted_access: enable_trusted_access(state)?,
        })
    }

    /// What AWS reported, applied with the planned instruction.
    pub(super) fn reported(found: &OrganizationFeatures, plan: &Plan) -> Self {
        Self {
            organization_id: Some(found.organization_id.clone()),
            enabled: found.enabled.clone(),
            enable_trusted_access: plan.enable_trusted_access,
        }
    }

    pub(super) fn to_value(&self) -> Value {
        let organization = || {
            self.organization_id
                .as_deref()
                .map_or(Value::Null, Value::from)
        };
        attributes::object([
            (ID, organization()),
            (ORGANIZATION_ID, organization()),
            (
                ENABLED_FEATURES,
                string_set(self.enabled.iter().map(|f| f.as_str())),
            ),
            (
                ENABLE_TRUSTED_ACCESS,
                Value::Bool(self.enable_trusted_access),
            ),
        ])
    }
}

/// Reports a model that cannot be read: the engine checked the values against the schema, so
/// this is a bug rather than something to fix in the configuration.
pub(super) fn unreadable(diags: &mut Diagnostics, what: &str, err: &AttributeError) {
    diags.attribute_error(
        err.path(),
        format!("Unreadable {what}"),
        format!("{err}. This is a bug in the provider, please report it."),
    );
}

/// The state a read after an import returns for what AWS reported: `enable_trusted_access`
/// says whether trusted access for IAM is on, as import records it. Listings answer this.
pub(crate) fn imported_state(found: &OrganizationFeatures, trusted_access: bool) -> Value {
    State {
        organization_id: Some(found.organization_id.clone()),
        enabled: found.enabled.clone(),
        enable_trusted_access: trusted_access,
    }
    .to_value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::values::ValueExt;
    use crate::resources::organization_features::schema;
    use crate::resources::test_support::feature_set;
    use Feature::{RootCredentialsManagement as Rcm, RootSessions as Rs};

    #[test]
    fn state_values_round_trip_the_features() {
        let state = State {
            organization_id: Some("o-sandbox1234".into()),
            enabled: feature_set(&[Rs, Rcm]),
            enable_trusted_access: true,
        };
        let value = state.to_value();
        assert_eq!(value.attr(ID).as_str(), Some("o-sandbox1234"));
        assert_eq!(value.attr(ORGANIZATION_ID).as_str(), Some("o-sandbox1234"));
        assert_eq!(value.attr(ENABLE_TRUSTED_ACCESS).as_bool(), Some(true));
        assert!(value.is_wholly_known());
        assert_eq!(State::from_value(&value), Ok(state));
        let Value::Object(attrs) = &value else {
            panic!("not an object: {value:?}");
        };
        let Value::Object(empty) = schema().empty_value() else {
            panic!("schema value is not an object");
        };
        assert_eq!(
            attrs.keys().collect::<Vec<_>>(),
            empty.keys().collect::<Vec<_>>()
        );
        let none = State {
            organization_id: Some("o-sandbox1234".into()),
            enabled: feature_set(&[]),
            enable_trusted_access: false,
        }
        .to_value();
        assert_eq!(
            none.attr(ENABLED_FEATURES).elements().map(<[Value]>::len),
            Some(0)
        );
    }
    #[test]
    fn plans_read_the_wanted_features_and_the_default_instruction() {
        let planned = attributes::object([
            (ENABLED_FEATURES, string_set(["RootSessions"])),
            (ENABLE_TRUSTED_ACCESS, Value::Null),
            (ID, Value::unknown()),
            (ORGANIZATION_ID, Value::unknown()),
        ]);
        assert_eq!(
            Plan::from_value(&planned),
            Ok(Plan {
                wanted: feature_set(&[Rs]),
                enable_trusted_access: false,
            })
        );
        let unknown = attributes::object([(ENABLED_FEATURES, Value::unknown())]);
        assert_eq!(
            Plan::from_value(&unknown).unwrap_err().path(),
            crate::cty::AttributePath::root(ENABLED_FEATURES)
        );
    }
}
