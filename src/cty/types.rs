//! cty types.

use std::collections::{BTreeMap, BTreeSet};

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
