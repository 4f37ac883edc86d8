//! Engine behaviour of ephemeral resources and actions: the checks on an opened result, the
//! refusal of unknown configuration, and the single completion of every invocation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tokio_stream::StreamExt;

use super::test_support::{Hang, TestProvider, configure, hang};
use super::{ActionEvents, Server};
use crate::cty::{AttributePath, Type, Value};
use crate::framework::action::{
    Action, ActionEvent, InvokeRequest, InvokeResponse, PlanRequest, Progress,
};
use crate::framework::context::Context;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::ephemeral_resource::{
    CloseRequest, CloseResponse, EphemeralResource, OpenRequest, OpenResponse, RenewRequest,
};
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::values::ValueExt;

/// What the types saw, for the tests to assert on.
#[derive(Default)]
struct Seen {
    opens: AtomicUsize,
    invokes: AtomicUsize,
    hang: Arc<Hang>,
}

type Lab = TestProvider<Seen>;

/// A provider serving `lab_lease` and `lab_count`.
fn lab(seen: Arc<Seen>) -> Lab {
    let mut provider = TestProvider::new("lab", seen);
    provider.ephemeral_resources.push(Arc::new(Lease));
    provider.actions.push(Arc::new(Count));
    provider
}

/// `lab_lease`: `how` picks the behaviour of `open`; `secret` is what it fills in.
struct Lease;

const RENEW_AT: Duration = Duration::from_secs(1_000);

#[async_trait]
impl EphemeralResource<Arc<Seen>> for Lease {
    fn type_name(&self) -> &'static str {
        "lab_lease"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute("how", Attribute::required(Type::String))
                .attribute("secret", Attribute::computed(Type::String).sensitive()),
        )
    }

    async fn open(&self, ctx: &Context<Arc<Seen>>, req: OpenRequest, resp: &mut OpenResponse) {
        ctx.provider_data().opens.fetch_add(1, Ordering::SeqCst);
        resp.private = b"lease-1".to_vec();
        resp.renew_at = Some(SystemTime::UNIX_EPOCH + RENEW_AT);
        match req.config.attr("how").as_str().unwrap_or_default() {
            "leave unknown" => resp.result.set_attr("secret", Value::unknown()),
            "rewrite" => resp.result.set_attr("how", Value::from("other")),
            "hold" => {
                hang(ctx, &ctx.provider_data().hang).await;
                Ok(())
            }
            _ => resp.result.set_attr("secret", Value::from("s3cr3t")),
        }
        .expect("the result starts as the configuration object");
    }

    async fn close(&self, _ctx: &Context<Arc<Seen>>, req: CloseRequest, resp: &mut CloseResponse) {
        if req.private != b"lease-1" {
            resp.diagnostics
                .error("Unknown Lease", "close got other private data");
        }
    }
}

/// `lab_count`: reports `steps` progress lines, then fails if `fail` is set or holds if
/// `hold` is set; panics when `steps` is negative.
struct Count;

#[async_trait]
impl Action<Arc<Seen>> for Count {
    fn type_name(&self) -> &'static str {
        "lab_count"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new()
                .attribute("steps", Attribute::required(Type::Number))
                .attribute("fail", Attribute::optional(Type::Bool))
                .attribute("hold", Attribute::optional(Type::Bool)),
        )
    }

    async fn invoke(
        &self,
        ctx: &Context<Arc<Seen>>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        ctx.provider_data().invokes.fetch_add(1, Ordering::SeqCst);
        let steps = req.config.attr("steps").as_i64().unwrap_or_default();
        assert!(steps >= 0, "a negative count");
        for step in 1..=steps {
            progress.send(format!("step {step}")).await;
        }
        resp.diagnostics
            .warning("Counted", format!("{steps} steps"));
        if req.config.attr("fail").as_bool() == Some(true) {
            resp.diagnostics
                .error("Count Failed", "after the last step");
        }
        if req.config.attr("hold").as_bool() == Some(true) {
            hang(ctx, &ctx.provider_data().hang).await;
        }
    }
}

async fn configured() -> (Arc<Server<Lab>>, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    // A short stop grace: the interrupted invocation below never finishes by itself.
    let server =
        Arc::new(Server::new(lab(Arc::clone(&seen))).with_stop_grace(Duration::from_millis(50)));
    configure(&server).await;
    (server, seen)
}

fn lease(how: Value) -> Value {
    Value::Object([("how".to_owned(), how), ("secret".to_owned(), Value::Null)].into())
}

async fn open(server: &Server<Lab>, how: Value) -> OpenResponse {
    let handle = server.ephemeral_resource("lab_lease").expect("served");
    server
        .open_ephemeral_resource(handle, OpenRequest { config: lease(how) })
        .await
}

fn summaries(diags: &Diagnostics) -> Vec<&str> {
    diags.iter().map(|d| d.summary.as_str()).collect()
}

#[tokio::test]
async fn open_answers_the_filled_result_renewal_and_private_data() {
    let (server, _) = configured().await;
    let resp = open(&server, Value::from("plain")).await;
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(resp.result.attr("secret"), &Value::from("s3cr3t"));
    assert_eq!(resp.renew_at, Some(SystemTime::UNIX_EPOCH + RENEW_AT));
    assert_eq!(resp.private, b"lease-1");
}

#[tokio::test]
async fn open_refuses_unknown_configuration_without_calling_the_type() {
    let (server, seen) = configured().await;
    let resp = open(&server, Value::unknown()).await;
    assert_eq!(
        summaries(&resp.diagnostics),
        ["Unknown Configuration Value"]
    );
    assert_eq!(
        resp.diagnostics.iter().next().unwrap().attribute,
        Some(AttributePath::root("how"))
    );
    assert_eq!(seen.opens.load(Ordering::SeqCst), 0);
    assert_eq!(resp.result, Value::Null);
}

#[tokio::test]
async fn a_result_with_unknowns_or_a_rewritten_configuration_is_refused() {
    let (server, _) = configured().await;
    for (how, summary, path) in [
        ("leave unknown", "Unknown Value After Open", "secret"),
        ("rewrite", "Opened Value Differs From Configuration", "how"),
    ] {
        let resp = open(&server, Value::from(how)).await;
        assert_eq!(summaries(&resp.diagnostics), [summary], "{how}");
        assert_eq!(
            resp.diagnostics.iter().next().unwrap().attribute,
            Some(AttributePath::root(path)),
            "{how}"
        );
        assert_eq!(
            (resp.result, resp.renew_at, resp.private),
            (Value::Null, None, Vec::new()),
            "{how}: nothing for Terraform to register, renew or close"
        );
    }
}

#[tokio::test]
async fn stop_interrupts_an_open() {
    let (server, seen) = configured().await;
    let running = seen.hang.started.notified();
    let cancelled = seen.hang.cancelled.notified();
    let in_flight = {
        let server = Arc::clone(&server);
        tokio::spawn(async move { open(&server, Value::from("hold")).await })
    };
    running.await;
    server.stop_provider();
    let resp = in_flight.await.expect("no panic");
    assert_eq!(summaries(&resp.diagnostics), ["Operation interrupted"]);
    assert_eq!(resp.result, Value::Null);
    cancelled.await;
}

#[tokio::test]
async fn renew_keeps_private_data_and_ends_without_an_implementation() {
    let (server, _) = configured().await;
    let handle = server.ephemeral_resource("lab_lease").expect("served");
    let req = RenewRequest {
        private: b"lease-1".to_vec(),
    };
    let resp = server.renew_ephemeral_resource(handle, req).await;
    assert!(resp.diagnostics.is_empty());
    assert_eq!(resp.renew_at, None, "no further renewal");
    assert_eq!(resp.private, b"lease-1");
}

#[tokio::test]
async fn close_gets_the_private_data() {
    let (server, _) = configured().await;
    let handle = server.ephemeral_resource("lab_lease").expect("served");
    let close = |private: &[u8]| CloseRequest {
        private: private.to_vec(),
    };
    let resp = server
        .close_ephemeral_resource(handle, close(b"lease-1"))
        .await;
    assert!(resp.diagnostics.is_empty());
    let resp = server.close_ephemeral_resource(handle, close(b"")).await;
    assert_eq!(summaries(&resp.diagnostics), ["Unknown Lease"]);
}

fn count(steps: i64, fail: bool, hold: bool) -> InvokeRequest {
    InvokeRequest {
        config: Value::Object(
            [
                ("steps".to_owned(), Value::from(steps)),
                ("fail".to_owned(), Value::Bool(fail)),
                ("hold".to_owned(), Value::Bool(hold)),
            ]
            .into(),
        ),
    }
}

fn invoke(server: &Server<Lab>, req: InvokeRequest) -> ActionEvents {
    let handle = server.action("lab_count").expect("served");
    server.invoke_action(handle, req)
}

/// Every event until the stream ends.
async fn drain(events: ActionEvents) -> Vec<ActionEvent> {
    tokio::time::timeout(Duration::from_secs(10), events.collect())
        .await
        .expect("the stream ends")
}

/// The progress lines, and the diagnostics of the single completion, which must be last.
fn split(events: Vec<ActionEvent>) -> (Vec<String>, Diagnostics) {
    let mut lines = Vec::new();
    let mut completions = Vec::new();
    for event in events {
        assert!(completions.is_empty(), "an event after the completion");
        match event {
            ActionEvent::Progress(line) => lines.push(line),
            ActionEvent::Completed(diags) => completions.push(diags),
        }
    }
    assert_eq!(completions.len(), 1, "exactly one completion");
    (lines, completions.remove(0))
}

#[tokio::test]
async fn an_invocation_streams_its_progress_then_one_completion() {
    let (server, _) = configured().await;
    let (lines, diags) = split(drain(invoke(&server, count(3, false, false))).await);
    assert_eq!(lines, ["step 1", "step 2", "step 3"]);
    assert_eq!(summaries(&diags), ["Counted"]);
    let (lines, diags) = split(drain(invoke(&server, count(1, true, false))).await);
    assert_eq!(lines, ["step 1"]);
    assert_eq!(summaries(&diags), ["Counted", "Count Failed"]);
}

#[tokio::test]
async fn an_interrupted_invocation_completes_once_with_what_it_recorded() {
    let (server, seen) = configured().await;
    let running = seen.hang.started.notified();
    let events = invoke(&server, count(2, false, true));
    running.await;
    server.stop_provider();
    let (lines, diags) = split(drain(events).await);
    assert_eq!(lines, ["step 1", "step 2"]);
    assert_eq!(summaries(&diags), ["Counted", "Operation interrupted"]);
}

#[tokio::test]
async fn an_invocation_whose_client_left_is_cancelled() {
    let (server, seen) = configured().await;
    let running = seen.hang.started.notified();
    let cancelled = seen.hang.cancelled.notified();
    let events = invoke(&server, count(0, false, true));
    running.await;
    drop(events);
    tokio::time::timeout(Duration::from_secs(10), cancelled)
        .await
        .expect("the action's token was cancelled");
    let ctx = server.context().expect("configured");
    assert!(!ctx.is_cancelled(), "only that invocation was cancelled");
}

#[tokio::test]
async fn unknown_configuration_or_a_panic_still_completes_once() {
    let (server, seen) = configured().await;
    let mut unknown = count(1, false, false);
    unknown
        .config
        .set_attr("steps", Value::unknown())
        .expect("an object");
    let (lines, diags) = split(drain(invoke(&server, unknown)).await);
    assert!(lines.is_empty());
    assert_eq!(summaries(&diags), ["Unknown Configuration Value"]);
    assert_eq!(seen.invokes.load(Ordering::SeqCst), 0);

    let (lines, diags) = split(drain(invoke(&server, count(-1, false, false))).await);
    assert!(lines.is_empty());
    assert_eq!(summaries(&diags), ["Action Ended Without Completing"]);
}

#[tokio::test]
async fn plan_and_invoke_need_a_configured_provider() {
    let server = Server::new(lab(Arc::default()));
    let handle = server.action("lab_count").expect("served");
    let plan = server
        .plan_action(
            handle,
            PlanRequest {
                config: Value::unknown(),
            },
        )
        .await;
    assert_eq!(summaries(&plan.diagnostics), ["Provider Not Configured"]);
    let (_, diags) = split(drain(invoke(&server, count(1, false, false))).await);
    assert_eq!(summaries(&diags), ["Provider Not Configured"]);
}
