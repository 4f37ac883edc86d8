//! Errors of the two value codecs, with the path of the offending value.

use std::fmt;

use super::{AttributePath, MAX_DEPTH, PathStep};

/// Bytes that do not decode as a value of the expected type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct DecodeError {
    /// Where in the value decoding failed (empty: at the root).
    pub path: AttributePath,
    /// What was wrong.
    pub message: String,
}

/// A value that cannot be encoded against the given type (it does not conform, or it holds
/// an unknown where the encoding has none).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct EncodeError {
    /// Where in the value encoding failed (empty: at the root).
    pub path: AttributePath,
    /// What was wrong.
    pub message: String,
}

impl DecodeError {
    pub(crate) fn at(path: &[PathStep], message: impl Into<String>) -> Self {
        Self {
            path: AttributePath(path.to_vec()),
            message: message.into(),
        }
    }
}

impl EncodeError {
    pub(crate) fn at(path: &[PathStep], message: impl Into<String>) -> Self {
        Self {
            path: AttributePath(path.to_vec()),
            message: message.into(),
        }
    }
}

/// The depth one level down from `depth`, or `err`'s error once that passes [`MAX_DEPTH`];
/// both codecs bound their recursion with it.
pub(crate) fn deeper<E>(depth: usize, err: impl FnOnce(String) -> E) -> Result<usize, E> {
    if depth >= MAX_DEPTH {
        return Err(err(format!("value nested deeper than {MAX_DEPTH} levels")));
    }
    Ok(depth + 1)
}

fn write_at(f: &mut fmt::Formatter<'_>, path: &AttributePath, message: &str) -> fmt::Result {
    if path.is_empty() {
        f.write_str(message)
    } else {
        write!(f, "at {path}: {message}")
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_at(f, &self.path, &self.message)
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_at(f, &self.path, &self.message)
    }
}
