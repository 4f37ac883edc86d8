//! The values of one answer, encoded with the handle of the type they belong to. A value that
//! does not encode becomes an error beside the engine's diagnostics, never a value Terraform
//! would reject.

use super::diagnostics::diagnostics;
use super::dynamic_value::encode;
use super::identity::encode_identity;
use crate::cty::Value;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::server::Handle;
use crate::tfplugin6::{self as pb, DynamicValue};

/// Encodes the values of one answer and gathers its diagnostics.
pub struct Encoder<'h, T: ?Sized> {
    handle: &'h Handle<T>,
    diags: Diagnostics,
}

impl<'h, T: ?Sized> Encoder<'h, T> {
    /// An encoder for the engine's answer about `handle`'s type, starting from its
    /// diagnostics.
    pub fn new(handle: &'h Handle<T>, diags: Diagnostics) -> Self {
        Self { handle, diags }
    }

    /// `value` as msgpack of the type's value type (`what` names it in an error); `None` when
    /// it does not encode.
    pub fn value(&mut self, value: &Value, what: &str) -> Option<DynamicValue> {
        match encode(value, self.handle.value_type(), what) {
            Ok(encoded) => Some(encoded),
            Err(diag) => {
                self.diags.push(diag);
                None
            }
        }
    }

    /// Like [`Encoder::value`], but no value at all once there is an error: for the RPCs whose
    /// failure must not hand Terraform a value to use.
    pub fn value_unless_failed(&mut self, value: &Value, what: &str) -> Option<DynamicValue> {
        if self.diags.has_errors() {
            return None;
        }
        self.value(value, what)
    }

    /// `identity` with the type's identity schema; `None` when it is null, when the type has
    /// no identity, or when it does not encode.
    pub fn identity(&mut self, identity: &Value, what: &str) -> Option<pb::ResourceIdentityData> {
        encode_identity(identity, self.handle.identity_type(), what).unwrap_or_else(|diag| {
            self.diags.push(diag);
            None
        })
    }

    /// Whether the answer holds an error, the engine's or an encoding failure.
    pub fn has_errors(&self) -> bool {
        self.diags.has_errors()
    }

    /// Every diagnostic so far, as protobuf: call it once the values are encoded.
    pub fn diagnostics(&self) -> Vec<pb::Diagnostic> {
        diagnostics(&self.diags)
    }
}
