//! Diagnostics: how every user-facing failure or warning reaches Terraform.
//!
//! A gRPC status is reserved for transport faults; anything a practitioner can act on is a
//! [`Diagnostic`], ideally attached to the attribute it concerns.

use std::fmt;

use crate::cty::AttributePath;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// The operation failed.
    Error,
    /// The operation succeeded but the practitioner should know something.
    Warning,
}

/// One error or warning for Terraform to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Short, title-like: what went wrong.
    pub summary: String,
    /// What happened in detail, whose fault it is, and what to do about it.
    pub detail: String,
    /// The configuration attribute the diagnostic is about, if any.
    pub attribute: Option<AttributePath>,
}

impl Diagnostic {
    /// An error diagnostic not tied to an attribute.
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    /// A warning diagnostic not tied to an attribute.
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        }
    }

    /// The same diagnostic, attached to `path`.
    pub fn at(mut self, path: AttributePath) -> Self {
        self.attribute = Some(path);
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}: {}", self.summary)?;
        if let Some(path) = &self.attribute {
            write!(f, " (at {})", path)?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

/// An ordered collection of diagnostics, filled by every operation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty collection.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Adds an error not tied to an attribute.
    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::error(summary, detail));
    }

    /// Adds a warning not tied to an attribute.
    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic::warning(summary, detail));
    }

    /// Adds an error about the attribute at `path`.
    pub fn attribute_error(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic::error(summary, detail).at(path));
    }

    /// Adds a warning about the attribute at `path`.
    pub fn attribute_warning(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic::warning(summary, detail).at(path));
    }

    /// Appends every diagnostic of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Number of diagnostics.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The diagnostics in the order they were added.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The errors only.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cty::AttributePath;

    #[test]
    fn has_errors_ignores_warnings() {
        let mut diags = Diagnostics::new();
        diags.warning("Deprecated", "use something else");
        assert!(!diags.has_errors());
        diags.attribute_error(AttributePath::root("region"), "Invalid Region", "bad");
        assert!(diags.has_errors());
        assert_eq!(diags.errors().count(), 1);
        assert_eq!(diags.len(), 2);
    }

    #[test]
    fn attribute_path_is_kept() {
        let path = AttributePath::root("assume_role").index(0).attr("role_arn");
        let diag = Diagnostic::error("Invalid Role ARN", "detail").at(path.clone());
        assert_eq!(diag.attribute, Some(path));
        assert_eq!(
            diag.to_string(),
            "error: Invalid Role ARN (at assume_role[0].role_arn): detail"
        );
    }

    #[test]
    fn extend_keeps_order() {
        let mut a = Diagnostics::from(Diagnostic::warning("first", ""));
        let mut b = Diagnostics::new();
        b.error("second", "");
        a.extend(b);
        let summaries: Vec<_> = a.iter().map(|d| d.summary.as_str()).collect();
        assert_eq!(summaries, ["first", "second"]);
    }
}
