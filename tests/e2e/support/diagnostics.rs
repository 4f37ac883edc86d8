//! Diagnostics as `terraform validate -json` reports them, the same shape in 1.0 through 1.15
//! and OpenTofu.

use std::fmt;

use serde_json::Value;

/// The result of `terraform validate -json`.
#[derive(Debug, Clone)]
pub struct Validation {
    pub valid: bool,
    pub diagnostics: Vec<Diagnostic>,
}

/// One diagnostic, with the place in the configuration it points at when it has one.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// `error` or `warning`.
    pub severity: String,
    pub summary: String,
    pub detail: String,
    /// The file the range starts in, relative to the working directory.
    pub filename: Option<String>,
    /// The 1-based line the range starts on.
    pub line: Option<u64>,
}

impl Validation {
    /// Reads the JSON document; fails the test when it does not have the documented shape.
    #[track_caller]
    pub fn from_json(json: &Value) -> Self {
        let valid = json["valid"]
            .as_bool()
            .unwrap_or_else(|| panic!("no boolean `valid` in {json}"));
        let diagnostics = json["diagnostics"]
            .as_array()
            .unwrap_or_else(|| panic!("no `diagnostics` array in {json}"))
            .iter()
            .map(Diagnostic::from_json)
            .collect();
        Self { valid, diagnostics }
    }

    /// The error diagnostics.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.severity == "error")
    }
}

impl Diagnostic {
    fn from_json(json: &Value) -> Self {
        let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
        let range = &json["range"];
        Self {
            severity: text(&json["severity"]),
            summary: text(&json["summary"]),
            detail: text(&json["detail"]),
            filename: range["filename"].as_str().map(str::to_string),
            line: range["start"]["line"].as_u64(),
        }
    }

    /// Whether the summary or the detail contains `needle`, ignoring case.
    pub fn mentions(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        self.summary.to_lowercase().contains(&needle)
            || self.detail.to_lowercase().contains(&needle)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.severity, self.summary)?;
        if let (Some(file), Some(line)) = (&self.filename, self.line) {
            write!(f, " ({file}:{line})")?;
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}
