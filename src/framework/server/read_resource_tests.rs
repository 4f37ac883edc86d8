//! ReadResource: what a refresh answers, its interruption, and the identity it keeps.

use std::sync::Arc;
use std::time::Duration;

use crate::cty::Value;
use crate::framework::server::STOP_GRACE;
use crate::framework::server::test_support::{
    BLOCK, FORGET, Lab, configured, configured_with, identity, member, read, slow, summaries, thing,
};

#[tokio::test]
async fn a_read_answers_what_the_resource_found_and_null_once_it_is_gone() {
    let (server, lab) = configured(Lab::default()).await;
    let state = thing(&[
        ("id", Value::from("thing-1")),
        ("arn", Value::from("arn:test:a:1")),
        ("name", Value::from("a")),
        ("mode", Value::from("standard")),
    ]);
    lab.things
        .lock()
        .unwrap()
        .insert("thing-1".into(), state.clone());
    let found = read(&server, "test_thing", state.clone(), Value::Null).await;
    assert!(found.diagnostics.is_empty(), "{:?}", found.diagnostics);
    assert_eq!(found.state, state);

    lab.things.lock().unwrap().clear();
    let gone = read(&server, "test_thing", state, Value::Null).await;
    assert!(gone.diagnostics.is_empty(), "{:?}", gone.diagnostics);
    assert_eq!(gone.state, Value::Null, "removed from state");
}

#[tokio::test]
async fn a_read_is_interrupted_without_a_grace() {
    let (server, lab) = configured_with(Lab::default(), STOP_GRACE).await;
    let started = lab.hang.started.notified();
    let in_flight = {
        let server = Arc::clone(&server);
        let state = slow(Value::from("thing-1"), BLOCK, Value::from("done"));
        tokio::spawn(async move { read(&server, "test_slow", state, Value::Null).await })
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
async fn read_derives_the_identity_and_keeps_the_stored_one() {
    let (server, _) = configured(Lab::default()).await;
    let state = member("111", Value::Null);
    let full = identity(Value::from("111"), Value::from("iam"));
    let cases = [
        ("none stored: first read after an import", Value::Null),
        ("same as stored", full.clone()),
        (
            "a null attribute filled in",
            identity(Value::from("111"), Value::Null),
        ),
    ];
    for (name, stored) in cases {
        let resp = read(&server, "test_member", state.clone(), stored).await;
        assert!(
            resp.diagnostics.is_empty(),
            "{name}: {:?}",
            resp.diagnostics
        );
        assert_eq!(resp.identity, full, "{name}");
    }

    let stored = identity(Value::from("222"), Value::from("iam"));
    let resp = read(&server, "test_member", state.clone(), stored.clone()).await;
    assert_eq!(summaries(&resp.diagnostics), ["Unexpected Identity Change"]);
    let detail = &resp.diagnostics.iter().next().unwrap().detail;
    assert!(
        detail.contains(r#"Current Identity: {"account_id":"222","principal":"iam"}"#)
            && detail.contains(r#"New Identity: {"account_id":"111","principal":"iam"}"#),
        "{detail}"
    );
    assert_eq!(resp.identity, stored, "the stored identity is kept");

    let forgot = member("111", Value::from(FORGET));
    let resp = read(&server, "test_member", forgot, full.clone()).await;
    assert_eq!(
        summaries(&resp.diagnostics),
        ["Missing Resource Identity After Read"]
    );
    assert_eq!(resp.identity, full);

    let gone = read(&server, "test_member", Value::Null, full).await;
    assert_eq!(gone.identity, Value::Null);
}
