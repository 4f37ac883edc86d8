//! The control plane under `/_sandbox/`: JSON, no SigV4, loopback only by default.
//!
//! | route | effect |
//! |---|---|
//! | `GET state` | the model in seed format |
//! | `POST reset` | back to the last seed; faults and counters cleared |
//! | `POST seed` | replace the model with the posted seed |
//! | `GET requests` / `POST requests/reset` | request counters |
//! | `GET faults` / `POST faults` | fault configuration ([`FaultConfig`]) and injected counts |

use super::engine::Sandbox;
use super::faults::FaultConfig;
use super::seed::Seed;
use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use std::sync::Arc;

/// The `/_sandbox/` routes.
pub fn router() -> Router<Arc<Sandbox>> {
    Router::new()
        .route("/state", get(state))
        .route("/reset", post(reset))
        .route("/seed", post(seed))
        .route("/requests", get(requests))
        .route("/requests/reset", post(reset_requests))
        .route("/faults", get(faults).post(set_faults))
}

fn ok() -> Json<Value> {
    Json(json!({"ok": true}))
}

fn bad_request(message: String) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response()
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
