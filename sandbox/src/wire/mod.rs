//! The wire protocols: which service and operation a request names, and how answers look.
//! awsQuery (IAM, STS), awsJson1_1 (Organizations), awsJson1_0 (SQS) and REST-XML (S3).

pub mod json;
pub mod query;
pub mod rest;

use super::engine::HttpRequest;
use super::error::{ApiError, Service};
use super::sigv4::Authorization;
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
    /// awsJson object.
    Json(Map<String, Value>),
    /// An S3 request: the bucket its path names and its body.
    Rest(rest::RestInput),
}

/// The output of an operation, in its protocol's shape.
#[derive(Debug, Clone)]
pub enum Output {
    /// The children of `<OpResult>`; `None` for operations without output.
    Xml(Option<Vec<XmlNode>>),
    /// The JSON object answered.
    Json(Value),
    /// A REST answer (S3), whole.
    Rest(rest::RestOutput),
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
    /// Headers besides `Content-Type` and the request id.
    pub headers: Vec<(&'static str, String)>,
}

/// The service a request aims at, as far as its headers tell: awsJson requests name their
/// target (SQS's start with `AmazonSQS.`), S3 requests are signed for `s3` (S3 names its
/// operations by method and path, which no other header tells), and everything else is
/// answered in IAM's awsQuery envelope.
pub fn service_of(headers: &HeaderMap) -> Service {
    if let Some(target) = headers.get("x-amz-target") {
        let target = target.to_str().unwrap_or_default();
        if target.starts_with(json::SQS_TARGET_PREFIX) {
            Service::Sqs
        } else {
            Service::Organizations
        }
    } else if Authorization::from_headers(headers).is_ok_and(|auth| auth.service == "s3") {
        Service::S3
    } else {
        Service::Iam
    }
}

/// Tells the protocol apart ([`service_of`]) and decodes the operation. A request that cannot
/// be decoded answers an error in the envelope of the service it aimed at.
pub fn decode(request: &HttpRequest<'_>) -> Result<Decoded, (Service, ApiError)> {
    let HttpRequest { headers, body, .. } = *request;
    match service_of(headers) {
        Service::S3 => {
            return Ok(rest::decode(
                request.method,
                request.path,
                request.query,
                body,
            ));
        }
        service @ (Service::Organizations | Service::Sqs) => {
            let target = headers
                .get("x-amz-target")
                .and_then(|t| t.to_str().ok())
                .unwrap_or_default();
            let prefix = match service {
                Service::Sqs => json::SQS_TARGET_PREFIX,
                _ => json::ORGANIZATIONS_TARGET_PREFIX,
            };
            let operation = target
                .strip_prefix(prefix)
                .ok_or_else(|| (service, ApiError::unknown_operation(service, target)))?;
            let input = json::parse_body(body).map_err(|e| (service, e))?;
            return Ok(Decoded {
                service,
                operation: operation.to_owned(),
                input: Input::Json(input),
            });
        }
        Service::Iam | Service::Sts => {}
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
            headers: Vec::new(),
        },
        Output::Json(value) => Encoded {
            status: StatusCode::OK,
            content_type: json::content_type(service),
            body: value.to_string(),
            headers: Vec::new(),
        },
        Output::Rest(output) => Encoded {
            status: output.status,
            content_type: output.content_type,
            body: output.body.clone(),
            headers: vec![("x-amz-request-id", request_id.to_owned())],
        },
    }
}

/// Renders an error in the service's envelope.
pub fn encode_error(service: Service, error: &ApiError, request_id: &str) -> Encoded {
    let mut encoded = match service {
        Service::Organizations => Encoded {
            status: error.status,
            content_type: json::content_type(service),
            body: json::render_error(error),
            headers: Vec::new(),
        },
        Service::Sqs => json::render_sqs_error(error),
        Service::S3 => rest::render_error(error, request_id),
        Service::Iam | Service::Sts => Encoded {
            status: error.status,
            content_type: "text/xml",
            body: query::render_error(error, namespace(service), request_id),
            headers: Vec::new(),
        },
    };
    encoded.headers.extend(error.headers.iter().cloned());
    encoded
}
