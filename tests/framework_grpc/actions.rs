//! ValidateActionConfig, PlanAction, InvokeAction: never deferred, and the stream's shape:
//! every event typed, progress lines, then exactly one completion, last, also after a stop.

use std::time::Duration;

use centralroot::cty::Value;
use centralroot::tfplugin6 as pb;
use pb::invoke_action::event::Type as EventType;
use tokio_stream::StreamExt;

use crate::support::{Client, TestProvider, configured, countdown, error_paths, summaries};

/// Progress lines and the diagnostics of the completion, checking what Terraform relies on:
/// every event has a type, exactly one is a completion, and it is the last.
async fn invoke(
    client: &mut Client,
    config: Option<pb::DynamicValue>,
) -> (Vec<String>, Vec<pb::Diagnostic>) {
    let stream = client
        .invoke_action(pb::invoke_action::Request {
            action_type: "test_countdown".into(),
            config,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    let events: Vec<_> = tokio::time::timeout(Duration::from_secs(10), stream.collect())
        .await
        .expect("the stream ends");
    let mut lines = Vec::new();
    let mut completions = Vec::new();
    for event in events {
        assert!(completions.is_empty(), "an event after the completion");
        match event
            .expect("no stream error")
            .r#type
            .expect("a typed event")
        {
            EventType::Progress(p) => lines.push(p.message),
            EventType::Completed(c) => completions.push(c.diagnostics),
        }
    }
    assert_eq!(completions.len(), 1, "exactly one completion");
    (lines, completions.remove(0))
}

#[tokio::test]
async fn action_validate_and_plan() {
    let mut client = configured(TestProvider::default()).await;
    let invalid = client
        .validate_action_config(pb::validate_action_config::Request {
            type_name: "test_countdown".into(),
            config: countdown(Value::Null, false, false),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(error_paths(&invalid.diagnostics), [["from"]]);
    let planned = client
        .plan_action(pb::plan_action::Request {
            action_type: "test_countdown".into(),
            config: countdown(Value::unknown(), false, false),
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed: true,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
    assert!(planned.deferred.is_none(), "never deferred");
}

#[tokio::test]
async fn an_action_streams_progress_then_exactly_one_completion() {
    let mut client = configured(TestProvider::default()).await;
    let (lines, diags) = invoke(&mut client, countdown(Value::from(3), false, false)).await;
    assert_eq!(lines, ["3", "2", "1"]);
    assert!(diags.is_empty(), "{diags:?}");
    let (lines, diags) = invoke(&mut client, countdown(Value::from(2), true, false)).await;
    assert_eq!(lines, ["2", "1"]);
    assert_eq!(summaries(&diags), ["Countdown Failed"]);
    let (lines, diags) = invoke(&mut client, countdown(Value::unknown(), false, false)).await;
    assert!(lines.is_empty());
    assert_eq!(error_paths(&diags), [["from"]]);
}

#[tokio::test]
async fn an_interrupted_action_completes_once_with_the_interruption() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;
    let started = provider.store.slow_started.notified();
    let in_flight = {
        let mut client = client.clone();
        tokio::spawn(
            async move { invoke(&mut client, countdown(Value::from(2), false, true)).await },
        )
    };
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("the action started");
    client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let (lines, diags) = tokio::time::timeout(Duration::from_secs(10), in_flight)
        .await
        .expect("the interrupted action completes")
        .unwrap();
    assert_eq!(lines, ["2", "1"]);
    assert_eq!(summaries(&diags), ["Operation interrupted"]);
}
