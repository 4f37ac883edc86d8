//! Attribute paths: where inside a value something is.

use std::fmt;

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

impl PathStep {
    /// The step to the element at position `i` of a list, tuple or set.
    pub fn position(i: usize) -> Self {
        Self::Index(i64::try_from(i).unwrap_or(i64::MAX))
    }
}

/// A path from the root of a value to a value inside it.
///
/// Built fluently: `AttributePath::root("x").attr("y").index(0).key("k")` displays as
/// `x.y[0]["k"]`, the way Terraform writes paths in diagnostics.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AttributePath(pub Vec<PathStep>);

impl AttributePath {
    /// The empty path: the value itself.
    pub fn new() -> Self {
        AttributePath(Vec::new())
    }

    /// A path starting at top-level attribute `name`.
    pub fn root(name: impl Into<String>) -> Self {
        AttributePath(vec![PathStep::Attribute(name.into())])
    }

    /// This path, then attribute `name`.
    #[must_use]
    pub fn attr(mut self, name: impl Into<String>) -> Self {
        self.0.push(PathStep::Attribute(name.into()));
        self
    }

    /// This path, then list or tuple index `i`.
    #[must_use]
    pub fn index(mut self, i: i64) -> Self {
        self.0.push(PathStep::Index(i));
        self
    }

    /// This path, then map key `key`.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(PathStep::Key(key.into()));
        self
    }

    /// The steps from the root.
    pub fn steps(&self) -> &[PathStep] {
        &self.0
    }

    /// Whether this is the empty path.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => f.write_str(name)?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
                PathStep::Key(k) => {
                    let mut quoted = String::new();
                    super::types::push_json_string(&mut quoted, k);
                    write!(f, "[{quoted}]")?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_terraform() {
        let p = AttributePath::root("x").attr("y").index(0).key("k");
        assert_eq!(p.to_string(), r#"x.y[0]["k"]"#);
        assert_eq!(p.steps().len(), 4);
        assert_eq!(AttributePath::new().to_string(), "");
        assert!(AttributePath::new().is_empty());
        assert_eq!(
            AttributePath::root("tags").key("a\"b").to_string(),
            r#"tags["a\"b"]"#
        );
        assert_eq!(
            AttributePath::new().index(3).attr("id").to_string(),
            "[3].id"
        );
    }
}
