//! MoveResourceState: moves from the sources a type lists, and nothing else.

use super::MoveSourceState;
use crate::cty::Value;
use crate::framework::server::test_support::{
    Lab, assert_no_diagnostics, configured, first_detail, member, member_identity, served,
    summaries,
};

fn source(provider: &str, type_name: &str, state: &str) -> MoveSourceState {
    MoveSourceState {
        provider_address: provider.to_owned(),
        type_name: type_name.to_owned(),
        schema_version: 0,
        state_json: state.as_bytes().to_vec(),
        private: Vec::new(),
        identity_json: Vec::new(),
    }
}

#[tokio::test]
async fn moves_from_listed_sources_only() {
    let (server, _) = configured(Lab::default()).await;
    let resource = served(server.resources(), "test_member");
    let aws = "registry.terraform.io/hashicorp/aws";
    let moved = server
        .move_resource_state(
            resource,
            source(aws, "aws_member", r#"{"account_id":"111"}"#),
        )
        .await;
    assert_no_diagnostics(&moved.diagnostics);
    assert_eq!(moved.state, member("111", Value::Null));
    assert_eq!(moved.identity, member_identity("111"));

    let other = server
        .move_resource_state(resource, source(aws, "aws_instance", "{}"))
        .await;
    assert_eq!(summaries(&other.diagnostics), ["Unsupported Resource Move"]);
    let detail = first_detail(&other.diagnostics);
    assert!(
        detail.contains("aws_instance")
            && detail.contains(aws)
            && detail.contains("aws_member from hashicorp/aws"),
        "names what was given and what is accepted: {detail}"
    );
    let unmovable = served(server.resources(), "test_thing");
    let refused = server
        .move_resource_state(unmovable, source(aws, "aws_member", "{}"))
        .await;
    assert!(
        first_detail(&refused.diagnostics).contains("no resource type of another provider"),
        "{:?}",
        refused.diagnostics
    );

    let unreadable = server
        .move_resource_state(resource, source(aws, "aws_member", "{not json"))
        .await;
    assert_eq!(
        summaries(&unreadable.diagnostics),
        ["Unable to Read Source State"]
    );
    let unknown = server
        .move_resource_state(
            resource,
            source(aws, "aws_member", r#"{"account_id":"1","broken":1}"#),
        )
        .await;
    assert_eq!(
        summaries(&unknown.diagnostics),
        ["Unknown Value After Move"]
    );
    assert_eq!(unknown.state, Value::Null);
}
