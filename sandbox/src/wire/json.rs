//! awsJson: `X-Amz-Target` requests, JSON answers and `__type` errors: awsJson1_1 for
//! Organizations, awsJson1_0 for SQS, whose errors also carry their query-protocol code in
//! `x-amzn-query-error` (the SDK reads the code from there, e.g.
//! `AWS.SimpleQueueService.NonExistentQueue`).

use super::Encoded;
use crate::error::{ApiError, Service};
use serde_json::{Map, Value, json};

/// The `X-Amz-Target` prefix of Organizations operations.
pub const ORGANIZATIONS_TARGET_PREFIX: &str = "AWSOrganizationsV20161128.";
/// The `X-Amz-Target` prefix of SQS operations.
pub const SQS_TARGET_PREFIX: &str = "AmazonSQS.";
/// The content type of awsJson1_1 bodies.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// The content type of awsJson1_0 bodies.
pub const CONTENT_TYPE_1_0: &str = "application/x-amz-json-1.0";

/// The content type of `service`'s JSON bodies.
pub fn content_type(service: Service) -> &'static str {
    match service {
        Service::Sqs => CONTENT_TYPE_1_0,
        _ => CONTENT_TYPE,
    }
}

/// The query-protocol codes of SQS errors whose JSON `__type` is another shape's name.
const SQS_ERROR_SHAPES: [(&str, &str); 2] = [
    (
        "AWS.SimpleQueueService.NonExistentQueue",
        "com.amazonaws.sqs#QueueDoesNotExist",
    ),
    (
        "AccessDenied",
        "com.amazon.coral.service#AccessDeniedException",
    ),
];

/// An SQS error: `{"__type": shape, "message": …}` and `x-amzn-query-error: CODE;Sender`.
pub fn render_sqs_error(error: &ApiError) -> Encoded {
    let shape = SQS_ERROR_SHAPES
        .iter()
        .find(|(code, _)| *code == error.code)
        .map_or(error.code.as_str(), |(_, shape)| shape);
    let fault = if error.status.is_server_error() {
        "Receiver"
    } else {
        "Sender"
    };
    Encoded {
        status: error.status,
        content_type: CONTENT_TYPE_1_0,
        body: json!({"__type": shape, "message": error.message}).to_string(),
        headers: vec![("x-amzn-query-error", format!("{};{fault}", error.code))],
    }
}

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
