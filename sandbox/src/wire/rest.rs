//! REST-XML (S3), path-style: the operation is named by the method, the path (`/` or
//! `/BUCKET`) and the subresource in the query (`?policy`); answers are XML, raw bodies or
//! nothing, and errors an `<Error>` document with the request id in `x-amz-request-id`.

use super::query::XmlNode;
use super::{Decoded, Encoded, Input};
use crate::error::{ApiError, Service};
use axum::http::StatusCode;
use quick_xml::escape::escape;

/// The XML namespace of S3 answers.
pub const S3_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// What an S3 operation reads from its request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestInput {
    /// The bucket the path names; `None` for `/`.
    pub bucket: Option<String>,
    /// The body, as text.
    pub body: String,
}

/// An S3 answer, whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestOutput {
    /// HTTP status.
    pub status: StatusCode,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Body.
    pub body: String,
}

impl RestOutput {
    /// 204, no body: what S3 answers a delete or put of a bucket subresource.
    pub fn no_content() -> Self {
        RestOutput {
            status: StatusCode::NO_CONTENT,
            content_type: "application/xml",
            body: String::new(),
        }
    }

    /// 200 with `body` as is.
    pub fn raw(content_type: &'static str, body: String) -> Self {
        RestOutput {
            status: StatusCode::OK,
            content_type,
            body,
        }
    }

    /// 200 with the XML document `<root xmlns=S3>children</root>`.
    pub fn xml(root: &str, children: &[XmlNode]) -> Self {
        let mut body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{S3_NAMESPACE}\">"
        );
        for child in children {
            child.render(&mut body);
        }
        body.push_str(&format!("</{root}>"));
        Self::raw("application/xml", body)
    }
}

/// Names the S3 operation of a path-style request. A request for anything the sandbox does
/// not serve (objects, other subresources) is named after its method and path, so that it is
/// counted as an unknown operation.
pub fn decode(method: &str, path: &str, query: &str, body: &[u8]) -> Decoded {
    let path = path.trim_start_matches('/');
    let (bucket, key) = match path.split_once('/') {
        Some((bucket, key)) => (bucket, key),
        None => (path, ""),
    };
    let subresources: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').map_or(p, |(k, _)| k))
        // The SDKs name the operation in `x-id`; S3 routes on the rest.
        .filter(|k| *k != "x-id")
        .collect();
    let policy = subresources == ["policy"];
    let operation = match (method, bucket.is_empty(), key.is_empty()) {
        ("GET", true, _) if subresources.is_empty() => "ListBuckets".to_owned(),
        ("GET", false, true) if policy => "GetBucketPolicy".to_owned(),
        ("PUT", false, true) if policy => "PutBucketPolicy".to_owned(),
        ("DELETE", false, true) if policy => "DeleteBucketPolicy".to_owned(),
        _ => format!("{method} /{path}?{query}"),
    };
    Decoded {
        service: Service::S3,
        operation,
        input: Input::Rest(RestInput {
            bucket: (!bucket.is_empty()).then(|| bucket.to_owned()),
            body: String::from_utf8_lossy(body).into_owned(),
        }),
    }
}

/// The `<Error>` document of an S3 error.
pub fn render_error(error: &ApiError, request_id: &str) -> Encoded {
    Encoded {
        status: error.status,
        content_type: "application/xml",
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId><HostId>sandbox</HostId></Error>",
            escape(error.code.as_str()),
            escape(error.message.as_str()),
            escape(request_id)
        ),
        headers: vec![("x-amz-request-id", request_id.to_owned())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_are_named_by_method_path_and_subresource() {
        let name = |method, path, query| decode(method, path, query, b"").operation;
        assert_eq!(name("GET", "/", ""), "ListBuckets");
        assert_eq!(name("GET", "/", "x-id=ListBuckets"), "ListBuckets");
        assert_eq!(name("GET", "/logs", "policy"), "GetBucketPolicy");
        assert_eq!(name("GET", "/logs/", "policy="), "GetBucketPolicy");
        assert_eq!(name("PUT", "/logs", "policy"), "PutBucketPolicy");
        assert_eq!(name("DELETE", "/logs", "policy"), "DeleteBucketPolicy");
        assert_eq!(name("GET", "/logs/key", "policy"), "GET /logs/key?policy");
        assert_eq!(name("GET", "/logs", "acl"), "GET /logs?acl");
        let Input::Rest(input) = decode("GET", "/logs", "policy", b"").input else {
            panic!("a REST input");
        };
        assert_eq!(input.bucket.as_deref(), Some("logs"));
    }

    #[test]
    fn errors_are_error_documents_with_the_request_id() {
        let encoded = render_error(
            &ApiError::new(StatusCode::NOT_FOUND, "NoSuchBucket", "a < b"),
            "rid",
        );
        assert_eq!(encoded.status, StatusCode::NOT_FOUND);
        assert!(
            encoded
                .body
                .contains("<Code>NoSuchBucket</Code><Message>a &lt; b</Message>")
        );
        assert_eq!(encoded.headers, [("x-amz-request-id", "rid".to_owned())]);
    }
}
