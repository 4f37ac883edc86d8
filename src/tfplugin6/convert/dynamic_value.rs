//! `DynamicValue`: msgpack preferred, JSON accepted when msgpack is empty, answers msgpack.

use crate::cty::{self, Type, Value};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::server::Handle;
use crate::tfplugin6::DynamicValue;

/// Decodes `dv` as a value of `ty`. An absent or empty DynamicValue is null. `what` names the
/// field for the error ("config", "prior_state"...).
pub fn decode(dv: Option<&DynamicValue>, ty: &Type, what: &str) -> Result<Value, Diagnostic> {
    let Some(dv) = dv else {
        return Ok(Value::Null);
    };
    let decoded = if !dv.msgpack.is_empty() {
        cty::msgpack::decode(&dv.msgpack, ty)
    } else if !dv.json.is_empty() {
        cty::json::decode(&dv.json, ty)
    } else {
        return Ok(Value::Null);
    };
    decoded.map_err(|e| {
        Diagnostic::error(
            "Unable to Read Value From Terraform",
            format!(
                "The {what} Terraform sent does not match the provider's schema: {e}. Make sure \
                 the provider version matches the schema Terraform cached, and report it if it does."
            ),
        )
    })
}

/// The type `found` names, with `dv` decoded against its value type: how a request reaches
/// the type it is about. Either error answers the RPC without calling the engine.
pub fn decode_for<'h, T: ?Sized>(
    found: Result<&'h Handle<T>, Diagnostic>,
    dv: Option<&DynamicValue>,
    what: &str,
) -> Result<(&'h Handle<T>, Value), Diagnostic> {
    let handle = found?;
    Ok((handle, decode(dv, handle.value_type(), what)?))
}

/// Encodes `value` of type `ty` as msgpack.
pub fn encode(value: &Value, ty: &Type, what: &str) -> Result<DynamicValue, Diagnostic> {
    cty::msgpack::encode(value, ty)
        .map(|msgpack| DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                "Unable to Encode Value for Terraform",
                format!(
                    "The provider produced a {what} that does not match its own schema: {e}. \
                     This is a bug in the provider, please report it."
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty() -> Type {
        Type::object([("id", Type::String), ("n", Type::Number)])
    }

    fn value() -> Value {
        Value::Object(
            [
                ("id".to_owned(), Value::from("x")),
                ("n".to_owned(), Value::from(3)),
            ]
            .into(),
        )
    }

    #[test]
    fn msgpack_round_trip() {
        let dv = encode(&value(), &ty(), "state").unwrap();
        assert!(dv.json.is_empty());
        assert_eq!(decode(Some(&dv), &ty(), "state").unwrap(), value());
    }

    #[test]
    fn json_accepted_when_msgpack_empty() {
        let dv = DynamicValue {
            msgpack: Vec::new(),
            json: br#"{"id":"x","n":3}"#.to_vec(),
        };
        assert_eq!(decode(Some(&dv), &ty(), "config").unwrap(), value());
    }

    #[test]
    fn msgpack_wins_over_json() {
        let mut dv = encode(&value(), &ty(), "state").unwrap();
        dv.json = br#"{"id":"other","n":1}"#.to_vec();
        assert_eq!(decode(Some(&dv), &ty(), "config").unwrap(), value());
    }

    #[test]
    fn empty_is_null_and_garbage_is_a_diagnostic() {
        assert_eq!(decode(None, &ty(), "config").unwrap(), Value::Null);
        assert_eq!(
            decode(Some(&DynamicValue::default()), &ty(), "config").unwrap(),
            Value::Null
        );
        let bad = DynamicValue {
            msgpack: vec![0xc1],
            json: Vec::new(),
        };
        let diag = decode(Some(&bad), &ty(), "config").unwrap_err();
        assert!(diag.is_error());
        assert!(diag.detail.contains("config"), "{}", diag.detail);
    }
}
