//! ValidateListResourceConfig and ListResource: the `config {}` block decoded, and each
//! streamed event's identity and state encoded with the managed type's; a failure is the
//! last event.

use centralroot::cty::{Type, Value};
use centralroot::framework::values::ValueExt;
use centralroot::tfplugin6 as pb;
use tokio_stream::StreamExt;

use crate::support::{
    Client, TestProvider, apply, arn, configured, encode, id_identity, plan, summaries, thing,
    un_id, un_thing,
};

async fn create_things(client: &mut Client, names: &[&str]) {
    for name in names {
        let config = thing(&[("name", Value::from(*name))]);
        let p = plan(client, &Value::Null, &config).await;
        let a = apply(client, &Value::Null, &un_thing(p.planned_state), &config).await;
        assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    }
}

fn list_config(prefix: Value) -> Option<pb::DynamicValue> {
    let ty = Type::object([("name_prefix", Type::String)]);
    encode(
        &Value::Object([("name_prefix".to_owned(), prefix)].into()),
        &ty,
    )
}

async fn list_events(
    client: &mut Client,
    prefix: Value,
    include_resource_object: bool,
    limit: i64,
) -> Vec<pb::list_resource::Event> {
    client
        .list_resource(pb::list_resource::Request {
            type_name: "test_thing".into(),
            config: list_config(prefix),
            include_resource_object,
            limit,
        })
        .await
        .unwrap()
        .into_inner()
        .map(|event| event.expect("an event"))
        .collect()
        .await
}

#[tokio::test]
async fn list_resource_streams_identities() {
    let mut client = configured(TestProvider::default()).await;
    let md = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let lists: Vec<_> = md
        .list_resources
        .iter()
        .map(|l| l.type_name.as_str())
        .collect();
    assert_eq!(lists, ["test_thing"]);
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let config_block = schema.list_resource_schemas["test_thing"]
        .block
        .clone()
        .unwrap();
    assert_eq!(config_block.attributes[0].name, "name_prefix");
    let valid = client
        .validate_list_resource_config(pb::validate_list_resource_config::Request {
            type_name: "test_thing".into(),
            config: list_config(Value::from("a")),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert!(valid.diagnostics.is_empty(), "{:?}", valid.diagnostics);

    create_things(&mut client, &["a", "b", "c"]).await;
    let all = list_events(&mut client, Value::Null, true, 100).await;
    let got: Vec<_> = all
        .iter()
        .map(|e| (e.display_name.as_str(), un_id(e.identity.clone())))
        .collect();
    assert_eq!(
        got,
        [
            ("a", id_identity(Value::from("thing-1"))),
            ("b", id_identity(Value::from("thing-2"))),
            ("c", id_identity(Value::from("thing-3"))),
        ]
    );
    let object = un_thing(all[1].resource_object.clone());
    assert_eq!(object.attr("arn"), &arn("b", 1));

    let limited = list_events(&mut client, Value::Null, false, 2).await;
    assert_eq!(limited.len(), 2);
    assert!(limited.iter().all(|e| e.resource_object.is_none()));

    let failed = list_events(&mut client, Value::from("fail"), false, 100).await;
    assert_eq!(failed.len(), 2, "one result, then the error");
    assert_eq!(summaries(&failed[1].diagnostic), vec!["Listing failed"]);
    assert!(failed[1].identity.is_none());
}
