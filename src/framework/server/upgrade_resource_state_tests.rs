//! UpgradeResourceState: the current version read leniently, an older one through the
//! resource's upgrader, a newer one refused.

use crate::cty::Value;
use crate::framework::resource::UpgradeStateResponse;
use crate::framework::server::test_support::{
    Lab, TestServer, assert_no_diagnostics, configured, served, summaries, thing,
};
use crate::framework::values::ValueExt;

async fn upgrade(server: &TestServer, version: i64, json: &str) -> UpgradeStateResponse {
    let resource = served(server.resources(), "test_thing");
    server
        .upgrade_resource_state(resource, version, json.as_bytes())
        .await
}

#[tokio::test]
async fn the_current_version_drops_unknown_attributes_and_nulls_missing_ones() {
    let (server, _) = configured(Lab::default()).await;
    let resp = upgrade(
        &server,
        1,
        r#"{"id":"thing-7","name":"a","gone":"x","mode":"standard"}"#,
    )
    .await;
    assert_no_diagnostics(&resp.diagnostics);
    assert_eq!(
        resp.state,
        thing(&[
            ("id", Value::from("thing-7")),
            ("name", Value::from("a")),
            ("mode", Value::from("standard"))
        ])
    );
}

#[tokio::test]
async fn an_older_version_goes_through_the_resources_upgrader() {
    let (server, _) = configured(Lab::default()).await;
    let resp = upgrade(&server, 0, r#"{"id":"thing-7","title":"old"}"#).await;
    assert_no_diagnostics(&resp.diagnostics);
    assert_eq!(resp.state.attr("name"), &Value::from("old"), "title → name");
}

#[tokio::test]
async fn a_newer_version_is_refused() {
    let (server, _) = configured(Lab::default()).await;
    let resp = upgrade(&server, 2, "{}").await;
    assert_eq!(resp.state, Value::Null);
    assert_eq!(
        summaries(&resp.diagnostics),
        ["Unable to Upgrade Resource State"]
    );
}
