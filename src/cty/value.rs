//! cty values.

use std::collections::BTreeMap;

use super::{Number, Type};

/// What is known about an unknown value (cty refinements, msgpack extension 12).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Refinements {
    /// `Some(false)`: the value will not be null. `Some(true)` is never sent by Terraform.
    pub nullness: Option<bool>,
    /// A prefix the final string will start with.
    pub string_prefix: Option<String>,
    /// Lower bound of a number: (bound, inclusive).
    pub number_lower: Option<(Number, bool)>,
    /// Upper bound of a number: (bound, inclusive).
    pub number_upper: Option<(Number, bool)>,
    /// Minimum length of a collection.
    pub length_lower: Option<u64>,
    /// Maximum length of a collection.
    pub length_upper: Option<u64>,
}

impl Refinements {
    /// Whether nothing at all is known (a plain unknown).
    pub fn is_empty(&self) -> bool {
        *self == Refinements::default()
    }

    /// Refinements saying only "will not be null".
    pub fn not_null() -> Self {
        Refinements {
            nullness: Some(false),
            ..Refinements::default()
        }
    }
}

/// A cty value, interpreted against a [`Type`] held elsewhere (see the module docs). The
/// default is null, the value of whatever is not set.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// null of whatever type the schema says.
    #[default]
    Null,
    /// Not known until apply; the refinements say what is known already.
    Unknown(Refinements),
    /// A known bool.
    Bool(bool),
    /// A known number.
    Number(Number),
    /// A known string.
    String(String),
    /// A known list.
    List(Vec<Value>),
    /// A known set. Order is not significant; codecs keep the order they see.
    Set(Vec<Value>),
    /// A known map.
    Map(BTreeMap<String, Value>),
    /// A known tuple.
    Tuple(Vec<Value>),
    /// A known object: every attribute of its type is present (null where unset).
    Object(BTreeMap<String, Value>),
    /// A value of a `dynamic`-typed place together with its concrete type. The inner value
    /// may itself be null or unknown of that concrete type (go-cty sends `[type, nil]` then);
    /// a null or unknown without any type is plain [`Value::Null`] / [`Value::Unknown`].
    Dynamic(Box<Type>, Box<Value>),
}

impl Value {
    /// A plain unknown, without refinements.
    pub fn unknown() -> Value {
        Value::Unknown(Refinements::default())
    }

    /// Whether the value is null (looking through a dynamic wrapper).
    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Dynamic(_, v) => v.is_null(),
            _ => false,
        }
    }

    /// Whether the value itself is unknown (looking through a dynamic wrapper). A known
    /// collection holding unknowns is not unknown; see [`Value::is_wholly_known`].
    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::Dynamic(_, v) => v.is_unknown(),
            _ => false,
        }
    }

    /// Whether no unknown appears anywhere in the value.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => true,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(entries) | Value::Object(entries) => {
                entries.values().all(Value::is_wholly_known)
            }
            Value::Dynamic(_, v) => v.is_wholly_known(),
        }
    }

    /// Attribute `name` of a known object (looking through a dynamic wrapper).
    pub fn get_attr(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(attrs) => attrs.get(name),
            Value::Dynamic(_, v) => v.get_attr(name),
            _ => None,
        }
    }

    /// The string, when this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Dynamic(_, v) => v.as_str(),
            _ => None,
        }
    }

    /// The bool, when this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::Dynamic(_, v) => v.as_bool(),
            _ => None,
        }
    }

    /// The number, when this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            Value::Dynamic(_, v) => v.as_number(),
            _ => None,
        }
    }

    /// Equality as cty means it: set elements in any order, numbers by value.
    /// Refinements of unknowns must match exactly.
    pub fn semantically_equal(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Set(a), Value::Set(b)) => same_multiset(a, b),
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.semantically_equal(y))
            }
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.semantically_equal(vb))
            }
            (Value::Dynamic(ta, a), Value::Dynamic(tb, b)) => ta == tb && a.semantically_equal(b),
            _ => self == other,
        }
    }
}

/// Whether `a` and `b` hold the same elements with the same multiplicities, in any order.
/// Quadratic, which is fine for the set sizes Terraform configurations have.
fn same_multiset(a: &[Value], b: &[Value]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(|x| {
        let found = b
            .iter()
            .enumerate()
            .find(|(i, y)| !used[*i] && x.semantically_equal(y));
        match found {
            Some((i, _)) => {
                used[i] = true;
                true
            }
            None => false,
        }
    })
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<Number> for Value {
    fn from(n: Number) -> Self {
        Value::Number(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(entries: &[(&str, Value)]) -> Value {
        Value::Object(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn null_and_unknown_look_through_dynamic() {
        assert!(Value::Null.is_null());
        assert!(!Value::unknown().is_null());
        assert!(Value::unknown().is_unknown());
        let dyn_null = Value::Dynamic(Box::new(Type::String), Box::new(Value::Null));
        assert!(dyn_null.is_null());
        let dyn_unknown = Value::Dynamic(Box::new(Type::String), Box::new(Value::unknown()));
        assert!(dyn_unknown.is_unknown());
        assert!(!dyn_unknown.is_wholly_known());
    }

    #[test]
    fn wholly_known_searches_everywhere() {
        let v = obj(&[("a", Value::List(vec![Value::from(1), Value::unknown()]))]);
        assert!(!v.is_unknown());
        assert!(!v.is_wholly_known());
        let v = obj(&[("a", Value::Map(BTreeMap::new())), ("b", Value::Null)]);
        assert!(v.is_wholly_known());
        assert_eq!(v.get_attr("b"), Some(&Value::Null));
        assert_eq!(v.get_attr("c"), None);
        assert_eq!(Value::from("x").get_attr("a"), None);
    }

    #[test]
    fn sets_compare_unordered_with_multiplicity() {
        let a = Value::Set(vec![Value::from("x"), Value::from("y"), Value::from("x")]);
        let b = Value::Set(vec![Value::from("x"), Value::from("x"), Value::from("y")]);
        let c = Value::Set(vec![Value::from("x"), Value::from("y"), Value::from("y")]);
        assert!(a.semantically_equal(&b));
        assert!(!a.semantically_equal(&c));
        assert_ne!(a, b);
        let l1 = Value::List(vec![Value::from("x"), Value::from("y")]);
        let l2 = Value::List(vec![Value::from("y"), Value::from("x")]);
        assert!(!l1.semantically_equal(&l2));
        let n1 = Value::Number("1.0".parse().unwrap());
        assert!(n1.semantically_equal(&Value::from(1)));
        let nested_a = obj(&[("s", a.clone())]);
        let nested_b = obj(&[("s", b.clone())]);
        assert!(nested_a.semantically_equal(&nested_b));
        assert!(!nested_a.semantically_equal(&obj(&[("t", b)])));
    }

    #[test]
    fn refinements_helpers() {
        assert!(Refinements::default().is_empty());
        assert!(!Refinements::not_null().is_empty());
        assert_eq!(Refinements::not_null().nullness, Some(false));
    }
}
