//! ApplyResourceChange: what a create, update or delete answers when it succeeds, fails, is
//! interrupted or breaks the invariants, and the identity it answers.

use std::sync::Arc;
use std::time::Duration;

use super::{ApplyResourceChangeResponse, Change};
use crate::cty::Value;
use crate::framework::server::test_support::{
    BLOCK, BREAK, FORGET, Lab, OTHER, RECORD_THEN_BLOCK, RECORD_THEN_FAIL, TestServer,
    WRITE_IN_FLIGHT, assert_no_diagnostics, configured, configured_with, member, member_config,
    member_identity, served, slow, stopped_while_running, summaries, thing, unconfigured,
};
use crate::framework::values::ValueExt;

/// A create of a `test_slow` in `mode`.
fn create(mode: &str) -> Change {
    Change::new(
        Value::Null,
        slow(Value::unknown(), mode, Value::unknown()),
        slow(Value::Null, mode, Value::Null),
        Vec::new(),
        Value::Null,
    )
}

/// The prior state of a `test_slow` update.
fn prior() -> Value {
    slow(Value::from("thing-1"), "before", Value::from("done"))
}

/// What a `test_slow` update records after its first step, on the prior state.
fn after_first_step() -> Value {
    slow(Value::from("thing-1"), "before", Value::from("half"))
}

/// The prior state of a `test_slow` update, and the update to `mode`.
fn update(mode: &str) -> (Value, Change) {
    let prior = prior();
    let change = Change::new(
        prior.clone(),
        slow(Value::from("thing-1"), mode, Value::unknown()),
        slow(Value::Null, mode, Value::Null),
        Vec::new(),
        Value::Null,
    );
    (prior, change)
}

async fn apply(
    server: &TestServer,
    type_name: &str,
    change: Change,
) -> ApplyResourceChangeResponse {
    let resource = served(server.resources(), type_name);
    server.apply_resource_change(resource, change).await
}

/// Applies `change` to a `test_slow` on `configured`, sends StopProvider once the resource
/// blocks (or has its write in flight), and returns the answer and the lab.
async fn apply_then_stop(
    (server, lab): (Arc<TestServer>, Arc<Lab>),
    change: Change,
) -> (ApplyResourceChangeResponse, Arc<Lab>) {
    let resp = stopped_while_running(&server, &lab, |server| async move {
        apply(&server, "test_slow", change).await
    })
    .await;
    (resp, lab)
}

/// Applies `change` to a `test_slow` that blocks past the tests' short grace, sending
/// StopProvider: the answer must say the change was interrupted.
async fn interrupted(change: Change) -> (ApplyResourceChangeResponse, Arc<Lab>) {
    let (resp, lab) = apply_then_stop(configured(Lab::default()).await, change).await;
    assert_eq!(summaries(&resp.diagnostics), ["Operation interrupted"]);
    (resp, lab)
}

/// Applies `change` to a `test_slow` whose second step fails: the answer must say so.
async fn failed(change: Change) -> ApplyResourceChangeResponse {
    let (server, _) = configured(Lab::default()).await;
    let resp = apply(&server, "test_slow", change).await;
    assert_eq!(summaries(&resp.diagnostics), ["Step two failed"]);
    resp
}

#[tokio::test]
async fn a_change_that_outlasts_the_grace_is_abandoned() {
    let (resp, lab) = interrupted(create(BLOCK)).await;
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
    tokio::time::timeout(Duration::from_secs(2), lab.hang.cancelled.notified())
        .await
        .expect("the resource's token was cancelled");
}

#[tokio::test]
async fn a_create_with_a_write_in_flight_finishes_after_a_stop() {
    // The default grace: the write finishes well within it.
    let configured = configured_with(Lab::default(), crate::framework::server::STOP_GRACE).await;
    let (resp, _) = apply_then_stop(configured, create(WRITE_IN_FLIGHT)).await;
    assert!(
        resp.diagnostics.is_empty(),
        "a completed change is no error, so Terraform does not taint it: {:?}",
        resp.diagnostics
    );
    assert_eq!(
        resp.new_state,
        slow(Value::from("thing-1"), WRITE_IN_FLIGHT, Value::from("done"))
    );
}

#[tokio::test]
async fn an_interrupted_create_returns_what_it_recorded() {
    let (resp, _) = interrupted(create(RECORD_THEN_BLOCK)).await;
    assert_eq!(
        resp.new_state,
        slow(Value::from("thing-1"), RECORD_THEN_BLOCK, Value::Null),
        "the recorded id, unknowns as null"
    );
}

#[tokio::test]
async fn a_failed_create_returns_what_it_recorded() {
    let resp = failed(create(RECORD_THEN_FAIL)).await;
    assert_eq!(
        resp.new_state,
        slow(Value::from("thing-1"), RECORD_THEN_FAIL, Value::Null)
    );
}

#[tokio::test]
async fn an_interrupted_update_returns_what_it_recorded() {
    let (resp, _) = interrupted(update(RECORD_THEN_BLOCK).1).await;
    assert_eq!(
        resp.new_state,
        after_first_step(),
        "the prior state advanced by the first change"
    );
}

#[tokio::test]
async fn a_failed_update_returns_what_it_recorded() {
    let resp = failed(update(RECORD_THEN_FAIL).1).await;
    assert_eq!(resp.new_state, after_first_step());
}

#[tokio::test]
async fn an_update_interrupted_before_recording_returns_the_prior_state() {
    let (prior, change) = update(BLOCK);
    let (resp, _) = interrupted(change).await;
    assert_eq!(resp.new_state, prior);
}

#[tokio::test]
async fn unconfigured_operations_fail_with_a_diagnostic() {
    let server = unconfigured(Lab::default());
    let (prior, change) = update(RECORD_THEN_FAIL);
    let resp = apply(&server, "test_slow", change).await;
    assert_eq!(summaries(&resp.diagnostics), ["Provider Not Configured"]);
    assert_eq!(resp.new_state, prior, "the prior state, untouched");
}

#[tokio::test]
async fn apply_invariants_become_diagnostics() {
    let (server, _lab) = configured(Lab::default()).await;
    let resp = apply(&server, "test_slow", create(BREAK)).await;
    let mut got = summaries(&resp.diagnostics);
    got.sort_unstable();
    assert_eq!(
        got,
        [
            "Applied Value Differs From Plan",
            "Unknown Value After Create"
        ]
    );
    assert!(
        resp.new_state.is_wholly_known(),
        "no unknown reaches Terraform: {:?}",
        resp.new_state
    );
}

#[tokio::test]
async fn create_update_and_delete_answer_what_the_resource_did() {
    let (server, lab) = configured(Lab::default()).await;
    let config = thing(&[("name", Value::from("a")), ("note", Value::from("n1"))]);
    let planned = thing(&[
        ("id", Value::unknown()),
        ("arn", Value::unknown()),
        ("name", Value::from("a")),
        ("note", Value::from("n1")),
        ("mode", Value::from("standard")),
    ]);
    let created = apply(
        &server,
        "test_thing",
        Change::new(Value::Null, planned, config, Vec::new(), Value::Null),
    )
    .await;
    assert_no_diagnostics(&created.diagnostics);
    let state = created.new_state;
    assert_eq!(state.attr("id"), &Value::from("thing-1"));
    assert_eq!(state.attr("arn"), &Value::from("arn:test:a:1"));
    assert!(state.is_wholly_known());

    let config = thing(&[("name", Value::from("a")), ("note", Value::from("n2"))]);
    let mut planned = state.clone();
    planned
        .set_attr("note", Value::from("n2"))
        .expect("an object");
    planned
        .set_attr("arn", Value::unknown())
        .expect("an object");
    let updated = apply(
        &server,
        "test_thing",
        Change::new(state, planned, config, Vec::new(), Value::Null),
    )
    .await;
    assert_no_diagnostics(&updated.diagnostics);
    let state = updated.new_state;
    assert_eq!(state.attr("arn"), &Value::from("arn:test:a:2"));
    assert_eq!(state.attr("note"), &Value::from("n2"));

    let deleted = apply(
        &server,
        "test_thing",
        Change::new(state, Value::Null, Value::Null, Vec::new(), Value::Null),
    )
    .await;
    assert_no_diagnostics(&deleted.diagnostics);
    assert_eq!(deleted.new_state, Value::Null);
    assert!(lab.things.lock().unwrap().is_empty());
}

#[tokio::test]
async fn apply_answers_an_identity() {
    let (server, _) = configured(Lab::default()).await;
    let full = member_identity("111");
    let planned = |note: Value| {
        let mut p = member("111", note);
        p.set_attr("id", Value::unknown()).expect("an object");
        p
    };
    let create = |note: Value| {
        Change::new(
            Value::Null,
            planned(note.clone()),
            member_config(Value::from("111"), note),
            Vec::new(),
            member_identity("111"),
        )
    };
    let created = apply(&server, "test_member", create(Value::Null)).await;
    assert_no_diagnostics(&created.diagnostics);
    assert_eq!(created.new_identity, full);
    let forgot = apply(&server, "test_member", create(Value::from(FORGET))).await;
    assert_eq!(
        summaries(&forgot.diagnostics),
        ["Missing Resource Identity After Create"]
    );
    assert_eq!(forgot.new_identity, Value::Null, "never all null");

    let update = |note: &str| {
        Change::new(
            member("111", Value::Null),
            member("111", Value::from(note)),
            member_config(Value::from("111"), Value::from(note)),
            Vec::new(),
            full.clone(),
        )
    };
    let updated = apply(&server, "test_member", update("n")).await;
    assert_no_diagnostics(&updated.diagnostics);
    assert_eq!(updated.new_identity, full);
    let changed = apply(&server, "test_member", update(OTHER)).await;
    assert_eq!(
        summaries(&changed.diagnostics),
        ["Unexpected Identity Change"]
    );
    assert_eq!(changed.new_identity, full, "the planned identity is kept");

    let deleted = apply(
        &server,
        "test_member",
        Change::new(
            member("111", Value::Null),
            Value::Null,
            Value::Null,
            Vec::new(),
            full,
        ),
    )
    .await;
    assert_eq!(deleted.new_identity, Value::Null);
}
