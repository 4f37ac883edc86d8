//! The two wire protocols: which service and operation a request names, and how answers look.

pub mod json;
pub mod query;

use super::error::{ApiError, Service};
use axum::http::{HeaderMap, StatusCode};
use query::{QueryParams, XmlNode};
use serde_json::{Map, Value};

/// STS operations; every other awsQuery action without an STS `Version` is IAM.
const STS_ACTIONS: [&str; 2] = ["GetCallerIdentity", "AssumeRoot"];

/// The input of an operation, as its protocol carries it.
#[derive(Debug, Clone)]
pub enum Input {
    /// awsQuery form parameters.
    Query(QueryParams),
    /// awsJson1_1 object.
    Json(Map<String, Value>),
}

/// The output of an operation, in its protocol's shape.
#[derive(Debug, Clone)]
pub enum Output {
    /// The children of `<OpResult>`; `None` for operations without output.
    Xml(Option<Vec<XmlNode>>),
    /// The JSON object answered.
    Json(Value),
}

/// A request decoded far enough to dispatch it.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The service.
    pub service: Service,
    /// The operation name.
    pub operation: String,
    /// Its input.
    pub input: Input,
}

/// A fully rendered answer.
#[derive(Debug, Clone)]
pub struct Encoded {
    /// HTTP status.
    pub status: StatusCode,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Body.
    pub body: String,
}

/// The service a request aims at, as far as its headers tell: awsJson requests name their
/// target, and everything else is answered in IAM's awsQuery envelope.
pub fn service_of(headers: &HeaderMap) -> Service {
    if headers.contains_key("x-amz-target") {
        Service::Organizations
    } else {
        Service::Iam
    }
}

/// Tells the protocol apart (`X-Amz-Target` means awsJson) and decodes the operation.
/// A request that cannot be decoded answers an error in the envelope of the service it aimed at.
pub fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Decoded, (Service, ApiError)> {
    if let Some(target) = headers.get("x-amz-target") {
        let service = Service::Organizations;
        let target = target.to_str().unwrap_or_default();
        let operation = target
            .strip_prefix(json::ORGANIZATIONS_TARGET_PREFIX)
            .ok_or_else(|| (service, ApiError::unknown_operation(service, target)))?;
        let input = json::parse_body(body).map_err(|e| (service, e))?;
        return Ok(Decoded {
            service,
            operation: operation.to_owned(),
            input: Input::Json(input),
        });
    }
    let params = QueryParams::parse(body).map_err(|e| (Service::Iam, e))?;
    let action = params.get("Action").unwrap_or_default().to_owned();
    let service = match params.get("Version") {
        Some("2011-06-15") => Service::Sts,
        Some("2010-05-08") => Service::Iam,
        _ if STS_ACTIONS.contains(&action.as_str()) => Service::Sts,
        _ => Service::Iam,
    };
    if action.is_empty() {
        return Err((
            service,
            ApiError::bad_request(
                "MissingAction",
                "The request must contain the parameter Action",
            ),
        ));
    }
    Ok(Decoded {
        service,
        operation: action,
        input: Input::Query(params),
    })
}

fn namespace(service: Service) -> &'static str {
    match service {
        Service::Sts => query::STS_NAMESPACE,
        _ => query::IAM_NAMESPACE,
    }
}

/// Renders a successful answer.
pub fn encode_output(
    service: Service,
    operation: &str,
    output: &Output,
    request_id: &str,
) -> Encoded {
    match output {
        Output::Xml(result) => Encoded {
            status: StatusCode::OK,
            content_type: "text/xml",
            body: query::render_response(
                operation,
                namespace(service),
                result.as_deref(),
                request_id,
            ),
        },
        Output::Json(value) => Encoded {
            status: StatusCode::OK,
            content_type: json::CONTENT_TYPE,
            body: value.to_string(),
        },
    }
}

/// Renders an error in the service's envelope.
pub fn encode_error(service: Service, error: &ApiError, request_id: &str) -> Encoded {
    match service {
        Service::Organizations => Encoded {
            status: error.status,
            content_type: json::CONTENT_TYPE,
            body: json::render_error(error),
        },
        Service::Iam | Service::Sts => Encoded {
            status: error.status,
            content_type: "text/xml",
            body: query::render_error(error, namespace(service), request_id),
        },
    }
}
