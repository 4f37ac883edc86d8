//! What both encoders write for a map or an object: its members in order, each with the
//! path step that addresses it in an error.

use std::collections::BTreeMap;

use super::{PathStep, Type, Value};

/// One member: its name, its path step, its value and its type.
pub(crate) type Member<'v, 't> = (&'v str, PathStep, &'v Value, &'t Type);

/// The members of a map value whose elements are of type `ety`.
pub(crate) fn map_members<'v, 't>(
    entries: &'v BTreeMap<String, Value>,
    ety: &'t Type,
) -> impl ExactSizeIterator<Item = Member<'v, 't>> {
    entries
        .iter()
        .map(move |(key, value)| (key.as_str(), PathStep::Key(key.clone()), value, ety))
}

/// The members of an object value of type `ty` (with `attributes`), in the type's order, a
/// missing one null; the error names an attribute the type does not have.
pub(crate) fn object_members<'v>(
    ty: &Type,
    attributes: &'v BTreeMap<String, Type>,
    attrs: &'v BTreeMap<String, Value>,
) -> Result<impl ExactSizeIterator<Item = Member<'v, 'v>>, String> {
    if let Some(extra) = attrs.keys().find(|k| !attributes.contains_key(*k)) {
        return Err(format!("attribute {extra:?} is not part of type {ty}"));
    }
    Ok(attributes.iter().map(|(name, aty)| {
        let value = attrs.get(name).unwrap_or(&Value::Null);
        (name.as_str(), PathStep::Attribute(name.clone()), value, aty)
    }))
}
