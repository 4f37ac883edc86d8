//! ImportResourceState: by ID and by identity, the resource's own refusal, and the read that
//! follows an import.

use crate::cty::Value;
use crate::framework::resource::{ImportStateRequest, ImportStateResponse};
use crate::framework::server::test_support::{
    Lab, TestServer, assert_no_diagnostics, configured, created_thing, first_detail, identity,
    member, member_identity, read, served, summaries, thing,
};
use crate::framework::values::ValueExt;
use crate::framework::values::test_values::obj;

async fn import(
    server: &TestServer,
    type_name: &str,
    id: &str,
    identity: Value,
) -> ImportStateResponse {
    let resource = served(server.resources(), type_name);
    let req = ImportStateRequest {
        type_name: resource.type_name(),
        id: id.to_owned(),
        identity,
    };
    server.import_resource_state(resource, req).await
}

#[tokio::test]
async fn import_then_read() {
    let (server, lab) = configured(Lab::default()).await;
    let created = created_thing("imported");
    lab.keep(created.clone());

    let resp = import(&server, "test_thing", "thing-1", Value::Null).await;
    assert_no_diagnostics(&resp.diagnostics);
    assert_eq!(resp.state, thing(&[("id", Value::from("thing-1"))]));
    let refreshed = read(&server, "test_thing", resp.state, Value::Null).await;
    assert_eq!(refreshed.state, created);

    let bad = import(&server, "test_thing", "nope", Value::Null).await;
    assert_eq!(summaries(&bad.diagnostics), ["Invalid Import ID"]);
    assert_eq!(bad.state, Value::Null, "nothing to import");
}

#[tokio::test]
async fn import_by_id_and_by_identity() {
    let (server, _) = configured(Lab::default()).await;
    let by_id = import(&server, "test_member", "111", Value::Null).await;
    assert_no_diagnostics(&by_id.diagnostics);
    assert_eq!(by_id.state.attr("id"), &Value::from("111"));
    assert_eq!(by_id.identity, Value::Null, "left to the read that follows");

    let by_identity = import(
        &server,
        "test_member",
        "",
        identity(Value::from("111"), Value::Null),
    )
    .await;
    assert_no_diagnostics(&by_identity.diagnostics);
    assert_eq!(by_identity.state, member("111", Value::Null));
    assert_eq!(by_identity.identity, member_identity("111"));

    let missing = import(
        &server,
        "test_member",
        "",
        identity(Value::Null, Value::from("iam")),
    )
    .await;
    assert_eq!(
        summaries(&missing.diagnostics),
        ["Missing Identity Attribute"]
    );
    assert!(first_detail(&missing.diagnostics).contains("account_id"));
    let without = import(&server, "test_thing", "", obj(&[])).await;
    assert_eq!(
        summaries(&without.diagnostics),
        ["Resource Identity Not Supported"]
    );
}
