//! Attribute paths: where inside a value something is.

/// One step of an [`AttributePath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An attribute of an object (or a nested block).
    Attribute(String),
    /// A key of a map.
    Key(String),
    /// An index of a list or tuple, or a set element's position as Terraform reports it.
    Index(i64),
}

/// A path from the root of a value to a value inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AttributePath(pub Vec<PathStep>);
