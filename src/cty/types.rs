//! cty types and their JSON form.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::MAX_DEPTH as MAX_TYPE_DEPTH;

/// A cty type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `bool`
    Bool,
    /// `number`, arbitrary precision.
    Number,
    /// `string`
    String,
    /// `dynamic`: the concrete type travels with the value.
    Dynamic,
    /// `["list", T]`
    List(Box<Type>),
    /// `["set", T]`
    Set(Box<Type>),
    /// `["map", T]`
    Map(Box<Type>),
    /// `["tuple", [T...]]`
    Tuple(Vec<Type>),
    /// `["object", {name: T}]` or, with optional attributes, `["object", {...}, ["name"...]]`.
    Object {
        /// Attribute types by name.
        attributes: BTreeMap<String, Type>,
        /// Names of the attributes that are optional in a type constraint.
        optional: BTreeSet<String>,
    },
}

/// Type JSON that is not a valid cty type.
#[derive(Debug, thiserror::Error)]
pub enum TypeError {
    /// Not JSON at all.
    #[error("type description is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not a type description.
    #[error("invalid type description: {0}")]
    Invalid(String),
    /// Nested deeper than [`MAX_TYPE_DEPTH`].
    #[error("type description nested deeper than {MAX_TYPE_DEPTH} levels")]
    TooDeep,
}

impl Type {
    /// `["list", element]`
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    /// `["set", element]`
    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    /// `["map", element]`
    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    /// An object type without optional attributes.
    pub fn object<K: Into<String>>(attributes: impl IntoIterator<Item = (K, Type)>) -> Type {
        Type::Object {
            attributes: attributes.into_iter().map(|(k, t)| (k.into(), t)).collect(),
            optional: BTreeSet::new(),
        }
    }

    /// The type of attribute `name` of an object type.
    pub fn attribute_type(&self, name: &str) -> Option<&Type> {
        match self {
            Type::Object { attributes, .. } => attributes.get(name),
            _ => None,
        }
    }

    /// Whether this is a list, set or map type (the types length refinements apply to).
    pub fn is_collection(&self) -> bool {
        matches!(self, Type::List(_) | Type::Set(_) | Type::Map(_))
    }

    /// Parses cty type JSON (`"string"`, `["set","string"]`, `["object",{"a":"number"}]`).
    pub fn from_json(bytes: &[u8]) -> Result<Type, TypeError> {
        let json: serde_json::Value = serde_json::from_slice(bytes)?;
        Type::from_json_value(&json, 0)
    }

    pub(crate) fn from_json_value(
        json: &serde_json::Value,
        depth: usize,
    ) -> Result<Type, TypeError> {
        use serde_json::Value as J;
        if depth > MAX_TYPE_DEPTH {
            return Err(TypeError::TooDeep);
        }
        let items = match json {
            J::String(name) => {
                return match name.as_str() {
                    "bool" => Ok(Type::Bool),
                    "number" => Ok(Type::Number),
                    "string" => Ok(Type::String),
                    "dynamic" => Ok(Type::Dynamic),
                    other => Err(TypeError::Invalid(format!(
                        "unknown primitive type {other:?}"
                    ))),
                };
            }
            J::Array(items) => items,
            _ => {
                return Err(TypeError::Invalid(
                    "expected a type name or a [kind, ...] array".into(),
                ));
            }
        };
        let Some(J::String(kind)) = items.first() else {
            return Err(TypeError::Invalid(
                "complex type kind must be a string".into(),
            ));
        };
        let arity_error = || TypeError::Invalid(format!("wrong number of elements for {kind:?}"));
        let element = |depth| match items.as_slice() {
            [_, e] => Type::from_json_value(e, depth + 1),
            _ => Err(arity_error()),
        };
        match kind.as_str() {
            "list" => Ok(Type::list(element(depth)?)),
            "set" => Ok(Type::set(element(depth)?)),
            "map" => Ok(Type::map(element(depth)?)),
            "tuple" => match items.as_slice() {
                [_, J::Array(elements)] => elements
                    .iter()
                    .map(|e| Type::from_json_value(e, depth + 1))
                    .collect::<Result<_, _>>()
                    .map(Type::Tuple),
                [_, _] => Err(TypeError::Invalid("tuple elements must be an array".into())),
                _ => Err(arity_error()),
            },
            "object" => {
                let (attrs, optional) = match items.as_slice() {
                    [_, attrs] => (attrs, None),
                    [_, attrs, optional] => (attrs, Some(optional)),
                    _ => return Err(arity_error()),
                };
                let J::Object(attrs) = attrs else {
                    return Err(TypeError::Invalid(
                        "object attributes must be an object".into(),
                    ));
                };
                let attributes = attrs
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), Type::from_json_value(v, depth + 1)?)))
                    .collect::<Result<BTreeMap<_, _>, TypeError>>()?;
                let optional = match optional {
                    None => BTreeSet::new(),
                    Some(J::Array(names)) => names
                        .iter()
                        .map(|n| match n {
                            J::String(n) if attributes.contains_key(n) => Ok(n.clone()),
                            J::String(n) => Err(TypeError::Invalid(format!(
                                "optional attribute {n:?} is not an attribute"
                            ))),
                            _ => Err(TypeError::Invalid(
                                "optional attribute names must be strings".into(),
                            )),
                        })
                        .collect::<Result<_, _>>()?,
                    Some(_) => {
                        return Err(TypeError::Invalid(
                            "optional attributes must be an array".into(),
                        ));
                    }
                };
                Ok(Type::Object {
                    attributes,
                    optional,
                })
            }
            other => Err(TypeError::Invalid(format!("unknown type kind {other:?}"))),
        }
    }

    /// The cty type JSON, compact, attributes sorted by name (what go-cty writes).
    pub fn to_json(&self) -> Vec<u8> {
        let mut out = String::new();
        self.write_json(&mut out);
        out.into_bytes()
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Type::Bool => out.push_str("\"bool\""),
            Type::Number => out.push_str("\"number\""),
            Type::String => out.push_str("\"string\""),
            Type::Dynamic => out.push_str("\"dynamic\""),
            Type::List(e) | Type::Set(e) | Type::Map(e) => {
                let kind = match self {
                    Type::List(_) => "[\"list\",",
                    Type::Set(_) => "[\"set\",",
                    _ => "[\"map\",",
                };
                out.push_str(kind);
                e.write_json(out);
                out.push(']');
            }
            Type::Tuple(elements) => {
                out.push_str("[\"tuple\",[");
                for (i, e) in elements.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    e.write_json(out);
                }
                out.push_str("]]");
            }
            Type::Object {
                attributes,
                optional,
            } => {
                out.push_str("[\"object\",{");
                for (i, (name, t)) in attributes.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_json_string(out, name);
                    out.push(':');
                    t.write_json(out);
                }
                out.push('}');
                if !optional.is_empty() {
                    out.push_str(",[");
                    for (i, name) in optional.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        push_json_string(out, name);
                    }
                    out.push(']');
                }
                out.push(']');
            }
        }
    }
}

/// Appends `s` as a JSON string literal.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    // Serializing a str cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

impl fmt::Display for Type {
    /// The type JSON, which is also how Terraform names types in its own protocol logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_json(&mut out);
        f.write_str(&out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(json: &str) -> Type {
        let t = Type::from_json(json.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(t.to_json()).unwrap(), json);
        t
    }

    #[test]
    fn primitives_and_collections() {
        assert_eq!(round_trip("\"string\""), Type::String);
        assert_eq!(round_trip("\"number\""), Type::Number);
        assert_eq!(round_trip("\"bool\""), Type::Bool);
        assert_eq!(round_trip("\"dynamic\""), Type::Dynamic);
        assert_eq!(
            round_trip("[\"list\",\"string\"]"),
            Type::list(Type::String)
        );
        assert_eq!(round_trip("[\"set\",\"number\"]"), Type::set(Type::Number));
        assert_eq!(round_trip("[\"map\",\"bool\"]"), Type::map(Type::Bool));
        assert_eq!(
            round_trip("[\"tuple\",[\"string\",\"number\"]]"),
            Type::Tuple(vec![Type::String, Type::Number])
        );
        assert_eq!(round_trip("[\"tuple\",[]]"), Type::Tuple(vec![]));
    }

    #[test]
    fn objects_sorted_with_optional_attributes() {
        let t = round_trip("[\"object\",{\"a\":\"string\",\"b\":[\"set\",\"string\"]}]");
        assert_eq!(t.attribute_type("a"), Some(&Type::String));
        assert_eq!(t.attribute_type("c"), None);
        let t = Type::from_json(br#"["object",{"z":"number","a":"string"},["z"]]"#).unwrap();
        assert_eq!(
            String::from_utf8(t.to_json()).unwrap(),
            r#"["object",{"a":"string","z":"number"},["z"]]"#
        );
        let Type::Object { optional, .. } = &t else {
            panic!("not an object")
        };
        assert!(optional.contains("z"));
        assert_eq!(
            Type::object([("b", Type::Bool), ("a", Type::Number)]).to_string(),
            r#"["object",{"a":"number","b":"bool"}]"#
        );
        round_trip("[\"object\",{}]");
    }

    #[test]
    fn rejects_invalid_descriptions() {
        for bad in [
            "",
            "\"str\"",
            "42",
            "[]",
            "[\"list\"]",
            "[\"list\",\"string\",\"string\"]",
            "[\"tuple\",\"string\"]",
            "[\"object\",[]]",
            "[\"object\",{\"a\":\"string\"},[\"b\"]]",
            "[\"object\",{\"a\":\"string\"},\"a\"]",
            "[\"capsule\",\"string\"]",
            "\"string\" x",
        ] {
            assert!(
                Type::from_json(bad.as_bytes()).is_err(),
                "{bad:?} should fail"
            );
        }
    }

    #[test]
    fn rejects_deep_nesting() {
        let mut json = String::from("\"string\"");
        for _ in 0..=MAX_TYPE_DEPTH {
            json = format!("[\"list\",{json}]");
        }
        assert!(matches!(
            Type::from_json(json.as_bytes()),
            Err(TypeError::TooDeep)
        ));
        let hostile = "[".repeat(100_000);
        assert!(Type::from_json(hostile.as_bytes()).is_err());
    }
}
