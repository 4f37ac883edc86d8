//! Small helpers over [`Value`] used by the engine and by resource authors.

use std::collections::BTreeMap;

use bigdecimal::ToPrimitive;

use crate::cty::{AttributePath, Number, Value};
use crate::framework::path::AttributePathExt;

static NULL: Value = Value::Null;

/// Convenience accessors on [`Value`].
pub trait ValueExt {
    /// Attribute `name` of a known object; null for anything else.
    fn attr(&self, name: &str) -> &Value;
    /// Sets attribute `name` of a known object; does nothing on other values.
    fn set_attr(&mut self, name: &str, value: Value);
    /// The string, if this is a known string.
    fn as_str(&self) -> Option<&str>;
    /// The bool, if this is a known bool.
    fn as_bool(&self) -> Option<bool>;
    /// The number as `i64`, if this is a known whole number that fits.
    fn as_i64(&self) -> Option<i64>;
    /// The elements of a known list, set or tuple.
    fn elements(&self) -> Option<&[Value]>;
    /// Whether this is null.
    fn is_null_value(&self) -> bool;
    /// Whether this is unknown (refined or not).
    fn is_unknown_value(&self) -> bool;
    /// Whether neither this nor anything inside it is unknown.
    fn is_wholly_known(&self) -> bool;
}

impl ValueExt for Value {
    fn attr(&self, name: &str) -> &Value {
        match self {
            Value::Object(attrs) => attrs.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    fn set_attr(&mut self, name: &str, value: Value) {
        if let Value::Object(attrs) = self {
            attrs.insert(name.to_owned(), value);
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(Number(n)) if n.is_integer() => n.to_i64(),
            _ => None,
        }
    }

    fn elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    fn is_null_value(&self) -> bool {
        matches!(self, Value::Null)
    }

    fn is_unknown_value(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown(_) => false,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(ValueExt::is_wholly_known)
            }
            Value::Map(items) | Value::Object(items) => {
                items.values().all(ValueExt::is_wholly_known)
            }
            Value::Dynamic(_, inner) => inner.is_wholly_known(),
            _ => true,
        }
    }
}

/// A known string value.
pub fn string(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

/// A known whole number.
pub fn int(n: i64) -> Value {
    Value::Number(Number(n.into()))
}

/// A known set of strings.
pub fn string_set<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Value::Set(items.into_iter().map(string).collect())
}

/// A plain unknown value, without refinements.
pub fn unknown() -> Value {
    Value::Unknown(Default::default())
}

/// Semantic equality: like `==`, but sets compare without regard to order.
pub fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Set(xs), Value::Set(ys)) => {
            xs.len() == ys.len()
                && xs.iter().all(|x| ys.iter().any(|y| equal(x, y)))
                && ys.iter().all(|y| xs.iter().any(|x| equal(x, y)))
        }
        (Value::List(xs), Value::List(ys)) | (Value::Tuple(xs), Value::Tuple(ys)) => {
            xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| equal(x, y))
        }
        (Value::Map(xs), Value::Map(ys)) | (Value::Object(xs), Value::Object(ys)) => {
            maps_equal(xs, ys)
        }
        (Value::Dynamic(tx, x), Value::Dynamic(ty, y)) => tx == ty && equal(x, y),
        (Value::Number(x), Value::Number(y)) => x.0 == y.0,
        _ => a == b,
    }
}

fn maps_equal(xs: &BTreeMap<String, Value>, ys: &BTreeMap<String, Value>) -> bool {
    xs.len() == ys.len()
        && xs
            .iter()
            .all(|(k, x)| ys.get(k).is_some_and(|y| equal(x, y)))
}

/// Paths of every unknown value inside `value`. Set elements are reported at the set itself,
/// because the protocol cannot address them.
pub fn unknown_paths(value: &Value, at: &AttributePath) -> Vec<AttributePath> {
    let mut out = Vec::new();
    collect_unknown(value, at, &mut out);
    out
}

fn collect_unknown(value: &Value, at: &AttributePath, out: &mut Vec<AttributePath>) {
    match value {
        Value::Unknown(_) => out.push(at.clone()),
        Value::List(items) | Value::Tuple(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_unknown(item, &at.index(i), out);
            }
        }
        Value::Set(items) => {
            if !items.iter().all(ValueExt::is_wholly_known) {
                out.push(at.clone());
            }
        }
        Value::Map(items) => {
            for (k, item) in items {
                collect_unknown(item, &at.key(k), out);
            }
        }
        Value::Object(items) => {
            for (k, item) in items {
                collect_unknown(item, &at.attr(k), out);
            }
        }
        Value::Dynamic(_, inner) => collect_unknown(inner, at, out),
        _ => {}
    }
}

/// `value` with every unknown replaced by null.
pub fn unknown_as_null(value: Value) -> Value {
    match value {
        Value::Unknown(_) => Value::Null,
        Value::List(items) => Value::List(items.into_iter().map(unknown_as_null).collect()),
        Value::Set(items) => Value::Set(items.into_iter().map(unknown_as_null).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(unknown_as_null).collect()),
        Value::Map(items) => Value::Map(
            items
                .into_iter()
                .map(|(k, v)| (k, unknown_as_null(v)))
                .collect(),
        ),
        Value::Object(items) => Value::Object(
            items
                .into_iter()
                .map(|(k, v)| (k, unknown_as_null(v)))
                .collect(),
        ),
        Value::Dynamic(ty, inner) => Value::Dynamic(ty, Box::new(unknown_as_null(*inner))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::path::root;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn sets_compare_without_order() {
        let a = string_set(["RootSessions", "RootCredentialsManagement"]);
        let b = string_set(["RootCredentialsManagement", "RootSessions"]);
        let c = string_set(["RootSessions"]);
        assert!(equal(&a, &b));
        assert!(!equal(&a, &c));
        assert!(!equal(&Value::List(vec![string("a"), string("b")]), &Value::List(vec![string("b"), string("a")])));
    }

    #[test]
    fn finds_unknown_paths() {
        let v = obj(&[
            ("id", unknown()),
            ("name", string("x")),
            ("tags", Value::Set(vec![unknown()])),
            ("blocks", Value::List(vec![obj(&[("arn", unknown())])])),
        ]);
        let paths = unknown_paths(&v, &AttributePath::default());
        assert_eq!(
            paths,
            vec![
                root("blocks").index(0).attr("arn"),
                root("id"),
                root("tags"),
            ]
        );
        assert!(!v.is_wholly_known());
        assert!(unknown_as_null(v).is_wholly_known());
    }

    #[test]
    fn accessors() {
        let v = obj(&[("n", int(25)), ("s", string("a")), ("b", Value::Bool(true))]);
        assert_eq!(v.attr("n").as_i64(), Some(25));
        assert_eq!(v.attr("s").as_str(), Some("a"));
        assert_eq!(v.attr("b").as_bool(), Some(true));
        assert!(v.attr("missing").is_null_value());
        assert_eq!(Value::Number(Number("1.5".parse().unwrap())).as_i64(), None);
    }
}
