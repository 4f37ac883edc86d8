//! ValidateProviderConfig, ConfigureProvider, StopProvider: the provider block in msgpack
//! or JSON, its diagnostics on the attribute at fault, and a stop answered while another
//! RPC is in flight.

use std::time::{Duration, Instant};

use centralroot::cty::Value;
use centralroot::framework::values::ValueExt;
use centralroot::provider::CentralRootProvider;
use centralroot::provider::schema::provider_schema;
use centralroot::tfplugin6 as pb;

use crate::support::{
    TestProvider, apply, configured, encode, error_paths, plan, serve, summaries, thing, un_thing,
};

fn provider_config(pairs: &[(&str, Value)]) -> Value {
    let mut v = provider_schema().empty_value();
    for (k, val) in pairs {
        v.set_attr(k, val.clone()).expect("an object");
    }
    v
}

fn provider_dv(v: &Value) -> Option<pb::DynamicValue> {
    encode(v, &provider_schema().value_type())
}

#[tokio::test]
async fn validate_and_configure_provider_over_grpc() {
    let mut client = serve(CentralRootProvider).await;
    let good = provider_config(&[
        ("region", Value::from("us-east-1")),
        ("access_key", Value::from("AKID")),
        ("secret_key", Value::from("SECRET")),
    ]);
    let resp = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: provider_dv(&good),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);

    let bad = provider_config(&[
        ("region", Value::from("nowhere")),
        ("retry_mode", Value::from("legacy")),
    ]);
    let resp = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: provider_dv(&bad),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["region".to_owned()], vec!["retry_mode".to_owned()]]
    );

    // JSON is accepted when msgpack is empty.
    let resp = client
        .validate_provider_config(pb::validate_provider_config::Request {
            config: Some(pb::DynamicValue {
                msgpack: Vec::new(),
                json: br#"{"max_retries": 99}"#.to_vec(),
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        error_paths(&resp.diagnostics),
        vec![vec!["max_retries".to_owned()]]
    );

    let resp = client
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.15.5".into(),
            config: provider_dv(&good),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(resp.diagnostics.is_empty(), "{:?}", resp.diagnostics);
}

#[tokio::test]
async fn stop_provider_interrupts_in_flight_work() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;
    let config = thing(&[("name", Value::from("slow")), ("slow", Value::Bool(true))]);
    let p = plan(&mut client, &Value::Null, &config).await;
    let planned = un_thing(p.planned_state);

    let mut apply_client = client.clone();
    let started = provider.store.slow_started.notified();
    let in_flight = tokio::spawn(async move {
        let t = Instant::now();
        let resp = apply(&mut apply_client, &Value::Null, &planned, &config).await;
        (resp, t.elapsed())
    });
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("create started");
    let stop = client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(stop.error, "");
    let (resp, elapsed) = tokio::time::timeout(Duration::from_secs(5), in_flight)
        .await
        .expect("the interrupted RPC returns promptly")
        .unwrap();
    assert!(elapsed < Duration::from_secs(5));
    assert_eq!(summaries(&resp.diagnostics), vec!["Operation interrupted"]);
    assert_eq!(un_thing(resp.new_state), Value::Null);
}
