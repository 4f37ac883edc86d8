//! `ResourceIdentityData`: an identity as msgpack of the type's identity schema.

use super::dynamic_value::{decode, encode};
use crate::cty::{Type, Value};
use crate::framework::diagnostics::Diagnostic;
use crate::tfplugin6 as pb;

/// Decodes an identity of type `ty` (`None`: the type has no identity, so whatever Terraform
/// sent is ignored). Absent is null.
pub fn decode_identity(
    data: Option<&pb::ResourceIdentityData>,
    ty: Option<&Type>,
    what: &str,
) -> Result<Value, Diagnostic> {
    match (ty, data) {
        (Some(ty), Some(data)) => decode(data.identity_data.as_ref(), ty, what),
        _ => Ok(Value::Null),
    }
}

/// Encodes an identity of type `ty`; a null identity, or a type without identity, is absent.
pub fn encode_identity(
    identity: &Value,
    ty: Option<&Type>,
    what: &str,
) -> Result<Option<pb::ResourceIdentityData>, Diagnostic> {
    match ty {
        Some(ty) if !identity.is_null() => Ok(Some(pb::ResourceIdentityData {
            identity_data: Some(encode(identity, ty, what)?),
        })),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_absence() {
        let ty = Type::object([("account_id", Type::String)]);
        let identity = Value::Object([("account_id".to_owned(), Value::from("1"))].into());
        let data = encode_identity(&identity, Some(&ty), "identity")
            .unwrap()
            .expect("present");
        assert_eq!(
            decode_identity(Some(&data), Some(&ty), "identity").unwrap(),
            identity
        );
        assert_eq!(
            decode_identity(Some(&data), None, "identity").unwrap(),
            Value::Null,
            "ignored for a type without identity"
        );
        assert!(
            encode_identity(&Value::Null, Some(&ty), "identity")
                .unwrap()
                .is_none()
        );
        assert!(
            encode_identity(&identity, None, "identity")
                .unwrap()
                .is_none()
        );
    }
}
