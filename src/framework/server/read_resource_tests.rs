//! ReadResource: what a refresh answers, its interruption, and the identity it keeps.

use crate::cty::Value;
use crate::framework::server::STOP_GRACE;
use crate::framework::server::test_support::{
    BLOCK, FORGET, Lab, assert_no_diagnostics, configured, configured_with, created_thing,
    first_detail, identity, member, member_identity, read, slow, stopped_while_running, summaries,
};

#[tokio::test]
async fn a_read_answers_what_the_resource_found_and_null_once_it_is_gone() {
    let (server, lab) = configured(Lab::default()).await;
    let state = created_thing("a");
    lab.keep(state.clone());
    let found = read(&server, "test_thing", state.clone(), Value::Null).await;
    assert_no_diagnostics(&found.diagnostics);
    assert_eq!(found.state, state);

    lab.things.lock().unwrap().clear();
    let gone = read(&server, "test_thing", state, Value::Null).await;
    assert_no_diagnostics(&gone.diagnostics);
    assert_eq!(gone.state, Value::Null, "removed from state");
}

#[tokio::test]
async fn a_read_is_interrupted_without_a_grace() {
    // The default grace, which a read must not wait for: it returns within seconds.
    let (server, lab) = configured_with(Lab::default(), STOP_GRACE).await;
    let state = slow(Value::from("thing-1"), BLOCK, Value::from("done"));
    let resp = stopped_while_running(&server, &lab, |server| async move {
        read(&server, "test_slow", state, Value::Null).await
    })
    .await;
    assert!(resp.diagnostics.has_errors(), "{:?}", resp.diagnostics);
}

#[tokio::test]
async fn read_derives_the_identity_and_keeps_the_stored_one() {
    let (server, _) = configured(Lab::default()).await;
    let state = member("111", Value::Null);
    let full = member_identity("111");
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

    let stored = member_identity("222");
    let resp = read(&server, "test_member", state.clone(), stored.clone()).await;
    assert_eq!(summaries(&resp.diagnostics), ["Unexpected Identity Change"]);
    let detail = first_detail(&resp.diagnostics);
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
