//! Retry rules the AWS SDK does not have by default.

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
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

impl ClassifyRetry for ConcurrentModificationClassifier {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        // The error is type-erased per operation here, so read the code from the response the
        // SDK has already buffered: error bodies are always read fully before deserialisation.
        let Some(response) = ctx.response() else {
            return RetryAction::NoActionIndicated;
        };
        if response.status().is_success() {
            return RetryAction::NoActionIndicated;
        }
        let from_header = response
            .headers()
            .get("x-amzn-errortype")
            .map(|v| v.split(':').next().unwrap_or_default().to_owned());
        let kind = from_header.or_else(|| response.body().bytes().and_then(json_error_type));
        match kind.as_deref() {
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
    use super::json_error_type;

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
}
