//! Small helpers over [`Value`] used by the engine and by resource authors, beside the
//! inherent ones in [`crate::cty::value`] (`is_null`, `as_str`, `semantically_equal`...).

use crate::cty::{AttributePath, Value};

static NULL: Value = Value::Null;

/// [`ValueExt::set_attr`] on a value that is not a known object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot set attribute {name:?} on a value that is not a known object")]
pub struct NotAnObject {
    /// The attribute that could not be set.
    pub name: String,
}

/// Convenience accessors on [`Value`].
pub trait ValueExt {
    /// Attribute `name` of a known object; null for anything else.
    fn attr(&self, name: &str) -> &Value;
    /// Sets attribute `name` of a known object; any other value is left as it is, and an error.
    fn set_attr(&mut self, name: &str, value: Value) -> Result<(), NotAnObject>;
    /// The number as `i64`, if this is a known whole number that fits.
    fn as_i64(&self) -> Option<i64>;
    /// The elements of a known list, set or tuple.
    fn elements(&self) -> Option<&[Value]>;
}

impl ValueExt for Value {
    fn attr(&self, name: &str) -> &Value {
        self.get_attr(name).unwrap_or(&NULL)
    }

    fn set_attr(&mut self, name: &str, value: Value) -> Result<(), NotAnObject> {
        match self {
            Value::Object(attrs) => {
                attrs.insert(name.to_owned(), value);
                Ok(())
            }
            _ => Err(NotAnObject {
                name: name.to_owned(),
            }),
        }
    }

    fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(|n| n.to_i64())
    }

    fn elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }
}

/// A known set of strings.
pub fn string_set<I, S>(items: I) -> Value
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    Value::Set(items.into_iter().map(|s| Value::String(s.into())).collect())
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
                collect_unknown(item, &at.clone().index(i as i64), out);
            }
        }
        Value::Set(items) if !items.iter().all(Value::is_wholly_known) => out.push(at.clone()),
        Value::Map(items) => {
            for (k, item) in items {
                collect_unknown(item, &at.clone().key(k.as_str()), out);
            }
        }
        Value::Object(items) => {
            for (k, item) in items {
                collect_unknown(item, &at.clone().attr(k.as_str()), out);
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
    use crate::cty::Number;
    use crate::framework::values::test_values::obj;

    #[test]
    fn finds_unknown_paths() {
        let v = obj(&[
            ("id", Value::unknown()),
            ("name", Value::from("x")),
            ("tags", Value::Set(vec![Value::unknown()])),
            (
                "blocks",
                Value::List(vec![obj(&[("arn", Value::unknown())])]),
            ),
        ]);
        let paths = unknown_paths(&v, &AttributePath::default());
        assert_eq!(
            paths,
            vec![
                AttributePath::root("blocks").index(0).attr("arn"),
                AttributePath::root("id"),
                AttributePath::root("tags"),
            ]
        );
        assert!(!v.is_wholly_known());
        assert!(unknown_as_null(v).is_wholly_known());
    }

    #[test]
    fn accessors() {
        let mut v = obj(&[("n", Value::from(25)), ("s", Value::from("a"))]);
        assert_eq!(v.attr("n").as_i64(), Some(25));
        assert_eq!(v.attr("s").as_str(), Some("a"));
        assert!(v.attr("missing").is_null());
        assert_eq!(v.set_attr("s", Value::from("b")), Ok(()));
        assert_eq!(v.attr("s").as_str(), Some("b"));
        let mut null = Value::Null;
        assert_eq!(
            null.set_attr("s", Value::from("b")),
            Err(NotAnObject { name: "s".into() })
        );
        assert!(null.is_null());
        assert_eq!(Value::Number(Number("1.5".parse().unwrap())).as_i64(), None);
        assert_eq!(string_set(["a"]).elements().map(<[Value]>::len), Some(1));
    }
}

/// Short constructors for tables in tests.
#[cfg(test)]
pub(crate) mod test_values {
    use crate::cty::Value;

    pub fn string(s: &str) -> Value {
        Value::from(s)
    }

    pub fn unknown() -> Value {
        Value::unknown()
    }

    /// `base` with the given attributes replaced; `base` must be an object.
    pub fn with_attrs(base: &Value, pairs: &[(&str, Value)]) -> Value {
        use crate::framework::values::ValueExt;
        let mut v = base.clone();
        for (k, val) in pairs {
            v.set_attr(k, val.clone()).expect("an object");
        }
        v
    }

    /// An object from literal attribute names, for building expected values.
    pub fn obj(pairs: &[(&'static str, Value)]) -> Value {
        crate::framework::attributes::object(pairs.iter().cloned())
    }

    /// The attributes of an ordinary resource: `id` computed and kept by `UseStateForUnknown`,
    /// `arn` computed (a new one on every change), `name` required and forcing replacement,
    /// `note` optional.
    pub fn ordinary_resource() -> crate::framework::schema::Block {
        use crate::cty::Type;
        use crate::framework::plan_modifiers::{RequiresReplace, UseStateForUnknown};
        use crate::framework::schema::{Attribute, Block};
        Block::new()
            .attribute(
                "id",
                Attribute::computed(Type::String).plan_modifier(UseStateForUnknown),
            )
            .attribute("arn", Attribute::computed(Type::String))
            .attribute(
                "name",
                Attribute::required(Type::String).plan_modifier(RequiresReplace),
            )
            .attribute("note", Attribute::optional(Type::String))
    }

    /// A block with one attribute of each kind the engine treats apart: `id` computed, `name`
    /// required, `label` optional and computed.
    pub fn id_name_label() -> crate::framework::schema::Block {
        use crate::cty::Type;
        use crate::framework::schema::{Attribute, Block};
        Block::new()
            .attribute("id", Attribute::computed(Type::String))
            .attribute("name", Attribute::required(Type::String))
            .attribute("label", Attribute::optional_computed(Type::String))
    }
}
