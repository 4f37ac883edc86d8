//! Reading request bodies within the size and time limits, for AWS requests and the control
//! plane alike; a refused body gets an answer in the shape its client parses.

use super::connections::BodyWatch;
use super::control;
use super::engine::request_id;
use super::error::ApiError;
use super::limits::Limits;
use super::requests::loggable;
use super::server::respond;
use super::wire;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header, request::Parts};
use axum::middleware::Next;
use axum::response::Response;
use futures::StreamExt;

/// Replaces the streamed body by the whole body once read, or answers the error.
pub async fn read_body(State(limits): State<Limits>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.max_body_bytes as u64) {
        return refuse(&parts, &ApiError::request_too_large(limits.max_body_bytes));
    }
    // Until the body is in, the connection is not busy: at the connection cap, the sandbox may
    // close it to make room for a newcomer, the one whose body made no progress longest first.
    let watch = parts.extensions.get::<BodyWatch>().cloned();
    let waiting = watch.as_ref().map(BodyWatch::waiting);
    let collected = collect(body, limits.max_body_bytes, watch.as_ref());
    let read = tokio::time::timeout(limits.body_timeout, collected).await;
    drop(waiting);
    match read {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(error)) => refuse(&parts, &error),
        Err(_) => refuse(&parts, &ApiError::request_timeout()),
    }
}

async fn collect(body: Body, limit: usize, watch: Option<&BodyWatch>) -> Result<Bytes, ApiError> {
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ApiError::incomplete_body())?;
        if let Some(watch) = watch {
            watch.progress();
        }
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::request_too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(bytes))
}

/// The error in the client's shape; the connection closes, since the rest of the body is unread.
fn refuse(parts: &Parts, error: &ApiError) -> Response {
    tracing::info!(code = %error.code, path = loggable(parts.uri.path()), "request body refused");
    let mut response = if parts.uri.path().starts_with(control::PREFIX) {
        control::error(error.status, &error.message)
    } else {
        let request_id = request_id();
        let service = wire::service_of(&parts.headers);
        respond(wire::encode_error(service, error, &request_id), &request_id)
    };
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
