//! awsJson1_1: `X-Amz-Target` requests, JSON answers and `__type` errors (Organizations).

use crate::error::ApiError;
use serde_json::{Map, Value, json};

/// The `X-Amz-Target` prefix of Organizations operations.
pub const ORGANIZATIONS_TARGET_PREFIX: &str = "AWSOrganizationsV20161128.";
/// The content type of awsJson1_1 bodies.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Parses a request body; an empty body is an empty object.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request(
            "SerializationException",
            "the request body is not a JSON object",
        )),
    }
}

/// Renders an error: `{"__type": code, "Message": …, "Reason": …}`.
pub fn render_error(error: &ApiError) -> String {
    let mut body = json!({"__type": error.code, "Message": error.message});
    if let (Some(reason), Value::Object(map)) = (error.reason, &mut body) {
        map.insert("Reason".to_owned(), Value::from(reason));
    }
    body.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_type_and_reason() {
        let body: Value = serde_json::from_str(&render_error(&ApiError::constraint_violation(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
            "no",
        )))
        .unwrap();
        assert_eq!(body["__type"], "ConstraintViolationException");
        assert_eq!(
            body["Reason"],
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR"
        );
    }

    #[test]
    fn empty_bodies_are_empty_objects() {
        assert!(parse_body(b"").unwrap().is_empty());
        assert!(parse_body(b"[1]").is_err());
    }
}
