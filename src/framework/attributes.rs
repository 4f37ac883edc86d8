//! Reading a type's attributes into Rust values, and building its state object from them, for
//! the typed models of resources and data sources. A read fails with an [`AttributeError`] that
//! names the attribute, rather than yielding a default that hides a missing value.

use std::collections::BTreeMap;

use crate::cty::{AttributePath, Value};

/// Why an attribute could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttributeError {
    /// The attribute is null or not yet known where a known value is needed.
    #[error("{name} is not known")]
    NotKnown {
        /// The attribute.
        name: &'static str,
    },
    /// The attribute holds a value of another type than the schema's.
    #[error("{name} is not a {expected}")]
    WrongType {
        /// The attribute.
        name: &'static str,
        /// What the schema says it is.
        expected: &'static str,
    },
}

impl AttributeError {
    /// The path of the attribute, for a diagnostic.
    pub fn path(&self) -> AttributePath {
        match self {
            Self::NotKnown { name } | Self::WrongType { name, .. } => AttributePath::root(*name),
        }
    }
}

fn attribute<'a>(object: &'a Value, name: &str) -> &'a Value {
    object.get_attr(name).unwrap_or(&Value::Null)
}

/// Attribute `name` of `object` as a string: `None` when null or unknown.
pub fn optional_string(
    object: &Value,
    name: &'static str,
) -> Result<Option<String>, AttributeError> {
    match attribute(object, name) {
        Value::Null | Value::Unknown(_) => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(AttributeError::WrongType {
            name,
            expected: "string",
        }),
    }
}

/// Attribute `name` of `object` as a string that must be known.
pub fn string(object: &Value, name: &'static str) -> Result<String, AttributeError> {
    optional_string(object, name)?.ok_or(AttributeError::NotKnown { name })
}

/// Attribute `name` of `object` as a bool: `None` when null or unknown.
pub fn optional_bool(object: &Value, name: &'static str) -> Result<Option<bool>, AttributeError> {
    match attribute(object, name) {
        Value::Null | Value::Unknown(_) => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        _ => Err(AttributeError::WrongType {
            name,
            expected: "bool",
        }),
    }
}

/// Attribute `name` of `object` as the strings of a set or list; a null collection is empty.
pub fn strings(object: &Value, name: &'static str) -> Result<Vec<String>, AttributeError> {
    let wrong = AttributeError::WrongType {
        name,
        expected: "collection of strings",
    };
    match attribute(object, name) {
        Value::Null => Ok(Vec::new()),
        Value::Unknown(_) => Err(AttributeError::NotKnown { name }),
        Value::Set(items) | Value::List(items) => items
            .iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.clone()),
                Value::Unknown(_) => Err(AttributeError::NotKnown { name }),
                _ => Err(wrong.clone()),
            })
            .collect(),
        _ => Err(wrong),
    }
}

/// An object value from its attributes.
pub fn object<I>(attributes: I) -> Value
where
    I: IntoIterator<Item = (&'static str, Value)>,
{
    Value::Object(
        attributes
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect::<BTreeMap<_, _>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        object([
            ("name", Value::from("x")),
            ("flag", Value::Bool(true)),
            ("later", Value::unknown()),
            ("none", Value::Null),
            ("tags", Value::Set(vec![Value::from("a"), Value::from("b")])),
            (
                "mixed",
                Value::List(vec![Value::from("a"), Value::Bool(false)]),
            ),
        ])
    }

    #[test]
    fn known_values_read_and_missing_ones_name_the_attribute() {
        let v = sample();
        assert_eq!(string(&v, "name"), Ok("x".to_owned()));
        assert_eq!(optional_string(&v, "none"), Ok(None));
        assert_eq!(optional_string(&v, "later"), Ok(None));
        let err = string(&v, "later").unwrap_err();
        assert_eq!(err, AttributeError::NotKnown { name: "later" });
        assert_eq!(err.path(), AttributePath::root("later"));
        assert_eq!(optional_bool(&v, "flag"), Ok(Some(true)));
        assert_eq!(optional_bool(&v, "absent"), Ok(None));
        assert_eq!(
            strings(&v, "tags"),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(strings(&v, "none"), Ok(Vec::new()));
        assert_eq!(
            strings(&v, "later"),
            Err(AttributeError::NotKnown { name: "later" })
        );
    }

    #[test]
    fn values_of_another_type_are_errors() {
        let v = sample();
        assert!(matches!(
            string(&v, "flag"),
            Err(AttributeError::WrongType { name: "flag", .. })
        ));
        assert!(matches!(
            optional_bool(&v, "name"),
            Err(AttributeError::WrongType { name: "name", .. })
        ));
        assert!(matches!(
            strings(&v, "mixed"),
            Err(AttributeError::WrongType { name: "mixed", .. })
        ));
        assert!(matches!(
            string(&Value::Null, "name"),
            Err(AttributeError::NotKnown { name: "name" })
        ));
    }
}
