//! Engine behaviour that needs a provider: interruption and the configured-data hand-off.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::test_support::{Hang, TestProvider, configure, hang};
use super::{ApplyResourceChangeResponse, Change, Server};
use crate::cty::{Type, Value};
use crate::framework::context::Context;
use crate::framework::resource::{
    CreateRequest, CreateResponse, DeleteRequest, DeleteResponse, ReadRequest, ReadResponse,
    Resource, UpdateRequest, UpdateResponse,
};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::values::ValueExt;
use crate::framework::values::test_values::with_attrs;

type SlowProvider = TestProvider<Hang>;

/// A provider serving `slow_thing`.
fn slow_provider(probe: Arc<Hang>) -> SlowProvider {
    let mut provider = TestProvider::new("slow", probe);
    provider.resources.push(Arc::new(Slow));
    provider
}

struct Slow;

/// How a `slow_thing` create or update behaves, from its `mode` attribute.
const RECORD_THEN_BLOCK: &str = "record then block";
const RECORD_THEN_FAIL: &str = "record then fail";
const BLOCK: &str = "block";
/// A write in flight when StopProvider comes: records the object once the stop has arrived
/// and the write has then completed.
const WRITE_IN_FLIGHT: &str = "write in flight";

/// The stop grace of the tests whose operations never finish: short, so they end soon.
const SHORT_GRACE: Duration = Duration::from_millis(50);

fn mode(req_state: &Value) -> &str {
    req_state.attr("mode").as_str().unwrap_or_default()
}

#[async_trait]
impl Resource<Arc<Hang>> for Slow {
    fn type_name(&self) -> &'static str {
        "slow_thing"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute("id", Attribute::computed(Type::String))
                .attribute("mode", Attribute::required(Type::String))
                .attribute("progress", Attribute::computed(Type::String)),
        )
    }

    /// Records the object's id (leaving `progress` unknown) before blocking or failing.
    async fn create(
        &self,
        ctx: &Context<Arc<Hang>>,
        req: CreateRequest,
        resp: &mut CreateResponse,
    ) {
        let mode = mode(&req.planned_state).to_owned();
        if mode == WRITE_IN_FLIGHT {
            ctx.provider_data().started.notify_one();
            ctx.cancellation().cancelled().await;
            // The answer arrives after the stop: the engine must still be listening.
            tokio::task::yield_now().await;
            resp.state = with_attrs(
                &req.planned_state,
                &[
                    ("id", Value::from("thing-1")),
                    ("progress", Value::from("done")),
                ],
            );
            return;
        }
        if mode != BLOCK {
            resp.state = with_attrs(&req.planned_state, &[("id", Value::from("thing-1"))]);
        }
        if mode == RECORD_THEN_FAIL {
            resp.diagnostics
                .error("Step two failed", "after the object existed");
            return;
        }
        hang(ctx, ctx.provider_data()).await;
    }

    /// Blocks when the state's mode says so, else changes nothing.
    async fn read(&self, ctx: &Context<Arc<Hang>>, req: ReadRequest, _resp: &mut ReadResponse) {
        if mode(&req.state) == BLOCK {
            hang(ctx, ctx.provider_data()).await;
        }
    }

    /// Records `progress = "half"` before blocking or failing.
    async fn update(
        &self,
        ctx: &Context<Arc<Hang>>,
        req: UpdateRequest,
        resp: &mut UpdateResponse,
    ) {
        let mode = mode(&req.planned_state);
        if mode != BLOCK {
            resp.state
                .set_attr("progress", Value::from("half"))
                .expect("an object");
        }
        if mode == RECORD_THEN_FAIL {
            resp.diagnostics
                .error("Step two failed", "after the first change");
            return;
        }
        hang(ctx, ctx.provider_data()).await;
    }

    async fn delete(
        &self,
        _ctx: &Context<Arc<Hang>>,
        _req: DeleteRequest,
        _resp: &mut DeleteResponse,
    ) {
    }
}

/// A configured server whose changes get `grace` after StopProvider.
async fn configured_with(grace: Duration) -> (Arc<Server<SlowProvider>>, Arc<Hang>) {
    let probe = Arc::new(Hang::default());
    let server = Arc::new(Server::new(slow_provider(Arc::clone(&probe))).with_stop_grace(grace));
    let resp = configure(&server).await;
    assert!(
        resp.data.is_some(),
        "the answer carries the configured data"
    );
    (server, probe)
}

/// A configured server with [`SHORT_GRACE`].
async fn configured() -> (Arc<Server<SlowProvider>>, Arc<Hang>) {
    configured_with(SHORT_GRACE).await
}

fn thing(id: Value, mode: &str, progress: Value) -> Value {
    Value::Object(
        [
            ("id".to_owned(), id),
            ("mode".to_owned(), Value::from(mode)),
            ("progress".to_owned(), progress),
        ]
        .into(),
    )
}

fn create(mode: &str) -> Change {
    Change::new(
        Value::Null,
        thing(Value::unknown(), mode, Value::unknown()),
        thing(Value::Null, mode, Value::Null),
        Vec::new(),
        Value::Null,
    )
}

/// The prior state of an update, and the update to `mode`.
fn update(mode: &str) -> (Value, Change) {
    let prior = thing(Value::from("thing-1"), "before", Value::from("done"));
    let change = Change::new(
        prior.clone(),
        thing(Value::from("thing-1"), mode, Value::unknown()),
        thing(Value::Null, mode, Value::Null),
        Vec::new(),
        Value::Null,
    );
    (prior, change)
}

fn summaries(resp: &ApplyResourceChangeResponse) -> Vec<&str> {
    resp.diagnostics
        .iter()
        .map(|d| d.summary.as_str())
        .collect()
}

/// Applies `change`, sends StopProvider once the resource blocks (or has its write in
/// flight), and returns the answer.
async fn apply_then_stop(
    server: &Arc<Server<SlowProvider>>,
    probe: &Hang,
    change: Change,
) -> ApplyResourceChangeResponse {
    let started = probe.started.notified();
    let in_flight = {
        let server = Arc::clone(server);
        tokio::spawn(async move {
            let resource = server.resource("slow_thing").expect("served");
            server.apply_resource_change(resource, change).await
        })
    };
    tokio::time::timeout(Duration::from_secs(5), started)
        .await
        .expect("the operation started");
    server.stop_provider();
    tokio::time::timeout(Duration::from_secs(5), in_flight)
        .await
        .expect("the interrupted operation returns")
        .expect("no panic")
}

async fn apply(server: &Server<SlowProvider>, change: Change) -> ApplyResourceChangeResponse {
    let resource = server.resource("slow_thing").expect("served");
    server.apply_resource_change(resource, change).await
}

#[tokio::test]
async fn a_change_that_outlasts_the_grace_is_abandoned() {
    let (server, probe) = configured().await;
    let cancelled = probe.cancelled.notified();
    let resp = apply_then_stop(&server, &probe, create(BLOCK)).await;
    assert_eq!(summaries(&resp), ["Operation interrupted"]);
    assert!(resp.diagnostics.has_errors());
    assert!(
        resp.diagnostics
            .iter()
            .any(|d| d.detail.contains("may or may not have taken effect")
                && d.detail.contains("import")),
        "the diagnostic says the call in flight has an unknown outcome, and what to do: {:?}",
        resp.diagnostics
    );
    assert_eq!(
        resp.new_state,
        Value::Null,
        "nothing recorded, nothing created"
    );
    tokio::time::timeout(Duration::from_secs(2), cancelled)
        .await
        .expect("the resource's token was cancelled");
}

#[tokio::test]
async fn a_create_with_a_write_in_flight_finishes_after_a_stop() {
    // The default grace: the write finishes well within it.
    let (server, probe) = configured_with(super::STOP_GRACE).await;
    let resp = apply_then_stop(&server, &probe, create(WRITE_IN_FLIGHT)).await;
    assert!(
        resp.diagnostics.is_empty(),
        "a completed change is no error, so Terraform does not taint it: {:?}",
        resp.diagnostics
    );
    assert_eq!(
        resp.new_state,
        thing(Value::from("thing-1"), WRITE_IN_FLIGHT, Value::from("done"))
    );
}

#[tokio::test]
async fn a_read_is_interrupted_without_a_grace() {
    let (server, probe) = configured_with(super::STOP_GRACE).await;
    let started = probe.started.notified();
    let in_flight = {
        let server = Arc::clone(&server);
        tokio::spawn(async move {
            let resource = server.resource("slow_thing").expect("served");
            server
                .read_resource(
                    resource,
                    ReadRequest {
                        state: thing(Value::from("thing-1"), BLOCK, Value::from("done")),
                        private: Vec::new(),
                        identity: Value::Null,
                    },
                )
                .await
        })
    };
    tokio::time::timeout(Duration::from_secs(5), started)
        .await
        .expect("the read started");
    server.stop_provider();
    let resp = tokio::time::timeout(Duration::from_secs(5), in_flight)
        .await
        .expect("the interrupted read returns before the grace")
        .expect("no panic");
    assert!(resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
}

#[tokio::test]
async fn an_interrupted_create_returns_what_it_recorded() {
    let (server, probe) = configured().await;
    let resp = apply_then_stop(&server, &probe, create(RECORD_THEN_BLOCK)).await;
    assert_eq!(summaries(&resp), ["Operation interrupted"]);
    assert_eq!(
        resp.new_state,
        thing(Value::from("thing-1"), RECORD_THEN_BLOCK, Value::Null),
        "the recorded id, unknowns as null"
    );
}

#[tokio::test]
async fn a_failed_create_returns_what_it_recorded() {
    let (server, _probe) = configured().await;
    let resp = apply(&server, create(RECORD_THEN_FAIL)).await;
    assert_eq!(summaries(&resp), ["Step two failed"]);
    assert_eq!(
        resp.new_state,
        thing(Value::from("thing-1"), RECORD_THEN_FAIL, Value::Null)
    );
}

#[tokio::test]
async fn an_interrupted_update_returns_what_it_recorded() {
    let (server, probe) = configured().await;
    let (prior, change) = update(RECORD_THEN_BLOCK);
    let resp = apply_then_stop(&server, &probe, change).await;
    assert_eq!(summaries(&resp), ["Operation interrupted"]);
    let mut want = prior;
    want.set_attr("progress", Value::from("half"))
        .expect("an object");
    assert_eq!(
        resp.new_state, want,
        "the prior state advanced by the first change"
    );
}

#[tokio::test]
async fn a_failed_update_returns_what_it_recorded() {
    let (server, _probe) = configured().await;
    let (prior, change) = update(RECORD_THEN_FAIL);
    let resp = apply(&server, change).await;
    assert_eq!(summaries(&resp), ["Step two failed"]);
    let mut want = prior;
    want.set_attr("progress", Value::from("half"))
        .expect("an object");
    assert_eq!(resp.new_state, want);
}

#[tokio::test]
async fn an_update_interrupted_before_recording_returns_the_prior_state() {
    let (server, probe) = configured().await;
    let (prior, change) = update(BLOCK);
    let resp = apply_then_stop(&server, &probe, change).await;
    assert_eq!(summaries(&resp), ["Operation interrupted"]);
    assert_eq!(resp.new_state, prior);
}

#[tokio::test]
async fn operations_after_a_stop_get_a_fresh_token() {
    let (server, _probe) = configured().await;
    server.stop_provider();
    let ctx = server.context().expect("configured");
    assert!(!ctx.is_cancelled());
}

#[tokio::test]
async fn unconfigured_operations_fail_with_a_diagnostic() {
    let server = Server::new(slow_provider(Arc::default()));
    let (prior, change) = update(RECORD_THEN_FAIL);
    let resp = apply(&server, change).await;
    assert_eq!(summaries(&resp), ["Provider Not Configured"]);
    assert_eq!(resp.new_state, prior, "the prior state, untouched");
}
