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

/// A cty value, interpreted against a [`Type`] held elsewhere (see the module docs).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// null of whatever type the schema says.
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
    /// A known, non-null value of a `dynamic`-typed place, with its concrete type.
    Dynamic(Box<Type>, Box<Value>),
}
