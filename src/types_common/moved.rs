//! What `moved` blocks bring from hashicorp/aws: reading the JSON state its resources stored,
//! with errors that say what was given and what is accepted. No AWS call happens here: a move
//! only translates, and the read Terraform makes next refreshes the details.

use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::resource::{MoveSource, MoveStateRequest, MoveStateResponse};

/// The provider both source types come from.
pub const HASHICORP_AWS: &str = "hashicorp/aws";

/// Why a source state cannot be translated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// A schema version this provider does not know the shape of.
    #[error(
        "its state has schema version {0}, but only version 0 (as hashicorp/aws 5.x and 6.x \
         write it) can be moved"
    )]
    SchemaVersion(i64),
    /// A required attribute is absent or not a string.
    #[error("its state has no string attribute {0:?}")]
    Missing(&'static str),
    /// An attribute whose value cannot be translated.
    #[error("its {attribute:?} is {value}: {why}")]
    Invalid {
        /// The source attribute.
        attribute: &'static str,
        /// The value as JSON.
        value: String,
        /// What was expected instead.
        why: String,
    },
}

impl MoveError {
    /// An [`MoveError::Invalid`] for `attribute`, whose JSON value was `value`.
    pub fn invalid(
        attribute: &'static str,
        value: &serde_json::Value,
        why: impl Into<String>,
    ) -> Self {
        Self::Invalid {
            attribute,
            value: value.to_string(),
            why: why.into(),
        }
    }
}

/// Answers a move into `target`, which accepts `accepted`: the state `read` translates from the
/// source, once its schema version is one this provider reads, or the failure.
pub fn answer(
    req: &MoveStateRequest,
    resp: &mut MoveStateResponse,
    target: &str,
    accepted: &MoveSource,
    read: impl FnOnce(&MoveStateRequest) -> Result<Value, MoveError>,
) {
    match check_version(req).and_then(|()| read(req)) {
        Ok(state) => resp.state = state,
        Err(err) => report(&mut resp.diagnostics, req, target, accepted, &err),
    }
}

/// Refuses any schema version but 0: both source types have only ever had version 0.
fn check_version(req: &MoveStateRequest) -> Result<(), MoveError> {
    match req.source_schema_version {
        0 => Ok(()),
        other => Err(MoveError::SchemaVersion(other)),
    }
}

/// The string attribute `name` of a JSON object.
pub fn string<'a>(object: &'a serde_json::Value, name: &'static str) -> Result<&'a str, MoveError> {
    object
        .get(name)
        .and_then(serde_json::Value::as_str)
        .ok_or(MoveError::Missing(name))
}

/// The string attribute `name`, empty when absent or null (details the next read fills in).
pub fn optional_string(object: &serde_json::Value, name: &'static str) -> String {
    object
        .get(name)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Reports `err` for a move into `target`, which accepts `accepted`.
fn report(
    diags: &mut Diagnostics,
    req: &MoveStateRequest,
    target: &str,
    accepted: &MoveSource,
    err: &MoveError,
) {
    diags.error(
        "Cannot move resource state",
        format!(
            "{} from {} cannot move into {target}: {err}. {target} accepts {accepted}, as \
             hashicorp/aws 5.x and 6.x write it; fix the source state, or remove it from state \
             and import {target} instead.",
            req.source_type_name, req.source_provider_address,
        ),
    );
}
