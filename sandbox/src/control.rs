//! The control plane under `/_sandbox/`: JSON, no SigV4.
//!
//! It has no authentication, so it answers only what a web page cannot send: a `Host` that is
//! a loopback name or address (DNS rebinding names another host), no `Origin` header (browsers
//! send one on cross-site requests), and bodies of type `application/json` (which a cross-site
//! form or simple request cannot carry). Anything else gets 403 and changes nothing.
//!
//! | route | effect |
//! |---|---|
//! | `GET state` | the model in seed format |
//! | `POST reset` | back to the last seed; faults and counters cleared |
//! | `POST seed` | replace the model with the posted seed |
//! | `GET requests` / `POST requests/reset` | request counters |
//! | `GET faults` / `POST faults` | fault configuration ([`FaultConfig`]) and injected counts |
//! | `GET accounts/{id}` / `POST accounts/{id}` | one account; the post changes `root`, `assume_root_denied`, `status`, `buckets`, `queues` ([`AccountPatch`]) |

use super::engine::Sandbox;
use super::faults::FaultConfig;
use super::seed::{AccountPatch, Seed};
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

/// Where the control plane is mounted.
pub const PREFIX: &str = "/_sandbox";

/// Which `Host` headers the control plane accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Exposure {
    /// `localhost`, `127.0.0.0/8` and `[::1]`, with or without a port.
    #[default]
    Loopback,
    /// Any IP address as well, for a sandbox deliberately listening beyond loopback; names
    /// other than `localhost` stay refused, as DNS rebinding needs one.
    Addresses,
}

/// The `/_sandbox/` routes.
pub fn router(exposure: Exposure) -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/state", get(state))
        .route("/reset", post(reset))
        .route("/seed", post(seed))
        .route("/requests", get(requests))
        .route("/requests/reset", post(reset_requests))
        .route("/faults", get(faults).post(set_faults))
        .route("/accounts/{id}", get(account).post(update_account))
        .layer(middleware::from_fn_with_state(exposure, guard))
}

/// A JSON error answer: `{"error": message}`.
pub fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

fn ok() -> Json<Value> {
    Json(json!({"ok": true}))
}

fn bad_request(message: String) -> Response {
    error(StatusCode::BAD_REQUEST, &message)
}

async fn guard(State(exposure): State<Exposure>, request: Request, next: Next) -> Response {
    match refusal(exposure, &request) {
        Some(reason) => {
            tracing::warn!(
                reason,
                path = crate::requests::loggable(request.uri().path()),
                "control-plane request refused"
            );
            error(StatusCode::FORBIDDEN, &reason)
        }
        None => next.run(request).await,
    }
}

/// Why a control-plane request is refused, if it is.
fn refusal(exposure: Exposure, request: &Request) -> Option<String> {
    let headers = request.headers();
    if headers.contains_key(header::ORIGIN) {
        return Some(
            "the control plane refuses requests carrying an Origin header (web pages)".to_owned(),
        );
    }
    let hosts = headers
        .get_all(header::HOST)
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .chain(request.uri().authority().map(|a| a.as_str().to_owned()))
        .collect::<Vec<_>>();
    if hosts.is_empty() {
        return Some("the control plane needs a Host header".to_owned());
    }
    if let Some(host) = hosts.iter().find(|h| !host_allowed(h, exposure)) {
        return Some(format!(
            "the control plane answers only loopback hosts (localhost, 127.0.0.0/8, [::1]), not Host {host:?}"
        ));
    }
    if has_body(headers) && !is_json(headers) {
        return Some(
            "the control plane takes request bodies of type application/json only".to_owned(),
        );
    }
    None
}

fn has_body(headers: &HeaderMap) -> bool {
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.to_str().map_or(true, |v| v.trim() != "0"))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `host` (a `Host` header: name or address, optional port) may reach the control plane.
fn host_allowed(host: &str, exposure: Exposure) -> bool {
    let any_address = exposure == Exposure::Addresses;
    if let Some(rest) = host.strip_prefix('[') {
        let Some((address, after)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return port_ok
            && address
                .parse::<Ipv6Addr>()
                .is_ok_and(|ip| ip.is_loopback() || any_address);
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if is_port(port) => name,
        Some(_) => return false,
        None => host,
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback() || any_address)
}

async fn state(State(sandbox): State<Arc<Sandbox>>) -> Json<Seed> {
    Json(sandbox.snapshot())
}

async fn reset(State(sandbox): State<Arc<Sandbox>>) -> Json<Value> {
    sandbox.reset();
    tracing::info!("sandbox reset");
    ok()
}

async fn seed(State(sandbox): State<Arc<Sandbox>>, body: Bytes) -> Response {
    let text = String::from_utf8_lossy(&body);
    match Seed::from_json(&text) {
        Ok(seed) => {
            tracing::info!(accounts = seed.accounts.len(), "sandbox seeded");
            sandbox.replace(seed);
            ok().into_response()
        }
        Err(error) => bad_request(error.to_string()),
    }
}

async fn requests(State(sandbox): State<Arc<Sandbox>>) -> Response {
    Json(sandbox.requests()).into_response()
}

async fn reset_requests(State(sandbox): State<Arc<Sandbox>>) -> Json<Value> {
    sandbox.reset_requests();
    ok()
}

async fn faults(State(sandbox): State<Arc<Sandbox>>) -> Json<Value> {
    let (config, injected) = sandbox.faults();
    Json(json!({"config": config, "injected": injected}))
}

async fn set_faults(State(sandbox): State<Arc<Sandbox>>, body: Bytes) -> Response {
    match serde_json::from_slice::<FaultConfig>(&body) {
        Ok(config) => {
            tracing::info!(?config, "faults configured");
            sandbox.set_faults(config);
            ok().into_response()
        }
        Err(error) => bad_request(format!("invalid fault configuration: {error}")),
    }
}

async fn account(State(sandbox): State<Arc<Sandbox>>, Path(id): Path<String>) -> Response {
    match sandbox.snapshot().account(&id) {
        Some(account) => Json(account.clone()).into_response(),
        None => no_account(&id),
    }
}

fn no_account(id: &str) -> Response {
    error(StatusCode::NOT_FOUND, &format!("no account {id}"))
}

async fn update_account(
    State(sandbox): State<Arc<Sandbox>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let patch = match AccountPatch::from_json(&body) {
        Ok(patch) => patch,
        Err(error) => return bad_request(format!("invalid account change: {error}")),
    };
    match sandbox.update_account(&id, patch) {
        Some(account) => {
            tracing::info!(account = %id, "account changed");
            Json(account).into_response()
        }
        None => no_account(&id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_reach_the_control_plane() {
        for host in [
            "localhost",
            "LOCALHOST:4566",
            "127.0.0.1",
            "127.0.0.1:4566",
            "127.9.8.7:1",
            "[::1]",
            "[::1]:4566",
        ] {
            assert!(host_allowed(host, Exposure::Loopback), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:4566",
            "localhost.evil.example",
            "10.0.0.1:4566",
            "0.0.0.0",
            "[::2]:4566",
            "[::1]x",
            "127.0.0.1:port",
            "",
        ] {
            assert!(!host_allowed(host, Exposure::Loopback), "{host}");
        }
        assert!(host_allowed("10.0.0.1:4566", Exposure::Addresses));
        assert!(host_allowed("[fd00::1]:4566", Exposure::Addresses));
        assert!(!host_allowed("evil.example:4566", Exposure::Addresses));
    }
}
