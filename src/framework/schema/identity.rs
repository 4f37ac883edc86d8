//! Resource identity schemas (Terraform ≥ 1.12): the few attributes that name one remote
//! object for good, stored by Terraform beside the state and accepted by `import` blocks.

use std::collections::{BTreeMap, BTreeSet};

use crate::cty::{Type, Value};
use crate::framework::values::ValueExt;

/// One attribute of an [`IdentitySchema`].
#[derive(Debug, Clone)]
pub struct IdentityAttribute {
    ty: Type,
    required_for_import: bool,
    description: String,
    state_attribute: Option<String>,
}

impl IdentityAttribute {
    /// An attribute an `import` block's `identity` must set.
    pub fn required_for_import(ty: Type) -> Self {
        Self {
            ty,
            required_for_import: true,
            description: String::new(),
            state_attribute: None,
        }
    }

    /// An attribute an `import` block's `identity` may leave out: the resource supplies it
    /// (a default, or the caller's own account).
    pub fn optional_for_import(ty: Type) -> Self {
        Self {
            required_for_import: false,
            ..Self::required_for_import(ty)
        }
    }

    /// Markdown description, shown by `terraform providers schema -json` and the docs.
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    /// The top-level state attribute holding the same value, when its name differs from the
    /// identity attribute's (by default they share the name).
    pub fn state_attribute(mut self, name: impl Into<String>) -> Self {
        self.state_attribute = Some(name.into());
        self
    }

    /// The value type.
    pub fn ty(&self) -> &Type {
        &self.ty
    }

    /// Whether import by identity must set it.
    pub fn is_required_for_import(&self) -> bool {
        self.required_for_import
    }

    /// The description.
    pub fn get_description(&self) -> &str {
        &self.description
    }
}

/// The identity schema of a managed resource type.
///
/// By default the engine derives the identity from the state: each identity attribute takes
/// the value of the top-level state attribute of the same name (or the one named with
/// [`IdentityAttribute::state_attribute`]), and the import state starts from the identity the
/// same way. A resource whose identity is not in its state sets it itself (see
/// [`Resource::identity_from_state`](crate::framework::resource::Resource::identity_from_state)).
#[derive(Debug, Clone)]
pub struct IdentitySchema {
    /// The identity version, separate from the schema version. Start at 0 and increment only
    /// when the shape changes.
    pub version: i64,
    attributes: BTreeMap<String, IdentityAttribute>,
}

impl IdentitySchema {
    /// An identity schema of `version` with no attributes yet.
    pub fn new(version: i64) -> Self {
        Self {
            version,
            attributes: BTreeMap::new(),
        }
    }

    /// Adds attribute `name`.
    pub fn attribute(mut self, name: impl Into<String>, attribute: IdentityAttribute) -> Self {
        self.attributes.insert(name.into(), attribute);
        self
    }

    /// The attributes by name.
    pub fn attributes(&self) -> &BTreeMap<String, IdentityAttribute> {
        &self.attributes
    }

    /// The object type of identity values.
    pub fn value_type(&self) -> Type {
        Type::Object {
            attributes: self
                .attributes
                .iter()
                .map(|(name, attr)| (name.clone(), attr.ty.clone()))
                .collect(),
            optional: BTreeSet::new(),
        }
    }

    /// Whether `identity` is null or an object whose attributes are all null: what Terraform
    /// must never store.
    pub fn is_all_null(&self, identity: &Value) -> bool {
        identity.is_null()
            || self
                .attributes
                .keys()
                .all(|name| identity.attr(name).is_null())
    }

    /// The identity read from `state`'s top-level attributes (unknown where the state is
    /// unknown, as in a create plan); null when `state` is null.
    pub fn from_state(&self, state: &Value) -> Value {
        if state.is_null() {
            return Value::Null;
        }
        Value::Object(
            self.attributes
                .iter()
                .map(|(name, attr)| {
                    let source = attr.state_attribute.as_deref().unwrap_or(name);
                    let value = if state.is_unknown() {
                        Value::unknown()
                    } else {
                        state.attr(source).clone()
                    };
                    (name.clone(), value)
                })
                .collect(),
        )
    }

    /// Writes `identity`'s non-null attributes into `state` (an object of the resource's
    /// schema), each into the state attribute it is read from: the import state when
    /// importing by identity.
    pub fn write_into_state(&self, identity: &Value, state: &mut Value) {
        for (name, attr) in &self.attributes {
            let value = identity.attr(name);
            if value.is_null() {
                continue;
            }
            let target = attr.state_attribute.as_deref().unwrap_or(name);
            if let Value::Object(attrs) = state
                && let Some(slot) = attrs.get_mut(target)
            {
                *slot = value.clone();
            }
        }
    }

    /// Names of the attributes import by identity must set but `identity` leaves null.
    pub fn missing_for_import(&self, identity: &Value) -> Vec<&str> {
        self.attributes
            .iter()
            .filter(|(name, attr)| attr.required_for_import && identity.attr(name).is_null())
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::values::test_values::obj;

    fn schema() -> IdentitySchema {
        IdentitySchema::new(0)
            .attribute(
                "account_id",
                IdentityAttribute::required_for_import(Type::String),
            )
            .attribute(
                "organization_id",
                IdentityAttribute::optional_for_import(Type::String).state_attribute("id"),
            )
    }

    #[test]
    fn derived_from_state_by_name_or_mapping() {
        let state = obj(&[
            ("id", Value::from("o-1")),
            ("account_id", Value::from("111111111111")),
            ("note", Value::from("n")),
        ]);
        let identity = schema().from_state(&state);
        assert_eq!(
            identity,
            obj(&[
                ("account_id", Value::from("111111111111")),
                ("organization_id", Value::from("o-1")),
            ])
        );
        assert!(!schema().is_all_null(&identity));
        assert_eq!(schema().from_state(&Value::Null), Value::Null);
        let empty = schema().from_state(&obj(&[("note", Value::from("n"))]));
        assert!(schema().is_all_null(&empty));
        assert!(schema().is_all_null(&Value::Null));
    }

    #[test]
    fn written_into_state_and_checked_for_import() {
        let mut state = obj(&[
            ("id", Value::Null),
            ("account_id", Value::Null),
            ("note", Value::Null),
        ]);
        let identity = obj(&[
            ("account_id", Value::from("111111111111")),
            ("organization_id", Value::Null),
        ]);
        schema().write_into_state(&identity, &mut state);
        assert_eq!(state.attr("account_id"), &Value::from("111111111111"));
        assert!(state.attr("id").is_null());
        assert!(schema().missing_for_import(&identity).is_empty());
        let partial = obj(&[
            ("account_id", Value::Null),
            ("organization_id", Value::from("o-1")),
        ]);
        assert_eq!(schema().missing_for_import(&partial), ["account_id"]);
    }
}
