//! ValidateResourceConfig, UpgradeResourceState, ReadResource, PlanResourceChange,
//! ApplyResourceChange, GenerateResourceConfig: states and configurations in msgpack (or
//! JSON) and back, private data returned as it came, requests that do not decode, and
//! answers that carry a state together with errors. Identities, imports and moves are in
//! [`crate::identity`].

use std::collections::HashMap;

use centralroot::cty::{Type, Value};
use centralroot::framework::values::ValueExt;
use centralroot::tfplugin6 as pb;

use crate::support::{
    TestProvider, apply, apply_request, arn, configured, encode, error_paths, id_data, id_identity,
    plan, plan_request, read_request, summaries, thing, thing_dv, un_thing,
};

#[tokio::test]
async fn validate_plan_apply_read_and_destroy() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;

    let resp = client
        .validate_resource_config(pb::validate_resource_config::Request {
            type_name: "test_thing".into(),
            config: thing_dv(&thing(&[("mode", Value::from("fast"))])),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["mode".to_owned()], vec!["name".to_owned()]]
    );

    let config = thing(&[("name", Value::from("a")), ("note", Value::from("n1"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    let planned = un_thing(p.planned_state);
    assert!(
        planned.attr("id").is_unknown() && planned.attr("arn").is_unknown(),
        "unknown values survive the wire"
    );
    assert_eq!(planned.attr("mode"), &Value::from("standard"));
    assert!(p.requires_replace.is_empty());
    let a = apply(&mut client, &Value::Null, &planned, &config).await;
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let state = un_thing(a.new_state);
    assert_eq!(state.attr("id"), &Value::from("thing-1"));
    assert_eq!(state.attr("arn"), &arn("a", 1));
    assert!(state.is_wholly_known());

    let r = client
        .read_resource(read_request(&state))
        .await
        .unwrap()
        .into_inner();
    assert!(r.diagnostics.is_empty());
    assert_eq!(un_thing(r.new_state), state);

    let p = plan(&mut client, &state, &thing(&[("name", Value::from("b"))])).await;
    assert_eq!(
        error_paths(&[pb::Diagnostic {
            severity: pb::diagnostic::Severity::Error as i32,
            attribute: p.requires_replace.first().cloned(),
            ..Default::default()
        }]),
        vec![vec!["name".to_owned()]],
        "the path that forces replacement"
    );

    let p = plan(&mut client, &state, &Value::Null).await;
    assert!(p.diagnostics.is_empty());
    assert_eq!(un_thing(p.planned_state), Value::Null);
    let a = apply(&mut client, &state, &Value::Null, &Value::Null).await;
    assert!(a.diagnostics.is_empty());
    assert_eq!(un_thing(a.new_state), Value::Null);
    assert!(provider.store.things.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_update_answers_with_what_it_recorded() {
    let mut client = configured(TestProvider::default()).await;
    let config = thing(&[("name", Value::from("a"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    let a = apply(
        &mut client,
        &Value::Null,
        &un_thing(p.planned_state),
        &config,
    )
    .await;
    let prior = un_thing(a.new_state);

    let config = thing(&[("name", Value::from("a")), ("note", Value::from("fail"))]);
    let p = plan(&mut client, &prior, &config).await;
    let resp = apply(&mut client, &prior, &un_thing(p.planned_state), &config).await;
    assert_eq!(summaries(&resp.diagnostics), vec!["Update failed"]);
    let mut recorded = prior;
    recorded.set_attr("note", Value::from("fail")).unwrap();
    recorded.set_attr("arn", arn("a", 2)).unwrap();
    assert_eq!(
        un_thing(resp.new_state),
        recorded,
        "the state travels with the error, for Terraform to keep"
    );
}

#[tokio::test]
async fn private_data_comes_back_as_it_was_sent() {
    let mut client = configured(TestProvider::default()).await;
    let config = thing(&[("name", Value::from("a"))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    let created = apply(
        &mut client,
        &Value::Null,
        &un_thing(p.planned_state),
        &config,
    )
    .await;
    assert_eq!(created.private, b"created", "what create recorded");
    let state = un_thing(created.new_state);

    let update = thing(&[("name", Value::from("a")), ("note", Value::from("n"))]);
    let p = client
        .plan_resource_change(pb::plan_resource_change::Request {
            prior_private: created.private.clone(),
            ..plan_request(&state, &update)
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(p.planned_private, b"created");
    let planned = un_thing(p.planned_state);
    let updated = client
        .apply_resource_change(pb::apply_resource_change::Request {
            planned_private: p.planned_private,
            ..apply_request(&state, &planned, &update)
        })
        .await
        .unwrap()
        .into_inner();
    assert!(updated.diagnostics.is_empty(), "{:?}", updated.diagnostics);
    assert_eq!(updated.private, b"created");
    let read = client
        .read_resource(pb::read_resource::Request {
            private: updated.private,
            ..read_request(&un_thing(updated.new_state))
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(read.private, b"created");
}

/// A DynamicValue that is not msgpack.
fn garbage() -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: vec![0xc1],
        json: Vec::new(),
    })
}

#[tokio::test]
async fn values_that_do_not_decode_are_diagnostics() {
    let mut client = configured(TestProvider::default()).await;
    let bad_json = Some(pb::DynamicValue {
        msgpack: Vec::new(),
        json: b"{not json".to_vec(),
    });
    let not_an_object = encode(&Value::from("a"), &Type::String);
    for (what, config) in [
        ("bad msgpack", garbage()),
        ("bad JSON", bad_json),
        ("another type", not_an_object),
    ] {
        let resp = client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: "test_thing".into(),
                config: config.clone(),
                client_capabilities: None,
            })
            .await
            .expect("a diagnostic, not a gRPC error")
            .into_inner();
        assert_eq!(
            summaries(&resp.diagnostics),
            ["Unable to Read Value From Terraform"],
            "{what}"
        );
        assert!(
            resp.diagnostics[0].detail.contains("configuration"),
            "{what}: names the field: {}",
            resp.diagnostics[0].detail
        );
        let p = client
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: "test_thing".into(),
                config,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            summaries(&p.diagnostics),
            ["Unable to Read Value From Terraform"],
            "{what}"
        );
        assert!(p.planned_state.is_none(), "{what}: nothing planned");
    }
}

#[tokio::test]
async fn a_read_or_apply_that_does_not_decode_answers_what_terraform_sent() {
    let mut client = configured(TestProvider::default()).await;
    let state = thing(&[("id", Value::from("thing-1")), ("name", Value::from("a"))]);
    let bad_identity = Some(pb::ResourceIdentityData {
        identity_data: garbage(),
    });
    let read = client
        .read_resource(pb::read_resource::Request {
            private: b"kept".to_vec(),
            current_identity: bad_identity.clone(),
            ..read_request(&state)
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&read.diagnostics),
        ["Unable to Read Value From Terraform"]
    );
    assert_eq!(
        (read.new_state, read.private, read.new_identity),
        (thing_dv(&state), b"kept".to_vec(), bad_identity),
        "the state, private data and identity Terraform sent, untouched"
    );

    let identity = id_data(&id_identity(Value::from("thing-1")));
    let applied = client
        .apply_resource_change(pb::apply_resource_change::Request {
            planned_state: garbage(),
            planned_private: b"kept".to_vec(),
            planned_identity: identity.clone(),
            ..apply_request(&state, &state, &state)
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&applied.diagnostics),
        ["Unable to Read Value From Terraform"]
    );
    assert_eq!(
        (applied.new_state, applied.private, applied.new_identity),
        (thing_dv(&state), b"kept".to_vec(), identity),
        "the prior state, with the private data and identity planned for it"
    );
}

fn raw_state(json: &str, flatmap: &[(&str, &str)]) -> pb::upgrade_resource_state::Request {
    pb::upgrade_resource_state::Request {
        type_name: "test_thing".into(),
        version: 0,
        raw_state: Some(pb::RawState {
            json: json.as_bytes().to_vec(),
            flatmap: flatmap
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
        }),
    }
}

#[tokio::test]
async fn upgrade_resource_state_reencodes_raw_json() {
    let mut client = configured(TestProvider::default()).await;
    let resp = client
        .upgrade_resource_state(raw_state(
            r#"{"id":"thing-7","name":"a","gone":"x","mode":"standard"}"#,
            &[],
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
    assert_eq!(
        un_thing(resp.upgraded_state),
        thing(&[
            ("id", Value::from("thing-7")),
            ("name", Value::from("a")),
            ("mode", Value::from("standard"))
        ])
    );
}

#[tokio::test]
async fn a_flatmap_or_empty_state_is_not_upgraded() {
    let mut client = configured(TestProvider::default()).await;
    for (request, mention) in [
        (raw_state("", &[("id", "thing-7")]), "flatmap"),
        (raw_state("", &[]), "empty state"),
    ] {
        let resp = client
            .upgrade_resource_state(request)
            .await
            .unwrap()
            .into_inner();
        assert!(resp.upgraded_state.is_none());
        assert_eq!(
            summaries(&resp.diagnostics),
            ["Unable to Upgrade Resource State"]
        );
        assert!(
            resp.diagnostics[0].detail.contains(mention),
            "{mention}: {}",
            resp.diagnostics[0].detail
        );
    }
}

#[tokio::test]
async fn generate_resource_config_answers_a_configuration() {
    let mut client = configured(TestProvider::default()).await;
    let state = thing(&[
        ("id", Value::from("thing-5")),
        ("arn", arn("moved", 1)),
        ("name", Value::from("moved")),
        ("mode", Value::from("standard")),
    ]);
    let generated = client
        .generate_resource_config(pb::generate_resource_config::Request {
            type_name: "test_thing".into(),
            state: thing_dv(&state),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        generated.diagnostics.is_empty(),
        "{:?}",
        generated.diagnostics
    );
    assert_eq!(
        un_thing(generated.config),
        thing(&[("name", Value::from("moved"))]),
        "computed-only id and arn, and the default mode, left out"
    );
}
