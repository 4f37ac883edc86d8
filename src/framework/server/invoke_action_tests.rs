//! InvokeAction under StopProvider: an action's write in flight gets the stop grace, as a
//! resource's change does, and its progress and completion still go out; only an action that
//! outlasts the grace is abandoned; a client that stops listening cancels it at once.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio_stream::StreamExt;

use super::test_support::{TestProvider, configure};
use super::{ActionEvents, STOP_GRACE, Server};
use crate::cty::{Type, Value};
use crate::framework::action::{Action, ActionEvent, InvokeRequest, InvokeResponse, Progress};
use crate::framework::context::Context;
use crate::framework::schema::{Attribute, Block, Schema};
use crate::framework::values::ValueExt;

/// What `lab_write` tells the test.
#[derive(Default)]
struct Probe {
    /// The write is in flight.
    writing: Notify,
    /// The invocation was dropped before it finished.
    dropped: Notify,
}

/// `lab_write` in this mode gets its answer once StopProvider has come, then reports it.
const ANSWERED_AFTER_STOP: &str = "answered after stop";
/// `lab_write` in this mode never gets an answer.
const NEVER_ANSWERED: &str = "never answered";

/// `lab_write`: sends one write, reports it, and waits for the answer as `mode` says.
struct Write;

/// Notifies when dropped: the engine abandoned the invocation.
struct OnDrop<'a>(&'a Notify);

impl Drop for OnDrop<'_> {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

#[async_trait]
impl Action<Arc<Probe>> for Write {
    fn type_name(&self) -> &'static str {
        "lab_write"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            0,
            Block::new().attribute("mode", Attribute::required(Type::String)),
        )
    }

    async fn invoke(
        &self,
        ctx: &Context<Arc<Probe>>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        let probe = ctx.provider_data();
        progress.send("write sent").await;
        if req.config.attr("mode").as_str() == Some(ANSWERED_AFTER_STOP) {
            probe.writing.notify_one();
            ctx.cancellation().cancelled().await;
            // The answer arrives after the stop: the engine must still be listening.
            tokio::task::yield_now().await;
            progress.send("write done").await;
            resp.diagnostics.warning("Written", "after the stop");
            return;
        }
        let _abandoned = OnDrop(&probe.dropped);
        probe.writing.notify_one();
        std::future::pending::<()>().await;
    }
}

/// A configured server serving `lab_write`, whose changes get `grace` after StopProvider.
async fn configured(grace: Duration) -> (Arc<Server<TestProvider<Probe>>>, Arc<Probe>) {
    let probe = Arc::new(Probe::default());
    let mut provider = TestProvider::new("lab", Arc::clone(&probe));
    provider.actions.push(Arc::new(Write));
    let server = Arc::new(Server::new(provider).with_stop_grace(grace));
    configure(&server).await;
    (server, probe)
}

/// Invokes `lab_write` in `mode`, and sends StopProvider once its write is in flight.
async fn invoke_then_stop(
    server: &Server<TestProvider<Probe>>,
    probe: &Probe,
    mode: &str,
) -> ActionEvents {
    let handle = server.action("lab_write").expect("served");
    let config = Value::Object([("mode".to_owned(), Value::from(mode))].into());
    let events = server.invoke_action(handle, InvokeRequest { config });
    tokio::time::timeout(Duration::from_secs(5), probe.writing.notified())
        .await
        .expect("the write is in flight");
    server.stop_provider();
    events
}

/// The progress lines, and the summaries of the completion, which must come once and last.
async fn outcome(events: ActionEvents) -> (Vec<String>, Vec<String>) {
    let events: Vec<ActionEvent> = tokio::time::timeout(Duration::from_secs(10), events.collect())
        .await
        .expect("the stream ends");
    let (last, progress) = events.split_last().expect("a completion");
    let ActionEvent::Completed(diagnostics) = last else {
        panic!("the last event is no completion: {events:?}");
    };
    let lines = progress
        .iter()
        .map(|event| match event {
            ActionEvent::Progress(line) => line.clone(),
            ActionEvent::Completed(_) => panic!("a second completion: {events:?}"),
        })
        .collect();
    let summaries = diagnostics.iter().map(|d| d.summary.clone()).collect();
    (lines, summaries)
}

#[tokio::test]
async fn a_write_in_flight_at_stop_finishes_and_completes_uninterrupted() {
    let (server, probe) = configured(STOP_GRACE).await;
    let events = invoke_then_stop(&server, &probe, ANSWERED_AFTER_STOP).await;
    let (lines, summaries) = outcome(events).await;
    assert_eq!(lines, ["write sent", "write done"]);
    assert_eq!(
        summaries,
        ["Written"],
        "no interruption error for an action that finished within the grace"
    );
}

#[tokio::test]
async fn an_action_that_outlasts_the_grace_is_abandoned_with_its_progress_kept() {
    let (server, probe) = configured(Duration::from_millis(50)).await;
    let abandoned = probe.dropped.notified();
    let events = invoke_then_stop(&server, &probe, NEVER_ANSWERED).await;
    let (lines, summaries) = outcome(events).await;
    assert_eq!(lines, ["write sent"]);
    assert_eq!(summaries, ["Operation interrupted"]);
    tokio::time::timeout(Duration::from_secs(5), abandoned)
        .await
        .expect("the invocation was dropped");
}

#[tokio::test]
async fn a_client_gone_during_the_grace_cancels_at_once() {
    let (server, probe) = configured(STOP_GRACE).await;
    let abandoned = probe.dropped.notified();
    let events = invoke_then_stop(&server, &probe, NEVER_ANSWERED).await;
    drop(events);
    tokio::time::timeout(Duration::from_secs(5), abandoned)
        .await
        .expect("dropped well before the grace ran out");
}
