//! ValidateDataResourceConfig, ReadDataSource.

use centralroot::cty::Value;
use centralroot::framework::values::ValueExt;
use centralroot::tfplugin6 as pb;

use crate::support::{TestProvider, configured, echo, error_paths, un_echo};

#[tokio::test]
async fn data_source_validate_and_read() {
    let mut client = configured(TestProvider::default()).await;
    let resp = client
        .validate_data_resource_config(pb::validate_data_resource_config::Request {
            type_name: "test_echo".into(),
            config: echo(Value::Null, Value::Null),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["name".to_owned()]]
    );
    let resp = client
        .read_data_source(pb::read_data_source::Request {
            type_name: "test_echo".into(),
            config: echo(Value::from("a"), Value::Null),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    let state = un_echo(resp.state);
    assert_eq!(state.attr("greeting"), &Value::from("hello a"));
}
