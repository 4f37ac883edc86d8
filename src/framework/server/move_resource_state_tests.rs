//! MoveResourceState: moves from the sources a type lists, and nothing else.

use super::MoveSourceState;
use crate::cty::Value;
use crate::framework::server::test_support::{Lab, configured, identity, member, summaries};

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
    let resource = server.resource("test_member").unwrap();
    let aws = "registry.terraform.io/hashicorp/aws";
    let moved = server
        .move_resource_state(
            resource,
            source(aws, "aws_member", r#"{"account_id":"111"}"#),
        )
        .await;
    assert!(moved.diagnostics.is_empty(), "{:?}", moved.diagnostics);
    assert_eq!(moved.state, member("111", Value::Null));
    assert_eq!(
        moved.identity,
        identity(Value::from("111"), Value::from("iam"))
    );

    let other = server
        .move_resource_state(resource, source(aws, "aws_instance", "{}"))
        .await;
    assert_eq!(summaries(&other.diagnostics), ["Unsupported Resource Move"]);
    let detail = &other.diagnostics.iter().next().unwrap().detail;
    assert!(
        detail.contains("aws_instance")
            && detail.contains(aws)
            && detail.contains("aws_member from hashicorp/aws"),
        "names what was given and what is accepted: {detail}"
    );
    let unmovable = server.resource("test_thing").unwrap();
    let refused = server
        .move_resource_state(unmovable, source(aws, "aws_member", "{}"))
        .await;
    assert!(
        refused
            .diagnostics
            .iter()
            .next()
            .unwrap()
            .detail
            .contains("no resource type of another provider"),
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
