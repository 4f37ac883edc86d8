//! Ephemeral resources and actions over gRPC: `test_token` (open, renew, close) and
//! `test_countdown` (progress lines, then exactly one completion), registered on the test
//! provider of `framework_grpc.rs`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use centralroot::cty::{self, Type, Value};
use centralroot::framework::action::{Action, InvokeRequest, InvokeResponse, Progress};
use centralroot::framework::context::Context;
use centralroot::framework::ephemeral_resource::{
    CloseRequest, CloseResponse, EphemeralResource, OpenRequest, OpenResponse, RenewRequest,
    RenewResponse,
};
use centralroot::framework::schema::{Attribute, Block, Schema};
use centralroot::framework::values::ValueExt;
use centralroot::tfplugin6 as pb;
use pb::invoke_action::event::Type as EventType;
use pb::provider_client::ProviderClient;
use tokio_stream::StreamExt;
use tonic::transport::Channel;

use super::{Store, TestProvider, configured, error_paths, serve, summaries};

/// How long an opened token lives before Terraform should renew it.
const LIFETIME: Duration = Duration::from_secs(3600);

/// `test_token`: a token named after `name`; `name = "broken"` leaves it unknown,
/// `name = "hold"` never finishes opening.
pub struct Token;

fn token_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .attribute("name", Attribute::required(Type::String))
            .attribute("token", Attribute::computed(Type::String).sensitive()),
    )
}

#[async_trait]
impl EphemeralResource<Arc<Store>> for Token {
    fn type_name(&self) -> &'static str {
        "test_token"
    }

    fn schema(&self) -> Schema {
        token_schema()
    }

    async fn open(&self, ctx: &Context<Arc<Store>>, req: OpenRequest, resp: &mut OpenResponse) {
        let name = req.config.attr("name").as_str().unwrap_or_default();
        match name {
            "broken" => resp.result.set_attr("token", Value::unknown()),
            "hold" => {
                ctx.provider_data().slow_started.notify_one();
                std::future::pending::<()>().await;
                Ok(())
            }
            _ => resp
                .result
                .set_attr("token", Value::from(format!("token-{name}"))),
        }
        .expect("the result starts as the configuration object");
        resp.renew_at = Some(SystemTime::now() + LIFETIME);
        resp.private = name.as_bytes().to_vec();
    }

    /// Extends the lease; the private data counts the renewals.
    async fn renew(&self, _ctx: &Context<Arc<Store>>, req: RenewRequest, resp: &mut RenewResponse) {
        resp.renew_at = Some(SystemTime::now() + LIFETIME);
        resp.private = [req.private.as_slice(), b"+"].concat();
    }

    async fn close(&self, _ctx: &Context<Arc<Store>>, req: CloseRequest, resp: &mut CloseResponse) {
        if req.private.is_empty() {
            resp.diagnostics
                .error("Nothing To Close", "close received no private data");
        }
    }
}

/// `test_countdown`: one progress line per number from `from` down to 1, then an error when
/// `fail` is set, or a wait for StopProvider when `hold` is set.
pub struct Countdown;

fn countdown_schema() -> Schema {
    Schema::new(
        0,
        Block::new()
            .attribute("from", Attribute::required(Type::Number))
            .attribute("fail", Attribute::optional(Type::Bool))
            .attribute("hold", Attribute::optional(Type::Bool)),
    )
}

#[async_trait]
impl Action<Arc<Store>> for Countdown {
    fn type_name(&self) -> &'static str {
        "test_countdown"
    }

    fn schema(&self) -> Schema {
        countdown_schema()
    }

    async fn invoke(
        &self,
        ctx: &Context<Arc<Store>>,
        req: InvokeRequest,
        progress: &Progress,
        resp: &mut InvokeResponse,
    ) {
        let from = req.config.attr("from").as_i64().unwrap_or_default();
        for n in (1..=from).rev() {
            progress.send(n.to_string()).await;
        }
        if req.config.attr("fail").as_bool() == Some(true) {
            resp.diagnostics
                .error("Countdown Failed", "the count reached zero");
        }
        if req.config.attr("hold").as_bool() == Some(true) {
            ctx.provider_data().slow_started.notify_one();
            std::future::pending::<()>().await;
        }
    }
}

fn encoded(value: &Value, schema: &Schema) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: cty::msgpack::encode(value, &schema.value_type()).unwrap(),
        json: Vec::new(),
    })
}

fn token_config(name: Value) -> Option<pb::DynamicValue> {
    let mut config = token_schema().empty_value();
    config.set_attr("name", name).expect("an object");
    encoded(&config, &token_schema())
}

fn countdown(from: Value, fail: bool, hold: bool) -> Option<pb::DynamicValue> {
    let mut config = countdown_schema().empty_value();
    config.set_attr("from", from).expect("an object");
    config
        .set_attr("fail", Value::Bool(fail))
        .expect("an object");
    config
        .set_attr("hold", Value::Bool(hold))
        .expect("an object");
    encoded(&config, &countdown_schema())
}

async fn open(
    client: &mut ProviderClient<Channel>,
    name: Value,
) -> pb::open_ephemeral_resource::Response {
    client
        .open_ephemeral_resource(pb::open_ephemeral_resource::Request {
            type_name: "test_token".into(),
            config: token_config(name),
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner()
}

/// Progress lines and the diagnostics of the completion, checking what Terraform relies on:
/// every event has a type, exactly one is a completion, and it is the last.
async fn invoke(
    client: &mut ProviderClient<Channel>,
    config: Option<pb::DynamicValue>,
) -> (Vec<String>, Vec<pb::Diagnostic>) {
    let stream = client
        .invoke_action(pb::invoke_action::Request {
            action_type: "test_countdown".into(),
            config,
            client_capabilities: None,
        })
        .await
        .unwrap()
        .into_inner();
    let events: Vec<_> = tokio::time::timeout(Duration::from_secs(10), stream.collect())
        .await
        .expect("the stream ends");
    let mut lines = Vec::new();
    let mut completions = Vec::new();
    for event in events {
        assert!(completions.is_empty(), "an event after the completion");
        match event
            .expect("no stream error")
            .r#type
            .expect("a typed event")
        {
            EventType::Progress(p) => lines.push(p.message),
            EventType::Completed(c) => completions.push(c.diagnostics),
        }
    }
    assert_eq!(completions.len(), 1, "exactly one completion");
    (lines, completions.remove(0))
}

#[tokio::test]
async fn schemas_and_metadata_list_ephemeral_resources_and_actions() {
    let mut client = serve(TestProvider::default()).await;
    let schema = client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let token = &schema.ephemeral_resource_schemas["test_token"];
    let attributes = token.block.as_ref().unwrap().attributes.iter();
    let names: Vec<_> = attributes.map(|a| (a.name.as_str(), a.sensitive)).collect();
    assert_eq!(names, [("name", false), ("token", true)]);
    let action = schema.action_schemas["test_countdown"].schema.as_ref();
    let block = action.expect("a schema").block.as_ref().expect("a block");
    assert_eq!(block.attributes.len(), 3);

    let md = client
        .get_metadata(pb::get_metadata::Request {})
        .await
        .unwrap()
        .into_inner();
    let ephemeral: Vec<_> = md
        .ephemeral_resources
        .iter()
        .map(|e| e.type_name.as_str())
        .collect();
    let actions: Vec<_> = md.actions.iter().map(|a| a.type_name.as_str()).collect();
    assert_eq!(
        (ephemeral, actions),
        (vec!["test_token"], vec!["test_countdown"])
    );
}

#[tokio::test]
async fn ephemeral_validate_open_renew_close() {
    let mut client = configured(TestProvider::default()).await;
    let invalid = client
        .validate_ephemeral_resource_config(pb::validate_ephemeral_resource_config::Request {
            type_name: "test_token".into(),
            config: token_config(Value::Null),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(error_paths(&invalid.diagnostics), [["name"]]);

    let before = SystemTime::now();
    let opened = open(&mut client, Value::from("a")).await;
    assert!(opened.diagnostics.is_empty(), "{:?}", opened.diagnostics);
    let result = cty::msgpack::decode(
        &opened.result.expect("a result").msgpack,
        &token_schema().value_type(),
    )
    .unwrap();
    assert_eq!(result.attr("token"), &Value::from("token-a"));
    assert_eq!(result.attr("name"), &Value::from("a"));
    let renew_at = SystemTime::try_from(opened.renew_at.expect("a renewal")).unwrap();
    assert!(renew_at > before, "the renewal is in the future");
    assert_eq!(opened.private.as_deref(), Some(&b"a"[..]));

    let renewed = client
        .renew_ephemeral_resource(pb::renew_ephemeral_resource::Request {
            type_name: "test_token".into(),
            private: opened.private.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(renewed.diagnostics.is_empty(), "{:?}", renewed.diagnostics);
    assert!(renewed.renew_at.is_some());
    assert_eq!(renewed.private.as_deref(), Some(&b"a+"[..]));

    let closed = client
        .close_ephemeral_resource(pb::close_ephemeral_resource::Request {
            type_name: "test_token".into(),
            private: opened.private,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(closed.diagnostics.is_empty(), "{:?}", closed.diagnostics);
    let empty = client
        .close_ephemeral_resource(pb::close_ephemeral_resource::Request {
            type_name: "test_token".into(),
            private: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summaries(&empty.diagnostics), ["Nothing To Close"]);
}

#[tokio::test]
async fn ephemeral_unknown_configuration_and_unknown_results_are_refused() {
    let mut client = configured(TestProvider::default()).await;
    for (name, summary, path) in [
        (Value::unknown(), "Unknown Configuration Value", "name"),
        (Value::from("broken"), "Unknown Value After Open", "token"),
    ] {
        let resp = open(&mut client, name).await;
        assert_eq!(summaries(&resp.diagnostics), [summary]);
        assert_eq!(error_paths(&resp.diagnostics), [[path]]);
        assert_eq!(
            (resp.result, resp.renew_at, resp.private),
            (None, None, None),
            "{summary}: nothing for Terraform to use, renew or close"
        );
    }
}

#[tokio::test]
async fn stop_provider_interrupts_an_open() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;
    let started = provider.store.slow_started.notified();
    let in_flight = {
        let mut client = client.clone();
        tokio::spawn(async move { open(&mut client, Value::from("hold")).await })
    };
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("open started");
    client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let resp = tokio::time::timeout(Duration::from_secs(10), in_flight)
        .await
        .expect("the interrupted open returns")
        .unwrap();
    assert_eq!(summaries(&resp.diagnostics), ["Operation interrupted"]);
    assert!(resp.result.is_none());
}

#[tokio::test]
async fn action_validate_and_plan() {
    let mut client = configured(TestProvider::default()).await;
    let invalid = client
        .validate_action_config(pb::validate_action_config::Request {
            type_name: "test_countdown".into(),
            config: countdown(Value::Null, false, false),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(error_paths(&invalid.diagnostics), [["from"]]);
    let planned = client
        .plan_action(pb::plan_action::Request {
            action_type: "test_countdown".into(),
            config: countdown(Value::unknown(), false, false),
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed: true,
                ..Default::default()
            }),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(planned.diagnostics.is_empty(), "{:?}", planned.diagnostics);
    assert!(planned.deferred.is_none(), "never deferred");
}

#[tokio::test]
async fn an_action_streams_progress_then_exactly_one_completion() {
    let mut client = configured(TestProvider::default()).await;
    let (lines, diags) = invoke(&mut client, countdown(Value::from(3), false, false)).await;
    assert_eq!(lines, ["3", "2", "1"]);
    assert!(diags.is_empty(), "{diags:?}");
    let (lines, diags) = invoke(&mut client, countdown(Value::from(2), true, false)).await;
    assert_eq!(lines, ["2", "1"]);
    assert_eq!(summaries(&diags), ["Countdown Failed"]);
    let (lines, diags) = invoke(&mut client, countdown(Value::unknown(), false, false)).await;
    assert!(lines.is_empty());
    assert_eq!(error_paths(&diags), [["from"]]);
}

#[tokio::test]
async fn an_interrupted_action_completes_once_with_the_interruption() {
    let provider = TestProvider::default();
    let mut client = configured(provider.clone()).await;
    let started = provider.store.slow_started.notified();
    let in_flight = {
        let mut client = client.clone();
        tokio::spawn(
            async move { invoke(&mut client, countdown(Value::from(2), false, true)).await },
        )
    };
    tokio::time::timeout(Duration::from_secs(10), started)
        .await
        .expect("the action started");
    client
        .stop_provider(pb::stop_provider::Request {})
        .await
        .unwrap();
    let (lines, diags) = tokio::time::timeout(Duration::from_secs(10), in_flight)
        .await
        .expect("the interrupted action completes")
        .unwrap();
    assert_eq!(lines, ["2", "1"]);
    assert_eq!(summaries(&diags), ["Operation interrupted"]);
}

#[tokio::test]
async fn unknown_ephemeral_and_action_types_are_diagnostics() {
    let mut client = configured(TestProvider::default()).await;
    let renewed = client
        .renew_ephemeral_resource(pb::renew_ephemeral_resource::Request {
            type_name: "test_nope".into(),
            private: Some(b"kept".to_vec()),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        summaries(&renewed.diagnostics),
        ["Unknown Ephemeral Resource Type"]
    );
    assert_eq!(renewed.private.as_deref(), Some(&b"kept"[..]));
    let mut stream = client
        .invoke_action(pb::invoke_action::Request {
            action_type: "test_nope".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    match stream.next().await.unwrap().unwrap().r#type {
        Some(EventType::Completed(c)) => {
            assert_eq!(summaries(&c.diagnostics), ["Unknown Action Type"])
        }
        other => panic!("{other:?}"),
    }
    assert!(stream.next().await.is_none());
}
