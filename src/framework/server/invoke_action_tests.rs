//! InvokeAction: progress, then exactly one completion, however the invocation ends; under
//! StopProvider an action's write in flight gets the stop grace, as a resource's change does,
//! and its progress and completion still go out; only an action that outlasts the grace is
//! abandoned; a client that stops listening cancels it at once.

use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio_stream::StreamExt;

use super::ActionEvents;
use crate::cty::Value;
use crate::framework::action::{ActionEvent, InvokeRequest};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::server::STOP_GRACE;
use crate::framework::server::test_support::{
    ANSWERED_AFTER_STOP, Lab, NEVER_ANSWERED, TestServer, configured, configured_with, count,
    served, summaries, unconfigured, write,
};
use crate::framework::values::ValueExt;

fn invoke(server: &TestServer, req: InvokeRequest) -> ActionEvents {
    let handle = served(server.actions(), "test_count");
    server.invoke_action(handle, req)
}

/// Invokes `test_write` in `mode`, and sends StopProvider once its write is in flight.
async fn invoke_then_stop(server: &TestServer, lab: &Lab, mode: &str) -> ActionEvents {
    let handle = served(server.actions(), "test_write");
    let events = server.invoke_action(handle, write(mode));
    tokio::time::timeout(Duration::from_secs(5), lab.hang.started.notified())
        .await
        .expect("the write is in flight");
    server.stop_provider();
    events
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
    let (server, _) = configured(Lab::default()).await;
    let (lines, diags) = split(drain(invoke(&server, count(3, false, false))).await);
    assert_eq!(lines, ["step 1", "step 2", "step 3"]);
    assert_eq!(summaries(&diags), ["Counted"]);
    let (lines, diags) = split(drain(invoke(&server, count(1, true, false))).await);
    assert_eq!(lines, ["step 1"]);
    assert_eq!(summaries(&diags), ["Counted", "Count Failed"]);
}

#[tokio::test]
async fn an_interrupted_invocation_completes_once_with_what_it_recorded() {
    let (server, lab) = configured(Lab::default()).await;
    let running = lab.hang.started.notified();
    let events = invoke(&server, count(2, false, true));
    running.await;
    server.stop_provider();
    let (lines, diags) = split(drain(events).await);
    assert_eq!(lines, ["step 1", "step 2"]);
    assert_eq!(summaries(&diags), ["Counted", "Operation interrupted"]);
}

#[tokio::test]
async fn an_invocation_whose_client_left_is_cancelled() {
    let (server, lab) = configured(Lab::default()).await;
    let running = lab.hang.started.notified();
    let cancelled = lab.hang.cancelled.notified();
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
    let (server, lab) = configured(Lab::default()).await;
    let mut unknown = count(1, false, false);
    unknown
        .config
        .set_attr("steps", Value::unknown())
        .expect("an object");
    let (lines, diags) = split(drain(invoke(&server, unknown)).await);
    assert!(lines.is_empty());
    assert_eq!(summaries(&diags), ["Unknown Configuration Value"]);
    assert_eq!(lab.invokes.load(Ordering::SeqCst), 0);

    let (lines, diags) = split(drain(invoke(&server, count(-1, false, false))).await);
    assert!(lines.is_empty());
    assert_eq!(summaries(&diags), ["Action Ended Without Completing"]);
}

#[tokio::test]
async fn invoke_needs_a_configured_provider() {
    let server = unconfigured(Lab::default());
    let (_, diags) = split(drain(invoke(&server, count(1, false, false))).await);
    assert_eq!(summaries(&diags), ["Provider Not Configured"]);
}

#[tokio::test]
async fn a_write_in_flight_at_stop_finishes_and_completes_uninterrupted() {
    let (server, lab) = configured_with(Lab::default(), STOP_GRACE).await;
    let events = invoke_then_stop(&server, &lab, ANSWERED_AFTER_STOP).await;
    let (lines, diags) = split(drain(events).await);
    assert_eq!(lines, ["write sent", "write done"]);
    assert_eq!(
        summaries(&diags),
        ["Written"],
        "no interruption error for an action that finished within the grace"
    );
}

#[tokio::test]
async fn an_action_that_outlasts_the_grace_is_abandoned_with_its_progress_kept() {
    let (server, lab) = configured(Lab::default()).await;
    let abandoned = lab.hang.dropped.notified();
    let events = invoke_then_stop(&server, &lab, NEVER_ANSWERED).await;
    let (lines, diags) = split(drain(events).await);
    assert_eq!(lines, ["write sent"]);
    assert_eq!(summaries(&diags), ["Operation interrupted"]);
    tokio::time::timeout(Duration::from_secs(5), abandoned)
        .await
        .expect("the invocation was dropped");
}

#[tokio::test]
async fn a_client_gone_during_the_grace_cancels_at_once() {
    let (server, lab) = configured_with(Lab::default(), STOP_GRACE).await;
    let abandoned = lab.hang.dropped.notified();
    let events = invoke_then_stop(&server, &lab, NEVER_ANSWERED).await;
    drop(events);
    tokio::time::timeout(Duration::from_secs(5), abandoned)
        .await
        .expect("dropped well before the grace ran out");
}
