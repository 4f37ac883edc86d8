//! Answers for the RPCs this provider does not support yet. Terraform only calls most of
//! them for features the schema advertises (it advertises none of them), but a client may
//! call anything: each answers an error diagnostic naming the RPC, never Unimplemented,
//! never a hang.

use tokio_stream::Iter;

use super::convert::answer::Answer;
use crate::framework::diagnostics::Diagnostic;
use crate::tfplugin6 as pb;

/// A one-element stream, the answer of the streaming RPCs.
pub type OneShot<T> = Iter<std::vec::IntoIter<Result<T, tonic::Status>>>;

/// The error diagnostic for an unsupported RPC.
pub fn unsupported(rpc: &str) -> Diagnostic {
    Diagnostic::error(
        format!("{rpc} Not Supported"),
        format!(
            "This provider does not support {rpc}. Terraform only calls it for features the \
             provider's schema advertises, so this is a bug in the caller or a version mismatch."
        ),
    )
}

fn one<T>(item: T) -> OneShot<T> {
    tokio_stream::iter(vec![Ok(item)])
}

/// ReadStateBytes: one chunk carrying the diagnostic.
pub fn read_state_bytes() -> OneShot<pb::read_state_bytes::Response> {
    one(Answer::failed(unsupported("ReadStateBytes")))
}

/// CallFunction: the provider has no functions.
pub fn call_function(name: &str) -> pb::call_function::Response {
    pb::call_function::Response {
        result: None,
        error: Some(pb::FunctionError {
            text: format!("This provider has no function named {name:?}."),
            function_argument: None,
        }),
    }
}
