//! Identities on the wire (`convert/identity.rs`): decoded from every request that carries
//! one, encoded in every answer, absent for none; raw JSON identities and moved states in,
//! msgpack out.

use std::collections::HashMap;

use centralroot::cty::Value;
use centralroot::framework::values::ValueExt;
use centralroot::tfplugin6 as pb;

use crate::support::{
    Client, TestProvider, apply_request, configured, id_data, id_identity, plan, plan_request,
    read_request, summaries, thing, un_id, un_thing,
};

async fn read_with_identity(
    client: &mut Client,
    state: &Value,
    identity: &Value,
) -> pb::read_resource::Response {
    client
        .read_resource(pb::read_resource::Request {
            current_identity: id_data(identity),
            ..read_request(state)
        })
        .await
        .unwrap()
        .into_inner()
}

async fn import_by(
    client: &mut Client,
    id: &str,
    identity: &Value,
) -> pb::import_resource_state::Response {
    client
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: id.into(),
            identity: id_data(identity),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

fn raw(json: &str) -> Option<pb::RawState> {
    Some(pb::RawState {
        json: json.as_bytes().to_vec(),
        flatmap: HashMap::new(),
    })
}

#[tokio::test]
async fn identity_travels_through_every_answer() {
    let mut client = configured(TestProvider::default()).await;
    let schemas = client
        .get_resource_identity_schemas(pb::get_resource_identity_schemas::Request {})
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<_> = schemas
        .identity_schemas
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(ids, ["test_thing"], "only the type that opted in");
    let schema = &schemas.identity_schemas["test_thing"];
    let attr = &schema.identity_attributes[0];
    assert_eq!(
        (schema.version, attr.name.as_str(), attr.r#type.as_slice()),
        (0, "id", b"\"string\"".as_slice())
    );
    assert!(attr.required_for_import && !attr.optional_for_import);

    let config = thing(&[("name", Value::from("a"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert!(
        p.planned_identity.is_none(),
        "none planned until created: Terraform cannot render an unknown one"
    );
    let planned = un_thing(p.planned_state);
    let a = client
        .apply_resource_change(pb::apply_resource_change::Request {
            planned_identity: p.planned_identity,
            ..apply_request(&Value::Null, &planned, &config)
        })
        .await
        .unwrap()
        .into_inner();
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let identity = un_id(a.new_identity);
    assert_eq!(identity, id_identity(Value::from("thing-1")));
    let state = un_thing(a.new_state);

    let r = read_with_identity(&mut client, &state, &identity).await;
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    assert_eq!(un_id(r.new_identity), identity);
    let first = read_with_identity(&mut client, &state, &Value::Null).await;
    assert_eq!(
        un_id(first.new_identity),
        identity,
        "the first read after an import by ID sets it"
    );
    let other = id_identity(Value::from("thing-9"));
    let changed = read_with_identity(&mut client, &state, &other).await;
    assert_eq!(
        summaries(&changed.diagnostics),
        vec!["Unexpected Identity Change"]
    );
    assert_eq!(un_id(changed.new_identity), other, "the stored one kept");

    let update = thing(&[("name", Value::from("a")), ("note", Value::from("n"))]);
    let p = client
        .plan_resource_change(pb::plan_resource_change::Request {
            prior_identity: id_data(&identity),
            ..plan_request(&state, &update)
        })
        .await
        .unwrap()
        .into_inner();
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(un_id(p.planned_identity), identity);
}

#[tokio::test]
async fn import_by_id_or_by_identity() {
    let mut client = configured(TestProvider::default()).await;
    for (id, identity) in [
        ("thing-3", Value::Null),
        ("", id_identity(Value::from("thing-3"))),
    ] {
        let resp = import_by(&mut client, id, &identity).await;
        assert!(
            resp.diagnostics.is_empty(),
            "{id:?}: {:?}",
            resp.diagnostics
        );
        let imported = resp.imported_resources[0].clone();
        assert_eq!(
            un_thing(imported.state),
            thing(&[("id", Value::from("thing-3"))])
        );
        assert_eq!(
            un_id(imported.identity),
            id_identity(Value::from("thing-3"))
        );
    }
    let resp = import_by(&mut client, "", &id_identity(Value::Null)).await;
    assert!(resp.imported_resources.is_empty());
    assert_eq!(
        summaries(&resp.diagnostics),
        vec!["Missing Identity Attribute"]
    );
}

#[tokio::test]
async fn upgrade_resource_identity_reencodes_raw_json() {
    let mut client = configured(TestProvider::default()).await;
    let upgrade = |version: i64| pb::upgrade_resource_identity::Request {
        type_name: "test_thing".into(),
        version,
        raw_identity: raw(r#"{"id":"thing-4"}"#),
    };
    let up = client
        .upgrade_resource_identity(upgrade(0))
        .await
        .unwrap()
        .into_inner();
    assert!(up.diagnostics.is_empty(), "{:?}", up.diagnostics);
    assert_eq!(
        un_id(up.upgraded_identity),
        id_identity(Value::from("thing-4"))
    );
    let newer = client
        .upgrade_resource_identity(upgrade(3))
        .await
        .unwrap()
        .into_inner();
    assert!(newer.upgraded_identity.is_none());
    assert_eq!(
        summaries(&newer.diagnostics),
        vec!["Unable to Upgrade Resource Identity"]
    );
}

#[tokio::test]
async fn move_resource_state_reads_raw_json_and_answers_state_and_identity() {
    let mut client = configured(TestProvider::default()).await;
    let mv = |source_type_name: &str, state: &str| pb::move_resource_state::Request {
        source_provider_address: "registry.terraform.io/hashicorp/aws".into(),
        source_type_name: source_type_name.into(),
        source_schema_version: 0,
        source_state: raw(state),
        target_type_name: "test_thing".into(),
        ..Default::default()
    };
    let moved = client
        .move_resource_state(mv("aws_thing", r#"{"id":"thing-5","title":"moved"}"#))
        .await
        .unwrap()
        .into_inner();
    assert!(moved.diagnostics.is_empty(), "{:?}", moved.diagnostics);
    let state = un_thing(moved.target_state);
    assert_eq!(state.attr("name"), &Value::from("moved"));
    assert_eq!(
        un_id(moved.target_identity),
        id_identity(Value::from("thing-5"))
    );
    let refused = client
        .move_resource_state(mv("aws_other", "{}"))
        .await
        .unwrap()
        .into_inner();
    assert!(refused.target_state.is_none() && refused.target_identity.is_none());
    assert_eq!(
        summaries(&refused.diagnostics),
        vec!["Unsupported Resource Move"]
    );
}
