//! ValidateListResourceConfig and ListResource: which list types are served, and what a
//! listing streams.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use futures::StreamExt;

use super::ListEvent;
use crate::cty::Value;
use crate::framework::list_resource::{ListRequest, ValidateConfigRequest};
use crate::framework::server::test_support::{
    Lab, TestServer, configured, member, member_identity, served, summaries, unconfigured,
};
use crate::framework::values::test_values::obj;

fn listing(include_resource_object: bool, limit: i64) -> ListRequest {
    ListRequest {
        config: obj(&[("principal", Value::Null)]),
        include_resource_object,
        limit,
    }
}

async fn list(server: &TestServer, include: bool, limit: i64) -> Vec<ListEvent> {
    let list = served(server.list_resources(), "test_member");
    server
        .stream_list_resource(list, listing(include, limit))
        .collect()
        .await
}

/// A configured server whose lab lists `accounts`, failing at `fail_at`.
async fn listing_of(
    accounts: Vec<&'static str>,
    fail_at: Option<usize>,
) -> (Arc<TestServer>, Arc<Lab>) {
    configured(Lab {
        accounts,
        fail_at,
        ..Lab::default()
    })
    .await
}

#[tokio::test]
async fn types_opt_in_and_list_types_need_an_identity() {
    let (server, _) = configured(Lab::default()).await;
    assert!(
        served(server.resources(), "test_member")
            .identity_schema()
            .is_some()
    );
    assert!(
        served(server.resources(), "test_thing")
            .identity_schema()
            .is_none()
    );
    let lists: Vec<_> = server
        .list_resources()
        .iter()
        .map(|l| l.type_name())
        .collect();
    assert_eq!(
        lists,
        ["test_member"],
        "orphans and types without identity are refused"
    );
}

#[tokio::test]
async fn list_streams_results_with_identities() {
    let (server, _) = listing_of(vec!["111", "222"], None).await;
    let events = list(&server, true, 100).await;
    let got: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e.display_name.as_str(),
                e.identity.clone(),
                e.resource_object.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "111",
                member_identity("111"),
                Some(member("111", Value::Null))
            ),
            (
                "222",
                member_identity("222"),
                Some(member("222", Value::Null))
            ),
        ]
    );
    let without = list(&server, false, 100).await;
    assert!(
        without
            .iter()
            .all(|e| e.resource_object.is_none() && !e.identity.is_null())
    );
    assert_eq!(without.len(), 2);
}

#[tokio::test]
async fn list_stops_at_the_limit() {
    let (server, lab) = listing_of(vec!["1", "2", "3", "4", "5", "6"], None).await;
    let events = list(&server, false, 2).await;
    let names: Vec<_> = events.iter().map(|e| e.display_name.as_str()).collect();
    assert_eq!(names, ["1", "2"]);
    // One result may wait in the channel when the limit is reached; the listing stops there.
    assert!(lab.pushed.load(Ordering::SeqCst) <= 3);
    assert!(list(&server, false, 0).await.is_empty());
}

#[tokio::test]
async fn a_warning_goes_out_at_once_between_results_and_counts_for_no_limit() {
    let (server, _) = configured(Lab {
        accounts: vec!["111", "222", "333"],
        warn_at: Some(1),
        ..Lab::default()
    })
    .await;
    let events = list(&server, false, 2).await;
    let shape: Vec<_> = events
        .iter()
        .map(|e| (e.display_name.as_str(), summaries(&e.diagnostics)))
        .collect();
    assert_eq!(
        shape,
        [
            ("111", vec![]),
            ("", vec!["Member skipped"]),
            ("333", vec![]),
        ]
    );
    assert!(events[1].identity.is_null());
    assert!(!events[1].diagnostics.has_errors());
}

#[tokio::test]
async fn a_failed_listing_ends_with_its_error() {
    let (server, _) = listing_of(vec!["111", "222", "333"], Some(1)).await;
    let events = list(&server, false, 100).await;
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0].display_name, "111");
    assert_eq!(summaries(&events[1].diagnostics), ["Page failed"]);
    assert!(events[1].identity.is_null());
}

#[tokio::test]
async fn list_config_is_validated() {
    let (server, _) = configured(Lab::default()).await;
    let list = served(server.list_resources(), "test_member");
    let resp = server
        .validate_config(
            list,
            ValidateConfigRequest {
                config: obj(&[("principal", Value::from(""))]),
            },
        )
        .await;
    assert_eq!(summaries(&resp.diagnostics), ["Empty principal"]);
    let unconfigured = unconfigured(Lab::default());
    let list = served(unconfigured.list_resources(), "test_member");
    let events: Vec<_> = unconfigured
        .stream_list_resource(list, listing(false, 10))
        .collect()
        .await;
    assert_eq!(events.len(), 1);
    assert_eq!(
        summaries(&events[0].diagnostics),
        ["Provider Not Configured"]
    );
}
