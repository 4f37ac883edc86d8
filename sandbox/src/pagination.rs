//! Organizations pagination: `MaxResults` (1–20) and opaque `NextToken`s.

use super::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

/// The page size when `MaxResults` is absent.
const DEFAULT_PAGE_SIZE: usize = 20;
/// The largest `MaxResults` Organizations accepts.
const MAX_PAGE_SIZE: i64 = 20;

/// One page of `items` for `operation`, and the token of the next page.
pub fn page<T: Clone>(
    items: &[T],
    operation: &str,
    input: &Map<String, Value>,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let size = match input.get("MaxResults") {
        None | Some(Value::Null) => DEFAULT_PAGE_SIZE,
        Some(value) => {
            let n = value.as_i64().ok_or_else(|| {
                ApiError::bad_request("SerializationException", "MaxResults must be an integer")
            })?;
            if n < 1 {
                return Err(ApiError::invalid_input(
                    "MIN_VALUE_EXCEEDED",
                    "You provided a value that is less than the minimum allowed: MaxResults must be at least 1.",
                ));
            }
            if n > MAX_PAGE_SIZE {
                return Err(ApiError::invalid_input(
                    "MAX_VALUE_EXCEEDED",
                    "You provided a value that exceeds the maximum allowed: MaxResults must be at most 20.",
                ));
            }
            n as usize
        }
    };
    let start = match input.get("NextToken") {
        None | Some(Value::Null) => 0,
        Some(token) => decode_token(token.as_str().unwrap_or_default(), operation)
            .filter(|offset| *offset <= items.len())
            .ok_or_else(|| {
                ApiError::invalid_input("INVALID_NEXT_TOKEN", "The NextToken is not valid.")
            })?,
    };
    let end = (start + size).min(items.len());
    let next = (end < items.len()).then(|| encode_token(end, operation));
    Ok((items[start..end].to_vec(), next))
}

fn encode_token(offset: usize, operation: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("sandbox/{operation}/{offset}"))
}

fn decode_token(token: &str, operation: &str) -> Option<usize> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(token).ok()?).ok()?;
    let rest = text.strip_prefix("sandbox/")?.strip_prefix(operation)?;
    rest.strip_prefix('/')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn pages_follow_tokens_to_the_end() {
        let items: Vec<u32> = (0..5).collect();
        let (first, token) = page(&items, "Op", &input(json!({"MaxResults": 2}))).unwrap();
        assert_eq!(first, vec![0, 1]);
        let token = token.unwrap();
        let (second, token) = page(
            &items,
            "Op",
            &input(json!({"MaxResults": 3, "NextToken": token})),
        )
        .unwrap();
        assert_eq!(second, vec![2, 3, 4]);
        assert_eq!(token, None);
    }

    #[test]
    fn bad_max_results_and_tokens_are_invalid_input() {
        let items = [1];
        for bad in [
            json!({"MaxResults": 0}),
            json!({"MaxResults": 21}),
            json!({"NextToken": "nope"}),
            json!({"NextToken": encode_token(0, "Other")}),
        ] {
            let err = page(&items, "Op", &input(bad)).unwrap_err();
            assert_eq!(err.code, "InvalidInputException");
        }
    }
}
