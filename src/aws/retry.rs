//! Retry rules the AWS SDK does not have by default, and the one it must not apply to
//! `sts:AssumeRoot`.

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

/// Retries Organizations' `ConcurrentModificationException`, which the SDK treats as final.
///
/// Organizations serialises changes to an organization; a conflicting change in flight (another
/// delegated administrator being registered, trusted access being toggled) clears within seconds,
/// so a retry with the SDK's backoff is the right answer.
#[derive(Debug, Default, Clone, Copy)]
pub struct ConcurrentModificationClassifier;

/// The error type an awsJson1_1 error body names, without any `namespace#` prefix.
fn json_error_type(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct ErrorBody {
        #[serde(rename = "__type")]
        kind: String,
    }
    let parsed: ErrorBody = serde_json::from_slice(body).ok()?;
    Some(
        parsed
            .kind
            .rsplit('#')
            .next()
            .unwrap_or_default()
            .to_owned(),
    )
}

/// The `<Code>` of an awsQuery error body (IAM, STS).
fn xml_error_code(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let end = start + text[start..].find("</Code>")?;
    Some(text[start..end].trim().to_owned())
}

/// The error code of a failed answer, in any of the protocols the provider's services speak.
///
/// Where this is called (retry classifiers, interceptors after an attempt) the error is
/// type-erased per operation, so the code is read from the response the SDK has already
/// buffered: error bodies are always read fully before deserialisation.
pub fn error_code(response: &HttpResponse) -> Option<String> {
    if response.status().is_success() {
        return None;
    }
    let from_header = response
        .headers()
        .get("x-amzn-errortype")
        .map(|v| v.split(':').next().unwrap_or_default().to_owned());
    from_header.or_else(|| {
        let body = response.body().bytes()?;
        json_error_type(body).or_else(|| xml_error_code(body))
    })
}

/// Whether an AWS error code means throttling, by the SDK's own list.
pub fn is_throttling(code: &str) -> bool {
    aws_runtime::retries::classifiers::THROTTLING_ERRORS.contains(&code)
}

/// Whether an answer is a throttling one: HTTP 429 or a throttling error code.
pub fn is_throttled(response: &HttpResponse) -> bool {
    response.status().as_u16() == 429 || error_code(response).is_some_and(|c| is_throttling(&c))
}

/// Hands a throttled answer back to the caller instead of retrying it: a throttled
/// `sts:AssumeRoot` is asked again when the pacer gives it a turn
/// ([`super::pacer::Pacer`]), which the SDK's backoff knows nothing of. Other failures are
/// retried as before.
#[derive(Debug, Default, Clone, Copy)]
pub struct ThrottlingLeftToTheCaller;

impl ClassifyRetry for ThrottlingLeftToTheCaller {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(response) if is_throttled(response) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "ThrottlingLeftToTheCaller"
    }
}

impl ClassifyRetry for ConcurrentModificationClassifier {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let Some(response) = ctx.response() else {
            return RetryAction::NoActionIndicated;
        };
        match error_code(response).as_deref() {
            Some("ConcurrentModificationException") => RetryAction::transient_error(),
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "ConcurrentModificationException"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::transient_error_classifier()
    }
}

#[cfg(test)]
mod tests {
    use super::{is_throttling, json_error_type, xml_error_code};

    #[test]
    fn the_codes_the_sdk_retries_as_throttling_count_as_throttling() {
        assert!(is_throttling("Throttling"));
        assert!(is_throttling("TooManyRequestsException"));
        assert!(!is_throttling("AccessDenied"));
    }

    #[test]
    fn error_type_is_read_with_or_without_namespace() {
        assert_eq!(
            json_error_type(br#"{"__type":"com.amazonaws.organizations#ConcurrentModificationException","Message":"x"}"#)
                .as_deref(),
            Some("ConcurrentModificationException")
        );
        assert_eq!(
            json_error_type(br#"{"__type":"TooManyRequestsException"}"#).as_deref(),
            Some("TooManyRequestsException")
        );
        assert_eq!(json_error_type(b"<html>"), None);
    }

    #[test]
    fn error_code_is_read_from_query_protocol_bodies() {
        let body = b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        assert_eq!(xml_error_code(body).as_deref(), Some("Throttling"));
        assert_eq!(xml_error_code(b"<Error></Error>"), None);
    }
}
